package store_test

import (
	"context"
	"sync"
	"testing"

	"github.com/zcrm/zcrm/internal/store"
	"github.com/zcrm/zcrm/internal/store/storetest"
)

// An org-version check sees every commit made before it was asked for, however many checks run
// beside it (on PostgreSQL they share reads: store/versionreads.go): each worker bumps the version
// and then checks it, while others check without a pause.
func TestOrgVersionCheckSeesEarlierCommits(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		db := storetest.Open(t, b, store.Options{})
		ctx := context.Background()
		org := store.CreateTestOrg(t, db)
		bump := db.Rebind(`UPDATE org_versions SET version = version + 1 WHERE org_id = ? RETURNING version`)
		stop := make(chan struct{})
		var checkers, bumpers sync.WaitGroup
		for range 6 {
			checkers.Add(1)
			go func() {
				defer checkers.Done()
				for {
					select {
					case <-stop:
						return
					default:
					}
					if _, err := db.OrgVersion(ctx, org.ID); err != nil {
						t.Error(err)
						return
					}
				}
			}()
		}
		for range 4 {
			bumpers.Add(1)
			go func() {
				defer bumpers.Done()
				for range 150 {
					var bumped int64
					if err := db.SQL().QueryRowContext(ctx, bump, org.ID).Scan(&bumped); err != nil {
						t.Error(err)
						return
					}
					v, err := db.OrgVersion(ctx, org.ID)
					if err != nil {
						t.Error(err)
						return
					}
					if v < bumped {
						t.Errorf("a check after the version was bumped to %d read %d", bumped, v)
						return
					}
				}
			}()
		}
		bumpers.Wait()
		close(stop)
		checkers.Wait()
	})
}
