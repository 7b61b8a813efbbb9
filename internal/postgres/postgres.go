// Package postgres is meetd.Store on PostgreSQL (13 or later), for running
// several meetd replicas on one database.
//
// Access is through a pgx connection pool. The schema is embedded and
// migrated by Open, once, even when several replicas start together. Every
// database call is bounded by Options.Timeout, and every failure to reach the
// database becomes EUNAVAILABLE with a RetryAfter, so that requests fail fast
// while the database is down and the pool reconnects by itself when it
// returns. The database's unique keys, not reads before writes, settle
// createOrGet races between replicas.
//
// The pool is tuned with the DSN's pool_* parameters (pool_max_conns, which
// is DefaultMaxConns when absent, pool_min_conns, pool_max_conn_lifetime,
// pool_max_conn_idle_time, …); behind PgBouncer in transaction mode add
// default_query_exec_mode=simple_protocol.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/meetd/meetd"
)

// DefaultTimeout bounds each database call when Options.Timeout is zero.
const DefaultTimeout = 5 * time.Second

// RetryAfter is how long a request that got EUNAVAILABLE should wait: about
// what a PostgreSQL restart or a failover takes.
const RetryAfter = 2 * time.Second

// DefaultMaxConns is the pool's size when neither Options.MaxConns nor the
// DSN's pool_max_conns sets it. createOrGet's reads and inserts go in
// batches (batch.go) and use a few connections between them; the rest serve
// the calls that are not batched (reads by id, lists, updates, deletes,
// policies), each of which holds a connection for its round trip, and an
// update or delete while PostgreSQL flushes its commit. Before batching, on a
// 2-core machine at 64 concurrent requests, 32 gave two to three times the
// creates of pgx's own default (the larger of 4 and the CPU count). Three
// replicas with 32 each stay within PostgreSQL's default max_connections
// (100, of which 3 are kept for superusers).
const DefaultMaxConns = 32

// Options tune a Store. The zero value is ready for production use.
type Options struct {
	// Timeout bounds each database call, waiting for a free connection and
	// connecting included; DefaultTimeout when zero.
	Timeout time.Duration
	// MaxConns caps the pool's connections; zero keeps the DSN's
	// pool_max_conns, or DefaultMaxConns.
	MaxConns int32
	// ReadCacheBytes bounds the memory of the meetings that createOrGet's
	// look-up keeps so as not to read and decode an unchanged one again
	// (readcache.go); DefaultReadCacheBytes when zero, none when negative.
	ReadCacheBytes int
}

// Store is meetd.Store on PostgreSQL. It is safe for concurrent use.
type Store struct {
	pool    *pgxpool.Pool
	timeout time.Duration
	reads   *readCache
	closed  atomic.Bool

	keyReads batcher[keyRead]   // MeetingByKey calls (bykey.go)
	inserts  batcher[keyInsert] // CreateOrGetMeeting calls (insert.go)
}

var _ meetd.Store = (*Store)(nil)

// Open connects to the database at dsn (a postgres:// URL or a libpq
// key=value list), migrates its schema and returns the Store. It fails with
// EUNAVAILABLE when the database cannot be reached.
func Open(ctx context.Context, dsn string, opts Options) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, &meetd.Error{Code: meetd.EINVALID, Message: "The PostgreSQL DSN is not valid.", Err: dsnReason(err)}
	}
	cacheBytes := opts.ReadCacheBytes
	if cacheBytes == 0 {
		cacheBytes = DefaultReadCacheBytes
	}
	s := &Store{timeout: opts.Timeout, reads: newReadCache(cacheBytes)}
	if s.timeout <= 0 {
		s.timeout = DefaultTimeout
	}
	s.keyReads = batcher[keyRead]{maxRunners: keyReadRunners, maxSize: maxKeyReads, run: s.readKeys}
	s.inserts = batcher[keyInsert]{maxRunners: insertRunners, maxSize: maxInserts, run: s.insertKeys}
	switch {
	case opts.MaxConns > 0:
		cfg.MaxConns = opts.MaxConns
	case !setsMaxConns(dsn):
		cfg.MaxConns = DefaultMaxConns
	}
	if cfg.ConnConfig.ConnectTimeout == 0 || cfg.ConnConfig.ConnectTimeout > s.timeout {
		cfg.ConnConfig.ConnectTimeout = s.timeout
	}
	if s.pool, err = pgxpool.NewWithConfig(ctx, cfg); err != nil {
		return nil, s.translate("open", err)
	}
	// Migrating may wait for another replica's migration: allow longer
	// than one call.
	mctx, cancel := context.WithTimeout(ctx, max(s.timeout, time.Minute))
	defer cancel()
	if err := migrate(mctx, s.pool); err != nil {
		s.pool.Close()
		return nil, s.translate("migrate", err)
	}
	return s, nil
}

// setsMaxConns reports whether the DSN (valid: pgxpool parsed it) has
// pool_max_conns, which pgxpool's parsed Config does not tell apart from its
// default.
func setsMaxConns(dsn string) bool {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return false
	}
	_, ok := cfg.RuntimeParams["pool_max_conns"]
	return ok
}

// Close waits for the calls in progress and closes the pool's connections.
func (s *Store) Close() error {
	s.closed.Store(true)
	s.pool.Close()
	return nil
}

// Ping reports whether the database answers (readiness).
func (s *Store) Ping(ctx context.Context) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	return s.translate("ping", s.pool.Ping(ctx))
}

// bound returns ctx limited to the store's timeout for one database call.
func (s *Store) bound(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, s.timeout)
}

// wrapOp names the operation in a cause, for logs.
func wrapOp(op string, err error) error { return fmt.Errorf("postgres: %s: %w", op, err) }

// dsnReason returns why pgx could not parse a DSN, without the DSN: pgx's
// own message quotes it with the password hidden only as well as pgx can
// guess (an escaped space in a keyword DSN's password showed the rest of
// it), and url.Parse's errors quote the URL whole. pgx's reason ("invalid
// port", "cannot parse pool_max_conns (…)") is kept: it is made of the
// setting's name and parsers' errors, never the DSN.
func dsnReason(err error) error {
	var pe *pgconn.ParseConfigError
	if !errors.As(err, &pe) {
		return errors.New("pgx could not parse it")
	}
	// The same error with a placeholder for the DSN: fields it cannot set
	// are copied with the struct.
	safe := *pe
	safe.ConnString = ""
	reason := strings.TrimPrefix(safe.Error(), "cannot parse ``: ")
	var ue *url.Error
	if errors.As(pe.Unwrap(), &ue) {
		reason = strings.Replace(reason, ue.Error(), ue.Err.Error(), 1)
	}
	return errors.New(reason)
}
