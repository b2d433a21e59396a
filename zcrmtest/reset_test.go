package zcrmtest_test

import (
	"errors"
	"io"
	"net/http"
	"testing"

	"github.com/zcrm/zcrm/client"
	"github.com/zcrm/zcrm/zcrmtest"
)

// Reset(true) clears CRM data and keeps every client working; ResetOrg does it for one org;
// Reset(false) starts over with a new default org, a new Client, and the old clients refused.
func TestReset(t *testing.T) {
	backends(t, func(t *testing.T, db zcrmtest.Option) {
		srv := zcrmtest.NewServer(t, db)
		ctx := t.Context()
		other, otherAdmin := srv.CreateOrg("Other", "enterprise")
		otherClient := srv.NewClient(otherAdmin, zcrmtest.FullScope)
		gone := func(c *client.Client, id string) {
			t.Helper()
			if _, err := c.Record(ctx, "Contacts", id, "Last_Name"); !errors.Is(err, client.ErrNotFound) {
				t.Fatalf("record %s after reset: %v, want ErrNotFound", id, err)
			}
		}
		there := func(c *client.Client, id string) {
			t.Helper()
			if _, err := c.Record(ctx, "Contacts", id, "Last_Name"); err != nil {
				t.Fatalf("record %s: %v", id, err)
			}
		}

		mine := srv.CreateRecord(srv.Admin, "Contacts", map[string]any{"Last_Name": "Mine"})
		theirs := srv.CreateRecord(otherAdmin, "Contacts", map[string]any{"Last_Name": "Theirs"})
		srv.ResetOrg(other)
		gone(otherClient, theirs)
		there(srv.Client, mine)

		theirs = srv.CreateRecord(otherAdmin, "Contacts", map[string]any{"Last_Name": "Theirs"})
		srv.Reset(true)
		gone(srv.Client, mine)
		gone(otherClient, theirs)

		oldOrg, oldClient := srv.Org, srv.Client
		srv.Reset(false)
		if srv.Org.ID == oldOrg.ID || srv.Admin.OrgID != srv.Org.ID || srv.Admin.Email != "admin@zcrm.local" {
			t.Fatalf("after Reset(false): org %+v (was %+v), admin %+v", srv.Org, oldOrg, srv.Admin)
		}
		if _, err := oldClient.Org(ctx); !errors.Is(err, client.ErrInvalidToken) {
			t.Fatalf("the old Client after Reset(false): %v, want ErrInvalidToken", err)
		}
		org, err := srv.Client.Org(ctx)
		if err != nil || org.ID != srv.Org.ID {
			t.Fatalf("the new Client's org = %+v, %v; want %s", org, err, srv.Org.ID)
		}
		res, err := srv.HTTPClient().Post(srv.URL+"/__zcrm/reset?keep=auth", "", nil)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if want := `{"org_id":"` + srv.Org.ID + `"}`; res.StatusCode != http.StatusOK || string(body) != want {
			t.Fatalf("POST /__zcrm/reset?keep=auth = %d %s, want 200 %s", res.StatusCode, body, want)
		}
	})
}
