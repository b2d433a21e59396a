package oastest

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Every shared file loads, with its remote references mapped to the local copies.
func TestEverySharedFileLoads(t *testing.T) {
	dir := Require(t)
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no OpenAPI files in %s (%v)", dir, err)
	}
	for _, f := range files {
		if _, err := Load(filepath.Base(f)); err != nil {
			t.Errorf("%s: %v", filepath.Base(f), err)
		}
	}
}

// seed002 is the sample response of the Get Cadences seed, unchanged.
const seed002 = `{"cadences":[{"summary":{"task_follow_up_count":1,"call_follow_up_count":1,"email_follow_up_count":1},
"created_time":"2024-07-17T20:38:22-0700","module":{"api_name":"Contacts","id":"3652397000000002179"},"active":true,
"execution_details":{"unenroll_properties":{"end_date":"","type":"respond_email"},"end_date":"","automatic_unenroll":false,
"type":"respond_email","execute_every":{"unit":1,"period":"hours"}},"published":true,"type":"Custom view",
"created_by":{"name":"Patricia Boyle","id":"3652397000000186017"},"modified_time":"2024-07-17T23:01:40-0700","name":"CadenceTest1",
"modified_by":{"name":"Patricia Boyle","id":"3652397000000186017"},"id":"3652397000017949001",
"custom_view":{"name":"All Contacts","id":3652397000000087529},"status":"active"},
{"summary":{"task_follow_up_count":0,"call_follow_up_count":0,"email_follow_up_count":1},"created_time":"2024-07-17T23:06:07-0700",
"module":{"api_name":"Contacts","id":"3652397000000002179"},"active":false,"execution_details":null,"published":true,
"type":"Manual enrollment","created_by":{"name":"Patricia Boyle","id":"3652397000000186017"},"modified_time":"2024-07-17T23:34:40-0700",
"name":"test 2","modified_by":{"name":"Patricia Boyle","id":"3652397000000186017"},"id":"3652397000017985012","custom_view":null,
"status":"inactive"}],"info":{"per_page":50,"count":2,"page":1,"more_records":false}}`

// seed000 is the sample response of the un-enrol seed.
const seed000 = `{"data":[{"code":"SUCCESS","details":{"cadences":[{"name":"CadenceTest1","id":"554023000004092008"}],
"id":"554023000001798647"},"message":"records manually unenrolled","status":"success"}]}`

// The seeds' own samples pass: the nulls of Get Cadences are accepted although the file does not
// mark those objects nullable.
func TestSeedSamplesValidate(t *testing.T) {
	Require(t)
	ValidateResponse(t, "cadences.json", "GET", "/crm/v7/settings/automation/cadences", 200, seed002)
	ValidateResponse(t, "cadences.json", "GET", "/crm/v8/settings/automation/cadences?page=1&", 204, "")
	ValidateResponse(t, "cadences_execution.json", "POST", "/crm/v7/Contacts/actions/unenrol_from_cadences", 200, seed000)
	ValidateResponse(t, "cadences_execution.json", "POST", "/crm/v8/Leads/actions/enrol_in_cadences", 200, []byte(seed000))
	// Overlapping oneOf alternatives (BodyErrorDetails / InvalidValueDetails) are a union, not an error.
	ValidateResponse(t, "cadences_execution.json", "POST", "/crm/v8/Leads/actions/enrol_in_cadences", 400,
		`{"data":[{"code":"INVALID_DATA","details":{"api_name":"ids","json_path":"$.ids[0]"},"message":"the given id seems to be invalid","status":"error"}]}`)
}

// Bodies that break the schema are reported, and so are statuses and paths the file does not document.
func TestValidateRejects(t *testing.T) {
	Require(t)
	doc, err := Load("cadences.json")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, method, path string
		status             int
		body               string
		undocumented       bool
	}{
		{"wrong type", "GET", "/crm/v8/settings/automation/cadences", 200, strings.Replace(seed002, `"active":true`, `"active":"yes"`, 1), false},
		{"missing required key", "GET", "/crm/v8/settings/automation/cadences", 200, strings.Replace(seed002, `"published":true,"type":"Custom view",`, ``, 1), false},
		{"missing wrapper", "GET", "/crm/v8/settings/automation/cadences", 200, `{"info":{}}`, false},
		{"not JSON", "GET", "/crm/v8/settings/automation/cadences", 200, `{`, false},
		{"body on 204", "GET", "/crm/v8/settings/automation/cadences", 204, `{}`, false},
		{"undocumented status", "GET", "/crm/v8/settings/automation/cadences", 207, `{}`, true},
		{"undocumented method", "DELETE", "/crm/v8/settings/automation/cadences", 200, `{}`, true},
		{"undocumented path", "GET", "/crm/v8/settings/automation/cadences/1", 200, `{}`, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := Validate(doc, c.method, c.path, c.status, []byte(c.body))
			if err == nil {
				t.Fatal("Validate accepted it")
			}
			if got := errors.Is(err, ErrUndocumented); got != c.undocumented {
				t.Fatalf("errors.Is(ErrUndocumented) = %v, want %v (%v)", got, c.undocumented, err)
			}
		})
	}
	if !Documented(t, "cadences.json", "GET", "/crm/v2/settings/automation/cadences", 200) {
		t.Error("Documented(GET list, 200) = false")
	}
	if Documented(t, "cadences.json", "GET", "/crm/v2/settings/automation/cadences", 201) {
		t.Error("Documented(GET list, 201) = true")
	}
}

// ValidateResponse reports a mismatch as a test failure.
func TestValidateResponseFailsTheTest(t *testing.T) {
	Require(t)
	ft := &fakeT{TB: t}
	ValidateResponse(ft, "cadences.json", "GET", "/crm/v8/settings/automation/cadences", 200, `{"cadences":"x"}`)
	if !ft.failed {
		t.Fatal("a bad body did not fail the test")
	}
}

// A missing file in a folder that is there is always an error.
func TestMissingFileFails(t *testing.T) {
	if _, err := LoadFrom(t.TempDir(), "cadences.json"); err == nil {
		t.Fatal("loading from an empty folder succeeded")
	}
}

// A missing folder skips the checks with a one-line reason, and the rest of the test runs on —
// except when CI is set, where it fails the test with a message naming the folder.
func TestMissingFolder(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module x\n"), 0o644)
	t.Chdir(dir) // a module root with no ../shared next to it
	if _, err := SpecDir(); !errors.Is(err, ErrMissing) || !strings.Contains(err.Error(), filepath.Join(filepath.Dir(dir), "shared")) {
		t.Fatalf("SpecDir without ../shared = %v, want ErrMissing naming the folder", err)
	}

	t.Setenv("CI", "")
	ft := &fakeT{TB: t}
	if d, ok := Dir(ft); ok || d != "" || ft.failed || len(ft.logs) != 1 || !strings.Contains(ft.logs[0], "OpenAPI checks skipped") {
		t.Fatalf("Dir off CI = %q, %v, failed %v, logs %q; want a skip noted once", d, ok, ft.failed, ft.logs)
	}
	ValidateResponse(ft, "cadences.json", "GET", "/crm/v8/settings/automation/cadences", 200, `{"cadences":"x"}`)
	if Documented(ft, "cadences.json", "GET", "/crm/v8/settings/automation/cadences", 200) || ft.failed {
		t.Fatalf("checks off CI: Documented = true or failed = %v, want both skipped", ft.failed)
	}
	if len(ft.logs) != 1 || strings.Contains(ft.logs[0], "\n") {
		t.Fatalf("logs = %q, want the one-line reason once per test", ft.logs)
	}
	ft = &fakeT{TB: t}
	if Require(ft); !ft.skipped || ft.failed {
		t.Fatalf("Require off CI: skipped %v, failed %v; want skipped", ft.skipped, ft.failed)
	}

	t.Setenv("CI", "true")
	ft = &fakeT{TB: t}
	ValidateResponse(ft, "cadences.json", "GET", "/crm/v8/settings/automation/cadences", 200, `{}`)
	if !ft.failed || len(ft.logs) != 0 || !strings.Contains(ft.fatal, "CI is set") || !strings.Contains(ft.fatal, "shared") {
		t.Fatalf("on CI: failed %v, fatal %q, logs %q; want a failure naming the folder", ft.failed, ft.fatal, ft.logs)
	}
	ft = &fakeT{TB: t}
	if Require(ft); !ft.failed || ft.skipped {
		t.Fatalf("Require on CI: failed %v, skipped %v; want failed", ft.failed, ft.skipped)
	}
}

// A reference to a v8.0 file that is not shared accepts anything instead of failing the load.
func TestRewriteReferences(t *testing.T) {
	in := `{"a":{"$ref":"https://raw.githubusercontent.com/x/y/refs/heads/main/v8.0/common.json#/components/schemas/E"},
		"b":{"$ref":"https://raw.githubusercontent.com/x/y/refs/heads/main/v8.0/tags.json#/components/schemas/T"},
		"c":{"oneOf":[{"type":"string"}]},"d":{"properties":{"type":{"type":"string"}}}}`
	out, err := rewrite([]byte(in), func(n string) bool { return n == "common.json" })
	if err != nil {
		t.Fatal(err)
	}
	want := `{"a":{"$ref":"common.json#/components/schemas/E"},"b":{},"c":{"anyOf":[{"nullable":true,"type":"string"}]},"d":{"properties":{"type":{"nullable":true,"type":"string"}}}}`
	if string(out) != want {
		t.Fatalf("rewrite =\n%s\nwant\n%s", out, want)
	}
}

// fakeT records what a helper did to a test instead of doing it.
type fakeT struct {
	testing.TB
	failed, skipped bool
	fatal           string
	logs            []string
}

func (f *fakeT) Errorf(string, ...any) { f.failed = true }
func (f *fakeT) Fatalf(format string, args ...any) {
	f.failed, f.fatal = true, fmt.Sprintf(format, args...)
}
func (f *fakeT) Skip(args ...any) { f.skipped = true }
func (f *fakeT) Log(args ...any)  { f.logs = append(f.logs, fmt.Sprint(args...)) }
func (f *fakeT) Helper()          {}
