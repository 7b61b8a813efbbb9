package record

import (
	"syscall"
	"testing"
	"time"

	"github.com/meetd/meetd"
)

// benchMeetings are a meeting as `meetd bench` makes them (one attendee) and
// fullMeeting (four).
func benchMeetings() []struct {
	name string
	m    *meetd.Meeting
} {
	one := fullMeeting()
	one.Attendees = one.Attendees[:1]
	return []struct {
		name string
		m    *meetd.Meeting
	}{{"1-attendee", one}, {"4-attendees", fullMeeting()}}
}

// BenchmarkEncode compares Encode with encoding/json, which the PostgreSQL
// store used before (the SQLite store's encoder was already Encode's code).
func BenchmarkEncode(b *testing.B) {
	for _, bm := range benchMeetings() {
		b.Run("record/"+bm.name, func(b *testing.B) {
			b.ReportAllocs()
			defer reportCPU(b)()
			for b.Loop() {
				if _, err := Encode(bm.m); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("encoding-json/"+bm.name, func(b *testing.B) {
			b.ReportAllocs()
			defer reportCPU(b)()
			for b.Loop() {
				if _, err := encodeLegacyPostgres(bm.m); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDecode compares Decode with encoding/json, which both stores used
// before, on SQLite's compact text and on PostgreSQL's jsonb text.
func BenchmarkDecode(b *testing.B) {
	type doc struct {
		name string
		data []byte
	}
	var docs []doc
	for _, bm := range benchMeetings() {
		data, err := Encode(bm.m)
		if err != nil {
			b.Fatal(err)
		}
		docs = append(docs, doc{"sqlite-" + bm.name, data})
	}
	docs = append(docs, doc{"jsonb-4-attendees", readFile(b, "testdata/jsonb-full.json")})
	for _, d := range docs {
		b.Run("record/"+d.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(d.data)))
			defer reportCPU(b)()
			for b.Loop() {
				var m meetd.Meeting
				if err := Decode(&m, d.data); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("encoding-json/"+d.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(d.data)))
			defer reportCPU(b)()
			for b.Loop() {
				var m meetd.Meeting
				if err := decodeLegacy(&m, d.data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// reportCPU starts counting the process's CPU time and returns the function
// that reports it per operation ("cpu-ns/op"): on this shared machine wall
// time per operation moves with other work far more than CPU time does.
func reportCPU(b *testing.B) func() {
	start := cpuTime()
	return func() { b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op") }
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
