package bench

import (
	"math/bits"
	"time"
)

// subBits sets the histogram's precision: 2^subBits buckets per power of two, so a recorded value
// is off by less than 1/2^subBits (under 1%) of itself.
const subBits = 7

const subCount = 1 << subBits

// histogram counts latencies in log-linear buckets: constant memory however long a run lasts,
// percentiles within 1%. The zero value is empty and ready to use; it is not safe for concurrent
// use (each worker keeps its own and they are merged at the end).
type histogram struct {
	counts [64 * subCount]uint64
	n      uint64
	sum    time.Duration
	max    time.Duration
}

// bucket returns the index of the bucket holding v nanoseconds.
func bucket(v uint64) int {
	if v < subCount {
		return int(v)
	}
	exp := bits.Len64(v) - subBits - 1 // v >> exp is in [subCount, 2*subCount)
	return (exp+1)*subCount + int(v>>uint(exp)) - subCount
}

// bucketTop returns the largest value bucket i holds.
func bucketTop(i int) uint64 {
	if i < subCount {
		return uint64(i)
	}
	exp := i/subCount - 1
	mant := uint64(i%subCount + subCount)
	return (mant+1)<<uint(exp) - 1
}

// add records one latency.
func (h *histogram) add(d time.Duration) {
	if d < 0 {
		d = 0
	}
	h.counts[bucket(uint64(d))]++
	h.n++
	h.sum += d
	h.max = max(h.max, d)
}

// merge adds o's counts to h.
func (h *histogram) merge(o *histogram) {
	for i, c := range o.counts {
		h.counts[i] += c
	}
	h.n += o.n
	h.sum += o.sum
	h.max = max(h.max, o.max)
}

// quantile returns the latency below which the fraction q of the values lie (0 for an empty
// histogram). It answers with the top of the bucket holding that value, never more than the maximum.
func (h *histogram) quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	rank := uint64(q*float64(h.n) + 0.5)
	rank = min(max(rank, 1), h.n)
	var seen uint64
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			return min(time.Duration(bucketTop(i)), h.max)
		}
	}
	return h.max
}
