package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"runtime"
	"runtime/debug"
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
	if code != 0 || errs != "" || !strings.Contains(out, "-edition") {
		t.Errorf("-h: code %d, stdout %q, stderr %q; want the usage on stdout", code, out, errs)
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
	if v := decode("org", "sharing", "--module", "Contacts", "--access", "public_read_only", "--org", orgID); v["module"] != "Contacts" || v["access"] != "public_read_only" {
		t.Fatalf("org sharing public_read_only = %v", v)
	}
	if code, _, errs := runCLI(t, "org", "sharing", "--module", "Contacts", "--access", "secret", "--org", orgID, "--db", db); code == 0 ||
		!strings.Contains(errs, `access must be public, public_read_only or private, not "secret"`) {
		t.Fatalf("org sharing secret: code %d, stderr %q", code, errs)
	}
	// Custom modules need Enterprise: the professional org refuses, the default (enterprise) org accepts.
	if code, _, _ := runCLI(t, "module", "create", "--api-name", "Properties", "--org", orgID, "--db", db); code == 0 {
		t.Fatal("custom module created in a professional org")
	}
	if v := decode("module", "create", "--api-name", "Properties"); v["api_name"] != "Properties" {
		t.Fatalf("module create = %v", v)
	}
}

// `zcrm version`, `zcrm --version` and `zcrm -version` print the same one line: the version, the
// commit and the Go toolchain.
func TestVersion(t *testing.T) {
	want := "zcrm " + Version + " (commit "
	var first string
	for _, args := range [][]string{{"version"}, {"--version"}, {"-version"}} {
		code, out, errs := runCLI(t, args...)
		if code != 0 || errs != "" || !strings.HasPrefix(out, want) || !strings.Contains(out, runtime.Version()) || strings.Count(out, "\n") != 1 {
			t.Errorf("zcrm %s: code %d, stdout %q, stderr %q; want one line %q… naming %s", args[0], code, out, errs, want, runtime.Version())
		}
		if first == "" {
			first = out
		} else if out != first {
			t.Errorf("zcrm %s printed %q, zcrm version %q", args[0], out, first)
		}
	}
}

// The version line reads the commit, a modified tree and the Go version from the build info, and
// falls back when there is none (go run, tests); a module version stamped by the go command
// replaces only the default version, never one set with -ldflags.
func TestVersionLine(t *testing.T) {
	platform := runtime.GOOS + "/" + runtime.GOARCH
	info := &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "v1.2.3"}, Settings: []debug.BuildSetting{
		{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: "45aa721f241bfb604f8efec1451b29d27eefa753"}, {Key: "vcs.modified", Value: "true"}}}
	for _, c := range []struct {
		version string
		info    *debug.BuildInfo
		want    string
	}{
		{"v1.2.3", info, "zcrm v1.2.3 (commit 45aa721f241bfb604f8efec1451b29d27eefa753, modified; go1.26.0 " + platform + ")"},
		{"v1.2.3", &debug.BuildInfo{GoVersion: "go1.26.0", Settings: info.Settings[:2]}, "zcrm v1.2.3 (commit 45aa721f241bfb604f8efec1451b29d27eefa753; go1.26.0 " + platform + ")"},
		{devVersion, &debug.BuildInfo{}, "zcrm 0.1.0-dev (commit unknown; " + runtime.Version() + " " + platform + ")"},
		{devVersion, nil, "zcrm 0.1.0-dev (commit unknown; " + runtime.Version() + " " + platform + ")"},
	} {
		if got := versionLine(c.version, c.info); got != c.want {
			t.Errorf("versionLine(%q, …) =\n%s\nwant\n%s", c.version, got, c.want)
		}
	}
	for _, c := range []struct {
		version, stamped, want string
	}{
		{devVersion, "v1.2.3", "v1.2.3"},
		{devVersion, "v0.0.0-20260101000000-45aa721f241b+dirty", "v0.0.0-20260101000000-45aa721f241b+dirty"},
		{devVersion, "(devel)", devVersion},
		{devVersion, "", devVersion},
		{"2.0.0", "v1.2.3", "2.0.0"}, // set with -ldflags
	} {
		if got := stampedVersion(c.version, &debug.BuildInfo{Main: debug.Module{Version: c.stamped}}); got != c.want {
			t.Errorf("stampedVersion(%q, %q) = %q, want %q", c.version, c.stamped, got, c.want)
		}
	}
	if got := stampedVersion(devVersion, nil); got != devVersion {
		t.Errorf("stampedVersion without build info = %q", got)
	}
}
