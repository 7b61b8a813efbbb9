package server

import (
	"sync"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/internal/graph"
)

// renderCache keeps the rendered bytes of recently answered meetings: a
// createOrGet hit or a get answers the same bytes again and again, and
// rendering a meeting costs more than looking its bytes up. The key holds
// the meeting's version, so an update is never answered with stale bytes;
// entries of deleted meetings are never asked for again and age out.
type renderCache struct {
	mu  sync.RWMutex
	m   map[renderKey][]byte
	max int
}

type renderKey struct {
	id      string
	version int64
	api     string
	user    string
	unknown bool
}

// maxRendered bounds the cache: at ~3 KB a meeting, 4096 entries is ~12 MB.
const maxRendered = 4096

func newRenderCache() *renderCache {
	return &renderCache{m: make(map[renderKey][]byte), max: maxRendered}
}

// render returns m rendered with o, from the cache when it can. The result
// is shared and must not be modified. $select answers are not cached.
func (c *renderCache) render(r *graph.Renderer, m *meetd.Meeting, o graph.Options) ([]byte, bool) {
	if o.Select != nil {
		return nil, false
	}
	k := renderKey{id: m.ID, version: m.Version, api: o.Version, user: o.User, unknown: o.IncludeUnknownEnums}
	c.mu.RLock()
	b, ok := c.m[k]
	c.mu.RUnlock()
	if ok {
		return b, true
	}
	b = r.AppendMeeting(make([]byte, 0, 4096), m, o)
	c.mu.Lock()
	if len(c.m) >= c.max {
		clear(c.m)
	}
	c.m[k] = b
	c.mu.Unlock()
	return b, true
}
