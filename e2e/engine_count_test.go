package e2e

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // to count what the engine made on PostgreSQL

	"github.com/zcrm/zcrm/internal/engine/enginetest"
	"github.com/zcrm/zcrm/internal/store"
)

// The cadence engine's exactly-once tests (engine_*_test.go) count what the engine made straight
// in the database the zcrm processes share: the steps by state, and the tasks, calls and emails
// by the record they are about.

// engineStart is the frozen clock the tests start from: Monday 2030-01-07 09:00 UTC.
var engineStart = time.Date(2030, 1, 7, 9, 0, 0, 0, time.UTC)

// adminCall sends a control-plane request (loopback: no token) and fails unless it answers 200.
func (s *server) adminCall(method, path, body string) string {
	s.t.Helper()
	st, text := s.do(method, path, "", body)
	if st != http.StatusOK {
		s.t.Fatalf("%s %s = %d: %s", method, path, st, text)
	}
	return text
}

// seedEnrolments freezes the clock at engineStart and enrols n new leads in a new three-step
// cadence (enginetest.Cadence, a day between steps), in groups of 100 (as many as one enrolment
// call takes) with the clock moved 7 minutes between groups, so that their steps fall due at
// spread times. It returns the cadence's id.
func seedEnrolments(t *testing.T, s *server, n int) string {
	t.Helper()
	s.adminCall("PUT", "/__zcrm/clock", fmt.Sprintf(`{"now": %q, "frozen": true}`, engineStart.Format(time.RFC3339)))
	cadence := ""
	for g := 0; g*100 < n; g++ {
		text := s.adminCall("POST", "/__zcrm/seed", enginetest.EnrolFixture(fmt.Sprintf("g%d-", g), min(100, n-g*100), cadence, "days"))
		if cadence == "" {
			var v struct{ Refs map[string]string }
			if err := json.Unmarshal([]byte(text), &v); err != nil || v.Refs["cad"] == "" {
				t.Fatalf("seed answered %s", text)
			}
			cadence = v.Refs["cad"]
		}
		s.adminCall("POST", "/__zcrm/clock/advance", `{"by": "7m"}`)
	}
	return cadence
}

// openShared opens the database the servers use (a SQLite file or a PostgreSQL URL) for counting.
func openShared(t *testing.T, db string) *sql.DB {
	t.Helper()
	driver, dsn := "sqlite3", "file:"+db
	if store.IsPostgres(db) {
		driver, dsn = "pgx", db
	}
	conn, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// doneSteps counts the cadence's done steps.
func doneSteps(t *testing.T, db *sql.DB, cadence string) int {
	t.Helper()
	n, err := enginetest.DoneSteps(context.Background(), db, cadence)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// checkEngineEffects fails the test unless the cadence's n enrolments ran to the end exactly once
// (enginetest.Effects.Check).
func checkEngineEffects(t *testing.T, db *sql.DB, cadence string, n int) {
	t.Helper()
	e, err := enginetest.CountEffects(context.Background(), db, cadence)
	if err == nil {
		err = e.Check(n)
	}
	if err != nil {
		t.Error(err)
	}
}
