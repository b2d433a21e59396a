package admin_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/zcrm/zcrm/internal/store/storetest"
)

// snapshot takes GET /__zcrm/snapshot, failing unless it answers 200.
func (e *env) snapshot() string {
	e.t.Helper()
	r := e.do("GET", "/__zcrm/snapshot", "", "")
	if r.status != 200 || r.header.Get("Content-Type") != "application/json;charset=utf-8" {
		e.t.Fatalf("GET snapshot = %d %q %s", r.status, r.header.Get("Content-Type"), r.body)
	}
	return r.body
}

// summaryOf is the answer PUT /__zcrm/snapshot gives for doc, counted from the document itself.
func summaryOf(t *testing.T, doc string) string {
	t.Helper()
	var v struct {
		Tables map[string][]json.RawMessage `json:"tables"`
	}
	if err := json.Unmarshal([]byte(doc), &v); err != nil {
		t.Fatal(err)
	}
	rows := 0
	for _, r := range v.Tables {
		rows += len(r)
	}
	return fmt.Sprintf(`{"orgs":%d,"users":%d,"records":%d,"rows":%d}`, len(v.Tables["orgs"]), len(v.Tables["users"]), len(v.Tables["records"]), rows)
}

// views are CRM API answers that show populate's and the seed's data.
var snapshotViews = []string{
	"/crm/v8/Leads?fields=Last_Name,Company", "/crm/v8/Contacts?fields=Last_Name", "/crm/v8/Deals?fields=Deal_Name,Stage",
	"/crm/v8/Contacts/roles", "/crm/v8/settings/automation/cadences", "/crm/v8/org",
}

func (e *env) views(tok string) map[string]string {
	e.t.Helper()
	out := map[string]string{}
	for _, p := range snapshotViews {
		r := e.crm("GET", p, tok, "")
		if r.status >= 300 {
			e.t.Fatalf("GET %s = %d %s", p, r.status, r.body)
		}
		out[p] = fmt.Sprintf("%d %s", r.status, r.body)
	}
	return out
}

func (e *env) sameViews(tok string, want map[string]string) {
	e.t.Helper()
	got := e.views(tok)
	for _, p := range snapshotViews {
		if got[p] != want[p] {
			e.t.Errorf("GET %s after import = %s\nwant %s", p, got[p], want[p])
		}
	}
}

// Export, reset, import: the CRM API shows the same data to the old tokens, of both orgs, new
// ids do not collide, and export → import → export is byte-identical.
func TestSnapshotRoundTrip(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b, "")
		tok, _, otherTok := e.twoOrgs()
		e.seed(`{"records":{"Contacts":[{"ref":"c1","Last_Name":"Seeded"}],"Deals":[{"ref":"d1","Deal_Name":"Seeded deal","Stage":"Qualification"}]},
			"deal_contact_roles":[{"deal":"d1","contact":"c1","role":"Purchasing"}]}`, "c1", "d1")
		want, wantOther := e.views(tok), e.views(otherTok)
		snap := e.snapshot()
		for _, table := range []string{`"orgs"`, `"oauth_access_tokens"`, `"cadences"`, `"enrollments"`, `"relations"`, `"deal_contact_roles"`, `"metadata_ids"`} {
			if !strings.Contains(snap, "\n"+table+":[\n{") {
				t.Errorf("the snapshot has no rows of %s:\n%s", table, snap)
			}
		}
		if strings.Contains(snap, tok) || !strings.HasPrefix(snap, `{"zcrm_snapshot":1,"next_id":`) {
			t.Fatalf("snapshot head or clear token:\n%.200s", snap)
		}

		e.do("POST", "/__zcrm/reset", "", "")
		e.crm("GET", "/crm/v8/org", tok, "").expect(t, 401, invalidToken)
		e.do("PUT", "/__zcrm/snapshot", "", snap).expect(t, 200, summaryOf(t, snap))
		e.sameViews(tok, want)
		e.sameViews(otherTok, wantOther)
		if again := e.snapshot(); again != snap {
			t.Fatalf("export → import → export differs:\n%s\nwant\n%s", again, snap)
		}
		// Ids go on from the snapshot's next_id: new rows do not collide.
		if r := e.crm("POST", "/crm/v8/Leads", tok, `{"data":[{"Last_Name":"After","Company":"X"}]}`); r.status != 201 {
			t.Fatalf("create after import = %d %s", r.status, r.body)
		}
	})
}

// An import replaces what the caches hold too: a cadence and a token made after the export, the
// cadence list and the token both cached, are gone at once.
func TestSnapshotImportInvalidatesCaches(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b, "")
		tok := e.token(e.admin)
		e.populate(tok)
		want := e.views(tok)
		snap := e.snapshot()

		later := e.token(e.admin)
		if r := e.crm("POST", "/crm/v8/settings/automation/cadences", later, `{"cadences":[{"name":"Later","module":{"api_name":"Leads"},"type":"manual_enrollment","follow_ups":[{"reference_id":"1","action":{"type":"tasks"}}]}]}`); r.status != 201 {
			t.Fatalf("create cadence = %d %s", r.status, r.body)
		}
		for range 2 { // the second answer comes from the cache
			if r := e.crm("GET", "/crm/v8/settings/automation/cadences", later, ""); !strings.Contains(r.body, `"Later"`) {
				t.Fatalf("cadences = %d %s", r.status, r.body)
			}
		}
		e.do("PUT", "/__zcrm/snapshot", "", snap).expect(t, 200, summaryOf(t, snap))
		e.crm("GET", "/crm/v8/settings/automation/cadences", later, "").expect(t, 401, invalidToken)
		e.sameViews(tok, want)
	})
}

// A SQLite export imports into PostgreSQL, whose export is the same document, and back.
func TestSnapshotSQLiteToPostgres(t *testing.T) {
	storetest.PostgresURL(t)
	lite := newEnv(t, storetest.SQLite, "")
	tok := lite.token(lite.admin)
	lite.populate(tok)
	want := lite.views(tok)
	snap := lite.snapshot()

	pg := newEnv(t, storetest.Postgres, "")
	pg.do("PUT", "/__zcrm/snapshot", "", snap).expect(t, 200, summaryOf(t, snap))
	pg.sameViews(tok, want)
	back := pg.snapshot()
	if back != snap {
		t.Fatalf("PostgreSQL export differs from the SQLite one:\n%s\nwant\n%s", back, snap)
	}
	again := newEnv(t, storetest.SQLite, "")
	again.do("PUT", "/__zcrm/snapshot", "", back).expect(t, 200, summaryOf(t, back))
	if got := again.snapshot(); got != snap {
		t.Fatalf("SQLite export after PostgreSQL differs:\n%s\nwant\n%s", got, snap)
	}
	again.sameViews(tok, want)
}

// edit returns doc with change applied to its decoded form.
func edit(t *testing.T, doc string, change func(v map[string]any)) string {
	t.Helper()
	d := json.NewDecoder(strings.NewReader(doc))
	d.UseNumber()
	var v map[string]any
	if err := d.Decode(&v); err != nil {
		t.Fatal(err)
	}
	change(v)
	return string(must(json.Marshal(v)))
}

func row(v map[string]any, table string, i int) map[string]any {
	return v["tables"].(map[string]any)[table].([]any)[i].(map[string]any)
}

// An invalid snapshot is 400 INVALID_SNAPSHOT naming the JSON path, and nothing changes.
func TestSnapshotInvalid(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b, "")
		e.twoOrgs()
		snap := e.snapshot()
		var firstRecord json.Number
		edit(t, snap, func(v map[string]any) { firstRecord = row(v, "records", 0)["id"].(json.Number) })
		for _, c := range []struct {
			name, doc, path, message string
		}{
			{"not an object", `null`, "$", "a snapshot is a JSON object (null)"},
			{"bad version", edit(t, snap, func(v map[string]any) { v["zcrm_snapshot"] = 2 }), "$.zcrm_snapshot", "must be 1, the snapshot format this zcrm reads"},
			{"no version", edit(t, snap, func(v map[string]any) { delete(v, "zcrm_snapshot") }), "$.zcrm_snapshot", "must be 1, the snapshot format this zcrm reads"},
			{"unknown key", edit(t, snap, func(v map[string]any) { v["extra"] = true }), "$.extra", "unknown key; a snapshot has zcrm_snapshot, next_id and tables"},
			{"bad next_id", edit(t, snap, func(v map[string]any) { v["next_id"] = "1" }), "$.next_id", "must be a positive integer"},
			{"unknown table", edit(t, snap, func(v map[string]any) { v["tables"].(map[string]any)["notes"] = []any{} }), "$.tables.notes", "unknown table"},
			{"journal is no state", edit(t, snap, func(v map[string]any) { v["tables"].(map[string]any)["request_journal"] = []any{} }), "$.tables.request_journal", "unknown table"},
			{"table not an array", edit(t, snap, func(v map[string]any) { v["tables"].(map[string]any)["users"] = map[string]any{} }), "$.tables.users", "must be an array of rows"},
			{"unknown column", edit(t, snap, func(v map[string]any) { row(v, "records", 2)["color"] = "red" }), "$.tables.records[2].color", "unknown column of records"},
			{"missing column", edit(t, snap, func(v map[string]any) { delete(row(v, "users", 1), "email") }), "$.tables.users[1].email", "missing column"},
			{"string for an integer", edit(t, snap, func(v map[string]any) { row(v, "records", 3)["org_id"] = "5725767000000100001" }), "$.tables.records[3].org_id", "must be an integer"},
			{"fraction", edit(t, snap, func(v map[string]any) { row(v, "records", 3)["created_time"] = 1.5 }), "$.tables.records[3].created_time", "must be an integer"},
			{"object for text", edit(t, snap, func(v map[string]any) { row(v, "records", 0)["data"] = map[string]any{} }), "$.tables.records[0].data", "must be a string"},
			{"null", edit(t, snap, func(v map[string]any) { row(v, "orgs", 0)["name"] = nil }), "$.tables.orgs[0].name", "must not be null"},
			{"unknown org", edit(t, snap, func(v map[string]any) { row(v, "records", 3)["org_id"] = 42 }), "$.tables.records[3].org_id", "42 is not the id of a row of orgs"},
			{"duplicate key", edit(t, snap, func(v map[string]any) { row(v, "records", 1)["id"] = firstRecord }), "$.tables.records[1]", "has the same key as $.tables.records[0]"},
			{"id past next_id", edit(t, snap, func(v map[string]any) { v["next_id"] = 5 }), "$.tables.orgs[0].id", fmt.Sprintf("id %s is not below next_id 5", strings.SplitN(strings.SplitN(snap, `"orgs":[`+"\n"+`{"id":`, 2)[1], ",", 2)[0])},
			{"unique column", edit(t, snap, func(v map[string]any) {
				u0, u1 := row(v, "users", 0), row(v, "users", 1)
				u1["org_id"], u1["email"] = u0["org_id"], u0["email"]
			}), "$.tables.users[1]", "repeats a value that must be unique in users"},
		} {
			t.Run(c.name, func(t *testing.T) {
				want := string(must(json.Marshal(map[string]string{"code": "INVALID_SNAPSHOT", "message": c.message, "path": c.path})))
				e.do("PUT", "/__zcrm/snapshot", "", c.doc).expect(t, 400, want)
				if got := e.snapshot(); got != snap {
					t.Fatalf("the database changed:\n%s\nwant\n%s", got, snap)
				}
			})
		}
		e.do("POST", "/__zcrm/snapshot", "", "").expect(t, 405, `{"code":"METHOD_NOT_ALLOWED","message":"/__zcrm/snapshot does not take POST; it takes GET, PUT"}`)
	})
}

// With an admin token set, both snapshot endpoints need it.
func TestSnapshotNeedsAdminToken(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b, "s3cret")
		missing := `{"code":"UNAUTHORIZED","message":"the admin API needs Authorization: Bearer <admin token>"}`
		e.do("GET", "/__zcrm/snapshot", "", "").expect(t, 401, missing)
		e.do("PUT", "/__zcrm/snapshot", "", `{}`).expect(t, 401, missing)
		e.do("GET", "/__zcrm/snapshot", "Bearer wrong", "").expect(t, 401, `{"code":"UNAUTHORIZED","message":"invalid admin token"}`)
		r := e.do("GET", "/__zcrm/snapshot", "Bearer s3cret", "")
		if r.status != 200 {
			t.Fatalf("GET with the token = %d %s", r.status, r.body)
		}
		e.do("PUT", "/__zcrm/snapshot", "Bearer s3cret", r.body).expect(t, 200, summaryOf(t, r.body))
		if again := e.do("GET", "/__zcrm/snapshot", "Bearer s3cret", ""); !bytes.Equal([]byte(again.body), []byte(r.body)) {
			t.Fatalf("export → import → export differs")
		}
	})
}
