package admin_test

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/zcrm/zcrm/internal/admin"
	"github.com/zcrm/zcrm/internal/httpapi"
	"github.com/zcrm/zcrm/internal/journal"
	"github.com/zcrm/zcrm/internal/store/storetest"
)

// journaled serves e again with a request journal of 100 entries behind the admin API.
func (e *env) journaled(adminToken string) {
	jr := journal.New(e.db, 100, nil)
	e.t.Cleanup(func() { jr.Close() })
	e.api = httpapi.NewServer(httpapi.Deps{Store: e.db, PublicURL: "http://zcrm.test", Journal: jr,
		Admin: admin.NewHandler(&admin.Service{Store: e.db, Journal: jr}, adminToken, nil, jr.Handler())})
	e.srv = httptest.NewServer(e.api)
	e.t.Cleanup(e.srv.Close)
}

// The request journal is served at /__zcrm/requests behind the admin API's access rule: a CRM
// request made before shows in GET, DELETE clears it, and a server without a journal answers 404.
func TestRequestsEndpoint(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b, "adm1n")
		e.journaled("adm1n")

		tok := e.token(e.admin)
		if r := e.do("GET", "/crm/v8/Nope", "Zoho-oauthtoken "+tok, ""); r.status != 400 {
			t.Fatalf("CRM request: %d %s", r.status, r.body)
		}
		if r := e.do("GET", "/__zcrm/requests", "", ""); r.status != 401 {
			t.Fatalf("journal without the admin token: %d %s, want 401", r.status, r.body)
		}
		r := e.do("GET", "/__zcrm/requests?path=/crm/", "Bearer adm1n", "")
		var got struct {
			Requests []struct {
				Method string  `json:"method"`
				Path   string  `json:"path"`
				Status int     `json:"status"`
				Code   *string `json:"code"`
			} `json:"requests"`
		}
		if err := json.Unmarshal([]byte(r.body), &got); err != nil || r.status != 200 {
			t.Fatalf("GET /__zcrm/requests: %d %s (%v)", r.status, r.body, err)
		}
		if len(got.Requests) != 1 || got.Requests[0].Method != "GET" || got.Requests[0].Path != "/crm/v8/Nope" ||
			got.Requests[0].Status != 400 || got.Requests[0].Code == nil || *got.Requests[0].Code != "INVALID_MODULE" {
			t.Fatalf("journal: %s", r.body)
		}
		if r := e.do("DELETE", "/__zcrm/requests", "Bearer adm1n", ""); r.status != 204 {
			t.Fatalf("DELETE: %d %s", r.status, r.body)
		}
		if r := e.do("GET", "/__zcrm/requests?path=/crm/", "Bearer adm1n", ""); r.status != 200 || r.body != `{"requests":[]}` {
			t.Fatalf("after DELETE: %d %s", r.status, r.body)
		}

		off := newEnv(t, b, "")
		r = off.do("GET", "/__zcrm/requests", "", "")
		if r.status != 404 || r.body != `{"code":"NOT_FOUND","message":"the request journal is off"}` {
			t.Fatalf("no journal: %d %s", r.status, r.body)
		}
	})
}

// A full reset empties the journal (on PostgreSQL the shared table too); a reset keeping auth does not.
func TestFullResetClearsJournal(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b, "")
		e.journaled("")
		tok := e.token(e.admin)
		e.crm("GET", "/crm/v8/Nope", tok, "")
		e.do("POST", "/__zcrm/reset?keep=auth", "", "")
		if r := e.do("GET", "/__zcrm/requests?path=/crm/", "", ""); r.status != 200 || !strings.Contains(r.body, `"path":"/crm/v8/Nope"`) {
			t.Fatalf("after reset?keep=auth: %d %s", r.status, r.body)
		}
		e.do("POST", "/__zcrm/reset", "", "")
		e.do("GET", "/__zcrm/requests", "", "").expect(t, 200, `{"requests":[]}`)
	})
}
