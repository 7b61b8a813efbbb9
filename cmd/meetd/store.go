package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

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
		data: f.string("data", "./meetd-data", "data folder for the embedded SQLite store and the signing key"),
		db:   f.string("db", "", "store URL: postgres://… or sqlite:PATH (default: SQLite in --data)"),
		sync: f.string("sync", "full", "SQLite durability: full (every 201 survives power loss) or normal (survives a crash of meetd, not of the machine)"),
	}
}

// openedStore is a store with its key store and a description for the log.
type openedStore struct {
	meetd.Store
	keys    auth.KeyStore
	kind    string
	dataDir string // "" when the store keeps no files of ours
}

// open opens the chosen store. server says whether the caller is `serve`
// (which runs the SQLite writer with its cache) or a CLI command.
func (sf storeFlags) open(ctx context.Context, server bool) (*openedStore, error) {
	db := *sf.db
	switch {
	case strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://") || isKeywordDSN(db):
		return openPostgres(ctx, db, server)
	case db == "" || strings.HasPrefix(db, "sqlite:"):
		dir := *sf.data
		path := filepath.Join(dir, "meetd.db")
		if p, ok := strings.CutPrefix(db, "sqlite:"); ok {
			path = p
			if dir == "" || !flagSet(sf.data) {
				dir = filepath.Dir(p)
			}
		}
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("data folder: %w", err)
		}
		if *sf.sync != "full" && *sf.sync != "normal" {
			return nil, fmt.Errorf("%w: --sync must be full or normal, not %q", errUsage, *sf.sync)
		}
		opts := sqlite.Options{Synchronous: *sf.sync}
		if server {
			opts.LoadKeysAtOpen = true
		} else {
			opts.CacheSize = -1 // the CLI only touches policies
		}
		st, err := sqlite.Open(path, opts)
		if err != nil {
			return nil, fmt.Errorf("open SQLite store %s: %w", path, err)
		}
		return &openedStore{Store: st, keys: auth.NewFileKeyStore(filepath.Join(dir, "signing-key.pem")), kind: "sqlite:" + path, dataDir: dir}, nil
	default:
		return nil, fmt.Errorf("%w: --db must be postgres://…, a PostgreSQL keyword DSN (host=… dbname=…) or sqlite:PATH", errUsage)
	}
}

// flagSet reports whether a string flag differs from its zero value; used
// to tell "--data given" from its default.
func flagSet(p *string) bool { return p != nil && *p != "./meetd-data" }

// isKeywordDSN reports whether s is a libpq keyword/value connection string
// such as "host=db dbname=meetd".
func isKeywordDSN(s string) bool {
	for _, f := range strings.Fields(s) {
		k, _, ok := strings.Cut(f, "=")
		if ok && (k == "host" || k == "dbname" || k == "user" || k == "port") {
			return true
		}
	}
	return false
}
