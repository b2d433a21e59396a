package e2e

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/zcrm/zcrm/client"
)

// The documented way in: a self client and a grant code from the CLI, the code exchanged at the
// token endpoint, then a CRM call with the access token, on the built binary.
func TestGrantCodeToFirstCall(t *testing.T) {
	ctx := context.Background()
	s := startServer(t, "")
	oc := s.cli("client", "create", "--name", "e2e")
	id, secret := str(t, oc, "client_id"), str(t, oc, "client_secret")
	if !strings.HasPrefix(id, "1000.") {
		t.Fatalf("client_id %q lacks Zoho's 1000. prefix", id)
	}
	grant := s.cli("grant", "--client-id", id, "--scope", "ZohoCRM.users.ALL,ZohoCRM.org.READ")
	code := str(t, grant, "code")
	if got := grant["expires_in"]; got != float64(180) {
		t.Fatalf("grant expires_in = %v, want 180", got)
	}
	api, err := client.New(client.WithBaseURL(s.url), client.WithOAuthClient(id, secret))
	if err != nil {
		t.Fatal(err)
	}
	tok, err := api.ExchangeCode(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	if tok.RefreshToken == "" || tok.APIDomain != s.url || tok.TokenType != "Bearer" {
		t.Fatalf("token = %+v", tok)
	}
	me, err := api.CurrentUser(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if me.Email != "admin@zcrm.local" {
		t.Fatalf("current user = %+v", me)
	}
	// The code is one-time.
	if _, err := api.ExchangeCode(ctx, code); !errors.Is(err, client.ErrInvalidCode) {
		t.Fatalf("second exchange: err = %v, want invalid_code", err)
	}
}

// The CLI token shortcut works against the running server on the same database file.
func TestCLITokenWhileServing(t *testing.T) {
	s := startServer(t, "")
	tok := s.cli("token", "--scope", "ZohoCRM.org.ALL")
	org, err := s.api(str(t, tok, "access_token")).Org(context.Background())
	if err != nil || org.ID == "" {
		t.Fatalf("org = %+v, %v", org, err)
	}
	if out := string(s.cliRaw("version")); !strings.HasPrefix(out, "zcrm ") {
		t.Fatalf("version printed %q", out)
	}
}
