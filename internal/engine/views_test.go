package engine_test

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/zcrm/zcrm/zcrmtest"
)

// Enrolment by custom view, criteria un-enrolment, execute_every and pause/resume (crm/engine.go's
// rules), through the API on both stores with a frozen clock.

// sameJSON fails the test unless got, marshalled, is the JSON want (key order aside).
func sameJSON(t *testing.T, what string, got any, want string) {
	t.Helper()
	raw, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	var g, w any
	if err := json.Unmarshal(raw, &g); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("%s: bad want: %v", what, err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Fatalf("%s:\n got %s\nwant %s", what, raw, want)
	}
}

// rfc is how record rows and records write a time.
func rfc(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05+00:00") }

// cadenceRows returns the record's Entity_Cadences_leads rows.
func (e *env) cadenceRows(lead string) []map[string]any {
	e.t.Helper()
	return e.list("Leads/" + lead + "/Entity_Cadences_leads")
}

// ok sends a CRM call that must answer want.
func (e *env) ok(want int, method, path, body string) map[string]any {
	e.t.Helper()
	status, v := e.do(method, path, body)
	if status != want {
		e.t.Fatalf("%s %s: %d %v", method, path, status, v)
	}
	return v
}

// newLead creates a lead through the API and returns its id.
func (e *env) newLead(fields string) string {
	e.t.Helper()
	v := e.ok(http.StatusCreated, "POST", "Leads", `{"data":[{`+fields+`}]}`)
	return v["data"].([]any)[0].(map[string]any)["details"].(map[string]any)["id"].(string)
}

const hotView = `{
	"records": {"Leads": [
		{"ref": "in", "Last_Name": "In", "Company": "A", "Lead_Status": "Contacted"},
		{"ref": "out", "Last_Name": "Out", "Company": "B", "Lead_Status": "Not Contacted"},
		{"ref": "done", "Last_Name": "Done", "Company": "C", "Lead_Status": "Qualified"}]},
	"custom_views": [{"ref": "hot", "module": "Leads", "name": "Hot",
		"criteria": {"group_operator": "or", "group": [
			{"comparator": "equal", "field": {"api_name": "Lead_Status"}, "value": "Contacted"},
			{"comparator": "equal", "field": {"api_name": "Lead_Status"}, "value": "Qualified"}]}}],
	"cadences": [{"ref": "cad", "name": "Hot leads", "module": {"api_name": "Leads"}, "type": "custom_view", "custom_view": {"ref": "hot"},
		"execution_details": {"execute_every": {"period": "immediately"}, "unenroll_properties": [
			{"type": "criteria", "details": {"criteria": {"comparator": "equal", "field": {"api_name": "Lead_Status"}, "value": "Qualified"}}}]},
		"follow_ups": [{"reference_id": "task", "execute_after": {"unit": 1, "period": "hours"},
			"action": {"type": "tasks", "name": "Call the hot lead"}}]}]}`

// A custom-view cadence published with process_existing_records enrols the records already in its
// view when it is activated (not those matching its criteria unenrol rule), then every record that
// enters the view on insert or update, once; an update that makes a record match the criteria rule
// un-enrols it, and leaving the view does not.
func TestCustomViewCadenceEnrols(t *testing.T) {
	backends(t, func(t *testing.T, db zcrmtest.Option) {
		e := newEnv(t, db)
		refs := e.srv.Seed(hotView)
		cad := refs["cad"]
		e.ok(200, "POST", "settings/automation/cadences/"+cad+"/actions/publish", `{"cadences":[{"process_existing_records":true}]}`)
		if rows := e.cadenceRows(refs["in"]); len(rows) != 0 {
			t.Fatalf("enrolled by an inactive cadence: %v", rows)
		}
		e.srv.AdvanceClock(time.Minute)
		activated := e.srv.Now()
		e.ok(200, "POST", "settings/automation/cadences/"+cad+"/actions/activate", `{}`)
		rows := e.cadenceRows(refs["in"])
		if len(rows) != 1 || rows[0]["id"] != cad || rows[0]["status"] != "enrolled" || rows[0]["enrolled_time"] != rfc(activated) {
			t.Fatalf("existing record in the view: %v", rows)
		}
		for _, ref := range []string{"out", "done"} {
			if rows := e.cadenceRows(refs[ref]); len(rows) != 0 {
				t.Fatalf("%s enrolled: %v", ref, rows)
			}
		}

		// Entering the view on insert and on update enrols at once.
		e.srv.AdvanceClock(time.Minute)
		entered := e.srv.Now()
		fresh := e.newLead(`"Last_Name": "Fresh", "Company": "D", "Lead_Status": "Contacted"`)
		cold := e.newLead(`"Last_Name": "Cold", "Company": "E", "Lead_Status": "Not Contacted"`)
		e.ok(200, "PUT", "Leads/"+refs["out"], `{"data":[{"Lead_Status":"Contacted"}]}`)
		for _, id := range []string{fresh, refs["out"]} {
			rows := e.cadenceRows(id)
			if len(rows) != 1 || rows[0]["status"] != "enrolled" || rows[0]["enrolled_time"] != rfc(entered) {
				t.Fatalf("record %s entering the view: %v", id, rows)
			}
		}
		if rows := e.cadenceRows(cold); len(rows) != 0 {
			t.Fatalf("a record outside the view enrolled: %v", rows)
		}

		// Their follow-ups run: an hour after each enrolment, as the cadence's creator.
		e.srv.AdvanceClock(time.Hour)
		for _, id := range []string{refs["in"], fresh, refs["out"]} {
			tasks := e.list("Leads/" + id + "/Tasks?fields=Subject,Owner")
			if len(tasks) != 1 || tasks[0]["Subject"] != "Call the hot lead" || tasks[0]["Owner"].(map[string]any)["id"] != e.srv.Admin.ID {
				t.Fatalf("tasks of %s: %v", id, tasks)
			}
		}

		// Leaving the view keeps the enrolment; matching the criteria rule ends it, for good.
		e.ok(200, "PUT", "Leads/"+refs["out"], `{"data":[{"Lead_Status":"Not Contacted"}]}`)
		if rows := e.cadenceRows(refs["out"]); rows[0]["status"] != "enrolled" {
			t.Fatalf("leaving the view un-enrolled: %v", rows)
		}
		e.srv.AdvanceClock(time.Minute)
		e.ok(200, "PUT", "Leads/"+refs["in"], `{"data":[{"Lead_Status":"Qualified"}]}`)
		rows = e.cadenceRows(refs["in"])
		if len(rows) != 1 || rows[0]["status"] != "unenrolled" || rows[0]["unenrolled_time"] != rfc(e.srv.Now()) {
			t.Fatalf("criteria rule: %v", rows)
		}
		e.ok(200, "PUT", "Leads/"+refs["in"], `{"data":[{"Lead_Status":"Contacted"}]}`)
		if rows := e.cadenceRows(refs["in"]); len(rows) != 1 {
			t.Fatalf("a record re-entering the view enrolled twice: %v", rows)
		}
		// A record matching the rule when it enters is not enrolled.
		if rows := e.cadenceRows(e.newLead(`"Last_Name": "Won", "Company": "F", "Lead_Status": "Qualified"`)); len(rows) != 0 {
			t.Fatalf("a record matching the unenrol rule enrolled: %v", rows)
		}
	})
}

// Deactivating a custom-view cadence stops enrolment by its view; publishing an edit of an active
// cadence with process_existing_records enrols its view's records at once.
func TestCustomViewCadenceInactiveAndMerge(t *testing.T) {
	backends(t, func(t *testing.T, db zcrmtest.Option) {
		e := newEnv(t, db)
		refs := e.srv.Seed(strings.Replace(hotView, `"type": "custom_view",`, `"type": "custom_view", "published": true, "active": true,`, 1))
		cad := refs["cad"]
		if rows := e.cadenceRows(refs["in"]); len(rows) != 0 {
			t.Fatalf("publish without process_existing_records enrolled: %v", rows)
		}
		e.ok(200, "POST", "settings/automation/cadences/"+cad+"/actions/deactivate", ``)
		paused := e.newLead(`"Last_Name": "Paused", "Company": "D", "Lead_Status": "Contacted"`)
		if rows := e.cadenceRows(paused); len(rows) != 0 {
			t.Fatalf("an inactive cadence enrolled: %v", rows)
		}
		e.ok(200, "POST", "settings/automation/cadences/"+cad+"/actions/activate", `{}`)
		if rows := e.cadenceRows(refs["in"]); len(rows) != 0 {
			t.Fatalf("activation without process_existing_records enrolled: %v", rows)
		}
		// An edit makes a draft copy; publishing it with process_existing_records enrols the view.
		e.ok(200, "PUT", "settings/automation/cadences/"+cad, `{"cadences":[{"description":"edited"}]}`)
		e.ok(200, "POST", "settings/automation/cadences/"+cad+"/actions/publish", `{"cadences":[{"process_existing_records":true}]}`)
		for _, id := range []string{refs["in"], paused} {
			if rows := e.cadenceRows(id); len(rows) != 1 || rows[0]["status"] != "enrolled" {
				t.Fatalf("record %s after the merge: %v", id, rows)
			}
		}
		for _, ref := range []string{"out", "done"} {
			if rows := e.cadenceRows(refs[ref]); len(rows) != 0 {
				t.Fatalf("%s enrolled: %v", ref, rows)
			}
		}
	})
}

// execute_every: a record entering the view is enrolled at once, and its first follow-ups count
// from the cadence's next evaluation tick (every N hours from 00:00 UTC, every N days at 00:00
// UTC, every N weeks on Mondays 00:00 UTC).
func TestExecuteEveryTicks(t *testing.T) {
	cases := []struct {
		every string
		first time.Time // the tick after monday 09:00 plus the follow-up's 30 minutes
	}{
		{`{"period": "hours", "unit": 2}`, time.Date(2030, 1, 7, 10, 30, 0, 0, time.UTC)},
		{`{"period": "hours", "unit": 3}`, time.Date(2030, 1, 7, 9, 30, 0, 0, time.UTC)}, // 09:00 is a tick
		{`{"period": "days", "unit": 1}`, time.Date(2030, 1, 8, 0, 30, 0, 0, time.UTC)},
		{`{"period": "weeks", "unit": 1}`, time.Date(2030, 1, 14, 0, 30, 0, 0, time.UTC)},
		{`{"period": "immediately"}`, time.Date(2030, 1, 7, 9, 30, 0, 0, time.UTC)},
	}
	backends(t, func(t *testing.T, db zcrmtest.Option) {
		for _, tc := range cases {
			t.Run(tc.every, func(t *testing.T) {
				e := newEnv(t, db)
				e.srv.Seed(`{"custom_views": [{"ref": "hot", "module": "Leads", "name": "Hot",
					"criteria": {"comparator": "equal", "field": {"api_name": "Lead_Status"}, "value": "Contacted"}}],
				"cadences": [{"name": "Ticks", "module": {"api_name": "Leads"}, "type": "custom_view", "custom_view": {"ref": "hot"},
					"published": true, "active": true, "execution_details": {"execute_every": ` + tc.every + `},
					"follow_ups": [{"reference_id": "task", "execute_after": {"unit": 30, "period": "minutes"},
						"action": {"type": "tasks", "name": "Tick"}}]}]}`)
				lead := e.newLead(`"Last_Name": "Tick", "Company": "T", "Lead_Status": "Contacted"`)
				rows := e.cadenceRows(lead)
				if len(rows) != 1 || rows[0]["enrolled_time"] != rfc(monday) {
					t.Fatalf("rows = %v", rows)
				}
				next, _ := rows[0]["next_follow_up"].(map[string]any)
				if next["due_time"] != rfc(tc.first) || next["type"] != "tasks" {
					t.Fatalf("next_follow_up = %v, want due %s", rows[0]["next_follow_up"], rfc(tc.first))
				}
				e.srv.AdvanceClock(tc.first.Sub(monday) - time.Minute)
				if got := e.list("Leads/" + lead + "/Tasks?fields=Subject"); len(got) != 0 {
					t.Fatalf("a task before the tick: %v", got)
				}
				e.srv.AdvanceClock(time.Minute)
				got := e.list("Leads/" + lead + "/Tasks?fields=Subject,Created_Time")
				if len(got) != 1 || got[0]["Created_Time"] != rfc(tc.first) {
					t.Fatalf("tasks = %v", got)
				}
			})
		}
	})
}

const pauseSeed = `{"cadences": [{"ref": "cad", "name": "Pause", "module": {"api_name": "Leads"}, "type": "manual_enrollment",
	"published": true, "active": true,
	"follow_ups": [
		{"reference_id": "task", "execute_after": {"unit": 1, "period": "hours"}, "action": {"type": "tasks", "name": "First"}},
		{"reference_id": "mail", "parent_follow_up": {"reference_id": "task"}, "execute_after": {"unit": 1, "period": "days"},
		 "action": {"type": "email_notifications", "details": {"subject": "Hi", "body": "…"}}}]}],
	"records": {"Leads": [{"ref": "ada", "Last_Name": "Lovelace", "Email": "ada@example.com"}]},
	"enrolments": [{"cadence": "cad", "records": ["ada"]}]}`

// Deactivation pauses an enrolment; reactivation runs the follow-ups missed meanwhile once, at the
// reactivation, and the next ones from there; pausing and resuming again runs nothing twice.
func TestDeactivatePausesAndReactivateResumes(t *testing.T) {
	backends(t, func(t *testing.T, db zcrmtest.Option) {
		e := newEnv(t, db)
		refs := e.srv.Seed(pauseSeed)
		cad, lead := refs["cad"], refs["ada"]
		e.srv.AdvanceClock(30 * time.Minute)
		e.ok(200, "POST", "settings/automation/cadences/"+cad+"/actions/deactivate", ``)
		e.srv.AdvanceClock(72 * time.Hour)
		if got := e.list("Leads/" + lead + "/Tasks?fields=Subject"); len(got) != 0 {
			t.Fatalf("a paused cadence ran: %v", got)
		}
		resumed := e.srv.Now()
		e.ok(200, "POST", "settings/automation/cadences/"+cad+"/actions/activate", `{}`)
		e.srv.AdvanceClock(0)
		tasks := e.list("Leads/" + lead + "/Tasks?fields=Subject,Created_Time")
		if len(tasks) != 1 || tasks[0]["Created_Time"] != rfc(resumed) {
			t.Fatalf("tasks after reactivation = %v (reactivated %s)", tasks, resumed)
		}
		// Pause and resume again: the task does not run twice.
		e.ok(200, "POST", "settings/automation/cadences/"+cad+"/actions/deactivate", ``)
		e.srv.AdvanceClock(48 * time.Hour)
		if got := e.srv.Emails(e.srv.Org); len(got) != 0 {
			t.Fatalf("a paused cadence sent: %v", got)
		}
		again := e.srv.Now()
		e.ok(200, "POST", "settings/automation/cadences/"+cad+"/actions/activate", `{}`)
		e.srv.AdvanceClock(time.Hour)
		e.srv.AdvanceClock(30 * 24 * time.Hour)
		if got := e.list("Leads/" + lead + "/Tasks?fields=Subject"); len(got) != 1 {
			t.Fatalf("tasks = %v", got)
		}
		mails := e.srv.Emails(e.srv.Org)
		if len(mails) != 1 || mails[0].SentTime != again.UTC().Format(time.RFC3339) {
			t.Fatalf("emails = %+v (reactivated %s)", mails, again)
		}
		rows := e.cadenceRows(lead)
		sameJSON(t, "progress", map[string]any{"next": rows[0]["next_follow_up"], "counts": rows[0]["follow_ups"]},
			`{"next": null, "counts": {"done": 2, "pending": 0, "waiting": 0, "failed": 0, "cancelled": 0}}`)
	})
}

// A criteria unenrol rule works in a manual cadence too: the update that makes the enrolled record
// match it ends the enrolment and its pending follow-ups never run.
func TestCriteriaRuleInManualCadence(t *testing.T) {
	backends(t, func(t *testing.T, db zcrmtest.Option) {
		e := newEnv(t, db)
		refs := e.srv.Seed(strings.Replace(pauseSeed, `"published": true, "active": true,`, `"published": true, "active": true,
			"execution_details": {"unenroll_properties": [{"type": "criteria", "details": {"criteria": {"group_operator": "and", "group": [
				{"comparator": "equal", "field": {"api_name": "Lead_Status"}, "value": "Qualified"},
				{"comparator": "greater_than", "field": {"api_name": "Annual_Revenue"}, "value": 1000}]}}}]},`, 1))
		lead := refs["ada"]
		e.ok(200, "PUT", "Leads/"+lead, `{"data":[{"Lead_Status":"Qualified"}]}`) // half the criteria: still enrolled
		if rows := e.cadenceRows(lead); rows[0]["status"] != "enrolled" {
			t.Fatalf("rows = %v", rows)
		}
		e.ok(200, "PUT", "Leads/"+lead, `{"data":[{"Annual_Revenue":5000}]}`)
		rows := e.cadenceRows(lead)
		sameJSON(t, "un-enrolled by criteria", map[string]any{"status": rows[0]["status"], "next": rows[0]["next_follow_up"], "counts": rows[0]["follow_ups"]},
			`{"status":"unenrolled","next":null,"counts":{"done":0,"pending":0,"waiting":0,"failed":0,"cancelled":1}}`)
		e.srv.AdvanceClock(48 * time.Hour)
		if got := e.list("Leads/" + lead + "/Tasks?fields=Subject"); len(got) != 0 {
			t.Fatalf("an un-enrolled record's follow-up ran: %v", got)
		}
	})
}
