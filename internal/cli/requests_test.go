package cli

import (
	"path/filepath"
	"strings"
	"testing"
)

// On SQLite the journal lives in the serving process: zcrm requests says where to read it.
func TestRequestsOnSQLite(t *testing.T) {
	code, out, errs := runCLI(t, "requests", "--db", filepath.Join(t.TempDir(), "z.db"))
	if code == 0 || out != "" || !strings.Contains(errs, "GET /__zcrm/requests") {
		t.Errorf("zcrm requests on SQLite: code %d, stdout %q, stderr %q", code, out, errs)
	}
}
