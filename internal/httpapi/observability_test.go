package httpapi

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/oauth"
	"github.com/zcrm/zcrm/internal/store"
	"github.com/zcrm/zcrm/internal/store/storetest"
)

// serveDeps serves a server built from d until the test ends and returns its base URL.
func serveDeps(t *testing.T, d Deps) string {
	t.Helper()
	if d.PublicURL == "" {
		d.PublicURL = "http://zcrm.test"
	}
	srv := httptest.NewServer(NewServer(d))
	t.Cleanup(srv.Close)
	return srv.URL
}

// send makes one request and returns its status and body.
func send(t *testing.T, method, u, header, body string) (int, string) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, u, rd)
	if err != nil {
		t.Fatal(err)
	}
	if header != "" {
		req.Header.Set("Authorization", header)
	}
	if body != "" && strings.Contains(u, "/oauth/") {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// openClosable opens a store handle of its own on e's database, for a test to close.
func openClosable(t *testing.T, e *testEnv) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), e.dsn, store.Options{Now: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// GET /healthz and GET /readyz answer 200 {"status":"ok"} without a token while the store serves;
// /readyz answers 503 while a migration is missing, and both answer 503 when the store's tables are
// gone (a bare ping still succeeds there) or its handle is closed.
func TestHealthAndReadiness(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		const ok, down = `{"status":"ok"}`, `{"status":"unavailable"}`
		probe := func(path string, status int, want string) {
			t.Helper()
			e.do("GET", path, "", "").expect(t, status, want)
		}
		probe("/healthz", 200, ok)
		probe("/readyz", 200, ok)
		closable := openClosable(t, e) // for the closed store below, while the database is whole

		// A migration this build carries is not applied: alive, not ready.
		if _, err := e.db.SQL().Exec(e.db.Rebind(`DELETE FROM schema_migrations WHERE version = ?`), store.KnownSchemaVersion()); err != nil {
			t.Fatal(err)
		}
		probe("/healthz", 200, ok)
		probe("/readyz", 503, down)

		// The tables are gone: a ping passes, every call would fail.
		if _, err := e.db.SQL().Exec(`DROP TABLE org_versions`); err != nil {
			t.Fatal(err)
		}
		if err := e.db.Ping(context.Background()); err != nil {
			t.Fatalf("ping after DROP TABLE: %v", err)
		}
		probe("/healthz", 503, down)
		probe("/readyz", 503, down)

		// A closed store.
		db := closable
		base := serveDeps(t, Deps{Store: db, Logger: slog.New(e.errs)})
		db.Close()
		for _, path := range []string{"/healthz", "/readyz"} {
			if status, body := send(t, "GET", base+path, "", ""); status != 503 || !sameJSON(body, down) {
				t.Errorf("%s on a closed store = %d %s, want 503 %s", path, status, body, down)
			}
		}
	})
}

// No log line — access log or error, text or JSON, at any level — carries a token, a client secret
// or a grant code, whether they came in the query string, the body or a header, and whether the
// request succeeded, failed or hit an internal error.
func TestNoSecretsInLogs(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		var text, js syncBuffer
		log := slog.New(slog.NewMultiHandler(
			slog.NewTextHandler(&text, &slog.HandlerOptions{Level: slog.LevelDebug}),
			slog.NewJSONHandler(&js, &slog.HandlerOptions{Level: slog.LevelDebug})))
		base := serveDeps(t, Deps{Store: e.db, Logger: log})

		var clientID, secret, code string
		e.write(func(ctx context.Context, tx crm.Tx) error {
			var err error
			if clientID, secret, err = oauth.CreateClient(ctx, tx, e.org.ID, "logs"); err != nil {
				return err
			}
			c, err := tx.ClientByClientID(ctx, clientID)
			if err != nil {
				return err
			}
			code, err = oauth.IssueGrant(ctx, tx, c, e.admin, []string{"ZohoCRM.modules.ALL"}, 3*time.Minute)
			return err
		})
		secrets := []string{secret, code}
		form := func(kv ...string) string {
			v := url.Values{}
			for i := 0; i < len(kv); i += 2 {
				v.Set(kv[i], kv[i+1])
			}
			return v.Encode()
		}

		// The code exchange, secrets in the query and in the body.
		status, body := send(t, "POST", base+"/oauth/v2/token?"+form("client_secret", secret, "code", code), "",
			form("grant_type", "authorization_code", "client_id", clientID, "client_secret", secret, "code", code))
		var tok struct {
			Access  string `json:"access_token"`
			Refresh string `json:"refresh_token"`
		}
		if json.Unmarshal([]byte(body), &tok); status != 200 || tok.Access == "" || tok.Refresh == "" {
			t.Fatalf("code exchange = %d %s", status, body)
		}
		secrets = append(secrets, tok.Access, tok.Refresh)
		// The used code again (an error answer), a refresh with the refresh token in the query.
		send(t, "POST", base+"/oauth/v2/token?"+form("code", code), "", form("grant_type", "authorization_code", "client_id", clientID, "client_secret", secret))
		status, body = send(t, "POST", base+"/oauth/v2/token?"+form("refresh_token", tok.Refresh, "client_secret", secret), "",
			form("grant_type", "refresh_token", "client_id", clientID))
		var refreshed struct {
			Access string `json:"access_token"`
		}
		if json.Unmarshal([]byte(body), &refreshed); status != 200 || refreshed.Access == "" {
			t.Fatalf("refresh = %d %s", status, body)
		}
		secrets = append(secrets, refreshed.Access)
		// CRM calls with the token in the header, and in the query too.
		send(t, "GET", base+"/crm/v8/Contacts?fields=Last_Name&"+form("access_token", refreshed.Access), "Zoho-oauthtoken "+refreshed.Access, "")
		// Revoke, the token in the query.
		send(t, "POST", base+"/oauth/v2/token/revoke?"+form("token", tok.Refresh), "", "")

		// Internal errors: the same calls against a closed store log at ERROR.
		db := openClosable(t, e)
		closed := serveDeps(t, Deps{Store: db, Logger: log})
		db.Close()
		if status, _ := send(t, "POST", closed+"/oauth/v2/token?"+form("client_secret", secret, "code", code), "",
			form("grant_type", "authorization_code", "client_id", clientID, "client_secret", secret, "code", code)); status != 500 {
			t.Errorf("token endpoint on a closed store = %d, want 500", status)
		}
		if status, _ := send(t, "GET", closed+"/crm/v8/Contacts?"+form("access_token", refreshed.Access), "Zoho-oauthtoken "+refreshed.Access, ""); status != 500 {
			t.Errorf("CRM call on a closed store = %d, want 500", status)
		}

		for _, l := range strings.Split(text.String(), "\n") {
			if strings.Contains(l, "internal error") && !strings.Contains(l, " request_id=") {
				t.Errorf("an internal error's line lacks the request id: %s", l)
			}
		}
		for name, out := range map[string]string{"text": text.String(), "json": js.String()} {
			for _, want := range []string{"/oauth/v2/token", "/oauth/v2/token/revoke", "oauth: internal error", "internal error", "request_id"} {
				if !strings.Contains(out, want) {
					t.Errorf("%s log lacks %q:\n%s", name, want, out)
				}
			}
			for _, s := range secrets {
				if strings.Contains(out, s) {
					t.Errorf("%s log carries a secret (%.8s…):\n%s", name, s, out)
				}
			}
		}
	})
}

// A server's internal errors go to its Logger, with the request's method, path and id; with no
// Logger they go to slog.Default().
func TestInternalErrorsLog(t *testing.T) {
	e := newEnv(t, storetest.SQLite)
	tok := e.adminToken("ZohoCRM.modules.ALL")
	db := openClosable(t, e)
	withLogger := serveDeps(t, Deps{Store: db, Logger: slog.New(e.errs)})
	withoutLogger := serveDeps(t, Deps{Store: db})
	db.Close()
	errs := captureErrors(t, e) // slog.Default() too
	for _, base := range []string{withLogger, withoutLogger} {
		if status, body := send(t, "GET", base+"/crm/v8/Contacts?fields=Last_Name", "Zoho-oauthtoken "+tok, ""); status != 500 ||
			!sameJSON(body, `{"code":"INTERNAL_ERROR","details":{},"message":"Internal Server Error","status":"error"}`) {
			t.Errorf("GET on a closed store = %d %s", status, body)
		}
	}
	errs.mu.Lock()
	lines := errs.lines
	errs.mu.Unlock()
	if len(lines) != 2 {
		t.Fatalf("%d ERROR lines, want 2: %q", len(lines), lines)
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, "internal error err=") || !strings.Contains(l, "method=GET path=/crm/v8/Contacts request_id=") {
			t.Errorf("ERROR line = %q", l)
		}
	}
}
