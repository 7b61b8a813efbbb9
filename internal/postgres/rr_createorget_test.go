package postgres_test

import (
	"fmt"
	"sync"
	"testing"

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
