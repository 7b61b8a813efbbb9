package sqlite

import (
	"hash/maphash"
	"sync"

	"github.com/meetd/meetd"
)

// cache keeps recently used meetings in memory, found by id and by
// createOrGet key, bounded by a number of entries and an estimate of their
// bytes (least recently used goes first). It holds only what the store has
// read or written, never the whole table.
//
// It is coherent because one process writes meetings to a data folder and
// every write passes through the writer, which updates the cache once the
// write is durable. A reader that missed fills the cache only if no write touched the
// meeting since it started to read (stamps), so a slow read can never put
// back a meeting that an update or a delete has just replaced.
type cache struct {
	mu         sync.Mutex
	maxEntries int
	maxBytes   int
	bytes      int
	byID       map[string]*entry
	byKey      map[meetd.Key]*entry
	lru        entry // sentinel: lru.next is the most recently used
	stamps     [stripes]uint64
	seed       maphash.Seed
}

// stripes is how many write stamps the cache keeps; writes to meetings in
// different stripes do not stop each other's fills.
const stripes = 1024

type entry struct {
	m          *meetd.Meeting
	size       int
	prev, next *entry
}

// newCache returns a cache, or nil (which caches nothing) when either bound
// is negative.
func newCache(maxEntries, maxBytes int) *cache {
	if maxEntries < 0 || maxBytes < 0 {
		return nil
	}
	c := &cache{
		maxEntries: maxEntries,
		maxBytes:   maxBytes,
		byID:       make(map[string]*entry),
		byKey:      make(map[meetd.Key]*entry),
		seed:       maphash.MakeSeed(),
	}
	c.lru.next, c.lru.prev = &c.lru, &c.lru
	return c
}

func (c *cache) idStripe(id string) int { return int(maphash.String(c.seed, id) % stripes) }

func (c *cache) keyStripe(k meetd.Key) int { return int(maphash.Comparable(c.seed, k) % stripes) }

// ticket is what a reader that missed needs to fill the cache afterwards.
type ticket struct {
	stripe int
	stamp  uint64
}

// byKeyOrTicket returns the cached live meeting with the key, or a ticket.
func (c *cache) byKeyOrTicket(k meetd.Key) (*meetd.Meeting, ticket) {
	if c == nil {
		return nil, ticket{}
	}
	s := c.keyStripe(k)
	c.mu.Lock()
	defer c.mu.Unlock()
	if e := c.byKey[k]; e != nil {
		c.touch(e)
		return e.m, ticket{}
	}
	return nil, ticket{s, c.stamps[s]}
}

// byIDOrTicket returns the cached live meeting with the id, or a ticket.
func (c *cache) byIDOrTicket(id string) (*meetd.Meeting, ticket) {
	if c == nil {
		return nil, ticket{}
	}
	s := c.idStripe(id)
	c.mu.Lock()
	defer c.mu.Unlock()
	if e := c.byID[id]; e != nil {
		c.touch(e)
		return e.m, ticket{}
	}
	return nil, ticket{s, c.stamps[s]}
}

// fill caches a live meeting a reader loaded, unless a write touched its
// stripe since the reader took its ticket.
func (c *cache) fill(m *meetd.Meeting, t ticket) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stamps[t.stripe] != t.stamp {
		return
	}
	c.insert(m)
}

// put caches a live meeting the writer has just committed.
func (c *cache) put(m *meetd.Meeting) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.bump(m.ID, m.Key())
	c.insert(m)
}

// remove forgets a meeting the writer has just deleted.
func (c *cache) remove(id string, k meetd.Key) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.bump(id, k)
	if e := c.byID[id]; e != nil {
		c.unlink(e)
	}
	if e := c.byKey[k]; e != nil {
		c.unlink(e)
	}
}

// len returns the number of cached meetings and their estimated bytes.
func (c *cache) len() (entries, bytes int) {
	if c == nil {
		return 0, 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.byID), c.bytes
}

func (c *cache) bump(id string, k meetd.Key) {
	c.stamps[c.idStripe(id)]++
	if k.ExternalID != "" {
		c.stamps[c.keyStripe(k)]++
	}
}

func (c *cache) insert(m *meetd.Meeting) {
	if e := c.byID[m.ID]; e != nil {
		c.unlink(e)
	}
	if m.ExternalID != "" {
		if e := c.byKey[m.Key()]; e != nil {
			c.unlink(e)
		}
	}
	e := &entry{m: m, size: sizeOf(m)}
	if e.size > c.maxBytes/4 {
		return // one huge meeting must not empty the cache
	}
	c.byID[m.ID] = e
	if m.ExternalID != "" {
		c.byKey[m.Key()] = e
	}
	c.bytes += e.size
	c.pushFront(e)
	for len(c.byID) > c.maxEntries || c.bytes > c.maxBytes {
		c.unlink(c.lru.prev)
	}
}

func (c *cache) touch(e *entry) {
	e.prev.next, e.next.prev = e.next, e.prev
	c.pushFront(e)
}

func (c *cache) pushFront(e *entry) {
	e.prev, e.next = &c.lru, c.lru.next
	c.lru.next.prev = e
	c.lru.next = e
}

// unlink drops e from the list and both indexes.
func (c *cache) unlink(e *entry) {
	e.prev.next, e.next.prev = e.next, e.prev
	e.prev, e.next = nil, nil
	if c.byID[e.m.ID] == e {
		delete(c.byID, e.m.ID)
	}
	if k := e.m.Key(); c.byKey[k] == e {
		delete(c.byKey, k)
	}
	c.bytes -= e.size
}

// sizeOf estimates the memory a cached meeting holds: the structs, each
// string (rounded up to Go's size classes, about 8 bytes each on average)
// and the cache's own bookkeeping (entry, list and two map slots).
func sizeOf(m *meetd.Meeting) int {
	const meetingStruct, participantStruct, overhead = 640, 96, 250
	n := meetingStruct + overhead
	for _, s := range []string{m.ID, m.TenantID, m.OrganizerID, m.ExternalID, m.CreatedBy, m.Subject,
		m.ThreadID, m.JoinMeetingID, m.Passcode, m.VideoTeleconferenceID, m.ConferenceID,
		m.ChatInfo.ThreadID, m.ChatInfo.MessageID, m.ChatInfo.ReplyChainMessageID,
		m.Settings.AllowedPresenters, m.Settings.AllowedLobbyAdmitters, m.Settings.LobbyBypassScope,
		m.Settings.AllowMeetingChat, m.Settings.AllowLiveShare} {
		n += stringSize(s)
	}
	n += participantSize(m.Organizer)
	for _, a := range m.Attendees {
		n += participantStruct + participantSize(a)
	}
	n += 24 * len(m.Settings.AnonymizeIdentityForRoles)
	if m.Settings.Watermark != nil {
		n += 8
	}
	return n
}

func participantSize(p meetd.Participant) int {
	return stringSize(string(p.Identity.Kind)) + stringSize(p.Identity.ID) + stringSize(p.Identity.DisplayName) +
		stringSize(p.Identity.TenantID) + stringSize(p.UPN) + stringSize(string(p.Role))
}

func stringSize(s string) int {
	if s == "" {
		return 0
	}
	return len(s) + 8
}
