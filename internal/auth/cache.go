package auth

import (
	"hash/maphash"
	"math"
	"strings"
	"sync"

	"github.com/meetd/meetd"
)

// cache remembers verified tokens so that a request repeating a token skips
// the ~30 µs RS256 check. It is split into shards, each with its own lock,
// so that concurrent requests seldom wait for one another.
type cache struct {
	seed   maphash.Seed
	shards []cacheShard
	limit  int // entries per shard
}

type cacheShard struct {
	mu sync.RWMutex
	m  map[string]cacheEntry
	// soonest is no later than the earliest until in m, so a shard
	// whose soonest is in the future holds nothing expired.
	soonest int64
	_       [32]byte // keep shards on separate cache lines
}

// cacheEntry is a verified caller and the interval, in Unix nanoseconds, in
// which its token is accepted.
type cacheEntry struct {
	caller      *meetd.Caller
	from, until int64
}

const maxCacheShards = 64

func newCache(size int) *cache {
	// Fewer, larger shards for small caches, so that the bound stays size.
	n := maxCacheShards
	for n > 1 && size/n < 16 {
		n /= 2
	}
	c := &cache{seed: maphash.MakeSeed(), shards: make([]cacheShard, n), limit: max(size/n, 1)}
	for i := range c.shards {
		c.shards[i].m = make(map[string]cacheEntry)
		c.shards[i].soonest = math.MaxInt64
	}
	return c
}

func (c *cache) shard(token string) *cacheShard {
	return &c.shards[maphash.String(c.seed, token)%uint64(len(c.shards))]
}

// get returns the caller of token if it is cached and accepted at now. stale
// reports a cached entry that now is outside of.
func (c *cache) get(token string, now int64) (caller *meetd.Caller, stale bool) {
	s := c.shard(token)
	s.mu.RLock()
	e, ok := s.m[token]
	s.mu.RUnlock()
	switch {
	case !ok:
		return nil, false
	case now < e.from || now > e.until:
		return nil, true
	}
	return e.caller, false
}

// put remembers caller for token in [from, until]. When the shard is full
// it drops expired entries, or else one chosen at random: a cheap, fair
// choice when every entry is equally likely to be asked for again.
func (c *cache) put(token string, caller *meetd.Caller, from, until, now int64) {
	s := c.shard(token)
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.m[token]; !ok && len(s.m) >= c.limit {
		if now > s.soonest {
			s.sweep(now)
		}
		for k := range s.m {
			if len(s.m) < c.limit {
				break
			}
			delete(s.m, k) // map order is randomised
		}
	}
	// Clone so the cache keeps only the token, not a larger buffer it
	// may be a slice of.
	s.m[strings.Clone(token)] = cacheEntry{caller: caller, from: from, until: until}
	s.soonest = min(s.soonest, until)
}

// sweep drops the entries that expired before now and recomputes soonest.
func (s *cacheShard) sweep(now int64) {
	s.soonest = math.MaxInt64
	for k, e := range s.m {
		if e.until < now {
			delete(s.m, k)
		} else {
			s.soonest = min(s.soonest, e.until)
		}
	}
}

func (c *cache) remove(token string) {
	s := c.shard(token)
	s.mu.Lock()
	delete(s.m, token)
	s.mu.Unlock()
}
