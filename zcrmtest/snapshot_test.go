package zcrmtest_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/zcrm/zcrm/client"
	"github.com/zcrm/zcrm/zcrmtest"
)

// Snapshot and Restore: a Reset(false) and records made after the snapshot are undone, the
// server's fields and Client are those of the snapshot again, and Restore of a snapshot the
// server did not take sets its fields up afresh on the restored default org.
func TestSnapshotRestore(t *testing.T) {
	backends(t, func(t *testing.T, db zcrmtest.Option) {
		srv := zcrmtest.NewServer(t, db)
		ctx := t.Context()
		kept := srv.CreateRecord(srv.Admin, "Contacts", map[string]any{"Last_Name": "Kept"})
		snap := srv.Snapshot()
		org, cl := srv.Org, srv.Client
		later := srv.CreateRecord(srv.Admin, "Contacts", map[string]any{"Last_Name": "Later"})
		srv.Reset(false)

		srv.Restore(snap)
		if srv.Org != org || srv.Client != cl {
			t.Fatalf("after Restore: org %+v, want %+v", srv.Org, org)
		}
		if _, err := srv.Client.Record(ctx, "Contacts", kept, "Last_Name"); err != nil {
			t.Fatalf("record made before the snapshot: %v", err)
		}
		if _, err := srv.Client.Record(ctx, "Contacts", later, "Last_Name"); !errors.Is(err, client.ErrNotFound) {
			t.Fatalf("record made after the snapshot: %v, want ErrNotFound", err)
		}
		if again := srv.Snapshot(); string(again) != string(snap) {
			t.Fatalf("Snapshot after Restore differs")
		}

		other := zcrmtest.NewServer(t, db)
		other.Restore(snap)
		if other.Org.ID != org.ID {
			t.Fatalf("another server after Restore: org %s, want %s", other.Org.ID, org.ID)
		}
		if _, err := other.Client.Record(ctx, "Contacts", kept, "Last_Name"); err != nil {
			t.Fatalf("record of the snapshot through the other server's new Client: %v", err)
		}
		if !strings.HasPrefix(string(snap), `{"zcrm_snapshot":1,`) {
			t.Fatalf("snapshot %.40s", snap)
		}
	})
}
