package zcrmtest_test

import (
	"errors"
	"testing"
	"time"

	"github.com/zcrm/zcrm/client"
	"github.com/zcrm/zcrm/zcrmtest"
)

// The ten-line test shown in README.md ("Go client and zcrmtest"); keep the two in step.
func TestReadmeExample(t *testing.T) {
	srv := zcrmtest.NewServer(t) // zcrm on 127.0.0.1, a fresh SQLite file, cleaned up after the test
	ctx := t.Context()
	id, err := srv.Client.InsertRecord(ctx, "Leads", client.Record{"Last_Name": "Lovelace", "Company": "Analytical"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := srv.Client.DeleteRecords(ctx, "Leads", id, "111111111111111111")
	if res.StatusCode != 207 || !res.Items[0].OK() || !errors.Is(err, client.ErrInvalidData) {
		t.Fatalf("delete = %+v, %v", res, err)
	}
}

// The test shown in README.md ("zcrm in your test suite"); keep the two in step.
func TestLostAnswer(t *testing.T) {
	srv := zcrmtest.NewServer(t)
	ctx := t.Context()
	ada := srv.Seed(`{"records":{"Contacts":[{"ref":"ada","Last_Name":"Lovelace"}]}}`)["ada"]

	// The update takes effect but its answer is lost: the code under test sees a 500.
	srv.AddFault(zcrmtest.Fault{Method: "PUT", Path: "/crm/*/Contacts/*", Status: 500, Code: "INTERNAL_ERROR", After: true, Times: 1})
	if _, err := srv.Client.UpdateRecord(ctx, "Contacts", ada, client.Record{"Title": "Countess"}); !errors.Is(err, client.ErrInternal) {
		t.Fatalf("update = %v, want the faulted 500", err)
	}
	// A day and a half later the token has expired; the client refreshes it on the server's clock.
	srv.AdvanceClock(36 * time.Hour)
	rec, err := srv.Client.Record(ctx, "Contacts", ada, "Title")
	if err != nil || rec["Title"] != "Countess" {
		t.Fatalf("record = %v, %v", rec, err)
	}
	// What did the code send?
	puts := srv.Requests(zcrmtest.RequestFilter{Method: "PUT", Path: "/crm/v8/Contacts"})
	if len(puts) != 1 || !puts[0].Faulted || puts[0].RequestBody != `{"data":[{"Title":"Countess"}]}` {
		t.Fatalf("journal = %+v", puts)
	}
	srv.Reset(true) // what a shared server does between tests: CRM data gone, tokens kept
}
