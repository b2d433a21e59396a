package zcrmtest_test

import (
	"testing"

	"github.com/zcrm/zcrm/zcrmtest"
)

// Seed applies a fixture and returns its refs; the records are there for the clients.
func TestSeed(t *testing.T) {
	backends(t, func(t *testing.T, db zcrmtest.Option) {
		srv := zcrmtest.NewServer(t, db)
		refs := srv.Seed(`{"records": {"Contacts": [{"ref": "c1", "Last_Name": "Seeded"}]}}`)
		if len(refs) != 1 || refs["c1"] == "" {
			t.Fatalf("refs = %v", refs)
		}
		rec, err := srv.Client.Record(t.Context(), "Contacts", refs["c1"], "Last_Name")
		if err != nil || rec["Last_Name"] != "Seeded" {
			t.Fatalf("record = %v, %v", rec, err)
		}
	})
}
