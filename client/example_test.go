package client_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/zcrm/zcrm/client"
	"github.com/zcrm/zcrm/zcrmtest"
)

// Get Cadences: the org's cadences with their type, state and module.
func ExampleClient_Cadences() {
	srv, err := zcrmtest.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	c, ctx := srv.Client, context.Background()

	draft, err := c.CreateCadence(ctx, client.CadenceInput{Name: "Onboarding", Module: &client.ModuleRef{APIName: "Contacts"},
		Type: client.CadenceManualEnrollment, FollowUps: []client.FollowUp{{ReferenceID: "1",
			ExecuteAfter: &client.Interval{Unit: 1, Period: "days"}, Action: &client.FollowUpAction{Type: "tasks"}}}})
	if err != nil {
		log.Fatal(err)
	}
	c.PublishCadence(ctx, draft.ID(), false)

	page, err := c.Cadences(ctx, &client.CadenceListOptions{Module: "Contacts"})
	if err != nil {
		log.Fatal(err)
	}
	for _, cd := range page.Cadences {
		fmt.Printf("%s: %s on %s, status %s, published %v, active %v\n", cd.Name, cd.Type, cd.Module.APIName, cd.Status, cd.Published, cd.Active)
	}
	fmt.Println("count:", page.Info.Count, "more:", page.Info.MoreRecords)
	// Output:
	// Onboarding: Manual enrollment on Contacts, status inactive, published true, active false
	// count: 1 more: false
}

// Un-enrol records from cadences: one item per record id, naming the cadences it left; an
// unknown record id fails only its own item (HTTP 207).
func ExampleClient_UnenrolFromCadences() {
	srv, err := zcrmtest.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	c, ctx := srv.Client, context.Background()

	cad, _ := c.CreateCadence(ctx, client.CadenceInput{Name: "CadenceTest1", Module: &client.ModuleRef{APIName: "Contacts"},
		Type: client.CadenceManualEnrollment, FollowUps: []client.FollowUp{{ReferenceID: "1",
			ExecuteAfter: &client.Interval{Unit: 1, Period: "days"}, Action: &client.FollowUpAction{Type: "tasks"}}}})
	c.PublishCadence(ctx, cad.ID(), false)
	c.ActivateCadence(ctx, cad.ID())
	contact := srv.CreateRecord(srv.Admin, "Contacts", map[string]any{"Last_Name": "Boyle"})
	c.EnrolInCadences(ctx, "Contacts", []string{cad.ID()}, []string{contact})

	res, err := c.UnenrolFromCadences(ctx, "Contacts", []string{cad.ID()}, []string{contact, "554023000001798647"})
	fmt.Println("HTTP", res.StatusCode)
	for _, it := range res.Items {
		if it.OK() {
			fmt.Println(it.Message, "from", it.Refs("cadences")[0].Name, "- record is ours:", it.ID() == contact)
		} else {
			fmt.Println(it.Code, it.Message, "for", it.RequestID, "at", it.Details["json_path"])
		}
	}
	fmt.Println("invalid data:", errors.Is(err, client.ErrInvalidData))
	// Output:
	// HTTP 207
	// records manually unenrolled from CadenceTest1 - record is ours: true
	// INVALID_DATA given id seems to be invalid for 554023000001798647 at $.ids[1]
	// invalid data: true
}

// Delink related records: remove the relations between a campaign and several contacts at once.
func ExampleClient_DelinkRelatedRecords() {
	srv, err := zcrmtest.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	c, ctx := srv.Client, context.Background()

	campaign := srv.CreateRecord(srv.Admin, "Campaigns", map[string]any{"Campaign_Name": "Launch"})
	a := srv.CreateRecord(srv.Admin, "Contacts", map[string]any{"Last_Name": "A"})
	b := srv.CreateRecord(srv.Admin, "Contacts", map[string]any{"Last_Name": "B"})
	stranger := srv.CreateRecord(srv.Admin, "Contacts", map[string]any{"Last_Name": "Stranger"})
	c.LinkRelatedRecords(ctx, "Campaigns", campaign, "Contacts", client.Record{"id": a}, client.Record{"id": b})

	res, err := c.DelinkRelatedRecords(ctx, "Campaigns", campaign, "Contacts", a, b)
	fmt.Println("HTTP", res.StatusCode, "error:", err)
	for _, it := range res.Items {
		fmt.Println(it.Code, it.Message)
	}

	// A contact that was never related fails on its own.
	res, err = c.DelinkRelatedRecords(ctx, "Campaigns", campaign, "Contacts", stranger)
	var ie *client.ItemsError
	if errors.As(err, &ie) {
		for _, it := range ie.Failed() {
			fmt.Println("HTTP", ie.StatusCode, it.Code, it.Message, "- the stranger:", it.ID() == stranger)
		}
	}
	// Output:
	// HTTP 200 error: <nil>
	// SUCCESS relation removed
	// SUCCESS relation removed
	// HTTP 400 INVALID_DATA relation not found - the stranger: true
}

// Delink one related record.
func ExampleClient_DelinkRelatedRecord() {
	srv, err := zcrmtest.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	c, ctx := srv.Client, context.Background()

	product := srv.CreateRecord(srv.Admin, "Products", map[string]any{"Product_Name": "Widget"})
	lead := srv.CreateRecord(srv.Admin, "Leads", map[string]any{"Last_Name": "Lee", "Company": "Acme"})
	c.LinkRelatedRecord(ctx, "Products", product, "Leads", lead, nil)

	it, err := c.DelinkRelatedRecord(ctx, "Products", product, "Leads", lead)
	fmt.Println(it.Message, err)
	_, err = c.DelinkRelatedRecord(ctx, "Products", "111111111111111111", "Leads", lead)
	var ae *client.APIError
	if errors.As(err, &ae) {
		fmt.Println(ae.Status, ae.Code, ae.Message)
	}
	// Output:
	// relation removed <nil>
	// 400 INVALID_DATA the related id given seems to be invalid
}

// Remove contact roles from a deal: several contacts at once.
func ExampleClient_RemoveDealContactRoles() {
	srv, err := zcrmtest.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	c, ctx := srv.Client, context.Background()

	deal := srv.CreateRecord(srv.Admin, "Deals", map[string]any{"Deal_Name": "Big one", "Stage": "Qualification"})
	a := srv.CreateRecord(srv.Admin, "Contacts", map[string]any{"Last_Name": "A"})
	b := srv.CreateRecord(srv.Admin, "Contacts", map[string]any{"Last_Name": "B"})
	c.SetDealContactRoles(ctx, deal,
		client.DealRole{ContactID: a, Role: client.Ref{Name: "Purchasing"}},
		client.DealRole{ContactID: b, Role: client.Ref{Name: "Executive Sponsor"}})

	res, err := c.RemoveDealContactRoles(ctx, deal, a, b)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("HTTP", res.StatusCode)
	for _, it := range res.Items {
		fmt.Println(it.Code, it.Message)
	}
	// Output:
	// HTTP 200
	// SUCCESS relation removed
	// SUCCESS relation removed
}

// Remove one contact's role from a deal; a contact without a role there is "relation not found".
func ExampleClient_RemoveDealContactRole() {
	srv, err := zcrmtest.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	c, ctx := srv.Client, context.Background()

	deal := srv.CreateRecord(srv.Admin, "Deals", map[string]any{"Deal_Name": "Big one", "Stage": "Qualification"})
	contact := srv.CreateRecord(srv.Admin, "Contacts", map[string]any{"Last_Name": "A"})
	other := srv.CreateRecord(srv.Admin, "Contacts", map[string]any{"Last_Name": "B"})
	c.SetDealContactRole(ctx, deal, contact, client.Ref{Name: "Purchasing"})

	it, err := c.RemoveDealContactRole(ctx, deal, contact)
	fmt.Println(it.Message, err)
	_, err = c.RemoveDealContactRole(ctx, deal, other)
	fmt.Println(errors.Is(err, client.ErrMandatoryNotFound), err)
	// Output:
	// relation removed <nil>
	// true zcrm: MANDATORY_NOT_FOUND (HTTP 400): relation not found
}

// A test of code that uses Zoho CRM, against an in-process zcrm.
func Example() {
	srv, err := zcrmtest.Start() // in a test: srv := zcrmtest.NewServer(t)
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	ctx := context.Background()

	id, err := srv.Client.InsertRecord(ctx, "Leads", client.Record{"Last_Name": "Lovelace", "Company": "Analytical Engines"})
	if err != nil {
		log.Fatal(err)
	}
	lead, err := srv.Client.Record(ctx, "Leads", id, "Last_Name", "Company")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(lead.String("Last_Name"), "of", lead.String("Company"))
	// Output: Lovelace of Analytical Engines
}
