package bench

import (
	"bytes"
	"context"
	"hash/maphash"
	mrand "math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

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
	s    sender
	body []byte
	rng  *mrand.Rand
	key  []byte
	buf  bytes.Buffer
	mu   sync.Mutex
	tally
}

// work sends requests until the run's bound is reached. In closed loop a
// request's latency is its service time. In open loop, request i is due at
// start + i/Rate: a worker that picks it up late, having waited behind a
// slow answer, counts its latency from the due time, so the wait counts
// (no coordinated omission); a worker that is early waits for the due time
// and counts from when it sends, so the late wake-up of its timer, the
// tool's own delay, does not.
func (r *runner) work(ctx context.Context, w *worker, start time.Time, issued *atomic.Int64) {
	end := start.Add(r.cfg.Duration)
	var timer *time.Timer
	for ctx.Err() == nil {
		i := issued.Add(1) - 1
		if r.cfg.Requests > 0 && i >= int64(r.cfg.Requests) {
			return
		}
		t0 := time.Now()
		if r.cfg.Rate > 0 {
			due := start.Add(time.Duration(float64(i) * float64(time.Second) / r.cfg.Rate))
			if r.cfg.Duration > 0 && !due.Before(end) {
				return
			}
			t0 = due
			if d := time.Until(due); d > 0 {
				if timer == nil {
					timer = time.NewTimer(d)
				} else {
					timer.Reset(d)
				}
				select {
				case <-ctx.Done():
					return
				case <-timer.C:
				}
				t0 = time.Now()
			}
		}
		if r.cfg.Duration > 0 && !t0.Before(end) {
			return
		}
		key, exp, create := r.next(w)
		a := r.send(ctx, w, key)
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

// knownIDs returns the hashes of the ids the preflight and the warm-up got:
// a create in the measured phase must not get one of them either.
func (r *runner) knownIDs() []uint64 {
	known := make([]uint64, 0, len(r.ids)+1)
	for _, id := range slices.Concat(r.ids, [][]byte{r.preflightID}) {
		if id != nil {
			known = append(known, maphash.Bytes(r.seed, id))
		}
	}
	return known
}

// measure runs the measured phase and sums up the workers' tallies.
func (r *runner) measure(ctx context.Context) *Result {
	workers := r.workers
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
	total.findDuplicates(r.knownIDs())
	return r.result(total, elapsed, ctx.Err() != nil)
}
