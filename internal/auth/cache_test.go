package auth

import (
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/meetd/meetd"
)

// testClock is a clock the test moves.
type testClock struct{ ns atomic.Int64 }

func newTestClock(t time.Time) *testClock {
	c := &testClock{}
	c.set(t)
	return c
}

func (c *testClock) now() time.Time  { return time.Unix(0, c.ns.Load()).UTC() }
func (c *testClock) set(t time.Time) { c.ns.Store(t.UnixNano()) }

func TestVerifyCacheHit(t *testing.T) {
	is := newTestIssuer(t, false)
	v := is.Verifier(VerifierOptions{})
	tok := mint(t, is, TokenRequest{TenantID: tenantA, UserID: userA, Scopes: []string{meetd.ScopeReadWrite}})
	first, err := v.Verify(tok)
	if err != nil {
		t.Fatal(err)
	}
	second, err := v.Verify(tok)
	if err != nil {
		t.Fatal(err)
	}
	if second != first {
		t.Errorf("second Verify returned %p, want the cached caller %p", second, first)
	}
	if n := cacheLen(v.cache); n != 1 {
		t.Errorf("cache holds %d entries, want 1", n)
	}
}

// TestVerifyCacheLifetime checks that a cached token is refused, with the
// same message as an uncached one, once the clock leaves its lifetime.
func TestVerifyCacheLifetime(t *testing.T) {
	is := newTestIssuer(t, false)
	clock := newTestClock(testNow)
	const skew = 30 * time.Second
	v := is.Verifier(VerifierOptions{Now: clock.now, Skew: skew})
	tok := mint(t, is, TokenRequest{TenantID: tenantA, UserID: userA, Scopes: []string{meetd.ScopeRead}, TTL: 10 * time.Minute, Now: testNow})
	cases := []struct {
		name string
		at   time.Time
		msg  string // "" when accepted
	}{
		{"issued", testNow, ""},
		{"last second of the skew", testNow.Add(10*time.Minute + skew), ""},
		{"just past the skew", testNow.Add(10*time.Minute + skew + time.Nanosecond), msgExpired},
		{"back within lifetime", testNow.Add(time.Minute), ""},
		// The token is cached again: the cache, not only the check, must
		// refuse it before nbf.
		{"clock set back before nbf", testNow.Add(-skew - time.Second), msgNotYetValid},
		{"within the skew before nbf", testNow.Add(-skew), ""},
		{"an hour later", testNow.Add(time.Hour), msgExpired},
	}
	// The cases run in order, each on the cache the previous ones left.
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			clock.set(tc.at)
			got, err := v.Verify(tok)
			if tc.msg == "" {
				if err != nil {
					t.Errorf("got error %v, want the caller", err)
				}
				return
			}
			assertUnauthenticated(t, got, err, tc.msg)
			if n := cacheLen(v.cache); n != 0 {
				t.Errorf("cache holds %d entries after refusing, want 0", n)
			}
		})
	}
}

func TestVerifyCacheBounded(t *testing.T) {
	is := newTestIssuer(t, false)
	clock := newTestClock(testNow)
	for _, size := range []int{1, 5, 16} {
		v := is.Verifier(VerifierOptions{Now: clock.now, CacheSize: size})
		for i := range size*2 + 10 {
			tok := mint(t, is, TokenRequest{TenantID: tenantA, UserID: userA, Scopes: []string{meetd.ScopeRead}, Now: testNow, TTL: time.Duration(i+1) * time.Minute})
			if _, err := v.Verify(tok); err != nil {
				t.Fatal(err)
			}
			if n := cacheLen(v.cache); n > size {
				t.Fatalf("size %d: cache holds %d entries after %d tokens, want at most %d", size, n, i+1, size)
			}
		}
	}
}

// TestCacheBounded fills caches of many shapes far past their size.
func TestCacheBounded(t *testing.T) {
	caller := &meetd.Caller{}
	for _, size := range []int{1, 7, 100, 1000, DefaultCacheSize} {
		c := newCache(size)
		for i := range size * 3 {
			c.put(strconv.Itoa(i), caller, 0, 1000, 0)
		}
		if n := cacheLen(c); n > size || n < size/2 {
			t.Errorf("cache of %d (%d shards) holds %d entries after %d puts, want at most %d and most of it used",
				size, len(c.shards), n, size*3, size)
		}
	}
}

// TestCacheSweepsExpired checks that a full shard makes room by dropping
// expired entries before live ones.
func TestCacheSweepsExpired(t *testing.T) {
	c := newCache(4) // one shard of four
	if len(c.shards) != 1 {
		t.Fatalf("cache of 4 has %d shards, want 1", len(c.shards))
	}
	caller := &meetd.Caller{}
	c.put("live1", caller, 0, 1000, 0)
	c.put("dead1", caller, 0, 10, 0)
	c.put("live2", caller, 0, 1000, 0)
	c.put("dead2", caller, 0, 20, 0)
	c.put("new", caller, 0, 1000, 50)
	for _, tc := range []struct {
		token string
		want  bool
	}{{"live1", true}, {"live2", true}, {"new", true}, {"dead1", false}, {"dead2", false}} {
		_, ok := c.shards[0].m[tc.token]
		if ok != tc.want {
			t.Errorf("%s cached: %v, want %v", tc.token, ok, tc.want)
		}
	}
	if got := c.shards[0].soonest; got != 1000 {
		t.Errorf("soonest = %d after the sweep, want 1000", got)
	}
}

func TestVerifyCacheOff(t *testing.T) {
	is := newTestIssuer(t, false)
	v := is.Verifier(VerifierOptions{CacheSize: -1})
	tok := mint(t, is, TokenRequest{TenantID: tenantA, UserID: userA, Scopes: []string{meetd.ScopeRead}})
	a, err := v.Verify(tok)
	if err != nil {
		t.Fatal(err)
	}
	b, err := v.Verify(tok)
	if err != nil {
		t.Fatal(err)
	}
	if a == b {
		t.Error("got the same caller twice with the cache off, want a fresh one")
	}
}

// TestVerifyConcurrent runs under -race: many goroutines verifying a few
// tokens, on a cache small enough to evict.
func TestVerifyConcurrent(t *testing.T) {
	is := newTestIssuer(t, false)
	v := is.Verifier(VerifierOptions{CacheSize: 4})
	var toks []string
	for _, user := range []string{userA, tenantB, appA, DevClientID, tenantA, "00000000-0000-0000-0000-000000000001"} {
		toks = append(toks, mint(t, is, TokenRequest{TenantID: tenantA, UserID: user, Scopes: []string{meetd.ScopeRead}}))
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 50 {
				c, err := v.Verify(toks[(g+i)%len(toks)])
				if err != nil {
					t.Error(err)
					return
				}
				if c.TenantID != tenantA {
					t.Errorf("got tenant %s, want %s", c.TenantID, tenantA)
				}
			}
		})
	}
	wg.Wait()
}

func cacheLen(c *cache) int {
	n := 0
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.RLock()
		n += len(s.m)
		s.mu.RUnlock()
	}
	return n
}

func benchToken(b *testing.B) (*Issuer, string) {
	is := newTestIssuer(b, false)
	return is, mint(b, is, TokenRequest{TenantID: tenantA, UserID: userA, UPN: "adele@contoso.com",
		Scopes: []string{meetd.ScopeReadWrite, "User.Read", "Calendars.ReadWrite"}})
}

func BenchmarkVerifyUncached(b *testing.B) {
	is, tok := benchToken(b)
	v := is.Verifier(VerifierOptions{CacheSize: -1})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Verify(tok); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyCached(b *testing.B) {
	is, tok := benchToken(b)
	v := is.Verifier(VerifierOptions{})
	if _, err := v.Verify(tok); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Verify(tok); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyCachedParallel(b *testing.B) {
	is, tok := benchToken(b)
	v := is.Verifier(VerifierOptions{})
	if _, err := v.Verify(tok); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := v.Verify(tok); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

func BenchmarkMint(b *testing.B) {
	is := newTestIssuer(b, false)
	r := TokenRequest{TenantID: tenantA, UserID: userA, Scopes: []string{meetd.ScopeReadWrite}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := is.Mint(r); err != nil {
			b.Fatal(err)
		}
	}
}
