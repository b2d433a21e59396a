package e2e

import (
	"testing"
	"time"

	"github.com/zcrm/zcrm/internal/store/storetest"
)

// Two zcrm processes on one PostgreSQL, both with their engine's ticker running: 2,000 leads are
// enrolled in a three-step cadence at spread times, then process 1 moves the clock past every step
// while process 2's ticker claims due steps too. When the clock advance answers, every step has
// run exactly once: one task, one call and one email per enrolment, none missing, none twice,
// each made at its step's due time.
func TestEngineTwoProcessesOnePostgres(t *testing.T) {
	storetest.PostgresURL(t)
	dsn := storetest.DSN(t, storetest.Postgres)
	a := startServer(t, dsn)
	b := startServer(t, dsn)
	const n = 2000
	cadence := seedEnrolments(t, a, n)
	db := openShared(t, dsn)
	if done := doneSteps(t, db, cadence); done != 0 {
		t.Fatalf("%d steps ran before their time", done)
	}

	// Process 2's ticker sees the moved clock on its next tick; once the first steps are in, a
	// second advance (by nothing) through process 2 runs due steps there too, at the same time.
	start := time.Now()
	advanced := make(chan time.Duration, 1)
	go func() {
		st, text := a.do("POST", "/__zcrm/clock/advance", "", `{"by": "96h"}`)
		if st != 200 {
			t.Errorf("advance through process 1 = %d: %s", st, text)
		}
		advanced <- time.Since(start)
	}()
	var took time.Duration
	for took == 0 && doneSteps(t, db, cadence) == 0 {
		select {
		case took = <-advanced:
		case <-time.After(5 * time.Millisecond):
		}
	}
	b.adminCall("POST", "/__zcrm/clock/advance", `{"by": "0s"}`)
	// Process 2's answer, too, came after every due step ran, including those process 1 held.
	checkEngineEffects(t, db, cadence, n)
	if took == 0 {
		took = <-advanced
	}
	checkEngineEffects(t, db, cadence, n)
	t.Logf("the advance ran %d steps in %s", 3*n, took.Round(time.Millisecond))

	// And nothing more happens afterwards: process 2's next ticks find nothing to run twice.
	time.Sleep(1500 * time.Millisecond)
	checkEngineEffects(t, db, cadence, n)
}
