package postgres

import (
	"sync"

	"github.com/meetd/meetd"
)

// readCache keeps the meetings that MeetingByKey read lately, by key, each
// with what says whether it is still current:
//
//   - the change counter of its slot (migrations/002_changes.sql), read in the
//     same statement as the meeting. Every UPDATE or DELETE of a meeting row,
//     by any replica or by hand, bumps its slot's counter in its own
//     transaction; so while the counter reads the same, the row is the one
//     cached. A batch of hits reads only the counters of its meetings' slots:
//     one small statement, however many hits.
//   - the meeting's id, its version and the row's xmin (the transaction that
//     wrote that row version). When a slot's counter has moved (another
//     meeting of the slot changed, or this one), the meeting is read again
//     with these, and PostgreSQL leaves out its data when the row is still
//     the one cached, so that meetd need not decode it again.
//
// The database, not the cache, still says on every request whether the
// meeting exists and which version is current, after the request arrived:
// updates and deletes by other replicas are seen at once. What would make a
// cached meeting wrong is a change that bumps no counter: a write with the
// triggers disabled (session_replication_role = replica, pg_restore
// --disable-triggers), or a counter set back by hand to a value it had.
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
	slot    int32 // its change counter's slot
	changes int64 // the counter as read with the meeting; noChanges: none read
	epoch   int64 // the server incarnation both were read from (serverEpoch)
	size    int
}

// noChanges marks a meeting read without a change counter (its slot's row was
// missing): it is always read again.
const noChanges = -1

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

// put caches m, read from the row version (version, xmin) when its slot's
// change counter read changes; dataLen is the length of its data column, the
// base of its size estimate.
func (c *readCache) put(m *meetd.Meeting, xmin int64, slot int32, changes, epoch int64, dataLen int) {
	// A decoded meeting takes about twice its JSON (strings, structs and
	// slices), plus the key, the map slot and the indexed columns.
	c.putSized(m, xmin, slot, changes, epoch, 2*dataLen+512)
}

// putSized is put with the size estimate made already.
func (c *readCache) putSized(m *meetd.Meeting, xmin int64, slot int32, changes, epoch int64, size int) {
	if c == nil {
		return
	}
	if size > c.maxBytes/64 {
		return // a huge meeting would push out many others
	}
	k := m.Key()
	e := cachedMeeting{m: m, version: m.Version, xmin: xmin, slot: slot, changes: changes, epoch: epoch, size: size}
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
