package oauth_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/httpapi"
	"github.com/zcrm/zcrm/internal/oauth"
	"github.com/zcrm/zcrm/internal/store"
	"github.com/zcrm/zcrm/internal/store/storetest"
)

// checkSane fails unless an accounts answer is below 500, JSON-typed and a JSON object.
func checkSane(t testing.TB, res response) {
	t.Helper()
	if res.status >= 500 {
		t.Fatalf("status %d: %s", res.status, res.body)
	}
	if got := res.header.Get("Content-Type"); got != "application/json;charset=utf-8" {
		t.Fatalf("Content-Type = %q (status %d)", got, res.status)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(res.body), &m); err != nil {
		t.Fatalf("body is not a JSON object: %v: %q", err, res.body)
	}
	if m["error"] == nil && m["access_token"] == nil && m["status"] != "success" {
		t.Fatalf("body has neither error, access_token nor status: %s", res.body)
	}
}

// fuzzRequest turns fuzz inputs into a request: mode picks the encoding (mode%3), the path
// (mode/3%3: token, auth, revoke) and, rarely, a method other than POST (mode/9%8 == 7).
func fuzzRequest(t testing.TB, grantType, code, clientID, clientSecret, refreshToken string, mode uint8) *http.Request {
	p := url.Values{}
	for k, v := range map[string]string{"grant_type": grantType, "code": code, "client_id": clientID,
		"client_secret": clientSecret, "refresh_token": refreshToken} {
		if v != "" {
			p.Set(k, v)
		}
	}
	// client_credentials and revoke read these; reuse the inputs so the fuzzer reaches them.
	if code != "" {
		p.Set("scope", code)
	}
	if refreshToken != "" {
		p.Set("soid", refreshToken)
		p.Set("token", refreshToken)
	}
	path := []string{oauth.TokenPath, oauth.AuthPath, oauth.RevokePath}[int(mode)/3%3]
	method := http.MethodPost
	if int(mode)/9%8 == 7 {
		method = http.MethodGet
	}
	return request(t, method, path, encodings[int(mode)%3], p)
}

// FuzzTokenEndpoint throws arbitrary parameters at the accounts endpoints, in every encoding: the
// answer is never a panic or a 5xx and always a JSON object. The seeds run as an ordinary test.
func FuzzTokenEndpoint(f *testing.F) {
	db := storetest.Open(f, storetest.SQLite, store.Options{Synchronous: "normal"})
	ctx := context.Background()
	var clientID, secret, code, access, refresh string
	var org crm.Org
	err := db.Write(ctx, func(tx crm.Tx) error {
		var err error
		if org, err = crm.EnsureDefaultOrg(ctx, tx); err != nil {
			return err
		}
		admin, err := tx.FirstAdmin(ctx, org.ID)
		if err != nil {
			return err
		}
		if clientID, secret, err = oauth.CreateClient(ctx, tx, org.ID, "fuzz"); err != nil {
			return err
		}
		client, err := tx.ClientByClientID(ctx, clientID)
		if err != nil {
			return err
		}
		if code, err = oauth.IssueGrant(ctx, tx, client, admin, []string{"ZohoCRM.modules.ALL"}, oauth.MaxGrantTTL); err != nil {
			return err
		}
		access, refresh, err = oauth.IssueTokens(ctx, tx, client, admin, []string{"ZohoCRM.modules.ALL"})
		return err
	})
	if err != nil {
		f.Fatal(err)
	}
	soid := "ZohoCRM." + crm.FormatID(org.ID)
	srv := httpapi.NewServer(httpapi.Deps{Store: db, PublicURL: publicURL})

	for mode := uint8(0); mode < 9; mode++ {
		f.Add("authorization_code", code, clientID, secret, "", mode)
		f.Add("refresh_token", "", clientID, secret, refresh, mode)
		f.Add("client_credentials", "ZohoCRM.modules.ALL,ZohoCRM.org.READ", clientID, secret, soid, mode)
		f.Add("refresh_token", "", clientID, secret, access, mode)
	}
	f.Add("", "", "", "", "", uint8(63))
	f.Add("authorization_code", "\x00", "1000.\xff", "\x00", "\x00", uint8(1))
	f.Add("client_credentials", "ZohoCRM.modules.\x00.ALL", clientID, secret, "ZohoCRM.\x00", uint8(2))
	f.Add("client_credentials", "AaaServer.pro\xfffile.READ,ZohoCRM.org.ALL", clientID, secret, soid, uint8(0))
	f.Add("client_credentials", "ZohoCRM.org.ALL", clientID, secret, "ZohoCRM.99999999999999999999", uint8(4))
	f.Add("client_credentials", "ZohoCRM.org.ALL", clientID, secret, "ZohoCRM.-1", uint8(5))
	f.Add("refresh_token", "", clientID+"%", secret+"\r\n", "1000..", uint8(7))
	f.Add("password", strings.Repeat("x", 5000), strings.Repeat("A", 300), "s", "r", uint8(8))
	f.Add(`"}{`, "'; DROP TABLE oauth_clients; --", "' OR 1=1 --", "%00", "&token=", uint8(1))

	f.Fuzz(func(t *testing.T, grantType, code, clientID, clientSecret, refreshToken string, mode uint8) {
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, fuzzRequest(t, grantType, code, clientID, clientSecret, refreshToken, mode))
		checkSane(t, response{status: rec.Code, header: rec.Header(), body: rec.Body.String()})
	})
}

// Hostile parameter values (NUL bytes, invalid UTF-8, huge values, SQL) are answered like any
// other bad input on every backend: never a 5xx, always a JSON object.
func TestTokenEndpointHostileInput(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		soid := "ZohoCRM." + crm.FormatID(e.org.ID)
		hostile := []string{"\x00", "a\x00b", "\xff\xfe", "ZohoCRM.\x00", "ZohoCRM.modules.\xff.ALL", strings.Repeat("9", 5000),
			"' OR 1=1 --", "1000.\x00.\x00", "%", "ZohoCRM.modules.ALL,\x00.x.READ"}
		base := map[string]url.Values{
			"authorization_code": form("grant_type", "authorization_code", "client_id", e.id, "client_secret", e.secret, "code", "c"),
			"refresh_token":      form("grant_type", "refresh_token", "client_id", e.id, "client_secret", e.secret, "refresh_token", "r"),
			"client_credentials": form("grant_type", "client_credentials", "client_id", e.id, "client_secret", e.secret, "soid", soid, "scope", "ZohoCRM.org.ALL"),
		}
		for _, p := range base {
			for key := range p {
				for _, v := range hostile {
					for _, enc := range encodings {
						q := url.Values{}
						for k, vs := range p {
							q[k] = vs
						}
						q.Set(key, v)
						for _, path := range []string{oauth.TokenPath, oauth.AuthPath} {
							checkSane(t, e.serve(request(t, http.MethodPost, path, enc, q)))
						}
					}
				}
			}
		}
		for _, v := range hostile {
			for _, enc := range encodings {
				checkSane(t, e.serve(request(t, http.MethodPost, oauth.RevokePath, enc, form("token", v))))
			}
		}
	})
}
