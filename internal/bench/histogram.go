package bench

import (
	"math"
	"math/bits"
	"time"
)

// subBits sets the histogram's precision: each power-of-two range of values
// is split into 2^subBits buckets, so a bucket is at most 1/128 (0.8%) of
// the values it holds wide, as HDR histograms with two significant digits.
const subBits = 7

// maxValue is the largest latency recorded exactly; longer ones are
// clamped to it. An hour is far past any request timeout.
const maxValue = int64(time.Hour)

// numBuckets covers 0..maxValue.
var numBuckets = bucketOf(maxValue) + 1

// Histogram counts latencies in log-linear buckets: exact below 128 ns,
// then 128 buckets per power of two. It records in constant time and
// memory (~40 KB) and answers percentiles within 0.8%. The zero value is
// not ready: use NewHistogram. It is not safe for concurrent use.
type Histogram struct {
	counts   []uint64
	total    uint64
	min, max int64
	sum      float64
}

// NewHistogram returns an empty histogram.
func NewHistogram() *Histogram {
	return &Histogram{counts: make([]uint64, numBuckets), min: math.MaxInt64}
}

// bucketOf returns the bucket index of v ≥ 0: v itself below 2^subBits,
// then for v in [2^(subBits+e), 2^(subBits+e+1)) the bucket
// 2^subBits·(e+1) + (v>>e − 2^subBits).
func bucketOf(v int64) int {
	if v < 1<<subBits {
		return int(v)
	}
	e := bits.Len64(uint64(v)) - subBits - 1
	return (e+1)<<subBits + int(v>>e) - 1<<subBits
}

// bucketHigh returns the largest value that falls in bucket i.
func bucketHigh(i int) int64 {
	if i < 1<<subBits {
		return int64(i)
	}
	e := i>>subBits - 1
	sub := int64(i&(1<<subBits-1)) + 1<<subBits
	return (sub+1)<<e - 1
}

// Record counts one latency; negative values count as 0.
func (h *Histogram) Record(d time.Duration) {
	v := max(int64(d), 0)
	if v > maxValue {
		v = maxValue
	}
	h.counts[bucketOf(v)]++
	h.total++
	h.sum += float64(v)
	h.min = min(h.min, v)
	h.max = max(h.max, v)
}

// Merge adds o's counts to h.
func (h *Histogram) Merge(o *Histogram) {
	if o.total == 0 {
		return
	}
	for i, c := range o.counts {
		h.counts[i] += c
	}
	h.total += o.total
	h.sum += o.sum
	h.min = min(h.min, o.min)
	h.max = max(h.max, o.max)
}

// Reset empties h.
func (h *Histogram) Reset() {
	clear(h.counts)
	*h = Histogram{counts: h.counts, min: math.MaxInt64}
}

// Count returns how many latencies h holds.
func (h *Histogram) Count() uint64 { return h.total }

// Max returns the largest latency recorded, exactly.
func (h *Histogram) Max() time.Duration { return time.Duration(h.max) }

// Min returns the smallest latency recorded, exactly; 0 when empty.
func (h *Histogram) Min() time.Duration {
	if h.total == 0 {
		return 0
	}
	return time.Duration(h.min)
}

// Mean returns the average latency; 0 when empty.
func (h *Histogram) Mean() time.Duration {
	if h.total == 0 {
		return 0
	}
	return time.Duration(h.sum / float64(h.total))
}

// Percentile returns the latency at or below which q percent (0–100) of the
// recorded ones fall: the highest value of the bucket holding that rank, as
// HDR histograms report, never more than Max. 0 when empty.
func (h *Histogram) Percentile(q float64) time.Duration {
	if h.total == 0 {
		return 0
	}
	rank := uint64(math.Ceil(q / 100 * float64(h.total)))
	rank = min(max(rank, 1), h.total)
	var seen uint64
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			return time.Duration(min(max(bucketHigh(i), h.min), h.max))
		}
	}
	return time.Duration(h.max)
}
