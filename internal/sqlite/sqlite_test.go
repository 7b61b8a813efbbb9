package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/internal/sqlite"
	"github.com/meetd/meetd/internal/storetest"
)

// open opens a store on a fresh file in a temporary folder.
func open(tb testing.TB, opts sqlite.Options) *sqlite.Store {
	tb.Helper()
	s, err := sqlite.Open(filepath.Join(tb.TempDir(), "meetd.db"), opts)
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	return s
}

func TestStore(t *testing.T) {
	tests := []struct {
		name string
		opts sqlite.Options
	}{
		{"default", sqlite.Options{}},
		{"no cache", sqlite.Options{CacheSize: -1}},
		{"tiny cache, small batches", sqlite.Options{CacheSize: 3, MaxBatch: 2, Synchronous: "normal"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			storetest.Run(t, func(tb testing.TB) meetd.Store { return open(tb, tc.opts) })
		})
	}
}

// rawDB opens the database file directly, as an operator with the sqlite3
// shell would.
func rawDB(tb testing.TB, path string) *sql.DB {
	tb.Helper()
	db, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

func mustClose(tb testing.TB, s *sqlite.Store) {
	tb.Helper()
	if err := s.Close(); err != nil {
		tb.Fatalf("Close: %v", err)
	}
}

func TestReopenFindsEverything(t *testing.T) {
	path := filepath.Join(t.TempDir(), "meetd.db")
	s, err := sqlite.Open(path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	tenant, org, user := storetest.NewObjectID(), storetest.NewObjectID(), storetest.NewObjectID()
	keyed := storetest.NewMeeting(t, tenant, org, "keyed")
	plain := storetest.NewMeeting(t, tenant, org, "")
	gone := storetest.NewMeeting(t, tenant, org, "gone")
	if _, _, err := s.CreateOrGetMeeting(ctx, keyed); err != nil {
		t.Fatal(err)
	}
	for _, m := range []*meetd.Meeting{plain, gone} {
		if err := s.CreateMeeting(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	updated := *keyed
	updated.Version, updated.Subject = 2, "updated"
	if err := s.UpdateMeeting(ctx, &updated); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteMeeting(ctx, tenant, gone.ID); err != nil {
		t.Fatal(err)
	}
	policy := &meetd.Policy{TenantID: tenant, Name: "p", AppIDs: []string{"app"}}
	if err := s.CreatePolicy(ctx, policy); err != nil {
		t.Fatal(err)
	}
	if err := s.GrantPolicy(ctx, tenant, "p", user); err != nil {
		t.Fatal(err)
	}
	mustClose(t, s)

	s, err = sqlite.Open(path, sqlite.Options{})
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer mustClose(t, s)
	got, err := s.MeetingByKey(ctx, keyed.Key())
	if err != nil || !reflect.DeepEqual(got, &updated) {
		t.Fatalf("MeetingByKey after reopen: got %+v, %v, want %+v", got, err, updated)
	}
	if got, err := s.Meeting(ctx, tenant, plain.ID); err != nil || !reflect.DeepEqual(got, plain) {
		t.Fatalf("Meeting after reopen: got %+v, %v, want %+v", got, err, plain)
	}
	if _, deleted, err := s.MeetingByThread(ctx, gone.ThreadID); err != nil || !deleted {
		t.Fatalf("MeetingByThread of the deleted meeting after reopen: got deleted %t, %v, want true", deleted, err)
	}
	a, err := s.Assignment(ctx, tenant, user)
	if err != nil || a.User == nil || a.User.Name != "p" {
		t.Fatalf("Assignment after reopen: got %+v, %v, want policy p", a, err)
	}
}

func TestPolicyWrittenByAnotherStore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "meetd.db")
	server, err := sqlite.Open(path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer mustClose(t, server)
	ctx := t.Context()
	tenant, user := storetest.NewObjectID(), storetest.NewObjectID()
	// The server is busy writing meetings while the command runs.
	if _, _, err := server.CreateOrGetMeeting(ctx, storetest.NewMeeting(t, tenant, user, "busy")); err != nil {
		t.Fatal(err)
	}
	if a, err := server.Assignment(ctx, tenant, user); err != nil || a.User != nil || a.Global != nil {
		t.Fatalf("Assignment before the grant: got %+v, %v, want none", a, err)
	}

	// What `meetd policy` does: its own Store on the same file.
	cli, err := sqlite.Open(path, sqlite.Options{})
	if err != nil {
		t.Fatalf("second Open: %v", err)
	}
	for _, step := range []func() error{
		func() error {
			return cli.CreatePolicy(ctx, &meetd.Policy{TenantID: tenant, Name: "p", AppIDs: []string{"app"}})
		},
		func() error { return cli.GrantPolicy(ctx, tenant, "p", user) },
		func() error { return cli.GrantPolicy(ctx, tenant, "p", "") },
	} {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	mustClose(t, cli)

	a, err := server.Assignment(ctx, tenant, user)
	if err != nil || a.User == nil || a.User.Name != "p" || a.Global == nil || !a.User.Allows("app") {
		t.Fatalf("Assignment after the grant: got %+v, %v, want p for the user and globally", a, err)
	}
	// And the other way: the server revokes, a fresh command sees it.
	if err := server.RevokePolicy(ctx, tenant, "p", user); err != nil {
		t.Fatal(err)
	}
	cli, err = sqlite.Open(path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer mustClose(t, cli)
	if a, err := cli.Assignment(ctx, tenant, user); err != nil || a.User != nil {
		t.Fatalf("Assignment after revoke: got %+v, %v, want no user grant", a, err)
	}
}

func TestMigrations(t *testing.T) {
	path := filepath.Join(t.TempDir(), "meetd.db")
	// Several processes starting at once on a new file: each must find the
	// schema made exactly once.
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() {
			s, err := sqlite.Open(path, sqlite.Options{})
			if err == nil {
				err = s.Close()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("Open %d: %v", i, err)
		}
	}
	// Reopening applies nothing again.
	for range 2 {
		s, err := sqlite.Open(path, sqlite.Options{})
		if err != nil {
			t.Fatalf("reopen: %v", err)
		}
		mustClose(t, s)
	}
	db := rawDB(t, path)
	var n, top int
	if err := db.QueryRow("SELECT count(*), max(version) FROM schema_migrations").Scan(&n, &top); err != nil {
		t.Fatal(err)
	}
	if n != top || n < 1 {
		t.Fatalf("schema_migrations: got %d rows up to version %d, want one row per version", n, top)
	}
	var mode string
	if err := db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal_mode: got %q, %v, want wal", mode, err)
	}

	// A database from a newer meetd is refused, not damaged.
	if _, err := db.Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, '999_future.sql', '')"); err != nil {
		t.Fatal(err)
	}
	if s, err := sqlite.Open(path, sqlite.Options{}); err == nil {
		s.Close()
		t.Fatalf("Open of a database with schema version 999: got no error, want one")
	}
}

func TestCloseFinishesQueuedWrites(t *testing.T) {
	path := filepath.Join(t.TempDir(), "meetd.db")
	s, err := sqlite.Open(path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	const n = 200
	ms := make([]*meetd.Meeting, n)
	errs := make([]error, n)
	for i := range ms {
		ms[i] = storetest.NewMeeting(t, storetest.NewObjectID(), storetest.NewObjectID(), fmt.Sprint("close-", i))
	}
	var wg sync.WaitGroup
	started := make(chan struct{}, n)
	for i := range ms {
		wg.Go(func() {
			started <- struct{}{}
			_, _, errs[i] = s.CreateOrGetMeeting(context.Background(), ms[i])
		})
	}
	for range n / 2 {
		<-started
	}
	mustClose(t, s)
	wg.Wait()

	s, err = sqlite.Open(path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer mustClose(t, s)
	stored := 0
	for i, m := range ms {
		_, getErr := s.MeetingByKey(t.Context(), m.Key())
		switch code := meetd.ErrorCode(errs[i]); {
		case code == "" && getErr != nil:
			t.Fatalf("create %d succeeded before Close but is not stored: %v", i, getErr)
		case code == "":
			stored++
		case code != meetd.EUNAVAILABLE:
			t.Fatalf("create %d during Close: got %v, want nil or EUNAVAILABLE", i, errs[i])
		}
	}
	t.Logf("%d of %d creates finished before Close", stored, n)
}

func TestLockedDatabaseIsUnavailable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "meetd.db")
	s, err := sqlite.Open(path, sqlite.Options{BusyTimeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer mustClose(t, s)
	// Another process holds the write lock longer than the busy timeout.
	conn, err := rawDB(t, path).Conn(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(t.Context(), "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	err = s.CreatePolicy(t.Context(), &meetd.Policy{TenantID: "t", Name: "p"})
	if code := meetd.ErrorCode(err); code != meetd.EUNAVAILABLE {
		t.Fatalf("CreatePolicy while locked: got %q (%v), want %q", code, err, meetd.EUNAVAILABLE)
	}
	if _, err := conn.ExecContext(t.Context(), "COMMIT"); err != nil {
		t.Fatal(err)
	}
	if err := s.CreatePolicy(t.Context(), &meetd.Policy{TenantID: "t", Name: "p"}); err != nil {
		t.Fatalf("CreatePolicy after the lock is gone: %v", err)
	}
}

func TestOpenRejectsBadOptions(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		path string
		opts sqlite.Options
	}{
		{"unknown synchronous", filepath.Join(dir, "a.db"), sqlite.Options{Synchronous: "off"}},
		{"empty path", "", sqlite.Options{}},
		{"path with a query", filepath.Join(dir, "a.db?mode=memory"), sqlite.Options{}},
		{"missing folder", filepath.Join(dir, "missing", "a.db"), sqlite.Options{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if s, err := sqlite.Open(tc.path, tc.opts); err == nil {
				s.Close()
				t.Fatalf("Open: got no error, want one")
			}
		})
	}
}

func TestNewDatabaseIsPrivate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "meetd.db")
	s, err := sqlite.Open(path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer mustClose(t, s)
	if _, _, err := s.CreateOrGetMeeting(t.Context(), storetest.NewMeeting(t, "t", storetest.NewObjectID(), "x")); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, path + "-wal"} {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if mode := st.Mode().Perm(); mode != 0o600 {
			t.Errorf("%s: got mode %v, want -rw-------", filepath.Base(p), mode)
		}
	}
}

func TestCallsAfterCloseAreUnavailable(t *testing.T) {
	s := open(t, sqlite.Options{})
	mustClose(t, s)
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	ctx := t.Context()
	m := storetest.NewMeeting(t, "t", storetest.NewObjectID(), "x")
	calls := map[string]error{
		"Ping":            s.Ping(ctx),
		"CreateMeeting":   s.CreateMeeting(ctx, m),
		"GrantPolicy":     s.GrantPolicy(ctx, "t", "p", "u"),
		"MeetingByThread": func() error { _, _, err := s.MeetingByThread(ctx, m.ThreadID); return err }(),
		"FindMeetings":    func() error { _, err := s.FindMeetings(ctx, "t", meetd.Filter{ThreadID: m.ThreadID}); return err }(),
		"Policies":        func() error { _, err := s.Policies(ctx, "t"); return err }(),
		"CreateMeetingWithin": func() error {
			_, _, err := s.CreateMeetingWithin(ctx, m, meetd.Quota{Max: 1})
			return err
		}(),
		"CreateOrGetMeeting": func() error { _, _, err := s.CreateOrGetMeeting(ctx, m); return err }(),
	}
	for name, err := range calls {
		if code := meetd.ErrorCode(err); code != meetd.EUNAVAILABLE {
			t.Errorf("%s after Close: got %q (%v), want %q", name, code, err, meetd.EUNAVAILABLE)
		}
	}
}

// TestCheckpointsKeepTheWALBounded writes enough meetings for a few
// checkpoints and checks that they reach the database file and that the
// WAL is started over rather than growing with every write.
func TestCheckpointsKeepTheWALBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 10,000 meetings")
	}
	path := filepath.Join(t.TempDir(), "meetd.db")
	s, err := sqlite.Open(path, sqlite.Options{Synchronous: "normal"})
	if err != nil {
		t.Fatal(err)
	}
	defer mustClose(t, s)
	const workers, each = 50, 200
	tenant := storetest.NewObjectID()
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for range workers {
		wg.Go(func() {
			org := storetest.NewObjectID()
			for i := range each {
				m := storetest.NewMeeting(t, tenant, org, fmt.Sprint("wal-", i))
				if _, _, err := s.CreateOrGetMeeting(context.Background(), m); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	size := func(p string) int64 {
		st, err := os.Stat(p)
		if err != nil {
			return 0
		}
		return st.Size()
	}
	// Each meeting takes some 2 KB of table and indexes.
	const want = workers * each * 2 << 10
	for deadline := time.Now().Add(time.Minute); size(path) < want; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("database file: got %d bytes, want at least %d once checkpointed", size(path), want)
		}
	}
	// Without a reset the WAL would hold every page written: some 5 for
	// each of the 10,000 creates, 200 MB.
	t.Logf("database %d MB, WAL %d MB", size(path)>>20, size(path+"-wal")>>20)
	if wal := size(path + "-wal"); wal > 150<<20 {
		t.Fatalf("WAL file: got %d MB, want it started over after checkpoints", wal>>20)
	}
}

// TestPolicyCommandWhileServerWrites runs the policy command's Open, writes
// and Close while the server is busy creating meetings: SQLite's locks and
// the busy timeout must let both through.
func TestPolicyCommandWhileServerWrites(t *testing.T) {
	path := filepath.Join(t.TempDir(), "meetd.db")
	server, err := sqlite.Open(path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer mustClose(t, server)
	tenant := storetest.NewObjectID()
	stop := make(chan struct{})
	serverErr := make(chan error, 1)
	go func() {
		org := storetest.NewObjectID()
		for i := 0; ; i++ {
			select {
			case <-stop:
				serverErr <- nil
				return
			default:
			}
			if _, _, err := server.CreateOrGetMeeting(context.Background(), storetest.NewMeeting(t, tenant, org, fmt.Sprint("busy-", i))); err != nil {
				serverErr <- err
				return
			}
		}
	}()
	for i := range 5 {
		cli, err := sqlite.Open(path, sqlite.Options{})
		if err != nil {
			t.Fatalf("command %d: Open: %v", i, err)
		}
		name, user := fmt.Sprint("policy-", i), storetest.NewObjectID()
		if err := cli.CreatePolicy(t.Context(), &meetd.Policy{TenantID: tenant, Name: name, AppIDs: []string{"app"}}); err != nil {
			t.Fatalf("command %d: CreatePolicy: %v", i, err)
		}
		if err := cli.GrantPolicy(t.Context(), tenant, name, user); err != nil {
			t.Fatalf("command %d: GrantPolicy: %v", i, err)
		}
		mustClose(t, cli)
		if a, err := server.Assignment(t.Context(), tenant, user); err != nil || a.User == nil || a.User.Name != name {
			t.Fatalf("server's Assignment after command %d: got %+v, %v, want %s", i, a, err, name)
		}
	}
	close(stop)
	if err := <-serverErr; err != nil {
		t.Fatalf("server create while the command ran: %v", err)
	}
}
