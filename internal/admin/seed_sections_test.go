package admin_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/zcrm/zcrm/internal/store/storetest"
)

// Each entry acts in the org its "org" names (a ref, or an id as a string or a number), else in the
// org of the ref it names first, else in the document's org; org refs also define "<ref>.admin".
func TestSeedOrgsPerEntry(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b, "")
		refs := e.seed(`{
			"orgs": [{"ref": "acme", "name": "Acme"}, {"ref": "pro", "name": "Pro Corp", "edition": "professional", "admin_email": "boss@pro.test"}],
			"profiles": [{"ref": "ro", "org": "pro", "name": "Reader"}],
			"users": [{"ref": "pam", "email": "pam@pro.test", "profile": "ro"}, {"ref": "dee", "email": "dee@zcrm.test"}],
			"contact_roles": [{"ref": "gate", "org": "pro", "name": "Gatekeeper"}],
			"oauth": {"tokens": [
				{"user": "pam", "scopes": ["ZohoCRM.modules.ALL"], "access_token": "1000.pam"},
				{"org": "acme", "scopes": ["ZohoCRM.modules.ALL"], "access_token": "1000.acme"},
				{"org": "pro", "user": "boss@pro.test", "scopes": ["ZohoCRM.modules.ALL"], "access_token": "1000.boss"},
				{"user": "dee", "scopes": ["ZohoCRM.modules.ALL"], "access_token": "1000.dee"}]},
			"records": {
				"Contacts": [
					{"ref": "a1", "org": "acme", "Last_Name": "InAcme"},
					{"ref": "p1", "org": "pro", "Last_Name": "InPro", "Owner": {"ref": "pam"}},
					{"ref": "d1", "Last_Name": "InDefault", "Owner": {"ref": "dee"}}],
				"Deals": [{"ref": "pd", "org": "pro", "Deal_Name": "ProDeal", "Stage": "Qualification"}],
				"Campaigns": [{"ref": "pk", "org": "pro", "Campaign_Name": "ProLaunch"}]},
			"relations": [{"parent": "pk", "list": "Contacts", "related": "p1"}],
			"deal_contact_roles": [{"deal": "pd", "contact": "p1", "role": "gate"}]
		}`, "acme", "acme.admin", "pro", "pro.admin", "ro", "pam", "dee", "gate", "a1", "p1", "d1", "pd", "pk")
		info := `"info":{"per_page":200,"count":%d,"page":1,"sort_by":"id","sort_order":"desc","more_records":false,"next_page_token":null,"previous_page_token":null,"page_token_expiry":null,"call":false,"email":false}`
		contacts := func(tok string, rows ...string) {
			t.Helper()
			e.crm("GET", "/crm/v8/Contacts?fields=Last_Name,Owner", tok, "").expect(t, 200,
				fmt.Sprintf(`{"data":[%s],`+info+`}`, strings.Join(rows, ","), len(rows)))
		}
		row := func(name, id, owner, ownerName, ownerEmail string) string {
			return fmt.Sprintf(`{"Last_Name":%q,"Owner":{"email":%q,"id":%q,"name":%q},"id":%q}`, name, ownerEmail, owner, ownerName, id)
		}
		contacts("1000.pam", row("InPro", refs["p1"], refs["pam"], "pam", "pam@pro.test"))
		contacts("1000.boss", row("InPro", refs["p1"], refs["pam"], "pam", "pam@pro.test"))
		contacts("1000.acme", row("InAcme", refs["a1"], refs["acme.admin"], "Administrator", "admin@acme.zcrm.local"))
		contacts("1000.dee", row("InDefault", refs["d1"], refs["dee"], "dee", "dee@zcrm.test"))
		contacts(e.token(e.admin), row("InDefault", refs["d1"], refs["dee"], "dee", "dee@zcrm.test"))
		if refs["pro.admin"] == "" || refs["pro.admin"] == refs["acme.admin"] {
			t.Fatalf("pro.admin = %q", refs["pro.admin"])
		}
		e.crm("GET", "/crm/v8/Campaigns/"+refs["pk"]+"/Contacts?fields=Last_Name", "1000.boss", "").expect(t, 200, fmt.Sprintf(
			`{"data":[{"Last_Name":"InPro","Member_Status":null,"id":"%s"}],"info":{"per_page":200,"next_page_token":null,"count":1,"page":1,"previous_page_token":null,"page_token_expiry":null,"more_records":false}}`, refs["p1"]))
		e.crm("GET", "/crm/v8/Deals/"+refs["pd"]+"/Contact_Roles?fields=Last_Name", "1000.boss", "").expect(t, 200, fmt.Sprintf(
			`{"data":[{"Contact_Role":{"id":"%s","name":"Gatekeeper"},"Last_Name":"InPro","id":"%s"}],"info":{"per_page":200,"next_page_token":null,"count":1,"page":1,"previous_page_token":null,"page_token_expiry":null,"more_records":false}}`, refs["gate"], refs["p1"]))

		// A later fixture names the org by id: as the document's org (a string) or per entry (a number).
		more := e.seed(`{"org": "`+refs["pro"]+`", "records": {"Contacts": [{"ref": "x", "Last_Name": "ById"}, {"ref": "y", "org": `+refs["acme"]+`, "Last_Name": "ByNumber"}]}}`, "x", "y")
		contacts("1000.boss", row("ById", more["x"], refs["pro.admin"], "Administrator", "boss@pro.test"),
			row("InPro", refs["p1"], refs["pam"], "pam", "pam@pro.test"))
		contacts("1000.acme", row("ByNumber", more["y"], refs["acme.admin"], "Administrator", "admin@acme.zcrm.local"),
			row("InAcme", refs["a1"], refs["acme.admin"], "Administrator", "admin@acme.zcrm.local"))
	})
}

// A seeded access token is issued at the admin clock and lives an hour, or expires_in seconds.
func TestSeedTokenExpiry(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b, "")
		e.freeze()
		e.seed(`{"oauth": {"tokens": [
			{"scopes": ["ZohoCRM.org.READ"], "access_token": "1000.hour"},
			{"scopes": ["ZohoCRM.org.READ"], "access_token": "1000.twohours", "expires_in": 7200}]}}`)
		live := func(tok string, want bool) {
			t.Helper()
			r := e.crm("GET", "/crm/v8/org", tok, "")
			if want && r.status != 200 {
				t.Fatalf("%s: %d %s, want it valid", tok, r.status, r.body)
			}
			if !want {
				r.expect(t, 401, invalidToken)
			}
		}
		live("1000.hour", true)
		live("1000.twohours", true)
		e.do("POST", "/__zcrm/clock/advance", "", `{"by":"59m59s"}`).expect(t, 200, `{"now":"2030-01-01T09:59:59Z","frozen":true}`)
		live("1000.hour", true)
		e.do("POST", "/__zcrm/clock/advance", "", `{"by":"1s"}`).expect(t, 200, `{"now":"2030-01-01T10:00:00Z","frozen":true}`)
		live("1000.hour", false)
		live("1000.twohours", true)
		e.do("POST", "/__zcrm/clock/advance", "", `{"by":"1h"}`).expect(t, 200, `{"now":"2030-01-01T11:00:00Z","frozen":true}`)
		live("1000.twohours", false)
	})
}

// expectFixtureError posts doc and checks it is refused with exactly that message and path and
// that the database did not change; it returns the answer.
func (e *env) expectFixtureError(doc, message, path string) response {
	e.t.Helper()
	before := e.dbState()
	want := fmt.Sprintf(`{"code":"INVALID_FIXTURE","message":%q,"path":%q}`, message, path)
	r := e.do("POST", "/__zcrm/seed", "", doc)
	if r.status != 400 || !jsonEqual(r.body, want) {
		e.t.Errorf("seed %s\n got: %d %s\nwant: 400 %s", doc, r.status, r.body, want)
	}
	if after := e.dbState(); !reflect.DeepEqual(after, before) {
		e.t.Fatalf("seed %s changed the database: %v, was %v", doc, after, before)
	}
	return r
}

// Every refusal of the sections beyond records names the JSON path of the offending value, in the
// words of the service that refused it, and changes nothing.
func TestSeedSectionErrors(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b, "")
		base := e.seed(`{"orgs": [{"ref": "pro", "name": "Pro", "edition": "professional"}],
			"oauth": {"clients": [{"ref": "app", "client_id": "1000.TAKEN", "client_secret": "taken-secret"}],
			          "tokens": [{"client": "app", "scopes": ["ZohoCRM.modules.ALL"], "access_token": "1000.takenaccess", "refresh_token": "1000.takenrefresh"}]}}`,
			"pro", "pro.admin", "app")
		def, pro := fmt.Sprint(e.org.ID), base["pro"]
		cadence := `"name": "N", "module": {"api_name": "Leads"}, "type": "manual_enrollment"`
		followUp := `"follow_ups": [{"reference_id": "1", "action": {"type": "tasks"}}]`
		live := `{"ref": "c", ` + cadence + `, ` + followUp + `, "published": true, "active": true}`
		scopes := `"scopes": ["ZohoCRM.modules.ALL"]`
		for _, c := range []struct{ doc, message, path string }{
			// the document
			// notes (a note's parent and fields; see TestSeedNotes for notes that apply)
			{`{"notes": [{"Note_Title": "T"}]}`, "parent is required (a ref or a record id)", "$.notes[0].parent"},
			{`{"notes": [{"parent": "111111111111111111", "Note_Title": "T"}]}`, "module (the parent's module) is required when parent is a record id", "$.notes[0].module"},
			{`{"records": {"Leads": [{"ref": "l", "Last_Name": "L"}]}, "notes": [{"parent": "l"}]}`, "EXPECTED_FIELD_MISSING: should contain either content or title", "$.notes[0]"},
			{`{"records": {"Tasks": [{"ref": "t", "Subject": "S"}]}, "notes": [{"parent": "t", "Note_Title": "T"}, {"parent": "t", "Note_Title": "T", "Note_Content": 5}]}`, "INVALID_DATA: invalid data", "$.notes[1].Note_Content"},
			{`{"org": "acme"}`, `unknown ref "acme"`, "$.org"},
			{`{"org": "u", "users": [{"ref": "u", "email": "u@x.test"}]}`, `ref "u" is used before it is defined (at $.users[0].ref)`, "$.org"},
			{`{"profiles": [{"ref": "p", "name": "S"}], "users": [{"email": "u@x.test", "org": "p"}]}`, `ref "p" names a profile, not an org`, "$.users[0].org"},
			{`{"orgs": [{"ref": "a", "name": "A"}], "users": [{"ref": "a", "email": "u@x.test"}]}`, `ref "a" is defined twice (first at $.orgs[0].ref)`, "$.users[0].ref"},
			{`{"orgs": [{"ref": "a", "name": "A"}], "records": {"Contacts": [{"ref": "a.admin", "Last_Name": "X"}]}}`, `ref "a.admin" is defined twice (first at $.orgs[0].ref)`, "$.records.Contacts[0].ref"},
			// orgs
			{`{"orgs": {}}`, "orgs must be a JSON array", "$.orgs"},
			{`{"orgs": [1]}`, "orgs must be JSON objects", "$.orgs[0]"},
			{`{"orgs": [{"ref": "a", "name": "A", "plan": "x"}]}`, `unknown key "plan"; an org takes ref, name, edition, admin_email`, "$.orgs[0].plan"},
			{`{"orgs": [{"ref": "a", "name": "A", "edition": 3}]}`, "edition must be a string", "$.orgs[0].edition"},
			{`{"orgs": [{"ref": "a", "name": "A", "edition": "gold"}]}`, `edition must be free, standard, professional, enterprise or ultimate, not "gold"`, "$.orgs[0].edition"},
			{`{"orgs": [{"ref": "a"}]}`, "org name is required", "$.orgs[0].name"},
			{`{"orgs": [{"ref": "a", "name": "pro!"}]}`, fmt.Sprintf(`org %s is already named "Pro": org names must differ in more than case and punctuation`, pro), "$.orgs[0].name"},
			{`{"orgs": [{"ref": "a", "name": "A", "admin_email": "nope"}]}`, `invalid email "nope"`, "$.orgs[0].admin_email"},
			// modules
			{`{"modules": [{"api_name": "Properties", "label": "P"}]}`, `unknown key "label"; a module takes org, api_name, singular, plural`, "$.modules[0].label"},
			{`{"modules": [{"org": "` + pro + `", "api_name": "Properties"}]}`, fmt.Sprintf("custom modules need the enterprise edition or above (org %s is professional)", pro), "$.modules[0].api_name"},
			{`{"modules": [{"api_name": "Contacts"}]}`, "module Contacts already exists", "$.modules[0].api_name"},
			{`{"modules": [{"api_name": "Properties"}, {"api_name": "Properties"}]}`, "module Properties already exists", "$.modules[1].api_name"},
			{`{"modules": [{"api_name": "9x"}]}`, `invalid module api name "9x": letters, digits and underscores, starting with a letter`, "$.modules[0].api_name"},
			// profiles
			{`{"profiles": [{"name": "S", "deny": "x"}]}`, "deny must be an array of strings", "$.profiles[0].deny"},
			{`{"profiles": [{"name": "S", "deny": ["Crm_Implied_View_Leads", 1]}]}`, "deny must be an array of strings", "$.profiles[0].deny[1]"},
			{`{"profiles": [{"name": "Sales", "deny": ["crm_implied_view_contacts", "Crm_Implied_Fly"]}]}`, `unknown permission "Crm_Implied_Fly": want Crm_Implied_<View|Create|Edit|Delete>_<module> with <module> one of Leads, Contacts, Accounts, Potentials, Campaigns, Products, PriceBooks, Vendors, Tasks, Calls, Events, Cases, Solutions, Notes, Appointments, Services, or one of Crm_Implied_View_Cadences, Crm_Implied_Manage_Cadences, Crm_Implied_Manage_Enroll_Series, Crm_Implied_Manage_UnEnroll_Series, Crm_Implied_Customize_Crm`, "$.profiles[0].deny[1]"},
			{`{"profiles": [{"name": "Standard"}]}`, `profile "Standard" already exists`, "$.profiles[0].name"},
			{`{"profiles": [{"name": " "}]}`, "profile name is required", "$.profiles[0].name"},
			// users
			{`{"users": [{"email": "a@b.test"}, {"email": "c@d.test", "profile": "Nope"}]}`, fmt.Sprintf(`no profile "Nope" in org %s`, def), "$.users[1].profile"},
			{`{"users": [{"email": "nope"}]}`, `invalid email "nope"`, "$.users[0].email"},
			{`{"users": [{"email": "a@b.test"}, {"email": "A@b.test"}]}`, fmt.Sprintf("user a@b.test already exists in org %s", def), "$.users[1].email"},
			{`{"users": [{"email": "a@b.test", "org": "1"}]}`, "no org 1", "$.users[0].org"},
			{`{"users": [{"email": "a@b.test", "org": true}]}`, "org must be a ref or an id", "$.users[0].org"},
			{`{"users": [{"email": "a@b.test", "role": "CEO"}]}`, `unknown key "role"; a user takes ref, org, email, profile`, "$.users[0].role"},
			{`{"profiles": [{"ref": "p", "org": "` + pro + `", "name": "S"}], "users": [{"email": "a@b.test", "org": "` + def + `", "profile": "p"}]}`, `profile "p" is of another org`, "$.users[0].profile"},
			{`{"records": {"Contacts": [{"ref": "c", "Last_Name": "C"}]}, "users": [{"email": "a@b.test", "profile": "c"}]}`, `ref "c" is used before it is defined (at $.records.Contacts[0].ref)`, "$.users[0].profile"},
			// sharing
			{`{"sharing": [{"module": "Nope", "access": "private"}]}`, `unknown module "Nope"`, "$.sharing[0].module"},
			{`{"sharing": [{"module": "Contacts", "access": "secret"}]}`, `access must be public, public_read_only or private, not "secret"`, "$.sharing[0].access"},
			// contact roles
			{`{"contact_roles": [{"name": "purchasing"}]}`, "DUPLICATE_DATA: duplicate data", "$.contact_roles[0].name"},
			{`{"contact_roles": [{"name": ""}]}`, "MANDATORY_NOT_FOUND: required field not found", "$.contact_roles[0].name"},
			{`{"contact_roles": [{"name": "X", "sequence_number": "3"}]}`, "INVALID_DATA: invalid data", "$.contact_roles[0].sequence_number"},
			// oauth clients
			{`{"oauth": []}`, "oauth must be a JSON object", "$.oauth"},
			{`{"oauth": {"apps": []}}`, `unknown key "apps"; oauth takes clients, tokens`, "$.oauth.apps"},
			{`{"oauth": {"clients": [{"client_id": "1000.TAKEN", "client_secret": "s"}]}}`, "client_id 1000.TAKEN is taken", "$.oauth.clients[0].client_id"},
			{`{"oauth": {"clients": [{"client_id": "1000.NEW", "client_secret": "s"}, {"client_id": "1000.NEW", "client_secret": "t"}]}}`, "client_id 1000.NEW is taken", "$.oauth.clients[1].client_id"},
			{`{"oauth": {"clients": [{"client_id": "fixed", "client_secret": "s"}]}}`, "client_id must be 1000. followed by 1 to 64 upper-case letters and digits, as Zoho's are", "$.oauth.clients[0].client_id"},
			{`{"oauth": {"clients": [{"client_id": "1000.ZCRMCLI00000000000000000000000", "client_secret": "s"}]}}`, "client_id 1000.ZCRMCLI00000000000000000000000 is zcrm's own CLI client", "$.oauth.clients[0].client_id"},
			{`{"oauth": {"clients": [{"client_id": "1000.A", "client_secret": "has space"}]}}`, "client_secret must be 1 to 128 visible ASCII characters (no spaces)", "$.oauth.clients[0].client_secret"},
			{`{"oauth": {"clients": [{"client_id": "1000.A"}]}}`, "client_secret must be 1 to 128 visible ASCII characters (no spaces)", "$.oauth.clients[0].client_secret"},
			{`{"oauth": {"clients": [{"client_id": "1000.A", "client_secret": "s", "redirect_uris": "https://a.example/cb"}]}}`, "redirect_uris must be an array of strings", "$.oauth.clients[0].redirect_uris"},
			{`{"oauth": {"clients": [{"client_id": "1000.A", "client_secret": "s", "redirect_uris": ["https://a.example/cb", "a.example/cb"]}]}}`, `redirect URI "a.example/cb" must be an absolute http:// or https:// URI without a fragment`, "$.oauth.clients[0].redirect_uris[1]"},
			// oauth tokens
			{`{"oauth": {"tokens": [{` + scopes + `, "access_token": "1000.takenaccess"}]}}`, "access_token is taken", "$.oauth.tokens[0].access_token"},
			{`{"oauth": {"tokens": [{` + scopes + `, "refresh_token": "1000.takenrefresh"}]}}`, "refresh_token is taken", "$.oauth.tokens[0].refresh_token"},
			{`{"oauth": {"tokens": [{` + scopes + `, "access_token": "1000.a"}, {` + scopes + `, "access_token": "1000.a"}]}}`, "access_token is taken", "$.oauth.tokens[1].access_token"},
			{`{"oauth": {"tokens": [{` + scopes + `}]}}`, "give access_token, refresh_token or both", "$.oauth.tokens[0].access_token"},
			{`{"oauth": {"tokens": [{` + scopes + `, "access_token": "plainvalue"}]}}`, "access_token must be 1000. followed by 1 to 200 letters, digits, '.', '_' or '-', as Zoho's are", "$.oauth.tokens[0].access_token"},
			{`{"oauth": {"tokens": [{` + scopes + `, "refresh_token": "1000.a b"}]}}`, "refresh_token must be 1000. followed by 1 to 200 letters, digits, '.', '_' or '-', as Zoho's are", "$.oauth.tokens[0].refresh_token"},
			{`{"oauth": {"tokens": [{` + scopes + `, "access_token": "1000.same", "refresh_token": "1000.same"}]}}`, "access_token and refresh_token must differ", "$.oauth.tokens[0].access_token"},
			{`{"oauth": {"tokens": [{"scopes": ["ZohoCRM.modules.ALL", "ZohoCRM.modulez.ALL"], "access_token": "1000.a"}]}}`, `unknown scope "ZohoCRM.modulez.ALL": ZohoCRM.modulez is not a scope; want one of ZohoCRM.bulk, ZohoCRM.change_owner, ZohoCRM.coql, ZohoCRM.files, ZohoCRM.functions, ZohoCRM.mass_convert, ZohoCRM.mass_update, ZohoCRM.modules, ZohoCRM.notifications, ZohoCRM.org, ZohoCRM.send_mail, ZohoCRM.settings, ZohoCRM.share, ZohoCRM.signals, ZohoCRM.templates, ZohoCRM.users, ZohoCRM.zia`, "$.oauth.tokens[0].scopes[1]"},
			{`{"oauth": {"tokens": [{"scopes": [], "access_token": "1000.a"}]}}`, "no scope given: want e.g. ZohoCRM.modules.ALL,ZohoCRM.settings.ALL", "$.oauth.tokens[0].scopes"},
			{`{"oauth": {"tokens": [{"scopes": ["AaaServer.profile.READ"], "access_token": "1000.a"}]}}`, `no ZohoCRM scope in "AaaServer.profile.READ"`, "$.oauth.tokens[0].scopes"},
			{`{"oauth": {"tokens": [{` + scopes + `, "access_token": "1000.a", "expires_in": 0}]}}`, "expires_in must be whole seconds from 1 to 315360000", "$.oauth.tokens[0].expires_in"},
			{`{"oauth": {"tokens": [{` + scopes + `, "access_token": "1000.a", "expires_in": 1.5}]}}`, "expires_in must be an integer", "$.oauth.tokens[0].expires_in"},
			{`{"oauth": {"tokens": [{"client": "1000.NOPE", ` + scopes + `, "access_token": "1000.a"}]}}`, `no client "1000.NOPE" (create one with 'zcrm client create')`, "$.oauth.tokens[0].client"},
			{`{"oauth": {"tokens": [{"client": "1000.TAKEN", "org": "` + pro + `", ` + scopes + `, "access_token": "1000.a"}]}}`, fmt.Sprintf("client 1000.TAKEN does not belong to org %[1]s (grant it with 'zcrm client grant-org --client-id 1000.TAKEN --org %[1]s')", pro), "$.oauth.tokens[0].client"},
			{`{"oauth": {"tokens": [{"user": "who@x.test", ` + scopes + `, "access_token": "1000.a"}]}}`, fmt.Sprintf(`no user "who@x.test" in org %s`, def), "$.oauth.tokens[0].user"},
			{`{"profiles": [{"ref": "p", "name": "S"}], "oauth": {"tokens": [{"user": "p", ` + scopes + `, "access_token": "1000.a"}]}}`, `ref "p" names a profile, not a user`, "$.oauth.tokens[0].user"},
			{`{"orgs": [{"ref": "a", "name": "A"}], "users": [{"ref": "u", "email": "u@x.test"}], "oauth": {"tokens": [{"org": "a", "user": "u", ` + scopes + `, "access_token": "1000.a"}]}}`, `user "u" is of another org`, "$.oauth.tokens[0].user"},
			// records, deal contact roles
			{`{"oauth": {"clients": [{"ref": "k", "client_id": "1000.K", "client_secret": "s"}]}, "records": {"Contacts": [{"Last_Name": "C", "Owner": {"ref": "k"}}]}}`, `ref "k" names an OAuth client, not a record or a user`, "$.records.Contacts[0].Owner.ref"},
			{`{"records": {"Contacts": [{"org": "nowhere", "Last_Name": "C"}]}}`, `unknown ref "nowhere"`, "$.records.Contacts[0].org"},
			{`{"records": {"Deals": [{"ref": "d", "Deal_Name": "D", "Stage": "Qualification"}], "Contacts": [{"ref": "c", "Last_Name": "C"}]}, "deal_contact_roles": [{"deal": "d", "contact": "c", "role": "c"}]}`, `ref "c" names a record, not a contact role`, "$.deal_contact_roles[0].role"},
			{`{"users": [{"ref": "u", "email": "u@x.test"}], "records": {"Campaigns": [{"ref": "k", "Campaign_Name": "K"}]}, "relations": [{"parent": "k", "list": "Contacts", "related": "u"}]}`, `ref "u" names a user, not a record`, "$.relations[0].related"},
			// cadences
			{`{"cadences": [{"org": "` + pro + `", ` + cadence + `, ` + followUp + `}]}`, "FEATURE_NOT_ENABLED: Feature is not supported in this edition", "$.cadences[0]"},
			{`{"cadences": [{"module": {"api_name": "Leads"}, "type": "manual_enrollment"}]}`, "MANDATORY_NOT_FOUND: required field not found", "$.cadences[0].name"},
			{`{"cadences": [{` + cadence + `, "follow_ups": [{"reference_id": "1", "action": {"type": "bogus"}}]}]}`, "INVALID_DATA: invalid data", "$.cadences[0].follow_ups[0].action.type"},
			{`{"cadences": [{` + cadence + `, "published": "yes"}]}`, "published must be true or false", "$.cadences[0].published"},
			{`{"cadences": [{` + cadence + `, "published": true}]}`, "NOT_ALLOWED: Cadence must contain at least one follow-up to publish", "$.cadences[0].published"},
			{`{"cadences": [{` + cadence + `, ` + followUp + `, "active": true}]}`, "NOT_ALLOWED: Only published Cadences can be activated", "$.cadences[0].active"},
			{`{"cadences": [{` + cadence + `, ` + followUp + `}, {` + cadence + `}]}`, "DUPLICATE_DATA: A Cadences with the same name already exists", "$.cadences[1].name"},
			// enrolments
			{`{"enrolments": [{"records": ["1"]}]}`, "cadence is required (a ref or a cadence id)", "$.enrolments[0].cadence"},
			{`{"enrolments": [{"cadence": "zz", "records": ["1"]}]}`, `unknown ref "zz"`, "$.enrolments[0].cadence"},
			{`{"enrolments": [{"cadence": "x", "records": "1"}]}`, "records must be an array of refs or ids", "$.enrolments[0].records"},
			{`{"enrolments": [{"cadence": "123", "records": ["1"]}]}`, "module is required when cadence is a cadence id", "$.enrolments[0].module"},
			{`{"enrolments": [{"cadence": "123", "module": "Leads", "records": ["1"]}]}`, "INVALID_DATA: the given id seems to be invalid", "$.enrolments[0].cadence"},
			{`{"cadences": [{"ref": "c", ` + cadence + `, ` + followUp + `, "published": true}], "records": {"Leads": [{"ref": "l", "Last_Name": "L", "Company": "C"}]}, "enrolments": [{"cadence": "c", "records": ["l"]}]}`, "NOT_ALLOWED: the given cadence is not active", "$.enrolments[0].cadence"},
			{`{"cadences": [` + live + `], "records": {"Contacts": [{"ref": "x", "Last_Name": "X"}]}, "enrolments": [{"cadence": "c", "records": ["x"]}]}`, "INVALID_DATA: given id seems to be invalid", "$.enrolments[0].records[0]"},
			{`{"cadences": [` + live + `], "records": {"Leads": [{"ref": "l", "Last_Name": "L", "Company": "C"}]}, "enrolments": [{"cadence": "c", "records": ["l", "123"]}]}`, "INVALID_DATA: given id seems to be invalid", "$.enrolments[0].records[1]"},
			{`{"cadences": [` + live + `], "enrolments": [{"cadence": "c", "records": []}]}`, "MANDATORY_NOT_FOUND: Record ids not found", "$.enrolments[0].records"},
		} {
			e.expectFixtureError(c.doc, c.message, c.path)
		}
	})
}
