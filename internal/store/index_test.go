package store_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/zcrm/zcrm/internal/catalog"
	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/store"
	"github.com/zcrm/zcrm/internal/store/storetest"
)

// These tests check query plans, never time: the database is asked how it would run the
// statements that finding records sends (EXPLAIN QUERY PLAN on SQLite, EXPLAIN on PostgreSQL),
// and the answer must name the field's expression index (migration 0016, store/index.go) and scan
// no table.

// indexFixture is an org with enough records that PostgreSQL's planner, with statistics, prefers
// an index to reading the table: contacts and leads with every indexed field, accounts, and one
// record of each other module with a unique field.
type indexFixture struct {
	db    *store.DB
	org   crm.Org
	actor crm.Actor
}

const indexFixtureContacts = 3000

func newIndexFixture(t *testing.T, b storetest.Backend) *indexFixture {
	t.Helper()
	ctx := context.Background()
	f := &indexFixture{db: storetest.Open(t, b, store.Options{})}
	if err := f.db.Write(ctx, func(tx crm.Tx) error {
		org, owner, err := crm.CreateOrg(ctx, tx, crm.NewOrg{Name: "Indexed", Edition: crm.Enterprise})
		if err != nil {
			return err
		}
		prof, err := tx.Profile(ctx, org.ID, owner.ProfileID)
		if err != nil {
			return err
		}
		f.org, f.actor = org, crm.Actor{Org: org, User: owner, Profile: prof}
		var recs []crm.Record
		add := func(module string, data map[string]any) {
			recs = append(recs, crm.Record{OrgID: org.ID, Module: module, OwnerID: owner.ID, CreatedBy: owner.ID, ModifiedBy: owner.ID,
				CreatedTime: time.Unix(1700000000, 0), ModifiedTime: time.Unix(1700000000, 0), Data: data})
		}
		for i := range indexFixtureContacts {
			n := fmt.Sprint(i)
			add("Contacts", map[string]any{"Last_Name": "Contact " + n, "Email": "contact" + n + "@x.test", "Phone": "+1 555 " + n, "Mobile": "+1 666 " + n})
			if i%10 == 0 {
				add("Leads", map[string]any{"Last_Name": "Lead " + n, "Email": "lead" + n + "@x.test", "Phone": "+1 777 " + n})
				add("Accounts", map[string]any{"Account_Name": "Account " + n, "Phone": "+1 888 " + n})
			}
		}
		add("Campaigns", map[string]any{"Campaign_Name": "Spring"})
		add("Products", map[string]any{"Product_Name": "Widget"})
		add("Price_Books", map[string]any{"Price_Book_Name": "Retail"})
		add("Vendors", map[string]any{"Vendor_Name": "Acme", "Email": "acme@x.test"})
		ids, err := tx.NewIDs(ctx, len(recs))
		if err != nil {
			return err
		}
		for i := range recs {
			recs[i].ID = ids[i]
		}
		return tx.InsertRecords(ctx, recs)
	}); err != nil {
		t.Fatal(err)
	}
	if b == storetest.Postgres {
		// Autovacuum gathers these statistics within a minute of a bulk change; the test cannot wait.
		if _, err := f.db.SQL().ExecContext(ctx, `ANALYZE records`); err != nil {
			t.Fatal(err)
		}
	}
	// SQLite runs without statistics (zcrm never runs ANALYZE there): the plans below are the
	// planner's choice from the schema alone.
	return f
}

// statement is one SQL statement and its arguments; write: it runs in a write transaction (on
// SQLite, the writer connection).
type statement struct {
	what  string
	text  string
	args  []any
	write bool
}

// checkPlans asks for each statement's plan (on PostgreSQL the plan for its values and the generic
// plan a prepared statement settles on) and checks it uses every index of want and reads no table
// through anything else.
func (f *indexFixture) checkPlans(t *testing.T, stmts []statement, want ...string) {
	t.Helper()
	if len(stmts) == 0 {
		t.Fatal("no statement captured")
	}
	ctx := context.Background()
	for _, s := range stmts {
		for _, generic := range []bool{false, true} {
			if generic && f.db.Dialect() != store.Postgres {
				continue
			}
			var plan string
			explain := func(tx crm.Tx) error {
				var err error
				plan, err = store.ExplainSQL(ctx, tx, generic, s.text, s.args...)
				return err
			}
			run := f.db.Read
			if s.write {
				run = f.db.Write
			}
			if err := run(ctx, explain); err != nil {
				t.Fatalf("%s: explain: %v\n%s", s.what, err, s.text)
			}
			t.Logf("%s (generic plan %v):\n%s", s.what, generic, plan)
			for _, idx := range want {
				if !strings.Contains(plan, idx) {
					t.Errorf("%s (generic plan %v): the plan does not use %s:\n%s", s.what, generic, idx, plan)
				}
			}
			if scansTable(f.db.Dialect(), plan) {
				t.Errorf("%s (generic plan %v): the plan reads the whole table:\n%s", s.what, generic, plan)
			}
		}
	}
}

// scansTable reports whether a plan reads the records of the module one by one: a table scan
// (SQLite's SCAN, PostgreSQL's Seq Scan) or a walk of the (org_id, module, id) index, which
// narrows them to the module only.
func scansTable(d store.Dialect, plan string) bool {
	for _, line := range strings.Split(plan, "\n") {
		if strings.Contains(line, "records_org_module_id") {
			return true
		}
		line = strings.TrimSpace(strings.TrimLeft(line, "|`- "))
		if d == store.Postgres && strings.Contains(line, "Seq Scan") || d != store.Postgres && strings.HasPrefix(line, "SCAN ") {
			return true
		}
	}
	return false
}

// capturingTx records the record queries crm sends to the store, which it still runs.
type capturingTx struct {
	crm.Tx
	lists  []crm.RecordQuery
	counts []crm.RecordQuery
	coql   []crm.COQLSelect
}

func (c *capturingTx) ListRecords(ctx context.Context, q crm.RecordQuery) ([]crm.Record, error) {
	c.lists = append(c.lists, q)
	return c.Tx.ListRecords(ctx, q)
}

func (c *capturingTx) CountRecords(ctx context.Context, q crm.RecordQuery) (int, error) {
	c.counts = append(c.counts, q)
	return c.Tx.CountRecords(ctx, q)
}

func (c *capturingTx) COQLRecords(ctx context.Context, q crm.COQLSelect) ([]crm.COQLRow, error) {
	c.coql = append(c.coql, q)
	return c.Tx.COQLRecords(ctx, q)
}

// capture runs fn on a capturing transaction and returns the statements the store would run for
// what it captured.
func (f *indexFixture) capture(t *testing.T, write bool, fn func(ctx context.Context, tx crm.Tx) error) []statement {
	t.Helper()
	ctx := context.Background()
	var out []statement
	run := func(tx crm.Tx) error {
		c := &capturingTx{Tx: tx}
		if err := fn(ctx, c); err != nil {
			return err
		}
		for _, q := range c.lists {
			text, args := store.ListRecordsSQL(tx, q)
			out = append(out, statement{"ListRecords", text, args, write})
		}
		for _, q := range c.counts {
			text, args := store.CountRecordsSQL(tx, q)
			out = append(out, statement{"CountRecords", text, args, write})
		}
		for _, q := range c.coql {
			text, args := store.COQLRecordsSQL(tx, q)
			out = append(out, statement{"COQLRecords", text, args, write})
		}
		return nil
	}
	var err error
	if write {
		err = f.db.Write(ctx, run)
	} else {
		err = f.db.Read(ctx, run)
	}
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func params(raw string) func(string) (string, bool) {
	v, _ := url.ParseQuery(raw)
	return func(k string) (string, bool) { s, ok := v[k]; return first(s), ok }
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

// Search by email or phone, a criteria search and count on indexed fields, COQL's where clause and
// the duplicate check of an insert use the fields' indexes on both databases.
func TestFindingRecordsUsesFieldIndexes(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		f := newIndexFixture(t, b)
		contacts, _ := catalog.Standard("Contacts")
		accounts, _ := catalog.Standard("Accounts")
		search := func(m catalog.Module, raw string) func(ctx context.Context, tx crm.Tx) error {
			return func(ctx context.Context, tx crm.Tx) error {
				crit, err := crm.SearchCriteria(params(raw), m)
				if err != nil {
					return err
				}
				q, err := crm.ParseSearchQuery(params(raw))
				if err != nil {
					return err
				}
				_, _, err = crm.SearchRecords(ctx, tx, f.actor, m, q, crit)
				return err
			}
		}
		count := func(m catalog.Module, raw string) func(ctx context.Context, tx crm.Tx) error {
			return func(ctx context.Context, tx crm.Tx) error {
				crit, err := crm.SearchCriteria(params(raw), m)
				if err != nil {
					return err
				}
				_, err = crm.CountRecords(ctx, tx, f.actor, m, crit)
				return err
			}
		}
		coql := func(query string) func(ctx context.Context, tx crm.Tx) error {
			return func(ctx context.Context, tx crm.Tx) error {
				q, err := crm.ParseCOQL(query)
				if err != nil {
					return err
				}
				m, err := crm.COQLModule(ctx, tx, f.org, q)
				if err != nil {
					return err
				}
				_, err = crm.RunCOQL(ctx, tx, f.actor, m, q, nil)
				return err
			}
		}
		insert := func(m catalog.Module, data ...any) func(ctx context.Context, tx crm.Tx) error {
			return func(ctx context.Context, tx crm.Tx) error {
				_, err := crm.InsertRecords(ctx, tx, f.actor, m, data)
				return err
			}
		}
		for _, c := range []struct {
			what  string
			write bool
			fn    func(ctx context.Context, tx crm.Tx) error
			want  []string
		}{
			{"search email", false, search(contacts, "email=Contact17@X.test"), []string{"records_email"}},
			{"search phone (Phone or Mobile)", false, search(contacts, "phone=%2B1 555 17"), []string{"records_phone", "records_mobile"}},
			{"search criteria Last_Name", false, search(contacts, "criteria=(Last_Name:equals:Contact 17)"), []string{"records_last_name"}},
			{"search criteria Email in", false, search(contacts, "criteria=(Email:in:contact1@x.test,contact2@x.test)"), []string{"records_email"}},
			{"count criteria Email", false, count(contacts, "criteria=(Email:equals:contact17@x.test)"), []string{"records_email"}},
			{"count email", false, count(contacts, "email=contact17@x.test"), []string{"records_email"}},
			{"COQL where Email", false, coql("select Last_Name from Contacts where Email = 'contact17@x.test'"), []string{"records_email"}},
			{"COQL where Account_Name", false, coql("select Account_Name from Accounts where Account_Name = 'Account 10'"), []string{"records_account_name"}},
			{"duplicate check, one contact", true, insert(contacts, map[string]any{"Last_Name": "New", "Email": "new@x.test"}), []string{"records_email"}},
			{"duplicate check, two contacts", true, insert(contacts, map[string]any{"Last_Name": "A", "Email": "a@x.test"},
				map[string]any{"Last_Name": "B", "Email": "b@x.test"}), []string{"records_email"}},
			{"duplicate check, account", true, insert(accounts, map[string]any{"Account_Name": "Account 20"}), []string{"records_account_name"}},
		} {
			t.Run(c.what, func(t *testing.T) {
				f.checkPlans(t, f.capture(t, c.write, c.fn), c.want...)
			})
		}
	})
}

// Every field of the allow-list criteriaOperand writes as a literal has its index in the migrated
// schema, and an equality on it is answered through that index. A field that the catalogue rule
// adds (index.go) without a migration fails here.
func TestIndexedFieldsHaveIndexes(t *testing.T) {
	want := []string{"Account_Name", "Campaign_Name", "Email", "Last_Name", "Mobile", "Phone", "Price_Book_Name", "Product_Name", "Vendor_Name"}
	if got := store.IndexedFields(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("indexed fields %v, want %v (the catalogue changed: add a migration for the new ones)", got, want)
	}
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		f := newIndexFixture(t, b)
		for _, field := range store.IndexedFields() {
			var stmts []statement
			if err := f.db.Read(context.Background(), func(tx crm.Tx) error {
				text, args := store.CountRecordsSQL(tx, crm.RecordQuery{OrgID: f.org.ID, Module: "Contacts",
					Criteria: &crm.Criteria{Cond: &crm.Condition{Field: field, Operator: crm.OpEquals, Kind: crm.KindText, Values: []any{"x"}}}})
				stmts = append(stmts, statement{field, text, args, false})
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			f.checkPlans(t, stmts, "records_"+strings.ToLower(field))
		}
		// A field without an index keeps its name in a parameter: the statement names no field.
		if err := f.db.Read(context.Background(), func(tx crm.Tx) error {
			text, args := store.CountRecordsSQL(tx, crm.RecordQuery{OrgID: f.org.ID, Module: "Contacts",
				Criteria: &crm.Criteria{Cond: &crm.Condition{Field: "First_Name", Operator: crm.OpEquals, Kind: crm.KindText, Values: []any{"x"}}}})
			if strings.Contains(text, "First_Name") || len(args) != 5 {
				t.Errorf("an unindexed field's name is in the SQL text or not in its arguments: %s %v", text, args)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	})
}

// On PostgreSQL the field indexes' expressions have statistics of their own (migration 0018), and
// listings write their page bounds into the statement (store.PageBounds): after ANALYZE a lookup
// of one contact's email is estimated at the one record it finds, and a prepared search settles on
// one generic plan instead of being planned afresh for every call (BENCHMARKS.md, round 10).
func TestPreparedSearchSettlesOnGenericPlan(t *testing.T) {
	storetest.PostgresURL(t)
	f := newIndexFixture(t, storetest.Postgres)
	ctx := context.Background()
	for field, value := range map[string]string{"Email": "contact17@x.test", "Phone": "+1 555 17", "Last_Name": "contact 17"} {
		if err := f.db.Read(ctx, func(tx crm.Tx) error {
			text, args := store.ListRecordsSQL(tx, crm.RecordQuery{OrgID: f.org.ID, Module: "Contacts", SortBy: crm.SortByID, Desc: true,
				Limit: 201, Criteria: &crm.Criteria{Cond: &crm.Condition{Field: field, Operator: crm.OpEquals, Kind: crm.KindText, Values: []any{value}}}})
			plan, err := store.SettledPlan(ctx, tx, text, args...)
			if err != nil {
				return err
			}
			scan := strings.Split(plan, "\n")[1]
			if !strings.Contains(scan, "records_"+strings.ToLower(field)) || !strings.Contains(scan, " rows=1 ") || !strings.Contains(plan, "$1") {
				t.Errorf("%s: the settled plan is not the generic index lookup of one row:\n%s", field, plan)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
}
