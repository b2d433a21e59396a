package client_test

import (
	"errors"
	"testing"

	"github.com/zcrm/zcrm/client"
	"github.com/zcrm/zcrm/zcrmtest"
)

func TestRelatedRecords(t *testing.T) {
	eachBackend(t, func(t *testing.T, db zcrmtest.Option) {
		srv := zcrmtest.NewServer(t, db)
		c, ctx := srv.Client, t.Context()
		campaign := srv.CreateRecord(srv.Admin, "Campaigns", map[string]any{"Campaign_Name": "Launch"})
		a := srv.CreateRecord(srv.Admin, "Contacts", map[string]any{"Last_Name": "A"})
		b := srv.CreateRecord(srv.Admin, "Contacts", map[string]any{"Last_Name": "B"})
		d := srv.CreateRecord(srv.Admin, "Contacts", map[string]any{"Last_Name": "D"})

		res, err := c.LinkRelatedRecords(ctx, "Campaigns", campaign, "Contacts", client.Record{"id": a}, client.Record{"id": b, "Member_Status": "Responded"})
		if err != nil {
			t.Fatal(err)
		}
		wantItems(t, res, [3]string{"SUCCESS", "relation added", a}, [3]string{"SUCCESS", "relation added", b})
		// The same relation from the other side, one record.
		it, err := c.LinkRelatedRecord(ctx, "Contacts", d, "Campaigns", campaign, nil)
		if err != nil || it.Message != "relation added" || it.ID() != campaign {
			t.Fatalf("link one = %+v, %v", it, err)
		}

		page, err := c.RelatedRecords(ctx, "Campaigns", campaign, "Contacts", &client.ListOptions{Fields: []string{"Last_Name"}, SortBy: "id", SortOrder: "asc"})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Data) != 3 || page.Data[0].ID() != a || page.Data[0].String("Last_Name") != "A" || page.Info.Count != 3 {
			t.Fatalf("related = %+v", page)
		}
		rec, err := c.RelatedRecord(ctx, "Campaigns", campaign, "Contacts", b, "Last_Name")
		if err != nil || rec.String("Last_Name") != "B" {
			t.Fatalf("related one = %v, %v", rec, err)
		}

		// Seed 003: delink one, then several.
		it, err = c.DelinkRelatedRecord(ctx, "Campaigns", campaign, "Contacts", d)
		if err != nil || it.Message != "relation removed" || it.ID() != d {
			t.Fatalf("delink one = %+v, %v", it, err)
		}
		if _, err := c.RelatedRecord(ctx, "Campaigns", campaign, "Contacts", d, "Last_Name"); !errors.Is(err, client.ErrNotFound) {
			t.Fatalf("delinked record = %v, want ErrNotFound", err)
		}
		res, err = c.DelinkRelatedRecords(ctx, "Campaigns", campaign, "Contacts", a, b)
		if err != nil {
			t.Fatal(err)
		}
		if res.StatusCode != 200 {
			t.Fatalf("status = %d", res.StatusCode)
		}
		wantItems(t, res, [3]string{"SUCCESS", "relation removed", a}, [3]string{"SUCCESS", "relation removed", b})
		page, err = c.RelatedRecords(ctx, "Campaigns", campaign, "Contacts", &client.ListOptions{Fields: []string{"Last_Name"}})
		if err != nil || len(page.Data) != 0 {
			t.Fatalf("after delink = %+v, %v", page, err)
		}
	})
}

// Delinking a related and an unrelated record: HTTP 207, the unrelated id's item says why.
func TestDelinkMixedItems(t *testing.T) {
	eachBackend(t, func(t *testing.T, db zcrmtest.Option) {
		srv := zcrmtest.NewServer(t, db)
		c, ctx := srv.Client, t.Context()
		campaign := srv.CreateRecord(srv.Admin, "Campaigns", map[string]any{"Campaign_Name": "Launch"})
		linked := srv.CreateRecord(srv.Admin, "Contacts", map[string]any{"Last_Name": "Linked"})
		loose := srv.CreateRecord(srv.Admin, "Contacts", map[string]any{"Last_Name": "Loose"})
		if _, err := c.LinkRelatedRecords(ctx, "Campaigns", campaign, "Contacts", client.Record{"id": linked}); err != nil {
			t.Fatal(err)
		}
		res, err := c.DelinkRelatedRecords(ctx, "Campaigns", campaign, "Contacts", linked, loose)
		if res.StatusCode != 207 {
			t.Fatalf("status = %d, want 207", res.StatusCode)
		}
		wantItems(t, res, [3]string{"SUCCESS", "relation removed", linked}, [3]string{"INVALID_DATA", "relation not found", loose})
		if res.Items[1].RequestID != loose {
			t.Fatalf("request id = %q, want %s", res.Items[1].RequestID, loose)
		}

		var ie *client.ItemsError
		if !errors.As(err, &ie) || len(ie.Failed()) != 1 || ie.Failed()[0].ID() != loose || !errors.Is(err, client.ErrInvalidData) {
			t.Fatalf("err = %v", err)
		}
		if want := "zcrm: 1 of 2 items failed (HTTP 207); item 1: INVALID_DATA: relation not found (id " + loose + ")"; err.Error() != want {
			t.Fatalf("message = %q\nwant      %q", err.Error(), want)
		}

		// Request-level failures: bad parent id, bad relation name, unparsable ids.
		_, err = c.DelinkRelatedRecords(ctx, "Campaigns", "999999999999999999", "Contacts", linked)
		ae := wantAPIError(t, err, 400, "INVALID_DATA", "the related id given seems to be invalid")
		if ae.Detail("resource_path_index") != "1" {
			t.Fatalf("details = %v", ae.Details)
		}
		_, err = c.DelinkRelatedRecords(ctx, "Campaigns", campaign, "Nonsense", linked)
		wantAPIError(t, err, 400, "INVALID_DATA", "the relation name given seems to be invalid")
		_, err = c.DelinkRelatedRecords(ctx, "Campaigns", campaign, "Contacts", "abc")
		wantAPIError(t, err, 400, "UNABLE_TO_PARSE_DATA_TYPE", "either the request body or parameters is in wrong format")
		if !errors.Is(err, client.ErrUnparsable) {
			t.Fatal("errors.Is ErrUnparsable = false")
		}

		// Repeated ids are answered once; items still line up with the distinct ids.
		if _, err := c.LinkRelatedRecord(ctx, "Campaigns", campaign, "Contacts", linked, nil); err != nil {
			t.Fatal(err)
		}
		res, _ = c.DelinkRelatedRecords(ctx, "Campaigns", campaign, "Contacts", loose, loose, linked)
		if len(res.Items) != 2 || res.Items[0].RequestID != loose || res.Items[0].OK() || res.Items[1].RequestID != linked || !res.Items[1].OK() {
			t.Fatalf("duplicates = %+v", res.Items)
		}
	})
}
