package admin_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/zcrm/zcrm/internal/store/storetest"
)

// seed posts a fixture and returns its refs, failing unless it answers 200 {"refs":{…}} with
// exactly the wanted refs.
func (e *env) seed(doc string, wantRefs ...string) map[string]string {
	e.t.Helper()
	r := e.do("POST", "/__zcrm/seed", "", doc)
	if r.status != 200 {
		e.t.Fatalf("seed = %d %s", r.status, r.body)
	}
	var v struct {
		Refs map[string]string `json:"refs"`
	}
	if err := json.Unmarshal([]byte(r.body), &v); err != nil || len(v.Refs) != len(wantRefs) {
		e.t.Fatalf("seed answer %s, want refs %v", r.body, wantRefs)
	}
	for _, ref := range wantRefs {
		if v.Refs[ref] == "" {
			e.t.Fatalf("seed answer %s lacks ref %q", r.body, ref)
		}
	}
	r.expect(e.t, 200, string(must(json.Marshal(map[string]any{"refs": v.Refs}))))
	return v.Refs
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// The smallest fixture makes one contact, stored as the records API stores it: read back through
// the CRM API, owned and created by the org's Administrator.
func TestSeedSmallestFixture(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b, "")
		refs := e.seed(`{"records": {"Contacts": [{"ref": "c1", "Last_Name": "Seeded"}]}}`, "c1")
		r := e.crm("GET", "/crm/v8/Contacts/"+refs["c1"], e.token(e.admin), "")
		if r.status != 200 {
			t.Fatalf("get = %d %s", r.status, r.body)
		}
		var got struct {
			Data []map[string]any `json:"data"`
		}
		if err := json.Unmarshal([]byte(r.body), &got); err != nil || len(got.Data) != 1 {
			t.Fatalf("get = %s", r.body)
		}
		rec := got.Data[0]
		admin := map[string]any{"id": fmt.Sprint(e.admin.ID), "name": "Administrator", "email": "admin@zcrm.local"}
		for k, want := range map[string]any{"id": refs["c1"], "Last_Name": "Seeded", "Owner": admin,
			"Created_By": map[string]any{"id": fmt.Sprint(e.admin.ID), "name": "Administrator", "email": "admin@zcrm.local"}} {
			if !reflect.DeepEqual(rec[k], want) {
				t.Errorf("%s = %#v, want %#v (record %s)", k, rec[k], want, r.body)
			}
		}
	})
}

// Records of several modules (a lookup by ref), a campaign membership with its Member_Status and
// a deal contact role, all visible through the CRM API.
func TestSeedRecordsRelationsAndRoles(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b, "")
		refs := e.seed(`{
			"records": {
				"Accounts": [{"ref": "a1", "Account_Name": "Acme"}],
				"Contacts": [{"ref": "c1", "Last_Name": "Lovelace", "Account_Name": {"ref": "a1"}}, {"ref": "c2", "Last_Name": "Babbage"}, {"Last_Name": "Nameless"}],
				"Campaigns": [{"ref": "k1", "Campaign_Name": "Launch"}],
				"Deals": [{"ref": "d1", "Deal_Name": "Big", "Stage": "Qualification", "Contact_Name": {"ref": "c2"}}]
			},
			"relations": [
				{"parent": "k1", "list": "Contacts", "related": "c1", "Member_Status": "Responded"},
				{"parent": "c2", "list": "Campaigns", "related": "k1"}
			],
			"deal_contact_roles": [{"deal": "d1", "contact": "c1", "role": "Purchasing"}]
		}`, "a1", "c1", "c2", "k1", "d1")
		tok := e.token(e.admin)
		e.crm("GET", "/crm/v8/Campaigns/"+refs["k1"]+"/Contacts?fields=Last_Name,Member_Status", tok, "").expect(t, 200,
			fmt.Sprintf(`{"data":[{"Last_Name":"Babbage","Member_Status":null,"id":"%s"},{"Last_Name":"Lovelace","Member_Status":"Responded","id":"%s"}],
			"info":{"per_page":200,"next_page_token":null,"count":2,"page":1,"previous_page_token":null,"page_token_expiry":null,"more_records":false}}`, refs["c2"], refs["c1"]))
		roles := e.crm("GET", "/crm/v8/Deals/"+refs["d1"]+"/Contact_Roles?fields=Last_Name", tok, "")
		roles.body = regexp.MustCompile(`"Contact_Role":\{"id":"[0-9]+"`).ReplaceAllString(roles.body, `"Contact_Role":{"id":"role"`)
		roles.expect(t, 200,
			fmt.Sprintf(`{"data":[{"Contact_Role":{"id":"role","name":"Purchasing"},"Last_Name":"Lovelace","id":"%s"}],
			"info":{"per_page":200,"next_page_token":null,"count":1,"page":1,"previous_page_token":null,"page_token_expiry":null,"more_records":false}}`, refs["c1"]))
		e.crm("GET", "/crm/v8/Contacts?fields=Account_Name&ids="+refs["c1"], tok, "").expect(t, 200,
			fmt.Sprintf(`{"data":[{"Account_Name":{"id":"%s","name":"Acme"},"id":"%s"}],"info":{"per_page":200,"count":1,"page":1,"sort_by":"id","sort_order":"desc",
			"more_records":false,"next_page_token":null,"previous_page_token":null,"page_token_expiry":null,"call":false,"email":false}}`, refs["a1"], refs["c1"]))
	})
}

// Seeding needs the admin token when one is set, as every admin request does.
func TestSeedNeedsAdminToken(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b, adminTokenVal)
		e.do("POST", "/__zcrm/seed", "", `{"records": {"Contacts": [{"ref": "c1", "Last_Name": "Seeded"}]}}`).expect(t, 401, needToken)
		if got := e.crmState(e.org.ID)["records"]; got != 0 {
			t.Fatalf("records = %d after a refused seed", got)
		}
		e.do("POST", "/__zcrm/seed", "Bearer "+adminTokenVal, `{}`).expect(t, 200, `{"refs":{}}`)
	})
}

// Every invalid fixture is 400 INVALID_FIXTURE naming the JSON path of the offending value, and
// changes nothing, also when earlier parts of it were valid.
func TestSeedInvalidFixtures(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b, "")
		base := e.seed(`{"records": {"Contacts": [{"ref": "x", "Last_Name": "Before"}], "Deals": [{"ref": "d", "Deal_Name": "D", "Stage": "Qualification"}]}}`, "x", "d")
		before := e.crmState(e.org.ID)
		ok := `"Contacts": [{"ref": "c1", "Last_Name": "A"}]`
		for _, c := range []struct{ doc, message, path string }{
			{`{`, "malformed JSON", "$"},
			{`[]`, "a fixture must be a JSON object", "$"},
			{`{"records": {}, "recrods": {}}`, `unknown key \"recrods\"; a fixture takes org, orgs, modules, profiles, users, sharing, contact_roles, oauth, records, relations, notes, deal_contact_roles, custom_views, cadences, enrolments`, "$.recrods"},
			{`{"records": {}, "notes": {}}`, "notes must be a JSON array", "$.notes"},
			{`{"notes": [{"parent": "x", "Parent_Id": 1, "org": true}]}`, "org must be a ref or an id", "$.notes[0].org"},
			{`{"records": []}`, "records must be a JSON object", "$.records"},
			{`{"records": {"Contacts": {}}}`, "records of a module must be a JSON array", "$.records.Contacts"},
			{`{"records": {"Contacts": [1]}}`, "records of a module must be JSON objects", "$.records.Contacts[0]"},
			{`{"records": {"Contacts": [{"ref": 1, "Last_Name": "A"}]}}`, "ref must be a non-empty string", "$.records.Contacts[0].ref"},
			{`{"records": {` + ok + `, "Leads": [{"ref": "c1", "Last_Name": "B", "Company": "C"}]}}`, `ref \"c1\" is defined twice (first at $.records.Contacts[0].ref)`, "$.records.Leads[0].ref"},
			{`{"records": {"Nope": [{"Name": "A"}]}}`, "INVALID_MODULE: the module name given seems to be invalid", "$.records.Nope"},
			{`{"records": {` + ok + `, "Leads": [{"Company": "C"}]}}`, "MANDATORY_NOT_FOUND: required field not found", "$.records.Leads[0].Last_Name"},
			{`{"records": {"Contacts": [{"Last_Name": "A"}, {"Last_Name": "B", "Date_of_Birth": "yesterday"}]}}`, "INVALID_DATA: invalid data", "$.records.Contacts[1].Date_of_Birth"},
			{`{"records": {"Contacts": [{"Last_Name": "A", "Account_Name": {"ref": "a1"}}], "Accounts": [{"ref": "a1", "Account_Name": "Acme"}]}}`, `ref \"a1\" is used before it is defined (at $.records.Accounts[0].ref)`, "$.records.Contacts[0].Account_Name.ref"},
			{`{"records": {"Contacts": [{"Last_Name": "A", "Account_Name": {"ref": "zz"}}]}}`, `unknown ref \"zz\"`, "$.records.Contacts[0].Account_Name.ref"},
			{`{"records": {"Deals": [{"ref": "d1", "Deal_Name": "D", "Stage": "Qualification"}], "Contacts": [{"Last_Name": "A", "Account_Name": {"ref": "d1"}}]}}`, "INVALID_DATA: invalid data", "$.records.Contacts[0].Account_Name"},
			{`{"org": "1", "records": {` + ok + `}}`, "no org 1", "$.org"},
			{`{"org": true}`, "org must be an org ref or an org id", "$.org"},
			{`{"records": {` + ok + `}, "relations": [{"list": "Contacts", "related": "c1"}]}`, "parent is required (a ref or a record id)", "$.relations[0].parent"},
			{`{"records": {` + ok + `}, "relations": [{"parent": "k9", "list": "Contacts", "related": "c1"}]}`, `unknown ref \"k9\"`, "$.relations[0].parent"},
			{`{"records": {` + ok + `}, "relations": [{"parent": "` + base["x"] + `", "list": "Campaigns", "related": "c1"}]}`, "module (the parent's module) is required when parent is a record id", "$.relations[0].module"},
			{`{"records": {` + ok + `}, "relations": [{"parent": "123", "module": "Campaigns", "list": "Contacts", "related": "c1"}]}`, "no Campaigns record 123", "$.relations[0].parent"},
			{`{"records": {` + ok + `}, "relations": [{"parent": "c1", "list": "Nope", "related": "x"}]}`, `Contacts has no related list \"Nope\"`, "$.relations[0].list"},
			{`{"records": {` + ok + `}, "relations": [{"parent": "c1", "list": "Notes", "related": "x"}]}`, "related list Notes of Contacts cannot be linked", "$.relations[0].list"},
			{`{"records": {` + ok + `, "Campaigns": [{"ref": "k", "Campaign_Name": "K"}]}, "relations": [{"parent": "k", "list": "Contacts", "related": "c1", "Member_Status": 5}]}`, "INVALID_DATA: invalid data", "$.relations[0].Member_Status"},
			{`{"records": {"Campaigns": [{"ref": "k", "Campaign_Name": "K"}]}, "relations": [{"parent": "k", "list": "Contacts", "related": "` + base["d"] + `"}]}`, "INVALID_DATA: the id given seems to be invalid", "$.relations[0].related"},
			{`{"records": {"Campaigns": [{"ref": "k", "Campaign_Name": "K"}]}, "relations": [{"parent": "k", "list": "Contacts", "related": "k"}]}`, "Contacts lists Contacts records, not Campaigns", "$.relations[0].related"},
			{`{"records": {` + ok + `}, "deal_contact_roles": [{"deal": "d", "contact": "c1", "role": "Purchasing"}]}`, `unknown ref \"d\"`, "$.deal_contact_roles[0].deal"},
			{`{"records": {` + ok + `}, "deal_contact_roles": [{"deal": "` + base["d"] + `", "contact": "c1", "role": "Nobody"}]}`, "INVALID_DATA: invalid data", "$.deal_contact_roles[0].role"},
			{`{"records": {` + ok + `}, "deal_contact_roles": [{"deal": "` + base["d"] + `", "contact": "c1"}]}`, "MANDATORY_NOT_FOUND: required field not found", "$.deal_contact_roles[0].role"},
			{`{"records": {` + ok + `}, "deal_contact_roles": [{"deal": "` + base["d"] + `", "contact": "` + base["d"] + `", "role": "Purchasing"}]}`, "INVALID_DATA: the id given seems to be invalid", "$.deal_contact_roles[0].contact"},
			{`{"records": {` + ok + `}, "deal_contact_roles": [{"deal": "c1", "contact": "c1", "role": "Purchasing"}]}`, "deal must name a Deals record, not Contacts", "$.deal_contact_roles[0].deal"},
			{`{"records": {` + ok + `}, "deal_contact_roles": [{"deal": "` + base["d"] + `", "contact": "c1", "role": "Purchasing", "Role": "x"}]}`, `unknown key \"Role\"; a deal contact role takes deal, contact, role, org`, "$.deal_contact_roles[0].Role"},
		} {
			want := fmt.Sprintf(`{"code":"INVALID_FIXTURE","message":"%s","path":"%s"}`, c.message, c.path)
			if r := e.do("POST", "/__zcrm/seed", "", c.doc); r.status != 400 || !jsonEqual(r.body, want) {
				t.Errorf("seed %s\n got: %d %s\nwant: 400 %s", c.doc, r.status, r.body, want)
			}
			if after := e.crmState(e.org.ID); !reflect.DeepEqual(after, before) {
				t.Fatalf("seed %s changed the store: %v, was %v", c.doc, after, before)
			}
		}
	})
}

func jsonEqual(a, b string) bool {
	var x, y any
	if json.Unmarshal([]byte(a), &x) != nil || json.Unmarshal([]byte(b), &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y) && !strings.Contains(a, "\n")
}
