package server

import (
	"strconv"
	"sync"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/internal/graph"
)

// renderCache keeps the rendered bytes of recently answered meetings: a
// createOrGet hit or a get answers the same bytes again and again, and
// rendering a meeting costs more than looking its bytes up. The key holds
// the meeting's version and its lastModifiedDateTime, so an update is never
// answered with stale bytes; entries of deleted meetings are never asked for
// again and age out. The version alone does not do: a database that lost
// its last commits (a failover to an asynchronous standby, a restore) gives
// the next update the version of a lost one, with other contents.
//
// It is bounded by the bytes it holds (renderCacheBytes), counted in the
// one memory budget of `meetd serve` with the store's meeting cache (see
// cmd/meetd/serve.go). When full it starts over: the working sets it is
// for (hot keys) come back within a few requests, and a stream of
// distinct meetings would evict any entry before its reuse anyway.
type renderCache struct {
	mu    sync.RWMutex
	m     map[renderKey]*rendered
	bytes int
	max   int
}

type renderKey struct {
	id       string
	version  int64
	modified int64 // m.Modified, Unix nanoseconds
	api      string
	user     string
	unknown  bool
}

// rendered is a meeting's answer: its bytes and its Content-Length header
// value, made once so that a hit writes both without allocating.
type rendered struct {
	body   []byte
	length []string
}

// renderCacheBytes bounds the cache: ~2,000 meetings of ~3 KB, twice the
// 1,000 hot keys of the load tool's hit run.
const renderCacheBytes = 6 << 20

// renderedOverhead is what an entry costs beside its body: the map slot
// (key and pointer), the rendered struct, the length string and the key's
// id and user strings' share (~100 bytes) when the cache holds their only
// reference.
const renderedOverhead = 256

func newRenderCache() *renderCache {
	return &renderCache{m: make(map[renderKey]*rendered), max: renderCacheBytes}
}

// key returns the cache key of m rendered with o, and false for answers
// that are not cached ($select).
func (c *renderCache) key(m *meetd.Meeting, o graph.Options) (renderKey, bool) {
	if o.Select != nil {
		return renderKey{}, false
	}
	return renderKey{id: m.ID, version: m.Version, modified: m.Modified.UnixNano(), api: o.Version, user: o.User, unknown: o.IncludeUnknownEnums}, true
}

// get returns the cached answer under k, or nil. It is shared: never
// modify it.
func (c *renderCache) get(k renderKey) *rendered {
	c.mu.RLock()
	e := c.m[k]
	c.mu.RUnlock()
	return e
}

// put caches a copy of body under k and returns it.
func (c *renderCache) put(k renderKey, body []byte) *rendered {
	// An exact-size copy: the caller's buffer has room to spare, which
	// would waste up to a quarter of the budget.
	e := &rendered{body: append([]byte(nil), body...), length: []string{strconv.Itoa(len(body))}}
	size := cap(e.body) + renderedOverhead
	c.mu.Lock()
	defer c.mu.Unlock()
	if old := c.m[k]; old != nil {
		c.bytes -= cap(old.body) + renderedOverhead
	}
	if c.bytes+size > c.max {
		clear(c.m)
		c.bytes = 0
	}
	c.m[k] = e
	c.bytes += size
	return e
}
