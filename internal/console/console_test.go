package console_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/zcrm/zcrm/internal/admin"
	"github.com/zcrm/zcrm/internal/console"
	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/engine"
	"github.com/zcrm/zcrm/internal/httpapi"
	"github.com/zcrm/zcrm/internal/journal"
	"github.com/zcrm/zcrm/internal/store"
	"github.com/zcrm/zcrm/internal/store/storetest"
)

// env is zcrm wired as zcrm serve wires it: the API with the admin API, the journal and the cadence
// engine, and the console mounted beside them (console.Mount), on a loopback listener.
type env struct {
	t   *testing.T
	db  *store.DB
	org crm.Org
	svc *admin.Service
	con *console.Console
	srv *httptest.Server
}

func newEnv(t *testing.T, b storetest.Backend, token string) *env {
	db := storetest.Open(t, b, store.Options{})
	jr := journal.New(db, 1000, nil)
	t.Cleanup(func() { jr.Close() })
	// The cadence engine runs what a clock move made due before the move answers, as in zcrm serve
	// (whose ticker the tests do not need).
	svc := &admin.Service{Store: db, Journal: jr, Engine: &engine.Engine{Store: db}}
	org, err := svc.Reset(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	api := httpapi.NewServer(httpapi.Deps{Store: db, PublicURL: "http://zcrm.test", Journal: jr,
		Admin: admin.NewHandler(svc, token, nil, jr.Handler())})
	con := console.New(console.Config{Admin: svc, Journal: jr, Token: token})
	srv := httptest.NewServer(console.Mount(api, con))
	t.Cleanup(srv.Close)
	return &env{t: t, db: db, org: org, svc: svc, con: con, srv: srv}
}

// noRedirect is a client that reports redirects instead of following them.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// send makes a request to the console with the given headers ("Name: value").
func (e *env) send(method, path, form string, headers ...string) (*http.Response, string) {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, strings.NewReader(form))
	if err != nil {
		e.t.Fatal(err)
	}
	if form != "" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for _, h := range headers {
		if h == "" {
			continue
		}
		k, v, _ := strings.Cut(h, ": ")
		req.Header.Set(k, v)
	}
	res, err := noRedirect.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res, string(body)
}

// The access rule is the admin API's: with an admin token, a browser without a session is sent to
// sign in, a wrong token (or a CRM API token) does not open it, the right one sets a session
// cookie that is HttpOnly, SameSite=Strict and not the token, and that cookie (or the admin API's
// Bearer header) opens every page.
func TestConsoleSignIn(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b, "s3cret-admin")
		origin := "Origin: " + e.srv.URL
		if res, _ := e.send("GET", "/console/orgs", ""); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/console/signin" {
			t.Fatalf("no session: %d %s, want 303 to /console/signin", res.StatusCode, res.Header.Get("Location"))
		}
		if res, body := e.send("GET", "/console/journal/entries", ""); res.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "Sign in with the admin token") {
			t.Fatalf("no session, journal poll: %d %s", res.StatusCode, body)
		}
		tok, err := e.svc.MintToken(context.Background(), admin.Mint{User: firstAdmin(e), Scopes: []string{"ZohoCRM.modules.ALL"}})
		if err != nil {
			t.Fatal(err)
		}
		if res, _ := e.send("GET", "/console/orgs", "", "Authorization: Bearer "+tok.Access); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("a CRM API token opened the console: %d", res.StatusCode)
		}
		if res, body := e.send("POST", "/console/signin", "token="+url.QueryEscape(tok.Access), origin); res.StatusCode != http.StatusUnauthorized ||
			!strings.Contains(body, "That is not the admin token") || res.Header.Get("Set-Cookie") != "" {
			t.Fatalf("signing in with a CRM token: %d %q %s", res.StatusCode, res.Header.Get("Set-Cookie"), body)
		}
		res, _ := e.send("POST", "/console/signin", "token=s3cret-admin", origin)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/console/orgs" {
			t.Fatalf("sign in: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		var session *http.Cookie
		for _, c := range res.Cookies() {
			if c.Name == "zcrm_console" {
				session = c
			}
		}
		if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteStrictMode || session.Path != "/console/" ||
			strings.Contains(session.Value, "s3cret-admin") || session.Value == "" {
			t.Fatalf("session cookie %+v", session)
		}
		cookie := "Cookie: zcrm_console=" + session.Value
		if res, body := e.send("GET", "/console/orgs", "", cookie); res.StatusCode != http.StatusOK || !strings.Contains(body, "<h1>Orgs</h1>") {
			t.Fatalf("with the session: %d", res.StatusCode)
		}
		if res, _ := e.send("GET", "/console/orgs", "", "Authorization: Bearer s3cret-admin"); res.StatusCode != http.StatusOK {
			t.Fatalf("with the admin token as Bearer: %d", res.StatusCode)
		}
		if res, _ := e.send("GET", "/console/orgs", "", "Cookie: zcrm_console=forged"); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("a forged cookie opened the console: %d", res.StatusCode)
		}
		if res, _ := e.send("GET", "/console/static/console.css", ""); res.StatusCode != http.StatusOK {
			t.Fatalf("the stylesheet needs no session: %d", res.StatusCode)
		}
		// Signing out clears the cookie.
		res, _ = e.send("POST", "/console/signout", "", cookie, origin)
		if res.StatusCode != http.StatusSeeOther || !strings.Contains(res.Header.Get("Set-Cookie"), "Max-Age=0") {
			t.Fatalf("sign out: %d %q", res.StatusCode, res.Header.Get("Set-Cookie"))
		}
	})
}

func firstAdmin(e *env) admin.UserOf {
	return func(ctx context.Context, tx crm.Tx) (crm.User, error) { return tx.FirstAdmin(ctx, e.org.ID) }
}

// Without an admin token the console serves loopback clients only, as the admin API does.
func TestConsoleLoopbackOnly(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b, "")
		if res, _ := e.send("GET", "/console/orgs", ""); res.StatusCode != http.StatusOK {
			t.Fatalf("loopback without a token: %d", res.StatusCode)
		}
		req := httptest.NewRequest("GET", "/console/orgs", nil)
		req.RemoteAddr = "192.0.2.7:5555"
		w := httptest.NewRecorder()
		e.con.ServeHTTP(w, req)
		if w.Code != http.StatusForbidden || !strings.Contains(w.Body.String(), "loopback clients only") {
			t.Fatalf("remote client without a token: %d %s", w.Code, w.Body.String())
		}
		// The sign-in page has nothing to do without a token.
		if res, _ := e.send("GET", "/console/signin", ""); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign-in page without a token: %d", res.StatusCode)
		}
	})
}

// POSTs need an Origin (or Referer) of the console's own host: a form on another site cannot
// act, even for a loopback client, which needs no cookie.
func TestConsoleCSRF(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b, "")
		form := "name=Evil&edition=free"
		for _, h := range []string{"", "Origin: http://evil.example", "Origin: null", "Referer: http://evil.example/x"} {
			res, body := e.send("POST", "/console/orgs", form, h)
			if res.StatusCode != http.StatusForbidden || !strings.Contains(body, "did not come from the console") {
				t.Fatalf("POST with %q: %d", h, res.StatusCode)
			}
		}
		res, _ := e.send("POST", "/console/orgs", "name=Acme&edition=professional", "Origin: "+e.srv.URL)
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/console/orgs/") {
			t.Fatalf("same-origin POST: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		var names []string
		e.db.Read(context.Background(), func(tx crm.Tx) error {
			orgs, err := tx.Orgs(context.Background())
			for _, o := range orgs {
				names = append(names, o.Name+":"+string(o.Edition))
			}
			return err
		})
		if strings.Join(names, ",") != "zcrm:enterprise,Acme:professional" {
			t.Fatalf("orgs after the POSTs: %v", names)
		}
	})
}

// A record form goes through the records service: Zoho's refusal comes back in Zoho's words, and
// a cadence action on a draft says Zoho's NOT_ALLOWED message; nothing of either is written.
func TestConsoleZohoErrorsInWords(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b, "")
		origin := "Origin: " + e.srv.URL
		org := "/console/orgs/" + crm.FormatID(e.org.ID)
		res, body := e.send("POST", org+"/modules/Contacts", "First_Name=Ann&Email=not-an-email", origin)
		if res.StatusCode != http.StatusOK || !strings.Contains(body, "MANDATORY_NOT_FOUND: required field not found (api_name: Last_Name, json_path: $.data[0].Last_Name)") {
			t.Fatalf("contact without Last_Name: %d %s", res.StatusCode, body)
		}
		res, _ = e.send("POST", org+"/cadences", "name=Draft&module=Contacts&action1=tasks&after1=1&period1=days", origin)
		loc := res.Header.Get("Location")
		if res.StatusCode != http.StatusSeeOther || !strings.Contains(loc, "/cadences/") {
			t.Fatalf("create cadence: %d %s", res.StatusCode, loc)
		}
		res, _ = e.send("POST", loc+"/actions/activate", "", origin)
		flash, raw := "", ""
		for _, c := range res.Cookies() {
			if c.Name == "zcrm_console_flash" {
				raw = c.Value
				flash, _ = url.QueryUnescape(c.Value)
			}
		}
		if !strings.Contains(flash, "NOT_ALLOWED: Only published Cadences can be activated") {
			t.Fatalf("activating a draft says %q", flash)
		}
		_, page := e.send("GET", loc, "", "Cookie: zcrm_console_flash="+raw)
		if !strings.Contains(page, "Only published Cadences can be activated") || !strings.Contains(page, `<span class="status draft">draft</span>`) {
			t.Fatalf("the cadence page after the refusal:\n%s", page)
		}
		n := 0
		e.db.Read(context.Background(), func(tx crm.Tx) error {
			var err error
			n, err = tx.CountRecords(context.Background(), crm.RecordQuery{OrgID: e.org.ID, Module: "Contacts"})
			return err
		})
		if n != 0 {
			t.Fatalf("%d contacts after a refused create", n)
		}
	})
}

// flash is the note or error an action left for the next page.
func flash(res *http.Response) string {
	for _, c := range res.Cookies() {
		if c.Name == "zcrm_console_flash" {
			s, _ := url.QueryUnescape(c.Value)
			return s
		}
	}
	return ""
}

// The engine through the console without a browser: an enrolment's progress on the cadence page
// and the record page before and after the clock moves, the email in the org's outbox, and
// "simulate reply" — refused for another org's page or a missing message, recorded otherwise.
func TestConsoleOutboxAndProgress(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b, "")
		ctx := context.Background()
		origin := "Origin: " + e.srv.URL
		org := "/console/orgs/" + crm.FormatID(e.org.ID)
		res, _ := e.send("POST", org+"/modules/Contacts", "Last_Name=Hopper&Email=grace@example.com", origin)
		contact := res.Header.Get("Location")
		res, _ = e.send("POST", org+"/cadences", "name=Welcome&module=Contacts&action1=email_notifications&after1=1&period1=hours", origin)
		cadence := res.Header.Get("Location")
		for _, action := range []string{"publish", "activate"} {
			if res, _ := e.send("POST", cadence+"/actions/"+action, "", origin); !strings.Contains(flash(res), "successfully") {
				t.Fatalf("%s: %q", action, flash(res))
			}
		}
		contactID := contact[strings.LastIndex(contact, "/")+1:]
		if res, _ := e.send("POST", cadence+"/enrolments", "action=enrol&ids="+contactID, origin); flash(res) != "note=Enrolled." {
			t.Fatalf("enrol: %q", flash(res))
		}
		for _, page := range []string{cadence, contact} {
			if _, body := e.send("GET", page, ""); !strings.Contains(body, "Follow-up 1: email notifications") || !strings.Contains(body, "1 pending") {
				t.Fatalf("%s before the clock moved:\n%s", page, body)
			}
		}
		if _, body := e.send("GET", org+"/outbox", ""); !strings.Contains(body, "No messages yet") {
			t.Fatalf("the outbox before the clock moved:\n%s", body)
		}
		if _, err := e.svc.AdvanceClock(ctx, 2*time.Hour); err != nil {
			t.Fatal(err)
		}
		for _, page := range []string{cadence, contact} {
			if _, body := e.send("GET", page, ""); !strings.Contains(body, "Finished") || !strings.Contains(body, "1 done") {
				t.Fatalf("%s after the clock moved:\n%s", page, body)
			}
		}
		_, body := e.send("GET", org+"/outbox", "")
		if !strings.Contains(body, "grace@example.com") || !strings.Contains(body, ">Hopper</a>") || !strings.Contains(body, ">Welcome</a>") || !strings.Contains(body, `/reply"`) {
			t.Fatalf("the outbox after the clock moved:\n%s", body)
		}
		ms, err := e.svc.Emails(ctx, crm.MessageFilter{OrgID: e.org.ID})
		if err != nil || len(ms) != 1 {
			t.Fatalf("emails: %v %v", ms, err)
		}
		res, _ = e.send("POST", "/console/orgs", "name=Other&edition=enterprise", origin)
		other := res.Header.Get("Location")
		for _, p := range []string{other + "/outbox/" + ms[0].ID + "/reply", org + "/outbox/1/reply", org + "/outbox/x/reply"} {
			if res, _ := e.send("POST", p, "", origin); flash(res) != "error=No such message in this org." {
				t.Fatalf("reply at %s: %q", p, flash(res))
			}
		}
		if ms, _ := e.svc.Emails(ctx, crm.MessageFilter{OrgID: e.org.ID}); ms[0].RepliedTime != nil {
			t.Fatalf("a refused reply was recorded: %+v", ms[0])
		}
		if res, _ := e.send("POST", org+"/outbox/"+ms[0].ID+"/reply", "", origin); flash(res) != "note=Reply recorded." {
			t.Fatalf("reply: %q", flash(res))
		}
		if ms, _ := e.svc.Emails(ctx, crm.MessageFilter{OrgID: e.org.ID}); ms[0].RepliedTime == nil {
			t.Fatalf("the reply was not recorded: %+v", ms[0])
		}
		if _, body := e.send("GET", org+"/outbox", ""); strings.Contains(body, `/reply"`) || !strings.Contains(body, "<dt>Replied</dt>") {
			t.Fatalf("the outbox after the reply:\n%s", body)
		}
	})
}
