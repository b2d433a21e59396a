package engine_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/zcrm/zcrm/internal/store/storetest"
	"github.com/zcrm/zcrm/zcrmtest"
)

func backends(t *testing.T, fn func(t *testing.T, db zcrmtest.Option)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, nil) })
	t.Run("postgres", func(t *testing.T) { fn(t, zcrmtest.WithPostgres(storetest.PostgresURL(t))) })
}

// env is a zcrmtest server with a frozen clock.
type env struct {
	t   *testing.T
	srv *zcrmtest.Server
}

// monday is the frozen start of every test: Monday 2030-01-07 09:00 UTC.
var monday = time.Date(2030, 1, 7, 9, 0, 0, 0, time.UTC)

func newEnv(t *testing.T, db zcrmtest.Option) *env {
	srv := zcrmtest.NewServer(t, db)
	srv.SetClock(monday, true)
	return &env{t: t, srv: srv}
}

// do sends a CRM call and decodes its JSON answer (nil for an empty one).
func (e *env) do(method, path, body string) (int, map[string]any) {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+"/crm/v8/"+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	// A token of the clock's time: the tests move it past any one token's hour.
	req.Header.Set("Authorization", "Zoho-oauthtoken "+e.srv.Token(e.srv.Admin, zcrmtest.FullScope...).AccessToken)
	res, err := e.srv.HTTPClient().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var v map[string]any
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &v); err != nil {
			e.t.Fatalf("%s %s: %d %s", method, path, res.StatusCode, raw)
		}
	}
	return res.StatusCode, v
}

// list returns the data of a GET (none for a 204).
func (e *env) list(path string) []map[string]any {
	e.t.Helper()
	status, v := e.do("GET", path, "")
	if status == http.StatusNoContent {
		return nil
	}
	if status != http.StatusOK {
		e.t.Fatalf("GET %s: %d %v", path, status, v)
	}
	var out []map[string]any
	for _, d := range v["data"].([]any) {
		out = append(out, d.(map[string]any))
	}
	return out
}

const nurture = `{"cadences": [{"ref": "cad", "name": "Nurture", "module": {"api_name": "Leads"}, "type": "manual_enrollment",
	"published": true, "active": true, "execution_details": {"unenroll_properties": [{"type": "automatic_unenroll"}]},
	"follow_ups": [
		{"reference_id": "task", "execute_after": {"unit": 1, "period": "hours"},
		 "action": {"type": "tasks", "name": "First call", "field_mappings": [
			{"field": {"api_name": "Subject"}, "type": "static", "value": "Call ${Leads.Last_Name}"},
			{"field": {"api_name": "Priority"}, "type": "static", "value": "High"},
			{"field": {"api_name": "Due_Date"}, "type": "execution_time", "value": {"unit": "2", "period": "days", "trigger_field": "${CURRENTTIME}", "sign": "plus"}},
			{"field": {"api_name": "Reminder"}, "type": "static", "value": {"unit": "15", "period": "minutes"}}]}},
		{"reference_id": "call", "parent_follow_up": {"reference_id": "task"}, "triggers": ["Completed"], "execute_after": {"unit": 1, "period": "days"},
		 "action": {"type": "schedule_call", "details": {"module": {"api_name": "Calls"}, "field_mappings": [
			{"field": {"api_name": "Call_Type"}, "type": "static", "value": "Outbound"},
			{"field": {"api_name": "Subject"}, "type": "static", "value": "Demo"}]}}},
		{"reference_id": "mail", "parent_follow_up": {"reference_id": "call"}, "execute_after": {"unit": 2, "period": "business_days"},
		 "action": {"type": "email_notifications", "details": {"subject": "Hello ${Leads.First_Name}", "body": "Dear ${Leads.Last_Name}, …"}}}]}],
	"records": {"Leads": [{"ref": "ada", "First_Name": "Ada", "Last_Name": "Lovelace", "Email": "ada@example.com"}]},
	"enrolments": [{"cadence": "cad", "records": ["ada"]}]}`

// A manual cadence runs as the clock moves: the task an hour after enrolment, the call a day after
// the task is completed (its trigger), the email two business days after the call; a reply
// un-enrols the lead (automatic_unenroll).
func TestCadenceRunsOnTheClock(t *testing.T) {
	backends(t, func(t *testing.T, db zcrmtest.Option) {
		e := newEnv(t, db)
		refs := e.srv.Seed(nurture)
		lead := refs["ada"]

		if got := e.list("Leads/" + lead + "/Tasks?fields=Subject"); len(got) != 0 {
			t.Fatalf("a task before its time: %v", got)
		}
		e.srv.AdvanceClock(59 * time.Minute)
		if got := e.list("Leads/" + lead + "/Tasks?fields=Subject"); len(got) != 0 {
			t.Fatalf("a task a minute early: %v", got)
		}
		e.srv.AdvanceClock(30 * time.Minute) // 10:29: the task was due at 10:00
		tasks := e.list("Leads/" + lead + "/Tasks?fields=Subject,Priority,Due_Date,Status,What_Id,Created_Time")
		if len(tasks) != 1 {
			t.Fatalf("tasks = %v", tasks)
		}
		task := tasks[0]
		what, _ := task["What_Id"].(map[string]any)
		if task["Subject"] != "Call Lovelace" || task["Priority"] != "High" || task["Due_Date"] != "2030-01-09" ||
			what["id"] != lead || task["$se_module"] != "Leads" || task["Created_Time"] != "2030-01-07T10:00:00+00:00" {
			t.Fatalf("task = %v", task)
		}

		// The call waits for the task to be completed, however long.
		e.srv.AdvanceClock(72 * time.Hour)
		if got := e.list("Leads/" + lead + "/Calls?fields=Subject"); len(got) != 0 {
			t.Fatalf("a call before the task was completed: %v", got)
		}
		if status, v := e.do("PUT", "Tasks/"+task["id"].(string), `{"data":[{"Status":"Completed"}]}`); status != 200 {
			t.Fatalf("complete the task: %d %v", status, v)
		}
		completed := e.srv.Now()
		e.srv.AdvanceClock(23 * time.Hour)
		if got := e.list("Leads/" + lead + "/Calls?fields=Subject"); len(got) != 0 {
			t.Fatalf("a call an hour early: %v", got)
		}
		e.srv.AdvanceClock(time.Hour)
		calls := e.list("Leads/" + lead + "/Calls?fields=Subject,Call_Type,Call_Start_Time,Created_Time")
		if len(calls) != 1 || calls[0]["Subject"] != "Demo" || calls[0]["Call_Type"] != "Outbound" ||
			calls[0]["Created_Time"] != completed.Add(24*time.Hour).UTC().Format("2006-01-02T15:04:05+00:00") {
			t.Fatalf("calls = %v (task completed at %s)", calls, completed)
		}

		// Two business days after the call (the call was on a Friday: the next Tuesday), the email.
		if got := e.srv.Emails(e.srv.Org); len(got) != 0 {
			t.Fatalf("an email before its time: %v", got)
		}
		e.srv.AdvanceClock(7 * 24 * time.Hour)
		mails := e.srv.Emails(e.srv.Org)
		if len(mails) != 1 || mails[0].To != "ada@example.com" || mails[0].Subject != "Hello Ada" || mails[0].Body != "Dear Lovelace, …" ||
			mails[0].Channel != "email" || mails[0].RecordID != lead || mails[0].Delivery != "outbox" {
			t.Fatalf("emails = %+v", mails)
		}

		// The lead replies: automatic_unenroll ends the enrolment.
		e.srv.ReplyToEmail(mails[0].ID)
		rows := e.list("Leads/" + lead + "/Entity_Cadences_leads")
		if len(rows) != 1 {
			t.Fatalf("enrolments = %v", rows)
		}
		if rows[0]["status"] != "unenrolled" || rows[0]["unenrolled_time"] != e.srv.Now().UTC().Format("2006-01-02T15:04:05+00:00") {
			t.Fatalf("the reply did not un-enrol the lead: %v", rows[0])
		}
	})
}
