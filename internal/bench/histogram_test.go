package bench

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

// Percentiles of known data: 1..N ns once each, so the p-th percentile is
// p·N/100, to within the histogram's 1/128 bucket width.
func TestHistogramPercentiles(t *testing.T) {
	for _, n := range []int{100, 10_000, 1_000_000} {
		h := NewHistogram()
		for v := 1; v <= n; v++ {
			h.Record(time.Duration(v))
		}
		if h.Count() != uint64(n) {
			t.Fatalf("n=%d: Count got %d, want %d", n, h.Count(), n)
		}
		if h.Min() != 1 || h.Max() != time.Duration(n) {
			t.Errorf("n=%d: Min, Max got %v, %v; want 1ns, %v", n, h.Min(), h.Max(), time.Duration(n))
		}
		if want := float64(n+1) / 2; math.Abs(float64(h.Mean())-want) > 1 {
			t.Errorf("n=%d: Mean got %v, want %v", n, h.Mean(), want)
		}
		for _, q := range []float64{0, 1, 50, 90, 99, 99.9, 100} {
			want := math.Max(1, math.Ceil(q/100*float64(n)))
			got := float64(h.Percentile(q))
			if got < want || got > want*(1+1.0/128)+1 {
				t.Errorf("n=%d: Percentile(%g) got %v, want %v within 1/128 above", n, q, got, want)
			}
		}
	}
}

// Values below 128 ns are exact; so is every value's bucket: it holds the
// value, and is at most 1/128 of it wide.
func TestHistogramBuckets(t *testing.T) {
	h := NewHistogram()
	for v := range 100 {
		h.Record(time.Duration(v))
	}
	if got := h.Percentile(50); got != 49 {
		t.Errorf("Percentile(50) of 0..99: got %d, want 49", got)
	}
	// A percentile is its bucket's highest value, but never past the
	// largest or below the smallest value recorded.
	one := NewHistogram()
	one.Record(1000)
	for _, q := range []float64{0, 50, 100} {
		if got := one.Percentile(q); got != 1000 {
			t.Errorf("Percentile(%g) of one 1000 ns: got %d, want 1000", q, got)
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 100_000 {
		v := rng.Int64N(maxValue) >> rng.IntN(40)
		i := bucketOf(v)
		if i >= numBuckets {
			t.Fatalf("bucketOf(%d) = %d, past the last bucket %d", v, i, numBuckets-1)
		}
		hi, below := bucketHigh(i), int64(-1)
		if i > 0 {
			below = bucketHigh(i - 1)
		}
		if v > hi || v <= below {
			t.Fatalf("value %d in bucket %d: got range (%d, %d], want it inside", v, i, below, hi)
		}
		if w := hi - below; v >= 128 && float64(w) > float64(v)/128+1 {
			t.Fatalf("value %d: bucket width %d, want at most 1/128 of it", v, w)
		}
	}
}

func TestHistogramMergeResetClamp(t *testing.T) {
	a, b, all := NewHistogram(), NewHistogram(), NewHistogram()
	for v := range 5000 {
		d := time.Duration(v) * time.Microsecond
		all.Record(d)
		if v%3 == 0 {
			a.Record(d)
		} else {
			b.Record(d)
		}
	}
	a.Merge(b)
	for _, q := range []float64{10, 50, 99, 99.9} {
		if a.Percentile(q) != all.Percentile(q) {
			t.Errorf("merged Percentile(%g): got %v, want %v", q, a.Percentile(q), all.Percentile(q))
		}
	}
	if a.Count() != all.Count() || a.Max() != all.Max() || a.Min() != all.Min() || a.Mean() != all.Mean() {
		t.Errorf("merged: got count %d min %v max %v mean %v, want %d %v %v %v", a.Count(), a.Min(), a.Max(), a.Mean(), all.Count(), all.Min(), all.Max(), all.Mean())
	}
	// A run's total starts empty and merges every worker's in.
	total := NewHistogram()
	total.Merge(b)
	if total.Min() != time.Microsecond || total.Percentile(50) != b.Percentile(50) {
		t.Errorf("merged into an empty one: got min %v p50 %v, want %v %v", total.Min(), total.Percentile(50), time.Microsecond, b.Percentile(50))
	}
	a.Reset()
	if a.Count() != 0 || a.Percentile(50) != 0 || a.Max() != 0 || a.Min() != 0 || a.Mean() != 0 {
		t.Errorf("after Reset: got count %d p50 %v max %v min %v, want all 0", a.Count(), a.Percentile(50), a.Max(), a.Min())
	}
	a.Record(2 * time.Hour)
	a.Record(-time.Second)
	if a.Max() != time.Duration(maxValue) || a.Min() != 0 {
		t.Errorf("clamping: got max %v min %v, want %v and 0", a.Max(), a.Min(), time.Duration(maxValue))
	}
}

func BenchmarkHistogramRecord(b *testing.B) {
	h := NewHistogram()
	b.ReportAllocs()
	d := time.Duration(0)
	for b.Loop() {
		d += 997
		h.Record(d % (50 * time.Millisecond))
	}
}
