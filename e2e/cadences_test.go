package e2e

import (
	"fmt"
	"testing"
)

// A cadence's whole life through the built binary over HTTP: create (a draft), list, publish,
// activate, enrol a contact, un-enrol it, and see the enrolment history on the record.
func TestCadenceLifecycleOverHTTP(t *testing.T) {
	s := startServer(t, "")
	tok := str(t, s.cli("token", "--scope", "ZohoCRM.modules.ALL,ZohoCRM.settings.cadences.ALL"), "access_token")

	if st, body := s.do("GET", "/crm/v8/settings/automation/cadences", tok, ""); st != 204 || body != "" {
		t.Fatalf("empty list = %d %q, want 204 and no body", st, body)
	}
	contact := s.mustJSON("POST", "/crm/v8/Contacts", tok, `{"data":[{"Last_Name":"Lovelace"}]}`, 201)
	cid := contact["data"].([]any)[0].(map[string]any)["details"].(map[string]any)["id"].(string)

	created := s.mustJSON("POST", "/crm/v8/settings/automation/cadences", tok, `{"cadences":[{"name":"Onboarding",
		"module":{"api_name":"Contacts"},"type":"manual_enrollment","follow_ups":[
		{"reference_id":"1","execute_after":{"unit":1,"period":"days"},"action":{"type":"tasks","details":{"subject":"Call"}}},
		{"reference_id":"2","parent_follow_up":{"reference_id":"1"},"execute_after":{"unit":2,"period":"days"},"action":{"type":"email_notifications","id":"1"}}]}]}`, 201)
	item := created["cadences"].([]any)[0].(map[string]any)
	if item["code"] != "SUCCESS" {
		t.Fatalf("create = %v", created)
	}
	id := item["details"].(map[string]any)["id"].(string)

	status := func() (bool, bool, string) {
		list := s.mustJSON("GET", "/crm/v2.1/settings/automation/cadences", tok, "", 200)
		c := list["cadences"].([]any)[0].(map[string]any)
		return c["active"].(bool), c["published"].(bool), c["status"].(string)
	}
	if a, p, st := status(); a || p || st != "draft" {
		t.Fatalf("new cadence active=%v published=%v status=%s, want a draft", a, p, st)
	}
	enrol := fmt.Sprintf(`{"cadences_ids":[%q],"ids":[%q]}`, id, cid)
	// A draft cadence cannot take enrolments.
	if st, body := s.do("POST", "/crm/v8/Contacts/actions/enrol_in_cadences", tok, enrol); st != 400 {
		t.Fatalf("enrol in a draft = %d %s, want 400", st, body)
	}
	s.mustJSON("POST", "/crm/v8/settings/automation/cadences/"+id+"/actions/publish", tok, `{"cadences":[]}`, 200)
	if a, p, st := status(); a || !p || st != "inactive" {
		t.Fatalf("published cadence active=%v published=%v status=%s, want published and inactive", a, p, st)
	}
	s.mustJSON("POST", "/crm/v8/settings/automation/cadences/"+id+"/actions/activate", tok, `{}`, 200)
	if a, p, st := status(); !a || !p || st != "active" {
		t.Fatalf("activated cadence active=%v published=%v status=%s, want active", a, p, st)
	}

	got := s.mustJSON("POST", "/crm/v8/Contacts/actions/enrol_in_cadences", tok, enrol, 200)
	want := fmt.Sprintf(`map[data:[map[code:SUCCESS details:map[cadences:[map[id:%s name:Onboarding]] id:%s] message:records manually enrolled status:success]]]`, id, cid)
	if fmt.Sprint(got) != want {
		t.Fatalf("enrol = %v\nwant %s", got, want)
	}
	got = s.mustJSON("POST", "/crm/v7/Contacts/actions/unenrol_from_cadences", tok, enrol, 200)
	want = fmt.Sprintf(`map[data:[map[code:SUCCESS details:map[cadences:[map[id:%s name:Onboarding]] id:%s] message:records manually unenrolled status:success]]]`, id, cid)
	if fmt.Sprint(got) != want {
		t.Fatalf("unenrol = %v\nwant %s", got, want)
	}
	hist := s.mustJSON("GET", "/crm/v8/Contacts/"+cid+"/Entity_Cadences_contacts?fields=name", tok, "", 200)
	rows := hist["data"].([]any)
	if len(rows) != 1 {
		t.Fatalf("enrolment history = %v, want one row", hist)
	}
	row := rows[0].(map[string]any)
	if row["id"] != id || row["name"] != "Onboarding" || row["enrolled_time"] == nil || row["unenrolled_time"] == nil {
		t.Fatalf("history row = %v, want the cadence, enrolled and un-enrolled", row)
	}
}
