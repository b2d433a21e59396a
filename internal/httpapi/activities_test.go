package httpapi

import (
	"fmt"
	"strings"
	"testing"

	"github.com/zcrm/zcrm/internal/store/storetest"
)

// Tasks, Calls and Events link records with What_Id and $se_module (Who_Id: a contact) and show in
// the Tasks, Calls and Events related lists of what they link; the record's deletion takes them.
func TestActivities(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		tok := e.adminToken("ZohoCRM.modules.ALL")
		a := e.admin
		lead := e.newRecord(a, "Leads", map[string]any{"Last_Name": "Dogwood", "First_Name": "Dee"})
		contact := e.newRecord(a, "Contacts", map[string]any{"Last_Name": "Ash"})
		deal := e.newRecord(a, "Deals", map[string]any{"Deal_Name": "Big One", "Stage": "Qualification"})

		res := e.do("POST", "/crm/v8/Tasks", tok, fmt.Sprintf(`{"data":[
			{"Subject":"Call back","Due_Date":"2024-07-20","Status":"Not Started","Priority":"High","What_Id":{"id":"%d"},"$se_module":"Leads"},
			{"Subject":"Send terms","What_Id":"%d","$se_module":"Deals","Who_Id":{"id":"%d"}},
			{"Subject":"No module","What_Id":{"id":"%d"}},
			{"Subject":"Contacts are Who_Id","What_Id":{"id":"%d"},"$se_module":"Contacts"},
			{"Subject":"Wrong module","What_Id":{"id":"%d"},"$se_module":"Deals"},
			{"Subject":"Unknown module","What_Id":{"id":"%d"},"$se_module":"Nope"},
			{"Subject":"Bad id","What_Id":true,"$se_module":"Leads"}]}`, lead, deal, contact, lead, contact, lead, lead))
		ids := itemIDs(t, res)
		t1, t2 := ids[0], ids[1]
		bad := func(api, path string) string {
			return fmt.Sprintf(`{"code":"INVALID_DATA","details":{"api_name":%q,"json_path":%q},"message":"invalid data","status":"error"}`, api, path)
		}
		res.expect(t, 207, `{"data":[`+addedItem(t1, a)+`,`+addedItem(t2, a)+`,`+
			bad("What_Id", "$.data[2].What_Id")+`,`+bad("$se_module", "$.data[3].$se_module")+`,`+
			bad("What_Id", "$.data[4].What_Id")+`,`+bad("$se_module", "$.data[5].$se_module")+`,`+
			`{"code":"INVALID_DATA","details":{"api_name":"What_Id","json_path":"$.data[6].What_Id","expected_data_type":"lookup"},"message":"invalid data","status":"error"}]}`)

		e.do("GET", "/crm/v8/Tasks/"+t1, tok, "").expect(t, 200, `{"data":[{"id":"`+t1+`","Owner":`+ref(a)+`,"Subject":"Call back",
			"Due_Date":"2024-07-20","Status":"Not Started","Priority":"High","Who_Id":null,
			"What_Id":{"name":"Dee Dogwood","id":"`+fmt.Sprint(lead)+`"},"$se_module":"Leads","Send_Notification_Email":null,"Description":null,
			"Created_By":`+ref(a)+`,"Modified_By":`+ref(a)+`,"Created_Time":"`+now+`","Modified_Time":"`+now+`"}]}`)
		what := func(name string, id int64, module string) string {
			return fmt.Sprintf(`"What_Id":{"name":%q,"id":"%d"},"$se_module":%q`, name, id, module)
		}
		list := func(path string, rows ...string) {
			t.Helper()
			if len(rows) == 0 {
				e.do("GET", "/crm/v8/"+path, tok, "").expect(t, 204, "")
				return
			}
			e.do("GET", "/crm/v8/"+path, tok, "").expect(t, 200, `{"data":[`+strings.Join(rows, ",")+`],"info":`+relInfo(200, len(rows), 1, false)+`}`)
		}
		list(fmt.Sprintf("Leads/%d/Tasks?fields=Subject,What_Id", lead), `{"Subject":"Call back",`+what("Dee Dogwood", lead, "Leads")+`,"id":"`+t1+`"}`)
		list(fmt.Sprintf("Deals/%d/Tasks?fields=Subject,Who_Id", deal), `{"Subject":"Send terms","Who_Id":{"name":"Ash","id":"`+fmt.Sprint(contact)+`"},"id":"`+t2+`"}`)
		list(fmt.Sprintf("Contacts/%d/Tasks?fields=Subject", contact), `{"Subject":"Send terms","id":"`+t2+`"}`)
		list(fmt.Sprintf("Leads/%d/Calls?fields=Subject", lead))

		c1 := e.insertIDs(tok, "/crm/v8/Calls", fmt.Sprintf(`{"data":[{"Subject":"Intro","Call_Type":"Outbound","Call_Start_Time":"2024-07-18T10:00:00+00:00","Call_Duration":"10:00","What_Id":{"id":"%d"},"$se_module":"Leads"}]}`, lead))[0]
		ev := e.insertIDs(tok, "/crm/v8/Events", fmt.Sprintf(`{"data":[{"Event_Title":"Demo","Start_DateTime":"2024-07-19T10:00:00+00:00","End_DateTime":"2024-07-19T11:00:00+00:00","What_Id":{"id":"%d"},"$se_module":"Deals","Who_Id":{"id":"%d"}}]}`, deal, contact))[0]
		list(fmt.Sprintf("Leads/%d/Calls?fields=Subject,Call_Type,Call_Start_Time,Call_Duration", lead),
			`{"Subject":"Intro","Call_Type":"Outbound","Call_Start_Time":"2024-07-18T10:00:00+00:00","Call_Duration":"10:00","id":"`+c1+`"}`)
		list(fmt.Sprintf("Deals/%d/Events?fields=Event_Title,Start_DateTime,End_DateTime", deal),
			`{"Event_Title":"Demo","Start_DateTime":"2024-07-19T10:00:00+00:00","End_DateTime":"2024-07-19T11:00:00+00:00","id":"`+ev+`"}`)
		list(fmt.Sprintf("Contacts/%d/Events?fields=Event_Title", contact), `{"Event_Title":"Demo","id":"`+ev+`"}`)

		// Moving a task to the deal moves it between the lists; clearing What_Id clears $se_module.
		e.do("PUT", "/crm/v8/Tasks/"+t1, tok, fmt.Sprintf(`{"data":[{"What_Id":{"id":"%d"},"$se_module":"Deals"}]}`, deal)).
			expect(t, 200, `{"data":[`+updatedItem(t1, a, a)+`]}`)
		list(fmt.Sprintf("Leads/%d/Tasks?fields=Subject", lead))
		list(fmt.Sprintf("Deals/%d/Tasks?fields=Subject,What_Id", deal),
			`{"Subject":"Send terms",`+what("Big One", deal, "Deals")+`,"id":"`+t2+`"}`,
			`{"Subject":"Call back",`+what("Big One", deal, "Deals")+`,"id":"`+t1+`"}`)
		e.do("PUT", "/crm/v8/Tasks", tok, `{"data":[{"id":"`+t2+`","What_Id":null}]}`).expect(t, 200, `{"data":[`+updatedItem(t2, a, a)+`]}`)
		info := `"info":{"per_page":200,"count":1,"page":1,"sort_by":"id","sort_order":"desc","more_records":false,"next_page_token":null,"previous_page_token":null,"page_token_expiry":null,"call":false,"email":false}`
		e.do("GET", "/crm/v8/Tasks?fields=Subject,What_Id&ids="+t2, tok, "").expect(t, 200,
			`{"data":[{"Subject":"Send terms","What_Id":null,"$se_module":null,"id":"`+t2+`"}],`+info+`}`)

		// Deleting the deal deletes the activities whose What_Id names it; a task that only names
		// its contact stays.
		e.do("DELETE", fmt.Sprintf("/crm/v8/Deals/%d", deal), tok, "").expect(t, 200, `{"data":[`+deletedItem(fmt.Sprint(deal))+`]}`)
		list(fmt.Sprintf("Contacts/%d/Events?fields=Event_Title", contact))
		e.do("GET", "/crm/v8/Tasks?fields=Subject", tok, "").expect(t, 200, `{"data":[{"Subject":"Send terms","id":"`+t2+`"}],`+info+`}`)
	})
}

// Cases and Solutions: records with Zoho's standard fields, listed under the account, contact and
// product they name; their own scopes.
func TestCasesAndSolutions(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		tok := e.adminToken("ZohoCRM.modules.ALL")
		a := e.admin
		acct := e.newRecord(a, "Accounts", map[string]any{"Account_Name": "Zylker"})
		contact := e.newRecord(a, "Contacts", map[string]any{"Last_Name": "Ash"})
		prod := e.newRecord(a, "Products", map[string]any{"Product_Name": "Widget"})
		res := e.do("POST", "/crm/v8/Cases", tok, fmt.Sprintf(`{"data":[
			{"Subject":"Broken widget","Status":"New","Case_Origin":"Email","Priority":"High","Account_Name":{"id":"%d"},"Related_To":{"id":"%d"},"Product_Name":{"id":"%d"}},
			{"Subject":"No origin","Status":"New"}]}`, acct, contact, prod))
		cs := itemIDs(t, res)[0]
		res.expect(t, 207, `{"data":[`+addedItem(cs, a)+`,{"code":"MANDATORY_NOT_FOUND","details":{"api_name":"Case_Origin","json_path":"$.data[1].Case_Origin"},"message":"required field not found","status":"error"}]}`)
		row := `{"Subject":"Broken widget","id":"` + cs + `"}`
		for _, p := range []string{fmt.Sprintf("Accounts/%d/Cases", acct), fmt.Sprintf("Contacts/%d/Cases", contact), fmt.Sprintf("Products/%d/Cases", prod)} {
			e.do("GET", "/crm/v8/"+p+"?fields=Subject", tok, "").expect(t, 200, `{"data":[`+row+`],"info":`+relInfo(200, 1, 1, false)+`}`)
		}
		sol := e.insertIDs(tok, "/crm/v8/Solutions", fmt.Sprintf(`{"data":[{"Solution_Title":"Reset it","Status":"Published","Question":"Broken?","Answer":"Reset.","Product_Name":{"id":"%d"}}]}`, prod))[0]
		e.do("GET", fmt.Sprintf("/crm/v8/Products/%d/Solutions?fields=Solution_Title,Answer", prod), tok, "").expect(t, 200,
			`{"data":[{"Solution_Title":"Reset it","Answer":"Reset.","id":"`+sol+`"}],"info":`+relInfo(200, 1, 1, false)+`}`)
		e.do("POST", "/crm/v8/Solutions", tok, `{"data":[{"Status":"Draft"}]}`).expect(t, 400,
			`{"data":[{"code":"MANDATORY_NOT_FOUND","details":{"api_name":"Solution_Title","json_path":"$.data[0].Solution_Title"},"message":"required field not found","status":"error"}]}`)
		leads := e.adminToken("ZohoCRM.modules.leads.ALL")
		e.do("GET", "/crm/v8/Cases?fields=Subject", leads, "").expect(t, 401, errScope)
		e.do("GET", "/crm/v8/Solutions?fields=Subject", leads, "").expect(t, 401, errScope)
		e.do("GET", "/crm/v8/Cases?fields=Subject", e.adminToken("ZohoCRM.modules.cases.READ"), "").expect(t, 200,
			`{"data":[`+row+`],"info":{"per_page":200,"count":1,"page":1,"sort_by":"id","sort_order":"desc","more_records":false,"next_page_token":null,"previous_page_token":null,"page_token_expiry":null,"call":false,"email":false}}`)
		tokNo := e.userToken("clerk@zcrm.local", e.newProfile("No Cases", "Crm_Implied_View_Cases"))
		e.do("GET", "/crm/v8/Cases?fields=Subject", tokNo, "").expect(t, 403,
			`{"code":"NO_PERMISSION","details":{"permissions":["Crm_Implied_View_Cases"]},"message":"permission denied","status":"error"}`)
	})
}
