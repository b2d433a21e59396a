package crm_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/zcrm/zcrm/internal/catalog"
	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/store"
	"github.com/zcrm/zcrm/internal/store/storetest"
)

// A view's criteria select the same records in SQL (a listing with the view's criteria, as cvid
// lists) and in Go (crm.CustomViewMatches, the cadence engine's test of one record), on both
// stores, for every comparator and value form, over records with empty and wrongly typed values.
func TestCustomViewMatchesAgreesWithSQL(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		db := storetest.Open(t, b, store.Options{})
		ctx := context.Background()
		deals, _ := catalog.Standard("Deals")
		base := time.Date(2024, 7, 17, 20, 38, 22, 0, time.UTC)
		datas := []map[string]any{
			{"Deal_Name": "Alpha Corp", "Stage": "Qualification", "Amount": json.Number("100"), "Closing_Date": "2024-01-05", "Account_Name": map[string]any{"id": "111"}},
			{"Deal_Name": "alpha two", "Stage": "Closed Won", "Amount": json.Number("2500.75"), "Closing_Date": "2024-03-01", "Account_Name": map[string]any{"id": "222"}},
			{"Deal_Name": "Beta (B), Inc", "Stage": "Negotiation/Review", "Amount": json.Number("9007199254740993"), "Next_Step": "call_%"},
			{"Deal_Name": "Gamma corp", "Amount": "not a number", "Closing_Date": json.Number("5"), "Description": "Long text ALPHA"},
			{"Deal_Name": `K\`, "Stage": "Qualification", "Amount": json.Number("-3"), "Closing_Date": "2023-12-31", "Next_Step": "call_x"},
			{"Deal_Name": "Ünïcode", "Account_Name": "222"},
		}
		var org crm.Org
		var owner crm.User
		var recs []crm.Record
		if err := db.Write(ctx, func(tx crm.Tx) error {
			var err error
			if org, owner, err = crm.CreateOrg(ctx, tx, crm.NewOrg{Name: "A", Edition: crm.Enterprise}); err != nil {
				return err
			}
			ids, err := tx.NewIDs(ctx, len(datas))
			if err != nil {
				return err
			}
			recs = nil
			for i, d := range datas {
				tm := base.Add(time.Duration(i) * time.Hour).Add(250 * time.Millisecond)
				recs = append(recs, crm.Record{ID: ids[i], OrgID: org.ID, Module: "Deals", OwnerID: owner.ID, CreatedBy: owner.ID,
					ModifiedBy: owner.ID, CreatedTime: tm, ModifiedTime: tm, Data: d})
			}
			return tx.InsertRecords(ctx, recs)
		}); err != nil {
			t.Fatal(err)
		}
		cond := func(comp, field string, value any) map[string]any {
			return map[string]any{"comparator": comp, "field": map[string]any{"api_name": field}, "value": value}
		}
		n := func(s string) json.Number { return json.Number(s) }
		criteria := []map[string]any{
			cond("equal", "Deal_Name", "ALPHA CORP"), cond("not_equal", "Deal_Name", "Alpha Corp"),
			cond("equal", "Deal_Name", []any{"gamma corp", "k\\"}), cond("not_equal", "Stage", []any{"Qualification", "Closed Won"}),
			cond("in", "Stage", []any{"closed won", "Negotiation/Review"}), cond("not_in", "Stage", []any{"Qualification"}),
			cond("starts_with", "Deal_Name", "al"), cond("ends_with", "Deal_Name", "CORP"), cond("contains", "Deal_Name", "(b), "),
			cond("not_contains", "Deal_Name", "a"), cond("like", "Next_Step", "_%"), cond("not_like", "Description", "alpha"),
			cond("ends_with", "Next_Step", "_%"), cond("equal", "Stage", "${EMPTY}"), cond("equal", "Stage", "${NOTEMPTY}"),
			cond("equal", "Amount", "${EMPTY}"), cond("equal", "Account_Name", "${NOTEMPTY}"),
			cond("greater_than", "Amount", n("100")), cond("greater_equal", "Amount", 100), cond("less_than", "Amount", "100"),
			cond("less_equal", "Amount", n("-3")), cond("between", "Amount", []any{n("0"), n("2500.75")}),
			cond("not_between", "Amount", []any{n("0"), n("2500.75")}), cond("in", "Amount", []any{n("100"), n("-3")}),
			cond("not_in", "Amount", []any{n("100")}), cond("equal", "Amount", n("9007199254740993")),
			cond("greater_than", "Amount", n("9007199254740992")), cond("between", "Closing_Date", []any{"2024-01-01", "2024-12-31"}),
			cond("not_between", "Closing_Date", []any{"2024-01-01", "2024-12-31"}), cond("less_than", "Closing_Date", "2024-01-05"),
			cond("equal", "Account_Name", map[string]any{"id": "222", "name": "Acme"}), cond("not_equal", "Account_Name", "111"),
			cond("in", "Account_Name", []any{map[string]any{"id": "111"}, "222"}),
			cond("equal", "Owner", map[string]any{"id": crm.FormatID(owner.ID)}), cond("not_equal", "Owner", crm.FormatID(owner.ID)),
			cond("greater_than", "Created_Time", "2024-07-17T22:38:22+00:00"), cond("between", "Modified_Time", []any{"2024-07-17T21:38:22+00:00", "2024-07-18T00:38:22+01:00"}),
			cond("not_in", "Created_Time", []any{"2024-07-17T20:38:22+00:00"}),
			{"group_operator": "or", "group": []any{cond("equal", "Stage", "Qualification"), cond("greater_than", "Amount", 1000)}},
			{"group_operator": "AND", "group": []any{cond("equal", "Stage", "Qualification"),
				map[string]any{"group_operator": "Or", "group": []any{cond("less_than", "Amount", 0), cond("contains", "Deal_Name", "corp")}}}},
		}
		for i, c := range criteria {
			label := fmt.Sprintf("%d %v", i, c)
			var view crm.CustomView
			if err := db.Write(ctx, func(tx crm.Tx) error {
				actor := crm.Actor{Org: org, User: owner}
				var err error
				view, err = crm.CreateCustomView(ctx, tx, actor, deals, crm.CustomViewInput{Name: fmt.Sprintf("V%d", i), Criteria: c})
				return err
			}); err != nil {
				t.Fatalf("%s: %v", label, err)
			}
			if err := db.Read(ctx, func(tx crm.Tx) error {
				sel, err := crm.CheckCustomView(ctx, tx, org, deals, crm.FormatID(view.ID), false)
				if err != nil {
					return err
				}
				got, err := tx.ListRecords(ctx, crm.RecordQuery{OrgID: org.ID, Module: "Deals", Criteria: sel.Criteria, SortBy: crm.SortByID, Limit: 100})
				if err != nil {
					return err
				}
				var sqlIDs, goIDs []int64
				for _, r := range got {
					sqlIDs = append(sqlIDs, r.ID)
				}
				for _, r := range recs {
					ok, err := crm.CustomViewMatches(ctx, tx, org, view.ID, r)
					if err != nil {
						return err
					}
					if ok {
						goIDs = append(goIDs, r.ID)
					}
				}
				slices.Sort(sqlIDs)
				if !slices.Equal(sqlIDs, goIDs) {
					t.Errorf("%s: SQL selects %v, Go %v", label, sqlIDs, goIDs)
				}
				n, err := tx.CountRecords(ctx, crm.RecordQuery{OrgID: org.ID, Module: "Deals", Criteria: sel.Criteria})
				if err == nil && n != len(goIDs) {
					t.Errorf("%s: count %d, want %d", label, n, len(goIDs))
				}
				return err
			}); err != nil {
				t.Fatalf("%s: %v", label, err)
			}
		}
		// The built-in view holds every record; a view of another module, or none, is ErrNotFound.
		if err := db.Read(ctx, func(tx crm.Tx) error {
			ids, err := tx.MetadataIDs(ctx, org.ID)
			if err != nil {
				return err
			}
			if ok, err := crm.CustomViewMatches(ctx, tx, org, ids[catalog.KeyCustomView("Deals", "All")], recs[0]); !ok || err != nil {
				t.Errorf("All Deals: %v %v, want true", ok, err)
			}
			if _, err := crm.CustomViewMatches(ctx, tx, org, ids[catalog.KeyCustomView("Leads", "All")], recs[0]); err != crm.ErrNotFound {
				t.Errorf("All Leads on a deal: %v, want ErrNotFound", err)
			}
			if _, err := crm.CustomViewMatches(ctx, tx, org, 42, recs[0]); err != crm.ErrNotFound {
				t.Errorf("no view: %v, want ErrNotFound", err)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	})
}
