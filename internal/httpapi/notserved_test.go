package httpapi

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/zcrm/zcrm/internal/oastest"
	"github.com/zcrm/zcrm/internal/store/storetest"
)

// placeholders fills a route pattern's {name} segments with values that name something plausible.
var placeholders = strings.NewReplacer("{module}", "Leads", "{id}", "111111111111111111", "{related_list}", "Notes",
	"{module_api_name}", "Leads", "{record_id}", "111111111111111111", "{related_list_api_name}", "Notes",
	"{related_record_id}", "222222222222222222", "{external_value}", "111111111111111111",
	"{external_field_value}", "111111111111111111", "{api_name}", "Leads", "{field}", "111111111111111111",
	"{user}", "111111111111111111")

// An API Zoho documents and zcrm does not serve answers, once authenticated, 400 NOT_SUPPORTED with
// its method and path; without a token it is 401 like any CRM call.
func TestNotServed(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		tok := e.adminToken("ZohoCRM.modules.ALL", "ZohoCRM.settings.ALL", "ZohoCRM.users.ALL", "ZohoCRM.org.ALL")
		for _, a := range notServedAPIs {
			path := "/crm/v8/" + placeholders.Replace(a.pattern)
			want, _ := json.Marshal(map[string]any{"code": "NOT_SUPPORTED", "details": map[string]string{"method": a.method, "path": path},
				"message": "zcrm does not serve this API yet", "status": "error"})
			e.do(a.method, path, tok, "").expect(t, 400, string(want))
			e.do(a.method, path, "", "").expect(t, 401, `{"code":"AUTHENTICATION_FAILURE","details":{},"message":"Authentication failed","status":"error"}`)
		}
	})
}

// Every path and method of Zoho's v8 OpenAPI files is served or answers NOT_SUPPORTED: none falls
// into INVALID_URL_PATTERN or INVALID_REQUEST_METHOD.
func TestEveryDocumentedAPIIsRouted(t *testing.T) {
	dir, ok := oastest.Dir(t)
	if !ok {
		return
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("Zoho's OpenAPI files in %s: %v", dir, err)
	}
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		tok := e.adminToken("ZohoCRM.modules.ALL", "ZohoCRM.settings.ALL", "ZohoCRM.users.ALL", "ZohoCRM.org.ALL")
		unrouted := regexp.MustCompile(`"code":"(INVALID_URL_PATTERN|INVALID_REQUEST_METHOD)"`)
		checked := 0
		for _, f := range files {
			raw, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var doc struct {
				Paths map[string]map[string]json.RawMessage `json:"paths"`
			}
			if err := json.Unmarshal(raw, &doc); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			for path, ops := range doc.Paths {
				if !strings.HasPrefix(path, "/crm/v8/") {
					continue
				}
				for method := range ops {
					method = strings.ToUpper(method)
					if !strings.Contains("GET POST PUT PATCH DELETE", method) {
						continue
					}
					checked++
					r := e.do(method, placeholders.Replace(path), tok, "")
					if r.status == 404 || unrouted.MatchString(r.body) {
						t.Errorf("%s %s (%s) is not routed: %d %s", method, path, filepath.Base(f), r.status, r.body)
					}
				}
			}
		}
		if checked < 50 {
			t.Fatalf("checked %d documented operations, want the whole v8 set", checked)
		}
	})
}
