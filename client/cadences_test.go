package client_test

import (
	"errors"
	"testing"

	"github.com/zcrm/zcrm/client"
	"github.com/zcrm/zcrm/zcrmtest"
)

// onboarding is a manual-enrolment cadence on Contacts with two follow-ups.
func onboarding(name string) client.CadenceInput {
	return client.CadenceInput{
		Name: name, Module: &client.ModuleRef{APIName: "Contacts"}, Type: client.CadenceManualEnrollment,
		FollowUps: []client.FollowUp{
			{ReferenceID: "1", ExecuteAfter: &client.Interval{Unit: 1, Period: "days"},
				Action: &client.FollowUpAction{Type: "tasks", Details: map[string]any{"subject": "Call"}}},
			{ReferenceID: "2", ParentFollowUp: &client.FollowUpRef{ReferenceID: "1"}, ExecuteAfter: &client.Interval{Unit: 2, Period: "days"},
				Action: &client.FollowUpAction{Type: "email_notifications", ID: "1"}},
		},
	}
}

// A cadence's whole life through the typed calls: create (a draft), list, read, update, publish,
// activate, enrol, un-enrol, deactivate, delete.
func TestCadenceLifecycle(t *testing.T) {
	eachBackend(t, func(t *testing.T, db zcrmtest.Option) {
		srv := zcrmtest.NewServer(t, db)
		c, ctx := srv.Client, t.Context()

		page, err := c.Cadences(ctx, nil)
		if err != nil || len(page.Cadences) != 0 {
			t.Fatalf("empty list = %+v, %v", page, err)
		}
		it, err := c.CreateCadence(ctx, onboarding("Onboarding"))
		if err != nil {
			t.Fatal(err)
		}
		id := it.ID()
		if id == "" || it.Code != "SUCCESS" {
			t.Fatalf("create = %+v", it)
		}
		page, err = c.Cadences(ctx, &client.CadenceListOptions{Module: "Contacts"})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Cadences) != 1 || page.Info.Count != 1 {
			t.Fatalf("list = %+v", page)
		}
		got := page.Cadences[0]
		if got.ID != id || got.Name != "Onboarding" || got.Module.APIName != "Contacts" || got.Type != "Manual enrollment" ||
			got.Status != "draft" || got.Active || got.Published || got.CustomView != nil {
			t.Fatalf("listed cadence = %+v", got)
		}
		one, err := c.Cadence(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if one.Type != client.CadenceManualEnrollment || len(one.FollowUps) != 2 || one.FollowUps[0].Action == nil {
			t.Fatalf("cadence by id = %+v", one)
		}

		if it, err = c.UpdateCadence(ctx, id, client.CadenceInput{Description: "first week"}); err != nil || it.ID() != id {
			t.Fatalf("update = %+v, %v", it, err)
		}
		res, err := c.UpdateCadences(ctx, client.CadenceInput{ID: id, Name: "Onboarding v2"})
		if err != nil {
			t.Fatal(err)
		}
		wantItems(t, res, [3]string{"SUCCESS", "Cadences updated successfully", id})

		if it, err = c.PublishCadence(ctx, id, false); err != nil || it.Message != "Cadences published successfully" {
			t.Fatalf("publish = %+v, %v", it, err)
		}
		if it, err = c.ActivateCadence(ctx, id); err != nil || it.Message != "Cadences activated successfully" {
			t.Fatalf("activate = %+v, %v", it, err)
		}
		_, err = c.ActivateCadence(ctx, id)
		if !errors.Is(err, client.ErrAlreadyActivated) {
			t.Fatalf("second activate = %v, want ErrAlreadyActivated", err)
		}
		active := true
		page, err = c.Cadences(ctx, &client.CadenceListOptions{Active: &active, Name: client.NameCriteria("starts_with", "Onboarding")})
		if err != nil || len(page.Cadences) != 1 || !page.Cadences[0].Active || page.Cadences[0].Status != "active" || page.Cadences[0].Name != "Onboarding v2" {
			t.Fatalf("active list = %+v, %v", page, err)
		}

		contact := srv.CreateRecord(srv.Admin, "Contacts", map[string]any{"Last_Name": "Lovelace"})
		res, err = c.EnrolInCadences(ctx, "Contacts", []string{id}, []string{contact})
		if err != nil {
			t.Fatal(err)
		}
		wantItems(t, res, [3]string{"SUCCESS", "records manually enrolled", contact})
		if refs := res.Items[0].Refs("cadences"); len(refs) != 1 || refs[0] != (client.Ref{Name: "Onboarding v2", ID: id}) {
			t.Fatalf("enrolled cadences = %+v", refs)
		}
		res, err = c.UnenrolFromCadences(ctx, "Contacts", []string{id}, []string{contact})
		if err != nil {
			t.Fatal(err)
		}
		wantItems(t, res, [3]string{"SUCCESS", "records manually unenrolled", contact})
		hist, err := c.RelatedRecords(ctx, "Contacts", contact, "Entity_Cadences_contacts", &client.ListOptions{Fields: []string{"name"}})
		if err != nil || len(hist.Data) != 1 || hist.Data[0].ID() != id || hist.Data[0]["unenrolled_time"] == nil {
			t.Fatalf("enrolment history = %+v, %v", hist, err)
		}

		if it, err = c.DeactivateCadence(ctx, id); err != nil || it.Message != "Cadences deactivated successfully" {
			t.Fatalf("deactivate = %+v, %v", it, err)
		}
		if _, err = c.DeactivateCadence(ctx, id); !errors.Is(err, client.ErrAlreadyDeactivated) {
			t.Fatalf("second deactivate = %v, want ErrAlreadyDeactivated", err)
		}
		if it, err = c.DeleteCadence(ctx, id); err != nil || it.Message != "Cadences deleted successfully" {
			t.Fatalf("delete = %+v, %v", it, err)
		}
		if _, err = c.Cadence(ctx, id); !errors.Is(err, client.ErrNotFound) {
			t.Fatalf("deleted cadence = %v, want ErrNotFound", err)
		}
		_, err = c.DeleteCadence(ctx, id)
		ae := wantAPIError(t, err, 400, "INVALID_DATA", "the given id seems to be invalid")
		if ae.Detail("resource_path_index") != "3" {
			t.Fatalf("details = %v", ae.Details)
		}
	})
}

// Un-enrolling a known and an unknown record: HTTP 207, one item each, and the error names the
// failed id's position.
func TestUnenrolMixedItems(t *testing.T) {
	eachBackend(t, func(t *testing.T, db zcrmtest.Option) {
		srv := zcrmtest.NewServer(t, db)
		c, ctx := srv.Client, t.Context()
		id := activeCadence(t, c, "Mixed")
		contact := srv.CreateRecord(srv.Admin, "Contacts", map[string]any{"Last_Name": "Known"})
		if _, err := c.EnrolInCadences(ctx, "Contacts", []string{id}, []string{contact}); err != nil {
			t.Fatal(err)
		}
		res, err := c.UnenrolFromCadences(ctx, "Contacts", []string{id}, []string{contact, "111111111111111111"})
		if res.StatusCode != 207 || len(res.Items) != 2 {
			t.Fatalf("results = %+v", res)
		}
		if !res.Items[0].OK() || res.Items[0].ID() != contact {
			t.Fatalf("first item = %+v", res.Items[0])
		}
		bad := res.Items[1]
		if bad.OK() || bad.Code != "INVALID_DATA" || bad.Message != "given id seems to be invalid" ||
			jsonOf(t, bad.Details) != `{"api_name":"ids","json_path":"$.ids[1]"}` {
			t.Fatalf("second item = %+v", bad)
		}
		if res.Items[0].RequestID != contact || bad.RequestID != "111111111111111111" {
			t.Fatalf("request ids = %q, %q", res.Items[0].RequestID, bad.RequestID)
		}
		var ie *client.ItemsError
		if !errors.As(err, &ie) || len(ie.Failed()) != 1 || ie.Failed()[0].Index != 1 || ie.Failed()[0].RequestID != "111111111111111111" {
			t.Fatalf("err = %v, want an *ItemsError with item 1 failed", err)
		}
		if want := "zcrm: 1 of 2 items failed (HTTP 207); item 1: INVALID_DATA: given id seems to be invalid (id 111111111111111111, $.ids[1])"; err.Error() != want {
			t.Fatalf("message = %q\nwant      %q", err.Error(), want)
		}
		if !errors.Is(err, client.ErrInvalidData) {
			t.Fatalf("errors.Is(%v, ErrInvalidData) = false", err)
		}
		var ae *client.APIError
		if !errors.As(err, &ae) || ae.Status != 207 || ae.Detail("json_path") != "$.ids[1]" {
			t.Fatalf("errors.As APIError = %+v", ae)
		}

		// Every id unknown: HTTP 400 with the same wrapper, not a top-level error.
		res, err = c.UnenrolFromCadences(ctx, "Contacts", []string{id}, []string{"111111111111111111"})
		if res.StatusCode != 400 || len(res.Items) != 1 || !errors.As(err, &ie) || ie.StatusCode != 400 {
			t.Fatalf("all failed = %+v, %v", res, err)
		}
		// An unknown cadence fails the whole request.
		_, err = c.UnenrolFromCadences(ctx, "Contacts", []string{"222222222222222222"}, []string{contact})
		ae = wantAPIError(t, err, 400, "INVALID_DATA", "the given id seems to be invalid")
		if ae.Detail("api_name") != "cadences_ids" {
			t.Fatalf("details = %v", ae.Details)
		}
	})
}

// activeCadence creates, publishes and activates a manual cadence on Contacts and returns its id.
func activeCadence(t *testing.T, c *client.Client, name string) string {
	t.Helper()
	it, err := c.CreateCadence(t.Context(), onboarding(name))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.PublishCadence(t.Context(), it.ID(), false); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ActivateCadence(t.Context(), it.ID()); err != nil {
		t.Fatal(err)
	}
	return it.ID()
}

// Request-level failures of the cadence APIs: scope, edition and profile.
func TestCadenceAccessErrors(t *testing.T) {
	srv := zcrmtest.NewServer(t)
	ctx := t.Context()
	narrow := srv.NewClient(srv.Admin, []string{"ZohoCRM.modules.ALL"})
	_, err := narrow.Cadences(ctx, nil)
	wantAPIError(t, err, 401, "OAUTH_SCOPE_MISMATCH", "invalid oauth scope to access this URL")
	if !errors.Is(err, client.ErrScopeMismatch) {
		t.Fatalf("errors.Is(%v, ErrScopeMismatch) = false", err)
	}

	org, admin := srv.CreateOrg("Small Co", "professional")
	_, err = srv.NewClient(admin, nil).Cadences(ctx, nil)
	wantAPIError(t, err, 403, "FEATURE_NOT_ENABLED", "Feature is not supported in this edition")
	if !errors.Is(err, client.ErrFeatureNotEnabled) {
		t.Fatal("errors.Is ErrFeatureNotEnabled = false")
	}
	_ = org

	std := srv.CreateUser(srv.Org, "rep@zcrm.local", "Standard")
	_, err = srv.NewClient(std, nil).UnenrolFromCadences(ctx, "Contacts", []string{"1"}, []string{"2"})
	ae := wantAPIError(t, err, 403, "NO_PERMISSION", "No permission")
	if !errors.Is(err, client.ErrNoPermission) || jsonOf(t, ae.Details) != `{"permissions":["Crm_Implied_Manage_UnEnroll_Series"]}` {
		t.Fatalf("NO_PERMISSION details = %v", ae.Details)
	}
}
