package linearize

import (
	"testing"
	"time"
)

func TestAllowed(t *testing.T) {
	t0 := time.Date(2024, 7, 17, 0, 0, 0, 0, time.UTC)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	var h History[string]
	if got := h.Allowed("none", true); !got[true] || got[false] {
		t.Fatalf("no history: %v, want only the initial state", got)
	}
	// Sequential: on [0,1], off [2,3] → only off.
	h.Add("seq", true, at(0), at(1))
	h.Add("seq", false, at(2), at(3))
	if got := h.Allowed("seq", false); got[true] || !got[false] {
		t.Fatalf("sequential: %v, want only off", got)
	}
	// Overlapping: on [0,5], off [1,2] → either.
	h.Add("overlap", true, at(0), at(5))
	h.Add("overlap", false, at(1), at(2))
	if got := h.Allowed("overlap", false); !got[true] || !got[false] {
		t.Fatalf("overlapping: %v, want both", got)
	}
}
