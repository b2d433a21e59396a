package bench

import (
	"syscall"
	"time"
)

// cpuTime returns the CPU time (user and system) this process has used so far, 0 where unknown.
// Unlike elapsed time it barely moves when other processes compete for the machine.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
