package e2e

import (
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zcrm/zcrm/internal/store/storetest"
)

// kill -9 in the middle of the cadence engine's work loses nothing and runs nothing twice. 3,000
// leads are enrolled in a three-step cadence; the clock is moved past every step, and once the
// first steps are in the database the process is killed with SIGKILL while it runs the rest. A
// new process on the same database picks up the work (its ticker, and a clock advance by nothing),
// and is killed the same way once it has made progress; a third one finishes. Then every
// enrolment has exactly one task, one call and one email, each made at its step's due time.
func TestEngineKillMidBatch(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "zcrm.db")
		engineKillRun(t, db)
		sqliteIntegrity(t, db)
	})
	t.Run("postgres", func(t *testing.T) {
		storetest.PostgresURL(t)
		engineKillRun(t, storetest.DSN(t, storetest.Postgres))
	})
}

func engineKillRun(t *testing.T, db string) {
	const n = 3000
	s := startServer(t, db)
	cadence := seedEnrolments(t, s, n)
	counter := openShared(t, db)
	for cycle, by := range []string{"96h", "0s"} {
		if cycle > 0 {
			s = startServer(t, db) // its ticker starts on what the kill left
		}
		before := doneSteps(t, counter, cadence)
		answered := make(chan bool, 1)
		go func() { answered <- postAdvance(s.url, by) }() // the kill cuts it short
		deadline := time.Now().Add(time.Minute)
		done := before
		for done == before {
			if time.Now().After(deadline) {
				t.Fatalf("cycle %d: no step ran within a minute", cycle)
			}
			time.Sleep(2 * time.Millisecond)
			done = doneSteps(t, counter, cadence)
		}
		if err := s.cmd.Process.Kill(); err != nil { // SIGKILL: no shutdown, no rollback but the database's
			t.Fatal(err)
		}
		s.cmd.Wait()
		after := doneSteps(t, counter, cadence)
		if <-answered || after >= 3*n {
			t.Fatalf("cycle %d: the run finished before the kill (%d of %d steps done): the test proved nothing", cycle, after, 3*n)
		}
		t.Logf("cycle %d: killed with %d of %d steps done (%d when the kill was decided)", cycle, after, 3*n, done)
	}
	s = startServer(t, db)
	s.adminCall("POST", "/__zcrm/clock/advance", `{"by": "0s"}`)
	checkEngineEffects(t, counter, cadence, n)
}

// postAdvance moves the clock of the server at base by d and reports whether it answered 200.
func postAdvance(base, by string) bool {
	hc := &http.Client{Timeout: 2 * time.Minute}
	res, err := hc.Post(base+"/__zcrm/clock/advance", "application/json", strings.NewReader(`{"by": "`+by+`"}`))
	if err != nil {
		return false
	}
	res.Body.Close()
	return res.StatusCode == http.StatusOK
}
