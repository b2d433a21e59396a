package e2e

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // to count what the engine made on PostgreSQL

	"github.com/zcrm/zcrm/internal/store"
)

// The cadence engine's exactly-once tests (engine_*_test.go) count what the engine made straight
// in the database the zcrm processes share: the steps by state, and the tasks, calls and emails
// by the record they are about.

// engineCadence is a manual Leads cadence of three chained follow-ups without triggers: a task a
// day after enrolment, a call a day after the task, an email a day after the call.
const engineCadence = `{"ref": "cad", "name": "Exactly once", "module": {"api_name": "Leads"}, "type": "manual_enrollment",
	"published": true, "active": true, "follow_ups": [
		{"reference_id": "task", "execute_after": {"unit": 1, "period": "days"}, "action": {"type": "tasks", "name": "Task"}},
		{"reference_id": "call", "parent_follow_up": {"reference_id": "task"}, "execute_after": {"unit": 1, "period": "days"},
		 "action": {"type": "schedule_call", "name": "Call"}},
		{"reference_id": "mail", "parent_follow_up": {"reference_id": "call"}, "execute_after": {"unit": 1, "period": "days"},
		 "action": {"type": "email_notifications", "details": {"subject": "Hello ${Leads.Last_Name}"}}}]}`

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

// seedEnrolments freezes the clock at engineStart and enrols n new leads in a new engineCadence,
// in groups of 100 (as many as one enrolment call takes) with the clock moved 7 minutes between
// groups, so that their steps fall due at spread times. It returns the cadence's id.
func seedEnrolments(t *testing.T, s *server, n int) string {
	t.Helper()
	s.adminCall("PUT", "/__zcrm/clock", fmt.Sprintf(`{"now": %q, "frozen": true}`, engineStart.Format(time.RFC3339)))
	cadence := ""
	for g := 0; g*100 < n; g++ {
		var recs, refs []string
		for i := g * 100; i < min(n, (g+1)*100); i++ {
			ref := "l" + strconv.Itoa(i)
			recs = append(recs, fmt.Sprintf(`{"ref": %q, "Last_Name": %q, "Email": "%s@example.com"}`, ref, ref, ref))
			refs = append(refs, strconv.Quote(ref))
		}
		cad, defs := `"cad"`, ""
		if cadence == "" {
			defs = `"cadences": [` + engineCadence + `],`
		} else {
			cad = strconv.Quote(cadence)
		}
		text := s.adminCall("POST", "/__zcrm/seed", `{`+defs+`"records": {"Leads": [`+strings.Join(recs, ",")+`]},
			"enrolments": [{"cadence": `+cad+`, "module": "Leads", "records": [`+strings.Join(refs, ",")+`]}]}`)
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

// engineEffects is what a cadence's steps made, counted in the database.
type engineEffects struct {
	enrolments  int
	steps       map[string]int           // by state
	made        map[string]map[int64]int // Tasks, Calls, email → enrolled record → how many
	offSchedule int                      // things made at another time than their step's due time
}

// queryRows runs a query with no arguments and returns every row's values.
func queryRows(t *testing.T, db *sql.DB, q string) [][]any {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out [][]any
	for rows.Next() {
		vals, ptrs := make([]any, len(cols)), make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		out = append(out, vals)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// doneSteps counts the cadence's done steps.
func doneSteps(t *testing.T, db *sql.DB, cadence string) int {
	t.Helper()
	return int(asInt(queryRows(t, db, `SELECT COUNT(*) FROM cadence_steps WHERE state = 'done' AND cadence_id = `+cadence)[0][0]))
}

// countEngineEffects counts the cadence's enrolments, its steps by state, and the tasks, calls and
// emails in the database by the record they are about.
func countEngineEffects(t *testing.T, db *sql.DB, cadence string) engineEffects {
	t.Helper()
	e := engineEffects{steps: map[string]int{}, made: map[string]map[int64]int{"Tasks": {}, "Calls": {}, "email": {}}}
	e.enrolments = int(asInt(queryRows(t, db, `SELECT COUNT(*) FROM enrollments WHERE cadence_id = `+cadence)[0][0]))
	for _, r := range queryRows(t, db, `SELECT state, COUNT(*) FROM cadence_steps WHERE cadence_id = `+cadence+` GROUP BY state`) {
		e.steps[asString(r[0])] = int(asInt(r[1]))
	}
	for _, r := range queryRows(t, db, `SELECT r.module, r.data, r.created_time, s.due_ms FROM records r
		LEFT JOIN cadence_steps s ON s.result_id = r.id WHERE r.module IN ('Tasks', 'Calls')`) {
		var data struct {
			WhatID struct {
				ID string `json:"id"`
			} `json:"What_Id"`
		}
		if err := json.Unmarshal([]byte(asString(r[1])), &data); err != nil {
			t.Fatal(err)
		}
		rec, _ := strconv.ParseInt(data.WhatID.ID, 10, 64)
		e.made[asString(r[0])][rec]++
		if r[3] == nil || asInt(r[2]) != asInt(r[3]) {
			e.offSchedule++
		}
	}
	for _, r := range queryRows(t, db, `SELECT m.record_id, m.sent_ms, s.due_ms FROM cadence_messages m
		LEFT JOIN cadence_steps s ON s.result_id = m.id WHERE m.cadence_id = `+cadence) {
		e.made["email"][asInt(r[0])]++
		if r[2] == nil || asInt(r[1]) != asInt(r[2]) {
			e.offSchedule++
		}
	}
	return e
}

// check compares the effects with n enrolments each run to the end: 3n done steps, and exactly one
// task, call and email for each enrolled record (0 missing, 0 duplicated), each made at its step's
// due time.
func (e engineEffects) check(t *testing.T, n int) {
	t.Helper()
	if e.enrolments != n {
		t.Errorf("%d enrolments, want %d", e.enrolments, n)
	}
	if len(e.steps) != 1 || e.steps["done"] != 3*n {
		t.Errorf("steps by state %v, want %d done", e.steps, 3*n)
	}
	for _, kind := range []string{"Tasks", "Calls", "email"} {
		per, twice := e.made[kind], 0
		for _, k := range per {
			twice += k - 1
		}
		if missing := n - len(per); missing != 0 || twice != 0 {
			t.Errorf("%s: %d missing, %d duplicated (of %d)", kind, missing, twice, n)
		}
	}
	if e.offSchedule != 0 {
		t.Errorf("%d tasks, calls or emails were not made at their step's due time", e.offSchedule)
	}
}

func asInt(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case int32:
		return int64(x)
	case float64:
		return int64(x)
	case []byte:
		n, _ := strconv.ParseInt(string(x), 10, 64)
		return n
	case string:
		n, _ := strconv.ParseInt(x, 10, 64)
		return n
	}
	return 0
}

func asString(v any) string {
	if b, ok := v.([]byte); ok {
		return string(b)
	}
	return fmt.Sprint(v)
}
