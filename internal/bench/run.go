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

// runner holds one run's shared state.
type runner struct {
	cfg         Config
	url         string
	workers     []*worker
	before      []byte   // the body up to the key, opening quote and prefix included
	ids         [][]byte // hot key i → the id its create returned
	preflightID []byte   // the id the preflight's create got
	fresh       atomic.Uint64
	seed        maphash.Seed
}

// Run drives cfg's workload and returns what it measured. It returns an
// error only when the run cannot start: a bad Config, or a server that does
// not answer a first request correctly within a few seconds, or a warm-up
// that fails. Wrong answers during the measured phase are counted in the
// Result. Cancelling ctx ends the run early with a partial Result.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	if err := cfg.Check(); err != nil {
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
	snd, err := newSenders(&cfg)
	if err != nil {
		return nil, err
	}
	defer snd.close()
	r := &runner{
		cfg:    cfg,
		url:    strings.TrimSuffix(cfg.URL, "/") + cfg.Path,
		before: append([]byte(bodyBefore), prefix[:len(prefix)-1]...),
		seed:   maphash.MakeSeed(),
	}
	// The same workers, and so the same connections, serve the preflight,
	// the warm-up and the measured phase.
	seed := uint64(time.Now().UnixNano())
	for i := range cfg.Concurrency {
		r.workers = append(r.workers, &worker{s: snd.new(), rng: mrand.New(mrand.NewPCG(uint64(i), seed)), tally: newTally()})
	}
	stopAll := func() {
		for _, w := range r.workers {
			w.s.stop()
		}
	}
	defer stopAll()
	defer context.AfterFunc(ctx, stopAll)()

	if err := r.preflight(ctx, r.workers[0]); err != nil {
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
// whole answer into w's buffer.
func (r *runner) send(ctx context.Context, w *worker, key []byte) answer {
	w.body = append(append(append(w.body[:0], r.before...), key...), bodyAfter...)
	return w.s.send(ctx, w.body, &w.buf)
}

// preflight sends one create and retries for a few seconds while the
// answer is one that may change (a policy just granted and not yet seen,
// a server still starting), so a misconfigured run fails at once with the
// server's own words instead of after a flood of errors.
func (r *runner) preflight(ctx context.Context, w *worker) error {
	deadline := time.Now().Add(r.cfg.PreflightWait)
	for {
		a := r.send(ctx, w, []byte("-preflight"))
		exp := expectation{status: http.StatusCreated}
		if a.status == http.StatusOK {
			exp.status = http.StatusOK // kept from an earlier run with this prefix
		}
		if r.cfg.NoVerify {
			exp = expectation{}
		}
		kind, msg := check(a, exp)
		if kind == "" {
			if !r.cfg.NoVerify {
				id, _ := topLevelID(a.body)
				r.preflightID = bytes.Clone(id)
			}
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
	for _, w := range r.workers[:min(len(r.workers), n)] {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				w.key = strconv.AppendInt(append(w.key[:0], "-k-"...), int64(i), 10)
				a := r.send(ctx, w, w.key)
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
