// Package enginetest holds what the cadence engine's exactly-once tests share, in process
// (internal/engine) and across processes (e2e): a three-step cadence, a fixture that enrols leads
// in it, and a count of what its steps made, read straight from the database.
package enginetest

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Cadence is a manual Leads cadence (ref "cad") of three chained follow-ups without triggers, one
// period (hours, days) apart: a task a period after enrolment, a call a period after the task, an
// email a period after the call.
func Cadence(period string) string {
	return `{"ref": "cad", "name": "Three steps", "module": {"api_name": "Leads"}, "type": "manual_enrollment",
	"published": true, "active": true, "follow_ups": [
		{"reference_id": "task", "execute_after": {"unit": 1, "period": "` + period + `"}, "action": {"type": "tasks", "name": "Task"}},
		{"reference_id": "call", "parent_follow_up": {"reference_id": "task"}, "execute_after": {"unit": 1, "period": "` + period + `"},
		 "action": {"type": "schedule_call", "name": "Call"}},
		{"reference_id": "mail", "parent_follow_up": {"reference_id": "call"}, "execute_after": {"unit": 1, "period": "` + period + `"},
		 "action": {"type": "email_notifications", "details": {"subject": "Hello ${Leads.Last_Name}"}}}]}`
}

// EnrolFixture is a seed document of n leads named from prefix, enrolled in cadence (its id), or,
// when cadence is "", in a Cadence(period) the document defines as ref "cad". The enrolments go
// 100 records each, as many as Zoho's enrolment call takes.
func EnrolFixture(prefix string, n int, cadence, period string) string {
	cadences, cad := "", strconv.Quote(cadence)
	if cadence == "" {
		cadences, cad = `"cadences": [`+Cadence(period)+`],`, `"cad"`
	}
	var recs, enrols, refs []string
	for i := range n {
		ref := prefix + strconv.Itoa(i)
		recs = append(recs, fmt.Sprintf(`{"ref": %q, "Last_Name": %q, "Email": "%s@example.com"}`, ref, ref, ref))
		refs = append(refs, strconv.Quote(ref))
		if len(refs) == 100 || i == n-1 {
			enrols = append(enrols, `{"cadence": `+cad+`, "module": "Leads", "records": [`+strings.Join(refs, ",")+`]}`)
			refs = nil
		}
	}
	return `{` + cadences + `"records": {"Leads": [` + strings.Join(recs, ",") + `]}, "enrolments": [` + strings.Join(enrols, ",") + `]}`
}

// Effects is what a cadence's steps made, counted in the database.
type Effects struct {
	Enrolments int
	Steps      map[string]int           // by state
	Made       map[string]map[int64]int // Tasks, Calls, email → enrolled record → how many
	Late       int                      // things made at another time than their step's due time
}

// DoneSteps counts the cadence's done steps (db: the store's database, a SQLite file or PostgreSQL).
func DoneSteps(ctx context.Context, db *sql.DB, cadence string) (int, error) {
	id, err := strconv.ParseInt(cadence, 10, 64)
	if err != nil {
		return 0, err
	}
	rows, err := queryRows(ctx, db, `SELECT COUNT(*) FROM cadence_steps WHERE state = 'done' AND cadence_id = `+strconv.FormatInt(id, 10))
	if err != nil {
		return 0, err
	}
	return int(toInt(rows[0][0])), nil
}

// CountEffects counts the cadence's enrolments, its steps by state, and the tasks, calls and emails
// in the database by the record they are about.
func CountEffects(ctx context.Context, db *sql.DB, cadence string) (Effects, error) {
	id, err := strconv.ParseInt(cadence, 10, 64)
	if err != nil {
		return Effects{}, err
	}
	cid := strconv.FormatInt(id, 10) // a number: written into the statements, which then need no placeholders
	e := Effects{Steps: map[string]int{}, Made: map[string]map[int64]int{"Tasks": {}, "Calls": {}, "email": {}}}
	rows, err := queryRows(ctx, db, `SELECT COUNT(*) FROM enrollments WHERE cadence_id = `+cid)
	if err != nil {
		return e, err
	}
	e.Enrolments = int(toInt(rows[0][0]))
	if rows, err = queryRows(ctx, db, `SELECT state, COUNT(*) FROM cadence_steps WHERE cadence_id = `+cid+` GROUP BY state`); err != nil {
		return e, err
	}
	for _, r := range rows {
		e.Steps[toString(r[0])] = int(toInt(r[1]))
	}
	if rows, err = queryRows(ctx, db, `SELECT r.module, r.data, r.created_time, s.due_ms FROM records r
		LEFT JOIN cadence_steps s ON s.result_id = r.id WHERE r.module IN ('Tasks', 'Calls')`); err != nil {
		return e, err
	}
	for _, r := range rows {
		var data struct {
			WhatID struct {
				ID string `json:"id"`
			} `json:"What_Id"`
		}
		if err := json.Unmarshal([]byte(toString(r[1])), &data); err != nil {
			return e, err
		}
		rec, _ := strconv.ParseInt(data.WhatID.ID, 10, 64)
		e.Made[toString(r[0])][rec]++
		if r[3] == nil || toInt(r[2]) != toInt(r[3]) {
			e.Late++
		}
	}
	if rows, err = queryRows(ctx, db, `SELECT m.record_id, m.sent_ms, s.due_ms FROM cadence_messages m
		LEFT JOIN cadence_steps s ON s.result_id = m.id WHERE m.cadence_id = `+cid); err != nil {
		return e, err
	}
	for _, r := range rows {
		e.Made["email"][toInt(r[0])]++
		if r[2] == nil || toInt(r[1]) != toInt(r[2]) {
			e.Late++
		}
	}
	return e, nil
}

// Check compares the effects with n enrolments each run to the end: 3n done steps, and exactly one
// task, call and email for each enrolled record (none missing, none twice), each made at its
// step's due time.
func (e Effects) Check(n int) error {
	var errs []string
	if e.Enrolments != n {
		errs = append(errs, fmt.Sprintf("%d enrolments, want %d", e.Enrolments, n))
	}
	if len(e.Steps) != 1 || e.Steps["done"] != 3*n {
		errs = append(errs, fmt.Sprintf("steps by state %v, want %d done", e.Steps, 3*n))
	}
	for _, kind := range []string{"Tasks", "Calls", "email"} {
		per, twice := e.Made[kind], 0
		for _, k := range per {
			twice += k - 1
		}
		if missing := n - len(per); missing != 0 || twice != 0 {
			errs = append(errs, fmt.Sprintf("%s: %d missing, %d duplicated (of %d)", kind, missing, twice, n))
		}
	}
	if e.Late != 0 {
		errs = append(errs, fmt.Sprintf("%d tasks, calls or emails were not made at their step's due time", e.Late))
	}
	if len(errs) > 0 {
		return fmt.Errorf("%s", strings.Join(errs, "; "))
	}
	return nil
}

// queryRows runs q and returns every row's values.
func queryRows(ctx context.Context, db *sql.DB, q string) ([][]any, error) {
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out [][]any
	for rows.Next() {
		vals, ptrs := make([]any, len(cols)), make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		out = append(out, vals)
	}
	return out, rows.Err()
}

// toInt reads an integer column as either driver returns it.
func toInt(v any) int64 {
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

// toString reads a text column as either driver returns it.
func toString(v any) string {
	if b, ok := v.([]byte); ok {
		return string(b)
	}
	return fmt.Sprint(v)
}
