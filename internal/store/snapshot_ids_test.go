package store_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/zcrm/zcrm/internal/journal"
	"github.com/zcrm/zcrm/internal/store"
	"github.com/zcrm/zcrm/internal/store/storetest"
)

// On PostgreSQL the request journal lives in the database; its entries take ids of their own, so
// journaling requests (reads included) leaves a snapshot as it was: restoring one and taking it
// again gives the same document, whenever the journal's flush lands.
func TestJournalLeavesSnapshotAlone(t *testing.T) {
	storetest.PostgresURL(t) // skipped without PostgreSQL, except on CI
	db := storetest.Open(t, storetest.Postgres, store.Options{})
	ctx := context.Background()
	snap, _, err := db.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	entries := []journal.Entry{{Time: time.Now(), Method: "GET", Path: "/crm/v8/Contacts", Status: 200},
		{Time: time.Now(), Method: "GET", Path: "/crm/v8/Leads", Status: 204}}
	if err := db.AppendJournal(ctx, entries, 0); err != nil {
		t.Fatal(err)
	}
	again, _, err := db.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(snap, again) {
		t.Fatalf("snapshot after two journal entries differs:\n%.300s\n%.300s", snap, again)
	}
	if _, err := db.Restore(ctx, snap); err != nil {
		t.Fatal(err)
	}
	if err := db.AppendJournal(ctx, entries, 0); err != nil {
		t.Fatal(err)
	}
	if again, _, err = db.Snapshot(ctx); err != nil || !bytes.Equal(snap, again) {
		t.Fatalf("snapshot after Restore and two journal entries differs (%v):\n%.300s\n%.300s", err, snap, again)
	}
}
