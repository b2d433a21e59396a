package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// zcrm export FILE writes the snapshot through a temporary file renamed over FILE: a failed export
// leaves an old FILE as it was and no temporary file; zcrm import FILE brings the database back
// to it, and exporting again gives the same bytes.
func TestExportImportCommands(t *testing.T) {
	dir := t.TempDir()
	dsn := filepath.Join(dir, "z.db")
	file := filepath.Join(dir, "snap.json")
	run := func(args ...string) map[string]any {
		t.Helper()
		code, out, errs := runCLI(t, args...)
		var v map[string]any
		if code != 0 || json.Unmarshal([]byte(out), &v) != nil || strings.Count(out, "\n") != 1 {
			t.Fatalf("zcrm %v: exit %d, stdout %q, stderr %q; want one JSON line", args, code, out, errs)
		}
		return v
	}
	run("org", "create", "--name", "Other", "--edition", "enterprise", "--db", dsn)
	run("token", "--scope", "ZohoCRM.modules.ALL", "--db", dsn)
	got := run("export", file, "--db", dsn)
	if got["file"] != file || got["orgs"] != 2.0 || got["users"] != 2.0 || got["records"] != 0.0 {
		t.Fatalf("export answered %v", got)
	}
	snap, err := os.ReadFile(file)
	if err != nil || !strings.HasPrefix(string(snap), `{"zcrm_snapshot":1,`) {
		t.Fatalf("export wrote %q, %v", snap, err)
	}

	// A failed export: the database cannot be reached.
	code, out, errs := runCLI(t, "export", file, "--db", "postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=1")
	if code == 0 || out != "" || errs == "" {
		t.Fatalf("export from a missing database: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	// A failed export: FILE cannot be replaced (it is a non-empty directory's name here).
	blocked := filepath.Join(dir, "blocked")
	os.MkdirAll(filepath.Join(blocked, "x"), 0o755)
	if code, _, _ := runCLI(t, "export", blocked, "--db", dsn); code == 0 {
		t.Fatalf("export over a directory succeeded")
	}
	if after, err := os.ReadFile(file); err != nil || string(after) != string(snap) {
		t.Fatalf("the old export changed after failed exports: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Fatalf("a temporary file was left: %s", e.Name())
		}
	}

	run("org", "create", "--name", "Third", "--edition", "free", "--db", dsn)
	if got := run("import", file, "--db", dsn); got["orgs"] != 2.0 || got["file"] != file {
		t.Fatalf("import answered %v", got)
	}
	again := filepath.Join(dir, "again.json")
	run("export", again, "--db", dsn)
	if b, _ := os.ReadFile(again); string(b) != string(snap) {
		t.Fatalf("export → import → export differs:\n%s\nwant\n%s", b, snap)
	}

	if code, _, errs := runCLI(t, "import", filepath.Join(dir, "missing.json"), "--db", dsn); code == 0 || errs == "" {
		t.Fatalf("import of a missing file: exit %d", code)
	}
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"zcrm_snapshot":9}`), 0o600)
	if code, _, errs := runCLI(t, "import", bad, "--db", dsn); code == 0 || !strings.Contains(errs, "$.zcrm_snapshot: must be 1") {
		t.Fatalf("import of an invalid file: exit %d, stderr %q", code, errs)
	}
	if code, _, errs := runCLI(t, "export", "--db", dsn); code == 0 || !strings.Contains(errs, "usage: zcrm export FILE") {
		t.Fatalf("export without FILE: exit %d, stderr %q", code, errs)
	}
}
