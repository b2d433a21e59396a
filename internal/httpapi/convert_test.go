package httpapi

import (
	"fmt"
	"sync"
	"testing"

	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/store/storetest"
)

// convertIDs converts lead with body and returns the ids the answer names (Contacts, Accounts,
// Deals; "" for null), checking the whole answer.
func (e *testEnv) convertIDs(t *testing.T, tok, lead, body, contact, account, deal string) (string, string, string) {
	t.Helper()
	res := e.do("POST", "/crm/v8/Leads/"+lead+"/actions/convert", tok, body)
	var out struct {
		Data []struct {
			Details map[string]*struct {
				ID string `json:"id"`
			} `json:"details"`
		} `json:"data"`
	}
	res.decode(t, &out)
	if len(out.Data) != 1 {
		t.Fatalf("convert: %d %s", res.status, res.body)
	}
	id := func(k string) string {
		if r := out.Data[0].Details[k]; r != nil {
			return r.ID
		}
		return ""
	}
	c, a, d := id("Contacts"), id("Accounts"), id("Deals")
	ref := func(name, id string) string {
		if id == "" {
			return "null"
		}
		return fmt.Sprintf(`{"name":%q,"id":%q}`, name, id)
	}
	res.expect(t, 200, `{"data":[{"code":"SUCCESS","details":{"Contacts":`+ref(contact, c)+`,"Deals":`+ref(deal, d)+`,"Accounts":`+ref(account, a)+
		`},"message":"The record has been converted successfully","status":"success"}]}`)
	return c, a, d
}

// Convert Lead makes a contact, an account and a deal from the lead by Zoho's mapping, moves its
// notes, activities, campaign memberships and products, ends its cadence enrolments, and takes it
// out of the Leads module (converted=true lists it); a second conversion is ID_ALREADY_CONVERTED.
func TestConvertLead(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		tok := e.adminToken("ZohoCRM.modules.ALL")
		org := e.org.ID
		lead := e.insertIDs(tok, "/crm/v8/Leads", `{"data":[{"First_Name":"Pat","Last_Name":"Boyle","Email":"pat@zylker.test","Company":"Zylker","Phone":"555","Lead_Source":"Cold Call","City":"Austin"}]}`)[0]
		note := e.insertIDs(tok, "/crm/v8/Notes", fmt.Sprintf(`{"data":[{"Note_Title":"n","Note_Content":"c","Parent_Id":{"module":{"api_name":"Leads"},"id":%q}}]}`, lead))[0]
		task := e.insertIDs(tok, "/crm/v8/Tasks", fmt.Sprintf(`{"data":[{"Subject":"Call","What_Id":{"id":%q},"$se_module":"Leads"}]}`, lead))[0]
		camp := e.insertIDs(tok, "/crm/v8/Campaigns", `{"data":[{"Campaign_Name":"Spring"}]}`)[0]
		prod := e.insertIDs(tok, "/crm/v8/Products", `{"data":[{"Product_Name":"Widget"}]}`)[0]
		leadID := mustID(t, lead)
		exec := func(q string, args ...any) {
			t.Helper()
			if _, err := e.db.SQL().Exec(e.db.Rebind(q), args...); err != nil {
				t.Fatal(err)
			}
		}
		count := func(q string, args ...any) int {
			t.Helper()
			var n int
			if err := e.db.SQL().QueryRow(e.db.Rebind(q), args...).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		exec(`INSERT INTO relations (org_id, kind, a_id, b_id, data, created_time) VALUES (?, 'Campaigns:Leads', ?, ?, '{"Member_Status":"Active"}', 0)`, org, mustID(t, camp), leadID)
		exec(`INSERT INTO relations (org_id, kind, a_id, b_id, data, created_time) VALUES (?, 'Products:Leads', ?, ?, '{}', 0)`, org, mustID(t, prod), leadID)
		exec(`INSERT INTO enrollments (id, org_id, cadence_id, cadence_name, module, record_id, enrolled_time, enrolled_by) VALUES (1, ?, 7, 'Cad', 'Leads', ?, 0, ?)`, org, leadID, e.admin.ID)

		contact, account, deal := e.convertIDs(t, tok, lead, `{"data":[{"overwrite":true,"notify_lead_owner":true,"notify_new_entity_owner":true,
			"Deals":{"Deal_Name":"Zylker deal","Pipeline":"Standard (Standard)","Stage":"Qualification","Closing_Date":"2025-12-31","Amount":50000}}]}`,
			"Pat Boyle", "Zylker", "Zylker deal")

		// The new records, by Zoho's mapping, owned by the lead's owner.
		assertJSON(t, e.recordFields(tok, "Contacts", contact, "First_Name", "Last_Name", "Email", "Phone", "Lead_Source", "Mailing_City", "Account_Name", "Owner"),
			fmt.Sprintf(`{"Account_Name":{"name":"Zylker","id":%q},"Email":"pat@zylker.test","First_Name":"Pat","Last_Name":"Boyle","Lead_Source":"Cold Call","Mailing_City":"Austin","Owner":%s,"Phone":"555","id":%q}`,
				account, ref(e.admin), contact))
		assertJSON(t, e.recordFields(tok, "Accounts", account, "Account_Name", "Phone", "Billing_City"),
			fmt.Sprintf(`{"Account_Name":"Zylker","Billing_City":"Austin","Phone":"555","id":%q}`, account))
		assertJSON(t, e.recordFields(tok, "Deals", deal, "Deal_Name", "Stage", "Closing_Date", "Account_Name", "Contact_Name", "Lead_Source"),
			fmt.Sprintf(`{"Account_Name":{"name":"Zylker","id":%q},"Closing_Date":"2025-12-31","Contact_Name":{"name":"Pat Boyle","id":%q},"Deal_Name":"Zylker deal","Lead_Source":"Cold Call","Stage":"Qualification","id":%q}`,
				account, contact, deal))
		// Notes to the contact, activities to the contact and the deal.
		assertJSON(t, e.recordFields(tok, "Notes", note, "Parent_Id"),
			fmt.Sprintf(`{"Parent_Id":{"id":%q,"module":{"api_name":"Contacts","id":%q},"name":"Pat Boyle"},"id":%q}`, contact, e.moduleID("Contacts"), note))
		assertJSON(t, e.recordFields(tok, "Tasks", task, "What_Id", "$se_module", "Who_Id"),
			fmt.Sprintf(`{"$se_module":"Deals","What_Id":{"id":%q,"name":"Zylker deal"},"Who_Id":{"id":%q,"name":"Pat Boyle"},"id":%q}`, deal, contact, task))
		// Campaign membership and products to the contact (products to the account too).
		if n := count(`SELECT COUNT(*) FROM relations WHERE kind = 'Campaigns:Contacts' AND b_id = ? AND data LIKE '%Active%'`, mustID(t, contact)); n != 1 {
			t.Errorf("campaign memberships of the contact: %d, want 1", n)
		}
		if n := count(`SELECT COUNT(*) FROM relations WHERE kind IN ('Products:Contacts', 'Products:Accounts') AND a_id = ?`, mustID(t, prod)); n != 2 {
			t.Errorf("product links: %d, want 2", n)
		}
		if n := count(`SELECT COUNT(*) FROM relations WHERE b_id = ?`, leadID); n != 0 {
			t.Errorf("relations left on the lead: %d", n)
		}
		if n := count(`SELECT COUNT(*) FROM enrollments WHERE record_id = ? AND end_reason = 'converted' AND ended_by = ?`, leadID, e.admin.ID); n != 1 {
			t.Errorf("ended enrolments of the lead: %d, want 1", n)
		}

		// The lead leaves Leads; converted=true and both find it.
		e.do("GET", "/crm/v8/Leads/"+lead, tok, "").expect(t, 204, "")
		e.do("GET", "/crm/v8/Leads?fields=Last_Name", tok, "").expect(t, 204, "")
		e.do("GET", "/crm/v8/Leads?fields=Last_Name&converted=false", tok, "").expect(t, 204, "")
		listed := `{"data":[{"Last_Name":"Boyle","id":"` + lead + `"}],"info":{"per_page":200,"count":1,"page":1,"sort_by":"id","sort_order":"desc","more_records":false,` + pageTokens(e.clock.now, 1, false) + `,"call":false,"email":false}}`
		e.do("GET", "/crm/v8/Leads?fields=Last_Name&converted=true", tok, "").expect(t, 200, listed)
		e.do("GET", "/crm/v8/Leads?fields=Last_Name&converted=both", tok, "").expect(t, 200, listed)
		e.do("GET", "/crm/v8/Leads/search?word=Boyle", tok, "").expect(t, 204, "")
		e.do("GET", "/crm/v8/Leads/search?word=Boyle&fields=Last_Name&converted=true", tok, "").expect(t, 200, listed)
		e.do("GET", "/crm/v8/Leads?fields=Last_Name&converted=maybe", tok, "").expect(t, 400,
			`{"code":"INVALID_DATA","details":{"param_name":"converted","supported_values":["true","false","both"]},"message":"invalid data","status":"error"}`)

		e.do("POST", "/crm/v8/Leads/"+lead+"/actions/convert", tok, `{"data":[{}]}`).expect(t, 400,
			`{"code":"ID_ALREADY_CONVERTED","details":{"resource_path_index":1},"message":"id already converted","status":"error"}`)
	})
}

// A lead without a company becomes a contact alone (Accounts and Deals null, Zoho's "Contact only"
// example); a lead whose Email a contact has maps to that contact; given ids are used, and
// overwrite decides whether an existing contact's account changes; assign_to owns the new records.
func TestConvertLeadExisting(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		tok := e.adminToken("ZohoCRM.modules.ALL")
		leads := e.insertIDs(tok, "/crm/v8/Leads", `{"data":[{"Last_Name":"Solo"},{"Last_Name":"Known","Email":"known@x.test","Company":"Acme"},{"Last_Name":"Given","Company":"Other"},{"Last_Name":"Kept","Company":"Other"}]}`)
		accts := e.insertIDs(tok, "/crm/v8/Accounts", `{"data":[{"Account_Name":"Acme"},{"Account_Name":"Theirs"}]}`)
		contacts := e.insertIDs(tok, "/crm/v8/Contacts", fmt.Sprintf(`{"data":[{"Last_Name":"Known","Email":"known@x.test"},{"Last_Name":"Linked","Account_Name":{"id":%q}}]}`, accts[1]))
		u := e.newUser(e.org.ID, "rep@zcrm.test", "Standard")

		solo, acct, deal := e.convertIDs(t, tok, leads[0], `{"data":[{"assign_to":{"id":"`+crm.FormatID(u.ID)+`"}}]}`, "Solo", "", "")
		if acct != "" || deal != "" {
			t.Fatalf("contact only: account %q deal %q", acct, deal)
		}
		assertJSON(t, e.recordFields(tok, "Contacts", solo, "Owner", "Account_Name"), fmt.Sprintf(`{"Account_Name":null,"Owner":%s,"id":%q}`, ref(u), solo))
		// Matched by Email and Company: no new records.
		e.convertIDs(t, tok, leads[1], `{"data":[{"overwrite":false}]}`, "Known", "Acme", "")
		assertJSON(t, e.recordFields(tok, "Contacts", contacts[0], "Account_Name"), fmt.Sprintf(`{"Account_Name":{"name":"Acme","id":%q},"id":%q}`, accts[0], contacts[0]))
		e.do("GET", "/crm/v8/Contacts/actions/count", tok, "").expect(t, 200, `{"count":3}`)
		// Given ids, bare or {"id"}; overwrite moves the contact to the conversion's account.
		e.convertIDs(t, tok, leads[2], fmt.Sprintf(`{"data":[{"overwrite":true,"Accounts":%q,"Contacts":{"id":%q}}]}`, accts[0], contacts[1]), "Linked", "Acme", "")
		assertJSON(t, e.recordFields(tok, "Contacts", contacts[1], "Account_Name"), fmt.Sprintf(`{"Account_Name":{"name":"Acme","id":%q},"id":%q}`, accts[0], contacts[1]))
		// Without overwrite it keeps its account.
		e.convertIDs(t, tok, leads[3], fmt.Sprintf(`{"data":[{"Accounts":{"id":%q},"Contacts":{"id":%q}}]}`, accts[1], contacts[1]), "Linked", "Theirs", "")
		assertJSON(t, e.recordFields(tok, "Contacts", contacts[1], "Account_Name"), fmt.Sprintf(`{"Account_Name":{"name":"Acme","id":%q},"id":%q}`, accts[0], contacts[1]))
		e.do("GET", "/crm/v8/Accounts/actions/count", tok, "").expect(t, 200, `{"count":2}`)
	})
}

// Convert Lead's errors, each with its full answer; an element error changes nothing.
func TestConvertLeadErrors(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		tok := e.adminToken("ZohoCRM.modules.ALL")
		lead := e.insertIDs(tok, "/crm/v8/Leads", `{"data":[{"Last_Name":"Boyle","Company":"Zylker"}]}`)[0]
		contact := e.insertIDs(tok, "/crm/v8/Contacts", `{"data":[{"Last_Name":"C"}]}`)[0]
		conv := func(id, body string) response { return e.do("POST", "/crm/v8/Leads/"+id+"/actions/convert", tok, body) }
		item := func(code, msg, details string) string {
			return `{"data":[{"code":"` + code + `","details":` + details + `,"message":"` + msg + `","status":"error"}]}`
		}
		pathID := `{"code":"INVALID_DATA","details":{"resource_path_index":1},"message":"the id given seems to be invalid","status":"error"}`
		conv("111111111111111111", `{"data":[{}]}`).expect(t, 400, pathID)
		conv("abc", `{"data":[{}]}`).expect(t, 400, pathID)
		conv(contact, `{"data":[{}]}`).expect(t, 400, pathID)
		conv(lead, `{}`).expect(t, 400, `{"code":"MANDATORY_NOT_FOUND","details":{"api_name":"data","json_path":"$.data"},"message":"required field not found","status":"error"}`)
		conv(lead, `{"data":[{"Accounts":{"id":"`+contact+`"}}]}`).expect(t, 400,
			item("INVALID_DATA", "the id given seems to be invalid", `{"api_name":"Accounts","json_path":"$.data[0].Accounts"}`))
		conv(lead, `{"data":[{"Contacts":"12x"}]}`).expect(t, 400,
			item("INVALID_DATA", "the id given seems to be invalid", `{"api_name":"Contacts","json_path":"$.data[0].Contacts"}`))
		conv(lead, `{"data":[{"Deals":{"Deal_Name":"D","Stage":"Qualification"}}]}`).expect(t, 400,
			item("MANDATORY_NOT_FOUND", "required field not found", `{"api_name":"Closing_Date","json_path":"$.data[0].Closing_Date"}`))
		conv(lead, `{"data":[{"Deals":"D"}]}`).expect(t, 400,
			item("INVALID_DATA", "invalid data", `{"api_name":"Deals","json_path":"$.data[0].Deals","expected_data_type":"jsonobject"}`))
		// A deal the Deals module refuses, after the account and contact were made: nothing stays.
		res := conv(lead, `{"data":[{"Deals":{"Deal_Name":"D","Stage":"Qualification","Closing_Date":"31-12-2025"}}]}`)
		if res.status != 400 {
			t.Fatalf("bad Closing_Date: %d %s", res.status, res.body)
		}
		e.do("GET", "/crm/v8/Accounts/actions/count", tok, "").expect(t, 200, `{"count":0}`)
		e.do("GET", "/crm/v8/Contacts/actions/count", tok, "").expect(t, 200, `{"count":1}`)
		e.do("GET", "/crm/v8/Leads/actions/count", tok, "").expect(t, 200, `{"count":1}`)
		// assign_to that is no user of the org: INVALID_DATA on Owner, as Zoho's example names it.
		conv(lead, `{"data":[{"assign_to":{"id":"111111111111111111"}}]}`).expect(t, 400,
			item("INVALID_DATA", "invalid data", `{"api_name":"Owner","json_path":"$.data[0].Owner"}`))
		e.do("POST", "/crm/v8/Contacts/"+contact+"/actions/convert", tok, `{"data":[{}]}`).expect(t, 400,
			`{"code":"INVALID_MODULE","details":{"resource_path_index":0},"message":"the module name given seems to be invalid","status":"error"}`)
		e.do("POST", "/crm/v8/Leads/"+lead+"/actions/convert", e.adminToken("ZohoCRM.modules.leads.READ"), `{"data":[{}]}`).expect(t, 401, errScope)
		denied := e.userToken("noedit@zcrm.test", e.newProfile("No lead edits", "Crm_Implied_Edit_Leads"))
		e.do("POST", "/crm/v8/Leads/"+lead+"/actions/convert", denied, `{"data":[{}]}`).expect(t, 403,
			`{"code":"NO_PERMISSION","details":{"permissions":["Crm_Implied_Edit_Leads"]},"message":"permission denied","status":"error"}`)
		// Still convertible.
		e.convertIDs(t, tok, lead, `{"data":[{}]}`, "Boyle", "Zylker", "")
	})
}

// Converting one lead from several requests at once: one converts it, the others answer
// ID_ALREADY_CONVERTED, and only one contact is made.
func TestConvertLeadConcurrent(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		tok := e.adminToken("ZohoCRM.modules.ALL")
		lead := e.insertIDs(tok, "/crm/v8/Leads", `{"data":[{"Last_Name":"Once","Company":"Acme"}]}`)[0]
		const n = 5
		statuses := make(chan int, n)
		var wg sync.WaitGroup
		for i := 0; i < n; i++ {
			wg.Go(func() {
				res := e.do("POST", "/crm/v8/Leads/"+lead+"/actions/convert", tok, `{"data":[{}]}`)
				if res.status == 400 {
					res.expect(t, 400, `{"code":"ID_ALREADY_CONVERTED","details":{"resource_path_index":1},"message":"id already converted","status":"error"}`)
				}
				statuses <- res.status
			})
		}
		wg.Wait()
		close(statuses)
		ok := 0
		for s := range statuses {
			if s == 200 {
				ok++
			} else if s != 400 {
				t.Fatalf("status %d: %v", s, e.errs.lines)
			}
		}
		if ok != 1 {
			t.Fatalf("%d conversions succeeded, want 1", ok)
		}
		e.do("GET", "/crm/v8/Contacts/actions/count", tok, "").expect(t, 200, `{"count":1}`)
		e.do("GET", "/crm/v8/Accounts/actions/count", tok, "").expect(t, 200, `{"count":1}`)
	})
}
