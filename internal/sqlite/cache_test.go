package sqlite

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/internal/storetest"
)

func cacheMeeting(tb testing.TB, i int) *meetd.Meeting {
	return storetest.NewMeeting(tb, "tenant", storetest.NewObjectID(), fmt.Sprint("ext-", i))
}

func TestCacheEvictsLeastRecentlyUsed(t *testing.T) {
	c := newCache(3, 1<<30)
	ms := make([]*meetd.Meeting, 4)
	for i := range 3 {
		ms[i] = cacheMeeting(t, i)
		c.put(ms[i])
	}
	// Use the first, so that the second is now the oldest.
	if m, _ := c.byKeyOrTicket(ms[0].Key()); m != ms[0] {
		t.Fatalf("byKey of a cached meeting: got %v, want it", m)
	}
	ms[3] = cacheMeeting(t, 3)
	c.put(ms[3])
	for i, want := range []bool{true, false, true, true} {
		byKey, _ := c.byKeyOrTicket(ms[i].Key())
		byID, _ := c.byIDOrTicket(ms[i].ID)
		if (byKey != nil) != want || (byID != nil) != want {
			t.Errorf("meeting %d: cached by key %t, by id %t, want %t", i, byKey != nil, byID != nil, want)
		}
	}
	if n, _ := c.len(); n != 3 {
		t.Fatalf("len: got %d, want 3", n)
	}
}

func TestCacheBoundsBytes(t *testing.T) {
	one := sizeOf(cacheMeeting(t, 0))
	c := newCache(1000, 10*one)
	for i := range 100 {
		c.put(cacheMeeting(t, i))
	}
	if n, bytes := c.len(); n > 10 || bytes > 10*one {
		t.Fatalf("got %d meetings, %d bytes; want at most 10 and %d", n, bytes, 10*one)
	}
	// A meeting larger than a quarter of the budget is not cached at all.
	big := cacheMeeting(t, 1000)
	big.Attendees = make([]meetd.Participant, 100)
	c.put(big)
	if m, _ := c.byIDOrTicket(big.ID); m != nil {
		t.Fatalf("a meeting of %d bytes was cached in a cache of %d", sizeOf(big), 10*one)
	}
}

func TestCacheFillLosesToAWrite(t *testing.T) {
	c := newCache(100, 1<<30)
	m := cacheMeeting(t, 0)
	next := m.Clone()
	next.Version++
	tests := []struct {
		name  string
		write func()
		want  *meetd.Meeting
	}{
		{"no write", func() {}, m},
		{"deleted meanwhile", func() { c.remove(m.ID, m.Key()) }, nil},
		// The reader's older version must not replace the writer's.
		{"updated meanwhile", func() { c.put(next) }, next},
		{"updated, then evicted", func() {
			c.put(next)
			c.remove(next.ID, next.Key()) // so that only a fill could bring it back
		}, nil},
		{"another meeting written", func() { c.put(cacheMeeting(t, 1)) }, m},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c.remove(m.ID, m.Key())
			for _, lookup := range []string{"key", "id"} {
				var tk ticket
				if lookup == "key" {
					_, tk = c.byKeyOrTicket(m.Key())
				} else {
					_, tk = c.byIDOrTicket(m.ID)
				}
				tc.write() // between the reader's miss and its fill
				c.fill(m, tk)
				got, _ := c.byIDOrTicket(m.ID)
				if got != tc.want && !(tc.name == "another meeting written" && got == nil) {
					t.Fatalf("after a fill by %s: got %s cached, want %s", lookup, cached(got), cached(tc.want))
				}
				c.remove(m.ID, m.Key())
			}
		})
	}
}

// cached describes what a cache look-up found, for failure messages.
func cached(m *meetd.Meeting) string {
	if m == nil {
		return "nothing"
	}
	return fmt.Sprintf("version %d", m.Version)
}

func TestNilCacheCachesNothing(t *testing.T) {
	c := newCache(-1, 0)
	m := cacheMeeting(t, 0)
	c.put(m)
	_, tk := c.byKeyOrTicket(m.Key())
	c.fill(m, tk)
	if got, _ := c.byIDOrTicket(m.ID); got != nil {
		t.Fatalf("a nil cache returned a meeting")
	}
	c.remove(m.ID, m.Key())
}

// TestCacheSizeEstimate checks that the byte budget is honest: the memory a
// full cache holds is within the estimate it counts.
func TestCacheSizeEstimate(t *testing.T) {
	const n = 5000
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	c := newCache(n, 1<<30)
	for i := range n {
		// As the store caches them: decoded from the database.
		m := cacheMeeting(t, i)
		data, err := encodeData(m)
		if err != nil {
			t.Fatal(err)
		}
		d := &meetd.Meeting{ID: m.ID, TenantID: m.TenantID, OrganizerID: m.OrganizerID, ExternalID: m.ExternalID,
			ThreadID: m.ThreadID, JoinMeetingID: m.JoinMeetingID, VideoTeleconferenceID: m.VideoTeleconferenceID, CreatedBy: m.CreatedBy}
		if err := decodeData(d, []byte(data)); err != nil {
			t.Fatal(err)
		}
		c.fill(d, ticket{})
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	_, estimate := c.len()
	used := int(after.HeapAlloc) - int(before.HeapAlloc)
	t.Logf("%d meetings: %d bytes on the heap (%d a meeting), %d estimated (%d a meeting)", n, used, used/n, estimate, estimate/n)
	if used > estimate {
		t.Fatalf("the cache holds %d bytes, more than its estimate of %d", used, estimate)
	}
	runtime.KeepAlive(c)
}
