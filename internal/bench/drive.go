package bench

import (
	"context"
	"sync"
	"time"

	"github.com/zcrm/zcrm/internal/store"
)

// step is one call of a worker's loop. A named step is timed into the result of that name; an
// unnamed one (the re-setup between timed calls) is not, but its errors count against the named
// step before it.
type step struct {
	name string
	do   func(ctx context.Context) error
}

// measured is what a run measured for one named step.
type measured struct {
	name   string
	hist   histogram
	calls  int
	errors int
	wall   time.Duration // time the step had the system to itself (see drive)
	cpu    cpuUse        // CPU used meanwhile: this process (server, client and all) and the machine
	first  string        // the first error's text
	// commits is what zcrm's group commit did during the step's timed phases, resetup during
	// the timed phases of the unnamed steps after it (zero for ceilings and floors).
	commits, resetup store.CommitStats
}

// rate returns the step's calls per second of its wall time.
func (m *measured) rate() float64 {
	if m.wall <= 0 {
		return 0
	}
	return float64(m.calls) / m.wall.Seconds()
}

// add merges o, the same step measured in a later round, into m.
func (m *measured) add(o *measured) {
	m.hist.merge(&o.hist)
	m.calls += o.calls
	m.errors += o.errors
	m.wall += o.wall
	m.cpu = m.cpu.plus(o.cpu)
	if m.first == "" {
		m.first = o.first
	}
	m.commits = m.commits.Plus(o.commits)
	m.resetup = m.resetup.Plus(o.resetup)
}

// cpuPerCall returns the process CPU time per call of the step.
func (m *measured) cpuPerCall() time.Duration {
	if m.calls == 0 {
		return 0
	}
	return m.cpu.proc / time.Duration(m.calls)
}

// hostCPUPerCall returns the machine's busy CPU time per call of the step.
func (m *measured) hostCPUPerCall() time.Duration {
	if m.calls == 0 {
		return 0
	}
	return m.cpu.hostBusy / time.Duration(m.calls)
}

// tally is one worker's count for one named step.
type tally struct {
	hist   histogram
	calls  int
	errors int
	first  string
}

// drive runs workers concurrent loops of the steps loop(w) returns for about d, after one untimed
// warm-up pass, and returns the named steps' results in loop order. commits, if not nil, reads
// zcrm's group-commit counters, to tell what each phased step's timed phases committed.
//
// A loop of one step runs freely: its rate is calls ÷ elapsed time. A loop of several steps runs
// in phases: every worker does step 1, all wait for the last, then every worker does step 2, and so
// on; a step's rate is its calls ÷ the time its phases took. So a timed call only ever competes
// with the same call from other workers, never with the untimed re-setup, and every loop runs to
// its end, leaving the data as it found it.
func drive(ctx context.Context, workers int, d time.Duration, loop func(w int) []step, commits func() store.CommitStats) []*measured {
	loops := make([][]step, workers)
	for w := range workers {
		loops[w] = loop(w)
	}
	steps := loops[0]
	tallies := make([][]tally, workers)
	for w := range tallies {
		tallies[w] = make([]tally, len(steps))
	}
	// do runs step k of worker w, timed or not.
	do := func(w, k int, timed bool) {
		t := &tallies[w][k]
		t0 := time.Now()
		err := loops[w][k].do(ctx)
		el := time.Since(t0)
		if err != nil {
			owner := k
			for owner > 0 && steps[owner].name == "" {
				owner--
			}
			o := &tallies[w][owner]
			o.errors++
			if o.first == "" {
				o.first = err.Error()
			}
		}
		if timed && steps[k].name != "" {
			t.hist.add(el)
			t.calls++
		}
	}
	walls, cpus := make([]time.Duration, len(steps)), make([]cpuUse, len(steps))
	gcs := make([]store.CommitStats, len(steps))
	if len(steps) == 1 {
		walls[0], cpus[0] = free(ctx, workers, d, func(w int, timed bool) { do(w, 0, timed) })
	} else {
		phased(ctx, workers, len(steps), d, phaseTotals{walls, cpus, gcs, commits}, do)
	}

	var out []*measured
	for k, s := range steps {
		if s.name == "" {
			if len(out) > 0 { // the re-setup after a timed step
				prev := out[len(out)-1]
				prev.resetup = prev.resetup.Plus(gcs[k])
			}
			continue
		}
		m := &measured{name: s.name, wall: walls[k], cpu: cpus[k], commits: gcs[k]}
		for w := range workers {
			t := &tallies[w][k]
			m.hist.merge(&t.hist)
			m.calls += t.calls
			m.errors += t.errors
			if m.first == "" {
				m.first = t.first
			}
		}
		out = append(out, m)
	}
	return out
}

// free runs one(w, timed) in a loop on every worker: once untimed, then timed until d has passed
// since they all started. It returns the elapsed time of the timed part and the CPU time used.
func free(ctx context.Context, workers int, d time.Duration, one func(w int, timed bool)) (time.Duration, cpuUse) {
	var ready, done sync.WaitGroup
	start := make(chan struct{})
	var deadline time.Time
	for w := range workers {
		ready.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			one(w, false)
			ready.Done()
			<-start
			for ctx.Err() == nil && time.Now().Before(deadline) {
				one(w, true)
			}
		}()
	}
	ready.Wait()
	c0 := cpuBefore()
	t0 := time.Now()
	deadline = t0.Add(d)
	close(start)
	done.Wait()
	wall := time.Since(t0)
	return wall, cpuAfter().since(c0)
}

// phaseTotals is what phased adds up per step over the timed phases: wall time, this process's CPU
// and, when commits is not nil, zcrm's group-commit counts.
type phaseTotals struct {
	walls   []time.Duration
	cpus    []cpuUse
	gcs     []store.CommitStats
	commits func() store.CommitStats
}

// phased runs the steps in lock-step phases across workers — one untimed pass, then timed passes
// until d has passed — adding each step's timed phases up in tot.
func phased(ctx context.Context, workers, nSteps int, d time.Duration, tot phaseTotals, do func(w, k int, timed bool)) {
	type order struct {
		k     int
		timed bool
	}
	orders := make([]chan order, workers)
	var phase sync.WaitGroup
	for w := range workers {
		orders[w] = make(chan order)
		go func() {
			for o := range orders[w] {
				do(w, o.k, o.timed)
				phase.Done()
			}
		}()
	}
	pass := func(timed bool) {
		for k := range nSteps {
			var g0 store.CommitStats
			if tot.commits != nil {
				g0 = tot.commits()
			}
			var c0 cpuUse
			if timed {
				c0 = cpuBefore()
			}
			t0 := time.Now()
			phase.Add(workers)
			for _, ch := range orders {
				ch <- order{k, timed}
			}
			phase.Wait()
			if timed {
				tot.walls[k] += time.Since(t0)
				tot.cpus[k] = tot.cpus[k].plus(cpuAfter().since(c0))
				if tot.commits != nil {
					tot.gcs[k] = tot.gcs[k].Plus(tot.commits().Since(g0))
				}
			}
		}
	}
	pass(false)
	for deadline := time.Now().Add(d); ctx.Err() == nil && time.Now().Before(deadline); {
		pass(true)
	}
	for _, ch := range orders {
		close(ch)
	}
}
