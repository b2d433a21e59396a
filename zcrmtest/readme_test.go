package zcrmtest_test

import (
	"errors"
	"testing"

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
