package postgres_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/meetd/meetd"
	"github.com/meetd/meetd/internal/pgtest"
	"github.com/meetd/meetd/internal/postgres"
	"github.com/meetd/meetd/internal/storetest"
)

// Replicas racing to createOrGet one key under a REPEATABLE READ default
// all get the one meeting stored, not a 503: the losers' INSERT … ON
// CONFLICT DO NOTHING fails with a serialization failure there when the
// winner committed after the loser's statement took its snapshot.
func TestCreateOrGetRacesUnderRepeatableRead(t *testing.T) {
	dsn := pgtest.NewDatabase(t) + "&default_transaction_isolation=repeatable%20read"
	stores := []*postgres.Store{
		openClosed(t, dsn, postgres.Options{}),
		openClosed(t, dsn, postgres.Options{}),
		openClosed(t, dsn, postgres.Options{}),
	}
	tenant, org := storetest.NewObjectID(), storetest.NewObjectID()
	for round := range 30 {
		key := fmt.Sprint("rr-race-", round)
		ids := make([]string, 6)
		ready := make(chan struct{})
		var wg sync.WaitGroup
		for i := range ids {
			m := storetest.NewMeeting(t, tenant, org, key)
			wg.Go(func() {
				<-ready
				got, _, err := stores[i%len(stores)].CreateOrGetMeeting(t.Context(), m)
				if err != nil {
					t.Errorf("round %d, caller %d: CreateOrGetMeeting: %v", round, i, err)
					return
				}
				ids[i] = got.ID
			})
		}
		close(ready)
		wg.Wait()
		if t.Failed() {
			return
		}
		for i, id := range ids {
			if id != ids[0] {
				t.Fatalf("round %d: caller %d got %s, caller 0 %s", round, i, id, ids[0])
			}
		}
	}
}

// The same race made to happen every time: another transaction takes the
// key and commits while the createOrGet's INSERT waits for it. Under a
// REPEATABLE READ default that INSERT fails with a serialization failure
// (the winner committed after its snapshot); the call must still answer with
// the winner's meeting, not a 503.
func TestCreateOrGetLosesTheKeyUnderRepeatableRead(t *testing.T) {
	dsn := pgtest.NewDatabase(t) + "&default_transaction_isolation=repeatable%20read"
	s := openClosed(t, dsn, postgres.Options{})
	tenant, org := storetest.NewObjectID(), storetest.NewObjectID()
	winner, commit := keyTakenMeanwhile(t, dsn, s, tenant, org, "contested")
	got := goCall(func() (*meetd.Meeting, bool, error) {
		return s.CreateOrGetMeeting(context.Background(), storetest.NewMeeting(t, tenant, org, "contested"))
	})
	commit("the createOrGet's INSERT")
	(<-got).wantWinner(t, "createOrGet of a key taken during its INSERT", winner)
}

// A create under the monthly limit takes its app's lock, not the other
// apps': another app's create can take the key after its look-up. Its
// INSERT then waits for that one, inserts nothing, and must answer with the
// other app's meeting, not a 201 for a meeting it did not store.
func TestQuotaCreateLosesTheKeyToAnotherApp(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	s := openClosed(t, dsn, postgres.Options{})
	tenant, org := storetest.NewObjectID(), storetest.NewObjectID()
	winner, commit := keyTakenMeanwhile(t, dsn, s, tenant, org, "contested")
	got := goCall(func() (*meetd.Meeting, bool, error) {
		return s.CreateMeetingWithin(context.Background(), storetest.NewMeeting(t, tenant, org, "contested"), meetd.Quota{Max: 10})
	})
	commit("the quota create's INSERT")
	(<-got).wantWinner(t, "quota create of a key taken during its INSERT", winner)
}

// keyTakenMeanwhile stores a meeting and, in a transaction of another
// connection, gives it the createOrGet key external, as another replica's
// create would. commit waits until a call waits for that transaction's lock
// on the key (who names the call), then commits it.
func keyTakenMeanwhile(t *testing.T, dsn string, s *postgres.Store, tenant, org, external string) (winner *meetd.Meeting, commit func(who string)) {
	t.Helper()
	winner, _, err := s.CreateOrGetMeeting(t.Context(), storetest.NewMeeting(t, tenant, org, "seed-"+external))
	if err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	tx, err := conn.Begin(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tx.Rollback(context.Background()) })
	if _, err := tx.Exec(t.Context(), "UPDATE meetings SET external_id = $3 WHERE tenant_id = $1 AND id = $2", tenant, winner.ID, external); err != nil {
		t.Fatal(err)
	}
	return winner, func(who string) {
		t.Helper()
		waitForALock(t, conn, who)
		if err := tx.Commit(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
}

// answer is what a create call returned.
type answer struct {
	m       *meetd.Meeting
	created bool
	err     error
}

// goCall runs call in a goroutine and delivers its answer.
func goCall(call func() (*meetd.Meeting, bool, error)) <-chan answer {
	got := make(chan answer, 1)
	go func() {
		m, created, err := call()
		got <- answer{m, created, err}
	}()
	return got
}

func (a answer) wantWinner(t *testing.T, what string, winner *meetd.Meeting) {
	t.Helper()
	var id string
	if a.m != nil {
		id = a.m.ID
	}
	if a.err != nil || a.created || id != winner.ID {
		t.Fatalf("%s: got meeting %q, created %v, err %v; want the winner %s", what, id, a.created, a.err, winner.ID)
	}
}
