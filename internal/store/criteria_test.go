package store_test

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/zcrm/zcrm/internal/catalog"
	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/store"
	"github.com/zcrm/zcrm/internal/store/storetest"
)

// The store's SQL for a criteria selects exactly the records crm.Criteria.Match accepts, on both
// dialects, for every operator and field kind, over records with empty and wrongly typed values.
func TestCriteriaSQLAgreesWithMatch(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		db := storetest.Open(t, b, store.Options{})
		ctx := context.Background()
		deals, _ := catalog.Standard("Deals")
		base := time.Date(2024, 7, 17, 20, 38, 22, 0, time.UTC)
		datas := []map[string]any{
			{"Deal_Name": "Alpha", "Stage": "Qualification", "Amount": json.Number("100"), "Closing_Date": "2024-01-05", "Account_Name": map[string]any{"id": "111"}, "Probability": json.Number("10.5")},
			{"Deal_Name": "alpha two", "Stage": "Closed Won", "Amount": json.Number("2500.75"), "Closing_Date": "2024-03-01", "Account_Name": map[string]any{"id": "222"}},
			{"Deal_Name": "Beta (B), Inc", "Stage": "Negotiation/Review", "Amount": json.Number("9007199254740993"), "Next_Step": "call_%"},
			{"Deal_Name": "Gamma", "Amount": "not a number", "Closing_Date": json.Number("5"), "Description": "Long text ALPHA"},
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
			for i, d := range datas {
				tm := base.Add(time.Duration(i) * time.Hour).Add(250 * time.Millisecond)
				recs = append(recs, crm.Record{ID: ids[i], OrgID: org.ID, Module: "Deals", OwnerID: owner.ID, CreatedBy: owner.ID,
					ModifiedBy: owner.ID, CreatedTime: tm, ModifiedTime: tm, Data: d})
			}
			return tx.InsertRecords(ctx, recs)
		}); err != nil {
			t.Fatal(err)
		}
		criteria := []string{
			`(Deal_Name:equals:alpha)`, `(Deal_Name:equals:ALPHA TWO)`, `(Deal_Name:not_equal:Alpha)`,
			`(Deal_Name:starts_with:al)`, `(Deal_Name:starts_with:Beta \(B\)\, )`, `(Deal_Name:equals:K\\)`,
			`(Deal_Name:in:gamma,Alpha,nobody)`, `(Next_Step:starts_with:call_%)`, `(Description:starts_with:long)`,
			`(Stage:equals:qualification)`, `(Stage:in:Closed Won,Negotiation/Review)`, `(Stage:not_equal:Closed Won)`,
			`(Amount:greater_than:100)`, `(Amount:greater_equal:100)`, `(Amount:less_than:100)`, `(Amount:less_equal:-3)`,
			`(Amount:between:0,2500.75)`, `(Amount:in:100,-3)`, `(Amount:equals:9007199254740993)`, `(Amount:greater_than:9007199254740992)`,
			`(Amount:not_equal:100)`, `(Probability:greater_than:10.25)`,
			`(Closing_Date:less_than:2024-01-06)`, `(Closing_Date:between:2024-01-01,2024-12-31)`, `(Closing_Date:equals:2024-03-01)`,
			`(Account_Name:equals:222)`, `(Account_Name:not_equal:222)`, `(Account_Name:in:111,222)`,
			`(Created_Time:greater_than:2024-07-17T21:38:22+00:00)`, `(Created_Time:equals:2024-07-17T22:38:22+00:00)`,
			`(Created_Time:between:2024-07-18T00:38:22+02:00,2024-07-18T01:38:22+00:00)`, `(Modified_Time:less_equal:2024-07-17T20:38:22+00:00)`,
			`(Owner:equals:` + crm.FormatID(owner.ID) + `)`, `(Owner:not_equal:` + crm.FormatID(owner.ID) + `)`,
			`(id:in:` + crm.FormatID(recs[0].ID) + `,` + crm.FormatID(recs[4].ID) + `)`, `(id:not_equal:` + crm.FormatID(recs[0].ID) + `)`,
			`((Stage:equals:Qualification)and(Amount:greater_than:0))`, `((Stage:equals:Qualification)or(Amount:greater_than:1000))`,
			`(((Deal_Name:starts_with:a)or(Deal_Name:starts_with:b))and(Amount:less_than:1000))`,
		}
		for _, s := range criteria {
			c, err := crm.ParseCriteria(s)
			if err == nil {
				err = c.Resolve(deals)
			}
			if err != nil {
				t.Fatalf("%s: %v", s, err)
			}
			checkAgreement(t, db, org.ID, s, c, recs)
		}
		// email, phone and word searches go through the same SQL.
		for _, p := range []map[string]string{{"word": "ALPHA"}, {"word": "_%"}, {"email": "x@y.z"}} {
			c, err := crm.SearchCriteria(func(k string) (string, bool) { v, ok := p[k]; return v, ok }, deals)
			if err != nil {
				t.Fatal(err)
			}
			checkAgreement(t, db, org.ID, p, c, recs)
		}
	})
}

// checkAgreement compares the ids and count the store selects for c with those Match accepts.
func checkAgreement(t *testing.T, db *store.DB, orgID int64, name any, c *crm.Criteria, recs []crm.Record) {
	t.Helper()
	ctx := context.Background()
	var want []int64
	for _, r := range recs {
		if c.Match(r) {
			want = append(want, r.ID)
		}
	}
	var got []int64
	var n int
	q := crm.RecordQuery{OrgID: orgID, Module: "Deals", SortBy: crm.SortByID, Criteria: c, Limit: 100}
	if err := db.Read(ctx, func(tx crm.Tx) error {
		rows, err := tx.ListRecords(ctx, q)
		for _, r := range rows {
			got = append(got, r.ID)
		}
		if err == nil {
			n, err = tx.CountRecords(ctx, q)
		}
		return err
	}); err != nil {
		t.Fatalf("%v: %v", name, err)
	}
	slices.Sort(got)
	if !slices.Equal(got, want) || n != len(want) {
		t.Errorf("%v: store selects %v (count %d), Match %v", name, got, n, want)
	}
}
