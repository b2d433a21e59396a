package store_test

import (
	"context"
	"testing"

	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/store"
	"github.com/zcrm/zcrm/internal/store/storetest"
)

// Read gives its statements one snapshot on both stores; ReadEach (crm.Store.ReadEach) does not:
// each of its statements reads what was committed when it ran, so a commit between two of them
// shows in the second.
func TestReadEachReadsEachCommit(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		db := storetest.Open(t, b, store.Options{})
		ctx := context.Background()
		org := store.CreateTestOrg(t, db)
		n := 0
		// twoReads reads the org's version, commits a new user (which bumps it), and reads it again.
		twoReads := func(read func(context.Context, func(crm.Tx) error) error) (before, after int64) {
			t.Helper()
			n++
			err := read(ctx, func(tx crm.Tx) error {
				var err error
				if before, err = tx.OrgVersion(ctx, org.ID); err != nil {
					return err
				}
				if err := db.Write(ctx, func(w crm.Tx) error {
					_, _, err := crm.CreateUser(ctx, w, org.ID, "u"+string(rune('a'+n))+"@acme.test", crm.ProfileStandard)
					return err
				}); err != nil {
					return err
				}
				after, err = tx.OrgVersion(ctx, org.ID)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return before, after
		}
		if before, after := twoReads(db.Read); after != before {
			t.Errorf("Read: the version moved from %d to %d inside one read", before, after)
		}
		if before, after := twoReads(db.ReadEach); after == before {
			t.Errorf("ReadEach: the version stayed %d across a commit", before)
		}
	})
}
