package client_test

import (
	"errors"
	"testing"
	"time"

	"github.com/zcrm/zcrm/client"
	"github.com/zcrm/zcrm/zcrmtest"
)

func TestRecordsCRUD(t *testing.T) {
	eachBackend(t, func(t *testing.T, db zcrmtest.Option) {
		srv := zcrmtest.NewServer(t, db)
		c, ctx := srv.Client, t.Context()

		res, err := c.InsertRecords(ctx, "Contacts", client.Record{"Last_Name": "Lovelace", "Email": "ada@example.com"}, client.Record{"Last_Name": "Hopper"})
		if err != nil {
			t.Fatal(err)
		}
		if res.StatusCode != 201 || len(res.IDs()) != 2 || res.Items[0].Message != "record added" {
			t.Fatalf("insert = %+v", res)
		}
		ada, grace := res.IDs()[0], res.IDs()[1]
		id, err := c.InsertRecord(ctx, "Contacts", client.Record{"Last_Name": "Turing"})
		if err != nil || id == "" {
			t.Fatalf("InsertRecord = %q, %v", id, err)
		}

		rec, err := c.Record(ctx, "Contacts", ada, "Last_Name", "Email")
		if err != nil {
			t.Fatal(err)
		}
		if rec.ID() != ada || rec.String("Last_Name") != "Lovelace" || rec.String("Email") != "ada@example.com" {
			t.Fatalf("record = %v", rec)
		}
		page, err := c.Records(ctx, "Contacts", &client.ListOptions{Fields: []string{"Last_Name"}, SortBy: "id", SortOrder: "asc"})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Data) != 3 || page.Data[0].ID() != ada || page.Info.Count != 3 || page.Info.MoreRecords {
			t.Fatalf("list = %+v", page)
		}
		page, err = c.Records(ctx, "Contacts", &client.ListOptions{Fields: []string{"Last_Name"}, IDs: []string{grace}})
		if err != nil || len(page.Data) != 1 || page.Data[0].String("Last_Name") != "Hopper" {
			t.Fatalf("list by ids = %+v, %v", page, err)
		}

		it, err := c.UpdateRecord(ctx, "Contacts", ada, client.Record{"Email": "countess@example.com"})
		if err != nil || it.Message != "record updated" || it.ID() != ada {
			t.Fatalf("UpdateRecord = %+v, %v", it, err)
		}
		res, err = c.UpdateRecords(ctx, "Contacts", client.Record{"id": grace, "Last_Name": "Hopper-Murray"})
		if err != nil {
			t.Fatal(err)
		}
		wantItems(t, res, [3]string{"SUCCESS", "record updated", grace})
		rec, _ = c.Record(ctx, "Contacts", ada, "Email")
		if rec.String("Email") != "countess@example.com" {
			t.Fatalf("after update = %v", rec)
		}

		if it, err := c.DeleteRecord(ctx, "Contacts", id); err != nil || it.Message != "record deleted" {
			t.Fatalf("DeleteRecord = %+v, %v", it, err)
		}
		if _, err := c.Record(ctx, "Contacts", id); !errors.Is(err, client.ErrNotFound) {
			t.Fatalf("deleted record = %v, want ErrNotFound", err)
		}
		res, err = c.DeleteRecords(ctx, "Contacts", ada, grace)
		if err != nil {
			t.Fatal(err)
		}
		wantItems(t, res, [3]string{"SUCCESS", "record deleted", ada}, [3]string{"SUCCESS", "record deleted", grace})
		page, err = c.Records(ctx, "Contacts", &client.ListOptions{Fields: []string{"Last_Name"}})
		if err != nil || len(page.Data) != 0 {
			t.Fatalf("empty list = %+v, %v (want an empty page for 204)", page, err)
		}
	})
}

// Item errors of an insert come back per record, with the JSON path of the bad input.
func TestInsertRecordsItemErrors(t *testing.T) {
	srv := zcrmtest.NewServer(t)
	res, err := srv.Client.InsertRecords(t.Context(), "Contacts", client.Record{"Last_Name": "Ok"}, client.Record{"Email": "no-name@example.com"})
	var ie *client.ItemsError
	if !errors.As(err, &ie) || ie.StatusCode != 207 || res.StatusCode != 207 {
		t.Fatalf("err = %v, want a 207 *ItemsError", err)
	}
	if !errors.Is(err, client.ErrMandatoryNotFound) {
		t.Fatalf("errors.Is(%v, ErrMandatoryNotFound) = false", err)
	}
	bad := res.Failed()
	if len(bad) != 1 || bad[0].Index != 1 || bad[0].Code != "MANDATORY_NOT_FOUND" || bad[0].Details["json_path"] != "$.data[1].Last_Name" {
		t.Fatalf("failed items = %+v", bad)
	}
	_, err = srv.Client.InsertRecord(t.Context(), "Contacts", client.Record{})
	wantAPIError(t, err, 400, "MANDATORY_NOT_FOUND", "required field not found")
	_, err = srv.Client.Records(t.Context(), "NoSuchModule", &client.ListOptions{Fields: []string{"id"}})
	wantAPIError(t, err, 400, "INVALID_MODULE", "the module name given seems to be invalid")
	if !errors.Is(err, client.ErrInvalidModule) {
		t.Fatalf("errors.Is(%v, ErrInvalidModule) = false", err)
	}
}

// zcrmtest.CreateRecord stores records straight into the database, owned by the given user.
func TestCreateRecordHelper(t *testing.T) {
	srv := zcrmtest.NewServer(t)
	id := srv.CreateRecord(srv.Admin, "leads", map[string]any{"Last_Name": "Babbage", "Company": "Analytical"})
	rec, err := srv.Client.Record(t.Context(), "Leads", id, "Last_Name", "Company", "Owner")
	if err != nil {
		t.Fatal(err)
	}
	owner, _ := rec.Lookup("Owner")
	if rec.String("Company") != "Analytical" || owner.ID != srv.Admin.ID {
		t.Fatalf("record = %v", rec)
	}
}

// ModifiedSince sends If-Modified-Since; nothing changed since is a 304, reported as NotModified.
func TestRecordsModifiedSince(t *testing.T) {
	clock := zcrmtest.NewClock(start)
	srv := zcrmtest.NewServer(t, zcrmtest.WithClock(clock.Now))
	srv.CreateRecord(srv.Admin, "Leads", map[string]any{"Last_Name": "Old", "Company": "C"})
	clock.Advance(time.Hour)
	page, err := srv.Client.Records(t.Context(), "Leads", &client.ListOptions{Fields: []string{"Last_Name"}, ModifiedSince: clock.Now()})
	if err != nil || !page.NotModified || len(page.Data) != 0 {
		t.Fatalf("nothing modified = %+v, %v", page, err)
	}
	page, err = srv.Client.Records(t.Context(), "Leads", &client.ListOptions{Fields: []string{"Last_Name"}, ModifiedSince: start.Add(-time.Minute), Page: 1, PerPage: 10})
	if err != nil || page.NotModified || len(page.Data) != 1 || page.Info.PerPage != 10 {
		t.Fatalf("modified = %+v, %v", page, err)
	}
}
