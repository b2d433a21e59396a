package engine_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/zcrm/zcrm/zcrmtest"
)

// BenchmarkInsertLeads is POST /Leads with 10 leads per request on SQLite: the insert path's cost,
// which the custom-view enrolment hook must keep to one cheap query when the org has no active
// custom-view cadence for the module (an org with only a manual cadence, as here).
func BenchmarkInsertLeads(b *testing.B) {
	srv := zcrmtest.NewServer(b)
	srv.Seed(`{"cadences": [{"name": "Manual", "module": {"api_name": "Leads"}, "type": "manual_enrollment", "published": true, "active": true,
		"follow_ups": [{"reference_id": "t", "execute_after": {"unit": 1, "period": "days"}, "action": {"type": "tasks", "name": "Call"}}]}]}`)
	tok := "Zoho-oauthtoken " + srv.Token(srv.Admin, zcrmtest.FullScope...).AccessToken
	var rows []string
	for i := range 10 {
		rows = append(rows, fmt.Sprintf(`{"Last_Name": "Bench %d", "Company": "Acme", "Lead_Status": "Not Contacted"}`, i))
	}
	body := `{"data": [` + strings.Join(rows, ",") + `]}`
	b.ReportAllocs()
	for b.Loop() {
		req, _ := http.NewRequest("POST", srv.URL+"/crm/v8/Leads", strings.NewReader(body))
		req.Header.Set("Authorization", tok)
		res, err := srv.HTTPClient().Do(req)
		if err != nil {
			b.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusCreated {
			b.Fatalf("status %d", res.StatusCode)
		}
	}
}
