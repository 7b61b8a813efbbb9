package postgres_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/meetd/meetd"
	"github.com/meetd/meetd/internal/pgtest"
	"github.com/meetd/meetd/internal/postgres"
	"github.com/meetd/meetd/internal/storetest"
)

// Calls made at once go to PostgreSQL in one statement (batch.go). These
// tests make sure they do, by holding the batches until every call is
// queued, and check that each call still gets what it would get alone.

// inOneBatch runs the calls with the store's batches held until all of them
// are queued (each call queues exactly one read or insert first), then lets
// them run, and waits for them.
func inOneBatch(t *testing.T, s *postgres.Store, calls ...func()) {
	t.Helper()
	queued, release := postgres.HoldBatches(s)
	var wg sync.WaitGroup
	for _, call := range calls {
		wg.Go(call)
	}
	deadline := time.Now().Add(10 * time.Second)
	for queued() < len(calls) {
		if time.Now().After(deadline) {
			release()
			t.Fatalf("%d of %d calls queued after 10 s", queued(), len(calls))
		}
		time.Sleep(time.Millisecond)
	}
	release()
	wg.Wait()
}

type createResult struct {
	m       *meetd.Meeting
	created bool
	err     error
}

// protocols are pgx's query modes: its default, and the one for PgBouncer in
// transaction mode, where a batch is one multi-statement query and arrays
// are sent as text.
var protocols = []string{"cache_statement", "simple_protocol"}

// TestCreatesInOneBatch checks every outcome a createOrGet can have, all in
// one batch: new keys, one key twice, a key that is taken, and a meeting
// whose join id another meeting holds, which must fail alone.
func TestCreatesInOneBatch(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	for _, mode := range protocols {
		t.Run(mode, func(t *testing.T) {
			testCreatesInOneBatch(t, openClosed(t, dsn+"&default_query_exec_mode="+mode, postgres.Options{}))
		})
	}
}

func testCreatesInOneBatch(t *testing.T, s *postgres.Store) {
	tenant, org := storetest.NewObjectID(), storetest.NewObjectID()
	stored := storetest.NewMeeting(t, tenant, org, "stored")
	if _, _, err := s.CreateOrGetMeeting(t.Context(), stored); err != nil {
		t.Fatal(err)
	}
	collider := storetest.NewMeeting(t, tenant, org, "collider")
	collider.JoinMeetingID = stored.JoinMeetingID
	ms := []*meetd.Meeting{
		storetest.NewMeeting(t, tenant, org, "new-1"),
		storetest.NewMeeting(t, tenant, org, "new-2"),
		storetest.NewMeeting(t, storetest.NewObjectID(), org, "new-1"), // another tenant
		storetest.NewMeeting(t, tenant, org, "twice"),
		storetest.NewMeeting(t, tenant, org, "twice"),
		storetest.NewMeeting(t, tenant, org, "stored"),
		collider,
	}
	results := make([]createResult, len(ms))
	calls := make([]func(), len(ms))
	for i, m := range ms {
		calls[i] = func() {
			got, created, err := s.CreateOrGetMeeting(t.Context(), m)
			results[i] = createResult{got, created, err}
		}
	}
	inOneBatch(t, s, calls...)

	for i, r := range results[:3] {
		if r.err != nil || !r.created || r.m.ID != ms[i].ID {
			t.Errorf("new key %d: got %v, created %t, %v; want its meeting created", i, r.m, r.created, r.err)
		}
	}
	a, b := results[3], results[4]
	if a.err != nil || b.err != nil || a.created == b.created || a.m.ID != b.m.ID {
		t.Errorf("one key twice: got (%t, %v) and (%t, %v); want one created and both the same meeting",
			a.created, a.err, b.created, b.err)
	}
	if r := results[5]; r.err != nil || r.created || r.m.ID != stored.ID {
		t.Errorf("a taken key: got %v, created %t, %v; want the stored meeting", r.m, r.created, r.err)
	}
	if r := results[6]; meetd.ErrorCode(r.err) != meetd.ECONFLICT {
		t.Errorf("a taken join id: got %v, created %t, %v; want ECONFLICT", r.m, r.created, r.err)
	}
	if _, err := s.MeetingByKey(t.Context(), collider.Key()); meetd.ErrorCode(err) != meetd.ENOTFOUND {
		t.Errorf("MeetingByKey of the conflicting meeting: got %v, want ENOTFOUND", err)
	}
	for i, m := range ms[:3] {
		if got, err := s.MeetingByKey(t.Context(), m.Key()); err != nil || got.ID != m.ID {
			t.Errorf("MeetingByKey of new key %d: got %v, %v; want it", i, got, err)
		}
	}
}

// TestReadsInOneBatch checks a batch of by-key reads: one key many times, a
// cached meeting another replica updated, one it deleted, and a missing key.
func TestReadsInOneBatch(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	for _, mode := range protocols {
		t.Run(mode, func(t *testing.T) {
			testReadsInOneBatch(t, openClosed(t, dsn+"&default_query_exec_mode="+mode, postgres.Options{}),
				openClosed(t, dsn, postgres.Options{}))
		})
	}
}

func testReadsInOneBatch(t *testing.T, s, other *postgres.Store) {
	tenant, org := storetest.NewObjectID(), storetest.NewObjectID()
	hot, updated, deleted := storetest.NewMeeting(t, tenant, org, "hot"),
		storetest.NewMeeting(t, tenant, org, "updated"), storetest.NewMeeting(t, tenant, org, "deleted")
	for _, m := range []*meetd.Meeting{hot, updated, deleted} {
		if _, _, err := s.CreateOrGetMeeting(t.Context(), m); err != nil {
			t.Fatal(err)
		}
		if _, err := s.MeetingByKey(t.Context(), m.Key()); err != nil { // now cached
			t.Fatal(err)
		}
	}
	u := *updated
	u.Subject, u.Version = "changed elsewhere", updated.Version+1
	if err := other.UpdateMeeting(t.Context(), &u); err != nil {
		t.Fatal(err)
	}
	if err := other.DeleteMeeting(t.Context(), tenant, deleted.ID); err != nil {
		t.Fatal(err)
	}

	keys := []meetd.Key{hot.Key(), hot.Key(), updated.Key(), hot.Key(), deleted.Key(),
		{TenantID: tenant, OrganizerID: org, ExternalID: "missing"}, hot.Key()}
	got := make([]*meetd.Meeting, len(keys))
	errs := make([]error, len(keys))
	calls := make([]func(), len(keys))
	for i, k := range keys {
		calls[i] = func() { got[i], errs[i] = s.MeetingByKey(t.Context(), k) }
	}
	inOneBatch(t, s, calls...)

	for _, i := range []int{0, 1, 3, 6} {
		if errs[i] != nil || got[i].ID != hot.ID {
			t.Errorf("read %d of the hot key: got %v, %v; want it", i, got[i], errs[i])
		}
	}
	if errs[2] != nil || got[2].Subject != "changed elsewhere" || got[2].Version != u.Version {
		t.Errorf("updated elsewhere: got %+v, %v; want version %d", got[2], errs[2], u.Version)
	}
	for _, i := range []int{4, 5} {
		if meetd.ErrorCode(errs[i]) != meetd.ENOTFOUND {
			t.Errorf("read %d (%s): got %v, %v; want ENOTFOUND", i, keys[i].ExternalID, got[i], errs[i])
		}
	}
}

// TestQueuedCallGivesUp checks that a call whose context ends while it
// waits for its batch returns at once, and that its batch, which may still
// store its meeting, then leaves the store as if the answer was lost.
func TestQueuedCallGivesUp(t *testing.T) {
	s := openClosed(t, pgtest.NewDatabase(t), postgres.Options{})
	m := storetest.NewMeeting(t, storetest.NewObjectID(), storetest.NewObjectID(), "gave up")
	queued, release := postgres.HoldBatches(s)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 2)
	go func() {
		_, _, err := s.CreateOrGetMeeting(ctx, m)
		done <- err
	}()
	go func() {
		_, err := s.MeetingByKey(ctx, m.Key())
		done <- err
	}()
	for queued() < 2 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	for range 2 {
		if err := <-done; meetd.ErrorCode(err) != meetd.EUNAVAILABLE {
			t.Errorf("a call that gave up: got %v, want EUNAVAILABLE", err)
		}
	}
	release()
	again := storetest.NewMeeting(t, m.TenantID, m.OrganizerID, m.ExternalID)
	got, created, err := s.CreateOrGetMeeting(t.Context(), again)
	if err != nil || created || got.ID != m.ID {
		t.Errorf("createOrGet after: got %v, created %t, %v; want the meeting whose answer was lost", got, created, err)
	}
}

// TestBatchesAcrossReplicas races replicas whose batches hold keys in
// common: each key gets exactly one meeting, every call agrees on it, and
// no batch deadlocks with another (PostgreSQL would abort one: an error).
func TestBatchesAcrossReplicas(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	const replicas, workers, keys = 3, 24, 20
	tenant, org := storetest.NewObjectID(), storetest.NewObjectID()
	var mu sync.Mutex
	ids := map[string]string{}   // key → meeting id
	creators := map[string]int{} // key → calls that created it
	var wg sync.WaitGroup
	for r := range replicas {
		s := openClosed(t, dsn, postgres.Options{})
		for w := range workers {
			wg.Go(func() {
				rnd := rand.New(rand.NewPCG(uint64(r), uint64(w)))
				for _, k := range rnd.Perm(keys) {
					ext := fmt.Sprint("shared-", k)
					got, created, err := s.CreateOrGetMeeting(t.Context(), storetest.NewMeeting(t, tenant, org, ext))
					if err != nil {
						t.Errorf("replica %d, key %s: %v", r, ext, err)
						return
					}
					mu.Lock()
					if id, ok := ids[ext]; ok && id != got.ID {
						t.Errorf("replica %d, key %s: got meeting %s, others got %s", r, ext, got.ID, id)
					}
					ids[ext] = got.ID
					if created {
						creators[ext]++
					}
					mu.Unlock()
				}
			})
		}
	}
	wg.Wait()
	for k := range keys {
		ext := fmt.Sprint("shared-", k)
		if creators[ext] != 1 {
			t.Errorf("key %s: created by %d calls, want 1", ext, creators[ext])
		}
	}
	rows := queryStrings(t, dsn, `SELECT count(*)::text FROM meetings`)
	if len(rows) != 1 || rows[0] != fmt.Sprint(keys) {
		t.Errorf("meetings stored: got %v, want %d", rows, keys)
	}
}

// TestByKeyReadPlan checks that a by-key read probes the key's index, on a
// new table and on analysed ones where one organizer has every meeting. A
// batch of reads is one such statement per key, sent together: as one
// statement joining the keys to meetings, it was planned as a hash join over
// a scan of meetings, or as a scan of the organizer's meetings. (On a table
// that has grown but was never analysed the planner may take either index,
// even for one key, as it estimates both at one row; autovacuum analyses a
// table after its first 50 rows and every 10% it grows.)
func TestByKeyReadPlan(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	openClosed(t, dsn, postgres.Options{}) // migrates
	conn, err := pgx.Connect(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(t.Context(), `PREPARE r (text, text, text, text, bigint, bigint, bigint) AS `+
		postgres.MeetingByKeySQL); err != nil {
		t.Fatal(err)
	}
	for _, rows := range []int{0, 1000, 50000} {
		if rows > 0 { // one organizer's
			execSQL(t, dsn, `TRUNCATE meetings`)
			execSQL(t, dsn, `INSERT INTO meetings SELECT 't', 'id' || g, 'o', 'k' || g, 'a', 'th' || g,
				'j' || g, 'v' || g, 1, now(), NULL, '{}' FROM generate_series(1, $1::int) g`, rows)
		}
		if rows > 0 {
			execSQL(t, dsn, `ANALYZE meetings`)
		}
		for _, mode := range []string{"force_generic_plan", "force_custom_plan"} {
			t.Run(fmt.Sprintf("%d rows, %s", rows, mode), func(t *testing.T) {
				if _, err := conn.Exec(t.Context(), `SET plan_cache_mode = `+mode); err != nil {
					t.Fatal(err)
				}
				rs, err := conn.Query(t.Context(), `EXPLAIN EXECUTE r ('t', 'o', 'k5', '', 0, 0, 0)`)
				if err != nil {
					t.Fatal(err)
				}
				lines, err := pgx.CollectRows(rs, pgx.RowTo[string])
				if err != nil {
					t.Fatal(err)
				}
				plan := strings.Join(lines, "\n")
				if !strings.HasPrefix(plan, "Index Scan using meetings_key on meetings") {
					t.Errorf("plan:\n%s\nwant a probe of meetings_key", plan)
				}
			})
		}
	}
}

// TestHitsSeeEveryUpdateAtOnce updates a meeting through one replica while
// another serves hits on it from its read cache: a read that starts after an
// update was acknowledged must see it, every time.
func TestHitsSeeEveryUpdateAtOnce(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	a, b := openClosed(t, dsn, postgres.Options{}), openClosed(t, dsn, postgres.Options{})
	m := storetest.NewMeeting(t, storetest.NewObjectID(), storetest.NewObjectID(), "updated often")
	if _, _, err := a.CreateOrGetMeeting(t.Context(), m); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 8 { // hits that keep the meeting cached and batches busy
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := a.MeetingByKey(t.Context(), m.Key()); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	defer func() { close(stop); wg.Wait() }()
	cur := m
	for range 200 {
		u := cur.Clone()
		u.Version++
		u.Subject = fmt.Sprint("version ", u.Version)
		if err := b.UpdateMeeting(t.Context(), u); err != nil {
			t.Fatal(err)
		}
		got, err := a.MeetingByKey(t.Context(), m.Key())
		if err != nil || got.Version != u.Version || got.Subject != u.Subject {
			t.Fatalf("read after update to version %d: got %v, %v", u.Version, got, err)
		}
		cur = u
	}
}
