package httpapi

import (
	"fmt"
	"testing"

	"github.com/zcrm/zcrm/internal/catalog"
	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/store/storetest"
)

// noteItem is a note write's success item: Zoho's Create/Update Notes examples carry no
// $approval_state.
func noteItem(id string, u crm.User, message string) string {
	return fmt.Sprintf(`{"code":"SUCCESS","details":{"Modified_Time":%q,"Modified_By":%s,"Created_Time":%q,"id":%q,"Created_By":%s},"message":%q,"status":"success"}`,
		now, by(u), now, id, by(u), message)
}

// itemIDs returns the details.id of each item of a write's answer ("" for an error item).
func itemIDs(t *testing.T, res response) []string {
	t.Helper()
	var out struct {
		Data []struct {
			Details map[string]any `json:"details"`
		} `json:"data"`
	}
	res.decode(t, &out)
	ids := make([]string, len(out.Data))
	for i, it := range out.Data {
		ids[i], _ = it.Details["id"].(string)
	}
	return ids
}

// Notes at the top level (/Notes, /Notes/{id}) and under a record (/{module}/{id}/Notes), with
// Zoho's Parent_Id shapes, its title-or-content rule and the parent's errors.
func TestNotes(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		tok := e.adminToken("ZohoCRM.modules.ALL")
		a := e.admin
		lead := e.newRecord(a, "Leads", map[string]any{"Last_Name": "Dogwood", "First_Name": "Dee"})
		leadMod := e.metaID(e.org.ID, catalog.KeyModule("Leads"))
		underLead := fmt.Sprintf("/crm/v8/Leads/%d/Notes", lead)

		// A record without notes: 204.
		e.do("GET", underLead+"?fields=Note_Title", tok, "").expect(t, 204, "")

		res := e.do("POST", "/crm/v8/Notes", tok, fmt.Sprintf(`{"data":[
			{"Note_Title":"Contacted","Note_Content":"Need to do further tracking","Parent_Id":{"module":{"api_name":"Leads","id":%q},"id":"%d"}},
			{"Parent_Id":{"module":{"api_name":"Leads"},"id":"%d"}},
			{"Note_Title":"Orphan"},
			{"Note_Title":"X","Parent_Id":{"module":{"api_name":"Notes"},"id":"%d"}},
			{"Note_Title":"X","Parent_Id":{"module":{"api_name":"Contacts"},"id":"%d"}},
			{"Note_Content":"older form","Parent_Id":"%d","$se_module":"Leads"}]}`, leadMod, lead, lead, lead, lead, lead))
		ids := itemIDs(t, res)
		n1, n2 := ids[0], ids[5]
		res.expect(t, 207, `{"data":[`+noteItem(n1, a, "record added")+`,
			{"code":"EXPECTED_FIELD_MISSING","details":{"expected_fields":[{"api_name":"Note_Content","json_path":"$.data[1].Note_Content"},{"api_name":"Note_Title","json_path":"$.data[1].Note_Title"}]},"message":"should contain either content or title","status":"error"},
			{"code":"MANDATORY_NOT_FOUND","details":{"api_name":"Parent_Id","json_path":"$.data[2].Parent_Id"},"message":"required field not found","status":"error"},
			{"code":"INVALID_DATA","details":{"api_name":"api_name","json_path":"$.data[3].Parent_Id.module.api_name"},"message":"invalid data","status":"error"},
			{"code":"INVALID_DATA","details":{"api_name":"Parent_Id","json_path":"$.data[4].Parent_Id"},"message":"invalid data","status":"error"},
			`+noteItem(n2, a, "record added")+`]}`)

		parent := fmt.Sprintf(`{"module":{"api_name":"Leads","id":%q},"name":"Dee Dogwood","id":"%d"}`, leadMod, lead)
		e.do("GET", "/crm/v8/Notes/"+n1, tok, "").expect(t, 200, `{"data":[{"id":"`+n1+`","Owner":`+ref(a)+`,"Note_Title":"Contacted",
			"Note_Content":"Need to do further tracking","Parent_Id":`+parent+`,"Created_By":`+ref(a)+`,"Modified_By":`+ref(a)+`,
			"Created_Time":"`+now+`","Modified_Time":"`+now+`"}]}`)
		rows := `[{"Note_Title":"Contacted","Parent_Id":` + parent + `,"id":"` + n1 + `"},{"Note_Title":null,"Parent_Id":` + parent + `,"id":"` + n2 + `"}]`
		e.do("GET", "/crm/v8/Notes?fields=Note_Title,Parent_Id&sort_order=asc", tok, "").expect(t, 200, `{"data":`+rows+`,
			"info":{"per_page":200,"count":2,"page":1,"sort_by":"id","sort_order":"asc","more_records":false,"next_page_token":null,"previous_page_token":null,"page_token_expiry":null,"call":false,"email":false}}`)
		// Get Notes takes fields as optional (Zoho's v8 Notes page): every field without it.
		e.do("GET", "/crm/v8/Notes?ids="+n1, tok, "").expect(t, 200, `{"data":[{"id":"`+n1+`","Owner":`+ref(a)+`,"Note_Title":"Contacted",
			"Note_Content":"Need to do further tracking","Parent_Id":`+parent+`,"Created_By":`+ref(a)+`,"Modified_By":`+ref(a)+`,
			"Created_Time":"`+now+`","Modified_Time":"`+now+`"}],
			"info":{"per_page":200,"count":1,"page":1,"sort_by":"id","sort_order":"desc","more_records":false,"next_page_token":null,"previous_page_token":null,"page_token_expiry":null,"call":false,"email":false}}`)
		e.do("GET", underLead+"?fields=Note_Title,Parent_Id&sort_order=asc", tok, "").expect(t, 200, `{"data":`+rows+`,"info":`+relInfo(200, 2, 1, false)+`}`)

		// Under a record: the record is the note's parent, whatever Parent_Id says.
		res = e.do("POST", underLead, tok, `{"data":[{"Note_Title":"Under","Parent_Id":{"module":{"api_name":"Contacts"},"id":"1"}},{"Note_Title":""}]}`)
		n3 := itemIDs(t, res)[0]
		res.expect(t, 207, `{"data":[`+noteItem(n3, a, "record added")+`,
			{"code":"EXPECTED_FIELD_MISSING","details":{"expected_fields":[{"api_name":"Note_Content","json_path":"$.data[1].Note_Content"},{"api_name":"Note_Title","json_path":"$.data[1].Note_Title"}]},"message":"should contain either content or title","status":"error"}]}`)
		e.do("GET", underLead+"/"+n3+"?fields=Note_Title", tok, "").expect(t, 200, `{"data":[{"Note_Title":"Under","id":"`+n3+`"}],"info":`+relInfo(200, 1, 1, false)+`}`)
		e.do("POST", "/crm/v8/Leads/111111111111111111/Notes", tok, `{"data":[{"Note_Title":"x"}]}`).expect(t, 400,
			`{"code":"INVALID_DATA","details":{"resource_path_index":1},"message":"the related id given seems to be invalid","status":"error"}`)
		e.do("POST", fmt.Sprintf("/crm/v8/Notes/%s/Notes", n1), tok, `{"data":[{"Note_Title":"x"}]}`).expect(t, 400,
			`{"code":"INVALID_MODULE","details":{"resource_path_index":0},"message":"the module name given seems to be invalid","status":"error"}`)
		e.do("POST", fmt.Sprintf("/crm/v8/Leads/%d/Products", lead), tok, `{"data":[{"id":"1"}]}`).expect(t, 400,
			`{"code":"INVALID_REQUEST_METHOD","details":{},"message":"The http request method type is not a valid one","status":"error"}`)
		// Linking through the related-records API stays unsupported for notes.
		e.do("PUT", underLead, tok, `{"data":[{"id":"`+n1+`"}]}`).expect(t, 400,
			`{"code":"NOT_SUPPORTED","details":{"resource_path_index":2},"message":"the relation given is not supported for this operation","status":"error"}`)

		// Update many, update one.
		e.do("PUT", "/crm/v8/Notes", tok, `{"data":[{"id":"`+n1+`","Note_Title":"Follow-up Completed"},{"id":"`+n2+`"}]}`).expect(t, 207,
			`{"data":[`+noteItem(n1, a, "record updated")+`,{"code":"EXPECTED_FIELD_MISSING","details":{"expected_fields":[{"api_name":"Note_Content","json_path":"$.data[1].Note_Content"},{"api_name":"Note_Title","json_path":"$.data[1].Note_Title"}]},"message":"should contain either content or title","status":"error"}]}`)
		e.do("PUT", "/crm/v8/Notes/"+n2, tok, `{"data":[{"Note_Title":"Now titled"}]}`).expect(t, 200, `{"data":[`+noteItem(n2, a, "record updated")+`]}`)
		e.do("GET", "/crm/v8/Notes?fields=Note_Title&ids="+n1+","+n2, tok, "").expect(t, 200, `{"data":[{"Note_Title":"Now titled","id":"`+n2+`"},{"Note_Title":"Follow-up Completed","id":"`+n1+`"}],
			"info":{"per_page":200,"count":2,"page":1,"sort_by":"id","sort_order":"desc","more_records":false,"next_page_token":null,"previous_page_token":null,"page_token_expiry":null,"call":false,"email":false}}`)

		// Delete many (Zoho's 207 example), then the parent: its notes go with it.
		e.do("DELETE", "/crm/v8/Notes?ids="+n1+",111111111111111111", tok, "").expect(t, 207, `{"data":[`+deletedItem(n1)+`,
			{"code":"INVALID_DATA","details":{"id":"111111111111111111"},"message":"record not deleted","status":"error"}]}`)
		e.do("DELETE", fmt.Sprintf("/crm/v8/Leads/%d", lead), tok, "").expect(t, 200, `{"data":[`+deletedItem(fmt.Sprint(lead))+`]}`)
		e.do("GET", "/crm/v8/Notes?fields=Note_Title", tok, "").expect(t, 204, "")
	})
}

// Notes need the Notes scope and permissions; a record's notes list needs the record's module's.
func TestNotesAccess(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		lead := e.newRecord(e.admin, "Leads", map[string]any{"Last_Name": "L"})
		leadsOnly := e.adminToken("ZohoCRM.modules.leads.ALL")
		body := fmt.Sprintf(`{"data":[{"Note_Title":"t","Parent_Id":{"module":{"api_name":"Leads"},"id":"%d"}}]}`, lead)
		e.do("POST", "/crm/v8/Notes", leadsOnly, body).expect(t, 401, errScope)
		e.do("POST", fmt.Sprintf("/crm/v8/Leads/%d/Notes", lead), leadsOnly, `{"data":[{"Note_Title":"t"}]}`).expect(t, 401, errScope)
		e.do("GET", fmt.Sprintf("/crm/v8/Leads/%d/Notes?fields=Note_Title", lead), leadsOnly, "").expect(t, 204, "")
		notesOnly := e.adminToken("ZohoCRM.modules.notes.CREATE")
		res := e.do("POST", fmt.Sprintf("/crm/v8/Leads/%d/Notes", lead), notesOnly, `{"data":[{"Note_Title":"t"}]}`)
		res.expect(t, 201, `{"data":[`+noteItem(itemIDs(t, res)[0], e.admin, "record added")+`]}`)
		tok := e.userToken("clerk@zcrm.local", e.newProfile("No Notes", "Crm_Implied_Create_Notes"))
		denied := `{"code":"NO_PERMISSION","details":{"permissions":["Crm_Implied_Create_Notes"]},"message":"permission denied","status":"error"}`
		e.do("POST", "/crm/v8/Notes", tok, body).expect(t, 403, denied)
		e.do("POST", fmt.Sprintf("/crm/v8/Leads/%d/Notes", lead), tok, `{"data":[{"Note_Title":"t"}]}`).expect(t, 403, denied)
	})
}
