package cli

import (
	"io"
	"math"
	"runtime/debug"
	"testing"
)

// A serving process collects garbage at GOGC=300 under a 128 MiB soft limit, unless GOGC or
// GOMEMLIMIT says otherwise.
func TestTuneGC(t *testing.T) {
	gcPercent := func() int { p := debug.SetGCPercent(100); debug.SetGCPercent(p); return p }
	memLimit := func() int64 { return debug.SetMemoryLimit(-1) } // a negative input only reads it
	defer debug.SetGCPercent(gcPercent())
	defer debug.SetMemoryLimit(memLimit())
	envWith := func(vars map[string]string) env {
		return env{getenv: func(k string) string { return vars[k] }, stdout: io.Discard, stderr: io.Discard}
	}

	debug.SetGCPercent(100)
	debug.SetMemoryLimit(math.MaxInt64)
	tuneGC(envWith(nil))
	if p, l := gcPercent(), memLimit(); p != 300 || l != 128<<20 {
		t.Errorf("defaults: GOGC %d, memory limit %d; want 300, %d", p, l, 128<<20)
	}

	debug.SetGCPercent(150)
	debug.SetMemoryLimit(math.MaxInt64)
	tuneGC(envWith(map[string]string{"GOGC": "150", "GOMEMLIMIT": "1GiB"}))
	if p, l := gcPercent(), memLimit(); p != 150 || l != math.MaxInt64 {
		t.Errorf("with GOGC and GOMEMLIMIT set: GOGC %d, memory limit %d; want them left alone", p, l)
	}
}
