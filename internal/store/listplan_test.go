package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/store"
	"github.com/zcrm/zcrm/internal/store/storetest"
)

// A page of one module's records by id — page 1, a later page by offset, a page token either way,
// oldest first, a private module's — walks the (org_id, module, id) index in order, on both
// databases and, on PostgreSQL, in the generic plan too: never the primary key filtered by module,
// which reads every newer record of the other modules first (store.walksModuleIndex). On SQLite a
// token's id bounds the walk's seek (the plan names it), so page 500 costs what page 1 does.
func TestListingWalksModuleIndex(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		f := newIndexFixture(t, b)
		ctx := context.Background()
		// Tokens near either end of the contacts, so that many rows lie beyond each.
		var newest, oldest []crm.Record
		if err := f.db.Read(ctx, func(tx crm.Tx) error {
			var err error
			if newest, err = tx.ListRecords(ctx, crm.RecordQuery{OrgID: f.org.ID, Module: "Contacts", Desc: true, Limit: 20}); err != nil {
				return err
			}
			oldest, err = tx.ListRecords(ctx, crm.RecordQuery{OrgID: f.org.ID, Module: "Contacts", Limit: 20})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		after, before := newest[10].ID, oldest[10].ID
		page := func(module string, edit func(*crm.RecordQuery)) crm.RecordQuery {
			q := crm.RecordQuery{OrgID: f.org.ID, Module: module, SortBy: crm.SortByID, Desc: true, Limit: 201}
			if edit != nil {
				edit(&q)
			}
			return q
		}
		for _, c := range []struct {
			what string
			q    crm.RecordQuery
			seek string // SQLite: the seek's condition on the id, for a page beyond a token
		}{
			{"contacts page 1", page("Contacts", nil), ""},
			{"leads page 1", page("Leads", nil), ""},
			{"vendors page 1 (one record, the newest but three)", page("Vendors", nil), ""},
			{"contacts page 2 by offset", page("Contacts", func(q *crm.RecordQuery) { q.Offset = 200 }), ""},
			{"contacts after a token", page("Contacts", func(q *crm.RecordQuery) { q.Cursor = &crm.Cursor{Key: after, ID: after} }), "id<?"},
			{"contacts before a token", page("Contacts", func(q *crm.RecordQuery) { q.Cursor = &crm.Cursor{Key: before, ID: before, Before: true} }), "id>?"},
			{"leads oldest first", page("Leads", func(q *crm.RecordQuery) { q.Desc = false }), ""},
			{"leads of one owner (private sharing)", page("Leads", func(q *crm.RecordQuery) { q.OwnerID = f.actor.User.ID }), ""},
		} {
			t.Run(c.what, func(t *testing.T) {
				for _, generic := range []bool{false, true} {
					if generic && b != storetest.Postgres {
						continue
					}
					var plan string
					if err := f.db.Read(ctx, func(tx crm.Tx) error {
						text, args := store.ListRecordsSQL(tx, c.q)
						var err error
						plan, err = store.ExplainSQL(ctx, tx, generic, text, args...)
						return err
					}); err != nil {
						t.Fatal(err)
					}
					t.Logf("generic plan %v:\n%s", generic, plan)
					if !strings.Contains(plan, "records_org_module_id") || strings.Contains(plan, "records_pkey") ||
						strings.Contains(plan, "TEMP B-TREE") || strings.Contains(plan, "Sort") {
						t.Errorf("generic plan %v: not an ordered walk of records_org_module_id:\n%s", generic, plan)
					}
					if b != storetest.Postgres && c.seek != "" && !strings.Contains(plan, c.seek+")") {
						t.Errorf("the walk does not seek to the token (%s):\n%s", c.seek, plan)
					}
				}
			})
		}
	})
}
