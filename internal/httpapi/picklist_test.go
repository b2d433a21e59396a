package httpapi

import (
	"fmt"
	"testing"

	"github.com/zcrm/zcrm/internal/store/storetest"
)

// One rule for every picklist: a string the picklist does not offer is kept as given (Zoho's
// picklists are not restricted on API writes), "-None-" clears, a non-string is INVALID_DATA; a
// campaign member's Member_Status follows it, so Zoho's own samples' "Active" and "Planning" link.
func TestPicklistRule(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		tok := e.adminToken("ZohoCRM.modules.ALL")
		a := e.admin
		ids := e.insertIDs(tok, "/crm/v8/Leads", `{"data":[{"Last_Name":"Picky","Lead_Status":"Brand New","Rating":"-None-"}]}`)
		assertJSON(t, e.recordFields(tok, "Leads", ids[0], "Lead_Status", "Rating"), fmt.Sprintf(`{"Lead_Status":"Brand New","Rating":null,"id":%q}`, ids[0]))
		e.do("PUT", "/crm/v8/Leads/"+ids[0], tok, `{"data":[{"Lead_Status":5}]}`).
			expect(t, 400, `{"data":[{"code":"INVALID_DATA","details":{"api_name":"Lead_Status","json_path":"$.data[0].Lead_Status","expected_data_type":"picklist"},"message":"invalid data","status":"error"}]}`)
		e.do("PUT", "/crm/v8/Leads/"+ids[0], tok, `{"data":[{"Lead_Status":"Contacted"}]}`).
			expect(t, 200, `{"data":[`+updatedItem(ids[0], a, a)+`]}`)

		campaign := e.newRecord(a, "Campaigns", map[string]any{"Campaign_Name": "Launch"})
		lead := mustID(t, ids[0])
		contact := e.newRecord(a, "Contacts", map[string]any{"Last_Name": "Member"})
		e.do("PUT", fmt.Sprintf("/crm/v8/Campaigns/%d/Leads", campaign), tok, fmt.Sprintf(`{"data":[{"id":"%d","Member_Status":"Active"}]}`, lead)).
			expect(t, 200, relData(relOK("relation added", lead)))
		e.do("PUT", fmt.Sprintf("/crm/v8/Campaigns/%d/Contacts", campaign), tok, fmt.Sprintf(`{"data":[{"id":"%d","Member_Status":"Planning"}]}`, contact)).
			expect(t, 200, relData(relOK("relation added", contact)))
		e.do("PUT", fmt.Sprintf("/crm/v8/Campaigns/%d/Contacts", campaign), tok, fmt.Sprintf(`{"data":[{"id":"%d","Member_Status":true}]}`, contact)).
			expect(t, 400, relData(relErr("INVALID_DATA", "invalid data", `{"api_name":"Member_Status","json_path":"$.data[0].Member_Status","expected_data_type":"picklist"}`)))
		e.do("GET", fmt.Sprintf("/crm/v8/Campaigns/%d/Contacts?fields=Last_Name,Member_Status", campaign), tok, "").
			expect(t, 200, fmt.Sprintf(`{"data":[{"Last_Name":"Member","Member_Status":"Planning","id":"%d"}],"info":%s}`, contact, relInfo(200, 1, 1, false)))
	})
}
