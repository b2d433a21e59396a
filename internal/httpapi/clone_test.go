package httpapi

import (
	"fmt"
	"testing"

	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/store/storetest"
)

// Record Clone (POST /{module}/{id}/actions/clone): a new record with the source's field values and
// owner, the body's fields applied over them; answered as an insert, checked as one (unique fields,
// mandatory fields); the source must be one the caller may read.
func TestCloneRecord(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		tok := e.adminToken("ZohoCRM.modules.ALL")
		a := e.admin
		std := e.newUser(e.org.ID, "std@zcrm.local", crm.ProfileStandard)
		acct := e.newRecord(a, "Accounts", map[string]any{"Account_Name": "Zylker"})
		paul := e.newRecord(std, "Leads", map[string]any{"Last_Name": "Daly", "First_Name": "Paul", "Email": "p.daly@zylker.com",
			"Company": "ABC", "Lead_Source": "Partner"})
		path := fmt.Sprintf("/crm/v8/Leads/%d/actions/clone", paul)
		fields := []string{"First_Name", "Last_Name", "Email", "Company", "Lead_Source", "Owner"}

		// Zoho's example: a new email (Email is unique), the rest kept, the owner too.
		res := e.do("POST", path, tok, `{"data":[{"Email":"paul.daly@zylker.com","id":"1"}],"skip_feature_execution":[{"name":"cadences"}]}`)
		clone := itemIDs(t, res)[0]
		res.expect(t, 201, `{"data":[`+addedItem(clone, a)+`]}`)
		assertJSON(t, e.recordFields(tok, "Leads", clone, fields...), fmt.Sprintf(`{"First_Name":"Paul","Last_Name":"Daly","Email":"paul.daly@zylker.com",
			"Company":"ABC","Lead_Source":"Partner","Owner":%s,"id":%q}`, ref(std), clone))

		// Without a body the copy keeps the email, which another lead holds: Zoho's duplicate answer.
		e.do("POST", path, tok, "").expect(t, 400, `{"data":[`+duplicateItem("Email", 0, "Leads", e.moduleID("Leads"), paul, std, false)+`]}`)
		// A contact without a unique value clones as it is; a lookup is copied with its record.
		ash := e.newRecord(a, "Contacts", map[string]any{"Last_Name": "Ash", "Account_Name": map[string]any{"id": fmt.Sprint(acct)}})
		res = e.do("POST", fmt.Sprintf("/crm/v8/Contacts/%d/actions/clone", ash), tok, "")
		copyID := itemIDs(t, res)[0]
		res.expect(t, 201, `{"data":[`+addedItem(copyID, a)+`]}`)
		assertJSON(t, e.recordFields(tok, "Contacts", copyID, "Last_Name", "Account_Name"),
			fmt.Sprintf(`{"Last_Name":"Ash","Account_Name":{"name":"Zylker","id":"%d"},"id":%q}`, acct, copyID))

		// The body is checked as an update's: a mandatory field emptied, a wrong type.
		e.do("POST", path, tok, `{"data":[{"Last_Name":"","Email":"x@zylker.com"}]}`).expect(t, 400,
			`{"data":[{"code":"MANDATORY_NOT_FOUND","details":{"api_name":"Last_Name","json_path":"$.data[0].Last_Name"},"message":"required field not found","status":"error"}]}`)
		e.do("POST", path, tok, `{"data":{}}`).expect(t, 400,
			`{"code":"INVALID_DATA","details":{"api_name":"data","json_path":"$.data","expected_data_type":"jsonarray"},"message":"invalid data","status":"error"}`)

		// The source: an unknown id, another module's, one data sharing hides; the scope is Create's.
		invalidID := `{"code":"INVALID_DATA","details":{"resource_path_index":1},"message":"the id given seems to be invalid","status":"error"}`
		e.do("POST", "/crm/v8/Leads/111111111111111111/actions/clone", tok, "").expect(t, 400, invalidID)
		e.do("POST", fmt.Sprintf("/crm/v8/Contacts/%d/actions/clone", paul), tok, "").expect(t, 400, invalidID)
		e.setSharing("Contacts", "private")
		e.do("POST", fmt.Sprintf("/crm/v8/Contacts/%d/actions/clone", ash), e.token(std, "ZohoCRM.modules.ALL"), "").expect(t, 400, invalidID)
		e.do("POST", path, e.adminToken("ZohoCRM.modules.leads.READ"), "").expect(t, 401, errScope)
		e.do("GET", path, tok, "").expect(t, 400,
			`{"code":"INVALID_REQUEST_METHOD","details":{},"message":"The http request method type is not a valid one","status":"error"}`)
	})
}
