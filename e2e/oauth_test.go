package e2e

import (
	"net/url"
	"strings"
	"testing"
)

// The documented way in: a self client and a grant code from the CLI, the code exchanged at the
// token endpoint, then a CRM call with the access token, on the built binary.
func TestGrantCodeToFirstCall(t *testing.T) {
	s := startServer(t, "")
	client := s.cli("client", "create", "--name", "e2e")
	id, secret := str(t, client, "client_id"), str(t, client, "client_secret")
	if !strings.HasPrefix(id, "1000.") {
		t.Fatalf("client_id %q lacks Zoho's 1000. prefix", id)
	}
	grant := s.cli("grant", "--client-id", id, "--scope", "ZohoCRM.users.ALL,ZohoCRM.org.READ")
	code := str(t, grant, "code")
	if got := grant["expires_in"]; got != float64(180) {
		t.Fatalf("grant expires_in = %v, want 180", got)
	}
	form := url.Values{"grant_type": {"authorization_code"}, "client_id": {id}, "client_secret": {secret}, "code": {code}}
	tok := s.mustJSON("POST", "/oauth/v2/token?"+form.Encode(), "", "", 200)
	access := str(t, tok, "access_token")
	str(t, tok, "refresh_token")
	if tok["api_domain"] != s.url || tok["token_type"] != "Bearer" || tok["expires_in"] != float64(3600) {
		t.Fatalf("token response = %v", tok)
	}
	users := s.mustJSON("GET", "/crm/v8/users?type=CurrentUser", access, "", 200)
	list, _ := users["users"].([]any)
	if len(list) != 1 || list[0].(map[string]any)["email"] != "admin@zcrm.local" {
		t.Fatalf("current user = %v", users)
	}
	// The code is one-time.
	again := s.mustJSON("POST", "/oauth/v2/token?"+form.Encode(), "", "", 200)
	if again["error"] != "invalid_code" {
		t.Fatalf("second exchange = %v, want invalid_code", again)
	}
}

// The CLI token shortcut works against the running server on the same database file.
func TestCLITokenWhileServing(t *testing.T) {
	s := startServer(t, "")
	tok := s.cli("token", "--scope", "ZohoCRM.org.ALL")
	org := s.mustJSON("GET", "/crm/v2.1/org", str(t, tok, "access_token"), "", 200)
	if _, ok := org["org"].([]any); !ok {
		t.Fatalf("org = %v", org)
	}
	if out := string(s.cliRaw("version")); !strings.HasPrefix(out, "zcrm ") {
		t.Fatalf("version printed %q", out)
	}
}
