package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/zcrm/zcrm/internal/store"
	"github.com/zcrm/zcrm/internal/store/storetest"
)

const smallestFixture = `{"records": {"Contacts": [{"ref": "c1", "Last_Name": "Seeded"}]}}`

var seedAnswer = regexp.MustCompile(`^\{"refs":\{"c1":"[0-9]+"\}\}$`)

// writeFile writes content to a new file of the test and returns its path.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// records counts the records of every org of the database.
func records(t *testing.T, dsn string) int {
	t.Helper()
	db := storetest.OpenDSN(t, dsn, store.Options{}) // closed at the test's end
	var n int
	if err := db.SQL().QueryRow(`SELECT COUNT(*) FROM records`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// zcrm seed FILE prints the admin API's answer; an invalid fixture fails in one line naming its
// JSON path and changes nothing; a missing file or argument fails too.
func TestSeedCommand(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		dsn := storetest.DSN(t, b)
		code, out, errs := zcrm(t, dsn, "seed", writeFile(t, "f.json", smallestFixture))
		if code != 0 || !seedAnswer.MatchString(strings.TrimSuffix(out, "\n")) || strings.Count(out, "\n") != 1 || errs != "" {
			t.Fatalf("zcrm seed: exit %d, stdout %q, stderr %q", code, out, errs)
		}
		var v map[string]map[string]string
		if err := json.Unmarshal([]byte(out), &v); err != nil {
			t.Fatal(err)
		}
		bad := writeFile(t, "bad.json", `{"records": {"Contacts": [{"Last_Name": "Fine"}], "Leads": [{"Company": "C"}]}}`)
		for _, c := range []struct {
			args []string
			want string
		}{
			{[]string{"seed", bad, "--db", dsn}, "zcrm seed: $.records.Leads[0].Last_Name: MANDATORY_NOT_FOUND: required field not found\n"},
			{[]string{"seed"}, "zcrm seed: usage: zcrm seed FILE [--db …]\n"},
			{[]string{"seed", filepath.Join(t.TempDir(), "none.json")}, "zcrm seed: open "},
		} {
			code, out, errs := zcrm(t, dsn, c.args...)
			if code != 1 || out != "" || !strings.HasPrefix(errs, c.want) || strings.Count(errs, "\n") != 1 {
				t.Errorf("zcrm %v: exit %d, stdout %q, stderr %q; want 1, %q", c.args, code, out, errs, c.want)
			}
		}
		if n := records(t, dsn); n != 1 {
			t.Fatalf("records = %d, want the one seeded", n)
		}
	})
}

// serve --seed seeds an empty database at start, and leaves one that has records as it is.
func TestServeSeed(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		dsn := storetest.DSN(t, b)
		file := writeFile(t, "f.json", smallestFixture)
		_, stderr, stop := startServe(t, nil, "--db", dsn, "--seed", file)
		stop()
		if !regexp.MustCompile(`(?m)^seeded from ` + regexp.QuoteMeta(file) + `: \{"refs":\{"c1":"[0-9]+"\}\}$`).MatchString(stderr.String()) {
			t.Fatalf("first start: %s", stderr.String())
		}
		_, stderr, stop = startServe(t, nil, "--db", dsn, "--seed", file)
		stop()
		if !strings.Contains(stderr.String(), "not seeded from "+file+": the database has records\n") {
			t.Fatalf("second start: %s", stderr.String())
		}
		if n := records(t, dsn); n != 1 {
			t.Fatalf("records = %d, want 1", n)
		}
		bad := writeFile(t, "bad.json", `{"records": {"Nope": []}}`)
		if code, _, errs := zcrm(t, storetest.DSN(t, b), "serve", "--addr", "127.0.0.1:0", "--seed", bad); code != 1 ||
			!strings.Contains(errs, "zcrm serve: --seed "+bad+": $.records.Nope: INVALID_MODULE: the module name given seems to be invalid\n") {
			t.Fatalf("serve with an invalid fixture: exit %d, %s", code, errs)
		}
	})
}
