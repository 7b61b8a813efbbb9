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
	winner, _, err := s.CreateOrGetMeeting(t.Context(), storetest.NewMeeting(t, tenant, org, "seed"))
	if err != nil {
		t.Fatal(err)
	}
	// Another replica's transaction gives the key to the winner, and has
	// not committed yet.
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
	if _, err := tx.Exec(t.Context(), "UPDATE meetings SET external_id = 'contested' WHERE tenant_id = $1 AND id = $2", tenant, winner.ID); err != nil {
		t.Fatal(err)
	}
	type answer struct {
		m       *meetd.Meeting
		created bool
		err     error
	}
	got := make(chan answer, 1)
	go func() {
		m, created, err := s.CreateOrGetMeeting(context.Background(), storetest.NewMeeting(t, tenant, org, "contested"))
		got <- answer{m, created, err}
	}()
	waitForALock(t, conn, "the createOrGet's INSERT")
	if err := tx.Commit(t.Context()); err != nil {
		t.Fatal(err)
	}
	a := <-got
	var id string
	if a.m != nil {
		id = a.m.ID
	}
	if a.err != nil || a.created || id != winner.ID {
		t.Fatalf("createOrGet of a key taken during its INSERT: got meeting %q, created %v, err %v; want the winner %s", id, a.created, a.err, winner.ID)
	}
}
