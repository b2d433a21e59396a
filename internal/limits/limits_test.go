package limits_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zcrm/zcrm/internal/admin"
	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/httpapi"
	"github.com/zcrm/zcrm/internal/limits"
	"github.com/zcrm/zcrm/internal/oauth"
	"github.com/zcrm/zcrm/internal/store"
	"github.com/zcrm/zcrm/internal/store/storetest"
)

// proc is one zcrm process: a store handle, its Limiter and its HTTP server with the admin API.
type proc struct {
	t     *testing.T
	db    *store.DB
	lim   *limits.Limiter
	admin *admin.Service
	srv   *httptest.Server
}

func newProc(t *testing.T, dsn string) *proc {
	t.Helper()
	p := &proc{t: t, db: storetest.OpenDSN(t, dsn, store.Options{})}
	p.lim, p.admin = limits.New(p.db), &admin.Service{Store: p.db}
	p.srv = httptest.NewServer(httpapi.NewServer(httpapi.Deps{Store: p.db, PublicURL: "http://zcrm.test", Limits: p.lim,
		Admin: admin.NewHandler(p.admin, "", nil, nil)}))
	t.Cleanup(p.srv.Close)
	return p
}

// env is a database with the default org, its Administrator and an access token, served by one
// process (more with another).
type env struct {
	*proc
	dsn   string
	org   crm.Org
	user  crm.User
	token string
}

func newEnv(t *testing.T, b storetest.Backend) *env {
	t.Helper()
	e := &env{dsn: storetest.DSN(t, b)}
	e.proc = newProc(t, e.dsn)
	e.write(func(ctx context.Context, tx crm.Tx) error {
		var err error
		if e.org, err = crm.EnsureDefaultOrg(ctx, tx); err != nil {
			return err
		}
		if e.user, err = tx.FirstAdmin(ctx, e.org.ID); err != nil {
			return err
		}
		return err
	})
	e.newToken()
	return e
}

// newToken mints the env's access token afresh (one lives an hour of the store's clock).
func (e *env) newToken() {
	e.t.Helper()
	e.write(func(ctx context.Context, tx crm.Tx) error {
		var err error
		e.token, err = oauth.MintAccessToken(ctx, tx, e.org.ID, e.user.ID, 0, 0, []string{"ZohoCRM.modules.ALL", "ZohoCRM.org.ALL"})
		return err
	})
}

func (p *proc) write(fn func(ctx context.Context, tx crm.Tx) error) {
	p.t.Helper()
	ctx := context.Background()
	if err := p.db.Write(ctx, func(tx crm.Tx) error { return fn(ctx, tx) }); err != nil {
		p.t.Fatal(err)
	}
}

type response struct {
	status int
	body   string
}

// do sends a request to the process; auth is the Authorization header ("" none).
func (p *proc) do(method, path, auth, body string) response {
	p.t.Helper()
	req, err := http.NewRequest(method, p.srv.URL+path, strings.NewReader(body))
	if err != nil {
		p.t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	if strings.HasPrefix(path, "/oauth/") {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := p.srv.Client().Do(req)
	if err != nil {
		p.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{res.StatusCode, string(b)}
}

// call is a CRM call with the env's token.
func (e *env) call(p *proc, method, path, body string) response {
	e.t.Helper()
	return p.do(method, path, "Zoho-oauthtoken "+e.token, body)
}

// expect checks the status and that the body is the JSON want.
func (r response) expect(t *testing.T, status int, want string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status = %d, want %d; body: %s", r.status, status, r.body)
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

// ok checks that a CRM call passed the limits (a 2xx).
func (r response) ok(t *testing.T) {
	t.Helper()
	if r.status < 200 || r.status > 299 {
		t.Fatalf("status = %d, want 2xx; body: %s", r.status, r.body)
	}
}

// limits sets limits through the process's admin API.
func (p *proc) limits(body string) {
	p.t.Helper()
	if r := p.do("PUT", "/__zcrm/limits", "", body); r.status != 200 {
		p.t.Fatalf("PUT /__zcrm/limits %s = %d %s", body, r.status, r.body)
	}
}

// zoho puts the env's org in mode zoho with the overrides given as JSON members (e.g. `"concurrency": 2`).
func (e *env) zoho(p *proc, overrides string) {
	e.t.Helper()
	if overrides != "" {
		overrides = ", " + overrides
	}
	p.limits(fmt.Sprintf(`{"org_id": "%d", "mode": "zoho"%s}`, e.org.ID, overrides))
}

func tooMany(message string) string {
	b, _ := json.Marshal(map[string]any{"code": "TOO_MANY_REQUESTS", "details": map[string]any{}, "message": message, "status": "error"})
	return string(b)
}

var (
	concurrencyExceeded = tooMany(crm.MsgConcurrencyLimitExceeded)
	creditsExceeded     = tooMany(crm.MsgCreditLimitExceeded)
)

// hold takes one of the org's slots the way a call in progress does, until release.
func (e *env) hold(p *proc) (release func()) {
	e.t.Helper()
	release, err := p.lim.Admit(context.Background(), &httpapi.Call{OrgID: e.org.ID, Edition: string(e.org.Edition), Method: "GET", Path: "/crm/v8/org"})
	if err != nil {
		e.t.Fatalf("Admit: %v", err)
	}
	return release
}

// In mode zoho with concurrency 2, a third call while two are in progress is answered 429 in
// Zoho's envelope; once one ends, calls pass again. Another org is not affected.
func TestConcurrency(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		e.zoho(e.proc, `"concurrency": 2`)
		first, second := e.hold(e.proc), e.hold(e.proc)
		e.call(e.proc, "GET", "/crm/v8/org", "").expect(t, 429, concurrencyExceeded)
		_, err := e.lim.Admit(t.Context(), &httpapi.Call{OrgID: e.org.ID, Edition: "enterprise", Method: "GET", Path: "/crm/v8/org"})
		if r, ok := err.(*crm.Error); !ok || r.Status != 429 || r.Code != "TOO_MANY_REQUESTS" {
			t.Fatalf("Admit past the limit: %v", err)
		}
		var other crm.Org
		var otherTok string
		e.write(func(ctx context.Context, tx crm.Tx) error {
			var u crm.User
			var err error
			if other, u, err = crm.CreateOrg(ctx, tx, crm.NewOrg{Name: "Other", Edition: crm.Free}); err != nil {
				return err
			}
			otherTok, err = oauth.MintAccessToken(ctx, tx, other.ID, u.ID, 0, 0, []string{"ZohoCRM.org.ALL"})
			return err
		})
		e.do("GET", "/crm/v8/org", "Zoho-oauthtoken "+otherTok, "").ok(t)

		first()
		first() // a second release gives nothing back twice
		e.call(e.proc, "GET", "/crm/v8/org", "").ok(t)
		third := e.hold(e.proc)
		e.call(e.proc, "GET", "/crm/v8/org", "").expect(t, 429, concurrencyExceeded)
		second()
		third()

		// Three calls at once with one slot held: whatever their order, at most one holds the
		// other slot at a time, and each either passes or gets exactly the 429.
		held := e.hold(e.proc)
		var wg sync.WaitGroup
		results := make([]response, 3)
		for i := range results {
			wg.Go(func() { results[i] = e.call(e.proc, "GET", "/crm/v8/org", "") })
		}
		wg.Wait()
		held()
		for _, r := range results {
			if r.status == 429 {
				r.expect(t, 429, concurrencyExceeded)
			} else {
				r.ok(t)
			}
		}
		// The slots are all back.
		var st admin.LimitsState
		if err := json.Unmarshal([]byte(e.do("GET", "/__zcrm/limits", "", "").body), &st); err != nil {
			t.Fatal(err)
		}
		if got := st.Orgs[crm.FormatID(e.org.ID)].InFlight; got != 0 {
			t.Fatalf("in_flight = %d after every call ended, want 0", got)
		}
	})
}

// Zoho counts concurrent calls per org and app: with concurrency 1, one app's call in progress does
// not hold back another app's (the OAuth client its token was issued to), only its own; in_flight
// counts both. Credits stay the org's.
func TestConcurrencyPerApp(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		e.zoho(e.proc, `"concurrency": 1, "credits_per_day": 3`)
		var appTok string
		var app crm.Client
		e.write(func(ctx context.Context, tx crm.Tx) error {
			clientID, _, err := oauth.CreateClient(ctx, tx, e.org.ID, "second app")
			if err != nil {
				return err
			}
			if app, err = tx.ClientByClientID(ctx, clientID); err != nil {
				return err
			}
			appTok, err = oauth.MintAccessToken(ctx, tx, e.org.ID, e.user.ID, app.ID, 0, []string{"ZohoCRM.org.ALL"})
			return err
		})
		held := e.hold(e.proc) // a call of the env's token's app (none: 0) in progress
		e.call(e.proc, "GET", "/crm/v8/org", "").expect(t, 429, concurrencyExceeded)
		e.do("GET", "/crm/v8/org", "Zoho-oauthtoken "+appTok, "").ok(t)
		release, err := e.lim.Admit(t.Context(), &httpapi.Call{OrgID: e.org.ID, Edition: "enterprise", ClientPK: app.ID, Method: "GET", Path: "/crm/v8/org"})
		if err != nil {
			t.Fatalf("the second app's first slot: %v", err)
		}
		e.do("GET", "/crm/v8/org", "Zoho-oauthtoken "+appTok, "").expect(t, 429, concurrencyExceeded)
		e.do("GET", "/__zcrm/limits", "", "").expect(t, 200, fmt.Sprintf(`{"mode":"off","orgs":{"%d":{"edition":"enterprise","mode":"zoho",
			"concurrency":1,"credits_per_day":3,"in_flight":2,"credits_used":3,"overrides":{"mode":"zoho","concurrency":1,"credits_per_day":3}}}}`, e.org.ID))
		held()
		release()
		// The org's 3 credits are spent (the two holds and the one call that passed): every app is refused.
		e.do("GET", "/crm/v8/org", "Zoho-oauthtoken "+appTok, "").expect(t, 429, creditsExceeded)
		e.call(e.proc, "GET", "/crm/v8/org", "").expect(t, 429, creditsExceeded)
	})
}

// Three calls spend a budget of 3 credits and the fourth is answered 429; 24 hours later (the
// store's clock) calls pass again, and an insert of 25 records costs 3 credits.
func TestCredits(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		e.zoho(e.proc, `"credits_per_day": 3`)
		for range 3 {
			e.call(e.proc, "GET", "/crm/v8/org", "").ok(t)
		}
		e.call(e.proc, "GET", "/crm/v8/org", "").expect(t, 429, creditsExceeded)
		e.call(e.proc, "POST", "/crm/v8/Contacts", `{"data":[{"Last_Name":"Refused"}]}`).expect(t, 429, creditsExceeded)

		if _, err := e.admin.AdvanceClock(t.Context(), 23*time.Hour+58*time.Minute); err != nil {
			t.Fatal(err)
		}
		e.newToken()
		e.call(e.proc, "GET", "/crm/v8/org", "").expect(t, 429, creditsExceeded)
		if _, err := e.admin.AdvanceClock(t.Context(), 2*time.Minute); err != nil {
			t.Fatal(err)
		}
		e.newToken()
		var rows []string
		for i := range 25 {
			rows = append(rows, fmt.Sprintf(`{"Last_Name":"C%d"}`, i))
		}
		e.call(e.proc, "POST", "/crm/v8/Contacts", `{"data":[`+strings.Join(rows, ",")+`]}`).ok(t)
		e.call(e.proc, "GET", "/crm/v8/org", "").expect(t, 429, creditsExceeded)
		e.do("GET", "/__zcrm/limits", "", "").expect(t, 200, fmt.Sprintf(`{"mode":"off","orgs":{"%d":{"edition":"enterprise","mode":"zoho",
			"concurrency":20,"credits_per_day":3,"in_flight":0,"credits_used":3,"overrides":{"mode":"zoho","credits_per_day":3}}}}`, e.org.ID))

		// Back to the edition's budget: 50,000 + 1,000 per user for Enterprise.
		e.proc.limits(fmt.Sprintf(`{"org_id": "%d", "credits_per_day": null}`, e.org.ID))
		e.call(e.proc, "GET", "/crm/v8/org", "").ok(t)
	})
}

// What a call costs: 1 credit, and a record insert, update or upsert 1 per 10 records.
func TestCallCredits(t *testing.T) {
	for _, c := range []struct {
		method, path string
		records      int
		want         int64
	}{
		{"GET", "/crm/v8/Contacts", 0, 1},
		{"POST", "/crm/v8/Contacts", 1, 1},
		{"POST", "/crm/v8/Contacts", 10, 1},
		{"POST", "/crm/v8/Contacts", 11, 2},
		{"POST", "/crm/v8/Contacts", 25, 3},
		{"PUT", "/crm/v8/Contacts", 100, 10},
		{"POST", "/crm/v8/Contacts/upsert", 21, 3},
		{"PUT", "/crm/v8/Contacts/5725767000000100001", 1, 1},
		{"PUT", "/crm/v8/Campaigns/5725767000000100001/Contacts", 30, 1}, // related records
		{"DELETE", "/crm/v8/Contacts", 0, 1},
		{"POST", "/crm/v8/Leads/actions/enrol_in_cadences", 0, 1},
	} {
		if got := limits.Credits(&httpapi.Call{Method: c.method, Path: c.path, Records: c.records}); got != c.want {
			t.Errorf("%s %s with %d records costs %d, want %d", c.method, c.path, c.records, got, c.want)
		}
	}
}

// The default mode is off: with the tiniest overrides, nothing is limited or counted, until the
// server-wide mode turns to zoho; an org of its own mode off is then still not limited.
func TestOffByDefault(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		e.proc.limits(fmt.Sprintf(`{"org_id": "%d", "concurrency": 0, "credits_per_day": 1}`, e.org.ID))
		held := e.hold(e.proc)
		for range 50 {
			e.call(e.proc, "GET", "/crm/v8/org", "").ok(t)
		}
		held()
		want := func(mode, orgMode string, used int) string {
			return fmt.Sprintf(`{"mode":"%s","orgs":{"%d":{"edition":"enterprise","mode":"%s","concurrency":0,"credits_per_day":1,
				"in_flight":0,"credits_used":%d,"overrides":{"concurrency":0,"credits_per_day":1}}}}`, mode, e.org.ID, orgMode, used)
		}
		e.do("GET", "/__zcrm/limits", "", "").expect(t, 200, want("off", "off", 0))

		e.proc.limits(`{"mode": "zoho"}`)
		e.call(e.proc, "GET", "/crm/v8/org", "").expect(t, 429, concurrencyExceeded)
		e.do("GET", "/__zcrm/limits", "", "").expect(t, 200, want("zoho", "zoho", 0))
		e.proc.limits(fmt.Sprintf(`{"org_id": "%d", "concurrency": 5}`, e.org.ID))
		e.call(e.proc, "GET", "/crm/v8/org", "").ok(t)
		e.call(e.proc, "GET", "/crm/v8/org", "").expect(t, 429, creditsExceeded)

		e.proc.limits(fmt.Sprintf(`{"org_id": "%d", "mode": "off"}`, e.org.ID))
		for range 5 {
			e.call(e.proc, "GET", "/crm/v8/org", "").ok(t)
		}
		e.proc.limits(`{"mode": null}`) // back to zcrm serve's mode: none recorded, so off
		e.proc.limits(fmt.Sprintf(`{"org_id": "%d", "mode": null}`, e.org.ID))
		e.call(e.proc, "GET", "/crm/v8/org", "").ok(t)
	})
}

// zcrm serve --limits records the server-wide mode; the admin API's mode wins over it until set
// back.
func TestServeMode(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		if _, err := limits.Start(t.Context(), e.db, "fast"); err == nil || err.Error() != `limits mode must be "off" or "zoho", not "fast"` {
			t.Fatalf("Start with a bad mode: %v", err)
		}
		if _, err := limits.Start(t.Context(), e.db, "zoho"); err != nil {
			t.Fatal(err)
		}
		e.proc.limits(fmt.Sprintf(`{"org_id": "%d", "credits_per_day": 1}`, e.org.ID))
		e.call(e.proc, "GET", "/crm/v8/org", "").ok(t)
		e.call(e.proc, "GET", "/crm/v8/org", "").expect(t, 429, creditsExceeded)
		e.proc.limits(`{"mode": "off"}`)
		e.call(e.proc, "GET", "/crm/v8/org", "").ok(t)
		e.proc.limits(`{"mode": null}`)
		e.call(e.proc, "GET", "/crm/v8/org", "").expect(t, 429, creditsExceeded)
		if _, err := limits.Start(t.Context(), e.db, "off"); err != nil {
			t.Fatal(err)
		}
		e.call(e.proc, "GET", "/crm/v8/org", "").ok(t)
	})
}

// Two processes on one PostgreSQL database: limits set through process 1 apply on process 2,
// and calls in progress and credits spent on either count on both.
func TestAcrossProcesses(t *testing.T) {
	storetest.PostgresURL(t)
	e := newEnv(t, storetest.Postgres)
	p1, p2 := e.proc, newProc(t, e.dsn)
	e.call(p2, "GET", "/crm/v8/org", "").ok(t) // p2 has cached the token and the settings

	e.zoho(p1, `"credits_per_day": 3`)
	e.call(p2, "GET", "/crm/v8/org", "").ok(t)
	e.call(p1, "GET", "/crm/v8/org", "").ok(t)
	e.call(p2, "GET", "/crm/v8/org", "").ok(t)
	e.call(p2, "GET", "/crm/v8/org", "").expect(t, 429, creditsExceeded)
	e.call(p1, "GET", "/crm/v8/org", "").expect(t, 429, creditsExceeded)
	// Writes too (they trust the token cache, and see the change in their transaction).
	e.call(p2, "POST", "/crm/v8/Contacts", `{"data":[{"Last_Name":"Refused"}]}`).expect(t, 429, creditsExceeded)

	e.zoho(p1, `"credits_per_day": null, "concurrency": 1`)
	held := e.hold(p1)
	e.call(p2, "GET", "/crm/v8/org", "").expect(t, 429, concurrencyExceeded)
	e.call(p2, "POST", "/crm/v8/Contacts", `{"data":[{"Last_Name":"Refused"}]}`).expect(t, 429, concurrencyExceeded)
	held()
	e.call(p2, "POST", "/crm/v8/Contacts", `{"data":[{"Last_Name":"Passed"}]}`).ok(t)
	held = e.hold(p2)
	e.call(p1, "GET", "/crm/v8/org", "").expect(t, 429, concurrencyExceeded)
	held()

	// The server-wide mode, set through process 1, turns the limits off on process 2.
	p1.limits(fmt.Sprintf(`{"org_id": "%d", "mode": null}`, e.org.ID))
	p1.limits(`{"mode": "off"}`)
	held = e.hold(p1) // holds nothing in mode off
	e.call(p2, "GET", "/crm/v8/org", "").ok(t)
	held()
	p2.do("GET", "/__zcrm/limits", "", "").expect(t, 200, fmt.Sprintf(`{"mode":"off","orgs":{"%d":{"edition":"enterprise","mode":"off",
		"concurrency":1,"credits_per_day":51000,"in_flight":0,"credits_used":6,"overrides":{"concurrency":1}}}}`, e.org.ID))
}

// refresher holds an OAuth client and a refresh token of the env's Administrator.
type refresher struct {
	e                      *env
	clientID, secret, code string
}

func (e *env) refresher() *refresher {
	e.t.Helper()
	r := &refresher{e: e}
	e.write(func(ctx context.Context, tx crm.Tx) error {
		var err error
		if r.clientID, r.secret, err = oauth.CreateClient(ctx, tx, e.org.ID, "throttled"); err != nil {
			return err
		}
		client, err := tx.ClientByClientID(ctx, r.clientID)
		if err != nil {
			return err
		}
		_, r.code, err = oauth.IssueTokens(ctx, tx, client, e.user, []string{"ZohoCRM.org.ALL"})
		return err
	})
	return r
}

// refresh asks the process for an access token.
func (r *refresher) refresh(p *proc) response {
	r.e.t.Helper()
	return p.do("POST", oauth.TokenPath, "", url.Values{"grant_type": {"refresh_token"}, "client_id": {r.clientID},
		"client_secret": {r.secret}, "refresh_token": {r.code}}.Encode())
}

func (r response) minted(t *testing.T) {
	t.Helper()
	var v struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal([]byte(r.body), &v); err != nil || r.status != 200 || v.AccessToken == "" {
		t.Fatalf("refresh = %d %s, want an access token", r.status, r.body)
	}
}

// In mode zoho a refresh token mints at most 10 access tokens per 10 minutes of the store's clock:
// the 11th refresh is answered HTTP 200 {"error":"Access Denied"}, as Zoho's accounts server
// does. In mode off there is no such limit.
func TestTokenMintThrottle(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		free := e.refresher()
		for range 15 {
			free.refresh(e.proc).minted(t)
		}

		e.zoho(e.proc, "")
		r := e.refresher()
		for range oauth.MaxMintsPerRefresh {
			r.refresh(e.proc).minted(t)
		}
		r.refresh(e.proc).expect(t, 200, `{"error":"Access Denied"}`)
		r.refresh(e.proc).expect(t, 200, `{"error":"Access Denied"}`) // refused refreshes do not count
		if _, err := e.admin.AdvanceClock(t.Context(), 9*time.Minute); err != nil {
			t.Fatal(err)
		}
		r.refresh(e.proc).expect(t, 200, `{"error":"Access Denied"}`)
		if _, err := e.admin.AdvanceClock(t.Context(), time.Minute); err != nil {
			t.Fatal(err)
		}
		for range oauth.MaxMintsPerRefresh {
			r.refresh(e.proc).minted(t)
		}
		r.refresh(e.proc).expect(t, 200, `{"error":"Access Denied"}`)
		free.refresh(e.proc).minted(t) // another refresh token has its own count

		e.proc.limits(fmt.Sprintf(`{"org_id": "%d", "mode": "off"}`, e.org.ID))
		r.refresh(e.proc).minted(t)
	})
}

// ClearLimits (what a full reset runs) drops the admin API's settings and every count: the mode
// zcrm serve started with applies again, with the edition's numbers, nothing in flight or spent.
func TestClearLimits(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		if _, err := limits.Start(t.Context(), e.db, "zoho"); err != nil {
			t.Fatal(err)
		}
		e.proc.limits(`{"mode": "off"}`)
		e.zoho(e.proc, `"concurrency": 1, "credits_per_day": 2`)
		held := e.hold(e.proc)
		r := e.refresher()
		r.refresh(e.proc).minted(t)
		e.write(func(ctx context.Context, tx crm.Tx) error { return tx.ClearLimits(ctx) })
		if _, err := e.db.SyncControl(t.Context()); err != nil {
			t.Fatal(err)
		}
		e.do("GET", "/__zcrm/limits", "", "").expect(t, 200, fmt.Sprintf(`{"mode":"zoho","orgs":{"%d":{"edition":"enterprise","mode":"zoho",
			"concurrency":20,"credits_per_day":51000,"in_flight":0,"credits_used":0,"overrides":{}}}}`, e.org.ID))
		held() // its lease is gone already
		for range oauth.MaxMintsPerRefresh {
			r.refresh(e.proc).minted(t)
		}
		r.refresh(e.proc).expect(t, 200, `{"error":"Access Denied"}`)
	})
}

// A write that learns in its transaction of a control change its gate did not see passes the gate
// once more (httpapi's errControlMoved): it takes a slot again but is one call, charged once.
func TestRerunAfterControlChangeChargesOnce(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		e.zoho(e.proc, `"credits_per_day": 100`)
		e.call(e.proc, "GET", "/crm/v8/org", "").ok(t) // cached: the write below trusts the token cache
		rule, err := e.admin.AddFault(t.Context(), crm.FaultRule{Method: "POST", Path: "/crm/v8/Contacts", Probability: 1, Times: 1, LatencyMS: 1500})
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan response, 1)
		go func() { done <- e.call(e.proc, "POST", "/crm/v8/Contacts", `{"data":[{"Last_Name":"Once"}]}`) }()
		// The fault holds the write past its gate's look at the control state; the clock moves then.
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
			rules, err := e.admin.Faults(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if len(rules) == 1 && rules[0].ID == rule.ID && rules[0].Remaining == 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the fault never fired: %+v", rules)
			}
		}
		if _, err := e.admin.AdvanceClock(t.Context(), time.Second); err != nil {
			t.Fatal(err)
		}
		(<-done).ok(t)
		e.do("GET", "/__zcrm/limits", "", "").expect(t, 200, fmt.Sprintf(`{"mode":"off","orgs":{"%d":{"edition":"enterprise","mode":"zoho",
			"concurrency":20,"credits_per_day":100,"in_flight":0,"credits_used":2,"overrides":{"mode":"zoho","credits_per_day":100}}}}`, e.org.ID))
	})
}
