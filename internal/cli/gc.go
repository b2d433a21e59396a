package cli

import "runtime/debug"

// Garbage-collector defaults for a process that serves zcrm: zcrm serve, and zcrm bench, which
// serves zcrm in-process and so must run it as served. A write request of 100 ids allocates a few
// hundred kilobytes (its body, ids, items, the answer) against a live heap of tens of megabytes, so
// with Go's default (GOGC=100) the collector ran often enough to take a tenth of the CPU of a busy
// two-core machine. zcrm collects a third as often (GOGC=300) under a soft memory limit of 128 MiB
// that bounds the heap whatever the load. GOGC and GOMEMLIMIT in the environment override each, as
// Go documents.
const (
	serveGCPercent   = 300
	serveMemoryLimit = 128 << 20
)

// tuneGC applies the defaults that the environment does not override.
func tuneGC(e env) {
	if e.getenv("GOGC") == "" {
		debug.SetGCPercent(serveGCPercent)
	}
	if e.getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(serveMemoryLimit)
	}
}
