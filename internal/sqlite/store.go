// Package sqlite is meetd's embedded default store: meetd.Store on one
// SQLite file (modernc.org/sqlite, no cgo), in WAL mode.
//
// Writes go through one goroutine that commits them in groups (writer.go);
// another fsyncs each group before its callers are answered (durable.go),
// so that many concurrent creates share one durable commit and the writer
// never waits for the disk. A third copies the WAL back into the database
// (checkpoint.go). Reads use a pool of read-only connections with prepared
// statements; recently used meetings are served from memory (cache.go), and
// a look-up of a key never created is answered by a Bloom filter
// (keyfilter.go). The schema is in migrations/, applied at Open.
//
// One server process writes meetings to a data folder: the cache relies on
// it. Other processes (the meetd policy command) may open the same file to
// manage policies while the server runs.
package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/meetd/meetd"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

var _ meetd.Store = (*Store)(nil)

// Options tune a Store. The zero value is safe for production use.
type Options struct {
	// Synchronous is how hard a write pushes to the disk: "full" (the
	// default) or "normal". With "full", a write is on stable storage
	// before it returns (the WAL is fsynced after each group commit,
	// durable.go): nothing answered is lost, even on power loss. With
	// "normal", nothing is fsynced until a checkpoint: the database stays
	// consistent and nothing is lost if meetd crashes or is killed, but a
	// power loss or OS crash can lose the last writes, which clients were
	// already told about.
	Synchronous string
	// BusyTimeout is how long a statement waits for another process's lock
	// (the policy command writing) before failing with EUNAVAILABLE.
	// 0 means 5 seconds.
	BusyTimeout time.Duration
	// CacheSize is the most meetings kept in memory; 0 means
	// DefaultCacheSize and a negative value turns the cache off.
	CacheSize int
	// CacheBytes bounds the memory the cached meetings take, estimated;
	// 0 means DefaultCacheBytes and a negative value turns the cache off.
	CacheBytes int
	// KeyFilterBytes is the memory of the filter that answers a look-up of
	// a new createOrGet key without reading the database (keyfilter.go);
	// 0 means DefaultKeyFilterBytes and a negative value turns it off.
	KeyFilterBytes int
	// LoadKeysAtOpen starts the key filter's background scan of the stored
	// keys at Open instead of at the first look-up, so that a server's
	// first requests do not share the machine with it. The CLI leaves it
	// off and never pays for the scan.
	LoadKeysAtOpen bool
	// ReadConns is the number of read connections; 0 means
	// max(4, GOMAXPROCS).
	ReadConns int
	// MaxBatch is the most writes committed together; 0 means 256.
	MaxBatch int
}

// Defaults for the memory the store keeps, sized with the server's other
// caches to one budget (cmd/meetd/serve.go): with 1 million meetings stored
// and hits spread over all of them, `meetd serve` peaked at 78 MB resident
// (docs/performance.md); memory_test.go holds the store alone under 100 MB.
const (
	DefaultCacheSize      = 64 << 10
	DefaultCacheBytes     = 8 << 20
	DefaultKeyFilterBytes = 4 << 20
)

// Store is meetd.Store on SQLite. Meetings it returns are shared with its
// cache and with other callers: treat them as read-only (copy before
// changing, as meetd.Service does). Meetings passed in are copied.
type Store struct {
	wdb   *sql.DB // the writer's one connection
	rdb   *sql.DB // read-only connections
	w     *writer
	cache *cache
	keys  *keyFilter
	reads *readStmts

	closeOnce sync.Once
	closeErr  error
	closed    atomic.Bool // set by Close: the cache must not answer after it
}

// Open opens (creating it if needed) the database file at path, brings its
// schema up to date and starts the writer. The file's folder must exist.
func Open(path string, opts Options) (*Store, error) {
	// SQLite reads a name that starts with "file:" as a URI and opens
	// another file than the one Open creates, secures and fsyncs.
	if path == "" || strings.Contains(path, "?") || strings.HasPrefix(path, "file:") {
		return nil, fmt.Errorf("sqlite: bad database path %q", path)
	}
	syncMode, err := synchronous(opts.Synchronous)
	if err != nil {
		return nil, err
	}
	busy := opts.BusyTimeout
	if busy <= 0 {
		busy = 5 * time.Second
	}
	readConns := opts.ReadConns
	if readConns <= 0 {
		readConns = max(4, runtime.GOMAXPROCS(0))
	}
	maxBatch := opts.MaxBatch
	if maxBatch <= 0 {
		maxBatch = 256
	}
	cacheSize, cacheBytes := opts.CacheSize, opts.CacheBytes
	if cacheSize == 0 {
		cacheSize = DefaultCacheSize
	}
	if cacheBytes == 0 {
		cacheBytes = DefaultCacheBytes
	}

	filterBytes := opts.KeyFilterBytes
	if filterBytes == 0 {
		filterBytes = DefaultKeyFilterBytes
	}
	// Meetings hold passcodes: a new database is readable by its owner
	// only, and SQLite gives its WAL and shared-memory files the same mode.
	if f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600); err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	} else {
		f.Close()
	}
	// SQLite follows a symbolic link to the database and keeps its WAL
	// beside the file linked to, named after it: the syncer must fsync
	// that WAL (and its folder), not a name beside the link.
	resolved, err := filepath.EvalSymlinks(path)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	s := &Store{cache: newCache(cacheSize, cacheBytes), keys: newKeyFilter(filterBytes)}
	ctx := context.Background()
	busyMS := strconv.FormatInt(busy.Milliseconds(), 10)
	// The writer never checkpoints itself: the checkpointer does, beside it.
	writePragmas := []string{"busy_timeout(" + busyMS + ")", "journal_mode(WAL)", "synchronous(NORMAL)",
		"journal_size_limit(" + strconv.Itoa(walSizeLimit) + ")", "temp_store(MEMORY)"}
	// Page caches (cache_size, in KiB) count in serve's memory budget
	// (cmd/meetd/serve.go): each page takes about twice its size resident.
	s.wdb, err = sql.Open("sqlite", dsn(path, append(writePragmas, "wal_autocheckpoint(0)", "cache_size(-4000)")...))
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	s.wdb.SetMaxOpenConns(1)
	s.wdb.SetMaxIdleConns(1)
	s.wdb.SetConnMaxLifetime(0)
	conn, err := s.wdb.Conn(ctx)
	if err != nil {
		s.wdb.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	fail := func(what string, err error) (*Store, error) {
		conn.Close()
		s.wdb.Close()
		if s.rdb != nil {
			s.rdb.Close()
		}
		return nil, fmt.Errorf("sqlite: %s %s: %w", what, path, err)
	}
	if err := migrate(ctx, conn); err != nil {
		return fail("migrate", err)
	}
	fsync := syncMode == "FULL"
	if fsync {
		if err := syncFiles(resolved); err != nil {
			return fail("sync", err)
		}
	}
	var lastSeq int64
	if err := conn.QueryRowContext(ctx, "SELECT coalesce(max(seq), 0) FROM meetings").Scan(&lastSeq); err != nil {
		return fail("read", err)
	}
	ws, err := prepareWrites(ctx, conn)
	if err != nil {
		return fail("prepare", err)
	}
	s.rdb, err = sql.Open("sqlite", dsn(path, "busy_timeout("+busyMS+")", "query_only(1)", "cache_size(-1000)"))
	if err != nil {
		return fail("open", err)
	}
	s.rdb.SetMaxOpenConns(readConns)
	s.rdb.SetMaxIdleConns(readConns)
	s.rdb.SetConnMaxLifetime(0)
	if s.reads, err = prepareReads(ctx, s.rdb); err != nil {
		return fail("prepare", err)
	}
	cdb, err := sql.Open("sqlite", dsn(path, append(writePragmas, "cache_size(-500)")...))
	if err != nil {
		return fail("open", err)
	}
	cdb.SetMaxOpenConns(1)
	s.w = newWriter(conn, ws, maxBatch, newCheckpointer(cdb), newSyncer(resolved, fsync, lastSeq))
	if opts.LoadKeysAtOpen {
		s.keys.load(s.rdb)
	}
	return s, nil
}

func synchronous(v string) (string, error) {
	switch strings.ToLower(v) {
	case "", "full":
		return "FULL", nil
	case "normal":
		return "NORMAL", nil
	}
	return "", fmt.Errorf("sqlite: synchronous must be full or normal, not %q", v)
}

// dsn builds a modernc DSN: the path, then each pragma run on every new
// connection (busy_timeout first, as the driver orders them).
func dsn(path string, pragmas ...string) string {
	q := url.Values{"_pragma": pragmas}
	return path + "?" + q.Encode()
}

// Ping reports whether the database answers and the store can write.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.w.syncer.broken(); err != nil {
		return err
	}
	var one int
	if err := s.reads.ping.QueryRowContext(ctx).Scan(&one); err != nil {
		return mapErr(err, "ping")
	}
	return nil
}

// Broken returns the store's EUNAVAILABLE error once a failed write to the
// disk has stopped it for good (fail-stop): it serves nothing more until it
// is reopened. It returns nil otherwise.
func (s *Store) Broken() error {
	return s.w.syncer.broken()
}

// Stopped is closed when the store stops for good (Broken): a caller can
// tell its operator at once rather than on the next request.
func (s *Store) Stopped() <-chan struct{} {
	return s.w.syncer.failed
}

// Close finishes the queued writes, then closes the database. Calls after
// Close fail with EUNAVAILABLE.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.closed.Store(true)
		s.w.close()
		s.keys.close()
		s.reads.close()
		s.w.stmts.close()
		err := s.w.cp.close()
		if err2 := s.w.conn.Close(); err == nil {
			err = err2
		}
		if err2 := s.wdb.Close(); err == nil {
			err = err2
		}
		if err2 := s.rdb.Close(); err == nil {
			err = err2
		}
		if err != nil {
			s.closeErr = fmt.Errorf("sqlite: close: %w", err)
		}
	})
	return s.closeErr
}
