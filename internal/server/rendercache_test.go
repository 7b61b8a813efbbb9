package server

import (
	"bytes"
	"strconv"
	"testing"
)

// The rendered-bytes cache stays within its byte budget, however many
// meetings pass through it, and answers what was put with its length.
func TestRenderCacheBudget(t *testing.T) {
	c := newRenderCache()
	c.max = 64 << 10
	body := bytes.Repeat([]byte("x"), 3000)
	for i := range 1000 {
		k := renderKey{id: "m" + strconv.Itoa(i), version: 1, api: "v1.0"}
		e := c.put(k, body)
		if got := c.get(k); got != e {
			t.Fatalf("get after put %d: got %p, want %p", i, got, e)
		}
		if c.bytes > c.max {
			t.Fatalf("after %d puts: %d bytes held, want ≤ %d", i+1, c.bytes, c.max)
		}
	}
	if n := len(c.m); n == 0 || n*(3072+renderedOverhead) > c.max {
		t.Errorf("entries: got %d, want between 1 and %d", n, c.max/(3072+renderedOverhead))
	}
}

// An entry's bytes are a copy with its Content-Length; putting a key again
// replaces it without counting it twice.
func TestRenderCachePut(t *testing.T) {
	c := newRenderCache()
	k := renderKey{id: "m", version: 2, api: "beta", user: "u"}
	buf := []byte(`{"id":"m"}`)
	e := c.put(k, buf)
	buf[2] = 'X' // the caller reuses its buffer
	if string(e.body) != `{"id":"m"}` || len(e.length) != 1 || e.length[0] != "10" {
		t.Errorf("entry: got %s with length %v, want {\"id\":\"m\"} with [10]", e.body, e.length)
	}
	before := c.bytes
	c.put(k, []byte(`{"id":"m"}`))
	if c.bytes != before || len(c.m) != 1 {
		t.Errorf("after putting the key again: %d bytes in %d entries, want %d in 1", c.bytes, len(c.m), before)
	}
	if c.get(renderKey{id: "m", version: 3, api: "beta", user: "u"}) != nil {
		t.Errorf("another version of the meeting: got an entry, want none")
	}
}
