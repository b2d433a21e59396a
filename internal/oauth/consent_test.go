package oauth_test

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/oauth"
	"github.com/zcrm/zcrm/internal/store/storetest"
)

const callback = "https://app.example/oauth/callback"

// webClient creates a client of the org with one authorized redirect URI, as
// `zcrm client create --redirect-uri` does.
func (e *env) webClient(org crm.Org, name string, uris ...string) (crm.Client, string, string) {
	e.t.Helper()
	c, id, secret := e.newClientIn(org, name)
	e.write(func(ctx context.Context, tx crm.Tx) error { return oauth.SetRedirectURIs(ctx, tx, c, uris) })
	c.RedirectURIs = uris
	return c, id, secret
}

// authorize sends GET /oauth/v2/auth with the parameters.
func (e *env) authorize(p url.Values) response {
	return e.serve(httptest.NewRequest(http.MethodGet, oauth.AuthPath+"?"+p.Encode(), nil))
}

var (
	hiddenRE = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)
	optionRE = regexp.MustCompile(`<option value="([^"]+)">([^<]*)</option>`)
)

// consentForm reads the consent page's hidden fields and its choices (value → label).
func consentForm(t *testing.T, page string) (url.Values, map[string]string) {
	t.Helper()
	form := url.Values{}
	for _, m := range hiddenRE.FindAllStringSubmatch(page, -1) {
		form.Set(m[1], html.UnescapeString(m[2]))
	}
	choices := map[string]string{}
	for _, m := range optionRE.FindAllStringSubmatch(page, -1) {
		choices[m[1]] = html.UnescapeString(m[2])
	}
	return form, choices
}

func choice(org crm.Org, u crm.User) string {
	return crm.FormatID(org.ID) + ":" + crm.FormatID(u.ID)
}

// location reads a redirect's target, failing unless the answer is a 302.
func redirectOf(t *testing.T, res response) *url.URL {
	t.Helper()
	if res.status != http.StatusFound {
		t.Fatalf("want 302, got %d %s", res.status, res.body)
	}
	u, err := url.Parse(res.header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func authParams(id string, kv ...string) url.Values {
	p := form("response_type", "code", "client_id", id, "scope", "ZohoCRM.modules.ALL,ZohoCRM.settings.READ",
		"redirect_uri", callback, "state", "s t&ate")
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			p.Del(kv[i])
		} else {
			p.Set(kv[i], kv[i+1])
		}
	}
	return p
}

// TestConsentFlow runs a web app's login as a browser would: the consent page, the approval, the
// redirect with Zoho's parameters, and the exchange of its code.
func TestConsentFlow(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		orgB, adminB := e.newOrg("Beta")
		_, _ = e.newOrg("Gamma") // the client is not in this org: its users are not offered
		c, id, secret := e.webClient(e.org, "Acme <Portal>", callback)
		e.grantOrg(c, orgB)

		page := e.authorize(authParams(id, "access_type", "offline"))
		if page.status != http.StatusOK || !strings.HasPrefix(page.header.Get("Content-Type"), "text/html") {
			t.Fatalf("consent page: %d %s", page.status, page.header)
		}
		if !strings.Contains(page.body, "<strong>Acme &lt;Portal&gt;</strong> would like to access your Zoho CRM data") ||
			!strings.Contains(page.body, "<li><code>ZohoCRM.modules.ALL</code></li><li><code>ZohoCRM.settings.READ</code></li>") {
			t.Fatalf("consent page does not show the client and its scopes:\n%s", page.body)
		}
		hidden, choices := consentForm(t, page.body)
		want := map[string]string{choice(e.org, e.admin): "Default Org — " + e.admin.FullName() + " <" + e.admin.Email + ">",
			choice(orgB, adminB): "Beta — " + adminB.FullName() + " <" + adminB.Email + ">"}
		if len(choices) != len(want) || choices[choice(e.org, e.admin)] == "" || choices[choice(orgB, adminB)] != want[choice(orgB, adminB)] {
			t.Fatalf("choices %v, want the active users of the client's two orgs %v", choices, want)
		}
		if hidden.Get("state") != "s t&ate" || hidden.Get("redirect_uri") != callback || hidden.Get("access_type") != "offline" {
			t.Fatalf("hidden fields %v", hidden)
		}

		hidden.Set("user", choice(orgB, adminB))
		hidden.Set("decision", "approve")
		to := redirectOf(t, e.post(oauth.ConsentPath, inForm, hidden))
		q := to.Query()
		if base := to.Scheme + "://" + to.Host + to.Path; base != callback || q.Get("state") != "s t&ate" || q.Get("location") != "us" ||
			q.Get("accounts-server") != publicURL || !strings.HasPrefix(q.Get("code"), "1000.") {
			t.Fatalf("redirect %s", to)
		}
		if !strings.HasPrefix(to.RawQuery, "state=") || !strings.Contains(to.RawQuery, "&code=") {
			t.Fatalf("Zoho sends state, code, location, accounts-server in that order: %s", to.RawQuery)
		}

		// The exchange must name the redirect URI the code went to; a wrong one leaves the code usable.
		p := form("grant_type", "authorization_code", "client_id", id, "client_secret", secret, "code", q.Get("code"))
		for _, uri := range []string{"", "https://app.example/other"} {
			bad := form("grant_type", "authorization_code", "client_id", id, "client_secret", secret, "code", q.Get("code"), "redirect_uri", uri)
			if res := e.post(oauth.TokenPath, inForm, bad); res.status != 200 || res.body != `{"error":"invalid_redirect_uri"}` {
				t.Fatalf("redirect_uri %q: %d %s", uri, res.status, res.body)
			}
		}
		p.Set("redirect_uri", callback)
		res := e.post(oauth.TokenPath, inForm, p)
		var tok map[string]any
		if err := json.Unmarshal([]byte(res.body), &tok); err != nil || tok["refresh_token"] == nil || tok["scope"] != "ZohoCRM.modules.ALL ZohoCRM.settings.READ" {
			t.Fatalf("offline exchange: %d %s", res.status, res.body)
		}
		e.expectValid(tok["access_token"].(string), adminB, "ZohoCRM.modules.ALL", "ZohoCRM.settings.READ")
		if again := e.post(oauth.TokenPath, inForm, p); again.body != `{"error":"invalid_code"}` {
			t.Fatalf("a code is used once: %s", again.body)
		}
	})
}

// TestConsentOnline: access_type online (Zoho's default) gives an access token and no refresh token.
func TestConsentOnline(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		_, id, secret := e.webClient(e.org, "Web", callback)
		hidden, _ := consentForm(t, e.authorize(authParams(id, "state", "")).body)
		if hidden.Get("access_type") != "online" {
			t.Fatalf("access_type defaults to online: %v", hidden)
		}
		hidden.Set("user", choice(e.org, e.admin))
		hidden.Set("decision", "approve")
		to := redirectOf(t, e.post(oauth.ConsentPath, inForm, hidden))
		if strings.Contains(to.RawQuery, "state=") || !strings.HasPrefix(to.RawQuery, "code=") {
			t.Fatalf("no state was given, none comes back: %s", to.RawQuery)
		}
		res := e.post(oauth.TokenPath, inForm, form("grant_type", "authorization_code", "client_id", id, "client_secret", secret,
			"code", to.Query().Get("code"), "redirect_uri", callback))
		var tok map[string]any
		if err := json.Unmarshal([]byte(res.body), &tok); err != nil {
			t.Fatal(err)
		}
		if _, has := tok["refresh_token"]; has || len(tok) != 5 || tok["token_type"] != "Bearer" || tok["api_domain"] != publicURL {
			t.Fatalf("online exchange answers access_token, scope, api_domain, token_type, expires_in only: %s", res.body)
		}
		e.expectValid(tok["access_token"].(string), e.admin, "ZohoCRM.modules.ALL", "ZohoCRM.settings.READ")
	})
}

// TestConsentErrors: what cannot go back to a trusted redirect URI is a page; the rest goes back
// with error= and the state.
func TestConsentErrors(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		_, id, _ := e.webClient(e.org, "Web", callback)
		pages := []struct {
			name   string
			p      url.Values
			title  string
			detail string
		}{
			{"unknown client", authParams("1000.NOSUCHCLIENT"), "Invalid Client", "No client has the client_id this request names."},
			{"no client", authParams("", "client_id", ""), "Invalid Client", "No client has the client_id this request names."},
			{"unregistered redirect", authParams(id, "redirect_uri", "https://evil.example/cb"), "Invalid Redirect Uri", "The redirect_uri is not one of the client's authorized redirect URIs."},
			{"no redirect", authParams(id, "redirect_uri", ""), "Invalid Redirect Uri", "The redirect_uri is not one of the client's authorized redirect URIs."},
			{"self client", authParams(e.id), "Invalid Redirect Uri", "The redirect_uri is not one of the client's authorized redirect URIs."},
		}
		for _, tc := range pages {
			res := e.authorize(tc.p)
			if res.status != http.StatusBadRequest || !strings.Contains(res.body, "<h1>"+tc.title+"</h1><p>"+html.EscapeString(tc.detail)+"</p>") ||
				res.header.Get("Location") != "" || strings.Contains(res.body, "<form") {
				t.Errorf("%s: %d %s", tc.name, res.status, res.body)
			}
		}
		redirects := []struct {
			name string
			p    url.Values
			want string
		}{
			{"response_type token", authParams(id, "response_type", "token"), "state=s+t%26ate&error=unsupported_response_type"},
			{"no response_type", authParams(id, "response_type", ""), "state=s+t%26ate&error=unsupported_response_type"},
			{"bad scope", authParams(id, "scope", "ZohoCRM.nothing"), "state=s+t%26ate&error=invalid_scope"},
			{"no scope", authParams(id, "scope", ""), "state=s+t%26ate&error=invalid_scope"},
			{"bad access_type", authParams(id, "access_type", "forever"), "state=s+t%26ate&error=invalid_request"},
		}
		for _, tc := range redirects {
			if to := redirectOf(t, e.authorize(tc.p)); to.String() != callback+"?"+tc.want {
				t.Errorf("%s: redirect %s", tc.name, to)
			}
		}

		hidden, _ := consentForm(t, e.authorize(authParams(id)).body)
		hidden.Set("user", choice(e.org, e.admin))
		hidden.Set("decision", "deny")
		if to := redirectOf(t, e.post(oauth.ConsentPath, inForm, hidden)); to.String() != callback+"?state=s+t%26ate&error=access_denied" {
			t.Errorf("deny: %s", to)
		}
		// A user of an org the client is not in, a user that is not there, a choice that is not one.
		other, otherAdmin := e.newOrg("Other")
		for _, user := range []string{choice(other, otherAdmin), crm.FormatID(e.org.ID) + ":42", "nonsense"} {
			hidden.Set("user", user)
			hidden.Set("decision", "approve")
			if to := redirectOf(t, e.post(oauth.ConsentPath, inForm, hidden)); to.String() != callback+"?state=s+t%26ate&error=invalid_request" {
				t.Errorf("user %s: %s", user, to)
			}
		}
		// The form is checked again when it comes back: a forged redirect_uri is a page, not a redirect.
		hidden.Set("user", choice(e.org, e.admin))
		hidden.Set("redirect_uri", "https://evil.example/cb")
		if res := e.post(oauth.ConsentPath, inForm, hidden); res.status != http.StatusBadRequest || res.header.Get("Location") != "" {
			t.Errorf("forged redirect_uri: %d %s", res.status, res.header)
		}
		if res := e.serve(httptest.NewRequest(http.MethodGet, oauth.ConsentPath, nil)); res.status != http.StatusMethodNotAllowed ||
			res.body != `{"error":"invalid_request_method"}` {
			t.Errorf("GET consent: %d %s", res.status, res.body)
		}
	})
}

// TestConsentCodeExpires: a code from the consent step lives 2 minutes, as Zoho's does.
func TestConsentCodeExpires(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		_, id, secret := e.webClient(e.org, "Web", callback)
		hidden, _ := consentForm(t, e.authorize(authParams(id)).body)
		hidden.Set("user", choice(e.org, e.admin))
		hidden.Set("decision", "approve")
		code := redirectOf(t, e.post(oauth.ConsentPath, inForm, hidden)).Query().Get("code")
		e.clock.advance(oauth.WebGrantTTL + time.Second)
		res := e.post(oauth.TokenPath, inForm, form("grant_type", "authorization_code", "client_id", id, "client_secret", secret,
			"code", code, "redirect_uri", callback))
		if res.body != `{"error":"invalid_code"}` {
			t.Fatalf("expired code: %s", res.body)
		}
	})
}

// TestRedirectURIsChecked: only absolute http(s) URIs without a fragment may be registered.
func TestRedirectURIsChecked(t *testing.T) {
	for _, u := range []string{"ftp://x.example/cb", "/relative", "https://x.example/cb#frag", "https://", "app://cb"} {
		if err := oauth.CheckRedirectURIs([]string{u}); err == nil || !strings.Contains(err.Error(), "must be an absolute http:// or https:// URI") {
			t.Errorf("%q: %v", u, err)
		}
	}
	if err := oauth.CheckRedirectURIs([]string{"http://localhost:3000/callback", "https://app.example/cb?x=1"}); err != nil {
		t.Error(err)
	}
}
