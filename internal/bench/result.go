package bench

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Result is what a run measured.
type Result struct {
	Workload    Workload `json:"workload"`
	Loop        string   `json:"loop"`           // "closed" (latency is service time) or "open"
	Rate        float64  `json:"rate,omitempty"` // open loop's schedule, requests/s
	Concurrency int      `json:"concurrency"`
	Keys        int      `json:"keys,omitempty"`
	GetRatio    float64  `json:"get_ratio,omitempty"`
	Verified    bool     `json:"verified"` // answers' status and ids were checked
	Interrupted bool     `json:"interrupted,omitempty"`

	Elapsed  float64 `json:"elapsed_s"`
	Requests uint64  `json:"requests"` // sent, answered or not
	OK       uint64  `json:"ok"`       // correct answers
	Errors   uint64  `json:"errors"`   // wrong answers and requests with none
	// RPS is correct answers per second: a wrong answer never counts.
	RPS float64 `json:"rps"`
	// Latency covers every request that got an answer, right or wrong.
	Latency Latency              `json:"latency_ms"`
	Status  map[string]uint64    `json:"status"`
	Kinds   map[string]ErrorKind `json:"error_kinds,omitempty"`

	// Histogram holds every latency in Latency.
	Histogram *Histogram `json:"-"`
}

// Latency is a latency summary in milliseconds.
type Latency struct {
	Mean float64 `json:"mean"`
	P50  float64 `json:"p50"`
	P90  float64 `json:"p90"`
	P99  float64 `json:"p99"`
	P999 float64 `json:"p99.9"`
	Max  float64 `json:"max"`
}

// ErrorKind counts one kind of error and shows its first occurrence.
type ErrorKind struct {
	Count   uint64 `json:"count"`
	Example string `json:"example"`
}

// tally is what one worker, or the whole run, counted.
type tally struct {
	hist     *Histogram
	requests uint64
	ok       uint64
	status   map[int]uint64 // 0: no answer
	errs     map[string]ErrorKind
	idHashes []uint64 // of ids that creates returned, to find duplicates
}

func newTally() tally {
	return tally{hist: NewHistogram(), status: map[int]uint64{}, errs: map[string]ErrorKind{}}
}

func (t *tally) add(status int, latency time.Duration, kind, msg string, newID bool, idHash uint64) {
	t.requests++
	t.status[status]++
	if status != 0 {
		t.hist.Record(latency)
	}
	if kind == "" {
		t.ok++
	} else {
		t.addError(kind, msg, 1)
	}
	if newID {
		t.idHashes = append(t.idHashes, idHash)
	}
}

func (t *tally) addError(kind, msg string, n uint64) {
	e := t.errs[kind]
	if e.Count == 0 {
		e.Example = msg
	}
	e.Count += n
	t.errs[kind] = e
}

// merge adds o to t; ids says whether to gather o's id hashes too (the
// progress line needs none).
func (t *tally) merge(o *tally, ids bool) {
	t.hist.Merge(o.hist)
	t.requests += o.requests
	t.ok += o.ok
	for k, v := range o.status {
		t.status[k] += v
	}
	for k, e := range o.errs {
		t.addError(k, e.Example, e.Count)
	}
	if ids {
		t.idHashes = append(t.idHashes, o.idHashes...)
	}
}

func (t *tally) reset() {
	t.hist.Reset()
	t.requests, t.ok = 0, 0
	clear(t.status)
	clear(t.errs)
	t.idHashes = t.idHashes[:0]
}

func (t *tally) errors() uint64 {
	var n uint64
	for _, e := range t.errs {
		n += e.Count
	}
	return n
}

// findDuplicates turns every create answered with an id another create
// also got, or one in known (the preflight's and the warm-up's), into an
// error: two keys, one meeting is a wrong answer.
func (t *tally) findDuplicates(known []uint64) {
	slices.Sort(t.idHashes)
	slices.Sort(known)
	var dups uint64
	for i, h := range t.idHashes {
		_, seen := slices.BinarySearch(known, h)
		if seen || i > 0 && h == t.idHashes[i-1] {
			dups++
		}
	}
	if dups > 0 {
		t.ok -= dups
		t.addError(ErrDuplicate, fmt.Sprintf("%d creates of distinct keys returned an id another create (or the warm-up) also returned", dups), dups)
	}
}

func (r *runner) result(t tally, elapsed time.Duration, interrupted bool) *Result {
	res := &Result{
		Workload:    r.cfg.Workload,
		Loop:        "closed",
		Rate:        r.cfg.Rate,
		Concurrency: r.cfg.Concurrency,
		Verified:    !r.cfg.NoVerify,
		Interrupted: interrupted,
		Elapsed:     elapsed.Seconds(),
		Requests:    t.requests,
		OK:          t.ok,
		Errors:      t.errors(),
		RPS:         float64(t.ok) / elapsed.Seconds(),
		Status:      map[string]uint64{},
		Histogram:   t.hist,
	}
	if r.cfg.Rate > 0 {
		res.Loop = "open"
	}
	if r.cfg.Workload != Create {
		res.Keys = r.cfg.Keys
	}
	if r.cfg.Workload == Mixed {
		res.GetRatio = r.cfg.GetRatio
	}
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	h := t.hist
	res.Latency = Latency{Mean: ms(h.Mean()), P50: ms(h.Percentile(50)), P90: ms(h.Percentile(90)),
		P99: ms(h.Percentile(99)), P999: ms(h.Percentile(99.9)), Max: ms(h.Max())}
	for code, n := range t.status {
		res.Status[statusText(code)] = n
	}
	if len(t.errs) > 0 {
		res.Kinds = t.errs
	}
	return res
}

// WriteText writes r for people: one line per figure.
func (r *Result) WriteText(w io.Writer) error {
	var b strings.Builder
	mode := "closed loop, latency is each request's service time"
	if r.Loop == "open" {
		mode = fmt.Sprintf("open loop at %g/s, latency from each request's due time (from its send, if a worker waited for it)", r.Rate)
	}
	fmt.Fprintf(&b, "workload   %s, %d connections, %s", r.Workload, r.Concurrency, mode)
	if r.Keys > 0 {
		fmt.Fprintf(&b, ", %d keys", r.Keys)
	}
	if r.Workload == Mixed {
		fmt.Fprintf(&b, ", %g gets", r.GetRatio)
	}
	if !r.Verified {
		b.WriteString(", answers NOT verified")
	}
	if r.Interrupted {
		b.WriteString(" (interrupted)")
	}
	fmt.Fprintf(&b, "\nrequests   %d in %.2fs: %d correct, %d errors\n", r.Requests, r.Elapsed, r.OK, r.Errors)
	fmt.Fprintf(&b, "rps        %.0f (correct answers per second)\n", r.RPS)
	l := r.Latency
	fmt.Fprintf(&b, "latency    p50 %s  p90 %s  p99 %s  p99.9 %s  max %s  mean %s\n",
		fmtMS(l.P50), fmtMS(l.P90), fmtMS(l.P99), fmtMS(l.P999), fmtMS(l.Max), fmtMS(l.Mean))
	codes := make([]string, 0, len(r.Status))
	for c := range r.Status {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	b.WriteString("status    ")
	for _, c := range codes {
		fmt.Fprintf(&b, " %s×%d", c, r.Status[c])
	}
	b.WriteString("\n")
	kinds := make([]string, 0, len(r.Kinds))
	for k := range r.Kinds {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	for _, k := range kinds {
		fmt.Fprintf(&b, "error      %s ×%d, first: %s\n", k, r.Kinds[k].Count, r.Kinds[k].Example)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteProgress writes p as one line.
func WriteProgress(w io.Writer, p Progress) {
	if p.Phase == "warm-up" {
		fmt.Fprintf(w, "%6.1fs  warm-up: %d keys created\n", p.Elapsed.Seconds(), p.Requests)
		return
	}
	fmt.Fprintf(w, "%6.1fs  %8.0f rps  p99 %s  %d requests  %d errors\n",
		p.Elapsed.Seconds(), p.RPS, fmtMS(float64(p.P99.Microseconds())/1000), p.Requests, p.Errors)
}

// fmtMS writes milliseconds with three significant digits or so.
func fmtMS(ms float64) string {
	switch {
	case ms < 1:
		return strconv.FormatFloat(ms*1000, 'f', 0, 64) + "µs"
	case ms < 10:
		return strconv.FormatFloat(ms, 'f', 2, 64) + "ms"
	case ms < 100:
		return strconv.FormatFloat(ms, 'f', 1, 64) + "ms"
	default:
		return strconv.FormatFloat(ms, 'f', 0, 64) + "ms"
	}
}
