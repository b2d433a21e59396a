package cli

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zcrm/zcrm/internal/httpapi"
	"github.com/zcrm/zcrm/internal/store"
)

// zcrm reset is POST /__zcrm/reset on a database, also under a running server (here one with its
// own store handle, as another process): --keep-auth clears records and keeps the token, --org
// clears one org, plain reset leaves one new default org and the server refuses the old token.
func TestResetCommand(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "z.db")
	run := func(args ...string) (int, string, string) {
		t.Helper()
		return runCLI(t, append(args, "--db", dsn)...)
	}
	decode := func(args ...string) map[string]any {
		t.Helper()
		code, out, errs := run(args...)
		var v map[string]any
		if code != 0 || json.Unmarshal([]byte(out), &v) != nil || strings.Count(out, "\n") != 1 {
			t.Fatalf("zcrm %v: exit %d, stdout %q, stderr %q; want one JSON line", args, code, out, errs)
		}
		return v
	}
	db, err := store.Open(context.Background(), dsn, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	srv := httptest.NewServer(httpapi.NewServer(httpapi.Deps{Store: db, PublicURL: "http://zcrm.test"}))
	defer srv.Close()
	call := func(method, path, token, body string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Zoho-oauthtoken "+token)
		res, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}

	orgs := decode("org", "list")
	def := orgs["org_id"].(string)
	other := decode("org", "create", "--name", "Other", "--edition", "enterprise")["org_id"].(string)
	tok := decode("token", "--scope", "ZohoCRM.modules.ALL,ZohoCRM.org.ALL")["access_token"].(string)
	add := func() {
		t.Helper()
		if status, body := call("POST", "/crm/v8/Leads", tok, `{"data":[{"Last_Name":"Lovelace","Company":"A"}]}`); status != 201 {
			t.Fatalf("insert = %d %s", status, body)
		}
	}
	empty := func(want int) {
		t.Helper()
		if status, body := call("GET", "/crm/v8/Leads?fields=Last_Name", tok, ""); status != want {
			t.Fatalf("list = %d %s, want %d", status, body, want)
		}
	}

	add()
	if got := decode("reset", "--org", other); got["org_id"] != other || len(got) != 1 {
		t.Fatalf("reset --org = %v, want {org_id: %s}", got, other)
	}
	empty(200)
	if got := decode("reset", "--keep-auth"); got["org_id"] != def || len(got) != 1 {
		t.Fatalf("reset --keep-auth = %v, want {org_id: %s}", got, def)
	}
	empty(204)
	add()
	if code, out, errs := run("reset", "--org", "5725767000000999999"); code != 1 || out != "" || errs != "zcrm reset: no org 5725767000000999999\n" {
		t.Fatalf("reset --org unknown: %d %q %q", code, out, errs)
	}
	fresh := decode("reset")["org_id"].(string)
	if fresh == def || fresh == other {
		t.Fatalf("reset answered org %s, want a new default org", fresh)
	}
	if status, body := call("GET", "/crm/v8/Leads", tok, ""); status != 401 || body != `{"code":"INVALID_TOKEN","details":{},"message":"invalid oauth token","status":"error"}` {
		t.Fatalf("the old token after reset = %d %s, want 401 INVALID_TOKEN", status, body)
	}
	if _, out, _ := run("org", "list"); strings.Count(out, "\n") != 1 || !strings.Contains(out, `"org_id":"`+fresh+`"`) {
		t.Fatalf("org list after reset = %q, want the new default org only", out)
	}
}
