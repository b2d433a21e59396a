package bench

import (
	"testing"
	"time"
)

func TestBucketTopBoundsItsValues(t *testing.T) {
	for _, v := range []uint64{0, 1, 127, 128, 129, 255, 256, 1000, 999_999, 1_000_000, 123_456_789, 1 << 40, 1<<63 - 1} {
		i := bucket(v)
		if top := bucketTop(i); top < v {
			t.Fatalf("bucketTop(bucket(%d))=%d, below the value", v, top)
		}
		if i > 0 && bucketTop(i-1) >= v {
			t.Fatalf("value %d also fits bucket %d (top %d)", v, i-1, bucketTop(i-1))
		}
		if top := bucketTop(i); float64(top-v) > float64(v)/subCount+1 {
			t.Fatalf("bucket of %d tops at %d: more than 1/%d off", v, top, subCount)
		}
	}
}

func TestQuantileOfKnownDistribution(t *testing.T) {
	var h histogram
	for i := 1; i <= 1000; i++ {
		h.add(time.Duration(i) * time.Microsecond)
	}
	for _, tc := range []struct {
		q    float64
		want time.Duration
	}{{0.5, 500 * time.Microsecond}, {0.99, 990 * time.Microsecond}, {1, 1000 * time.Microsecond}} {
		got := h.quantile(tc.q)
		if got < tc.want || float64(got-tc.want) > float64(tc.want)/subCount {
			t.Fatalf("quantile(%v)=%v, want %v within 1%%", tc.q, got, tc.want)
		}
	}
	var other histogram
	other.add(time.Second)
	h.merge(&other)
	if got, want := h.quantile(1), time.Second; got != want {
		t.Fatalf("after merge max quantile=%v, want %v", got, want)
	}
	if got, want := h.n, uint64(1001); got != want {
		t.Fatalf("after merge n=%d, want %d", got, want)
	}
}
