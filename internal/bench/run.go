package bench

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/maphash"
	mrand "math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// The request body, as ../shared/bench/limit/request.json: only the
// externalId changes from one request to the next.
const (
	bodyBefore = `{"startDateTime":"2020-02-06T01:49:21.3524945+00:00","endDateTime":"2020-02-06T02:19:21.3524945+00:00","subject":"Create a meeting with customId provided","externalId":`
	bodyAfter  = `","participants":{"attendees":[{"identity":{"user":{"id":"1f35f2e6-9cab-44ad-8d5a-b74c14720000"}},"upn":"test1@contoso.com"}]}}`
)

var jsonType = []string{"application/json"}

// runner holds one run's shared state.
type runner struct {
	cfg    Config
	client *http.Client
	url    string
	auth   []string
	before []byte   // the body up to the key, opening quote and prefix included
	ids    [][]byte // hot key i → the id its create returned
	fresh  atomic.Uint64
	seed   maphash.Seed
}

// Run drives cfg's workload and returns what it measured. It returns an
// error only when the run cannot start: a bad Config, or a server that does
// not answer a first request correctly within a few seconds, or a warm-up
// that fails. Wrong answers during the measured phase are counted in the
// Result. Cancelling ctx ends the run early with a partial Result.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.PreflightWait <= 0 {
		cfg.PreflightWait = 5 * time.Second
	}
	if cfg.ProgressEvery <= 0 {
		cfg.ProgressEvery = time.Second
	}
	if cfg.KeyPrefix == "" {
		var b [4]byte
		_, _ = rand.Read(b[:])
		cfg.KeyPrefix = "bench-" + hex.EncodeToString(b[:])
	}
	prefix, err := json.Marshal(cfg.KeyPrefix)
	if err != nil {
		return nil, err
	}
	r := &runner{
		cfg:    cfg,
		client: cfg.Client,
		url:    strings.TrimSuffix(cfg.URL, "/") + cfg.Path,
		before: append([]byte(bodyBefore), prefix[:len(prefix)-1]...),
		seed:   maphash.MakeSeed(),
	}
	if r.client == nil {
		r.client = newClient(cfg.Concurrency, cfg.Timeout)
	}
	if cfg.Token != "" {
		r.auth = []string{"Bearer " + cfg.Token}
	}
	if err := r.preflight(ctx); err != nil {
		return nil, err
	}
	if cfg.Workload != Create {
		if err := r.warmUp(ctx); err != nil {
			return nil, err
		}
	}
	return r.measure(ctx), nil
}

// send posts the body for key (the part after the prefix) and reads the
// whole answer into buf.
func (r *runner) send(ctx context.Context, key []byte, buf *bytes.Buffer) answer {
	// A fresh body each time: the transport may still hold the previous
	// one for a moment after the answer arrived.
	body := make([]byte, 0, len(r.before)+len(key)+len(bodyAfter))
	body = append(append(append(body, r.before...), key...), bodyAfter...)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.url, bytes.NewReader(body))
	if err != nil {
		return answer{err: err}
	}
	req.Header = http.Header{"Content-Type": jsonType}
	if r.auth != nil {
		req.Header["Authorization"] = r.auth
	}
	res, err := r.client.Do(req)
	if err != nil {
		return answer{err: err}
	}
	buf.Reset()
	_, err = buf.ReadFrom(res.Body)
	res.Body.Close()
	if err != nil {
		return answer{status: res.StatusCode, err: err}
	}
	return answer{status: res.StatusCode, body: buf.Bytes()}
}

// preflight sends one create and retries for a few seconds while the
// answer is one that may change (a policy just granted and not yet seen,
// a server still starting), so a misconfigured run fails at once with the
// server's own words instead of after a flood of errors.
func (r *runner) preflight(ctx context.Context) error {
	var buf bytes.Buffer
	deadline := time.Now().Add(r.cfg.PreflightWait)
	for {
		a := r.send(ctx, []byte("-preflight"), &buf)
		exp := expectation{status: http.StatusCreated}
		if a.status == http.StatusOK {
			exp.status = http.StatusOK // kept from an earlier run with this prefix
		}
		if r.cfg.NoVerify {
			exp = expectation{}
		}
		kind, msg := check(a, exp)
		if kind == "" {
			return nil
		}
		retry := a.err != nil || a.status == http.StatusForbidden || a.status == http.StatusTooManyRequests || a.status >= 500
		if !retry || time.Now().After(deadline) || ctx.Err() != nil {
			return fmt.Errorf("bench: first request to %s: %s", r.url, msg)
		}
		time.Sleep(min(200*time.Millisecond, r.cfg.PreflightWait/4))
	}
}

// warmUp creates the hot keys and keeps the id each create returned. A key
// kept from an earlier run with the same prefix answers 200; either is fine
// here, but every key must get an id of its own.
func (r *runner) warmUp(ctx context.Context) error {
	n := r.cfg.Keys
	r.ids = make([][]byte, n)
	var next atomic.Int64
	var done atomic.Int64
	var once sync.Once
	var first error
	stop := r.ticker(func(elapsed time.Duration) {
		r.report(Progress{Phase: "warm-up", Elapsed: elapsed, Requests: uint64(done.Load())})
	})
	var wg sync.WaitGroup
	for range min(r.cfg.Concurrency, n) {
		wg.Go(func() {
			var buf bytes.Buffer
			var key []byte
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				key = strconv.AppendInt(append(key[:0], "-k-"...), int64(i), 10)
				a := r.send(ctx, key, &buf)
				exp := expectation{status: http.StatusCreated}
				if a.status == http.StatusOK {
					exp.status = http.StatusOK // kept from an earlier run with this prefix
				}
				if r.cfg.NoVerify {
					exp = expectation{}
				}
				if kind, msg := check(a, exp); kind != "" {
					once.Do(func() { first = fmt.Errorf("bench: warm-up create of key %d: %s", i, msg) })
					return
				}
				if !r.cfg.NoVerify {
					id, _ := topLevelID(a.body)
					r.ids[i] = bytes.Clone(id)
				}
				done.Add(1)
			}
		})
	}
	wg.Wait()
	stop()
	if first != nil {
		return first
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if r.cfg.NoVerify {
		return nil
	}
	seen := make(map[string]int, n)
	for i, id := range r.ids {
		if j, ok := seen[string(id)]; ok {
			return fmt.Errorf("bench: warm-up: keys %d and %d got the same id %.40s…", j, i, id)
		}
		seen[string(id)] = i
	}
	return nil
}

// ticker calls f about every ProgressEvery until the returned stop is
// called; with no Progress function it does nothing.
func (r *runner) ticker(f func(elapsed time.Duration)) (stop func()) {
	if r.cfg.Progress == nil {
		return func() {}
	}
	start := time.Now()
	t := time.NewTicker(r.cfg.ProgressEvery)
	quit := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			select {
			case <-t.C:
				f(time.Since(start))
			case <-quit:
				return
			}
		}
	})
	return func() {
		t.Stop()
		close(quit)
		wg.Wait()
	}
}

func (r *runner) report(p Progress) {
	if r.cfg.Progress != nil {
		r.cfg.Progress(p)
	}
}

// next picks a worker's next request: the key (after the prefix), what the
// answer must be, and whether it is a create whose id must be new.
func (r *runner) next(w *worker) (key []byte, exp expectation, create bool) {
	get := r.cfg.Workload == Get || r.cfg.Workload == Mixed && w.rng.Float64() < r.cfg.GetRatio
	if get {
		i := w.rng.IntN(r.cfg.Keys)
		w.key = strconv.AppendInt(append(w.key[:0], "-k-"...), int64(i), 10)
		exp = expectation{status: http.StatusOK, id: r.ids[i]}
	} else {
		w.key = strconv.AppendUint(append(w.key[:0], "-c-"...), r.fresh.Add(1), 10)
		exp = expectation{status: http.StatusCreated}
	}
	if r.cfg.NoVerify {
		exp = expectation{}
	}
	return w.key, exp, !get
}

// worker is one connection's loop and what it counted. The progress line
// reads the counts while the worker runs, hence the lock.
type worker struct {
	rng *mrand.Rand
	key []byte
	buf bytes.Buffer
	mu  sync.Mutex
	tally
}

// work sends requests until the run's bound is reached. In closed loop a
// request's latency is its service time; in open loop, request i is due at
// start + i/Rate and its latency runs from then, so time spent waiting for
// a free worker behind a slow answer counts.
func (r *runner) work(ctx context.Context, w *worker, start time.Time, issued *atomic.Int64) {
	end := start.Add(r.cfg.Duration)
	for ctx.Err() == nil {
		i := issued.Add(1) - 1
		if r.cfg.Requests > 0 && i >= int64(r.cfg.Requests) {
			return
		}
		var t0 time.Time
		if r.cfg.Rate > 0 {
			t0 = start.Add(time.Duration(float64(i) * float64(time.Second) / r.cfg.Rate))
			if d := time.Until(t0); d > 0 {
				time.Sleep(d)
			}
		} else {
			t0 = time.Now()
		}
		if r.cfg.Duration > 0 && !t0.Before(end) {
			return
		}
		key, exp, create := r.next(w)
		a := r.send(ctx, key, &w.buf)
		latency := time.Since(t0)
		if a.err != nil && ctx.Err() != nil {
			return // interrupted by the user, not failed by the server
		}
		kind, msg := check(a, exp)
		var idHash uint64
		newID := kind == "" && create && !r.cfg.NoVerify
		if newID {
			id, _ := topLevelID(a.body)
			idHash = maphash.Bytes(r.seed, id)
		}
		w.mu.Lock()
		w.add(a.status, latency, kind, msg, newID, idHash)
		w.mu.Unlock()
	}
}

// measure runs the measured phase and sums up the workers' tallies.
func (r *runner) measure(ctx context.Context) *Result {
	workers := make([]*worker, r.cfg.Concurrency)
	for i := range workers {
		workers[i] = &worker{rng: mrand.New(mrand.NewPCG(uint64(i), uint64(time.Now().UnixNano()))), tally: newTally()}
	}
	var issued atomic.Int64
	snap := newTally()
	var lastOK uint64
	var lastAt time.Duration
	stop := r.ticker(func(elapsed time.Duration) {
		snap.reset()
		for _, w := range workers {
			w.mu.Lock()
			snap.merge(&w.tally, false)
			w.mu.Unlock()
		}
		rps := float64(snap.ok-lastOK) / (elapsed - lastAt).Seconds()
		lastOK, lastAt = snap.ok, elapsed
		r.report(Progress{Phase: "run", Elapsed: elapsed, Requests: snap.requests, RPS: rps, P99: snap.hist.Percentile(99), Errors: snap.errors()})
	})
	start := time.Now()
	var wg sync.WaitGroup
	for _, w := range workers {
		wg.Go(func() { r.work(ctx, w, start, &issued) })
	}
	wg.Wait()
	elapsed := time.Since(start)
	stop()

	total := newTally()
	for _, w := range workers {
		total.merge(&w.tally, true)
	}
	total.findDuplicates()
	return r.result(total, elapsed, ctx.Err() != nil)
}
