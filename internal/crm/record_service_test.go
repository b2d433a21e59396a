package crm_test

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/zcrm/zcrm/internal/catalog"
	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/store"
	"github.com/zcrm/zcrm/internal/store/storetest"
)

// code returns the Zoho code of err ("" for nil, "?" for a non-Zoho error).
func code(err error) string {
	if err == nil {
		return ""
	}
	var ce *crm.Error
	if !errors.As(err, &ce) {
		return "?"
	}
	return ce.Code
}

func TestFormatAndParseTime(t *testing.T) {
	ist := time.FixedZone("IST", 5*3600+1800)
	at := time.Date(2024, 7, 18, 2, 8, 22, 999e6, ist)
	if got, want := crm.FormatTime(at), "2024-07-17T20:38:22+00:00"; got != want {
		t.Errorf("FormatTime = %s, want %s", got, want)
	}
	for s, ok := range map[string]bool{
		"2024-07-18T02:08:22+05:30": true, "2024-07-17T20:38:22-07:00": true, "2024-07-17T20:38:22Z": false,
		"2024-07-17T20:38:22.5+05:30": false, "2024-07-17 20:38:22+05:30": false, "2024-13-17T20:38:22+05:30": false,
		"2024-07-17T20:38:22+0530": false, "": false,
	} {
		got, parsed := crm.ParseTime(s)
		if parsed != ok {
			t.Errorf("ParseTime(%q) ok = %t, want %t", s, parsed, ok)
		}
		if ok && crm.FormatTime(got) != crm.FormatTime(mustParse(t, s)) {
			t.Errorf("ParseTime(%q) = %v", s, got)
		}
	}
}

func mustParse(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestParseIDsParam(t *testing.T) {
	cases := []struct {
		raw      string
		required bool
		want     []int64
		code     string
	}{
		{"", true, nil, "REQUIRED_PARAM_MISSING"},
		{" , ,", true, nil, "REQUIRED_PARAM_MISSING"},
		{"", false, nil, ""},
		{"3,1,3,2,", true, []int64{3, 1, 2}, ""},
		{" 7 ", true, []int64{7}, ""},
		{"1,x", true, nil, "UNABLE_TO_PARSE_DATA_TYPE"},
		{"0", true, nil, "UNABLE_TO_PARSE_DATA_TYPE"},
		{"9223372036854775808", true, nil, "UNABLE_TO_PARSE_DATA_TYPE"},
		{strings.Repeat("1,", 100), true, []int64{1}, ""},
		{strings.Repeat("1,", 101), true, nil, "LIMIT_EXCEEDED"},
		{strings.Repeat("x,", 101), true, nil, "LIMIT_EXCEEDED"},
	}
	for _, c := range cases {
		got, err := crm.ParseIDsParam(c.raw, c.required)
		if code(err) != c.code || !reflect.DeepEqual(got, c.want) {
			t.Errorf("ParseIDsParam(%q, %t) = %v, %v; want %v, %s", c.raw, c.required, got, err, c.want, c.code)
		}
	}
}

func TestParseListQuery(t *testing.T) {
	params := func(kv ...string) func(string) (string, bool) {
		m := map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
	}
	q, err := crm.ParseListQuery(params("fields", " Last_Name, ,Email ", "page", "3", "per_page", "900", "sort_by", "created_time", "sort_order", "ASC", "ids", "5,4"), true)
	want := crm.ListQuery{Fields: []string{"Last_Name", "Email"}, IDs: []int64{5, 4}, Page: 3, PerPage: 200, SortBy: crm.SortByCreatedTime}
	if err != nil || !reflect.DeepEqual(q, want) {
		t.Errorf("ParseListQuery = %+v, %v; want %+v", q, err, want)
	}
	q, err = crm.ParseListQuery(params("fields", "a", "page_token", "tok", "cvid", "12", "converted", "both", "page", ""), true)
	want = crm.ListQuery{Fields: []string{"a"}, Page: 1, PerPage: 200, SortBy: crm.SortByID, Desc: true, PageToken: "tok",
		Other: map[string]string{"cvid": "12", "converted": "both"}}
	if err != nil || !reflect.DeepEqual(q, want) {
		t.Errorf("ParseListQuery with page_token = %+v, %v; want %+v", q, err, want)
	}
	q, err = crm.ParseListQuery(params(), false)
	if want := (crm.ListQuery{Page: 1, PerPage: 200, SortBy: crm.SortByID, Desc: true}); err != nil || !reflect.DeepEqual(q, want) {
		t.Errorf("defaults = %+v, %v; want %+v", q, err, want)
	}
	for _, c := range []struct {
		kv   []string
		code string
	}{
		{nil, "REQUIRED_PARAM_MISSING"},
		{[]string{"fields", strings.Repeat("a,", 51)}, "LIMIT_EXCEEDED"},
		{[]string{"fields", strings.Repeat("a,", 50)}, ""},
		{[]string{"fields", "a", "page", "-1"}, "INVALID_DATA"},
		{[]string{"fields", "a", "page", "99999999999999999999"}, "INVALID_DATA"},
		{[]string{"fields", "a", "page", "2000", "per_page", "1"}, ""},
		{[]string{"fields", "a", "page", "2001", "per_page", "1"}, "DISCRETE_PAGINATION_LIMIT_EXCEEDED"},
		{[]string{"fields", "a", "page", "9223372036854775807"}, "DISCRETE_PAGINATION_LIMIT_EXCEEDED"},
		{[]string{"fields", "a", "sort_by", "Name"}, "INVALID_DATA"},
		{[]string{"fields", "a", "sort_order", "sideways"}, "INVALID_DATA"},
		{[]string{"fields", "a", "ids", "1,a"}, "UNABLE_TO_PARSE_DATA_TYPE"},
		{[]string{"fields", "a", "page_token", "abc"}, ""},
		{[]string{"fields", "a", "page_token", "abc", "page", ""}, ""},
		{[]string{"fields", "a", "page_token", "abc", "page", "1"}, "AMBIGUITY_DURING_PROCESSING"},
		{[]string{"fields", "a", "page_token", "abc", "page", "x"}, "INVALID_DATA"},
	} {
		if _, err := crm.ParseListQuery(params(c.kv...), true); code(err) != c.code {
			t.Errorf("ParseListQuery(%q): %v, want %s", c.kv, err, c.code)
		}
	}
}

func TestRecordsFromBody(t *testing.T) {
	decode := func(s string) map[string]any {
		var m map[string]any
		if err := json.Unmarshal([]byte(s), &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	for body, want := range map[string]string{
		`{}`:                        "MANDATORY_NOT_FOUND",
		`{"data":null}`:             "MANDATORY_NOT_FOUND",
		`{"data":[]}`:               "MANDATORY_NOT_FOUND",
		`{"data":"x"}`:              "INVALID_DATA",
		`{"data":[1]}`:              "",
		`{"data":[{}],"trigger":1}`: "",
		`{"data":[` + strings.TrimSuffix(strings.Repeat(`{},`, 101), ",") + `]}`: "LIMIT_EXCEEDED",
	} {
		if _, err := crm.RecordsFromBody(decode(body)); code(err) != want {
			t.Errorf("RecordsFromBody(%s): %v, want %s", body, err, want)
		}
	}
}

func TestRecordName(t *testing.T) {
	contacts, _ := catalog.Standard("Contacts")
	accounts, _ := catalog.Standard("Accounts")
	for _, c := range []struct {
		m    catalog.Module
		data map[string]any
		want string
	}{
		{contacts, map[string]any{"First_Name": "Ann", "Last_Name": "Lee"}, "Ann Lee"},
		{contacts, map[string]any{"Last_Name": "Lee"}, "Lee"},
		{accounts, map[string]any{"Account_Name": "Zylker"}, "Zylker"},
		{catalog.NewCustomModule("Boats", "Boat", "Boats"), map[string]any{"Name": "Ahoy"}, "Ahoy"},
	} {
		if got := crm.RecordName(c.m, crm.Record{Data: c.data}); got != c.want {
			t.Errorf("RecordName(%s, %v) = %q, want %q", c.m.APIName, c.data, got, c.want)
		}
	}
}

// testOrg opens a store on b with the default org and returns its admin as an actor.
func testOrg(t *testing.T, b storetest.Backend) (*store.DB, crm.Actor) {
	t.Helper()
	clock := time.Date(2024, 7, 17, 20, 38, 22, 0, time.UTC)
	db := storetest.Open(t, b, store.Options{Now: func() time.Time { return clock }})
	ctx := context.Background()
	var a crm.Actor
	if err := db.Write(ctx, func(tx crm.Tx) error {
		var err error
		if a.Org, err = crm.EnsureDefaultOrg(ctx, tx); err != nil {
			return err
		}
		if a.User, err = tx.FirstAdmin(ctx, a.Org.ID); err != nil {
			return err
		}
		a.Profile, err = tx.Profile(ctx, a.Org.ID, a.User.ProfileID)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return db, a
}

// The services store what they validate: canonical field names, normalised values, unknown keys
// verbatim; updates merge; deletes remove.
func TestRecordServices(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		db, actor := testOrg(t, b)
		ctx := context.Background()
		leads, _ := catalog.Standard("Leads")
		var id int64
		if err := db.Write(ctx, func(tx crm.Tx) error {
			items, err := crm.InsertRecords(ctx, tx, actor, leads, []any{map[string]any{
				"last_name": "Lee", "No_of_Employees": json.Number("0012"), "Annual_Revenue": json.Number("1.50"),
				"Rating": "-None-", "Email": "", "Extra": []any{"kept", json.Number("12345678901234567890")}, "$skip": 1,
			}})
			if err != nil {
				return err
			}
			if !items[0].OK() {
				t.Fatalf("insert: %+v", items[0])
			}
			id, _ = crm.ParseID(items[0].Details["id"].(string))
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		read := func() crm.Record {
			t.Helper()
			var rec crm.Record
			if err := db.Read(ctx, func(tx crm.Tx) error {
				var err error
				rec, err = tx.Record(ctx, actor.Org.ID, "Leads", id)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return rec
		}
		data, _ := json.Marshal(read().Data)
		if got, want := string(data), `{"Annual_Revenue":1.50,"Extra":["kept",12345678901234567890],"Last_Name":"Lee","No_of_Employees":12}`; got != want {
			t.Errorf("stored %s, want %s", got, want)
		}
		if err := db.Write(ctx, func(tx crm.Tx) error {
			items, err := crm.UpdateRecords(ctx, tx, actor, leads, []any{
				map[string]any{"id": crm.FormatID(id), "Extra": nil, "Company": "Z"},
				map[string]any{"id": json.Number(crm.FormatID(id)), "Annual_Revenue": nil},
			})
			if err == nil && (!items[0].OK() || !items[1].OK()) {
				t.Fatalf("update: %+v", items)
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
		data, _ = json.Marshal(read().Data)
		if got, want := string(data), `{"Company":"Z","Last_Name":"Lee","No_of_Employees":12}`; got != want {
			t.Errorf("after update %s, want %s", got, want)
		}
		if err := db.Write(ctx, func(tx crm.Tx) error {
			items, err := crm.DeleteRecords(ctx, tx, actor, leads, []int64{id, id + 1})
			if err == nil && (!items[0].OK() || items[1].Code != "INVALID_DATA") {
				t.Fatalf("delete: %+v", items)
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if err := db.Read(ctx, func(tx crm.Tx) error {
			_, err := tx.Record(ctx, actor.Org.ID, "Leads", id)
			if !errors.Is(err, crm.ErrNotFound) {
				t.Errorf("deleted record: %v", err)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	})
}

// The store lists records in the query's order with ties broken by id, filters by ids,
// modification time and owner, and never returns another module's or org's records.
func TestStoreListRecords(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		db, actor := testOrg(t, b)
		ctx := context.Background()
		base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
		var ids []int64
		if err := db.Write(ctx, func(tx crm.Tx) error {
			other, otherAdmin, err := crm.CreateOrg(ctx, tx, crm.NewOrg{Name: "Other", Edition: crm.Enterprise})
			if err != nil {
				return err
			}
			if ids, err = tx.NewIDs(ctx, 6); err != nil {
				return err
			}
			var recs []crm.Record
			for i, id := range ids[:4] {
				at := base.Add(time.Duration(i%2) * time.Hour) // two share each time
				recs = append(recs, crm.Record{ID: id, OrgID: actor.Org.ID, Module: "Leads", OwnerID: actor.User.ID, CreatedBy: actor.User.ID,
					ModifiedBy: actor.User.ID, CreatedTime: at, ModifiedTime: base.Add(time.Duration(4-i) * time.Minute), Data: map[string]any{}})
			}
			recs = append(recs,
				crm.Record{ID: ids[4], OrgID: actor.Org.ID, Module: "Contacts", OwnerID: actor.User.ID, Data: map[string]any{}},
				crm.Record{ID: ids[5], OrgID: other.ID, Module: "Leads", OwnerID: otherAdmin.ID, Data: map[string]any{}})
			return tx.InsertRecords(ctx, recs)
		}); err != nil {
			t.Fatal(err)
		}
		list := func(q crm.RecordQuery) []int64 {
			t.Helper()
			q.OrgID, q.Module = actor.Org.ID, "Leads"
			if q.Limit == 0 {
				q.Limit = 10
			}
			var out []int64
			if err := db.Read(ctx, func(tx crm.Tx) error {
				recs, err := tx.ListRecords(ctx, q)
				for _, r := range recs {
					out = append(out, r.ID)
				}
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return out
		}
		a, b1, c, d := ids[0], ids[1], ids[2], ids[3]
		for name, c := range map[string]struct {
			q    crm.RecordQuery
			want []int64
		}{
			"id desc":                {crm.RecordQuery{SortBy: crm.SortByID, Desc: true}, []int64{d, c, b1, a}},
			"created asc, id ties":   {crm.RecordQuery{SortBy: crm.SortByCreatedTime}, []int64{a, c, b1, d}},
			"created desc, id ties":  {crm.RecordQuery{SortBy: crm.SortByCreatedTime, Desc: true}, []int64{d, b1, c, a}},
			"modified asc":           {crm.RecordQuery{SortBy: crm.SortByModifiedTime}, []int64{d, c, b1, a}},
			"page":                   {crm.RecordQuery{SortBy: crm.SortByID, Offset: 1, Limit: 2}, []int64{b1, c}},
			"ids":                    {crm.RecordQuery{SortBy: crm.SortByID, IDs: []int64{c, a, ids[4], ids[5]}}, []int64{a, c}},
			"empty ids":              {crm.RecordQuery{SortBy: crm.SortByID, IDs: []int64{}}, nil},
			"modified since":         {crm.RecordQuery{SortBy: crm.SortByID, ModifiedSince: base.Add(2 * time.Minute)}, []int64{a, b1}},
			"unknown sort key is id": {crm.RecordQuery{SortBy: "Last_Name"}, []int64{a, b1, c, d}},
			"owner":                  {crm.RecordQuery{SortBy: crm.SortByID, OwnerID: actor.User.ID}, []int64{a, b1, c, d}},
			"another owner":          {crm.RecordQuery{SortBy: crm.SortByID, OwnerID: actor.User.ID + 1}, nil},
		} {
			if got := list(c.q); !reflect.DeepEqual(got, c.want) {
				t.Errorf("%s: %v, want %v", name, got, c.want)
			}
		}
	})
}

// Metadata ids missing from an org (catalogue entries added later) are allocated once.
func TestAllocateMetaIDs(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		db, actor := testOrg(t, b)
		ctx := context.Background()
		keys := []string{catalog.KeyModule("Leads"), catalog.KeyRole("CEO"), catalog.KeyPickValue("Leads", "Rating", "Active")}
		var first, second map[string]string
		for _, into := range []*map[string]string{&first, &second} {
			if err := db.Write(ctx, func(tx crm.Tx) error {
				ids, err := crm.LoadMetaIDs(ctx, tx, actor.Org.ID)
				if err != nil {
					return err
				}
				for _, k := range keys {
					ids.ID(k)
				}
				if err := crm.AllocateMetaIDs(ctx, tx, actor.Org.ID, ids.Missing()); err != nil {
					return err
				}
				if ids, err = crm.LoadMetaIDs(ctx, tx, actor.Org.ID); err != nil {
					return err
				}
				*into = map[string]string{}
				for _, k := range keys {
					(*into)[k] = ids.ID(k)
				}
				if m := ids.Missing(); len(m) != 0 {
					t.Errorf("still missing %v", m)
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
		}
		if !reflect.DeepEqual(first, second) {
			t.Errorf("ids changed: %v then %v", first, second)
		}
		for k, v := range first {
			if v == "0" || len(v) != 19 {
				t.Errorf("%s = %s", k, v)
			}
		}
	})
}
