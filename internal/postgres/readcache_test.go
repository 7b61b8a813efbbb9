package postgres

import (
	"fmt"
	"testing"

	"github.com/meetd/meetd"
)

func TestReadCacheBound(t *testing.T) {
	const dataLen = 1500 // a typical meeting's data
	size := 2*dataLen + 512
	tests := []struct {
		name      string
		maxBytes  int
		puts      int
		wantCount int
	}{
		{"room for all", 100 * size, 50, 50},
		{"full: others make room", 64 * size, 200, 64},
		{"a meeting over a 64th of the bound is not kept", 32 * size, 10, 0},
		{"off", -1, 10, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := newReadCache(tc.maxBytes)
			for i := range tc.puts {
				m := &meetd.Meeting{TenantID: "t", OrganizerID: "o", ExternalID: fmt.Sprint("k", i), ID: fmt.Sprint("id", i), Version: 1}
				c.put(m, 100, 0, 0, 0, dataLen)
				if got, ok := c.get(m.Key()); tc.wantCount > 0 && (!ok || got.m != m) {
					t.Fatalf("put %d: get right after: got %v, %t; want it", i, got.m, ok)
				}
				if c != nil && c.bytes > c.maxBytes {
					t.Fatalf("put %d: %d bytes cached, over the bound %d", i, c.bytes, c.maxBytes)
				}
			}
			if got := c.len(); got != tc.wantCount {
				t.Errorf("entries: got %d, want %d", got, tc.wantCount)
			}
		})
	}
}

func TestReadCacheReplaceAndDrop(t *testing.T) {
	c := newReadCache(DefaultReadCacheBytes)
	m1 := &meetd.Meeting{TenantID: "t", OrganizerID: "o", ExternalID: "k", ID: "a", Version: 1}
	m2 := &meetd.Meeting{TenantID: "t", OrganizerID: "o", ExternalID: "k", ID: "a", Version: 2}
	c.put(m1, 10, 0, 0, 0, 1000)
	c.put(m2, 11, 0, 0, 0, 1000)
	got, ok := c.get(m1.Key())
	if !ok || got.m != m2 || got.version != 2 || got.xmin != 11 {
		t.Fatalf("after a second put: got %+v, %t; want version 2, xmin 11", got, ok)
	}
	if want := 2*1000 + 512; c.bytes != want {
		t.Errorf("bytes after replacing: got %d, want %d", c.bytes, want)
	}
	c.drop(m1.Key())
	if _, ok := c.get(m1.Key()); ok || c.bytes != 0 {
		t.Errorf("after drop: got cached %t, %d bytes; want none, 0", ok, c.bytes)
	}
}

// len returns the number of cached meetings.
func (c *readCache) len() int {
	if c == nil {
		return 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.byKey)
}
