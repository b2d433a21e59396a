// Package linearize checks concurrent tests' outcomes: the final state of an on/off register (a
// record enrolled in a cadence or not, two records linked or not) against the operations whose
// answers were acknowledged, each with when it was in flight.
package linearize

import (
	"sync"
	"time"
)

// Op is one acknowledged operation that set a register on or off, and when it was in flight.
type Op struct {
	On         bool
	Start, End time.Time
}

// History collects acknowledged operations per register from many goroutines.
type History[K comparable] struct {
	mu  sync.Mutex
	ops map[K][]Op
}

// Add records an acknowledged operation on key that set it to on, in flight from start to end.
func (h *History[K]) Add(key K, on bool, start, end time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.ops == nil {
		h.ops = map[K][]Op{}
	}
	h.ops[key] = append(h.ops[key], Op{On: on, Start: start, End: end})
}

// Allowed returns the states key may be in once every operation has finished: those set by a
// "last" acknowledged operation — one that no other operation on key started after it had
// finished — or initial when there was none. A final state outside it is a lost or phantom update.
func (h *History[K]) Allowed(key K, initial bool) map[bool]bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	ops := h.ops[key]
	if len(ops) == 0 {
		return map[bool]bool{initial: true}
	}
	out := map[bool]bool{}
	for i, a := range ops {
		last := true
		for j, b := range ops {
			if i != j && b.Start.After(a.End) {
				last = false
				break
			}
		}
		if last {
			out[a.On] = true
		}
	}
	return out
}

// Ops returns a copy of every register's operations.
func (h *History[K]) Ops() map[K][]Op {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make(map[K][]Op, len(h.ops))
	for k, ops := range h.ops {
		out[k] = append([]Op(nil), ops...)
	}
	return out
}
