package store_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/store/storetest"
)

// Set deletes answer exactly which ids they removed, alone and in a shared batch, when every id was
// linked and when some were not (on PostgreSQL the latter runs the call again with RETURNING; on
// SQLite it reruns under a savepoint), and nothing else is removed.
func TestSetDeleteAnswersExactly(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		db, org := openGroupOrg(t, b)
		ctx := context.Background()
		end := crm.RelationEnd{OrgID: org.ID, Kind: "Campaigns:Contacts", IsA: true, ID: 1}
		const writers, per = 8, 10
		var links []crm.Link
		var recs []crm.Record
		for i := range writers * per {
			links = append(links, end.LinkTo(int64(1000+i), map[string]any{}, time.Now()))
			recs = append(recs, crm.Record{ID: int64(1000 + i), OrgID: org.ID, Module: "Contacts", Data: map[string]any{}})
		}
		if err := db.Write(ctx, func(tx crm.Tx) error {
			if err := tx.InsertRecords(ctx, recs); err != nil {
				return err
			}
			linked, err := tx.LinkRecords(ctx, end, "Contacts", links, true)
			if err == nil && len(linked) != len(links) {
				err = fmt.Errorf("linked %d of %d", len(linked), len(links))
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
		// Writer i removes its ten linked ids; odd writers also name one id that is not linked.
		ids := func(i int) []int64 {
			var out []int64
			for k := range per {
				out = append(out, int64(1000+i*per+k))
			}
			if i%2 == 1 {
				out = append(out, int64(5000+i))
			}
			return out
		}
		got := make([]map[int64]bool, writers)
		errs := concurrentWrites(db, writers, func(i int) func(crm.Tx) error {
			return func(tx crm.Tx) (err error) {
				got[i], err = tx.DeleteLinks(ctx, end, ids(i))
				return err
			}
		})
		for i := range writers {
			if errs[i] != nil {
				t.Fatalf("writer %d: %v", i, errs[i])
			}
			want := map[int64]bool{}
			for _, id := range ids(i)[:per] {
				want[id] = true
			}
			if !maps.Equal(got[i], want) {
				t.Errorf("writer %d removed %v, want %v", i, slices.Sorted(maps.Keys(got[i])), slices.Sorted(maps.Keys(want)))
			}
		}
		var left map[int64]crm.Link
		if err := db.Read(ctx, func(tx crm.Tx) (err error) {
			var all []int64
			for i := range writers * per {
				all = append(all, int64(1000+i))
			}
			left, err = tx.Links(ctx, end, all)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if len(left) != 0 {
			t.Errorf("%d links left, want none: %v", len(left), fmt.Sprint(slices.Sorted(maps.Keys(left))))
		}
	})
}
