package bench

import (
	"bytes"
	"os"
	"strconv"
	"syscall"
	"time"
)

// cpuUse is CPU time used so far (or between two readings): by this process, and by the whole
// machine (busy, and busy plus idle over all its CPUs). Unlike elapsed time, a step's process CPU
// barely moves when other processes compete for the machine; the machine's busy time per call also
// counts what the database server did for the call when it runs on this machine.
type cpuUse struct {
	proc, hostBusy, hostAll time.Duration
}

// cpuBefore reads the CPU used so far at the start of a measured interval, cpuAfter at its end;
// a figure this system does not give is 0. Reading /proc/stat costs tens of microseconds, so it
// is read outside the interval's process CPU (and its wall time: call cpuBefore before taking the
// start time, cpuAfter after taking the end time).
func cpuBefore() cpuUse {
	var u cpuUse
	u.hostBusy, u.hostAll = hostCPU()
	u.proc = procCPU()
	return u
}

func cpuAfter() cpuUse {
	var u cpuUse
	u.proc = procCPU()
	u.hostBusy, u.hostAll = hostCPU()
	return u
}

// procCPU returns the CPU time (user and system) this process has used so far, 0 where unknown.
func procCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func (u cpuUse) plus(o cpuUse) cpuUse {
	return cpuUse{u.proc + o.proc, u.hostBusy + o.hostBusy, u.hostAll + o.hostAll}
}

func (u cpuUse) since(o cpuUse) cpuUse {
	return cpuUse{u.proc - o.proc, u.hostBusy - o.hostBusy, u.hostAll - o.hostAll}
}

// idle returns the share of the machine's CPU that was idle, 0 where unknown.
func (u cpuUse) idle() float64 {
	if u.hostAll <= 0 {
		return 0
	}
	return 1 - float64(u.hostBusy)/float64(u.hostAll)
}

// userHZ is the unit of /proc/stat's counters (USER_HZ, 100 on every Linux architecture Go runs on).
const userHZ = 100

// hostCPU returns the machine's busy and total CPU time from the first line of /proc/stat (user
// nice system idle iowait irq softirq steal …; iowait counts as idle), or zeros where there is none.
func hostCPU() (busy, all time.Duration) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0
	}
	line, _, _ := bytes.Cut(b, []byte("\n"))
	f := bytes.Fields(line)
	if len(f) < 9 || string(f[0]) != "cpu" {
		return 0, 0
	}
	var ticks [8]int64
	for i := range ticks {
		if ticks[i], err = strconv.ParseInt(string(f[i+1]), 10, 64); err != nil {
			return 0, 0
		}
	}
	var sum int64
	for _, t := range ticks {
		sum += t
	}
	idle := ticks[3] + ticks[4]
	tick := time.Second / userHZ
	return time.Duration(sum-idle) * tick, time.Duration(sum) * tick
}
