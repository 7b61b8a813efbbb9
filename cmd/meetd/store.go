package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/internal/auth"
	"github.com/meetd/meetd/internal/sqlite"
)

// storeFlags choose the store: --db URL (postgres://… or sqlite:PATH), or
// SQLite in the --data folder.
type storeFlags struct {
	data *string
	db   *string
	sync *string
}

func addStoreFlags(f *envFlags) storeFlags {
	return storeFlags{
		data: f.string("data", defaultData, "data folder for the embedded SQLite store and the signing key"),
		db:   f.string("db", "", "store URL: postgres://… or sqlite:PATH (default: SQLite in --data)"),
		sync: f.string("sync", "full", "SQLite durability (PostgreSQL's is its own synchronous_commit): full (every 201 survives power loss) or normal (survives a crash of meetd, not of the machine)"),
	}
}

// openedStore is a store with its key store and a description for the log.
type openedStore struct {
	meetd.Store
	keys   auth.KeyStore
	kind   string // where the data is, for the log: sqlite:/abs/path or postgres://user@host:port/db
	sync   string // SQLite's --sync; "" for PostgreSQL
	unlock func() // releases serve's lock on the SQLite database; nil otherwise
}

// Close closes the store, then gives up serve's lock on it.
func (s *openedStore) Close() error {
	err := s.Store.Close()
	if s.unlock != nil {
		s.unlock()
	}
	return err
}

// open opens the chosen store. server says whether the caller is `serve`
// (which runs the SQLite writer with its cache) or a CLI command.
func (sf storeFlags) open(ctx context.Context, server bool) (*openedStore, error) {
	db := *sf.db
	switch {
	case strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://") || isKeywordDSN(db):
		return openPostgres(ctx, db)
	case db == "" || strings.HasPrefix(db, "sqlite:"):
		dir := *sf.data
		path := filepath.Join(dir, "meetd.db")
		if p, ok := strings.CutPrefix(db, "sqlite:"); ok {
			if p == "" {
				return nil, fmt.Errorf("%w: --db sqlite:PATH needs a PATH", errUsage)
			}
			path = p
			if dir == "" || !sf.dataGiven() {
				dir = filepath.Dir(p)
			}
		}
		if *sf.sync != "full" && *sf.sync != "normal" {
			return nil, fmt.Errorf("%w: --sync must be full or normal, not %q", errUsage, *sf.sync)
		}
		if !server {
			// A CLI command acts on the store a server uses: a mistyped
			// --data must not make a new one whose tokens and policies
			// no server will ever see.
			if _, err := os.Stat(path); err != nil {
				return nil, fmt.Errorf("no meetd store at %s (%w): start `meetd serve` with this --data (or --db) first, or give the one it uses", path, err)
			}
		}
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("data folder: %w", err)
		}
		opts := sqlite.Options{Synchronous: *sf.sync}
		var unlock func()
		if server {
			opts.LoadKeysAtOpen = true
			var err error
			if unlock, err = lockDatabase(path); err != nil {
				return nil, err
			}
		} else {
			opts.CacheSize = -1 // the CLI only touches policies
		}
		st, err := sqlite.Open(path, opts)
		if err != nil {
			if unlock != nil {
				unlock()
			}
			return nil, fmt.Errorf("open SQLite store %s: %w", path, err)
		}
		// The log names the database by its absolute path: a relative
		// --data is relative to a working directory the log does not show.
		where := path
		if abs, err := filepath.Abs(path); err == nil {
			where = abs
		}
		return &openedStore{Store: st, keys: auth.NewFileKeyStore(filepath.Join(dir, "signing-key.pem")), kind: "sqlite:" + where, sync: *sf.sync, unlock: unlock}, nil
	default:
		return nil, fmt.Errorf("%w: --db must be postgres://…, a PostgreSQL keyword DSN (host=… dbname=…) or sqlite:PATH", errUsage)
	}
}

// defaultData is --data's default.
const defaultData = "./meetd-data"

// dataGiven reports whether --data (or MEETD_DATA) names another folder
// than the default.
func (sf storeFlags) dataGiven() bool { return *sf.data != defaultData }

// isKeywordDSN reports whether s is meant as a libpq keyword/value
// connection string ("host=db dbname=meetd", "sslmode=disable" with the rest
// in PG* variables, "dbname = meetd"): anything with an = that is not an
// SQLite path. pgx's parser then says whether it is a valid one.
func isKeywordDSN(s string) bool {
	return !strings.HasPrefix(s, "sqlite:") && strings.Contains(s, "=")
}

// lockDatabase takes serve's exclusive lock on an SQLite database, in a file
// beside it, before the store opens it: the store caches meetings and keys
// in memory and runs the only writer, so a second server on the same file,
// whatever its --data, would serve stale answers (and its reads could wait
// on the first one's writer). The lock goes when the process does.
func lockDatabase(path string) (unlock func(), err error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("data folder: %w", err)
	}
	f, err := os.OpenFile(path+".lock", os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, fmt.Errorf("database %s is in use by another meetd serve (%v)", path, err)
	}
	return func() { f.Close() }, nil
}
