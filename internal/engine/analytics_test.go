package engine_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/zcrm/zcrm/zcrmtest"
)

// Progress on the record's cadence rows and the cadence's analytics (GET …/actions/analytics, as
// Zoho's v8 getCadenceAnalytics), through the API on both stores.

// followUpIDs returns the cadence's follow-up ids by action type.
func (e *env) followUpIDs(cad string) map[string]string {
	e.t.Helper()
	v := e.ok(200, "GET", "settings/automation/cadences/"+cad, "")
	out := map[string]string{}
	for _, raw := range v["cadences"].([]any)[0].(map[string]any)["follow_ups"].([]any) {
		fu := raw.(map[string]any)
		out[fu["action"].(map[string]any)["type"].(string)] = fu["id"].(string)
	}
	return out
}

const analyticsSeed = `{"cadences": [{"ref": "cad", "name": "Nurture", "module": {"api_name": "Leads"}, "type": "manual_enrollment",
	"published": true, "active": true,
	"follow_ups": [
		{"reference_id": "task", "execute_after": {"unit": 1, "period": "hours"},
		 "action": {"type": "tasks", "name": "First call", "field_mappings": [
			{"field": {"api_name": "Subject"}, "type": "static", "value": "Call ${Leads.Last_Name}"}]}},
		{"reference_id": "call", "parent_follow_up": {"reference_id": "task"}, "execute_after": {"unit": 1, "period": "days"},
		 "action": {"type": "schedule_call", "name": "Demo", "details": {"field_mappings": [
			{"field": {"api_name": "Call_Start_Time"}, "type": "execution_time", "value": {"unit": "2", "period": "days", "sign": "plus"}}]}}},
		{"reference_id": "mail", "parent_follow_up": {"reference_id": "call"}, "execute_after": {"unit": 1, "period": "days"},
		 "action": {"type": "email_notifications", "name": "Hello", "template": {"name": "Template", "id": "111112000000080016"},
			"details": {"subject": "Hello ${Leads.Last_Name}"}}},
		{"reference_id": "wa", "parent_follow_up": {"reference_id": "mail"}, "execute_after": {"unit": 1, "period": "days"},
		 "action": {"type": "whatsapp_message_notification", "name": "cad whatsapp"}}]}],
	"records": {"Leads": [
		{"ref": "ada", "Last_Name": "Lovelace", "Email": "ada@example.com", "Mobile": "+15550100"},
		{"ref": "bob", "Last_Name": "Babbage"}]},
	"enrolments": [{"cadence": "cad", "records": ["ada", "bob"]}]}`

// The record's cadence rows show each enrolment's next follow-up and its follow-ups by state;
// analytics count each follow-up's runs and what became of what they made.
func TestProgressAndAnalytics(t *testing.T) {
	backends(t, func(t *testing.T, db zcrmtest.Option) {
		e := newEnv(t, db)
		refs := e.srv.Seed(analyticsSeed)
		cad, ada, bob := refs["cad"], refs["ada"], refs["bob"]
		fu := e.followUpIDs(cad)

		row := e.cadenceRows(ada)[0]
		sameJSON(t, "row at enrolment", row, fmt.Sprintf(`{"id":%q,"name":"Nurture","status":"enrolled","enrolled_time":%q,"unenrolled_time":null,
			"next_follow_up":{"id":%q,"type":"tasks","due_time":"2030-01-07T10:00:00+00:00"},
			"follow_ups":{"done":0,"pending":1,"waiting":0,"failed":0,"cancelled":0}}`, cad, rfc(monday), fu["tasks"]))

		// 10:00 the tasks, the next day the calls (due two days later), the day after the emails
		// (Babbage has no Email: failed), then the WhatsApp messages (Babbage has no number).
		e.srv.AdvanceClock(time.Hour)
		row = e.cadenceRows(ada)[0]
		sameJSON(t, "row after the task", map[string]any{"next": row["next_follow_up"], "counts": row["follow_ups"]},
			fmt.Sprintf(`{"next":{"id":%q,"type":"schedule_call","due_time":"2030-01-08T10:00:00+00:00"},
			"counts":{"done":1,"pending":1,"waiting":0,"failed":0,"cancelled":0}}`, fu["schedule_call"]))
		tasks := e.list("Leads/" + ada + "/Tasks?fields=Subject")
		e.ok(200, "PUT", "Tasks/"+tasks[0]["id"].(string), `{"data":[{"Status":"Completed"}]}`)
		e.srv.AdvanceClock(24 * time.Hour)
		e.srv.AdvanceClock(24 * time.Hour)
		mails := e.srv.Emails(e.srv.Org)
		if len(mails) != 1 {
			t.Fatalf("emails = %+v", mails)
		}
		e.srv.ReplyToEmail(mails[0].ID)
		e.srv.AdvanceClock(24 * time.Hour) // 2030-01-10 10:00: the calls (due the 10th 10:00) are not yet overdue
		row = e.cadenceRows(bob)[0]
		sameJSON(t, "Babbage's progress", map[string]any{"next": row["next_follow_up"], "counts": row["follow_ups"]},
			`{"next":null,"counts":{"done":2,"pending":0,"waiting":0,"failed":1,"cancelled":0}}`)

		e.srv.AdvanceClock(time.Minute) // the calls are overdue
		want := fmt.Sprintf(`{"cadences":[{"module":{"api_name":"Leads","id":%%q},"name":"Nurture","follow_ups":[
			{"analytics":{"open_tasks_count":1,"failed_tasks_count":0,"subject":"Call ${Leads.Last_Name}","completed_tasks_count":1,"tasks_count":2},
			 "parent_follow_up":null,"action":{"name":"First call","type":"tasks"},"id":%q},
			{"analytics":{"created_calls_count":0,"cancelled_calls_count":0,"failed_calls_count":0,"completed_calls_count":0,"scheduled_calls_count":0,
				"subject":"Demo","calls_count":2,"overdue_calls_count":2,"missed_calls_count":0},
			 "parent_follow_up":{"id":%q,"type":"tasks"},"action":{"name":"Demo","type":"schedule_call"},"id":%q},
			{"analytics":{"email_count":1,"bounced_email_count":0,"clicked_email_count":0,"replied_email_count":1,"sent_email_count":1,
				"unsent_email_count":1,"opened_email_count":1},
			 "parent_follow_up":{"id":%q,"type":"schedule_call"},
			 "action":{"template":{"name":"Template","id":"111112000000080016"},"name":"Hello","type":"email_notifications"},"id":%q},
			{"analytics":{"whatsapp_count":1,"delivered_whatsapp_count":1,"failed_whatsapp_count":0},
			 "parent_follow_up":{"id":%q,"type":"email_notifications"},
			 "action":{"name":"cad whatsapp","id":%%q,"type":"whatsapp_message_notification"},"id":%q}],
			"id":%q,"created_by":{"name":%%q,"id":%q}}]}`,
			fu["tasks"], fu["tasks"], fu["schedule_call"], fu["schedule_call"], fu["email_notifications"],
			fu["email_notifications"], fu["whatsapp_message_notification"], cad, e.srv.Admin.ID)
		status, got := e.do("GET", "settings/automation/cadences/"+cad+"/actions/analytics", "")
		if status != http.StatusOK {
			t.Fatalf("analytics: %d %v", status, got)
		}
		c0 := got["cadences"].([]any)[0].(map[string]any)
		moduleID := c0["module"].(map[string]any)["id"].(string)
		waAction := c0["follow_ups"].([]any)[3].(map[string]any)["action"].(map[string]any)["id"]
		creator := c0["created_by"].(map[string]any)["name"].(string)
		sameJSON(t, "analytics", got, fmt.Sprintf(want, moduleID, waAction, creator))

		// filters keeps one action type; the executed window keeps the runs in it (the tasks ran
		// at 10:00 on the 7th, the calls on the 8th).
		filter := url.QueryEscape(`{"field":{"api_name":"follow_ups.action.type"},"comparator":"equal","value":"schedule_call"}`)
		got = e.ok(200, "GET", "settings/automation/cadences/"+cad+"/actions/analytics?filters="+filter, "")
		fus := got["cadences"].([]any)[0].(map[string]any)["follow_ups"].([]any)
		if len(fus) != 1 || fus[0].(map[string]any)["id"] != fu["schedule_call"] {
			t.Fatalf("filtered follow-ups = %v", fus)
		}
		window := "follow_ups_executed_from=" + url.QueryEscape("2030-01-07T00:00:00+00:00") +
			"&follow_ups_executed_till=" + url.QueryEscape("2030-01-07T23:59:59+00:00")
		got = e.ok(200, "GET", "settings/automation/cadences/"+cad+"/actions/analytics?"+window, "")
		fus = got["cadences"].([]any)[0].(map[string]any)["follow_ups"].([]any)
		sameJSON(t, "windowed", []any{fus[0].(map[string]any)["analytics"], fus[1].(map[string]any)["analytics"]},
			`[{"open_tasks_count":1,"failed_tasks_count":0,"subject":"Call ${Leads.Last_Name}","completed_tasks_count":1,"tasks_count":2},
			  {"created_calls_count":0,"cancelled_calls_count":0,"failed_calls_count":0,"completed_calls_count":0,"scheduled_calls_count":0,
				"subject":"Demo","calls_count":0,"overdue_calls_count":0,"missed_calls_count":0}]`)

		// An un-enrolment cancels what was pending: the row says so.
		e.ok(200, "POST", "Leads/actions/unenrol_from_cadences", `{"cadences_ids":["`+cad+`"],"ids":["`+ada+`"]}`)
		row = e.cadenceRows(ada)[0]
		sameJSON(t, "Lovelace un-enrolled", map[string]any{"next": row["next_follow_up"], "counts": row["follow_ups"]},
			`{"next":null,"counts":{"done":4,"pending":0,"waiting":0,"failed":0,"cancelled":0}}`)

		// The cadence's summary counts its follow-ups, whatever ran.
		list := e.ok(200, "GET", "settings/automation/cadences", "")
		sameJSON(t, "summary", list["cadences"].([]any)[0].(map[string]any)["summary"],
			`{"task_follow_up_count":1,"call_follow_up_count":1,"email_follow_up_count":1}`)
	})
}

// Every error example of Zoho's getCadenceAnalytics page, full JSON.
func TestAnalyticsErrors(t *testing.T) {
	backends(t, func(t *testing.T, db zcrmtest.Option) {
		e := newEnv(t, db)
		cad := e.srv.Seed(pauseSeed)["cad"]
		base := "settings/automation/cadences/" + cad + "/actions/analytics"
		filters := func(s string) string { return base + "?filters=" + url.QueryEscape(s) }
		const from, till = "follow_ups_executed_from=2030-01-01T00:00:00%2B00:00", "follow_ups_executed_till=2030-01-02T00:00:00%2B00:00"
		cases := []struct{ name, path, want string }{
			{"InvalidCadenceId", "settings/automation/cadences/123/actions/analytics",
				`{"code":"INVALID_DATA","details":{"resource_path_index":3},"message":"the given id seems to be invalid","status":"error"}`},
			{"InvalidCadenceId (not an id)", "settings/automation/cadences/abc/actions/analytics",
				`{"code":"INVALID_DATA","details":{"resource_path_index":3},"message":"the given id seems to be invalid","status":"error"}`},
			{"InvalidDataResponse1", base + "?follow_ups_executed_from=2030-01-03T00:00:00%2B00:00&" + till,
				`{"code":"INVALID_DATA","details":{"param_name":"follow_ups_executed_from"},"message":"The given from param is invalid","status":"error"}`},
			{"MandatoryNotFoundResponse1", base + "?" + from,
				`{"code":"DEPENDENT_PARAM_MISSING","details":{"dependee":{"param_name":"follow_ups_executed_till"},"param_name":"follow_ups_executed_from"},"message":"Dependent Param missing","status":"error"}`},
			{"MandatoryNotFoundResponse2", base + "?" + till,
				`{"code":"DEPENDENT_PARAM_MISSING","details":{"dependee":{"param_name":"follow_ups_executed_from"},"param_name":"follow_ups_executed_till"},"message":"Dependent Param missing","status":"error"}`},
			{"FiltersMandatorynotFound", filters(`{"field":{},"comparator":"equal","value":"tasks"}`),
				`{"code":"MANDATORY_NOT_FOUND","details":{"api_name":"api_name","json_path":"$.field.api_name","param_name":"filters"},"message":"required field not found","status":"error"}`},
			{"FiltersComparatorMissing", filters(`{"field":{"api_name":"follow_ups.action.type"},"value":"tasks"}`),
				`{"code":"DEPENDENT_FIELD_MISSING","details":{"dependee":{"api_name":"field","json_path":"$.field"},"api_name":"comparator","json_path":"$.comparator","param_name":"filters"},"message":"dependent field is missing","status":"error"}`},
			{"FiltersValueMissing", filters(`{"field":{"api_name":"follow_ups.action.type"},"comparator":"equal"}`),
				`{"code":"DEPENDENT_FIELD_MISSING","details":{"dependee":{"api_name":"field","json_path":"$.field"},"api_name":"value","json_path":"$.value","param_name":"filters"},"message":"dependent field is missing","status":"error"}`},
			{"FiltersFieldMissing", filters(`{"comparator":"equal","value":"tasks"}`),
				`{"code":"EXPECTED_FIELD_MISSING","details":{"expected_fields":[{"api_name":"field","json_path":"$.field"}]},"message":"Specify atleast one field","status":"error"}`},
			{"FiltersApiNameInvalidDataType", filters(`{"field":{"api_name":"follow_ups.name"},"comparator":"equal","value":"tasks"}`),
				`{"code":"INVALID_DATA","details":{"expected_data_type":"text","api_name":"api_name","json_path":"$.field.api_name","supported_values":["follow_ups.action.type"],"param_name":"filters"},"message":"invalid data","status":"error"}`},
			{"FiltersValueNotSupported", filters(`{"field":{"api_name":"follow_ups.action.type"},"comparator":"equal","value":"sms"}`),
				`{"code":"DEPENDENT_MISMATCH","details":{"dependee":{"api_name":"api_name","json_path":"$.field.api_name"},"api_name":"value","json_path":"$.value","supported_values":["tasks","schedule_call","email_notifications","whatsapp_message_notification"],"param_name":"filters"},"message":"The value given seems to be invalid","status":"error"}`},
			{"ComparatorNotSupported", filters(`{"field":{"api_name":"follow_ups.action.type"},"comparator":"in","value":"tasks"}`),
				`{"code":"DEPENDENT_MISMATCH","details":{"dependee":{"api_name":"api_name","json_path":"$.field.api_name"},"api_name":"comparator","json_path":"$.comparator","supported_values":["equal"],"param_name":"filters"},"message":"The value given seems to be invalid","status":"error"}`},
			{"InvalidDataType", base + "?follow_ups_executed_from=yesterday&" + till,
				`{"code":"INVALID_DATA","details":{"expected_data_type":"datetime","param_name":"follow_ups_executed_from"},"message":"invalid data type","status":"error"}`},
			{"filters not an object (zcrm)", filters(`tasks`),
				`{"code":"INVALID_DATA","details":{"param_name":"filters"},"message":"invalid data","status":"error"}`},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				status, got := e.do("GET", tc.path, "")
				if status != http.StatusBadRequest {
					t.Fatalf("status %d: %v", status, got)
				}
				sameJSON(t, tc.name, got, tc.want)
			})
		}

		// NoPermissionResponse1: a profile without Crm_Implied_View_Cadences.
		e.srv.CreateProfile(e.srv.Org, "No cadences", "Crm_Implied_View_Cadences")
		u := e.srv.CreateUser(e.srv.Org, "nocad@example.com", "No cadences")
		req, _ := http.NewRequest("GET", e.srv.URL+"/crm/v8/"+base, strings.NewReader(""))
		req.Header.Set("Authorization", "Zoho-oauthtoken "+e.srv.Token(u, zcrmtest.FullScope...).AccessToken)
		res, err := e.srv.HTTPClient().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var body map[string]any
		if err := json.NewDecoder(res.Body).Decode(&body); err != nil || res.StatusCode != http.StatusForbidden {
			t.Fatalf("no permission: %d %v %v", res.StatusCode, body, err)
		}
		sameJSON(t, "NoPermissionResponse1", body,
			`{"code":"NO_PERMISSION","details":{"permissions":["Crm_Implied_View_Cadences"]},"message":"No permission","status":"error"}`)
	})
}
