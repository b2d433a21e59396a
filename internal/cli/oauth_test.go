package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/zcrm/zcrm/internal/cli"
	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/httpapi"
	"github.com/zcrm/zcrm/internal/oauth"
	"github.com/zcrm/zcrm/internal/store"
	"github.com/zcrm/zcrm/internal/store/storetest"
)

var (
	tokenRE    = regexp.MustCompile(`^1000\.[0-9a-f]{32}\.[0-9a-f]{32}$`)
	clientIDRE = regexp.MustCompile(`^1000\.[A-Z0-9]{30}$`)
	secretRE   = regexp.MustCompile(`^[0-9a-f]{42}$`)
)

// zcrm runs the command line against the database dsn and returns its exit code, stdout and stderr.
func zcrm(t *testing.T, dsn string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	getenv := func(k string) string {
		if k == "ZCRM_DB" {
			return dsn
		}
		return ""
	}
	code := cli.Run(context.Background(), args, getenv, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// ok runs a command that must succeed with exactly one JSON object line on stdout and nothing on
// stderr, and returns that object.
func ok(t *testing.T, dsn string, args ...string) map[string]any {
	t.Helper()
	code, out, errOut := zcrm(t, dsn, args...)
	if code != 0 || errOut != "" {
		t.Fatalf("zcrm %s: exit %d, stderr %q", strings.Join(args, " "), code, errOut)
	}
	if !strings.HasSuffix(out, "\n") || strings.Count(out, "\n") != 1 {
		t.Fatalf("zcrm %s: stdout is not one line: %q", strings.Join(args, " "), out)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatalf("zcrm %s: stdout is not a JSON object: %q", strings.Join(args, " "), out)
	}
	return m
}

// fails runs a command that must fail: exit 1, nothing on stdout, one line on stderr containing want.
func fails(t *testing.T, dsn, want string, args ...string) {
	t.Helper()
	code, out, errOut := zcrm(t, dsn, args...)
	if code == 0 || out != "" {
		t.Fatalf("zcrm %s: exit %d, stdout %q; want a failure", strings.Join(args, " "), code, out)
	}
	if strings.Count(errOut, "\n") != 1 || !strings.HasSuffix(errOut, "\n") || !strings.Contains(errOut, want) {
		t.Fatalf("zcrm %s: stderr %q, want one line containing %q", strings.Join(args, " "), errOut, want)
	}
}

// keys returns an object's keys, sorted.
func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func str(t *testing.T, m map[string]any, key string) string {
	t.Helper()
	s, _ := m[key].(string)
	if s == "" {
		t.Fatalf("%v has no string %q", m, key)
	}
	return s
}

// server opens the CLI's database and serves zcrm on it.
type server struct {
	db  *store.DB
	srv *httpapi.Server
}

func serve(t *testing.T, dsn string) *server {
	t.Helper()
	db, err := store.Open(context.Background(), dsn, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return &server{db: db, srv: httpapi.NewServer(httpapi.Deps{Store: db, PublicURL: "http://zcrm.test"})}
}

func (s *server) post(t *testing.T, path string, p url.Values) map[string]any {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(p.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	s.srv.ServeHTTP(rec, req)
	var m map[string]any
	if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &m) != nil {
		t.Fatalf("POST %s: %d %s", path, rec.Code, rec.Body.String())
	}
	return m
}

// caller authenticates an access token as a CRM call does.
func (s *server) caller(t *testing.T, access string) oauth.Caller {
	t.Helper()
	c, err := s.srv.OAuth().Authenticate(context.Background(), "Zoho-oauthtoken "+access)
	if err != nil {
		t.Fatalf("access token rejected: %v", err)
	}
	return c
}

// crmStatus is the status of GET /crm/v8/org with the token.
func (s *server) crmStatus(access string) (int, string) {
	req := httptest.NewRequest(http.MethodGet, "/crm/v8/org", nil)
	req.Header.Set("Authorization", "Zoho-oauthtoken "+access)
	rec := httptest.NewRecorder()
	s.srv.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}

// `zcrm client create` prints the new client's id and secret; the secret is stored hashed.
func TestClientCreate(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		dsn := storetest.DSN(t, b)
		out := ok(t, dsn, "client", "create", "--name", "my-app")
		if got := keys(out); !reflect.DeepEqual(got, []string{"client_id", "client_secret"}) {
			t.Fatalf("keys = %v", got)
		}
		id, secret := str(t, out, "client_id"), str(t, out, "client_secret")
		if !clientIDRE.MatchString(id) || !secretRE.MatchString(secret) {
			t.Fatalf("client = %v", out)
		}
		again := ok(t, dsn, "client", "create")
		if again["client_id"] == id || again["client_secret"] == secret {
			t.Fatal("two clients share an id or a secret")
		}
		s := serve(t, dsn)
		var c crm.Client
		if err := s.db.Read(context.Background(), func(tx crm.Tx) error {
			var err error
			c, err = tx.ClientByClientID(context.Background(), id)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if c.Name != "my-app" || c.SecretHash != oauth.Hash(secret) {
			t.Fatalf("stored client = %+v", c)
		}
		fails(t, dsn, "unexpected argument", "client", "create", "extra")

		// --redirect-uri (repeatable) makes a web-based client for the browser consent step.
		web := str(t, ok(t, dsn, "client", "create", "--name", "web", "--redirect-uri", "http://localhost:3000/cb", "--redirect-uri", "https://app.example/cb"), "client_id")
		if err := s.db.Read(context.Background(), func(tx crm.Tx) error {
			var err error
			c, err = tx.ClientByClientID(context.Background(), web)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(c.RedirectURIs, []string{"http://localhost:3000/cb", "https://app.example/cb"}) {
			t.Fatalf("redirect URIs = %q", c.RedirectURIs)
		}
		fails(t, dsn, `redirect URI "app.example/cb" must be an absolute http:// or https:// URI without a fragment`, "client", "create", "--redirect-uri", "app.example/cb")
	})
}

// `zcrm grant` prints a one-time code and its lifetime; the code is exchanged at the token endpoint
// for tokens acting as the org's first Administrator (or --user), and only once.
func TestGrantExchange(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		dsn := storetest.DSN(t, b)
		client := ok(t, dsn, "client", "create", "--name", "e2e")
		id, secret := str(t, client, "client_id"), str(t, client, "client_secret")
		grant := ok(t, dsn, "grant", "--client-id", id, "--scope", "ZohoCRM.users.ALL,ZohoCRM.org.READ")
		if got := keys(grant); !reflect.DeepEqual(got, []string{"code", "expires_in"}) || grant["expires_in"] != float64(180) {
			t.Fatalf("grant = %v", grant)
		}
		code := str(t, grant, "code")
		if !tokenRE.MatchString(code) {
			t.Fatalf("code %q is not 1000.<32hex>.<32hex>", code)
		}

		s := serve(t, dsn)
		p := url.Values{"grant_type": {"authorization_code"}, "client_id": {id}, "client_secret": {secret}, "code": {code}}
		tok := s.post(t, oauth.TokenPath, p)
		access, refresh := str(t, tok, "access_token"), str(t, tok, "refresh_token")
		delete(tok, "access_token")
		delete(tok, "refresh_token")
		want := map[string]any{"scope": "ZohoCRM.users.ALL ZohoCRM.org.READ", "api_domain": "http://zcrm.test", "token_type": "Bearer", "expires_in": float64(3600)}
		if !reflect.DeepEqual(tok, want) || !tokenRE.MatchString(access) || !tokenRE.MatchString(refresh) {
			t.Fatalf("token response = %v", tok)
		}
		c := s.caller(t, access)
		if c.User.Email != "admin@zcrm.local" || !c.Org.Default || !c.Scopes.Allows(oauth.GroupNeed("org", "READ")) {
			t.Fatalf("token acts as %s in org %d with %v", c.User.Email, c.Org.ID, c.Scopes.Strings())
		}
		if again := s.post(t, oauth.TokenPath, p); !reflect.DeepEqual(again, map[string]any{"error": "invalid_code"}) {
			t.Fatalf("second exchange = %v", again)
		}

		// --user and --org pick the user (of an org the client was granted); --ttl sets the lifetime.
		org := ok(t, dsn, "org", "create", "--name", "Acme")
		orgID := str(t, org, "org_id")
		ok(t, dsn, "user", "create", "--org", orgID, "--email", "bob@acme.test")
		ok(t, dsn, "client", "grant-org", "--client-id", id, "--org", orgID)
		grant = ok(t, dsn, "grant", "--client-id", id, "--scope", "ZohoCRM.modules.ALL", "--org", orgID, "--user", "BOB@acme.test", "--ttl", "10m")
		if grant["expires_in"] != float64(600) {
			t.Fatalf("grant = %v", grant)
		}
		p.Set("code", str(t, grant, "code"))
		c = s.caller(t, str(t, s.post(t, oauth.TokenPath, p), "access_token"))
		if c.User.Email != "bob@acme.test" || crm.FormatID(c.Org.ID) != orgID {
			t.Fatalf("token acts as %s in org %d", c.User.Email, c.Org.ID)
		}
	})
}

// defaultOrgID returns the id of the database's default org.
func defaultOrgID(t *testing.T, s *server) string {
	t.Helper()
	var org crm.Org
	if err := s.db.Write(context.Background(), func(tx crm.Tx) error {
		var err error
		org, err = crm.EnsureDefaultOrg(context.Background(), tx)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return crm.FormatID(org.ID)
}

// A client belongs to the org it is created in (`client create --org`, the default org without
// it): grant codes for another org's users are refused by `zcrm grant`, and client_credentials
// for another org is invalid_client, until `client grant-org` (idempotent) grants that org.
func TestClientOrgs(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		dsn := storetest.DSN(t, b)
		acme := str(t, ok(t, dsn, "org", "create", "--name", "Acme"), "org_id")
		out := ok(t, dsn, "client", "create", "--name", "acme-app", "--org", acme)
		if got := keys(out); !reflect.DeepEqual(got, []string{"client_id", "client_secret"}) {
			t.Fatalf("keys = %v", got)
		}
		id, secret := str(t, out, "client_id"), str(t, out, "client_secret")
		s := serve(t, dsn)
		def := defaultOrgID(t, s)
		cc := func(org string) map[string]any {
			t.Helper()
			return s.post(t, oauth.TokenPath, url.Values{"grant_type": {"client_credentials"}, "client_id": {id},
				"client_secret": {secret}, "scope": {"ZohoCRM.org.ALL"}, "soid": {"ZohoCRM." + org}})
		}
		exchange := func(code string) oauth.Caller {
			t.Helper()
			tok := s.post(t, oauth.TokenPath, url.Values{"grant_type": {"authorization_code"}, "client_id": {id},
				"client_secret": {secret}, "code": {code}})
			return s.caller(t, str(t, tok, "access_token"))
		}

		// Its own org.
		if c := exchange(str(t, ok(t, dsn, "grant", "--client-id", id, "--scope", "ZohoCRM.org.ALL", "--org", acme), "code")); crm.FormatID(c.Org.ID) != acme {
			t.Fatalf("acme code acts in org %d", c.Org.ID)
		}
		if c := s.caller(t, str(t, cc(acme), "access_token")); crm.FormatID(c.Org.ID) != acme || c.User.Email != "admin@acme.zcrm.local" {
			t.Fatalf("client_credentials acts as %s in org %d", c.User.Email, c.Org.ID)
		}

		// Not the default org.
		notIn := "client " + id + " does not belong to org " + def + " (grant it with 'zcrm client grant-org --client-id " + id + " --org " + def + "')"
		fails(t, dsn, notIn, "grant", "--client-id", id, "--scope", "ZohoCRM.org.ALL")
		if got := cc(def); !reflect.DeepEqual(got, map[string]any{"error": "invalid_client"}) {
			t.Fatalf("client_credentials for the default org = %v", got)
		}

		// Granted, twice: the same answer each time, and then the default org works.
		for range 2 {
			if got := ok(t, dsn, "client", "grant-org", "--client-id", id, "--org", def); !reflect.DeepEqual(got, map[string]any{"client_id": id, "org_id": def}) {
				t.Fatalf("client grant-org = %v", got)
			}
		}
		if c := exchange(str(t, ok(t, dsn, "grant", "--client-id", id, "--scope", "ZohoCRM.org.ALL"), "code")); !c.Org.Default {
			t.Fatalf("default-org code acts in org %d", c.Org.ID)
		}
		if c := s.caller(t, str(t, cc(def), "access_token")); !c.Org.Default {
			t.Fatalf("client_credentials acts in org %d", c.Org.ID)
		}

		// Without --org a client belongs to the default org only.
		plain := str(t, ok(t, dsn, "client", "create"), "client_id")
		ok(t, dsn, "grant", "--client-id", plain, "--scope", "ZohoCRM.org.ALL")
		fails(t, dsn, "does not belong to org "+acme, "grant", "--client-id", plain, "--scope", "ZohoCRM.org.ALL", "--org", acme)
	})
}

// client create --org and client grant-org fail with one line on stderr for every wrong input.
func TestClientOrgErrors(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		dsn := storetest.DSN(t, b)
		id := str(t, ok(t, dsn, "client", "create"), "client_id")
		fails(t, dsn, "no org 42", "client", "create", "--org", "42")
		fails(t, dsn, `invalid org id "acme"`, "client", "create", "--org", "acme")
		fails(t, dsn, "--client-id is required", "client", "grant-org", "--org", "42")
		fails(t, dsn, "--org is required", "client", "grant-org", "--client-id", id)
		fails(t, dsn, `no client "1000.NOPE"`, "client", "grant-org", "--client-id", "1000.NOPE", "--org", "42")
		fails(t, dsn, "no org 42", "client", "grant-org", "--client-id", id, "--org", "42")
		fails(t, dsn, `invalid org id "acme"`, "client", "grant-org", "--client-id", id, "--org", "acme")
		fails(t, dsn, "unexpected argument", "client", "grant-org", "--client-id", id, "--org", "42", "extra")
	})
}

// --ttl is a Go duration between 1s and 10m; anything else (bare minutes, 3x) fails with one line.
func TestGrantTTL(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		dsn := storetest.DSN(t, b)
		id := str(t, ok(t, dsn, "client", "create"), "client_id")
		for ttl, want := range map[string]float64{"3m": 180, "10m": 600, "90s": 90, "1s": 1, "9m59s": 599} {
			if got := ok(t, dsn, "grant", "--client-id", id, "--scope", "ZohoCRM.org.ALL", "--ttl", ttl)["expires_in"]; got != want {
				t.Errorf("--ttl %s: expires_in = %v, want %v", ttl, got, want)
			}
		}
		for _, ttl := range []string{"10m1s", "11m", "1h", "0", "0s", "-1m", "500ms"} {
			fails(t, dsn, "--ttl must be between 1s and 10m0s", "grant", "--client-id", id, "--scope", "ZohoCRM.org.ALL", "--ttl", ttl)
		}
		for _, ttl := range []string{"soon", "5", "3x", "3 m", ""} {
			fails(t, dsn, `invalid duration "`+ttl+`": want a Go duration such as 3m or 90s`, "grant", "--client-id", id, "--scope", "ZohoCRM.org.ALL", "--ttl", ttl)
		}
	})
}

// grant and token fail with one line on stderr for every wrong input.
func TestGrantAndTokenErrors(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		dsn := storetest.DSN(t, b)
		id := str(t, ok(t, dsn, "client", "create"), "client_id")
		for _, cmd := range [][]string{{"grant", "--client-id", id}, {"token"}} {
			run := func(want string, args ...string) {
				t.Helper()
				fails(t, dsn, want, append(append([]string{}, cmd...), args...)...)
			}
			run("no scope given")
			run("no scope given", "--scope", " , ")
			run(`invalid scope "ZohoCRM.modules"`, "--scope", "ZohoCRM.modules.ALL,ZohoCRM.modules")
			run(`unknown operation "GET"`, "--scope", "ZohoCRM.modules.leads.GET")
			run(`invalid scope "leads"`, "--scope", "leads")
			run("no ZohoCRM scope", "--scope", "AaaServer.profile.READ")
			run(`no user "nobody@zcrm.local"`, "--scope", "ZohoCRM.org.ALL", "--user", "nobody@zcrm.local")
			run(`invalid org id "acme"`, "--scope", "ZohoCRM.org.ALL", "--org", "acme")
			run("no org 42", "--scope", "ZohoCRM.org.ALL", "--org", "42")
		}
		fails(t, dsn, "--client-id is required", "grant", "--scope", "ZohoCRM.org.ALL")
		fails(t, dsn, `no client "1000.NOPE"`, "grant", "--client-id", "1000.NOPE", "--scope", "ZohoCRM.org.ALL")
	})
}

// `zcrm token` prints a working access token and a refresh token that revoke accepts: revoking it
// kills the access token.
func TestToken(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		dsn := storetest.DSN(t, b)
		out := ok(t, dsn, "token", "--scope", "ZohoCRM.modules.ALL,ZohoCRM.settings.ALL")
		if got := keys(out); !reflect.DeepEqual(got, []string{"access_token", "expires_in", "refresh_token"}) || out["expires_in"] != float64(3600) {
			t.Fatalf("token = %v", out)
		}
		access, refresh := str(t, out, "access_token"), str(t, out, "refresh_token")
		if !tokenRE.MatchString(access) || !tokenRE.MatchString(refresh) {
			t.Fatalf("token = %v", out)
		}
		s := serve(t, dsn)
		c := s.caller(t, access)
		if c.User.Email != "admin@zcrm.local" || !c.Org.Default ||
			strings.Join(c.Scopes.Strings(), " ") != "ZohoCRM.modules.ALL ZohoCRM.settings.ALL" {
			t.Fatalf("token acts as %s in org %d with %v", c.User.Email, c.Org.ID, c.Scopes.Strings())
		}

		if got := s.post(t, oauth.RevokePath, url.Values{"token": {refresh}}); !reflect.DeepEqual(got, map[string]any{"status": "success"}) {
			t.Fatalf("revoke = %v", got)
		}
		status, body := s.crmStatus(access)
		if status != http.StatusUnauthorized || !strings.Contains(body, `"INVALID_TOKEN"`) {
			t.Fatalf("revoked token: %d %s", status, body)
		}

		// --user and --org pick the user.
		org := str(t, ok(t, dsn, "org", "create", "--name", "Acme"), "org_id")
		ok(t, dsn, "user", "create", "--org", org, "--email", "bob@acme.test")
		c = s.caller(t, str(t, ok(t, dsn, "token", "--scope", "ZohoCRM.org.ALL", "--org", org, "--user", "bob@acme.test"), "access_token"))
		if c.User.Email != "bob@acme.test" || crm.FormatID(c.Org.ID) != org {
			t.Fatalf("token acts as %s in org %d", c.User.Email, c.Org.ID)
		}
	})
}

// The CLI's own client is exempt from the 20-refresh-tokens cap: scripts may mint as many tokens as
// they like without evicting earlier ones.
func TestTokenHasNoRefreshCap(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		dsn := storetest.DSN(t, b)
		var tokens []string
		for range oauth.MaxRefreshPerUser + 2 {
			tokens = append(tokens, str(t, ok(t, dsn, "token", "--scope", "ZohoCRM.org.ALL"), "access_token"))
		}
		s := serve(t, dsn)
		for _, tok := range tokens {
			s.caller(t, tok)
		}
	})
}

// Concurrent first uses of `zcrm token` (several processes on one database) race to create the
// CLI's internal client; every one of them still prints a working token.
func TestTokenConcurrentFirstUse(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		dsn := storetest.DSN(t, b)
		ok(t, dsn, "client", "create") // migrations and the default org exist before the race
		const n = 8
		tokens := make([]string, n)
		errs := make([]string, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var stdout, stderr bytes.Buffer
				getenv := func(string) string { return "" }
				if code := cli.Run(context.Background(), []string{"token", "--db", dsn, "--scope", "ZohoCRM.org.ALL"}, getenv, &stdout, &stderr); code != 0 {
					errs[i] = stderr.String()
					return
				}
				var m map[string]string
				json.Unmarshal(stdout.Bytes(), &m)
				tokens[i] = m["access_token"]
			}()
		}
		wg.Wait()
		s := serve(t, dsn)
		for i := range n {
			if errs[i] != "" {
				t.Fatalf("run %d: %s", i, errs[i])
			}
			s.caller(t, tokens[i])
		}
	})
}
