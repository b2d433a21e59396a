//go:build !unix

package journal

// newArena returns n bytes from the heap (arena_unix.go maps them outside it).
func newArena(n int) []byte { return make([]byte, n) }

// freeArena leaves an arena to the collector.
func freeArena([]byte) {}
