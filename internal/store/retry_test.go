package store_test

import (
	"context"
	"sync"
	"testing"

	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/store"
	"github.com/zcrm/zcrm/internal/store/storetest"
)

// Read-modify-write transactions racing on one row lose no update: SQLite serialises writers,
// PostgreSQL aborts the loser of a SERIALIZABLE race and Write retries it.
func TestWriteRetriesLostRaces(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		db, err := store.Open(context.Background(), storetest.DSN(t, b), store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		ctx := context.Background()
		var org crm.Org
		if err := db.Write(ctx, func(tx crm.Tx) error {
			var err error
			org, _, err = crm.CreateOrg(ctx, tx, crm.NewOrg{Name: "race", Edition: crm.Enterprise})
			if err != nil {
				return err
			}
			return tx.InsertMetadataIDs(ctx, org.ID, map[string]int64{"counter": 0})
		}); err != nil {
			t.Fatal(err)
		}
		const workers, each = 8, 10
		var wg sync.WaitGroup
		errs := make(chan error, workers)
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < each; i++ {
					err := db.Write(ctx, func(tx crm.Tx) error {
						v, err := store.TxQueryInt(ctx, tx, `SELECT id FROM metadata_ids WHERE org_id = ? AND key = 'counter'`, org.ID)
						if err != nil {
							return err
						}
						return store.TxExec(ctx, tx, `UPDATE metadata_ids SET id = ? WHERE org_id = ? AND key = 'counter'`, v+1, org.ID)
					})
					if err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatalf("write: %v", err)
		}
		var got int64
		if err := db.Read(ctx, func(tx crm.Tx) error {
			ids, err := tx.MetadataIDs(ctx, org.ID)
			got = ids["counter"]
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if got != workers*each {
			t.Fatalf("counter = %d, want %d (lost updates)", got, workers*each)
		}
	})
}
