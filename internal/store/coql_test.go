package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/store"
	"github.com/zcrm/zcrm/internal/store/storetest"
)

// COQL's like and not like (any "%", "_" and "\" literal) and its other operators select in SQL
// exactly what crm.Criteria.Match accepts.
func TestCOQLCriteriaAgreeWithMatch(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		db := storetest.Open(t, b, store.Options{})
		org, recs := coqlRecords(t, db)
		text := func(op, field string, values ...string) *crm.Criteria {
			vals := make([]any, len(values))
			for i, v := range values {
				vals[i] = strings.ToLower(v)
			}
			return &crm.Criteria{Cond: &crm.Condition{Field: field, Operator: op, Kind: crm.KindText, Raw: values, Values: vals}}
		}
		for _, c := range []*crm.Criteria{
			text(crm.OpLike, "Deal_Name", "al%"), text(crm.OpLike, "Deal_Name", "%A"), text(crm.OpLike, "Deal_Name", "%a%"),
			text(crm.OpLike, "Deal_Name", `k\`), text(crm.OpLike, "Deal_Name", `%\`), text(crm.OpLike, "Next_Step", "call_%"),
			text(crm.OpLike, "Next_Step", "call%x"), text(crm.OpLike, "Deal_Name", "alpha"), text(crm.OpLike, "Deal_Name", "%"),
			text(crm.OpNotLike, "Deal_Name", "%a%"), text(crm.OpNotIn, "Deal_Name", "alpha", "gamma"),
			text(crm.OpEmpty, "Next_Step"), text(crm.OpNotEmpty, "Next_Step"),
			{Op: "or", Kids: []*crm.Criteria{text(crm.OpLike, "Deal_Name", "%two"), text(crm.OpEmpty, "Stage")}},
		} {
			name := "or group"
			if c.Cond != nil {
				name = fmt.Sprintf("%s %v", c.Cond.Operator, c.Cond.Raw)
			}
			checkAgreement(t, db, org.ID, name, c, recs)
		}
	})
}

// COQLRecords joins a lookup's record (respecting its owner restriction), sorts with empty values
// first ascending and last descending, then by id, and pages; COQLGroups groups by position.
func TestCOQLStoreQueries(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		db := storetest.Open(t, b, store.Options{})
		org, recs := coqlRecords(t, db)
		ctx := context.Background()
		amount := crm.COQLOperand{Field: "Amount", Kind: crm.KindNumber}
		industry := crm.COQLOperand{Join: 1, Field: "Industry", Kind: crm.KindText}
		q := crm.COQLSelect{OrgID: org.ID, Module: "Deals", Joins: []crm.COQLJoin{{Field: "Account_Name", Module: "Accounts"}},
			Order: []crm.COQLOrder{{Operand: industry, Desc: true}, {Operand: amount}}, Limit: 3, Offset: 1}
		var rows []crm.COQLRow
		var groups [][]any
		if err := db.Read(ctx, func(tx crm.Tx) error {
			var err error
			if rows, err = tx.COQLRecords(ctx, q); err != nil {
				return err
			}
			g := q
			g.Grouped, g.Group, g.Order = true, []crm.COQLOperand{industry}, []crm.COQLOrder{{Operand: industry, Desc: true}}
			g.Outputs = []crm.COQLOutput{{Func: "COUNT", Operand: crm.COQLOperand{Field: "id", Column: "id", Kind: crm.KindColumn}}, {Func: "SUM", Operand: amount}}
			g.Offset, g.Limit = 0, 10
			groups, err = tx.COQLGroups(ctx, g)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		// Industries: recs 0 and 1 → Retail account, 2 → Finance account, 3..5 none. Descending,
		// empty last: Retail (0: 100, 1: 2500.75), Finance (2), then 4 (-3), 5 (none), 3 (text).
		var got []string
		for _, r := range rows {
			joined := "-"
			if r.Joined[0] != nil {
				joined = r.Joined[0].Data["Account_Name"].(string)
			}
			got = append(got, fmt.Sprintf("%d:%s", indexOf(recs, r.Record.ID), joined))
		}
		if want := "1:Retailer 2:Banker 3:-"; strings.Join(got, " ") != want {
			t.Errorf("records = %q, want %q", strings.Join(got, " "), want)
		}
		gotGroups, _ := json.Marshal(groups)
		if want := `[["\"Retail\"","2","2600.75"],["\"Finance\"","1","9007199254740993"],[null,"3","-3"]]`; string(gotGroups) != want &&
			string(gotGroups) != strings.Replace(want, `"2600.75"`, `"2600.750000000000000000"`, 1) {
			t.Errorf("groups = %s, want %s", gotGroups, want)
		}
	})
}

func indexOf(recs []crm.Record, id int64) int {
	for i, r := range recs {
		if r.ID == id {
			return i
		}
	}
	return -1
}

// coqlRecords stores six deals, three of them on two accounts, and returns the org and the deals.
func coqlRecords(t *testing.T, db *store.DB) (crm.Org, []crm.Record) {
	t.Helper()
	ctx := context.Background()
	var org crm.Org
	var recs []crm.Record
	if err := db.Write(ctx, func(tx crm.Tx) error {
		o, owner, err := crm.CreateOrg(ctx, tx, crm.NewOrg{Name: "A", Edition: crm.Enterprise})
		if err != nil {
			return err
		}
		org = o
		ids, err := tx.NewIDs(ctx, 8)
		if err != nil {
			return err
		}
		now := time.Date(2024, 7, 17, 20, 38, 22, 0, time.UTC)
		rec := func(id int64, module string, data map[string]any) crm.Record {
			return crm.Record{ID: id, OrgID: o.ID, Module: module, OwnerID: owner.ID, CreatedBy: owner.ID, ModifiedBy: owner.ID,
				CreatedTime: now, ModifiedTime: now, Data: data}
		}
		retail, finance := map[string]any{"id": crm.FormatID(ids[6])}, map[string]any{"id": crm.FormatID(ids[7])}
		for i, d := range []map[string]any{
			{"Deal_Name": "Alpha", "Stage": "Qualification", "Amount": json.Number("100"), "Account_Name": retail},
			{"Deal_Name": "alpha two", "Stage": "Closed Won", "Amount": json.Number("2500.75"), "Account_Name": retail, "Next_Step": "call_%"},
			{"Deal_Name": "Beta (B), Inc", "Amount": json.Number("9007199254740993"), "Account_Name": finance, "Next_Step": "callx"},
			{"Deal_Name": "Gamma", "Amount": "not a number", "Account_Name": map[string]any{"id": "x"}},
			{"Deal_Name": `K\`, "Stage": "Qualification", "Amount": json.Number("-3"), "Next_Step": "call_x"},
			{"Deal_Name": "Ünïcode", "Account_Name": "222"},
		} {
			recs = append(recs, rec(ids[i], "Deals", d))
		}
		return tx.InsertRecords(ctx, append(append([]crm.Record{}, recs...),
			rec(ids[6], "Accounts", map[string]any{"Account_Name": "Retailer", "Industry": "Retail"}),
			rec(ids[7], "Accounts", map[string]any{"Account_Name": "Banker", "Industry": "Finance"})))
	}); err != nil {
		t.Fatal(err)
	}
	return org, recs
}
