package admin_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/zcrm/zcrm/internal/admin"
	"github.com/zcrm/zcrm/internal/catalog"
	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/httpapi"
	"github.com/zcrm/zcrm/internal/oauth"
	"github.com/zcrm/zcrm/internal/store"
	"github.com/zcrm/zcrm/internal/store/storetest"
)

// env is zcrm with its admin API on a real store, served on loopback.
type env struct {
	t     *testing.T
	dsn   string
	db    *store.DB
	api   http.Handler // the whole server, for requests from other addresses
	srv   *httptest.Server
	org   crm.Org
	admin crm.User
}

// newEnv starts zcrm with the admin API; adminToken "" serves loopback clients only.
func newEnv(t *testing.T, b storetest.Backend, adminToken string) *env {
	t.Helper()
	e := &env{t: t, dsn: storetest.DSN(t, b)}
	e.db = storetest.OpenDSN(t, e.dsn, store.Options{})
	e.write(func(ctx context.Context, tx crm.Tx) error {
		var err error
		if e.org, err = crm.EnsureDefaultOrg(ctx, tx); err != nil {
			return err
		}
		e.admin, err = tx.FirstAdmin(ctx, e.org.ID)
		return err
	})
	e.api = httpapi.NewServer(httpapi.Deps{Store: e.db, PublicURL: "http://zcrm.test",
		Admin: admin.NewHandler(&admin.Service{Store: e.db}, adminToken, nil, nil)})
	e.srv = httptest.NewServer(e.api)
	t.Cleanup(e.srv.Close)
	return e
}

func (e *env) write(fn func(ctx context.Context, tx crm.Tx) error) {
	e.t.Helper()
	ctx := context.Background()
	if err := e.db.Write(ctx, func(tx crm.Tx) error { return fn(ctx, tx) }); err != nil {
		e.t.Fatal(err)
	}
}

// token mints an access token with every scope for user.
func (e *env) token(u crm.User) string {
	e.t.Helper()
	var tok string
	e.write(func(ctx context.Context, tx crm.Tx) error {
		var err error
		tok, err = oauth.MintAccessToken(ctx, tx, u.OrgID, u.ID, 0, 0, []string{"ZohoCRM.modules.ALL", "ZohoCRM.settings.ALL", "ZohoCRM.org.ALL"})
		return err
	})
	return tok
}

// newOrg creates another org and returns it with its Administrator.
func (e *env) newOrg(name string) (crm.Org, crm.User) {
	e.t.Helper()
	var org crm.Org
	var u crm.User
	e.write(func(ctx context.Context, tx crm.Tx) error {
		var err error
		org, u, err = crm.CreateOrg(ctx, tx, crm.NewOrg{Name: name, Edition: crm.Enterprise})
		return err
	})
	return org, u
}

type response struct {
	status int
	header http.Header
	body   string
}

// do sends a request over loopback with an optional Authorization header value.
func (e *env) do(method, path, auth, body string) response {
	e.t.Helper()
	if auth == "" {
		return e.send(method, path, body)
	}
	return e.send(method, path, body, "Authorization", auth)
}

// send sends a request over loopback with the headers given as name, value pairs.
func (e *env) send(method, path, body string, headers ...string) response {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{res.StatusCode, res.Header, string(b)}
}

// from sends a request as a client at remoteAddr would, straight to the server's handler.
func (e *env) from(remoteAddr, method, path, auth string) response {
	e.t.Helper()
	req := httptest.NewRequest(method, path, nil)
	req.RemoteAddr = remoteAddr
	req.Header.Set("X-Forwarded-For", "127.0.0.1") // never trusted
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	w := httptest.NewRecorder()
	e.api.ServeHTTP(w, req)
	return response{w.Code, w.Header(), w.Body.String()}
}

// crm sends a CRM API request with a Zoho-oauthtoken.
func (e *env) crm(method, path, token, body string) response {
	e.t.Helper()
	return e.do(method, path, "Zoho-oauthtoken "+token, body)
}

// expect checks the status and that the body is the JSON want ("" for an empty body).
func (r response) expect(t *testing.T, status int, want string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status = %d, want %d; body: %s", r.status, status, r.body)
	}
	if want == "" {
		if r.body != "" {
			t.Fatalf("body = %s, want empty", r.body)
		}
		return
	}
	if ct := r.header.Get("Content-Type"); ct != "application/json;charset=utf-8" {
		t.Errorf("Content-Type = %q", ct)
	}
	var g, w any
	if err := json.Unmarshal([]byte(r.body), &g); err != nil {
		t.Fatalf("not JSON: %v: %s", err, r.body)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("bad expectation %s: %v", want, err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Fatalf("JSON mismatch\n got: %s\nwant: %s", r.body, want)
	}
}

func orgAnswer(id int64) string { return fmt.Sprintf(`{"org_id":"%d"}`, id) }

const (
	invalidToken  = `{"code":"INVALID_TOKEN","details":{},"message":"invalid oauth token","status":"error"}`
	needToken     = `{"code":"UNAUTHORIZED","message":"the admin API needs Authorization: Bearer <admin token>"}`
	wrongToken    = `{"code":"UNAUTHORIZED","message":"invalid admin token"}`
	loopbackOnly  = `{"code":"FORBIDDEN","message":"the admin API serves loopback clients only; set --admin-token (ZCRM_ADMIN_TOKEN) to reach it from elsewhere"}`
	adminTokenVal = "admin-s3cret"
)

// Without an admin token, loopback clients (IPv4 and IPv6) are served and every other address is
// refused with 403, whatever X-Forwarded-For says.
func TestAccessWithoutAdminTokenIsLoopbackOnly(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b, "")
		e.do("POST", "/__zcrm/reset?keep=auth", "", "").expect(t, 200, orgAnswer(e.org.ID))
		e.from("[::1]:40000", "POST", "/__zcrm/reset?keep=auth", "").expect(t, 200, orgAnswer(e.org.ID))
		for _, addr := range []string{"203.0.113.7:40000", "[2001:db8::1]:40000", "10.0.0.1:1"} {
			e.from(addr, "POST", "/__zcrm/reset", "").expect(t, 403, loopbackOnly)
			e.from(addr, "GET", "/__zcrm/unknown", "").expect(t, 403, loopbackOnly)
		}
	})
}

// With an admin token, every request needs it as a Bearer token, from any address: missing,
// wrong, or a CRM access token (either scheme) is 401.
func TestAccessWithAdminToken(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b, adminTokenVal)
		crmTok := e.token(e.admin)
		r := e.do("POST", "/__zcrm/reset?keep=auth", "", "")
		r.expect(t, 401, needToken)
		if got := r.header.Get("WWW-Authenticate"); got != `Bearer realm="zcrm admin"` {
			t.Errorf("WWW-Authenticate = %q", got)
		}
		for _, c := range []struct{ auth, want string }{
			{"Bearer ", needToken},
			{"Basic " + adminTokenVal, needToken},
			{"Zoho-oauthtoken " + adminTokenVal, needToken},
			{"Bearer wrong", wrongToken},
			{"Bearer " + adminTokenVal + "x", wrongToken},
			{"Bearer " + crmTok, wrongToken},
			{"Zoho-oauthtoken " + crmTok, needToken},
		} {
			e.do("POST", "/__zcrm/reset?keep=auth", c.auth, "").expect(t, 401, c.want)
		}
		e.do("POST", "/__zcrm/reset?keep=auth", "Bearer "+adminTokenVal, "").expect(t, 200, orgAnswer(e.org.ID))
		e.do("POST", "/__zcrm/reset?keep=auth", "bearer "+adminTokenVal, "").expect(t, 200, orgAnswer(e.org.ID))
		e.from("203.0.113.7:40000", "POST", "/__zcrm/reset?keep=auth", "Bearer "+adminTokenVal).expect(t, 200, orgAnswer(e.org.ID))
		e.from("203.0.113.7:40000", "POST", "/__zcrm/reset?keep=auth", "").expect(t, 401, needToken)
	})
}

// The CRM API does not take the admin token: it is an unknown token like any other.
func TestAdminTokenIsNotACRMToken(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b, adminTokenVal)
		e.crm("GET", "/crm/v8/org", adminTokenVal, "").expect(t, 401, invalidToken)
		e.do("GET", "/crm/v8/org", "Bearer "+adminTokenVal, "").expect(t, 401, invalidToken) // Bearer is a CRM scheme too
	})
}

// Unknown admin paths are 404, known ones under another method 405 with Allow, an unknown keep 400;
// all in the admin error shape.
func TestUnknownPathsAndMethods(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b, "")
		e.do("POST", "/__zcrm/nope", "", "").expect(t, 404, `{"code":"NOT_FOUND","message":"no admin endpoint /__zcrm/nope"}`)
		e.do("GET", "/__zcrm/", "", "").expect(t, 404, `{"code":"NOT_FOUND","message":"no admin endpoint /__zcrm/"}`)
		e.do("POST", "/__zcrm/orgs/1/reset/x", "", "").expect(t, 404, `{"code":"NOT_FOUND","message":"no admin endpoint /__zcrm/orgs/1/reset/x"}`)
		r := e.do("GET", "/__zcrm/reset", "", "")
		r.expect(t, 405, `{"code":"METHOD_NOT_ALLOWED","message":"/__zcrm/reset does not take GET; it takes POST"}`)
		if got := r.header.Get("Allow"); got != "POST" {
			t.Errorf("Allow = %q, want POST", got)
		}
		e.do("DELETE", fmt.Sprintf("/__zcrm/orgs/%d/reset", e.org.ID), "", "").expect(t, 405,
			fmt.Sprintf(`{"code":"METHOD_NOT_ALLOWED","message":"/__zcrm/orgs/%d/reset does not take DELETE; it takes POST"}`, e.org.ID))
		e.do("POST", "/__zcrm/reset?keep=everything", "", "").expect(t, 400, `{"code":"INVALID_DATA","message":"keep must be auth, not \"everything\""}`)
	})
}

// crmState is what an org holds, counted straight from the store.
func (e *env) crmState(orgID int64) map[string]int {
	e.t.Helper()
	out := map[string]int{}
	for _, table := range []string{"records", "cadences", "enrollments", "relations", "deal_contact_roles", "contact_roles", "users", "oauth_access_tokens"} {
		var n int
		if err := e.db.SQL().QueryRow(e.db.Rebind(`SELECT COUNT(*) FROM `+table+` WHERE org_id = ?`), orgID).Scan(&n); err != nil {
			e.t.Fatal(err)
		}
		out[table] = n
	}
	return out
}

// populate gives the org of tok a lead and a contact in a campaign, a deal with a contact role, a
// live cadence with the lead enrolled and a custom contact role, all through the CRM API, and
// warms the token and cadence list caches.
func (e *env) populate(tok string) {
	e.t.Helper()
	id := func(r response) string {
		e.t.Helper()
		var v struct {
			Data     []struct{ Details struct{ ID string } }
			Cadences []struct{ Details struct{ ID string } }
		}
		if err := json.Unmarshal([]byte(r.body), &v); err != nil || r.status >= 300 {
			e.t.Fatalf("%d %s", r.status, r.body)
		}
		if len(v.Cadences) > 0 {
			return v.Cadences[0].Details.ID
		}
		return v.Data[0].Details.ID
	}
	lead := id(e.crm("POST", "/crm/v8/Leads", tok, `{"data":[{"Last_Name":"Lovelace","Company":"Analytical"}]}`))
	contact := id(e.crm("POST", "/crm/v8/Contacts", tok, `{"data":[{"Last_Name":"Babbage"}]}`))
	campaign := id(e.crm("POST", "/crm/v8/Campaigns", tok, `{"data":[{"Campaign_Name":"Launch"}]}`))
	deal := id(e.crm("POST", "/crm/v8/Deals", tok, `{"data":[{"Deal_Name":"Big","Stage":"Qualification"}]}`))
	for _, c := range []struct{ method, path, body string }{
		{"PUT", "/crm/v8/Campaigns/" + campaign + "/Contacts", `{"data":[{"id":"` + contact + `"}]}`},
		{"PUT", "/crm/v8/Deals/" + deal + "/Contact_Roles/" + contact, `{"data":[{"Contact_Role":{"name":"Executive Sponsor"}}]}`},
		{"POST", "/crm/v8/Contacts/roles", `{"contact_roles":[{"name":"Champion"}]}`},
	} {
		if r := e.crm(c.method, c.path, tok, c.body); r.status >= 300 {
			e.t.Fatalf("%s %s = %d %s", c.method, c.path, r.status, r.body)
		}
	}
	cad := id(e.crm("POST", "/crm/v8/settings/automation/cadences", tok,
		`{"cadences":[{"name":"Nurture","module":{"api_name":"Leads"},"type":"manual_enrollment","follow_ups":[{"reference_id":"1","action":{"type":"tasks"}}]}]}`))
	for _, a := range []string{"publish", "activate"} {
		if r := e.crm("POST", "/crm/v8/settings/automation/cadences/"+cad+"/actions/"+a, tok, ""); r.status != 200 {
			e.t.Fatalf("%s = %d %s", a, r.status, r.body)
		}
	}
	if r := e.crm("POST", "/crm/v8/Leads/actions/enrol_in_cadences", tok, `{"cadences_ids":["`+cad+`"],"ids":["`+lead+`"]}`); r.status != 200 {
		e.t.Fatalf("enrol = %d %s", r.status, r.body)
	}
	e.checkFull(tok)
}

// twoOrgs populates the default org and a new one, "Other", and returns a token of each org's
// Administrator and the new org.
func (e *env) twoOrgs() (tok string, other crm.Org, otherTok string) {
	e.t.Helper()
	tok = e.token(e.admin)
	e.populate(tok)
	other, otherAdmin := e.newOrg("Other")
	otherTok = e.token(otherAdmin)
	e.populate(otherTok)
	return tok, other, otherTok
}

// checkFull checks, through the CRM API, that populate's data is there (the second list of
// cadences comes from the cache).
func (e *env) checkFull(tok string) {
	e.t.Helper()
	for _, path := range []string{"/crm/v8/Leads?fields=Last_Name", "/crm/v8/settings/automation/cadences", "/crm/v8/settings/automation/cadences"} {
		if r := e.crm("GET", path, tok, ""); r.status != 200 {
			e.t.Fatalf("GET %s = %d %s", path, r.status, r.body)
		}
	}
}

// checkEmpty checks, through the CRM API, that the org of tok has no records and no cadences, and
// Zoho's default contact roles only.
func (e *env) checkEmpty(tok string) {
	e.t.Helper()
	e.crm("GET", "/crm/v8/Leads?fields=Last_Name", tok, "").expect(e.t, 204, "")
	e.crm("GET", "/crm/v8/Contacts?fields=Last_Name", tok, "").expect(e.t, 204, "")
	e.crm("GET", "/crm/v8/settings/automation/cadences", tok, "").expect(e.t, 204, "")
	r := e.crm("GET", "/crm/v8/Contacts/roles", tok, "")
	var v struct {
		ContactRoles []struct{ Name string } `json:"contact_roles"`
	}
	if err := json.Unmarshal([]byte(r.body), &v); err != nil || r.status != 200 {
		e.t.Fatalf("roles = %d %s", r.status, r.body)
	}
	var names []string
	for _, cr := range v.ContactRoles {
		names = append(names, cr.Name)
	}
	if got, want := strings.Join(names, ","), strings.Join(catalog.DefaultContactRoles, ","); got != want {
		e.t.Fatalf("contact roles = %s, want the defaults %s", got, want)
	}
}

// POST /__zcrm/reset: one default org with its Administrator, nothing else; tokens of before,
// cached or not, are INVALID_TOKEN.
func TestResetFull(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b, "")
		tok, other, otherTok := e.twoOrgs()
		e.newOrg("Third")

		r := e.do("POST", "/__zcrm/reset", "", "")
		var ans struct {
			OrgID string `json:"org_id"`
		}
		if err := json.Unmarshal([]byte(r.body), &ans); err != nil || r.status != 200 {
			t.Fatalf("reset = %d %s", r.status, r.body)
		}
		newID, ok := crm.ParseID(ans.OrgID)
		if !ok || newID == e.org.ID || newID == other.ID {
			t.Fatalf("reset answered org %q, want a new default org", ans.OrgID)
		}
		r.expect(t, 200, orgAnswer(newID))
		e.crm("GET", "/crm/v8/org", tok, "").expect(t, 401, invalidToken)
		e.crm("GET", "/crm/v8/settings/automation/cadences", tok, "").expect(t, 401, invalidToken)
		e.crm("POST", "/crm/v8/Leads", tok, `{"data":[{"Last_Name":"X"}]}`).expect(t, 401, invalidToken)
		e.crm("GET", "/crm/v8/Leads", otherTok, "").expect(t, 401, invalidToken)

		var orgs []crm.Org
		var users []crm.User
		e.write(func(ctx context.Context, tx crm.Tx) error {
			var err error
			if orgs, err = tx.Orgs(ctx); err != nil {
				return err
			}
			users, err = tx.Users(ctx, newID)
			return err
		})
		if len(orgs) != 1 || orgs[0].ID != newID || !orgs[0].Default || orgs[0].Name != "zcrm" || orgs[0].Edition != crm.Enterprise {
			t.Fatalf("orgs = %+v, want the default org %d only", orgs, newID)
		}
		if len(users) != 1 || users[0].Email != "admin@zcrm.local" {
			t.Fatalf("users = %+v, want admin@zcrm.local only", users)
		}
		for _, table := range []string{"oauth_clients", "oauth_refresh_tokens", "oauth_access_tokens", "oauth_grants", "records", "cadences", "enrollments", "relations", "deal_contact_roles", "custom_modules", "module_sharing"} {
			var n int
			if err := e.db.SQL().QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil || n != 0 {
				t.Errorf("%s holds %d rows (%v), want none", table, n, err)
			}
		}
		newAdmin := users[0]
		e.checkEmpty(e.token(newAdmin))
	})
}

// POST /__zcrm/reset?keep=auth: every org's CRM data is gone, seen at once through the caches;
// orgs, users and tokens stay and work.
func TestResetKeepAuth(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b, "")
		tok, other, otherTok := e.twoOrgs()
		before := e.crmState(e.org.ID)

		e.do("POST", "/__zcrm/reset?keep=auth", "", "").expect(t, 200, orgAnswer(e.org.ID))
		e.checkEmpty(tok)
		e.checkEmpty(otherTok)
		for _, org := range []int64{e.org.ID, other.ID} {
			want := map[string]int{"records": 0, "cadences": 0, "enrollments": 0, "relations": 0, "deal_contact_roles": 0, "contact_roles": len(catalog.DefaultContactRoles),
				"users": before["users"], "oauth_access_tokens": before["oauth_access_tokens"]}
			if got := e.crmState(org); !reflect.DeepEqual(got, want) {
				t.Errorf("org %d after reset: %v, want %v", org, got, want)
			}
		}
		e.populate(tok) // the org works as before
	})
}

// POST /__zcrm/orgs/{org_id}/reset clears that org's CRM data only; an unknown org is 404.
func TestResetOrg(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b, "")
		tok, other, otherTok := e.twoOrgs()
		kept := e.crmState(e.org.ID)

		e.do("POST", fmt.Sprintf("/__zcrm/orgs/%d/reset", other.ID), "", "").expect(t, 200, orgAnswer(other.ID))
		e.checkEmpty(otherTok)
		e.checkFull(tok)
		if got := e.crmState(e.org.ID); !reflect.DeepEqual(got, kept) {
			t.Errorf("the default org changed: %v, want %v", got, kept)
		}

		e.do("POST", "/__zcrm/orgs/5725767000000999999/reset", "", "").expect(t, 404, `{"code":"NOT_FOUND","message":"no org 5725767000000999999"}`)
		e.do("POST", "/__zcrm/orgs/abc/reset", "", "").expect(t, 404, `{"code":"NOT_FOUND","message":"no org abc"}`)
	})
}
