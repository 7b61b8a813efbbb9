package postgres_test

import (
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/internal/pgtest"
	"github.com/meetd/meetd/internal/postgres"
	"github.com/meetd/meetd/internal/storetest"
)

// The benchmarks run on the server named by MEETD_TEST_POSTGRES; the one
// scripts/start-postgres.sh starts has fsync and synchronous_commit off, so
// they measure meetd and the server's work, not the disk.

// parallelism × GOMAXPROCS goroutines call at once, as a busy server's
// handlers would: enough to keep the pool's connections busy.
const parallelism = 8

// BenchmarkCreateOrGet measures the createOrGet statement: "created" with a
// new key each time, "hit" with a key that exists (the path a race loser
// takes: an INSERT that does nothing, then a read).
func BenchmarkCreateOrGet(b *testing.B) {
	s := openClosed(b, pgtest.NewDatabase(b), postgres.Options{})
	tenant, org := storetest.NewObjectID(), storetest.NewObjectID()
	var n atomic.Int64 // outside: b.Run runs its function several times
	b.Run("created", func(b *testing.B) {
		b.SetParallelism(parallelism)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				m := storetest.NewMeeting(b, tenant, org, fmt.Sprint("new-", n.Add(1)))
				if _, created, err := s.CreateOrGetMeeting(b.Context(), m); err != nil || !created {
					b.Errorf("CreateOrGetMeeting: got created %t, %v; want true, nil", created, err)
					return
				}
			}
		})
	})
	hot := storetest.NewMeeting(b, tenant, org, "hot")
	if _, _, err := s.CreateOrGetMeeting(b.Context(), hot); err != nil {
		b.Fatal(err)
	}
	b.Run("hit", func(b *testing.B) {
		b.SetParallelism(parallelism)
		b.RunParallel(func(pb *testing.PB) {
			m := storetest.NewMeeting(b, tenant, org, "hot")
			for pb.Next() {
				if got, created, err := s.CreateOrGetMeeting(b.Context(), m); err != nil || created || got.ID != hot.ID {
					b.Errorf("CreateOrGetMeeting: got created %t, %v; want the hot meeting", created, err)
					return
				}
			}
		})
	})
}

// BenchmarkRead measures the reads behind GET and the createOrGet hit the
// service takes first.
func BenchmarkRead(b *testing.B) {
	s := openClosed(b, pgtest.NewDatabase(b), postgres.Options{})
	tenant, org := storetest.NewObjectID(), storetest.NewObjectID()
	ms := make([]*meetd.Meeting, 64)
	for i := range ms {
		ms[i] = storetest.NewMeeting(b, tenant, org, fmt.Sprint("read-", i))
		if _, _, err := s.CreateOrGetMeeting(b.Context(), ms[i]); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("Meeting", func(b *testing.B) {
		var n atomic.Int64
		b.SetParallelism(parallelism)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				m := ms[n.Add(1)%int64(len(ms))]
				if _, err := s.Meeting(b.Context(), tenant, m.ID); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
	b.Run("MeetingByKey", func(b *testing.B) {
		var n atomic.Int64
		b.SetParallelism(parallelism)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				m := ms[n.Add(1)%int64(len(ms))]
				if _, err := s.MeetingByKey(b.Context(), m.Key()); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}
