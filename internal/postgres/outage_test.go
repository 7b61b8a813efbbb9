package postgres_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/internal/pgtest"
	"github.com/meetd/meetd/internal/postgres"
	"github.com/meetd/meetd/internal/storetest"
)

// callGuard bounds a call that must not hang. It is a liveness guard far
// above the store's own timeout, not a measure of speed.
const callGuard = time.Minute

// wantUnavailable fails unless err is EUNAVAILABLE with a RetryAfter and
// none of the driver's text in its message.
func wantUnavailable(t testing.TB, what string, err error) {
	t.Helper()
	if got := meetd.ErrorCode(err); got != meetd.EUNAVAILABLE {
		t.Fatalf("%s: got code %q (%v), want %q", what, got, err, meetd.EUNAVAILABLE)
	}
	e := err.(*meetd.Error)
	if e.RetryAfter <= 0 {
		t.Errorf("%s: got RetryAfter %v, want > 0", what, e.RetryAfter)
	}
	if got, want := meetd.ErrorMessage(err), "The meeting store is unavailable; try again shortly."; got != want {
		t.Errorf("%s: got message %q, want %q", what, got, want)
	}
}

// guarded runs f and fails the test if it does not return within callGuard.
func guarded(t testing.TB, what string, f func(ctx context.Context) error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- f(context.Background()) }()
	select {
	case err := <-done:
		return err
	case <-time.After(callGuard):
		t.Fatalf("%s: still running after %v, want an answer", what, callGuard)
		return nil
	}
}

func TestOutage(t *testing.T) {
	srv := pgtest.NewServer(t)
	dsn := srv.NewDatabase(t)
	s := openClosed(t, dsn, postgres.Options{Timeout: 2 * time.Second})
	tenant, org := storetest.NewObjectID(), storetest.NewObjectID()
	before := storetest.NewMeeting(t, tenant, org, "before")
	if _, _, err := s.CreateOrGetMeeting(t.Context(), before); err != nil {
		t.Fatal(err)
	}

	srv.Stop(t)
	calls := []struct {
		name string
		call func(ctx context.Context) error
	}{
		{"Ping", s.Ping},
		{"Meeting", func(ctx context.Context) error { _, err := s.Meeting(ctx, tenant, before.ID); return err }},
		{"CreateOrGetMeeting", func(ctx context.Context) error {
			_, _, err := s.CreateOrGetMeeting(ctx, storetest.NewMeeting(t, tenant, org, "during"))
			return err
		}},
		{"FindMeetings", func(ctx context.Context) error {
			_, err := s.FindMeetings(ctx, tenant, meetd.Filter{OrganizerID: org})
			return err
		}},
		{"Assignment", func(ctx context.Context) error { _, err := s.Assignment(ctx, tenant, org); return err }},
		{"Open", func(ctx context.Context) error {
			s2, err := postgres.Open(ctx, dsn, postgres.Options{Timeout: 2 * time.Second})
			if err == nil {
				s2.Close()
			}
			return err
		}},
	}
	for _, c := range calls {
		t.Run("down/"+c.name, func(t *testing.T) {
			// Twice: once on the pool's dead connections, once on new ones.
			for range 2 {
				wantUnavailable(t, c.name, guarded(t, c.name, c.call))
			}
		})
	}

	srv.Start(t)
	// The pool reconnects by itself; the first calls may still meet a
	// connection from before the restart.
	var err error
	for deadline := time.Now().Add(callGuard); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if err = s.Ping(t.Context()); err == nil {
			break
		}
	}
	if err != nil {
		t.Fatalf("Ping after the restart: got %v, want the store to recover", err)
	}
	for _, c := range calls {
		if err := c.call(t.Context()); err != nil {
			t.Errorf("up again/%s: got %v, want nil", c.name, err)
		}
	}
	if _, err := s.Meeting(t.Context(), tenant, before.ID); err != nil {
		t.Errorf("the meeting made before the outage: got %v, want it", err)
	}
}

// TestOutageUnderLoad stops and starts the server while writers create
// meetings: every failure is EUNAVAILABLE, and every meeting a writer was
// told was created is there afterwards.
func TestOutageUnderLoad(t *testing.T) {
	srv := pgtest.NewServer(t)
	s := openClosed(t, srv.NewDatabase(t), postgres.Options{Timeout: 2 * time.Second})
	tenant, org := storetest.NewObjectID(), storetest.NewObjectID()

	var (
		mu      sync.Mutex
		created []*meetd.Meeting
		codes   = map[string]int{}
		stop    atomic.Bool
		wg      sync.WaitGroup
	)
	for w := range 8 {
		wg.Go(func() {
			for i := 0; !stop.Load(); i++ {
				m := storetest.NewMeeting(t, tenant, org, fmt.Sprintf("w%d-%d", w, i))
				var got *meetd.Meeting
				err := guarded(t, "CreateOrGetMeeting", func(ctx context.Context) error {
					var err error
					got, _, err = s.CreateOrGetMeeting(ctx, m)
					return err
				})
				mu.Lock()
				codes[meetd.ErrorCode(err)]++
				if err == nil {
					created = append(created, got)
				} else if meetd.ErrorCode(err) != meetd.EUNAVAILABLE {
					t.Errorf("writer %d: got %v, want nil or EUNAVAILABLE", w, err)
				}
				mu.Unlock()
				if err != nil {
					time.Sleep(50 * time.Millisecond) // as a client honouring Retry-After would, shortened
				}
			}
		})
	}
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		for deadline := time.Now().Add(callGuard); !cond(); time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				stop.Store(true)
				t.Fatalf("waiting for %s: gave up", what)
			}
		}
	}
	count := func(code string) func() bool {
		n := -1
		return func() bool {
			mu.Lock()
			defer mu.Unlock()
			if n < 0 {
				n = codes[code]
			}
			return codes[code] >= n+20
		}
	}
	waitFor("writes before the outage", count(""))
	srv.Stop(t)
	waitFor("failures during the outage", count(meetd.EUNAVAILABLE))
	srv.Start(t)
	waitFor("writes after the outage", count(""))
	stop.Store(true)
	wg.Wait()

	t.Logf("outcomes: %v", codes)
	for _, m := range created {
		if _, err := s.Meeting(t.Context(), tenant, m.ID); err != nil {
			t.Fatalf("acknowledged meeting %s: got %v, want it stored", m.ExternalID, err)
		}
	}
}

// TestHungServer freezes the server, so that connections open but nothing
// answers: calls must give up after the store's timeout, not hang.
func TestHungServer(t *testing.T) {
	srv := pgtest.NewServer(t)
	s := openClosed(t, srv.NewDatabase(t), postgres.Options{Timeout: time.Second})
	tenant, org := storetest.NewObjectID(), storetest.NewObjectID()
	before := storetest.NewMeeting(t, tenant, org, "before")
	if _, _, err := s.CreateOrGetMeeting(t.Context(), before); err != nil {
		t.Fatal(err)
	}
	srv.Freeze(t)
	// Twice: once on the pool's connections, once on new ones.
	for i := range 2 {
		err := guarded(t, "CreateOrGetMeeting", func(ctx context.Context) error {
			_, _, err := s.CreateOrGetMeeting(ctx, storetest.NewMeeting(t, tenant, org, fmt.Sprint("frozen-", i)))
			return err
		})
		wantUnavailable(t, "CreateOrGetMeeting on a frozen server", err)
		wantUnavailable(t, "Meeting on a frozen server", guarded(t, "Meeting", func(ctx context.Context) error {
			_, err := s.Meeting(ctx, tenant, before.ID)
			return err
		}))
	}
	srv.Thaw(t)
	var err error
	for deadline := time.Now().Add(callGuard); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if _, err = s.Meeting(t.Context(), tenant, before.ID); err == nil {
			break
		}
	}
	if err != nil {
		t.Fatalf("Meeting after the thaw: got %v, want the store to recover", err)
	}
}

// TestReadOnlyIsUnavailable: after a failover to a standby, or while an
// operator holds the database read-only, a write is refused with 25006
// read_only_sql_transaction. That is "not now" (docs/postgres.md: read-only
// after a failover is a 503 with Retry-After), not a bug in meetd; reads go
// on.
func TestReadOnlyIsUnavailable(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	// One connection, so that once it is ended the next is a new one.
	s := openClosed(t, dsn, postgres.Options{MaxConns: 1})
	tenant, org := storetest.NewObjectID(), storetest.NewObjectID()
	before := storetest.NewMeeting(t, tenant, org, "before")
	if _, _, err := s.CreateOrGetMeeting(t.Context(), before); err != nil {
		t.Fatal(err)
	}
	// The database turns read-only under the open store, as a standby the
	// pool reconnects to after a failover is.
	execSQL(t, dsn, `DO $$ BEGIN
		EXECUTE format('ALTER DATABASE %I SET default_transaction_read_only = on', current_database());
	END $$`)
	execSQL(t, dsn, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE datname = current_database() AND pid <> pg_backend_pid()`)
	var err error
	for deadline := time.Now().Add(callGuard); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if err = s.Ping(t.Context()); err == nil {
			break
		}
	}
	if err != nil {
		t.Fatalf("Ping on the read-only database: got %v, want nil", err)
	}

	writes := []struct {
		name string
		call func() error
	}{
		{"CreateOrGetMeeting", func() error {
			_, _, err := s.CreateOrGetMeeting(t.Context(), storetest.NewMeeting(t, tenant, org, "during"))
			return err
		}},
		{"CreateMeeting", func() error { return s.CreateMeeting(t.Context(), storetest.NewMeeting(t, tenant, org, "")) }},
		{"UpdateMeeting", func() error {
			next := *before
			next.Version++
			return s.UpdateMeeting(t.Context(), &next)
		}},
		{"DeleteMeeting", func() error { return s.DeleteMeeting(t.Context(), tenant, before.ID) }},
		{"CreatePolicy", func() error { return s.CreatePolicy(t.Context(), &meetd.Policy{TenantID: tenant, Name: "p"}) }},
	}
	for _, w := range writes {
		t.Run(w.name, func(t *testing.T) {
			wantUnavailable(t, w.name, w.call())
		})
	}
	got, err := s.Meeting(t.Context(), tenant, before.ID)
	if err != nil {
		t.Fatalf("Meeting on the read-only database: got %v, want the meeting", err)
	}
	if got.Version != before.Version {
		t.Errorf("Meeting on the read-only database: got version %d, want %d (unchanged)", got.Version, before.Version)
	}
}
