package httpapi

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/zcrm/zcrm/internal/crm"
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

// Activities_Chronological_View lists a record's open calls, tasks and meetings, soonest first, and
// Activities_Chronological_View_History its closed ones, latest first; each row names its module in
// "$module" and has the requested fields its own module has (Zoho's Get Related Records example).
func TestActivitiesChronologicalView(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		tok := e.adminToken("ZohoCRM.modules.ALL")
		a := e.admin
		lead := e.newRecord(a, "Leads", map[string]any{"Last_Name": "Dogwood"})
		other := e.newRecord(a, "Leads", map[string]any{"Last_Name": "Elm"})
		contact := e.newRecord(a, "Contacts", map[string]any{"Last_Name": "Ash"})
		l := fmt.Sprintf(`"What_Id":{"id":"%d"},"$se_module":"Leads"`, lead)
		// The clock reads 2024-07-17T20:38:22Z.
		tasks := e.insertIDs(tok, "/crm/v8/Tasks", `{"data":[
			{"Subject":"Plan","Due_Date":"2024-07-20","Status":"Not Started",`+l+`},
			{"Subject":"Done","Due_Date":"2024-07-10","Status":"Completed",`+l+`},
			{"Subject":"Someday",`+l+`},
			{"Subject":"Other lead","Due_Date":"2024-07-19",`+fmt.Sprintf(`"What_Id":{"id":"%d"},"$se_module":"Leads"`, other)+`}]}`)
		calls := e.insertIDs(tok, "/crm/v8/Calls", `{"data":[
			{"Subject":"Scheduled","Call_Type":"Outbound","Call_Start_Time":"2024-07-18T09:00:00+00:00",`+l+`},
			{"Subject":"Logged","Call_Type":"Inbound","Call_Start_Time":"2024-07-16T09:00:00+00:00",`+l+`},
			{"Subject":"Overdue","Call_Type":"Outbound","Call_Start_Time":"2024-07-15T09:00:00+02:00",`+l+`},
			{"Subject":"Cancelled","Call_Type":"Outbound","Call_Start_Time":"2024-07-19T09:00:00+00:00","Outgoing_Call_Status":"Cancelled",`+l+`}]}`)
		events := e.insertIDs(tok, "/crm/v8/Events", `{"data":[
			{"Event_Title":"Demo","Start_DateTime":"2024-07-19T10:00:00+00:00","End_DateTime":"2024-07-19T11:00:00+00:00",`+l+`},
			{"Event_Title":"Kickoff","Start_DateTime":"2024-07-12T10:00:00+00:00","End_DateTime":"2024-07-12T11:00:00+00:00",`+l+`},
			{"Event_Title":"Contact's","Start_DateTime":"2024-07-18T10:00:00+00:00","End_DateTime":"2024-07-18T11:00:00+00:00",`+fmt.Sprintf(`"Who_Id":{"id":"%d"}`, contact)+`}]}`)
		call := func(i int, subject string) string {
			return fmt.Sprintf(`{"Subject":%q,"id":%q,"$module":"Calls"}`, subject, calls[i])
		}
		task := func(i int, subject, status string) string {
			st := "null"
			if status != "" {
				st = fmt.Sprintf("%q", status)
			}
			return fmt.Sprintf(`{"Subject":%q,"Status":%s,"id":%q,"$module":"Tasks"}`, subject, st, tasks[i])
		}
		event := func(i int, title string) string {
			return fmt.Sprintf(`{"Event_Title":%q,"id":%q,"$module":"Events"}`, title, events[i])
		}
		info := func(perPage, count, page int, more bool) string {
			return fmt.Sprintf(`{"per_page":%d,"count":%d,"page":%d,"more_records":%t,"next_page_token":null,"previous_page_token":null,"page_token_expiry":null}`,
				perPage, count, page, more)
		}
		open := fmt.Sprintf("/crm/v8/Leads/%d/Activities_Chronological_View?fields=Subject,Event_Title,Status", lead)
		e.do("GET", open, tok, "").expect(t, 200, `{"data":[`+call(2, "Overdue")+`,`+call(0, "Scheduled")+`,`+event(0, "Demo")+`,`+
			task(0, "Plan", "Not Started")+`,`+task(2, "Someday", "")+`],"info":`+info(200, 5, 1, false)+`}`)
		closed := fmt.Sprintf("/crm/v8/Leads/%d/Activities_Chronological_View_History?fields=Subject,Event_Title,Status", lead)
		e.do("GET", closed, tok, "").expect(t, 200, `{"data":[`+call(3, "Cancelled")+`,`+call(1, "Logged")+`,`+event(1, "Kickoff")+`,`+
			task(1, "Done", "Completed")+`],"info":`+info(200, 4, 1, false)+`}`)
		// Zoho's example: fields=Call_Start_Time; a meeting or task has no such field, so its row is
		// id and $module. Pages by number.
		e.do("GET", fmt.Sprintf("/crm/v8/Leads/%d/Activities_Chronological_View?fields=Call_Start_Time&per_page=2&page=2", lead), tok, "").expect(t, 200,
			`{"data":[{"id":"`+events[0]+`","$module":"Events"},{"id":"`+tasks[0]+`","$module":"Tasks"}],"info":`+info(2, 2, 2, true)+`}`)
		e.do("GET", fmt.Sprintf("/crm/v8/Leads/%d/Activities_Chronological_View?fields=Call_Start_Time&per_page=2&page=1", lead), tok, "").expect(t, 200,
			`{"data":[{"Call_Start_Time":"2024-07-15T07:00:00+00:00","id":"`+calls[2]+`","$module":"Calls"},{"Call_Start_Time":"2024-07-18T09:00:00+00:00","id":"`+calls[0]+`","$module":"Calls"}],"info":`+info(2, 2, 1, true)+`}`)
		e.do("GET", fmt.Sprintf("/crm/v8/Leads/%d/Activities_Chronological_View?fields=Subject&per_page=2&page=3", lead), tok, "").expect(t, 200,
			`{"data":[{"Subject":"Someday","id":"`+tasks[2]+`","$module":"Tasks"}],"info":`+info(2, 1, 3, false)+`}`)
		e.do("GET", fmt.Sprintf("/crm/v8/Leads/%d/Activities_Chronological_View/%s?fields=Event_Title", lead, events[0]), tok, "").expect(t, 200,
			`{"data":[{"Event_Title":"Demo","id":"`+events[0]+`","$module":"Events"}],"info":`+info(200, 1, 1, false)+`}`)
		e.do("GET", fmt.Sprintf("/crm/v8/Contacts/%d/Activities_Chronological_View?fields=Event_Title", contact), tok, "").expect(t, 200,
			`{"data":[{"Event_Title":"Contact's","id":"`+events[2]+`","$module":"Events"}],"info":`+info(200, 1, 1, false)+`}`)
		e.do("GET", fmt.Sprintf("/crm/v8/Contacts/%d/Activities_Chronological_View_History?fields=Event_Title", contact), tok, "").expect(t, 204, "")

		// Time passes: the demo ends and moves to the history; completing the plan does too.
		e.clock.now = time.Date(2024, 7, 19, 11, 0, 0, 0, time.UTC)
		tok = e.adminToken("ZohoCRM.modules.ALL") // the first one has expired
		if res := e.do("PUT", "/crm/v8/Tasks/"+tasks[0], tok, `{"data":[{"Status":"Completed"}]}`); res.status != 200 {
			t.Fatalf("complete the task: %d %s", res.status, res.body)
		}
		e.do("GET", open, tok, "").expect(t, 200, `{"data":[`+call(2, "Overdue")+`,`+call(0, "Scheduled")+`,`+task(2, "Someday", "")+`],"info":`+info(200, 3, 1, false)+`}`)
		e.do("GET", closed, tok, "").expect(t, 200, `{"data":[`+task(0, "Plan", "Completed")+`,`+event(0, "Demo")+`,`+call(3, "Cancelled")+`,`+
			call(1, "Logged")+`,`+event(1, "Kickoff")+`,`+task(1, "Done", "Completed")+`],"info":`+info(200, 6, 1, false)+`}`)

		// Data sharing: with Calls private, a Standard user sees no one else's calls here.
		e.setSharing("Calls", "private")
		std := e.userToken("std@zcrm.local", crm.ProfileStandard)
		e.do("GET", open, std, "").expect(t, 200, `{"data":[`+task(2, "Someday", "")+`],"info":`+info(200, 1, 1, false)+`}`)

		// The list takes fields as every related list does, and hands out no page token to reuse.
		e.do("GET", fmt.Sprintf("/crm/v8/Leads/%d/Activities_Chronological_View", lead), tok, "").expect(t, 400,
			`{"code":"REQUIRED_PARAM_MISSING","details":{"param_name":"fields"},"message":"One of the expected parameter is missing","status":"error"}`)
		e.do("GET", open+"&page_token=abc", tok, "").expect(t, 400,
			`{"code":"TOKEN_BOUND_DATA_MISMATCH","details":{"param_name":"page_token"},"message":"The page_token given seems to be invalid or input param is added or altered or deleted","status":"error"}`)
		e.do("PUT", fmt.Sprintf("/crm/v8/Leads/%d/Activities_Chronological_View", lead), tok, `{"data":[{"id":"1"}]}`).expect(t, 400,
			`{"code":"NOT_SUPPORTED","details":{"resource_path_index":2},"message":"the relation given is not supported for this operation","status":"error"}`)
	})
}
