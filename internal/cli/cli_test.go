package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// runCLI runs zcrm with args and returns the exit code, stdout and stderr.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(context.Background(), args, func(string) string { return "" }, &out, &errb)
	return code, out.String(), errb.String()
}

// A failure exits non-zero with one line on stderr and nothing on stdout; -h prints the usage.
func TestFailureIsOneLine(t *testing.T) {
	db := filepath.Join(t.TempDir(), "z.db")
	for _, args := range [][]string{
		{"org", "create", "--bogus", "x", "--db", db},
		{"org", "create", "--name", "A", "--edition", "platinum", "--db", db},
		{"user", "create", "--email", "not-an-email", "--db", db},
		{"user", "create", "--email", "a@b.io", "--profile", "Nope", "--db", db},
		{"org", "sharing", "--module", "Leads", "--access", "secret", "--db", db},
		{"module", "create", "--api-name", "Leads", "--db", db},
		{"frobnicate"},
	} {
		code, out, errs := runCLI(t, args...)
		if code == 0 || out != "" || strings.Count(strings.TrimSpace(errs), "\n") > 0 && args[0] != "frobnicate" || errs == "" {
			t.Errorf("zcrm %s: code %d, stdout %q, stderr %q; want non-zero, empty stdout, one stderr line", strings.Join(args, " "), code, out, errs)
		}
	}
	code, out, errs := runCLI(t, "org", "create", "-h")
	if code != 0 || out != "" || !strings.Contains(errs, "-edition") {
		t.Errorf("-h: code %d, stdout %q, stderr %q", code, out, errs)
	}
}

// The admin commands print exactly one JSON object each, with the documented keys.
func TestAdminCommandsPrintJSON(t *testing.T) {
	db := filepath.Join(t.TempDir(), "z.db")
	decode := func(args ...string) map[string]any {
		t.Helper()
		code, out, errs := runCLI(t, append(args, "--db", db)...)
		if code != 0 {
			t.Fatalf("zcrm %v: exit %d: %s", args, code, errs)
		}
		var v map[string]any
		if err := json.Unmarshal([]byte(out), &v); err != nil || strings.Count(out, "\n") != 1 {
			t.Fatalf("zcrm %v printed %q, want one JSON object line", args, out)
		}
		return v
	}
	org := decode("org", "create", "--name", "Acme Corp", "--edition", "professional")
	admin, _ := org["admin"].(map[string]any)
	if org["org_id"] == "" || admin["email"] != "admin@acme-corp.zcrm.local" || admin["id"] == "" {
		t.Fatalf("org create = %v", org)
	}
	orgID := org["org_id"].(string)
	u := decode("user", "create", "--email", "Bob@Acme.io", "--profile", "Standard", "--org", orgID)
	if u["email"] != "bob@acme.io" || u["profile"] != "Standard" {
		t.Fatalf("user create = %v", u)
	}
	p := decode("profile", "create", "--name", "No Delete", "--deny", "Crm_Implied_Delete_Leads", "--org", orgID)
	if p["name"] != "No Delete" {
		t.Fatalf("profile create = %v", p)
	}
	if v := decode("user", "create", "--email", "nd@acme.io", "--profile", "No Delete", "--org", orgID); v["profile"] != "No Delete" {
		t.Fatalf("user with custom profile = %v", v)
	}
	if v := decode("org", "sharing", "--module", "leads", "--access", "PRIVATE", "--org", orgID); v["module"] != "Leads" || v["access"] != "private" {
		t.Fatalf("org sharing = %v", v)
	}
	// Custom modules need Enterprise: the professional org refuses, the default (enterprise) org accepts.
	if code, _, _ := runCLI(t, "module", "create", "--api-name", "Properties", "--org", orgID, "--db", db); code == 0 {
		t.Fatal("custom module created in a professional org")
	}
	if v := decode("module", "create", "--api-name", "Properties"); v["api_name"] != "Properties" {
		t.Fatalf("module create = %v", v)
	}
}
