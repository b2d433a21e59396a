package oauth_test

import (
	"bytes"
	"context"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/httpapi"
	"github.com/zcrm/zcrm/internal/oauth"
	"github.com/zcrm/zcrm/internal/store"
	"github.com/zcrm/zcrm/internal/store/storetest"
)

const publicURL = "http://zcrm.test"

// clock is an adjustable clock, safe to read from the server while a test moves it.
type clock struct{ ns atomic.Int64 }

func (c *clock) Now() time.Time          { return time.Unix(0, c.ns.Load()).UTC() }
func (c *clock) advance(d time.Duration) { c.ns.Add(int64(d)) }

func newClock(t time.Time) *clock {
	c := &clock{}
	c.ns.Store(t.UnixNano())
	return c
}

// env is the zcrm handler on a fresh real store, with the default org, its admin and one client.
type env struct {
	t      *testing.T
	db     *store.DB
	server *httpapi.Server
	clock  *clock
	org    crm.Org
	admin  crm.User
	client crm.Client
	id     string // client id
	secret string // client secret
	dsn    string // the database, for twin
}

// twin returns a second zcrm server with its own store handle on the same database and clock: what
// another process sharing the database sees and does.
func (e *env) twin() *env {
	tw := *e
	tw.db = storetest.OpenDSN(e.t, e.dsn, store.Options{Now: e.clock.Now})
	tw.server = httpapi.NewServer(httpapi.Deps{Store: tw.db, PublicURL: publicURL})
	return &tw
}

func newEnv(t *testing.T, b storetest.Backend) *env {
	t.Helper()
	e := &env{t: t, clock: newClock(time.Date(2024, 7, 17, 20, 38, 22, 0, time.UTC)), dsn: storetest.DSN(t, b)}
	e.db = storetest.OpenDSN(t, e.dsn, store.Options{Now: e.clock.Now})
	e.write(func(ctx context.Context, tx crm.Tx) error {
		var err error
		if e.org, err = crm.EnsureDefaultOrg(ctx, tx); err != nil {
			return err
		}
		e.admin, err = tx.FirstAdmin(ctx, e.org.ID)
		return err
	})
	e.client, e.id, e.secret = e.newClient("test")
	e.server = httpapi.NewServer(httpapi.Deps{Store: e.db, PublicURL: publicURL})
	return e
}

// write runs fn in a store transaction and fails the test on error.
func (e *env) write(fn func(ctx context.Context, tx crm.Tx) error) {
	e.t.Helper()
	ctx := context.Background()
	if err := e.db.Write(ctx, func(tx crm.Tx) error { return fn(ctx, tx) }); err != nil {
		e.t.Fatal(err)
	}
}

// newClient creates a self client of the default org and returns it with its id and secret.
func (e *env) newClient(name string) (crm.Client, string, string) {
	e.t.Helper()
	return e.newClientIn(e.org, name)
}

// newClientIn creates a self client of the org and returns it with its id and secret.
func (e *env) newClientIn(org crm.Org, name string) (crm.Client, string, string) {
	e.t.Helper()
	var c crm.Client
	var id, secret string
	e.write(func(ctx context.Context, tx crm.Tx) error {
		var err error
		if id, secret, err = oauth.CreateClient(ctx, tx, org.ID, name); err != nil {
			return err
		}
		c, err = tx.ClientByClientID(ctx, id)
		return err
	})
	return c, id, secret
}

// grant issues a grant code of the env's client for user, valid for the default 3 minutes.
func (e *env) grant(user crm.User, scopes ...string) string {
	return e.grantFor(e.client, user, scopes...)
}

func (e *env) grantFor(c crm.Client, user crm.User, scopes ...string) string {
	e.t.Helper()
	var code string
	e.write(func(ctx context.Context, tx crm.Tx) error {
		var err error
		code, err = oauth.IssueGrant(ctx, tx, c, user, scopes, oauth.DefaultGrantTTL)
		return err
	})
	return code
}

// grantOrg lets the client act in the org too, as `zcrm client grant-org` does.
func (e *env) grantOrg(c crm.Client, org crm.Org) {
	e.t.Helper()
	e.write(func(ctx context.Context, tx crm.Tx) error { return oauth.GrantClientOrg(ctx, tx, c, org.ID) })
}

// newOrg creates another org with its admin.
func (e *env) newOrg(name string) (crm.Org, crm.User) {
	e.t.Helper()
	var org crm.Org
	var admin crm.User
	e.write(func(ctx context.Context, tx crm.Tx) error {
		var err error
		org, admin, err = crm.CreateOrg(ctx, tx, crm.NewOrg{Name: name, Edition: crm.Enterprise})
		return err
	})
	return org, admin
}

// newUser adds a Standard user to the org.
func (e *env) newUser(orgID int64, email string) crm.User {
	e.t.Helper()
	var u crm.User
	e.write(func(ctx context.Context, tx crm.Tx) error {
		var err error
		u, _, err = crm.CreateUser(ctx, tx, orgID, email, crm.ProfileStandard)
		return err
	})
	return u
}

// encoding is how a request carries its parameters.
type encoding string

const (
	inQuery     encoding = "query"
	inForm      encoding = "urlencoded"
	inMultipart encoding = "multipart"
)

var encodings = []encoding{inQuery, inForm, inMultipart}

// request builds a request to path with the parameters encoded as enc.
func request(t testing.TB, method, path string, enc encoding, p url.Values) *http.Request {
	t.Helper()
	var body bytes.Buffer
	ct := ""
	switch enc {
	case inQuery:
		if len(p) > 0 {
			path += "?" + p.Encode()
		}
	case inForm:
		body.WriteString(p.Encode())
		ct = "application/x-www-form-urlencoded"
	case inMultipart:
		mw := multipart.NewWriter(&body)
		keys := make([]string, 0, len(p))
		for k := range p {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			for _, v := range p[k] {
				if err := mw.WriteField(k, v); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := mw.Close(); err != nil {
			t.Fatal(err)
		}
		ct = mw.FormDataContentType()
	}
	req := httptest.NewRequest(method, path, &body)
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	return req
}

// response is one HTTP answer.
type response struct {
	status int
	header http.Header
	body   string
}

// serve runs req through the whole zcrm handler.
func (e *env) serve(req *http.Request) response {
	rec := httptest.NewRecorder()
	e.server.ServeHTTP(rec, req)
	return response{status: rec.Code, header: rec.Header(), body: rec.Body.String()}
}

// post sends a POST to an accounts path with the parameters encoded as enc.
func (e *env) post(path string, enc encoding, p url.Values) response {
	e.t.Helper()
	return e.serve(request(e.t, http.MethodPost, path, enc, p))
}

// crmCall sends GET /crm/v8/org with the token.
func (e *env) crmCall(tok string) response {
	req := httptest.NewRequest(http.MethodGet, "/crm/v8/org", nil)
	req.Header.Set("Authorization", "Zoho-oauthtoken "+tok)
	return e.serve(req)
}

// authenticate resolves a token as a CRM call does.
func (e *env) authenticate(tok string) (oauth.Caller, error) {
	return e.server.OAuth().Authenticate(context.Background(), "Zoho-oauthtoken "+tok)
}

// expectValid fails unless tok authenticates as user with exactly the scopes.
func (e *env) expectValid(tok string, user crm.User, scopes ...string) {
	e.t.Helper()
	c, err := e.authenticate(tok)
	if err != nil {
		e.t.Fatalf("token rejected: %v", err)
	}
	if c.Org.ID != user.OrgID || c.User.ID != user.ID {
		e.t.Fatalf("token acts as org %d user %d, want org %d user %d", c.Org.ID, c.User.ID, user.OrgID, user.ID)
	}
	if got := strings.Join(c.Scopes.Strings(), " "); got != strings.Join(scopes, " ") {
		e.t.Fatalf("token scopes = %q, want %q", got, strings.Join(scopes, " "))
	}
}

const invalidTokenJSON = `{"code":"INVALID_TOKEN","details":{},"message":"invalid oauth token","status":"error"}`

// expectDead fails unless a CRM call with tok is answered 401 INVALID_TOKEN.
func (e *env) expectDead(tok string) {
	e.t.Helper()
	e.crmCall(tok).expect(e.t, http.StatusUnauthorized, invalidTokenJSON)
}

// expect checks the status, the content type and that the body is the JSON want.
func (r response) expect(t testing.TB, status int, want string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status = %d, want %d; body: %s", r.status, status, r.body)
	}
	if got := r.header.Get("Content-Type"); got != "application/json;charset=utf-8" {
		t.Errorf("Content-Type = %q, want application/json;charset=utf-8", got)
	}
	assertJSON(t, r.body, want)
}

// expectError checks a token-endpoint error: HTTP 200 and {"error":code}.
func (r response) expectError(t testing.TB, code string) {
	t.Helper()
	r.expect(t, http.StatusOK, `{"error":"`+code+`"}`)
}

var tokenRE = regexp.MustCompile(`^1000\.[0-9a-f]{32}\.[0-9a-f]{32}$`)

// tokens checks a token-endpoint success (HTTP 200, Zoho's token shapes) and returns the access and
// refresh tokens after comparing the rest of the body, with the tokens as "ACCESS"/"REFRESH", to want.
func (r response) tokens(t testing.TB, want string) (access, refresh string) {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("status = %d, want 200; body: %s", r.status, r.body)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(r.body), &m); err != nil {
		t.Fatalf("response is not JSON: %v: %s", err, r.body)
	}
	access, _ = m["access_token"].(string)
	if !tokenRE.MatchString(access) {
		t.Fatalf("access_token %q is not 1000.<32hex>.<32hex>; body: %s", access, r.body)
	}
	m["access_token"] = "ACCESS"
	if v, ok := m["refresh_token"]; ok {
		refresh, _ = v.(string)
		if !tokenRE.MatchString(refresh) {
			t.Fatalf("refresh_token %q is not 1000.<32hex>.<32hex>", refresh)
		}
		m["refresh_token"] = "REFRESH"
	}
	b, _ := json.Marshal(m)
	response{status: r.status, header: r.header, body: string(b)}.expect(t, http.StatusOK, want)
	return access, refresh
}

// assertJSON fails unless got and want are equal JSON values.
func assertJSON(t testing.TB, got, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal([]byte(got), &g); err != nil {
		t.Fatalf("response is not JSON: %v: %s", err, got)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("bad expectation JSON: %v: %s", err, want)
	}
	if !reflect.DeepEqual(g, w) {
		t.Fatalf("JSON mismatch\n got: %s\nwant: %s", got, want)
	}
}

// form builds parameters from key, value pairs.
func form(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return v
}

// codeParams are an authorization_code exchange's parameters.
func (e *env) codeParams(code string) url.Values {
	return form("grant_type", "authorization_code", "client_id", e.id, "client_secret", e.secret, "code", code)
}

// refreshParams are a refresh_token grant's parameters.
func (e *env) refreshParams(refresh string) url.Values {
	return form("grant_type", "refresh_token", "client_id", e.id, "client_secret", e.secret, "refresh_token", refresh)
}

// exchange trades a grant code for tokens (urlencoded) and returns them.
func (e *env) exchange(code string) (access, refresh string) {
	e.t.Helper()
	res := e.post(oauth.TokenPath, inForm, e.codeParams(code))
	var m map[string]any
	if err := json.Unmarshal([]byte(res.body), &m); err != nil || m["access_token"] == nil || m["refresh_token"] == nil {
		e.t.Fatalf("exchange: %d %s", res.status, res.body)
	}
	return m["access_token"].(string), m["refresh_token"].(string)
}

// refresh mints an access token from a refresh token (urlencoded) and returns it.
func (e *env) refresh(refresh string) string {
	e.t.Helper()
	res := e.post(oauth.TokenPath, inForm, e.refreshParams(refresh))
	var m map[string]any
	if err := json.Unmarshal([]byte(res.body), &m); err != nil || m["access_token"] == nil {
		e.t.Fatalf("refresh: %d %s", res.status, res.body)
	}
	return m["access_token"].(string)
}
