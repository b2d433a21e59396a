package client_test

import (
	"errors"
	"testing"

	"github.com/zcrm/zcrm/client"
	"github.com/zcrm/zcrm/zcrmtest"
)

func TestConvertLead(t *testing.T) {
	eachBackend(t, func(t *testing.T, db zcrmtest.Option) {
		srv := zcrmtest.NewServer(t, db)
		c, ctx := srv.Client, t.Context()

		lead, err := c.InsertRecord(ctx, "Leads", client.Record{"First_Name": "Pat", "Last_Name": "Boyle", "Company": "Zylker"})
		if err != nil {
			t.Fatal(err)
		}
		got, err := c.ConvertLead(ctx, lead, client.ConvertOptions{
			Deal: client.Record{"Deal_Name": "Zylker deal", "Stage": "Qualification", "Closing_Date": "2025-12-31"},
		})
		if err != nil {
			t.Fatal(err)
		}
		if got.Contact.Name != "Pat Boyle" || got.Contact.ID == "" || got.Account == nil || got.Account.Name != "Zylker" || got.Deal == nil || got.Deal.Name != "Zylker deal" {
			t.Fatalf("converted = %+v", got)
		}
		rec, err := c.Record(ctx, "Contacts", got.Contact.ID, "Account_Name")
		if ref, ok := rec.Lookup("Account_Name"); err != nil || !ok || ref.ID != got.Account.ID {
			t.Fatalf("contact = %v, %v", rec, err)
		}

		// Converting it again: ID_ALREADY_CONVERTED, an *APIError.
		var ae *client.APIError
		if _, err := c.ConvertLead(ctx, lead, client.ConvertOptions{}); !errors.As(err, &ae) || ae.Code != "ID_ALREADY_CONVERTED" {
			t.Fatalf("again: %v", err)
		}
		// An element error: an *APIError naming the field.
		other, err := c.InsertRecord(ctx, "Leads", client.Record{"Last_Name": "Other"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.ConvertLead(ctx, other, client.ConvertOptions{Account: "111111111111111111"}); !errors.As(err, &ae) || ae.Code != "INVALID_DATA" || ae.Details["api_name"] != "Accounts" {
			t.Fatalf("bad account: %v", err)
		}
		solo, err := c.ConvertLead(ctx, other, client.ConvertOptions{})
		if err != nil || solo.Account != nil || solo.Deal != nil || solo.Contact.Name != "Other" {
			t.Fatalf("contact only = %+v, %v", solo, err)
		}
	})
}
