package e2e

import (
	"context"
	"testing"

	"github.com/zcrm/zcrm/client"
)

// A cadence's whole life through the built binary over HTTP, with the Go client: create (a draft),
// list, publish, activate, enrol a contact, un-enrol it, and see the enrolment history on the record.
func TestCadenceLifecycleOverHTTP(t *testing.T) {
	ctx := context.Background()
	s := startServer(t, "")
	api := s.api(str(t, s.cli("token", "--scope", "ZohoCRM.modules.ALL,ZohoCRM.settings.cadences.ALL"), "access_token"))

	if st, body := s.do("GET", "/crm/v8/settings/automation/cadences", mustToken(t, api), ""); st != 204 || body != "" {
		t.Fatalf("empty list = %d %q, want 204 and no body", st, body)
	}
	cid, err := api.InsertRecord(ctx, "Contacts", client.Record{"Last_Name": "Lovelace"})
	if err != nil {
		t.Fatal(err)
	}
	created, err := api.CreateCadence(ctx, client.CadenceInput{
		Name: "Onboarding", Module: &client.ModuleRef{APIName: "Contacts"}, Type: client.CadenceManualEnrollment,
		FollowUps: []client.FollowUp{
			{ReferenceID: "1", ExecuteAfter: &client.Interval{Unit: 1, Period: "days"}, Action: &client.FollowUpAction{Type: "tasks", Details: map[string]any{"subject": "Call"}}},
			{ReferenceID: "2", ParentFollowUp: &client.FollowUpRef{ReferenceID: "1"}, ExecuteAfter: &client.Interval{Unit: 2, Period: "days"}, Action: &client.FollowUpAction{Type: "email_notifications", ID: "1"}},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	id := created.ID()

	state := func(want string, active, published bool) {
		t.Helper()
		page, err := api.Cadences(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		c := page.Cadences[0]
		if c.ID != id || c.Status != want || c.Active != active || c.Published != published {
			t.Fatalf("cadence = %+v, want status %s active=%v published=%v", c, want, active, published)
		}
	}
	state("draft", false, false)
	// A draft cadence cannot take enrolments.
	if _, err := api.EnrolInCadences(ctx, "Contacts", []string{id}, []string{cid}); err == nil {
		t.Fatal("enrolling in a draft succeeded")
	}
	if _, err := api.PublishCadence(ctx, id, false); err != nil {
		t.Fatal(err)
	}
	state("inactive", false, true)
	if _, err := api.ActivateCadence(ctx, id); err != nil {
		t.Fatal(err)
	}
	state("active", true, true)

	for _, step := range []struct {
		call func(context.Context, string, []string, []string) (client.Results, error)
		msg  string
	}{{api.EnrolInCadences, "records manually enrolled"}, {api.UnenrolFromCadences, "records manually unenrolled"}} {
		res, err := step.call(ctx, "Contacts", []string{id}, []string{cid})
		if err != nil {
			t.Fatal(err)
		}
		it := res.Items[0]
		cads, _ := it.Details["cadences"].([]any)
		if res.StatusCode != 200 || len(res.Items) != 1 || it.Message != step.msg || it.ID() != cid || len(cads) != 1 ||
			cads[0].(map[string]any)["id"] != id || cads[0].(map[string]any)["name"] != "Onboarding" {
			t.Fatalf("%s: %+v", step.msg, res)
		}
	}
	hist, err := api.RelatedRecords(ctx, "Contacts", cid, "Entity_Cadences_contacts", &client.ListOptions{Fields: []string{"name"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(hist.Data) != 1 {
		t.Fatalf("enrolment history = %+v, want one row", hist)
	}
	row := hist.Data[0]
	if row.ID() != id || row["name"] != "Onboarding" || row["enrolled_time"] == nil || row["unenrolled_time"] == nil {
		t.Fatalf("history row = %v, want the cadence, enrolled and un-enrolled", row)
	}
}

// mustToken returns the client's current access token.
func mustToken(t *testing.T, api *client.Client) string {
	t.Helper()
	tok, err := api.AccessToken(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return tok
}
