package engine_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zcrm/zcrm/internal/admin"
	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/engine"
	"github.com/zcrm/zcrm/internal/store"
	"github.com/zcrm/zcrm/internal/store/storetest"
)

// threeSteps is a manual Leads cadence of three chained follow-ups without triggers: a task an
// hour after enrolment, a call an hour after the task, an email an hour after the call.
const threeSteps = `{"ref": "cad", "name": "Three steps", "module": {"api_name": "Leads"}, "type": "manual_enrollment",
	"published": true, "active": true, "follow_ups": [
		{"reference_id": "task", "execute_after": {"unit": 1, "period": "hours"}, "action": {"type": "tasks", "name": "Task"}},
		{"reference_id": "call", "parent_follow_up": {"reference_id": "task"}, "execute_after": {"unit": 1, "period": "hours"},
		 "action": {"type": "schedule_call", "name": "Call"}},
		{"reference_id": "mail", "parent_follow_up": {"reference_id": "call"}, "execute_after": {"unit": 1, "period": "hours"},
		 "action": {"type": "email_notifications", "details": {"subject": "Hello ${Leads.Last_Name}"}}}]}`

// enrolSeed returns a fixture of n leads named from prefix, enrolled in the cadence (a ref defined
// in the same fixture when cadence is "", else that cadence's id).
func enrolSeed(prefix string, n int, cadence string) string {
	cadences := ""
	if cadence == "" {
		cadences, cadence = `"cadences": [`+threeSteps+`],`, "cad"
	}
	var recs, enrols, refs []string
	for i := range n {
		ref := fmt.Sprintf("%s%d", prefix, i)
		recs = append(recs, fmt.Sprintf(`{"ref": %q, "Last_Name": %q, "Email": "%s@example.com"}`, ref, ref, ref))
		refs = append(refs, fmt.Sprintf("%q", ref))
		if len(refs) == 100 || i == n-1 { // an enrolment takes 100 records at most, as Zoho's
			enrols = append(enrols, `{"cadence": "`+cadence+`", "module": "Leads", "records": [`+strings.Join(refs, ",")+`]}`)
			refs = nil
		}
	}
	return `{` + cadences + `"records": {"Leads": [` + strings.Join(recs, ",") + `]}, "enrolments": [` + strings.Join(enrols, ",") + `]}`
}

// Two engines on two handles of one database (what two zcrm processes sharing it see) run the due
// follow-ups at the same time, round after round: every step runs exactly once — one task, one
// call, one email per enrolment, none missing, none twice — and both engines did part of the work.
func TestTwoEnginesRunEachStepOnce(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		dsn := storetest.DSN(t, b)
		a := storetest.OpenDSN(t, dsn, store.Options{})
		bdb := storetest.OpenDSN(t, dsn, store.Options{})
		svc := &admin.Service{Store: a} // no engine: the test runs them
		start := time.Date(2030, 1, 7, 9, 0, 0, 0, time.UTC)
		if _, err := svc.SetClock(ctx, &start, true); err != nil {
			t.Fatal(err)
		}
		const rounds, perRound = 8, 250
		engines := []*engine.Engine{{Store: a}, {Store: bdb}}
		ran := make([]int, len(engines))
		cadence := ""
		for round := range rounds {
			refs, err := svc.Seed(ctx, []byte(enrolSeed(fmt.Sprintf("r%d-", round), perRound, cadence)))
			if err != nil {
				t.Fatal(err)
			}
			if cadence == "" {
				cadence = refs["cad"]
			}
			// Past all three steps of this round's enrolments.
			if _, err := svc.AdvanceClock(ctx, 4*time.Hour); err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			errs := make([]error, len(engines))
			for i, e := range engines {
				wg.Go(func() {
					n, err := e.RunDue(ctx)
					ran[i] += n
					errs[i] = err
				})
			}
			wg.Wait()
			for i, err := range errs {
				if err != nil {
					t.Fatalf("round %d: engine %d: %v", round, i, err)
				}
			}
			got := countEffects(t, a, cadence)
			if err := got.check((round + 1) * perRound); err != nil {
				t.Fatalf("round %d: %v", round, err)
			}
		}
		t.Logf("steps run: %v", ran)
		if ran[0] == 0 || ran[1] == 0 || ran[0]+ran[1] != 3*rounds*perRound {
			t.Fatalf("steps run by each engine = %v, want both working and %d in all", ran, 3*rounds*perRound)
		}
	})
}

// effects is what a cadence's steps made, counted in the database.
type effects struct {
	enrolments int
	steps      map[string]int           // by state
	made       map[string]map[int64]int // Tasks, Calls, email → enrolled record → how many
	late       int                      // things made at another time than their step's due time
}

// countEffects counts the cadence's enrolments, its steps by state, and the tasks, calls and
// emails of its org by the record they are about.
func countEffects(t *testing.T, db *store.DB, cadence string) effects {
	t.Helper()
	ctx := context.Background()
	cid, _ := crm.ParseID(cadence)
	e := effects{steps: map[string]int{}, made: map[string]map[int64]int{"Tasks": {}, "Calls": {}, "email": {}}}
	q := func(query string, args ...any) [][]any {
		rows, err := db.SQL().QueryContext(ctx, db.Rebind(query), args...)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		cols, _ := rows.Columns()
		var out [][]any
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
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
	e.enrolments = int(toInt(q(`SELECT COUNT(*) FROM enrollments WHERE cadence_id = ?`, cid)[0][0]))
	for _, r := range q(`SELECT state, COUNT(*) FROM cadence_steps WHERE cadence_id = ? GROUP BY state`, cid) {
		e.steps[toString(r[0])] = int(toInt(r[1]))
	}
	for _, r := range q(`SELECT r.module, r.data, r.created_time, s.due_ms FROM records r
		LEFT JOIN cadence_steps s ON s.result_id = r.id WHERE r.module IN ('Tasks', 'Calls')`) {
		var data struct {
			WhatID struct {
				ID string `json:"id"`
			} `json:"What_Id"`
		}
		if err := json.Unmarshal([]byte(toString(r[1])), &data); err != nil {
			t.Fatal(err)
		}
		rec, _ := crm.ParseID(data.WhatID.ID)
		e.made[toString(r[0])][rec]++
		if r[3] == nil || toInt(r[2]) != toInt(r[3]) {
			e.late++
		}
	}
	for _, r := range q(`SELECT m.record_id, m.sent_ms, s.due_ms FROM cadence_messages m
		LEFT JOIN cadence_steps s ON s.result_id = m.id WHERE m.cadence_id = ?`, cid) {
		e.made["email"][toInt(r[0])]++
		if r[2] == nil || toInt(r[1]) != toInt(r[2]) {
			e.late++
		}
	}
	return e
}

// check compares the effects with n enrolments each run to the end: n done steps per follow-up, and
// exactly one task, call and email for each enrolled record, each made at its step's due time.
func (e effects) check(n int) error {
	if e.enrolments != n {
		return fmt.Errorf("%d enrolments, want %d", e.enrolments, n)
	}
	if len(e.steps) != 1 || e.steps[crm.StepDone] != 3*n {
		return fmt.Errorf("steps by state %v, want %d done", e.steps, 3*n)
	}
	for kind, per := range e.made {
		missing, twice := n-len(per), 0
		for _, k := range per {
			if k > 1 {
				twice += k - 1
			}
		}
		if missing != 0 || twice != 0 {
			return fmt.Errorf("%s: %d records have one, want %d (%d duplicated)", kind, len(per), n, twice)
		}
	}
	if e.late != 0 {
		return fmt.Errorf("%d tasks, calls or emails were not made at their step's due time", e.late)
	}
	return nil
}

func toInt(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case int32:
		return int64(x)
	case float64:
		return int64(x)
	case []byte:
		var n int64
		fmt.Sscan(string(x), &n)
		return n
	case string:
		var n int64
		fmt.Sscan(x, &n)
		return n
	}
	return 0
}

func toString(v any) string {
	if b, ok := v.([]byte); ok {
		return string(b)
	}
	return fmt.Sprint(v)
}
