package client_test

import (
	"errors"
	"testing"

	"github.com/zcrm/zcrm/client"
	"github.com/zcrm/zcrm/zcrmtest"
)

func TestUpsertRecords(t *testing.T) {
	eachBackend(t, func(t *testing.T, db zcrmtest.Option) {
		srv := zcrmtest.NewServer(t, db)
		c, ctx := srv.Client, t.Context()

		ada, err := c.InsertRecord(ctx, "Leads", client.Record{"Last_Name": "Lovelace", "Email": "ada@example.com"})
		if err != nil {
			t.Fatal(err)
		}
		res, err := c.UpsertRecords(ctx, "Leads", []client.Record{
			{"Last_Name": "Lovelace", "Company": "Analytical", "Email": "ADA@example.com"},
			{"Last_Name": "Hopper", "Email": "grace@example.com"},
		})
		if err != nil {
			t.Fatal(err)
		}
		if res.StatusCode != 200 || len(res.Items) != 2 {
			t.Fatalf("upsert = %+v", res)
		}
		if it := res.Items[0]; it.Action != "update" || it.DuplicateField != "Email" || it.ID() != ada || it.Message != "record updated" {
			t.Fatalf("first = %+v", it)
		}
		if it := res.Items[1]; it.Action != "insert" || it.ID() == "" || it.Message != "record added" {
			t.Fatalf("second = %+v", it)
		}
		rec, err := c.Record(ctx, "Leads", ada, "Company")
		if err != nil || rec.String("Company") != "Analytical" {
			t.Fatalf("record = %v, %v", rec, err)
		}

		// A failed element: an *ItemsError, with the results.
		res, err = c.UpsertRecords(ctx, "Leads", []client.Record{{"Email": "new@example.com"}}, "Email")
		var ie *client.ItemsError
		if !errors.As(err, &ie) || res.StatusCode != 400 || res.Items[0].Code != "MANDATORY_NOT_FOUND" || res.Items[0].Action != "" {
			t.Fatalf("upsert without Last_Name = %+v, %v", res, err)
		}
		// Inserting a duplicate of a unique field fails with DUPLICATE_DATA.
		_, err = c.InsertRecords(ctx, "Leads", client.Record{"Last_Name": "Again", "Email": "grace@example.com"})
		if !errors.As(err, &ie) || ie.Items[0].Code != "DUPLICATE_DATA" {
			t.Fatalf("duplicate insert: %v", err)
		}
	})
}
