package httpapi

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// The body is read before any transaction, and a handler may ask for it in each attempt of a
// retried transaction: every call returns a fresh copy of what the client sent, unaffected by what
// an earlier attempt did to its copy, nested values included.
func TestBodyDecodesAFreshCopyPerCall(t *testing.T) {
	c := &call{r: httptest.NewRequest("POST", "/crm/v8/Leads", strings.NewReader(`{"data":[{"Last_Name":"A"}]}`))}
	c.readBody()
	first, err := c.body()
	if err != nil {
		t.Fatal(err)
	}
	first["data"].([]any)[0].(map[string]any)["Last_Name"] = "changed by attempt one"
	if again, _ := c.body(); again["data"].([]any)[0].(map[string]any)["Last_Name"] != "A" {
		t.Fatalf("second copy = %v, want the body as sent", again)
	}
	first["data"] = "changed by attempt one"
	second, err := c.body()
	if err != nil {
		t.Fatal(err)
	}
	rows, ok := second["data"].([]any)
	if !ok || len(rows) != 1 || rows[0].(map[string]any)["Last_Name"] != "A" {
		t.Fatalf("second decode = %v, want the body as sent", second)
	}
}

// Malformed bodies are Zoho's 400, on every call.
func TestBodyMalformed(t *testing.T) {
	for _, b := range []string{`{`, `[1,2]`, `"x"`, `{"a":1} {"b":2}`, `{"a":1}x`,
		`{"data":[{"Last_Name":"a\u0000b"}]}`, `{"a\u0000":1}`, `{"contact_roles":[{"name":"\u0000"}]}`} {
		c := &call{r: httptest.NewRequest("POST", "/crm/v8/Leads", strings.NewReader(b))}
		c.readBody()
		for i := 0; i < 2; i++ {
			if _, err := c.body(); err == nil || !strings.Contains(err.Error(), "UNABLE_TO_PARSE_DATA_TYPE") {
				t.Fatalf("body %q call %d: err = %v, want UNABLE_TO_PARSE_DATA_TYPE", b, i, err)
			}
		}
	}
}

// A body that merely mentions \u0000 as text (an escaped backslash) is read as any other.
func TestBodyEscapedBackslashNotNUL(t *testing.T) {
	c := &call{r: httptest.NewRequest("POST", "/crm/v8/Leads", strings.NewReader(`{"data":[{"Last_Name":"a\\u0000b"}]}`))}
	c.readBody()
	got, err := c.body()
	if err != nil || got["data"].([]any)[0].(map[string]any)["Last_Name"] != `a\u0000b` {
		t.Fatalf("body = %v, %v", got, err)
	}
}
