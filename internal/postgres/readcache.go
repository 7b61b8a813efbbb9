package postgres

import (
	"sync"

	"github.com/meetd/meetd"
)

// readCache keeps the meetings that MeetingByKey read lately, by key, each
// with the version of its row it came from: the meeting's id, its version and
// the row's xmin (the transaction that wrote that row version). A look-up
// sends these along and PostgreSQL leaves out the data column when the row
// still has them, so that a repeated hit neither makes the server print the
// jsonb nor makes meetd decode it. The database, not the cache, still says on
// every request whether the meeting exists and which version is current:
// updates and deletes by other replicas are seen at once.
//
// An UPDATE always writes a new row version with a new xmin, so a change made
// outside meetd is seen too. The one way to show a cached meeting that is not
// current would be for the same meeting to get, after a restore of an older
// backup, the same version from a transaction with the same id.
//
// It is bounded by an estimate of its bytes; when full, entries taken in Go's
// map order (random) make room: nothing to keep up per hit, and a cache miss
// costs only one decode.
type readCache struct {
	mu       sync.Mutex
	maxBytes int
	bytes    int
	byKey    map[meetd.Key]cachedMeeting
}

// cachedMeeting is a meeting and the row version it was read from.
type cachedMeeting struct {
	m       *meetd.Meeting
	version int64
	xmin    int64
	size    int
}

// DefaultReadCacheBytes bounds the read cache when Options.ReadCacheBytes is
// zero: about 5,000 meetings of a typical size.
const DefaultReadCacheBytes = 8 << 20

// newReadCache returns a cache of at most maxBytes, or nil (which caches
// nothing) when maxBytes is negative.
func newReadCache(maxBytes int) *readCache {
	if maxBytes < 0 {
		return nil
	}
	return &readCache{maxBytes: maxBytes, byKey: make(map[meetd.Key]cachedMeeting)}
}

// get returns the cached meeting with the key, if any.
func (c *readCache) get(k meetd.Key) (cachedMeeting, bool) {
	if c == nil {
		return cachedMeeting{}, false
	}
	c.mu.Lock()
	e, ok := c.byKey[k]
	c.mu.Unlock()
	return e, ok
}

// put caches m, read from the row version (version, xmin); dataLen is the
// length of its data column, the base of its size estimate.
func (c *readCache) put(m *meetd.Meeting, xmin int64, dataLen int) {
	if c == nil {
		return
	}
	// A decoded meeting takes about twice its JSON (strings, structs and
	// slices), plus the key, the map slot and the indexed columns.
	size := 2*dataLen + 512
	if size > c.maxBytes/64 {
		return // a huge meeting would push out many others
	}
	k := m.Key()
	e := cachedMeeting{m: m, version: m.Version, xmin: xmin, size: size}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.remove(k)
	for k2, old := range c.byKey {
		if c.bytes+size <= c.maxBytes {
			break
		}
		delete(c.byKey, k2)
		c.bytes -= old.size
	}
	c.byKey[k] = e
	c.bytes += size
}

// remove deletes the entry of the key; the caller holds mu.
func (c *readCache) remove(k meetd.Key) {
	if old, ok := c.byKey[k]; ok {
		delete(c.byKey, k)
		c.bytes -= old.size
	}
}

// drop forgets the meeting with the key: its row is gone or changed.
func (c *readCache) drop(k meetd.Key) {
	if c == nil {
		return
	}
	c.mu.Lock()
	c.remove(k)
	c.mu.Unlock()
}
