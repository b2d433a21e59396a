package admin_test

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/zcrm/zcrm/internal/oauth"
	"github.com/zcrm/zcrm/internal/store/storetest"
)

// frozen is the clock the seeding tests run at, so that times in answers are known.
const frozen = "2030-01-01T09:00:00"

// freeze stops the admin clock at frozen.
func (e *env) freeze() {
	e.t.Helper()
	e.do("PUT", "/__zcrm/clock", "", `{"now":"`+frozen+`Z","frozen":true}`).expect(e.t, 200, `{"now":"`+frozen+`Z","frozen":true}`)
}

// form posts an urlencoded form (the accounts server's endpoints).
func (e *env) form(path string, v url.Values) response {
	e.t.Helper()
	return e.send("POST", path, v.Encode(), "Content-Type", "application/x-www-form-urlencoded")
}

// replace rewrites every match of pattern in the response body, for values the test cannot know
// (ids the server chose, random tokens).
func (r response) replace(pattern, with string) response {
	r.body = regexp.MustCompile(pattern).ReplaceAllString(r.body, with)
	return r
}

// dbState counts the rows of every table a fixture can write, in every org.
func (e *env) dbState() map[string]int {
	e.t.Helper()
	out := map[string]int{}
	for _, table := range []string{"orgs", "profiles", "users", "module_sharing", "custom_modules", "metadata_ids", "records", "relations",
		"contact_roles", "deal_contact_roles", "cadences", "enrollments", "oauth_clients", "oauth_client_orgs", "oauth_refresh_tokens", "oauth_access_tokens"} {
		var n int
		if err := e.db.SQL().QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
			e.t.Fatal(err)
		}
		out[table] = n
	}
	return out
}

// world is a fixture using every section: an org of its own with a custom module, a profile, two
// users, private Contacts, a contact role, an OAuth client with fixed tokens, records (one owned by
// a seeded user), a deal contact role by the role's ref, and an active cadence with two contacts
// enrolled.
const world = `{
	"org": "acme",
	"orgs": [{"ref": "acme", "name": "Acme", "edition": "enterprise"}],
	"modules": [{"api_name": "Properties"}],
	"profiles": [{"ref": "p1", "name": "Sales", "deny": ["Crm_Implied_Delete_Campaigns"]}],
	"users": [{"ref": "sam", "email": "sam@acme.test", "profile": "p1"}, {"ref": "sue", "email": "Sue@Acme.test"}],
	"sharing": [{"module": "Contacts", "access": "private"}],
	"contact_roles": [{"ref": "champ", "name": "Champion", "sequence_number": 3}],
	"oauth": {
		"clients": [{"ref": "app", "client_id": "1000.FIXEDID", "client_secret": "fixed-secret", "name": "my app"}],
		"tokens": [
			{"client": "app", "user": "sam", "scopes": ["ZohoCRM.modules.ALL", "ZohoCRM.users.READ"], "access_token": "1000.samaccess", "refresh_token": "1000.samrefresh"},
			{"client": "app", "user": "sue@acme.test", "scopes": ["ZohoCRM.modules.ALL"], "access_token": "1000.sueaccess"},
			{"user": "acme.admin", "scopes": ["ZohoCRM.modules.ALL", "ZohoCRM.settings.ALL"], "access_token": "1000.adminaccess"}
		]
	},
	"records": {
		"Contacts": [{"ref": "c1", "Last_Name": "Lovelace", "Owner": {"ref": "sam"}}, {"ref": "c2", "Last_Name": "Babbage"}],
		"Deals": [{"ref": "d1", "Deal_Name": "Big", "Stage": "Qualification"}],
		"Campaigns": [{"ref": "k1", "Campaign_Name": "Launch"}],
		"Properties": [{"ref": "h1", "Name": "Home"}]
	},
	"deal_contact_roles": [{"deal": "d1", "contact": "c1", "role": "champ"}],
	"cadences": [{"ref": "cad1", "name": "Nurture", "module": {"api_name": "Contacts"}, "type": "manual_enrollment",
		"follow_ups": [{"reference_id": "1", "action": {"type": "tasks"}}], "published": true, "active": true}],
	"enrolments": [{"cadence": "cad1", "records": ["c1", "c2"]}]
}`

var worldRefs = []string{"acme", "acme.admin", "p1", "sam", "sue", "champ", "app", "c1", "c2", "d1", "k1", "h1", "cad1"}

// A whole test world in one fixture, each part observed through the CRM and OAuth APIs with the
// fixture's own hard-coded tokens.
func TestSeedWorld(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b, "")
		e.freeze()
		refs := e.seed(world, worldRefs...)
		if refs["app"] != "1000.FIXEDID" {
			t.Fatalf("app = %q, want its client id", refs["app"])
		}
		ids := map[string]bool{}
		for _, ref := range worldRefs {
			if ref != "app" && (!isDecimal(refs[ref]) || ids[refs[ref]]) {
				t.Fatalf("ref %s = %q: want a new id (refs %v)", ref, refs[ref], refs)
			}
			ids[refs[ref]] = true
		}
		at := frozen + "+00:00"
		list := `"info":{"per_page":200,"count":%d,"page":1,"sort_by":"id","sort_order":"desc","more_records":false,"next_page_token":null,"previous_page_token":null,"page_token_expiry":null,"call":false,"email":false}`

		// Users and profiles: Sam's fixed token acts as Sam, of the Sales profile.
		e.crm("GET", "/crm/v8/users?type=CurrentUser", "1000.samaccess", "").replace(`"role":\{"id":"[0-9]+"`, `"role":{"id":"ROLE"`).expect(t, 200, fmt.Sprintf(
			`{"info":{"count":1,"more_records":false,"page":1,"per_page":200},"users":[{"$current_shift":null,"$next_shift":null,"$shift_effective_from":null,
			"Currency":null,"Isonline":false,"Modified_By":null,"Modified_Time":"%[1]s","Reporting_To":null,"alias":null,"category":"regular_user","city":null,
			"confirm":true,"country":null,"country_locale":"en_US","created_by":{"id":"%[2]s","name":"Administrator"},"created_time":"%[1]s",
			"customize_info":{"bc_view":null,"notes_desc":null,"show_detail_view":true,"show_home":false,"show_right_panel":null,"unpin_recent_item":null},
			"date_format":"MMM d, yyyy","decimal_separator":"Period","dob":null,"email":"sam@acme.test","fax":null,"first_name":null,"full_name":"sam",
			"id":"%[3]s","language":"en_US","last_name":"sam","locale":"en_US","microsoft":false,"mobile":null,"name_format__s":"Salutation,First Name,Last Name",
			"number_separator":null,"offset":0,"phone":null,"profile":{"id":"%[4]s","name":"Sales"},"role":{"id":"ROLE","name":"Manager"},"sandboxDeveloper":false,
			"signature":null,"sort_order_preference__s":"First Name,Last Name","state":null,"status":"active","status_reason__s":null,"street":null,
			"theme":{"background":"#F3F0EB","new_background":null,"normal_tab":{"background":"#222222","font_color":"#FFFFFF"},"screen":"fixed",
			"selected_tab":{"background":"#222222","font_color":"#FFFFFF"},"type":"default"},"time_format":"HH:mm","time_zone":null,"website":null,"zip":null,
			"zuid":"%[3]s"}]}`, at, refs["acme.admin"], refs["sam"], refs["p1"]))
		// The Sales profile lacks what its deny says.
		e.crm("DELETE", "/crm/v8/Campaigns/"+refs["k1"], "1000.samaccess", "").expect(t, 403,
			`{"code":"NO_PERMISSION","details":{"permissions":["Crm_Implied_Delete_Campaigns"]},"message":"permission denied","status":"error"}`)

		// Records: made by the org's Administrator, c1 owned by Sam through {"ref":"sam"}.
		e.crm("GET", "/crm/v8/Contacts?fields=Last_Name,Owner", "1000.adminaccess", "").expect(t, 200, fmt.Sprintf(
			`{"data":[{"Last_Name":"Babbage","Owner":{"email":"admin@acme.zcrm.local","id":"%s","name":"Administrator"},"id":"%s"},
			{"Last_Name":"Lovelace","Owner":{"email":"sam@acme.test","id":"%s","name":"sam"},"id":"%s"}],`+list+`}`,
			refs["acme.admin"], refs["c2"], refs["sam"], refs["c1"], 2))
		// The custom module and its record.
		e.crm("GET", "/crm/v8/Properties?fields=Name", "1000.adminaccess", "").expect(t, 200,
			fmt.Sprintf(`{"data":[{"Name":"Home","id":"%s"}],`+list+`}`, refs["h1"], 1))

		// Sharing: Contacts are private, so Sue (Standard) may not change Sam's or the
		// Administrator's contact, while Sam changes his own; Deals stay public.
		denied := `{"code":"AUTHORIZATION_FAILED","details":{},"message":"User does not have sufficient privilege to update records","status":"error"}`
		e.crm("PUT", "/crm/v8/Contacts/"+refs["c1"], "1000.sueaccess", `{"data":[{"Last_Name":"X"}]}`).expect(t, 400, denied)
		e.crm("PUT", "/crm/v8/Contacts/"+refs["c2"], "1000.sueaccess", `{"data":[{"Last_Name":"X"}]}`).expect(t, 400, denied)
		for _, c := range []struct{ tok, path string }{{"1000.samaccess", "/crm/v8/Contacts/" + refs["c1"]}, {"1000.sueaccess", "/crm/v8/Deals/" + refs["d1"]}} {
			e.crm("PUT", c.path, c.tok, `{"data":[{"Description":"seen"}]}`).
				replace(`"Modified_By":\{"id":"[0-9]+","name":"[a-z]+"\}`, `"Modified_By":"BY"`).expect(t, 200, fmt.Sprintf(
				`{"data":[{"code":"SUCCESS","details":{"Created_By":{"id":"%s","name":"Administrator"},"Created_Time":"%[2]s","Modified_By":"BY",
				"Modified_Time":"%[2]s","id":"%s"},"message":"record updated","status":"success"}]}`, refs["acme.admin"], at, c.path[strings.LastIndex(c.path, "/")+1:]))
		}

		// Contact roles: the seeded role, and a deal contact role naming it by ref.
		e.crm("GET", "/crm/v8/Contacts/roles", "1000.adminaccess", "").replace(`"id":"`+refs["champ"]+`"`, `"id":"CHAMP"`).replace(`"id":"[0-9]+"`, `"id":"ID"`).expect(t, 200,
			`{"contact_roles":[{"sequence_number":1,"name":"Purchasing","id":"ID"},{"sequence_number":2,"name":"Engineering Lead","id":"ID"},
			{"sequence_number":3,"name":"Economic Decision Maker","id":"ID"},{"sequence_number":3,"name":"Champion","id":"CHAMP"},
			{"sequence_number":4,"name":"Product Management","id":"ID"},{"sequence_number":5,"name":"Executive Sponsor","id":"ID"},
			{"sequence_number":6,"name":"Developer/Evaluator","id":"ID"}]}`)
		e.crm("GET", "/crm/v8/Deals/"+refs["d1"]+"/Contact_Roles?fields=Last_Name", "1000.adminaccess", "").expect(t, 200, fmt.Sprintf(
			`{"data":[{"Contact_Role":{"id":"%s","name":"Champion"},"Last_Name":"Lovelace","id":"%s"}],
			"info":{"per_page":200,"next_page_token":null,"count":1,"page":1,"previous_page_token":null,"page_token_expiry":null,"more_records":false}}`, refs["champ"], refs["c1"]))

		// The cadence lists as active, published; both contacts are enrolled in it.
		cadAt := frozen + "+0000"
		e.crm("GET", "/crm/v8/settings/automation/cadences", "1000.adminaccess", "").replace(`"module":\{"api_name":"Contacts","id":"[0-9]+"\}`, `"module":"Contacts"`).expect(t, 200, fmt.Sprintf(
			`{"cadences":[{"summary":{"task_follow_up_count":1,"call_follow_up_count":0,"email_follow_up_count":0},"created_time":"%[1]s","module":"Contacts",
			"active":true,"execution_details":null,"published":true,"type":"Manual enrollment","created_by":{"name":"Administrator","id":"%[2]s"},
			"modified_time":"%[1]s","name":"Nurture","modified_by":{"name":"Administrator","id":"%[2]s"},"id":"%[3]s","custom_view":null,"status":"active"}],
			"info":{"per_page":50,"count":1,"page":1,"more_records":false}}`, cadAt, refs["acme.admin"], refs["cad1"]))
		for _, c := range []string{"c1", "c2"} {
			// next_follow_up and follow_ups: zcrm's progress (crm/engine_progress.go).
			e.crm("GET", "/crm/v8/Contacts/"+refs[c]+"/Entity_Cadences_Contacts", "1000.adminaccess", "").
				replace(`"next_follow_up":\{"id":"[0-9]+"`, `"next_follow_up":{"id":"FU"`).expect(t, 200, fmt.Sprintf(
				`{"data":[{"id":"%[1]s","name":"Nurture","status":"enrolled","enrolled_time":"%[2]s","unenrolled_time":null,
				"next_follow_up":{"id":"FU","type":"tasks","due_time":"%[2]s"},"follow_ups":{"done":0,"pending":1,"waiting":0,"failed":0,"cancelled":0}}],
				"info":{"per_page":200,"next_page_token":null,"count":1,"page":1,"previous_page_token":null,"page_token_expiry":null,"more_records":false}}`, refs["cad1"], at))
		}

		// OAuth: the fixed client refreshes Sam's fixed refresh token with its fixed secret, and the
		// new access token acts as Sam; a wrong secret is refused.
		grant := url.Values{"grant_type": {"refresh_token"}, "client_id": {"1000.FIXEDID"}, "client_secret": {"fixed-secret"}, "refresh_token": {"1000.samrefresh"}}
		r := e.form("/oauth/v2/token", grant)
		fresh := regexp.MustCompile(`"access_token":"(1000\.[0-9a-f]{32}\.[0-9a-f]{32})"`).FindStringSubmatch(r.body)
		if fresh == nil {
			t.Fatalf("refresh = %d %s", r.status, r.body)
		}
		r.replace(`1000\.[0-9a-f]{32}\.[0-9a-f]{32}`, "NEW").expect(t, 200,
			`{"access_token":"NEW","scope":"ZohoCRM.modules.ALL ZohoCRM.users.READ","api_domain":"http://zcrm.test","token_type":"Bearer","expires_in":3600}`)
		if r := e.crm("GET", "/crm/v8/users?type=CurrentUser", fresh[1], ""); r.status != 200 || !strings.Contains(r.body, `"email":"sam@acme.test"`) {
			t.Fatalf("the refreshed token: %d %s", r.status, r.body)
		}
		grant.Set("client_secret", "wrong")
		e.form("/oauth/v2/token", grant).expect(t, 200, `{"error":"invalid_client_secret"}`)

		// Given secrets and tokens are stored as minted ones are: hashed, never in clear.
		for _, c := range []struct{ table, column, secret string }{
			{"oauth_clients", "secret_hash", "fixed-secret"}, {"oauth_refresh_tokens", "token_hash", "1000.samrefresh"},
			{"oauth_access_tokens", "token_hash", "1000.samaccess"}, {"oauth_access_tokens", "token_hash", "1000.sueaccess"},
		} {
			var hashed, clear int
			q := e.db.Rebind(`SELECT COUNT(*) FROM ` + c.table + ` WHERE ` + c.column + ` = ?`)
			if err := e.db.SQL().QueryRow(q, oauth.Hash(c.secret)).Scan(&hashed); err != nil {
				t.Fatal(err)
			}
			if err := e.db.SQL().QueryRow(q, c.secret).Scan(&clear); err != nil {
				t.Fatal(err)
			}
			if hashed != 1 || clear != 0 {
				t.Errorf("%s: %d rows hold the hash of %s and %d the value itself; want 1 and 0", c.table, hashed, c.secret, clear)
			}
		}
	})
}

func isDecimal(s string) bool { return regexp.MustCompile(`^[0-9]{1,19}$`).MatchString(s) }
