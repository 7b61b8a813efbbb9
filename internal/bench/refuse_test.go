package bench_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/meetd/meetd/internal/bench"
)

// fixedServer answers every request as ../shared/bench/limit does: 201
// with the same meeting.
func fixedServer(t testing.TB) string {
	t.Helper()
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		w.Write([]byte(`{"id":"the-one-meeting","subject":"fixed"}`))
	}))
	t.Cleanup(hs.Close)
	return hs.URL
}

// The reference answers 201 with one meeting to everything: unverified,
// that counts as correct; verified, it is caught.
func TestRunAgainstTheReference(t *testing.T) {
	url := fixedServer(t)
	// Enough requests that p99.9 is not simply the largest latency.
	cfg := bench.Config{URL: url, Path: mePath, Workload: bench.Get, Keys: 5, Requests: 2000, Concurrency: 4, NoVerify: true}
	res := run(t, cfg)
	if res.OK != 2000 || res.Errors != 0 || res.Verified {
		t.Errorf("unverified: got %d correct, %d errors, verified %t; want 2000, 0, false", res.OK, res.Errors, res.Verified)
	}
	checkSummary(t, res, cfg)
	_, err := bench.Run(context.Background(), bench.Config{URL: url, Path: mePath, Workload: bench.Get, Keys: 5, Requests: 50, Concurrency: 4})
	if err == nil || !strings.Contains(err.Error(), "same id") {
		t.Errorf("verified get: got %v, want a warm-up error naming two keys with the same id", err)
	}
	// Every create gets the id the preflight's create got already.
	res = run(t, bench.Config{URL: url, Path: mePath, Workload: bench.Create, Requests: 50, Concurrency: 4})
	if res.OK != 0 || res.Kinds[bench.ErrDuplicate].Count != 50 {
		t.Errorf("verified create: got %d correct, errors %v; want 50 duplicate ids", res.OK, res.Kinds)
	}
}

// An open-loop run keeps to its duration: a worker does not sleep until a
// request that is due after the end, and an interrupt wakes it. (Before,
// eight workers at 4 requests/s took 2.75 s over a 1 s run, and Ctrl-C
// waited out every sleep.) The bounds are loose: this is about seconds of
// overrun, not about speed.
func TestRunOpenLoopKeepsToItsDuration(t *testing.T) {
	url := fixedServer(t)
	cfg := bench.Config{URL: url, Path: mePath, Workload: bench.Create, NoVerify: true, Rate: 4, Concurrency: 8, Duration: time.Second}
	from := time.Now()
	res := run(t, cfg)
	if took := time.Since(from); took > 2*time.Second || res.Elapsed > 1.5 {
		t.Errorf("a 1 s run at 4 requests/s took %v (elapsed %.2f s)", took, res.Elapsed)
	}
	if res.Requests > 4 {
		t.Errorf("requests: got %d, want at most the 4 due within the second", res.Requests)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	cfg.Rate, cfg.Duration = 2, 10*time.Second
	from = time.Now()
	res, err := bench.Run(ctx, cfg)
	if err != nil || !res.Interrupted {
		t.Fatalf("interrupted run: got %+v, %v; want a result marked interrupted", res, err)
	}
	if took := time.Since(from); took > 2*time.Second {
		t.Errorf("an interrupt at 0.3 s ended the run after %v", took)
	}
}

// A run that cannot work fails before it starts, saying why.
func TestRunRefuses(t *testing.T) {
	e := newMeetd(t, nil)
	tls := httptest.NewTLSServer(e.handler) // its certificate is not one the tool trusts
	defer tls.Close()
	good := bench.Config{URL: e.url, Path: mePath, Token: e.user(t), Workload: bench.Create, Requests: 10, Concurrency: 2,
		PreflightWait: 100 * time.Millisecond}
	for _, c := range []struct {
		name string
		edit func(*bench.Config)
		want string
	}{
		{"no bound", func(c *bench.Config) { c.Requests = 0 }, "duration or a number"},
		{"no workers", func(c *bench.Config) { c.Concurrency = 0 }, "concurrency"},
		{"unknown workload", func(c *bench.Config) { c.Workload = "delete" }, "unknown workload"},
		{"get without keys", func(c *bench.Config) { c.Workload = bench.Get }, "at least one key"},
		{"ratio past 1", func(c *bench.Config) { c.Workload, c.Keys, c.GetRatio = bench.Mixed, 5, 1.5 }, "ratio"},
		{"ratio below 0", func(c *bench.Config) { c.Workload, c.Keys, c.GetRatio = bench.Mixed, 5, -0.5 }, "ratio"},
		{"negative rate", func(c *bench.Config) { c.Rate = -5 }, "negative"},
		{"bad token", func(c *bench.Config) { c.Token = "nonsense" }, "got 401"},
		{"no token", func(c *bench.Config) { c.Token = "" }, "got 401"},
		{"app without a policy", func(c *bench.Config) {
			c.Token, c.Path = e.app(t), "/v1.0/users/"+alice+"/onlineMeetings/createOrGet"
		}, "got 403"},
		{"nobody listening", func(c *bench.Config) { c.URL = "http://127.0.0.1:1" }, "refused"},
		{"not HTTP", func(c *bench.Config) { c.URL = "ftp://127.0.0.1:21" }, "want http://"},
		{"no host", func(c *bench.Config) { c.URL = "http://" }, "want http://"},
		{"https spoken as TLS", func(c *bench.Config) { c.URL = tls.URL }, "certificate"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := good
			c.edit(&cfg)
			_, err := bench.Run(context.Background(), cfg)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got %v, want an error containing %q", err, c.want)
			}
		})
	}
}

// Cancelling a run ends it with what it measured, and the requests the
// cancellation cut short are not blamed on the server.
func TestRunInterrupted(t *testing.T) {
	e := newMeetd(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var reports atomic.Int32
	cfg := bench.Config{URL: e.url, Path: mePath, Token: e.user(t), Workload: bench.Create, Duration: time.Minute, Concurrency: 4,
		ProgressEvery: 20 * time.Millisecond,
		Progress: func(p bench.Progress) {
			if p.Requests > 0 && reports.Add(1) == 3 {
				cancel()
			}
		}}
	res, err := bench.Run(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Interrupted || res.Errors != 0 || res.OK == 0 || res.OK != res.Requests {
		t.Errorf("got interrupted %t, %d correct of %d, errors %v; want an interrupted run with no errors", res.Interrupted, res.OK, res.Requests, res.Kinds)
	}
}

// The preflight waits out answers that may change (a policy not yet seen,
// a throttle, a server error) and then runs; any other wrong answer fails
// the run at once, with the server's own words and no second request.
func TestRunPreflightRetries(t *testing.T) {
	for _, c := range []struct {
		status int
		retry  bool
	}{
		{http.StatusForbidden, true},
		{http.StatusTooManyRequests, true},
		{http.StatusInternalServerError, true},
		{http.StatusServiceUnavailable, true},
		{http.StatusBadRequest, false},
	} {
		t.Run(strconv.Itoa(c.status), func(t *testing.T) {
			var n atomic.Int64
			e := newMeetd(t, tamper(func(r *http.Request, rec *httptest.ResponseRecorder) {
				if n.Add(1) <= 2 {
					rec.Code = c.status
					rec.Body = bytes.NewBufferString(`{"error":{"code":"NotYet","message":"try later"}}`)
				}
			}))
			cfg := bench.Config{URL: e.url, Path: mePath, Token: e.user(t), Workload: bench.Create, Requests: 10, Concurrency: 2,
				PreflightWait: 5 * time.Second}
			res, err := bench.Run(context.Background(), cfg)
			if !c.retry {
				if err == nil || !strings.Contains(err.Error(), "got 400") || !strings.Contains(err.Error(), `"code":"NotYet"`) {
					t.Fatalf("got %v, want an error with the 400 and the server's error body", err)
				}
				if got := n.Load(); got != 1 {
					t.Errorf("the server got %d requests, want 1: a 400 is not sent again", got)
				}
				return
			}
			if err != nil {
				t.Fatalf("got %v, want the run to wait out two %ds", err, c.status)
			}
			if res.OK != 10 || res.Errors != 0 {
				t.Errorf("got %d correct, %d errors (%v); want 10 correct", res.OK, res.Errors, res.Kinds)
			}
		})
	}
}

// A warm-up create that fails stops the run before it measures, naming
// the key: the gets would all be wrong.
func TestRunWarmUpFailureStops(t *testing.T) {
	e := newMeetd(t, tamper(func(r *http.Request, rec *httptest.ResponseRecorder) {
		if rec.Code == 201 && strings.Contains(rec.Body.String(), `"externalId":"warm-k-3"`) {
			rec.Code = http.StatusInternalServerError
		}
	}))
	_, err := bench.Run(context.Background(), bench.Config{URL: e.url, Path: mePath, Token: e.user(t), Workload: bench.Get, Keys: 5,
		KeyPrefix: "warm", Requests: 20, Concurrency: 2})
	if err == nil || !strings.Contains(err.Error(), "warm-up create of key 3") {
		t.Errorf("got %v, want a warm-up error naming key 3", err)
	}
}

// A closed-loop run bounded by its duration alone ends once it is over.
func TestRunClosedLoopKeepsToItsDuration(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	res, err := bench.Run(ctx, bench.Config{URL: fixedServer(t), Path: mePath, Workload: bench.Create, NoVerify: true,
		Concurrency: 2, Duration: 200 * time.Millisecond})
	if err != nil || res.Interrupted || res.Requests == 0 || res.Elapsed < 0.2 {
		t.Fatalf("got %+v, %v; want a run that ends by itself after 0.2 s", res, err)
	}
}

// Open loop charges a stalled server for the requests it kept waiting: a
// request due during a 500 ms stall counts its latency from its due time,
// not from when the one worker got to send it. With 10 requests due every
// 10 ms behind the stall, at least the 10% slowest waited 400 ms: a lower
// bound the stall guarantees, however slow the machine.
func TestRunOpenLoopChargesTheWait(t *testing.T) {
	var n atomic.Int64
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 2 { // the first measured request; the preflight was the first
			time.Sleep(500 * time.Millisecond)
		}
		w.WriteHeader(http.StatusCreated)
		w.Write([]byte(`{"id":"x"}`))
	}))
	defer hs.Close()
	res := run(t, bench.Config{URL: hs.URL, Path: mePath, Workload: bench.Create, NoVerify: true, Concurrency: 1, Rate: 100, Requests: 100})
	if res.Requests != 100 || res.Loop != "open" {
		t.Fatalf("got %d requests, loop %q; want 100, open", res.Requests, res.Loop)
	}
	if p90 := res.Histogram.Percentile(90); p90 < 400*time.Millisecond {
		t.Errorf("p90: got %v, want at least 400ms: the requests due during the stall were charged only their service time", p90)
	}
}
