package postgres_test

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/meetd/meetd"
	"github.com/meetd/meetd/internal/pgtest"
	"github.com/meetd/meetd/internal/postgres"
	"github.com/meetd/meetd/internal/storetest"
)

func TestStore(t *testing.T) {
	storetest.Run(t, func(t testing.TB) meetd.Store {
		return open(t, pgtest.NewDatabase(t), postgres.Options{})
	})
}

// open opens a store on dsn. The caller closes it.
func open(t testing.TB, dsn string, opts postgres.Options) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(t.Context(), dsn, opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return s
}

// openClosed opens a store that is closed when the test ends.
func openClosed(t testing.TB, dsn string, opts postgres.Options) *postgres.Store {
	t.Helper()
	s := open(t, dsn, opts)
	t.Cleanup(func() { s.Close() })
	return s
}

// openAtOnce opens n stores on dsn at the same moment, as replicas that
// start together do.
func openAtOnce(t *testing.T, dsn string, n int) ([]*postgres.Store, []error) {
	stores := make([]*postgres.Store, n)
	errs := make([]error, n)
	ready := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-ready
			stores[i], errs[i] = postgres.Open(t.Context(), dsn, postgres.Options{})
		})
	}
	close(ready)
	wg.Wait()
	return stores, errs
}

func TestOpenConcurrently(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	stores, errs := openAtOnce(t, dsn, 3)
	for i, err := range errs {
		if err != nil {
			t.Fatalf("replica %d: Open: %v", i, err)
		}
		t.Cleanup(func() { stores[i].Close() })
	}
	want := []string{"001_init.sql", "002_changes.sql"}
	applied := queryStrings(t, dsn, "SELECT name FROM schema_migrations ORDER BY version")
	if !slices.Equal(applied, want) {
		t.Errorf("schema_migrations: got %v, want %v, each once", applied, want)
	}
	// What one replica writes, the others read.
	m := storetest.NewMeeting(t, storetest.NewObjectID(), storetest.NewObjectID(), "replicas")
	if _, _, err := stores[0].CreateOrGetMeeting(t.Context(), m); err != nil {
		t.Fatalf("CreateOrGetMeeting: %v", err)
	}
	for i, s := range stores[1:] {
		if _, err := s.Meeting(t.Context(), m.TenantID, m.ID); err != nil {
			t.Errorf("replica %d: Meeting: got %v, want the meeting", i+1, err)
		}
	}
	// A restarted replica finds nothing to migrate.
	openClosed(t, dsn, postgres.Options{})
	if n := len(queryStrings(t, dsn, "SELECT name FROM schema_migrations")); n != len(want) {
		t.Errorf("schema_migrations after a restart: got %d rows, want %d", n, len(want))
	}
}

func TestLoadOrCreateKeyConcurrently(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	stores := []*postgres.Store{
		openClosed(t, dsn, postgres.Options{}),
		openClosed(t, dsn, postgres.Options{}),
		openClosed(t, dsn, postgres.Options{}),
	}
	const callers = 12
	keys := make([]string, callers)
	errs := make([]error, callers)
	ready := make(chan struct{})
	var wg sync.WaitGroup
	for i := range callers {
		wg.Go(func() {
			<-ready
			k, err := stores[i%len(stores)].LoadOrCreateKey(t.Context(), func() ([]byte, error) {
				return []byte(fmt.Sprintf("-----BEGIN KEY-----\nkey of caller %d\n-----END KEY-----\n", i)), nil
			})
			keys[i], errs[i] = string(k), err
		})
	}
	close(ready)
	wg.Wait()
	for i := range callers {
		if errs[i] != nil {
			t.Fatalf("caller %d: LoadOrCreateKey: %v", i, errs[i])
		}
		if keys[i] != keys[0] {
			t.Fatalf("caller %d: got key %q, want the same key as caller 0, %q", i, keys[i], keys[0])
		}
	}
	// Later calls load it and never generate.
	k, err := stores[0].LoadOrCreateKey(t.Context(), func() ([]byte, error) {
		t.Fatal("generate called with a key stored")
		return nil, nil
	})
	if err != nil || string(k) != keys[0] {
		t.Fatalf("LoadOrCreateKey again: got %q, %v; want %q", k, err, keys[0])
	}
}

func TestLoadOrCreateKeyGenerateFails(t *testing.T) {
	s := openClosed(t, pgtest.NewDatabase(t), postgres.Options{})
	boom := fmt.Errorf("no entropy")
	if _, err := s.LoadOrCreateKey(t.Context(), func() ([]byte, error) { return nil, boom }); err != boom {
		t.Fatalf("got %v, want generate's error", err)
	}
	k, err := s.LoadOrCreateKey(t.Context(), func() ([]byte, error) { return []byte("PEM"), nil })
	if err != nil || string(k) != "PEM" {
		t.Fatalf("after a failed generate: got %q, %v; want PEM", k, err)
	}
}

// Text with NUL or invalid UTF-8 is invalid input, with either query protocol: in simple
// protocol mode (for PgBouncer) the server would answer a protocol violation,
// which must not read as "unavailable".
func TestInvalidText(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	for _, mode := range []string{"cache_statement", "simple_protocol"} { // pgx's default, and PgBouncer's
		s := openClosed(t, dsn+"&default_query_exec_mode="+mode, postgres.Options{})
		tests := []struct {
			name string
			call func(m *meetd.Meeting) error
		}{
			{"NUL in the subject", func(m *meetd.Meeting) error { m.Subject = "a\x00b"; return createOrGet(s, m) }},
			{"NUL in the external id", func(m *meetd.Meeting) error { m.ExternalID = "a\x00b"; return createOrGet(s, m) }},
			{"NUL in an attendee's name", func(m *meetd.Meeting) error {
				m.Attendees[0].Identity.DisplayName = "\x00"
				return createOrGet(s, m)
			}},
			{"NUL in a key looked up", func(m *meetd.Meeting) error {
				_, err := s.MeetingByKey(t.Context(), meetd.Key{TenantID: m.TenantID, OrganizerID: m.OrganizerID, ExternalID: "\x00"})
				return err
			}},
			{"invalid UTF-8 in the external id", func(m *meetd.Meeting) error { m.ExternalID = "a\xffb"; return createOrGet(s, m) }},
			{"invalid UTF-8 in a key looked up", func(m *meetd.Meeting) error {
				// Refused before it joins a batch: PostgreSQL's own refusal
				// would fail every look-up batched with it.
				_, err := s.MeetingByKey(t.Context(), meetd.Key{TenantID: m.TenantID, OrganizerID: m.OrganizerID, ExternalID: "\xff"})
				return err
			}},
			{"NUL in a thread looked up", func(m *meetd.Meeting) error {
				_, _, err := s.MeetingByThread(t.Context(), "19:\x00")
				return err
			}},
			{"NUL in a filter", func(m *meetd.Meeting) error {
				_, err := s.FindMeetings(t.Context(), m.TenantID, meetd.Filter{JoinMeetingID: "1\x00"})
				return err
			}},
			{"invalid UTF-8 in a policy name", func(m *meetd.Meeting) error {
				// The policy command passes its arguments through: a
				// name in another encoding is the operator's mistake.
				return s.CreatePolicy(t.Context(), &meetd.Policy{TenantID: m.TenantID, Name: "caf\xe9"})
			}},
		}
		for _, tc := range tests {
			t.Run(mode+"/"+tc.name, func(t *testing.T) {
				m := storetest.NewMeeting(t, storetest.NewObjectID(), storetest.NewObjectID(), "nul")
				if got := meetd.ErrorCode(tc.call(m)); got != meetd.EINVALID {
					t.Fatalf("got %q, want %q", got, meetd.EINVALID)
				}
			})
		}
	}
}

func createOrGet(s *postgres.Store, m *meetd.Meeting) error {
	_, _, err := s.CreateOrGetMeeting(context.Background(), m)
	return err
}

// The monthly quota holds when the database's default isolation is
// REPEATABLE READ too: the quota's transaction must read what the advisory
// lock's previous holder committed, so it runs at READ COMMITTED. (At the
// default of the DSN below, 16 or 24 of 24 creates passed a quota of 5.)
func TestQuotaUnderRepeatableRead(t *testing.T) {
	dsn := pgtest.NewDatabase(t) + "&default_transaction_isolation=repeatable%20read"
	s := openClosed(t, dsn, postgres.Options{})
	tenant, org, app := storetest.NewObjectID(), storetest.NewObjectID(), storetest.NewObjectID()
	const n, max = 24, 5
	var created atomic.Int64
	var wg sync.WaitGroup
	for i := range n {
		m := storetest.NewMeeting(t, tenant, org, fmt.Sprint("rr-", i))
		m.CreatedBy = app
		wg.Go(func() {
			_, ok, err := s.CreateMeetingWithin(t.Context(), m, meetd.Quota{Since: m.Created.Add(-time.Hour), Max: max})
			switch {
			case err == nil && ok:
				created.Add(1)
			case meetd.ErrorCode(err) != meetd.ETHROTTLED:
				t.Errorf("create %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	if got := created.Load(); got != max {
		t.Fatalf("%d creates at once, quota %d, under REPEATABLE READ: %d created", n, max, got)
	}
}

// A DSN pgx cannot parse is refused with pgx's reason, so the operator
// knows what to mend, but without its password, however it is spelled:
// pgx's own message showed the rest of an escaped one.
func TestOpenBadDSN(t *testing.T) {
	for _, c := range []struct{ dsn, reason string }{
		{"postgres://u:secret@127.0.0.1:notaport/x", "invalid port"},
		{`host=db user=meetd password=Top\ secret sslmode=bogus`, "sslmode is invalid"},
		{`host=127.0.0.1 port=abc password='top\' secret'`, "invalid port"},
		{"postgres://u:secret@[::1/x", `matching "]" in IPv6 host`},
		{"postgres://u:secret@127.0.0.1:99999/x", "invalid port"},
		{"postgres://u:secret@127.0.0.1/x?pool_max_conns=many", "pool_max_conns"},
	} {
		_, err := postgres.Open(t.Context(), c.dsn, postgres.Options{})
		if got := meetd.ErrorCode(err); got != meetd.EINVALID {
			t.Fatalf("%s: got %q (%v), want %q", c.dsn, got, err, meetd.EINVALID)
		}
		if strings.Contains(err.Error(), "secret") {
			t.Fatalf("%s: error shows the password: %v", c.dsn, err)
		}
		if !strings.Contains(err.Error(), c.reason) {
			t.Errorf("%s: got %v, want pgx's reason %q", c.dsn, err, c.reason)
		}
	}
}

// A connection the server refuses (here: no such database) is the database
// being unavailable, a 503 to retry, not an internal error.
func TestOpenRefusedConnection(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/no_such_database_here"
	_, err = postgres.Open(t.Context(), u.String(), postgres.Options{})
	if got := meetd.ErrorCode(err); got != meetd.EUNAVAILABLE {
		t.Fatalf("got %q (%v), want %q", got, err, meetd.EUNAVAILABLE)
	}
}

func queryStrings(t testing.TB, dsn, sql string) []string {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	rows, err := conn.Query(t.Context(), sql)
	if err != nil {
		t.Fatal(err)
	}
	got, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestPoolSize(t *testing.T) {
	dsn := pgtest.NewDatabase(t) // a URL
	keywords := keywordDSN(t, dsn)
	tests := []struct {
		name string
		dsn  string
		opts postgres.Options
		want int32
	}{
		{"default", dsn, postgres.Options{}, postgres.DefaultMaxConns},
		{"URL's pool_max_conns", dsn + "&pool_max_conns=5", postgres.Options{}, 5},
		{"keyword pool_max_conns", keywords + " pool_max_conns=7", postgres.Options{}, 7},
		{"keyword DSN, default", keywords, postgres.Options{}, postgres.DefaultMaxConns},
		{"Options.MaxConns wins", dsn + "&pool_max_conns=5", postgres.Options{MaxConns: 3}, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := openClosed(t, tc.dsn, tc.opts)
			if got := postgres.MaxConns(s); got != tc.want {
				t.Errorf("pool size: got %d, want %d", got, tc.want)
			}
		})
	}
}

// keywordDSN returns the libpq keyword form of a postgres:// URL.
func keywordDSN(t testing.TB, dsn string) string {
	t.Helper()
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("host=%s port=%d user=%s dbname=%s sslmode=disable", cfg.Host, cfg.Port, cfg.User, cfg.Database)
}

// Replicas starting together migrate once when the database's default
// isolation is REPEATABLE READ too: the replicas that waited for the
// migration lock must see what its holder applied (without READ COMMITTED
// they applied 001 again and failed to start: "relation meetings already
// exists").
func TestOpenConcurrentlyUnderRepeatableRead(t *testing.T) {
	for range 3 {
		dsn := pgtest.NewDatabase(t) + "&default_transaction_isolation=repeatable%20read"
		stores, errs := openAtOnce(t, dsn, 3)
		for i, err := range errs {
			if err != nil {
				t.Errorf("replica %d: Open: %v", i, err)
				continue
			}
			stores[i].Close()
		}
		if t.Failed() {
			return
		}
	}
}

// Under a REPEATABLE READ default, updates of one meeting racing from two
// replicas lose with ECONFLICT (which the service retries on the newer
// meeting), as under READ COMMITTED, not with a 503; and a delete racing
// updates deletes. (Without handling 40001 some answered EUNAVAILABLE.)
func TestUpdateRacesUnderRepeatableRead(t *testing.T) {
	dsn := pgtest.NewDatabase(t) + "&default_transaction_isolation=repeatable%20read"
	stores := []*postgres.Store{openClosed(t, dsn, postgres.Options{}), openClosed(t, dsn, postgres.Options{})}
	tenant, org := storetest.NewObjectID(), storetest.NewObjectID()
	for round := range 5 {
		m := storetest.NewMeeting(t, tenant, org, fmt.Sprint("race-", round))
		if _, _, err := stores[0].CreateOrGetMeeting(t.Context(), m); err != nil {
			t.Fatal(err)
		}
		var won atomic.Int64
		var wg sync.WaitGroup
		for g := range 16 {
			wg.Go(func() {
				next := m.Clone()
				next.Version++
				next.Subject = fmt.Sprint("update ", g)
				switch err := stores[g%2].UpdateMeeting(t.Context(), next); meetd.ErrorCode(err) {
				case "":
					won.Add(1)
				case meetd.ECONFLICT, meetd.ENOTFOUND: // lost to an update, or to the delete
				default:
					t.Errorf("update %d: got %v, want success, ECONFLICT or ENOTFOUND", g, err)
				}
			})
		}
		wg.Go(func() {
			if err := stores[1].DeleteMeeting(t.Context(), tenant, m.ID); err != nil {
				t.Errorf("delete racing updates: %v", err)
			}
		})
		wg.Wait()
		if n := won.Load(); n > 1 {
			t.Errorf("%d updates from version %d succeeded, want at most 1", n, m.Version)
		}
		if t.Failed() {
			return
		}
	}
}

// Replicas racing to store the first signing key all get the one stored
// under a REPEATABLE READ default too: the losers' INSERT … ON CONFLICT DO
// NOTHING fails with a serialization failure there, which made a replica
// fail to start with EUNAVAILABLE about one race in ten.
func TestLoadOrCreateKeyUnderRepeatableRead(t *testing.T) {
	dsn := pgtest.NewDatabase(t) + "&default_transaction_isolation=repeatable%20read"
	stores := []*postgres.Store{
		openClosed(t, dsn, postgres.Options{}),
		openClosed(t, dsn, postgres.Options{}),
		openClosed(t, dsn, postgres.Options{}),
	}
	for round := range 30 {
		execSQL(t, dsn, "DELETE FROM signing_keys")
		keys := make([]string, 6)
		ready := make(chan struct{})
		var wg sync.WaitGroup
		for i := range keys {
			wg.Go(func() {
				<-ready
				k, err := stores[i%len(stores)].LoadOrCreateKey(t.Context(), func() ([]byte, error) {
					return []byte(fmt.Sprint("key of caller ", i)), nil
				})
				if err != nil {
					t.Errorf("round %d, caller %d: LoadOrCreateKey: %v", round, i, err)
				}
				keys[i] = string(k)
			})
		}
		close(ready)
		wg.Wait()
		if t.Failed() {
			return
		}
		for i, k := range keys {
			if k != keys[0] {
				t.Fatalf("round %d: caller %d got %q, caller 0 %q", round, i, k, keys[0])
			}
		}
	}
}

// TestGrantRacingDelete: a grant whose policy another process deletes while
// the grant is being written is the policy not found (404), as a grant of a
// policy deleted before would be, not an internal error: the foreign key,
// not meetd, sees the delete.
func TestGrantRacingDelete(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	s := openClosed(t, dsn, postgres.Options{})
	tenant := storetest.NewObjectID()
	if err := s.CreatePolicy(t.Context(), &meetd.Policy{TenantID: tenant, Name: "p"}); err != nil {
		t.Fatal(err)
	}
	// Another process deletes the policy and has not committed yet.
	conn, err := pgx.Connect(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	tx, err := conn.Begin(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(context.Background())
	if _, err := tx.Exec(t.Context(), "DELETE FROM policies WHERE tenant_id = $1 AND name = 'p'", tenant); err != nil {
		t.Fatal(err)
	}
	granted := make(chan error, 1)
	go func() { granted <- s.GrantPolicy(context.Background(), tenant, "p", storetest.NewObjectID()) }()
	// The grant read the policy and waits for the delete's row lock to
	// check its foreign key.
	waitForALock(t, conn, "the grant")
	if err := tx.Commit(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := <-granted; meetd.ErrorCode(err) != meetd.ENOTFOUND {
		t.Fatalf("grant of a policy deleted meanwhile: got %v, want ENOTFOUND", err)
	}
}

// waitForALock returns once a session of conn's database waits for a lock:
// who (the call the test made) has reached the row another transaction holds.
func waitForALock(t *testing.T, conn *pgx.Conn, who string) {
	t.Helper()
	for deadline := time.Now().Add(callGuard); ; time.Sleep(10 * time.Millisecond) {
		var waiting bool
		if err := conn.QueryRow(t.Context(), `SELECT EXISTS (SELECT 1 FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock')`).Scan(&waiting); err != nil {
			t.Fatal(err)
		}
		if waiting {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not wait for the other transaction's lock within %v", who, callGuard)
		}
	}
}
