package bench_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/internal/bench"
)

const mePath = "/v1.0/me/onlineMeetings/createOrGet"

func run(t testing.TB, cfg bench.Config) *bench.Result {
	t.Helper()
	res, err := bench.Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// Correct runs against a real meetd: every answer counted once, every one
// correct, and the status counts match the workload.
func TestRunCountsCorrectAnswers(t *testing.T) {
	e := newMeetd(t, nil)
	for _, c := range []struct {
		name       string
		cfg        bench.Config
		wantStatus map[string]uint64 // nil: only the total is known
	}{
		{"create", bench.Config{Workload: bench.Create, Requests: 200}, map[string]uint64{"201": 200}},
		{"get", bench.Config{Workload: bench.Get, Keys: 20, Requests: 300}, map[string]uint64{"200": 300}},
		{"mixed", bench.Config{Workload: bench.Mixed, Keys: 20, GetRatio: 0.5, Requests: 300}, nil},
		{"mixed, gets only", bench.Config{Workload: bench.Mixed, Keys: 20, GetRatio: 1, Requests: 100}, map[string]uint64{"200": 100}},
		{"mixed, creates only", bench.Config{Workload: bench.Mixed, Keys: 20, GetRatio: 0, Requests: 100}, map[string]uint64{"201": 100}},
		{"open loop", bench.Config{Workload: bench.Create, Rate: 400, Duration: 250 * time.Millisecond}, map[string]uint64{"201": 100}},
		{"net/http client", bench.Config{Workload: bench.Mixed, Keys: 20, GetRatio: 0.5, Requests: 300, NetHTTP: true}, nil},
		{"app token", bench.Config{Workload: bench.Get, Keys: 10, Requests: 100, Path: "/v1.0/users/" + alice + "/onlineMeetings/createOrGet"}, map[string]uint64{"200": 100}},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := c.cfg
			cfg.URL, cfg.Concurrency, cfg.Token = e.url, 8, e.user(t)
			if cfg.Path == "" {
				cfg.Path = mePath
			} else {
				cfg.Token = e.app(t)
				if _, err := bench.PreparePolicy(context.Background(), e.store, tenant, appX, alice); err != nil {
					t.Fatal(err)
				}
			}
			res := run(t, cfg)
			want := uint64(cfg.Requests)
			if cfg.Rate > 0 {
				want = uint64(cfg.Rate * cfg.Duration.Seconds())
			}
			if res.Requests != want || res.OK != want || res.Errors != 0 || res.Histogram.Count() != want {
				t.Fatalf("got %d requests, %d correct, %d errors (%v), %d latencies; want %d correct and no errors",
					res.Requests, res.OK, res.Errors, res.Kinds, res.Histogram.Count(), want)
			}
			if c.wantStatus != nil && !equalCounts(res.Status, c.wantStatus) {
				t.Errorf("status counts: got %v, want %v", res.Status, c.wantStatus)
			}
			if c.wantStatus == nil && (res.Status["200"] == 0 || res.Status["201"] == 0 || res.Status["200"]+res.Status["201"] != want) {
				t.Errorf("mixed status counts: got %v, want some 200s and some 201s adding to %d", res.Status, want)
			}
			if res.RPS <= 0 || res.Latency.Max <= 0 || res.Latency.P50 > res.Latency.P99 || res.Latency.P99 > res.Latency.Max {
				t.Errorf("figures: got rps %g latency %+v, want rps > 0 and p50 ≤ p99 ≤ max", res.RPS, res.Latency)
			}
			checkSummary(t, res, cfg)
		})
	}
}

// The warm-up really creates the hot keys in the store, and the gets
// spread over all of them and no others. A second run with the same
// --key-prefix finds them made (its preflight and warm-up get 200s) and
// runs as well.
func TestRunWarmUpCreatesKeys(t *testing.T) {
	var mu sync.Mutex
	sent := map[string]int{}
	e := newMeetd(t, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(b))
			mu.Lock()
			sent[externalID(b)]++
			mu.Unlock()
			next.ServeHTTP(w, r)
		})
	})
	cfg := bench.Config{URL: e.url, Path: mePath, Token: e.user(t), Workload: bench.Get, Keys: 7, KeyPrefix: "warm", Requests: 200, Concurrency: 3}
	run(t, cfg)
	for _, k := range []string{"warm-k-0", "warm-k-6"} {
		if _, err := e.store.MeetingByKey(context.Background(), meetd.Key{TenantID: tenant, OrganizerID: alice, ExternalID: k}); err != nil {
			t.Errorf("MeetingByKey(%s): %v, want the warm-up's meeting", k, err)
		}
	}
	// Each key once in the warm-up, then about 200/7 times each: a key
	// missed would happen with odds of 7·(6/7)^200, about 10^-13.
	mu.Lock()
	for k, n := range sent {
		if k != "warm-preflight" && !regexp.MustCompile(`^warm-k-[0-6]$`).MatchString(k) {
			t.Errorf("key %s: sent %d times, want only the preflight's and the 7 hot keys", k, n)
		} else if k != "warm-preflight" && n < 2 {
			t.Errorf("key %s: sent %d times, want the gets to hit every hot key", k, n)
		}
	}
	mu.Unlock()
	res := run(t, cfg)
	if res.OK != 200 || res.Errors != 0 {
		t.Errorf("second run with the same prefix: got %d correct, %d errors (%v); want 200 correct", res.OK, res.Errors, res.Kinds)
	}
}

// A wrong answer is an error, never a success: a server that breaks some
// of its answers on purpose gets exactly those counted as errors, of the
// right kind, and left out of the rps.
func TestRunCatchesWrongAnswers(t *testing.T) {
	for _, c := range []struct {
		name     string
		workload bench.Workload
		kind     string
		// edit breaks an answer and reports whether it did.
		edit func(n int64, rec *httptest.ResponseRecorder) bool
		// errors is how many errors n broken answers make.
		errors func(n uint64) uint64
	}{
		{"hit with another id", bench.Get, bench.ErrWrongID, func(n int64, rec *httptest.ResponseRecorder) bool {
			return rec.Code == 200 && n%5 == 0 && setID(rec, func(id string) string { return "forged" + id })
		}, same},
		{"hit answered 201", bench.Get, bench.ErrStatus, func(n int64, rec *httptest.ResponseRecorder) bool {
			if rec.Code == 200 && n%4 == 0 {
				rec.Code = 201
				return true
			}
			return false
		}, same},
		{"create answered 200", bench.Create, bench.ErrStatus, func(n int64, rec *httptest.ResponseRecorder) bool {
			if rec.Code == 201 && n%4 == 0 {
				rec.Code = 200
				return true
			}
			return false
		}, same},
		{"create without id", bench.Create, bench.ErrNoID, func(n int64, rec *httptest.ResponseRecorder) bool {
			if rec.Code == 201 && n%6 == 0 {
				rec.Body = bytes.NewBufferString(`{"subject":"no id here"}`)
				return true
			}
			return false
		}, same},
		{"creates sharing one id", bench.Create, bench.ErrDuplicate, func(n int64, rec *httptest.ResponseRecorder) bool {
			return rec.Code == 201 && n%10 == 0 && setID(rec, func(string) string { return "one-for-all" })
		}, func(n uint64) uint64 { return n - 1 }},
	} {
		t.Run(c.name, func(t *testing.T) {
			var seen, broken atomic.Int64
			measuring := atomic.Bool{}
			e := newMeetd(t, tamper(func(r *http.Request, rec *httptest.ResponseRecorder) {
				if measuring.Load() && c.edit(seen.Add(1), rec) {
					broken.Add(1)
				}
			}))
			const n = 400
			cfg := bench.Config{URL: e.url, Path: mePath, Token: e.user(t), Workload: c.workload, Keys: 30, Requests: n, Concurrency: 8}
			// Break nothing in the preflight and warm-up: start breaking
			// with the first progress report, which comes once the
			// measured phase runs.
			cfg.ProgressEvery = time.Millisecond
			cfg.Progress = func(p bench.Progress) {
				if p.Phase == "run" {
					measuring.Store(true)
				}
			}
			if c.workload == bench.Create {
				cfg.Progress, cfg.ProgressEvery = nil, 0
				measuring.Store(true)
			}
			res := run(t, cfg)
			b := uint64(broken.Load())
			if b < 2 {
				t.Fatalf("the server broke %d answers; the test needs some", b)
			}
			want := c.errors(b)
			if res.Errors != want || res.Kinds[c.kind].Count != want || res.OK != res.Requests-want {
				t.Fatalf("got %d errors (%v) and %d correct of %d; want %d %q errors and the rest correct",
					res.Errors, res.Kinds, res.OK, res.Requests, want, c.kind)
			}
			if rps := float64(res.OK) / res.Elapsed; rps != res.RPS {
				t.Errorf("rps: got %g, want correct answers per second %g", res.RPS, rps)
			}
		})
	}
}

// A create in the measured phase that gets the id of a meeting made before
// it (a hot key's, the preflight's) is as wrong as two creates sharing one.
func TestRunCatchesCreatesGivenKnownIDs(t *testing.T) {
	var known atomic.Value // an id the warm-up got
	var broken atomic.Int64
	measuring := atomic.Bool{}
	var n atomic.Int64
	e := newMeetd(t, tamper(func(r *http.Request, rec *httptest.ResponseRecorder) {
		if !measuring.Load() {
			if rec.Code == 201 && known.Load() == nil {
				setID(rec, func(id string) string { known.Store(id); return id })
			}
			return
		}
		if rec.Code == 201 && n.Add(1)%3 == 0 && setID(rec, func(string) string { return known.Load().(string) }) {
			broken.Add(1)
		}
	}))
	cfg := bench.Config{URL: e.url, Path: mePath, Token: e.user(t), Workload: bench.Mixed, GetRatio: 0.5, Keys: 5, Requests: 300, Concurrency: 4,
		ProgressEvery: time.Millisecond, Progress: func(p bench.Progress) {
			if p.Phase == "run" {
				measuring.Store(true)
			}
		}}
	res := run(t, cfg)
	b := uint64(broken.Load())
	if b < 2 {
		t.Fatalf("the server broke %d answers; the test needs some", b)
	}
	if got := res.Kinds[bench.ErrDuplicate].Count; got != b || res.OK != res.Requests-b {
		t.Fatalf("got %d duplicate ids and %d correct of %d (%v); want %d duplicates and the rest correct", got, res.OK, res.Requests, res.Kinds, b)
	}
}

func same(n uint64) uint64 { return n }

// checkSummary checks that res says what run it was and that its latency
// figures are its histogram's.
func checkSummary(t testing.TB, res *bench.Result, cfg bench.Config) {
	t.Helper()
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	h := res.Histogram
	want := bench.Latency{Mean: ms(h.Mean()), P50: ms(h.Percentile(50)), P90: ms(h.Percentile(90)), P99: ms(h.Percentile(99)),
		P999: ms(h.Percentile(99.9)), Max: ms(h.Max())}
	if res.Latency != want {
		t.Errorf("latency: got %+v, want the histogram's %+v", res.Latency, want)
	}
	loop, keys, ratio := "closed", 0, 0.0
	if cfg.Rate > 0 {
		loop = "open"
	}
	if cfg.Workload != bench.Create {
		keys = cfg.Keys
	}
	if cfg.Workload == bench.Mixed {
		ratio = cfg.GetRatio
	}
	if res.Workload != cfg.Workload || res.Loop != loop || res.Rate != cfg.Rate || res.Concurrency != cfg.Concurrency ||
		res.Keys != keys || res.GetRatio != ratio || res.Verified == cfg.NoVerify {
		t.Errorf("summary: got workload %s loop %s rate %g concurrency %d keys %d ratio %g verified %t; want %s %s %g %d %d %g %t",
			res.Workload, res.Loop, res.Rate, res.Concurrency, res.Keys, res.GetRatio, res.Verified,
			cfg.Workload, loop, cfg.Rate, cfg.Concurrency, keys, ratio, !cfg.NoVerify)
	}
}

// setID replaces the answer's top-level id.
func setID(rec *httptest.ResponseRecorder, f func(string) string) bool {
	b := rec.Body.String()
	i := strings.Index(b, `"id":"`)
	if i < 0 {
		return false
	}
	i += len(`"id":"`)
	j := i + strings.IndexByte(b[i:], '"')
	rec.Body = bytes.NewBufferString(b[:i] + f(b[i:j]) + b[j:])
	return true
}

func equalCounts(a, b map[string]uint64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// A request that got no answer (the server hung up on it) is a transport
// error, counted under "error" in the status counts and left out of the
// latencies, which cover answers only. A key the server always hangs up
// on is sent at most twice: once, and once more on a new connection in
// case the first had gone stale.
func TestRunCountsRequestsWithoutAnswer(t *testing.T) {
	var mu sync.Mutex
	sent := map[string]int{}
	e := newMeetd(t, nil)
	meetdHandler := e.handler
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(b))
		key := externalID(b)
		if strings.HasSuffix(key, "0") && !strings.HasSuffix(key, "preflight") {
			mu.Lock()
			sent[key]++
			mu.Unlock()
			panic(http.ErrAbortHandler) // close the connection, no answer
		}
		meetdHandler.ServeHTTP(w, r)
	}))
	defer hs.Close()
	res := run(t, bench.Config{URL: hs.URL, Path: mePath, Token: e.user(t), Workload: bench.Create, KeyPrefix: "hangup", Requests: 100, Concurrency: 4})
	const lost = 10 // -c-10, -c-20, … -c-100
	if res.Requests != 100 || res.OK != 100-lost || res.Errors != lost || res.Kinds[bench.ErrTransport].Count != lost {
		t.Fatalf("got %d requests, %d correct, %d errors (%v); want 100, %d, %d transport errors", res.Requests, res.OK, res.Errors, res.Kinds, 100-lost, lost)
	}
	if want := map[string]uint64{"201": 100 - lost, "error": lost}; !equalCounts(res.Status, want) {
		t.Errorf("status counts: got %v, want %v", res.Status, want)
	}
	if got := res.Histogram.Count(); got != 100-lost {
		t.Errorf("latencies: got %d, want %d, one per answer", got, 100-lost)
	}
	mu.Lock() // the handlers' writes happen before, but nothing else says so to the race detector
	defer mu.Unlock()
	if len(sent) != lost {
		t.Errorf("the server hung up on %d keys, want %d", len(sent), lost)
	}
	for k, n := range sent {
		if n > 2 {
			t.Errorf("key %s: sent %d times, want at most 2", k, n)
		}
	}
}

// externalID returns the externalId in a createOrGet body.
func externalID(body []byte) string {
	var v struct{ ExternalID string }
	_ = json.Unmarshal(body, &v)
	return v.ExternalID
}

// An error kind shows its first occurrence, and a slow answer is waited
// for: with no Timeout set, a request gets 30 seconds, not less.
func TestRunShowsTheFirstErrorAndWaitsForSlowAnswers(t *testing.T) {
	var n atomic.Int64
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch n.Add(1) {
		case 2:
			time.Sleep(200 * time.Millisecond)
		case 4:
			w.WriteHeader(http.StatusInternalServerError)
			return
		case 6:
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		w.WriteHeader(http.StatusCreated)
	}))
	defer hs.Close()
	res := run(t, bench.Config{URL: hs.URL, Path: mePath, Workload: bench.Create, NoVerify: true, Requests: 10, Concurrency: 1})
	k := res.Kinds[bench.ErrStatus]
	if res.Errors != 2 || k.Count != 2 || !strings.HasPrefix(k.Example, "got 500") {
		t.Errorf("got %d errors (%+v), want 2 status errors showing the first, a 500", res.Errors, res.Kinds)
	}
	if res.Status["201"] != 8 {
		t.Errorf("status counts: got %v, want 8 201s, the slow one among them", res.Status)
	}
}
