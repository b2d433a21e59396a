package admin_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"

	"github.com/zcrm/zcrm/internal/admin"
	"github.com/zcrm/zcrm/internal/store/storetest"
)

// doType posts body with a Content-Type header.
func (e *env) doType(path, contentType, body string) response {
	e.t.Helper()
	return e.send("POST", path, body, "Content-Type", contentType)
}

const yamlFixture = `# a YAML fixture: the same document as JSON
orgs:
  - {ref: acme, name: Acme}
users:
  - ref: sam
    org: acme
    email: sam@acme.test
oauth:
  tokens:
    - user: sam
      scopes: [ZohoCRM.modules.ALL]
      access_token: "1000.yamlaccess"
records:
  Contacts:
    - ref: c1
      org: acme
      Last_Name: Lovelace
      Date_of_Birth: 1990-01-02   # a date stays the string written
      Owner: {ref: sam}
`

// POST /__zcrm/seed reads YAML under a YAML content type, as the same JSON document: the answer,
// the records, and the errors' JSON paths are JSON's.
func TestSeedYAML(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b, "")
		r := e.doType("/__zcrm/seed", "application/yaml", yamlFixture)
		if r.status != 200 {
			t.Fatalf("seed = %d %s", r.status, r.body)
		}
		var ans struct{ Refs map[string]string }
		if err := json.Unmarshal([]byte(r.body), &ans); err != nil {
			t.Fatal(err)
		}
		refs := ans.Refs
		r.expect(t, 200, fmt.Sprintf(`{"refs":{"acme":%q,"acme.admin":%q,"sam":%q,"c1":%q}}`, refs["acme"], refs["acme.admin"], refs["sam"], refs["c1"]))
		for _, ref := range []string{"acme", "acme.admin", "sam", "c1"} {
			if !isDecimal(refs[ref]) {
				t.Fatalf("%s = %q", ref, refs[ref])
			}
		}
		e.crm("GET", "/crm/v8/Contacts?fields=Last_Name,Date_of_Birth,Owner", "1000.yamlaccess", "").expect(t, 200,
			`{"data":[{"Date_of_Birth":"1990-01-02","Last_Name":"Lovelace","Owner":{"email":"sam@acme.test","id":"`+refs["sam"]+`","name":"sam"},"id":"`+refs["c1"]+`"}],
			"info":{"per_page":200,"count":1,"page":1,"sort_by":"id","sort_order":"desc","more_records":false,"next_page_token":null,"previous_page_token":null,"page_token_expiry":null,"call":false,"email":false}}`)

		before := e.dbState()
		for _, c := range []struct{ contentType, doc, message, path string }{
			{"text/yaml; charset=utf-8", "users:\n  - email: a@b.test\n  - email: c@d.test\n    profile: Nope\n", fmt.Sprintf(`no profile \"Nope\" in org %d`, e.org.ID), "$.users[1].profile"},
			{"application/x-yaml", "records: {Contacts: [{Last_Name: A}, {Last_Name: B, Date_of_Birth: yesterday}]}", "INVALID_DATA: invalid data", "$.records.Contacts[1].Date_of_Birth"},
			{"application/yaml", "records: [1", `malformed YAML: line 1: did not find expected ',' or ']'`, "$"},
			{"application/yaml", "records: {}\n---\nusers: []\n", "a fixture is one YAML document", "$"},
			{"application/yaml", "", "a fixture must be a JSON object", "$"},
			{"application/yaml", "- 1\n", "a fixture must be a JSON object", "$"},
			{"application/yaml", "base: &b {Last_Name: A}\nrecords:\n  Contacts:\n    - <<: *b\n", "YAML merge keys (<<) are not supported", "$.records.Contacts[0]"},
			{"application/yaml", "records: {Contacts: [{Last_Name: !secret A}]}", "YAML tag !secret is not supported", "$.records.Contacts[0].Last_Name"},
			{"application/yaml", "records: {Contacts: [{Last_Name: A, Annual_Revenue: .nan}]}", "YAML number has no JSON form (quote it to give a string)", "$.records.Contacts[0].Annual_Revenue"},
			{"application/yaml", "records: {}\nrecords: {}\n", `duplicate key \"records\"`, "$.records"},
			{"application/json", "records: {}\n", "malformed JSON", "$"},
		} {
			r := e.doType("/__zcrm/seed", c.contentType, c.doc)
			r.expect(t, 400, `{"code":"INVALID_FIXTURE","message":"`+c.message+`","path":"`+c.path+`"}`)
		}
		if after := e.dbState(); !reflect.DeepEqual(after, before) {
			t.Fatalf("refused YAML changed the database: %v, was %v", after, before)
		}
	})
}

// FixtureFromYAML keeps key order and YAML's scalar types, timestamps as written.
func TestFixtureFromYAML(t *testing.T) {
	for _, c := range []struct{ yaml, json string }{
		{"b: 1\na: 2\n", `{"b":1,"a":2}`},
		{"n: 0x1F\nf: 1.5e3\nq: \"3\"\nt: true\nz: ~\nd: 2024-01-02\ns: plain text\n", `{"n":31,"f":1500,"q":"3","t":true,"z":null,"d":"2024-01-02","s":"plain text"}`},
		{"a: &x [1, {k: v}]\nb: *x\n", `{"a":[1,{"k":"v"}],"b":[1,{"k":"v"}]}`},
		{"id: 5725767000000100305\n", `{"id":5725767000000100305}`},
		{"'<&>': \"é\"\n", `{"\u003c\u0026\u003e":"é"}`},
	} {
		got, err := admin.FixtureFromYAML([]byte(c.yaml))
		if err != nil || string(got) != c.json {
			t.Errorf("FixtureFromYAML(%q) = %s, %v; want %s", c.yaml, got, err, c.json)
		}
	}
}
