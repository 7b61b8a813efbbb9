package sqlite_test

import (
	"math/rand/v2"
	"runtime"
	"strconv"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/internal/sqlite"
	"github.com/meetd/meetd/internal/storetest"
)

// concurrency is how many requests the benchmarks keep in flight, as an
// HTTP load test at concurrency 64 would.
const concurrency = 64

// BenchmarkCreateOrGetCreate measures createOrGet with new keys as
// meetd.Service runs it: a look-up that misses, then the create, durable
// before it returns.
func BenchmarkCreateOrGetCreate(b *testing.B) {
	for _, sync := range []string{"full", "normal"} {
		b.Run("sync="+sync, func(b *testing.B) {
			s := open(b, sqlite.Options{Synchronous: sync})
			defer s.Close()
			tenant, org, app := storetest.NewObjectID(), storetest.NewObjectID(), storetest.NewObjectID()
			ms := make([]*meetd.Meeting, b.N)
			for i := range ms {
				// A meeting as a load test makes: one app, one attendee.
				ms[i] = storetest.NewMeeting(b, tenant, org, "bench-"+strconv.Itoa(i))
				ms[i].CreatedBy = app
				ms[i].Attendees = ms[i].Attendees[:1]
			}
			var next atomic.Int64
			b.SetParallelism(max(1, concurrency/runtimeProcs()))
			b.ReportAllocs()
			b.ResetTimer()
			cpu0 := cpuTime()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					m := ms[next.Add(1)-1]
					if _, err := s.MeetingByKey(b.Context(), m.Key()); meetd.ErrorCode(err) != meetd.ENOTFOUND {
						b.Errorf("MeetingByKey of a new key: got %v, want ENOTFOUND", err)
						return
					}
					_, created, err := s.CreateOrGetMeeting(b.Context(), m)
					for meetd.ErrorCode(err) == meetd.ECONFLICT {
						// A random id was taken (10-digit VTC ids collide
						// in tens of thousands): draw again, as
						// meetd.Service does.
						again := storetest.NewMeeting(b, m.TenantID, m.OrganizerID, m.ExternalID)
						again.CreatedBy, again.Attendees = m.CreatedBy, m.Attendees
						_, created, err = s.CreateOrGetMeeting(b.Context(), again)
					}
					if err != nil || !created {
						b.Errorf("CreateOrGetMeeting: got created %t, %v; want true, nil", created, err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "creates/s")
			b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(b.N), "cpu-µs/op")
			batches, writes := s.BatchStats()
			b.ReportMetric(float64(writes)/float64(max(batches, 1)), "writes/batch")
		})
	}
}

// BenchmarkCreateOrGetHit measures the createOrGet hit path: MeetingByKey
// of a stored meeting, from the cache, and with the cache off.
func BenchmarkCreateOrGetHit(b *testing.B) {
	for _, bc := range []struct {
		name string
		opts sqlite.Options
	}{
		{"cache", sqlite.Options{}},
		{"nocache", sqlite.Options{CacheSize: -1}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			s := open(b, bc.opts)
			defer s.Close()
			const stored = 2000 // all fit in the default cache (8 MiB)
			keys := make([]meetd.Key, stored)
			tenant := storetest.NewObjectID()
			for i := range keys {
				m := storetest.NewMeeting(b, tenant, storetest.NewObjectID(), "hit")
				m.Attendees = m.Attendees[:1]
				if _, _, err := s.CreateOrGetMeeting(b.Context(), m); err != nil {
					b.Fatal(err)
				}
				keys[i] = m.Key()
			}
			b.SetParallelism(max(1, concurrency/runtimeProcs()))
			b.ReportAllocs()
			b.ResetTimer()
			cpu0 := cpuTime()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := s.MeetingByKey(b.Context(), keys[rand.IntN(stored)]); err != nil {
						b.Errorf("MeetingByKey: %v", err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "hits/s")
			b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(b.N), "cpu-µs/op")
		})
	}
}

func runtimeProcs() int { return runtime.GOMAXPROCS(0) }

// cpuTime is the CPU time the process has used: on a shared machine it
// says more than the wall clock.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
