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
		if !strings.Contains(stderr.String(), "not seeded from "+file+": the database is not empty\n") {
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

// authFixture makes no record: only an org, a user and a fixed token, in YAML.
const authFixture = `orgs:
  - {ref: acme, name: Acme}
users:
  - {ref: sam, org: acme, email: sam@acme.test}
oauth:
  clients:
    - {ref: app, org: acme, client_id: 1000.FIXEDID, client_secret: fixed-secret}
  tokens:
    - {client: app, user: sam, scopes: [ZohoCRM.modules.ALL], access_token: "1000.samaccess"}
`

// zcrm seed reads FILE as YAML when it ends in .yaml or .yml (in any case), as JSON otherwise: the
// same answer, and errors naming the same JSON paths.
func TestSeedCommandYAML(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		dsn := storetest.DSN(t, b)
		code, out, errs := zcrm(t, dsn, "seed", writeFile(t, "f.YML", "records:\n  Contacts:\n    - {ref: c1, Last_Name: Seeded}\n"))
		if code != 0 || !seedAnswer.MatchString(strings.TrimSuffix(out, "\n")) || errs != "" {
			t.Fatalf("zcrm seed f.YML: exit %d, stdout %q, stderr %q", code, out, errs)
		}
		code, out, errs = zcrm(t, dsn, "seed", writeFile(t, "auth.yaml", authFixture))
		if code != 0 || !regexp.MustCompile(`^\{"refs":\{"acme":"[0-9]+","acme.admin":"[0-9]+","app":"1000.FIXEDID","sam":"[0-9]+"\}\}\n$`).MatchString(out) || errs != "" {
			t.Fatalf("zcrm seed auth.yaml: exit %d, stdout %q, stderr %q", code, out, errs)
		}
		for _, c := range []struct{ name, content, want string }{
			{"bad.yaml", "users:\n  - email: a@b.test\n  - email: c@d.test\n    profile: Nope\n", `zcrm seed: $.users[1].profile: no profile "Nope" in org `},
			{"bad.yml", "records: [1", `zcrm seed: $: malformed YAML: line 1: did not find expected ',' or ']'` + "\n"},
			{"yaml.json", "records: {}\n", "zcrm seed: $: malformed JSON\n"},
		} {
			code, out, errs := zcrm(t, dsn, "seed", writeFile(t, c.name, c.content))
			if code != 1 || out != "" || !strings.HasPrefix(errs, c.want) || strings.Count(errs, "\n") != 1 {
				t.Errorf("zcrm seed %s: exit %d, stdout %q, stderr %q; want 1, %q", c.name, code, out, errs, c.want)
			}
		}
		if n := records(t, dsn); n != 1 {
			t.Fatalf("records = %d, want the one seeded", n)
		}
	})
}

// serve --seed judges "empty" as on first start, not by records alone: a fixture that makes only
// orgs, users and OAuth clients is applied once, and a restart leaves the database (and its fixed
// token) as it is rather than failing on the taken names.
func TestServeSeedWithoutRecords(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		dsn := storetest.DSN(t, b)
		file := writeFile(t, "auth.yaml", authFixture)
		_, stderr, stop := startServe(t, nil, "--db", dsn, "--seed", file)
		stop()
		if !regexp.MustCompile(`(?m)^seeded from ` + regexp.QuoteMeta(file) + `: \{"refs":\{"acme":"[0-9]+","acme.admin":"[0-9]+","app":"1000.FIXEDID","sam":"[0-9]+"\}\}$`).MatchString(stderr.String()) {
			t.Fatalf("first start: %s", stderr.String())
		}
		_, stderr, stop = startServe(t, nil, "--db", dsn, "--seed", file)
		stop()
		if !strings.Contains(stderr.String(), "not seeded from "+file+": the database is not empty\n") {
			t.Fatalf("second start: %s", stderr.String())
		}
		db := storetest.OpenDSN(t, dsn, store.Options{})
		var orgs, tokens int
		if err := db.SQL().QueryRow(`SELECT COUNT(*) FROM orgs`).Scan(&orgs); err != nil {
			t.Fatal(err)
		}
		if err := db.SQL().QueryRow(`SELECT COUNT(*) FROM oauth_access_tokens`).Scan(&tokens); err != nil {
			t.Fatal(err)
		}
		if orgs != 2 || tokens != 1 {
			t.Fatalf("%d orgs and %d access tokens, want the default org and Acme, and Sam's token", orgs, tokens)
		}
		bad := writeFile(t, "bad.yaml", "records: [1")
		if code, _, errs := zcrm(t, storetest.DSN(t, b), "serve", "--addr", "127.0.0.1:0", "--seed", bad); code != 1 ||
			!strings.Contains(errs, "zcrm serve: --seed "+bad+": $: malformed YAML: line 1: did not find expected ',' or ']'\n") {
			t.Fatalf("serve with malformed YAML: exit %d, %s", code, errs)
		}
	})
}
