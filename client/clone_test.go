package client_test

import (
	"errors"
	"testing"

	"github.com/zcrm/zcrm/client"
	"github.com/zcrm/zcrm/zcrmtest"
)

func TestCloneRecord(t *testing.T) {
	eachBackend(t, func(t *testing.T, db zcrmtest.Option) {
		srv := zcrmtest.NewServer(t, db)
		c, ctx := srv.Client, t.Context()
		lead, err := c.InsertRecord(ctx, "Leads", client.Record{"First_Name": "Pat", "Last_Name": "Boyle", "Email": "pat@zylker.com", "Company": "Zylker"})
		if err != nil {
			t.Fatal(err)
		}
		copyID, err := c.CloneRecord(ctx, "Leads", lead, client.Record{"Email": "pat.boyle@zylker.com"})
		if err != nil || copyID == "" || copyID == lead {
			t.Fatalf("clone = %q, %v", copyID, err)
		}
		rec, err := c.Record(ctx, "Leads", copyID, "First_Name", "Email", "Company")
		if err != nil || rec["First_Name"] != "Pat" || rec["Email"] != "pat.boyle@zylker.com" || rec["Company"] != "Zylker" {
			t.Fatalf("the copy = %v, %v", rec, err)
		}
		// Without fields the copy would repeat the unique email: Zoho's DUPLICATE_DATA, an *APIError.
		var ae *client.APIError
		if _, err := c.CloneRecord(ctx, "Leads", lead, nil); !errors.As(err, &ae) || ae.Code != "DUPLICATE_DATA" {
			t.Fatalf("clone without fields: %v", err)
		}
	})
}
