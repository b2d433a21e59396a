package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/store"
	"github.com/zcrm/zcrm/internal/store/storetest"
)

// A write with a version check runs only while the org's cache version reads the checked one: a
// stale check fails with ErrVersionChanged and fn never runs; a check that passes is reported
// Verified even when fn then fails. Within a group-committed batch, a call that bumps the version
// makes the calls after it read it again.
func TestWriteCheckedVersion(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		db, org := openGroupOrg(t, b)
		ctx := context.Background()
		v0, err := db.OrgVersion(ctx, org.ID)
		if err != nil {
			t.Fatal(err)
		}
		ran := 0
		count := func(crm.Tx) error { ran++; return nil }

		current := &crm.VersionCheck{OrgID: org.ID, Version: v0}
		if err := db.WriteChecked(ctx, current, count); err != nil || ran != 1 || !current.Verified {
			t.Fatalf("current check: err %v, fn ran %d times, verified %v; want nil, 1, true", err, ran, current.Verified)
		}
		stale := &crm.VersionCheck{OrgID: org.ID, Version: v0 + 1}
		if err := db.WriteChecked(ctx, stale, count); !errors.Is(err, crm.ErrVersionChanged) || ran != 1 || stale.Verified {
			t.Fatalf("stale check: err %v, fn ran %d times, verified %v; want ErrVersionChanged, 1, false", err, ran, stale.Verified)
		}
		failing := &crm.VersionCheck{OrgID: org.ID, Version: v0}
		boom := errors.New("boom")
		if err := db.WriteChecked(ctx, failing, func(crm.Tx) error { return boom }); !errors.Is(err, boom) || !failing.Verified {
			t.Fatalf("failing fn: err %v, verified %v; want boom, true", err, failing.Verified)
		}

		// Writer 0 checks v0, bumps it and holds the committer while the others, checking v0 too,
		// queue behind it (into its batch, or a later one): they must all see the bump.
		const n = 8
		errs := make([]error, n)
		bumped, gate := make(chan struct{}), make(chan struct{})
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				fn := count
				if i == 0 {
					fn = func(tx crm.Tx) error {
						if err := store.TxBumpOrgVersion(ctx, tx, org.ID); err != nil {
							return err
						}
						close(bumped)
						<-gate
						return nil
					}
				} else {
					<-bumped
				}
				errs[i] = db.WriteChecked(ctx, &crm.VersionCheck{OrgID: org.ID, Version: v0}, fn)
			})
		}
		<-bumped
		time.Sleep(50 * time.Millisecond) // let the others queue (batching is not what is checked)
		close(gate)
		wg.Wait()
		if errs[0] != nil {
			t.Fatalf("writer 0: %v", errs[0])
		}
		for i, err := range errs[1:] {
			if !errors.Is(err, crm.ErrVersionChanged) {
				t.Errorf("writer %d after the bump: %v, want ErrVersionChanged", i+1, err)
			}
		}
		if ran != 1 {
			t.Errorf("fn ran %d times in all, want 1", ran)
		}
	})
}
