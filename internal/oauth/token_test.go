package oauth_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/oauth"
	"github.com/zcrm/zcrm/internal/store/storetest"
)

const tokenJSON = `{"access_token":"ACCESS","refresh_token":"REFRESH","scope":"ZohoCRM.modules.ALL ZohoCRM.settings.ALL",
	"api_domain":"http://zcrm.test","token_type":"Bearer","expires_in":3600}`

// A grant code from the console is exchanged for a refresh and an access token, with the parameters
// in the query string, an urlencoded body or a multipart body (what the Node SDK sends).
func TestAuthorizationCodeGrant(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		for _, enc := range encodings {
			t.Run(string(enc), func(t *testing.T) {
				e := newEnv(t, b)
				code := e.grant(e.admin, "ZohoCRM.modules.ALL", "ZohoCRM.settings.ALL")
				// redirect_uri and state are tolerated and ignored, as for Zoho's self clients.
				p := e.codeParams(code)
				p.Set("redirect_uri", "http://localhost/callback")
				p.Set("state", "xyz")
				access, refresh := e.post(oauth.TokenPath, enc, p).tokens(t, tokenJSON)
				e.expectValid(access, e.admin, "ZohoCRM.modules.ALL", "ZohoCRM.settings.ALL")
				if access == refresh {
					t.Fatal("access and refresh tokens are equal")
				}
				e.expectValid(e.refresh(refresh), e.admin, "ZohoCRM.modules.ALL", "ZohoCRM.settings.ALL")
			})
		}
	})
}

// A grant code issued for a user other than the admin gives tokens acting as that user.
func TestAuthorizationCodeGrantForUser(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		ann := e.newUser(e.org.ID, "ann@zcrm.local")
		access, _ := e.post(oauth.TokenPath, inForm, e.codeParams(e.grant(ann, "ZohoCRM.modules.leads.READ"))).tokens(t,
			`{"access_token":"ACCESS","refresh_token":"REFRESH","scope":"ZohoCRM.modules.leads.READ","api_domain":"http://zcrm.test","token_type":"Bearer","expires_in":3600}`)
		e.expectValid(access, ann, "ZohoCRM.modules.leads.READ")
	})
}

// Grant codes are one-time: the second exchange is invalid_code and leaves the first exchange's
// tokens alive.
func TestGrantCodeIsOneTime(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		for _, enc := range encodings {
			t.Run(string(enc), func(t *testing.T) {
				e := newEnv(t, b)
				code := e.grant(e.admin, "ZohoCRM.modules.ALL", "ZohoCRM.settings.ALL")
				access, refresh := e.post(oauth.TokenPath, enc, e.codeParams(code)).tokens(t, tokenJSON)
				e.post(oauth.TokenPath, enc, e.codeParams(code)).expectError(t, "invalid_code")
				e.expectValid(access, e.admin, "ZohoCRM.modules.ALL", "ZohoCRM.settings.ALL")
				e.refresh(refresh)
			})
		}
	})
}

// A grant code is valid for its lifetime (3 minutes by default) and invalid_code from then on.
func TestGrantCodeExpires(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		early, late := e.grant(e.admin, "ZohoCRM.org.ALL"), e.grant(e.admin, "ZohoCRM.org.ALL")
		var long string
		e.write(func(ctx context.Context, tx crm.Tx) error {
			var err error
			long, err = oauth.IssueGrant(ctx, tx, e.client, e.admin, []string{"ZohoCRM.org.ALL"}, oauth.MaxGrantTTL)
			return err
		})
		e.clock.advance(3*time.Minute - time.Millisecond)
		e.exchange(early)
		e.clock.advance(time.Millisecond)
		e.post(oauth.TokenPath, inForm, e.codeParams(late)).expectError(t, "invalid_code")
		e.clock.advance(7*time.Minute - time.Millisecond)
		e.exchange(long)
	})
}

// A grant code belongs to the client it was issued to: another client cannot exchange it, and the
// failed attempt does not use it up.
func TestGrantCodeOfAnotherClient(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		_, otherID, otherSecret := e.newClient("other")
		code := e.grant(e.admin, "ZohoCRM.org.ALL")
		e.post(oauth.TokenPath, inForm, form("grant_type", "authorization_code", "client_id", otherID,
			"client_secret", otherSecret, "code", code)).expectError(t, "invalid_code")
		e.exchange(code)
	})
}

// A refresh token mints new access tokens (no refresh_token in the answer); the earlier ones stay valid.
func TestRefreshTokenGrant(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		for _, enc := range encodings {
			t.Run(string(enc), func(t *testing.T) {
				e := newEnv(t, b)
				first, refresh := e.exchange(e.grant(e.admin, "ZohoCRM.users.READ", "ZohoCRM.org.READ"))
				access, none := e.post(oauth.TokenPath, enc, e.refreshParams(refresh)).tokens(t,
					`{"access_token":"ACCESS","scope":"ZohoCRM.users.READ ZohoCRM.org.READ","api_domain":"http://zcrm.test","token_type":"Bearer","expires_in":3600}`)
				if none != "" {
					t.Fatalf("refresh grant returned a refresh token")
				}
				e.expectValid(access, e.admin, "ZohoCRM.users.READ", "ZohoCRM.org.READ")
				e.expectValid(first, e.admin, "ZohoCRM.users.READ", "ZohoCRM.org.READ")
			})
		}
	})
}

// Access tokens live one hour; the refresh token lives on.
func TestAccessTokenExpires(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		access, refresh := e.exchange(e.grant(e.admin, "ZohoCRM.org.ALL"))
		e.clock.advance(time.Hour - time.Millisecond)
		e.expectValid(access, e.admin, "ZohoCRM.org.ALL")
		e.clock.advance(time.Millisecond)
		e.expectDead(access)
		e.clock.advance(1000 * time.Hour)
		e.expectValid(e.refresh(refresh), e.admin, "ZohoCRM.org.ALL")
	})
}

// client_credentials acts as the first Administrator of the org named by soid (one the client
// belongs to), on /oauth/v2/token and on /oauth/v2/auth (where Zoho's docs send it), and returns no
// refresh token.
func TestClientCredentialsGrant(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		for _, path := range []string{oauth.TokenPath, oauth.AuthPath} {
			for _, enc := range encodings {
				t.Run(strings.TrimPrefix(path, "/oauth/v2/")+"/"+string(enc), func(t *testing.T) {
					e := newEnv(t, b)
					acme, acmeAdmin := e.newOrg("Acme")
					e.grantOrg(e.client, acme)
					e.newUser(acme.ID, "zed@acme.test") // a later user is not the one acted as
					p := form("grant_type", "client_credentials", "client_id", e.id, "client_secret", e.secret,
						"scope", "ZohoCRM.modules.ALL,ZohoCRM.org.READ", "soid", "ZohoCRM."+crm.FormatID(acme.ID))
					access, refresh := e.post(path, enc, p).tokens(t,
						`{"access_token":"ACCESS","scope":"ZohoCRM.modules.ALL ZohoCRM.org.READ","api_domain":"http://zcrm.test","token_type":"Bearer","expires_in":3600}`)
					if refresh != "" {
						t.Fatal("client_credentials returned a refresh token")
					}
					e.expectValid(access, acmeAdmin, "ZohoCRM.modules.ALL", "ZohoCRM.org.READ")
				})
			}
		}
	})
}

// The soid prefix is case-insensitive and the token is confined to that org.
func TestClientCredentialsDefaultOrg(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		e.newOrg("Acme")
		p := form("grant_type", "client_credentials", "client_id", e.id, "client_secret", e.secret,
			"scope", "ZohoCRM.settings.ALL", "soid", "zohocrm."+crm.FormatID(e.org.ID))
		access, _ := e.post(oauth.TokenPath, inQuery, p).tokens(t,
			`{"access_token":"ACCESS","scope":"ZohoCRM.settings.ALL","api_domain":"http://zcrm.test","token_type":"Bearer","expires_in":3600}`)
		e.expectValid(access, e.admin, "ZohoCRM.settings.ALL")
	})
}

// Every documented and chosen error of the token endpoint, with HTTP 200 and {"error":…}. Checks
// run in the order grant_type, client_id, client_secret, then the grant's own parameters.
func TestTokenEndpointErrors(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		other, otherID, otherSecret := e.newClient("other")
		otherCode := e.grantFor(other, e.admin, "ZohoCRM.org.ALL")
		usedCode := e.grant(e.admin, "ZohoCRM.org.ALL")
		access, refresh := e.exchange(usedCode)
		var otherRefresh string
		{
			res := e.post(oauth.TokenPath, inForm, form("grant_type", "authorization_code", "client_id", otherID,
				"client_secret", otherSecret, "code", e.grantFor(other, e.admin, "ZohoCRM.org.ALL")))
			_, otherRefresh = res.tokens(t, `{"access_token":"ACCESS","refresh_token":"REFRESH","scope":"ZohoCRM.org.ALL","api_domain":"http://zcrm.test","token_type":"Bearer","expires_in":3600}`)
		}
		soid := "ZohoCRM." + crm.FormatID(e.org.ID)
		acme, _ := e.newOrg("Acme") // an org the client does not belong to
		client := func(kv ...string) []string {
			return append([]string{"client_id", e.id, "client_secret", e.secret}, kv...)
		}
		cc := func(kv ...string) []string {
			return client(append([]string{"grant_type", "client_credentials"}, kv...)...)
		}
		rows := []struct {
			name string
			path string
			kv   []string
			want string
		}{
			{"no parameters", oauth.TokenPath, nil, "unsupported_grant_type"},
			{"no grant_type", oauth.TokenPath, client("code", usedCode), "unsupported_grant_type"},
			{"unknown grant_type", oauth.TokenPath, client("grant_type", "password"), "unsupported_grant_type"},
			{"grant_type is case-sensitive", oauth.TokenPath, client("grant_type", "Authorization_Code"), "unsupported_grant_type"},
			{"grant_type before client", oauth.TokenPath, []string{"grant_type", "implicit", "client_id", "nope"}, "unsupported_grant_type"},
			{"auth path takes no authorization_code", oauth.AuthPath, client("grant_type", "authorization_code", "code", usedCode), "unsupported_grant_type"},
			{"auth path takes no refresh_token", oauth.AuthPath, client("grant_type", "refresh_token", "refresh_token", refresh), "unsupported_grant_type"},

			{"no client_id", oauth.TokenPath, []string{"grant_type", "authorization_code", "client_secret", e.secret, "code", usedCode}, "invalid_client"},
			{"unknown client_id", oauth.TokenPath, []string{"grant_type", "refresh_token", "client_id", "1000.NOSUCHCLIENT", "client_secret", e.secret, "refresh_token", refresh}, "invalid_client"},
			{"client_id with a NUL byte", oauth.TokenPath, []string{"grant_type", "refresh_token", "client_id", e.id + "\x00", "client_secret", e.secret}, "invalid_client"},
			{"client_id before code", oauth.TokenPath, []string{"grant_type", "authorization_code", "client_id", "x", "code", "y"}, "invalid_client"},
			{"soid of another org", oauth.TokenPath, cc("scope", "ZohoCRM.org.ALL", "soid", "ZohoCRM."+crm.FormatID(acme.ID)), "invalid_client"},
			{"soid of no org", oauth.TokenPath, cc("scope", "ZohoCRM.org.ALL", "soid", "ZohoCRM.999"), "invalid_client"},
			{"soid's org before scope", oauth.AuthPath, cc("soid", "ZohoCRM."+crm.FormatID(acme.ID)), "invalid_client"},

			{"no client_secret", oauth.TokenPath, []string{"grant_type", "authorization_code", "client_id", e.id, "code", usedCode}, "invalid_client_secret"},
			{"wrong client_secret", oauth.TokenPath, []string{"grant_type", "refresh_token", "client_id", e.id, "client_secret", e.secret + "0", "refresh_token", refresh}, "invalid_client_secret"},
			{"another client's secret", oauth.TokenPath, []string{"grant_type", "client_credentials", "client_id", e.id, "client_secret", otherSecret, "soid", soid, "scope", "ZohoCRM.org.ALL"}, "invalid_client_secret"},

			{"no code", oauth.TokenPath, client("grant_type", "authorization_code"), "invalid_code"},
			{"unknown code", oauth.TokenPath, client("grant_type", "authorization_code", "code", "1000.0123456789abcdef0123456789abcdef.0123456789abcdef0123456789abcdef"), "invalid_code"},
			{"used code", oauth.TokenPath, client("grant_type", "authorization_code", "code", usedCode), "invalid_code"},
			{"another client's code", oauth.TokenPath, client("grant_type", "authorization_code", "code", otherCode), "invalid_code"},
			{"refresh token as code", oauth.TokenPath, client("grant_type", "authorization_code", "code", refresh), "invalid_code"},

			{"no refresh_token", oauth.TokenPath, client("grant_type", "refresh_token"), "invalid_code"},
			{"unknown refresh_token", oauth.TokenPath, client("grant_type", "refresh_token", "refresh_token", "1000.x.y"), "invalid_code"},
			{"access token as refresh_token", oauth.TokenPath, client("grant_type", "refresh_token", "refresh_token", access), "invalid_code"},
			{"another client's refresh_token", oauth.TokenPath, client("grant_type", "refresh_token", "refresh_token", otherRefresh), "invalid_code"},

			{"no soid", oauth.TokenPath, cc("scope", "ZohoCRM.org.ALL"), "invalid_request"},
			{"soid without org", oauth.TokenPath, cc("scope", "ZohoCRM.org.ALL", "soid", "ZohoCRM."), "invalid_request"},
			{"soid with a bad org id", oauth.TokenPath, cc("scope", "ZohoCRM.org.ALL", "soid", "ZohoCRM.12ab"), "invalid_request"},
			{"soid of another service", oauth.TokenPath, cc("scope", "ZohoCRM.org.ALL", "soid", "ZohoBooks."+crm.FormatID(e.org.ID)), "invalid_request"},
			{"soid before scope", oauth.AuthPath, cc("soid", "ZohoCRM.12ab"), "invalid_request"},
			{"no scope", oauth.TokenPath, cc("soid", soid), "invalid_scope"},
			{"malformed scope", oauth.TokenPath, cc("soid", soid, "scope", "ZohoCRM.modules"), "invalid_scope"},
			{"unknown operation", oauth.AuthPath, cc("soid", soid, "scope", "ZohoCRM.modules.leads.FETCH"), "invalid_scope"},
			{"no ZohoCRM scope", oauth.TokenPath, cc("soid", soid, "scope", "AaaServer.profile.READ"), "invalid_scope"},
		}
		for _, r := range rows {
			t.Run(r.name, func(t *testing.T) {
				for _, enc := range encodings {
					e.serve(request(t, http.MethodPost, r.path, enc, form(r.kv...))).expectError(t, r.want)
				}
			})
		}
		// None of this touched the live tokens.
		e.expectValid(access, e.admin, "ZohoCRM.org.ALL")
		e.refresh(refresh)
	})
}

// Bodies that cannot be parsed are invalid_request; bodies of other types are ignored.
func TestTokenEndpointBadBodies(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		rows := []struct {
			name, contentType, body, want string
		}{
			{"bad percent escape", "application/x-www-form-urlencoded", "grant_type=%zz", "invalid_request"},
			{"semicolon separator", "application/x-www-form-urlencoded", "grant_type=refresh_token;client_id=x", "invalid_request"},
			{"body too large", "application/x-www-form-urlencoded", "grant_type=" + strings.Repeat("a", 70<<10), "invalid_request"},
			{"multipart without boundary", "multipart/form-data", "--x\r\n", "invalid_request"},
			{"truncated multipart", "multipart/form-data; boundary=xyz", "--xyz\r\nContent-Disposition: form-data; name=\"grant_type\"\r\n\r\nrefresh", "invalid_request"},
			{"malformed content type", "multipart/form-data; boundary", "", "invalid_request"},
			{"no content type reads urlencoded", "", "grant_type=password", "unsupported_grant_type"},
			{"json body is ignored", "application/json", `{"grant_type":"refresh_token"}`, "unsupported_grant_type"},
		}
		for _, r := range rows {
			t.Run(r.name, func(t *testing.T) {
				req := request(t, http.MethodPost, oauth.TokenPath, inQuery, nil)
				req.Body = io.NopCloser(strings.NewReader(r.body))
				if r.contentType != "" {
					req.Header.Set("Content-Type", r.contentType)
				}
				e.serve(req).expectError(t, r.want)
			})
		}
	})
}

// The body's parameters win over the query string's; the two are merged.
func TestTokenEndpointMergesQueryAndBody(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		code := e.grant(e.admin, "ZohoCRM.modules.ALL", "ZohoCRM.settings.ALL")
		req := request(t, http.MethodPost, oauth.TokenPath+"?grant_type=password&client_id="+e.id, inForm,
			form("grant_type", "authorization_code", "client_secret", e.secret, "code", code))
		access, _ := e.serve(req).tokens(t, tokenJSON)
		e.expectValid(access, e.admin, "ZohoCRM.modules.ALL", "ZohoCRM.settings.ALL")
	})
}

// A method an accounts path does not take is a JSON 405 naming the ones it takes in Allow.
func TestAccountsWrongMethod(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		// GET /oauth/v2/auth is the browser consent step (consent_test.go).
		allow := map[string]string{oauth.TokenPath: "POST", oauth.AuthPath: "GET, HEAD, POST", oauth.RevokePath: "POST", oauth.ConsentPath: "POST"}
		for path, want := range allow {
			for _, m := range []string{http.MethodGet, http.MethodPut, http.MethodDelete, http.MethodPatch, http.MethodOptions} {
				if m == http.MethodGet && path == oauth.AuthPath {
					continue
				}
				res := e.serve(request(t, m, path, inQuery, form("grant_type", "refresh_token", "token", "x")))
				res.expect(t, http.StatusMethodNotAllowed, `{"error":"invalid_request_method"}`)
				if got := res.header.Get("Allow"); got != want {
					t.Errorf("%s %s: Allow = %q, want %q", m, path, got, want)
				}
			}
		}
	})
}

// A CRM call's Authorization header: Zoho-oauthtoken or Bearer (Zoho's accounts docs name both),
// case-insensitive; missing or another scheme is AUTHENTICATION_FAILURE; an empty, unknown or
// malformed token is INVALID_TOKEN.
func TestAuthenticateHeader(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		access, _ := e.exchange(e.grant(e.admin, "ZohoCRM.org.ALL"))
		const authFailed = `{"code":"AUTHENTICATION_FAILURE","details":{},"message":"Authentication failed","status":"error"}`
		rows := []struct {
			header string
			status int
			want   string
		}{
			{"", http.StatusUnauthorized, authFailed},
			{"Basic " + access, http.StatusUnauthorized, authFailed},
			{"Bearer" + access, http.StatusUnauthorized, authFailed},
			{"Zoho-oauthtoken" + access, http.StatusUnauthorized, authFailed},
			{"Bearer ", http.StatusUnauthorized, invalidTokenJSON},
			{"Bearer " + access + "x", http.StatusUnauthorized, invalidTokenJSON},
			{"Zoho-oauthtoken ", http.StatusUnauthorized, invalidTokenJSON},
			{"Zoho-oauthtoken 1000.abc.def", http.StatusUnauthorized, invalidTokenJSON},
			{"Zoho-oauthtoken \x00\xff", http.StatusUnauthorized, invalidTokenJSON},
			{"Zoho-oauthtoken " + access + "x", http.StatusUnauthorized, invalidTokenJSON},
		}
		for _, r := range rows {
			req := request(t, http.MethodGet, "/crm/v8/org", inQuery, nil)
			if r.header != "" {
				req.Header["Authorization"] = []string{r.header}
			}
			e.serve(req).expect(t, r.status, r.want)
		}
		for _, h := range []string{"zoho-oauthtoken " + access, "ZOHO-OAUTHTOKEN  " + access + " ", "Bearer " + access, "bearer " + access} {
			if _, err := e.server.OAuth().Authenticate(context.Background(), h); err != nil {
				t.Errorf("Authenticate(%.20q…): %v", h, err)
			}
		}
		req := request(t, http.MethodGet, "/crm/v8/org", inQuery, nil)
		req.Header.Set("Authorization", "Bearer "+access)
		if r := e.serve(req); r.status != http.StatusOK || !strings.Contains(r.body, `"org":[`) {
			t.Errorf("GET /crm/v8/org with Bearer: %d %s", r.status, r.body)
		}
	})
}

// A token's scopes that no longer parse grant nothing instead of failing the call.
func TestAuthenticateIgnoresMalformedStoredScopes(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		var tok string
		e.write(func(ctx context.Context, tx crm.Tx) error {
			var err error
			tok, err = oauth.MintAccessToken(ctx, tx, e.org.ID, e.admin.ID, 0, 0,
				[]string{"ZohoCRM.modules", "ZohoCRM.org.ALL,ZohoCRM.users.READ", "AaaServer.profile.READ"})
			return err
		})
		e.expectValid(tok, e.admin, "ZohoCRM.org.ALL", "ZohoCRM.users.READ")
	})
}

// The token endpoint takes the client's credentials from Authorization: Basic
// base64(client_id:client_secret) too, as Zoho documents beside query and form parameters; a
// parameter given as well wins; a wrong secret is invalid_client_secret as in a parameter; a Basic
// header that does not decode is invalid_client.
func TestTokenBasicClientAuth(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		code := e.grant(e.admin, "ZohoCRM.org.ALL")
		req := request(t, http.MethodPost, oauth.TokenPath, inForm, form("grant_type", "authorization_code", "code", code))
		req.SetBasicAuth(e.id, e.secret)
		r := e.serve(req)
		var m map[string]any
		if err := json.Unmarshal([]byte(r.body), &m); err != nil || r.status != 200 || m["access_token"] == nil {
			t.Fatalf("exchange with Basic client auth: %d %s", r.status, r.body)
		}
		_, refresh := e.exchange(e.grant(e.admin, "ZohoCRM.org.ALL"))
		req = request(t, http.MethodPost, oauth.TokenPath, inForm, form("grant_type", "refresh_token", "refresh_token", refresh))
		req.SetBasicAuth(e.id, "wrong-secret")
		e.serve(req).expect(t, 200, `{"error":"invalid_client_secret"}`)
		req = request(t, http.MethodPost, oauth.TokenPath, inForm, form("grant_type", "refresh_token", "refresh_token", refresh, "client_id", e.id, "client_secret", e.secret))
		req.SetBasicAuth(e.id, "wrong-secret") // the parameters win
		if r := e.serve(req); r.status != 200 || !strings.Contains(r.body, `"access_token"`) {
			t.Fatalf("parameters beside a Basic header: %d %s", r.status, r.body)
		}
		req = request(t, http.MethodPost, oauth.TokenPath, inForm, form("grant_type", "refresh_token", "refresh_token", refresh))
		req.Header.Set("Authorization", "Basic %%%not-base64")
		e.serve(req).expect(t, 200, `{"error":"invalid_client"}`)
	})
}
