//go:build unix

package journal

import "syscall"

// newArena returns n bytes of anonymous memory outside the Go heap: the arena is as large as the
// journal's body budget, and on the heap it would raise the collector's goal by GOGC times its
// size (40 MB more RSS for 10 MiB at GOGC=300); out of it, only the pages written count. It falls
// back to the heap if the mapping fails.
func newArena(n int) []byte {
	b, err := syscall.Mmap(-1, 0, n, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		return make([]byte, n)
	}
	return b
}

// freeArena returns an arena from newArena; nothing may use it afterwards.
func freeArena(b []byte) {
	_ = syscall.Munmap(b) // a heap fallback is no mapping (EINVAL): the collector's
}
