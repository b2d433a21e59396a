package e2e

import (
	"context"
	"fmt"
	"testing"

	"github.com/zcrm/zcrm/client"
)

// seedFixtures creates, through the Go client, n contacts linked to one campaign, each with a
// contact role on one deal and enrolled in one active manual cadence named "SDK Cadence".
func seedFixtures(t *testing.T, api *client.Client, n int) (contacts []string, campaign, deal, cadence string) {
	t.Helper()
	ctx := context.Background()
	var rows []client.Record
	for i := 0; i < n; i++ {
		rows = append(rows, client.Record{"Last_Name": fmt.Sprintf("Contact %d", i)})
	}
	res, err := api.InsertRecords(ctx, "Contacts", rows...)
	must(t, err)
	contacts = res.IDs()
	campaign, err = api.InsertRecord(ctx, "Campaigns", client.Record{"Campaign_Name": "Launch"})
	must(t, err)
	deal, err = api.InsertRecord(ctx, "Deals", client.Record{"Deal_Name": "Big", "Stage": "Qualification"})
	must(t, err)
	var links []client.Record
	var roles []client.DealRole
	for _, c := range contacts {
		links = append(links, client.Record{"id": c})
		roles = append(roles, client.DealRole{ContactID: c, Role: client.Ref{Name: "Purchasing"}})
	}
	_, err = api.LinkRelatedRecords(ctx, "Campaigns", campaign, "Contacts", links...)
	must(t, err)
	_, err = api.SetDealContactRoles(ctx, deal, roles...)
	must(t, err)
	created, err := api.CreateCadence(ctx, client.CadenceInput{
		Name: "SDK Cadence", Module: &client.ModuleRef{APIName: "Contacts"}, Type: client.CadenceManualEnrollment,
		FollowUps: []client.FollowUp{{ReferenceID: "1", ExecuteAfter: &client.Interval{Unit: 1, Period: "days"},
			Action: &client.FollowUpAction{Type: "tasks", Details: map[string]any{"subject": "Call back"}}}},
	})
	must(t, err)
	cadence = created.ID()
	_, err = api.PublishCadence(ctx, cadence, false)
	must(t, err)
	_, err = api.ActivateCadence(ctx, cadence)
	must(t, err)
	_, err = api.EnrolInCadences(ctx, "Contacts", []string{cadence}, contacts)
	must(t, err)
	return contacts, campaign, deal, cadence
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
