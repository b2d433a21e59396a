package admin_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/zcrm/zcrm/internal/catalog"
	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/store/storetest"
)

// metaID is the org's metadata id of key.
func (e *env) metaID(orgID int64, key string) string {
	e.t.Helper()
	var id string
	if err := e.db.Read(context.Background(), func(tx crm.Tx) error {
		ids, err := tx.MetadataIDs(context.Background(), orgID)
		id = crm.FormatID(ids[key])
		return err
	}); err != nil {
		e.t.Fatal(err)
	}
	return id
}

// viewCreated is a view's created_time as its answers write it.
func (e *env) viewCreated(orgID int64, id string) string {
	e.t.Helper()
	vid, _ := crm.ParseID(id)
	var v crm.CustomView
	if err := e.db.Read(context.Background(), func(tx crm.Tx) error {
		var err error
		v, err = tx.CustomView(context.Background(), orgID, vid)
		return err
	}); err != nil {
		e.t.Fatal(err)
	}
	return crm.FormatTime(v.CreatedTime)
}

// viewLeads seeds six leads and three views of Leads: "Hot" (a group), "Big" (one condition,
// sorted by Created_Time ascending, with fields) and "No email" (${EMPTY}).
const viewLeads = `{
	"records": {"Leads": [
		{"ref": "l1", "Last_Name": "Ada", "Company": "Acme Corp", "Lead_Status": "Contacted", "Annual_Revenue": 5000, "No_of_Employees": 10, "Email": "ada@acme.test"},
		{"ref": "l2", "Last_Name": "Bob", "Company": "Bolt", "Lead_Status": "Qualified", "Annual_Revenue": 90000, "No_of_Employees": 300},
		{"ref": "l3", "Last_Name": "Cy", "Company": "Acme Labs", "Lead_Status": "Not Contacted", "Annual_Revenue": 120000},
		{"ref": "l4", "Last_Name": "Di", "Company": "Dyn Corp", "Lead_Status": "contacted", "No_of_Employees": 50, "Email": "di@dyn.test"},
		{"ref": "l5", "Last_Name": "Ed", "Company": "Ed Co", "Email_Opt_Out": true},
		{"ref": "l6", "Last_Name": "Fay", "Company": "Fay Corp", "Lead_Status": "Qualified", "Annual_Revenue": 150000}]},
	"custom_views": [
		{"ref": "hot", "module": "Leads", "name": "Hot", "fields": ["Last_Name", "company"],
		 "criteria": {"group_operator": "or", "group": [
			{"comparator": "equal", "field": {"api_name": "Lead_Status", "id": "1"}, "value": "Contacted"},
			{"group_operator": "AND", "group": [
				{"comparator": "ends_with", "field": {"api_name": "Company"}, "value": "corp"},
				{"comparator": "greater_than", "field": {"api_name": "Annual_Revenue"}, "value": 100000}]}]}},
		{"ref": "big", "module": "Leads", "name": "Big", "sort_by": "Created_Time", "sort_order": "asc",
		 "criteria": {"comparator": "between", "field": {"api_name": "Annual_Revenue"}, "value": [50000, 150000]}},
		{"ref": "noemail", "module": "Leads", "name": "No email", "criteria": {"comparator": "equal", "field": {"api_name": "Email"}, "value": "${EMPTY}"}}]
}`

// Views a fixture makes: listed and read as Zoho's Custom Views API answers them, and selecting
// records by their criteria on record lists, search and count, page tokens bound to the cvid.
func TestCustomViewsFromFixture(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b, "")
		refs := e.seed(viewLeads, "l1", "l2", "l3", "l4", "l5", "l6", "hot", "big", "noemail")
		tok := e.token(e.admin)
		field := func(name string) string { return e.metaID(e.org.ID, catalog.KeyField("Leads", name)) }
		all := e.metaID(e.org.ID, catalog.KeyCustomView("Leads", "All"))
		by := fmt.Sprintf(`{"name":"Administrator","id":"%d"}`, e.admin.ID)
		summary := func(ref, name string) string {
			at := e.viewCreated(e.org.ID, refs[ref])
			return fmt.Sprintf(`{"id":%q,"name":%q,"display_value":%q,"access_type":"public","category":"public_views","default":false,
				"system_defined":false,"system_name":null,"locked":false,"last_accessed_time":null,"created_time":%q,"modified_time":%q,
				"created_by":%s,"modified_by":%s}`, refs[ref], name, name, at, at, by, by)
		}
		translation := `"translation":{"public_views":"Public Views","other_users_views":"Other User's Views","shared_with_me":"Shared With Me","created_by_me":"Created By Me"}`
		e.crm("GET", "/crm/v8/settings/custom_views?module=Leads", tok, "").expect(t, 200, `{"custom_views":[
			{"id":"`+all+`","name":"All Leads","display_value":"All Leads","access_type":"public","category":"public_views","default":true,
			 "system_defined":true,"system_name":"ALLVIEWS","locked":false,"last_accessed_time":null,"created_time":null,"modified_time":null,
			 "created_by":null,"modified_by":null},`+summary("hot", "Hot")+`,`+summary("big", "Big")+`,`+summary("noemail", "No email")+`],
			"info":{"per_page":200,"count":4,"page":1,"more_records":false,"default":"`+all+`",`+translation+`}}`)
		e.crm("GET", "/crm/v8/settings/custom_views?module=Contacts", tok, "").expect(t, 200, `{"custom_views":[
			{"id":"`+e.metaID(e.org.ID, catalog.KeyCustomView("Contacts", "All"))+`","name":"All Contacts","display_value":"All Contacts","access_type":"public","category":"public_views","default":true,
			 "system_defined":true,"system_name":"ALLVIEWS","locked":false,"last_accessed_time":null,"created_time":null,"modified_time":null,
			 "created_by":null,"modified_by":null}],
			"info":{"per_page":200,"count":1,"page":1,"more_records":false,"default":"`+e.metaID(e.org.ID, catalog.KeyCustomView("Contacts", "All"))+`",`+translation+`}}`)

		one := func(ref, name, rest string) string {
			s := summary(ref, name)
			return `{"custom_views":[` + s[:len(s)-1] + `,"$modified_criteria":false,"favorite":null,"shared_to":null,` + rest + `}],"info":{` + translation + `}}`
		}
		e.crm("GET", "/crm/v8/settings/custom_views/"+refs["hot"]+"?module=Leads", tok, "").expect(t, 200, one("hot", "Hot",
			`"sort_by":null,"sort_order":null,
			 "fields":[{"api_name":"Last_Name","id":"`+field("Last_Name")+`","_pin":false},{"api_name":"Company","id":"`+field("Company")+`","_pin":false}],
			 "criteria":{"group_operator":"OR","group":[
				{"comparator":"equal","field":{"api_name":"Lead_Status","id":"`+field("Lead_Status")+`"},"type":"value","value":"Contacted"},
				{"group_operator":"AND","group":[
					{"comparator":"ends_with","field":{"api_name":"Company","id":"`+field("Company")+`"},"type":"value","value":"corp"},
					{"comparator":"greater_than","field":{"api_name":"Annual_Revenue","id":"`+field("Annual_Revenue")+`"},"type":"value","value":100000}]}]}`))
		e.crm("GET", "/crm/v8/settings/custom_views/"+refs["big"]+"?module=Leads", tok, "").expect(t, 200, one("big", "Big",
			`"sort_by":{"api_name":"Created_Time","id":"`+field("Created_Time")+`"},"sort_order":"asc","fields":[],
			 "criteria":{"comparator":"between","field":{"api_name":"Annual_Revenue","id":"`+field("Annual_Revenue")+`"},"type":"value","value":[50000,150000]}`))
		e.crm("GET", "/crm/v8/settings/custom_views/"+all+"?module=Leads", tok, "").expect(t, 200, `{"custom_views":[
			{"id":"`+all+`","name":"All Leads","display_value":"All Leads","access_type":"public","category":"public_views","default":true,
			 "system_defined":true,"system_name":"ALLVIEWS","locked":false,"last_accessed_time":null,"created_time":null,"modified_time":null,
			 "created_by":null,"modified_by":null,"$modified_criteria":false,"favorite":null,"shared_to":null,"sort_by":null,"sort_order":null,
			 "fields":[],"criteria":null}],"info":{`+translation+`}}`)
		// Another module's view, an unknown id: 204; a malformed id, a missing module, a narrower scope: Zoho's errors.
		e.crm("GET", "/crm/v8/settings/custom_views/"+refs["hot"]+"?module=Contacts", tok, "").expect(t, 204, "")
		e.crm("GET", "/crm/v8/settings/custom_views/111111111111111111?module=Leads", tok, "").expect(t, 204, "")
		e.crm("GET", "/crm/v8/settings/custom_views/abc?module=Leads", tok, "").expect(t, 400, `{"code":"INVALID_DATA","details":{"resource_path_index":2},"message":"the id given seems to be invalid","status":"error"}`)
		e.crm("GET", "/crm/v8/settings/custom_views/"+refs["hot"], tok, "").expect(t, 400, `{"code":"REQUIRED_PARAM_MISSING","details":{"param_name":"module"},"message":"One of the expected parameter is missing","status":"error"}`)

		// cvid on the list, search and count.
		names := func(path string) string {
			t.Helper()
			r := e.crm("GET", path, tok, "")
			if r.status == 204 {
				return ""
			}
			var v struct {
				Data []struct{ Last_Name string }
				Info struct {
					SortBy    string `json:"sort_by"`
					SortOrder string `json:"sort_order"`
				}
			}
			if r.status != 200 || json.Unmarshal([]byte(r.body), &v) != nil {
				t.Fatalf("GET %s = %d %s", path, r.status, r.body)
			}
			var out []string
			for _, d := range v.Data {
				out = append(out, d.Last_Name)
			}
			return strings.Join(out, ",") + " " + v.Info.SortBy + " " + v.Info.SortOrder
		}
		count := func(path string, want int) {
			t.Helper()
			e.crm("GET", path, tok, "").expect(t, 200, fmt.Sprintf(`{"count":%d}`, want))
		}
		for _, c := range []struct{ view, list string }{
			{"hot", "Fay,Di,Ada id desc"},          // Contacted (any case), or a Corp above 100,000
			{"big", "Bob,Cy,Fay Created_Time asc"}, // the view's sort
			{"noemail", "Fay,Ed,Cy,Bob id desc"},
		} {
			if got := names("/crm/v8/Leads?fields=Last_Name&cvid=" + refs[c.view]); got != c.list {
				t.Errorf("list of %s = %q, want %q", c.view, got, c.list)
			}
			count("/crm/v8/Leads/actions/count?cvid="+refs[c.view], len(strings.Split(strings.Fields(c.list)[0], ",")))
		}
		if got, want := names("/crm/v8/Leads?fields=Last_Name&cvid="+refs["big"]+"&sort_order=desc"), "Fay,Cy,Bob Created_Time desc"; got != want {
			t.Errorf("list of big, desc = %q, want %q", got, want)
		}
		if got, want := names("/crm/v8/Leads?fields=Last_Name&cvid="+all), "Fay,Ed,Di,Cy,Bob,Ada id desc"; got != want {
			t.Errorf("list of All = %q, want %q", got, want)
		}
		// Search: the view's criteria and the search's together.
		if got, want := names("/crm/v8/Leads/search?criteria=(Company:starts_with:acme)&cvid="+refs["hot"]), "Ada id desc"; got != want {
			t.Errorf("search in hot = %q, want %q", got, want)
		}
		e.crm("GET", "/crm/v8/Leads/search?criteria=(Company:starts_with:bolt)&cvid="+refs["hot"], tok, "").expect(t, 204, "")
		count("/crm/v8/Leads/actions/count?criteria=(Company:starts_with:acme)&cvid="+refs["noemail"], 1)
		count("/crm/v8/Leads/actions/count?cvid="+all, 6)

		// Page tokens walk the view and are bound to its cvid.
		r := e.crm("GET", "/crm/v8/Leads?fields=Last_Name&per_page=2&cvid="+refs["noemail"], tok, "")
		var page struct {
			Info struct {
				Next string `json:"next_page_token"`
			}
		}
		if r.status != 200 || json.Unmarshal([]byte(r.body), &page) != nil || page.Info.Next == "" {
			t.Fatalf("page 1 = %d %s", r.status, r.body)
		}
		if got, want := names("/crm/v8/Leads?fields=Last_Name&per_page=2&cvid="+refs["noemail"]+"&page_token="+page.Info.Next), "Cy,Bob id desc"; got != want {
			t.Errorf("page 2 of noemail = %q, want %q", got, want)
		}
		e.crm("GET", "/crm/v8/Leads?fields=Last_Name&per_page=2&cvid="+refs["hot"]+"&page_token="+page.Info.Next, tok, "").expect(t, 400,
			`{"code":"TOKEN_BOUND_DATA_MISMATCH","details":{"param_name":"page_token"},"message":"The page_token given seems to be invalid or input param is added or altered or deleted","status":"error"}`)

		// Unknown cvid, another module's view, cvid with sort_by.
		badCvid := `{"code":"INVALID_DATA","details":{"param_name":"cvid"},"message":"invalid data","status":"error"}`
		e.crm("GET", "/crm/v8/Contacts?fields=Last_Name&cvid="+refs["hot"], tok, "").expect(t, 400, badCvid)
		e.crm("GET", "/crm/v8/Leads/actions/count?cvid=123", tok, "").expect(t, 400, badCvid)
		e.crm("GET", "/crm/v8/Leads/search?criteria=(Company:starts_with:acme)&cvid=x", tok, "").expect(t, 400, badCvid)
		e.crm("GET", "/crm/v8/Leads?fields=Last_Name&sort_by=id&cvid="+refs["big"], tok, "").expect(t, 400,
			`{"code":"AMBIGUITY_DURING_PROCESSING","details":{"ambiguity_due_to":[{"param_name":"cvid"},{"param_name":"sort_by"}]},"message":"Ambiguity while processing the request","status":"error"}`)

		// Another org sees none of these views.
		other, otherAdmin := e.newOrg("Other")
		otherTok := e.token(otherAdmin)
		e.crm("GET", "/crm/v8/Leads/actions/count?cvid="+refs["hot"], otherTok, "").expect(t, 400, badCvid)
		e.crm("GET", "/crm/v8/settings/custom_views/"+refs["hot"]+"?module=Leads", otherTok, "").expect(t, 204, "")
		_ = other

		// A custom-view cadence may name an org's view.
		r = e.crm("POST", "/crm/v8/settings/automation/cadences", tok, `{"cadences":[{"name":"Follow hot","module":{"api_name":"Leads"},"type":"custom_view",
			"custom_view":{"id":"`+refs["hot"]+`"},"follow_ups":[{"reference_id":"1","action":{"type":"tasks"}}]}]}`)
		if r.status != 201 {
			t.Fatalf("cadence on an org's view = %d %s", r.status, r.body)
		}
		if r := e.crm("GET", "/crm/v8/settings/automation/cadences", tok, ""); r.status != 200 || !strings.Contains(r.body, `"custom_view":{"name":"Hot","id":"`+refs["hot"]+`"}`) {
			t.Fatalf("cadences = %d %s", r.status, r.body)
		}
		// A fixture's cadence names its view by ref.
		more := e.seed(`{"custom_views": [{"ref": "v2", "module": "Leads", "name": "Second"}],
			"cadences": [{"ref": "c2", "name": "On second", "module": {"api_name": "Leads"}, "type": "custom_view", "custom_view": {"ref": "v2"},
				"follow_ups": [{"reference_id": "1", "action": {"type": "tasks"}}]}]}`, "v2", "c2")
		if r := e.crm("GET", "/crm/v8/settings/automation/cadences/"+more["c2"], tok, ""); r.status != 200 || !strings.Contains(r.body, `"custom_view":{"name":"Second","id":"`+more["v2"]+`"}`) {
			t.Fatalf("cadence c2 = %d %s", r.status, r.body)
		}
	})
}

// A custom_views entry that cannot be made is refused with its JSON path, and nothing changes.
func TestCustomViewsFixtureErrors(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b, "")
		e.seed(`{"custom_views": [{"module": "Leads", "name": "Taken", "criteria": null}]}`)
		cond := func(s string) string {
			return `{"custom_views": [{"module": "Leads", "name": "V", "criteria": ` + s + `}]}`
		}
		for _, c := range []struct{ doc, message, path string }{
			{`{"custom_views": {}}`, "custom_views must be a JSON array", "$.custom_views"},
			{`{"custom_views": [{"module": "Leads", "name": "V", "colour": "red"}]}`, `unknown key \"colour\"; a custom view takes ref, org, module, name, criteria, fields, sort_by, sort_order`, "$.custom_views[0].colour"},
			{`{"custom_views": [{"name": "V"}]}`, "module is required", "$.custom_views[0].module"},
			{`{"custom_views": [{"module": "Nope", "name": "V"}]}`, "INVALID_MODULE: the module name given seems to be invalid", "$.custom_views[0].module"},
			{`{"custom_views": [{"module": "Leads", "name": " "}]}`, "name is required", "$.custom_views[0].name"},
			{`{"custom_views": [{"module": "Leads", "name": "` + strings.Repeat("x", 51) + `"}]}`, "name is longer than 50 characters", "$.custom_views[0].name"},
			{`{"custom_views": [{"module": "Leads", "name": "taken"}]}`, `Leads already has a view named \"Taken\"`, "$.custom_views[0].name"},
			{`{"custom_views": [{"module": "Leads", "name": "all leads"}]}`, `Leads already has a view named \"All Leads\"`, "$.custom_views[0].name"},
			{`{"custom_views": [{"module": "Leads", "name": "V", "fields": ["Last_Name", "Nope"]}]}`, `Leads has no field \"Nope\"`, "$.custom_views[0].fields[1]"},
			{`{"custom_views": [{"module": "Leads", "name": "V", "fields": ["Last_Name", "last_name"]}]}`, `field \"Last_Name\" is listed twice`, "$.custom_views[0].fields[1]"},
			{`{"custom_views": [{"module": "Leads", "name": "V", "sort_by": "Last_Name"}]}`, "sort_by must be Created_Time or Modified_Time", "$.custom_views[0].sort_by"},
			{`{"custom_views": [{"module": "Leads", "name": "V", "sort_order": "asc"}]}`, "sort_order needs sort_by", "$.custom_views[0].sort_order"},
			{`{"custom_views": [{"module": "Leads", "name": "V", "sort_by": "Modified_Time", "sort_order": "up"}]}`, `sort_order must be \"asc\" or \"desc\"`, "$.custom_views[0].sort_order"},
			{cond(`[]`), "a criteria must be a JSON object", "$.custom_views[0].criteria"},
			{cond(`{"comparator": "equal", "field": {"api_name": "Last_Name"}, "value": "x", "extra": 1}`), `unknown key \"extra\"; a criteria takes comparator, field, value (or group_operator, group)`, "$.custom_views[0].criteria.extra"},
			{cond(`{"comparator": "equal", "field": "Last_Name", "value": "x"}`), `field must be an object {\"api_name\": …}`, "$.custom_views[0].criteria.field"},
			{cond(`{"comparator": "equal", "field": {"api_name": "Nope"}, "value": "x"}`), `Leads has no field \"Nope\"`, "$.custom_views[0].criteria.field.api_name"},
			{cond(`{"field": {"api_name": "Last_Name"}, "value": "x"}`), "comparator is required", "$.custom_views[0].criteria.comparator"},
			{cond(`{"comparator": "equal", "field": {"api_name": "Last_Name"}}`), "value is required", "$.custom_views[0].criteria.value"},
			{cond(`{"comparator": "greater_than", "field": {"api_name": "Last_Name"}, "value": "x"}`), `comparator \"greater_than\" is not supported for Last_Name (a text field)`, "$.custom_views[0].criteria.comparator"},
			{cond(`{"comparator": "not_equal", "field": {"api_name": "Last_Name"}, "value": "${EMPTY}"}`), "invalid value for Last_Name (a text field)", "$.custom_views[0].criteria.value"},
			{cond(`{"comparator": "equal", "field": {"api_name": "Last_Name"}, "value": "x", "type": "field"}`), `only \"value\" criteria are supported`, "$.custom_views[0].criteria.type"},
			{cond(`{"comparator": "between", "field": {"api_name": "Annual_Revenue"}, "value": [1]}`), "between takes an array of two values", "$.custom_views[0].criteria.value"},
			{cond(`{"comparator": "in", "field": {"api_name": "Lead_Status"}, "value": []}`), "in takes 1 to 500 values", "$.custom_views[0].criteria.value"},
			{cond(`{"comparator": "starts_with", "field": {"api_name": "Company"}, "value": ["a"]}`), "starts_with takes one value", "$.custom_views[0].criteria.value"},
			{cond(`{"comparator": "in", "field": {"api_name": "No_of_Employees"}, "value": [1, "many"]}`), "invalid value for No_of_Employees (a integer field)", "$.custom_views[0].criteria.value[1]"},
			{cond(`{"comparator": "equal", "field": {"api_name": "Email_Opt_Out"}, "value": "yes"}`), "invalid value for Email_Opt_Out (a boolean field)", "$.custom_views[0].criteria.value"},
			{cond(`{"comparator": "equal", "field": {"api_name": "Created_Time"}, "value": "${TODAY}"}`), "invalid value for Created_Time (a datetime field)", "$.custom_views[0].criteria.value"},
			{cond(`{"group_operator": "xor", "group": []}`), `group_operator must be \"and\" or \"or\"`, "$.custom_views[0].criteria.group_operator"},
			{cond(`{"group_operator": "and", "group": [{"comparator": "equal", "field": {"api_name": "Last_Name"}, "value": "x"}]}`), "group must be an array of 2 to 25 criteria", "$.custom_views[0].criteria.group"},
			{cond(`{"group_operator": "and", "group": [{"comparator": "equal", "field": {"api_name": "Last_Name"}, "value": "x"}, {"comparator": "equal", "field": {"api_name": "Owner"}, "value": {"id": "abc"}}]}`), "invalid value for Owner (a ownerlookup field)", "$.custom_views[0].criteria.group[1].value"},
			{`{"records": {"Leads": [{"ref": "l", "Last_Name": "L", "Company": "C"}]}, "cadences": [{"name": "C", "module": {"api_name": "Leads"}, "type": "custom_view", "custom_view": {"ref": "l"}}]}`,
				`ref \"l\" names a record, not a custom view`, "$.cadences[0].custom_view.ref"},
			{`{"cadences": [{"name": "C", "module": {"api_name": "Leads"}, "type": "custom_view", "custom_view": {"ref": "zz"}}]}`, `unknown ref \"zz\"`, "$.cadences[0].custom_view.ref"},
		} {
			want := fmt.Sprintf(`{"code":"INVALID_FIXTURE","message":"%s","path":"%s"}`, c.message, c.path)
			if r := e.do("POST", "/__zcrm/seed", "", c.doc); r.status != 400 || !jsonEqual(r.body, want) {
				t.Errorf("seed %s\n got: %d %s\nwant: 400 %s", c.doc, r.status, r.body, want)
			}
		}
		var n int
		if err := e.db.SQL().QueryRow(`SELECT COUNT(*) FROM custom_views`).Scan(&n); err != nil || n != 1 {
			t.Fatalf("custom views = %d (%v), want the one seeded", n, err)
		}
	})
}

// Views are in a snapshot and come back with it; an org reset drops the org's views.
func TestCustomViewsSnapshotAndReset(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b, "")
		refs := e.seed(viewLeads, "l1", "l2", "l3", "l4", "l5", "l6", "hot", "big", "noemail")
		tok := e.token(e.admin)
		paths := []string{"/crm/v8/settings/custom_views?module=Leads", "/crm/v8/settings/custom_views/" + refs["hot"] + "?module=Leads",
			"/crm/v8/Leads?fields=Last_Name&cvid=" + refs["hot"]}
		want := map[string]string{}
		for _, p := range paths {
			r := e.crm("GET", p, tok, "")
			want[p] = fmt.Sprintf("%d %s", r.status, r.body)
		}
		snap := e.snapshot()
		if !strings.Contains(snap, "\n\"custom_views\":[\n{") {
			t.Fatalf("the snapshot has no custom views:\n%s", snap)
		}
		e.do("POST", "/__zcrm/reset", "", "")
		e.do("PUT", "/__zcrm/snapshot", "", snap).expect(t, 200, summaryOf(t, snap))
		for _, p := range paths {
			r := e.crm("GET", p, tok, "")
			if got := fmt.Sprintf("%d %s", r.status, r.body); got != want[p] {
				t.Errorf("GET %s after import = %s\nwant %s", p, got, want[p])
			}
		}
		if again := e.snapshot(); again != snap {
			t.Fatalf("export → import → export differs")
		}

		e.do("POST", fmt.Sprintf("/__zcrm/orgs/%d/reset", e.org.ID), "", "").expect(t, 200, orgAnswer(e.org.ID))
		all := e.metaID(e.org.ID, catalog.KeyCustomView("Leads", "All"))
		r := e.crm("GET", "/crm/v8/settings/custom_views?module=Leads", tok, "")
		if r.status != 200 || strings.Contains(r.body, refs["hot"]) || !strings.Contains(r.body, `"count":1`) || !strings.Contains(r.body, all) {
			t.Fatalf("views after the org's reset = %d %s", r.status, r.body)
		}
		e.crm("GET", "/crm/v8/settings/custom_views/"+refs["hot"]+"?module=Leads", tok, "").expect(t, 204, "")
		e.crm("GET", "/crm/v8/Leads/actions/count?cvid="+refs["hot"], tok, "").expect(t, 400, `{"code":"INVALID_DATA","details":{"param_name":"cvid"},"message":"invalid data","status":"error"}`)
		// The name is free again.
		e.seed(`{"custom_views": [{"ref": "again", "module": "Leads", "name": "Hot"}]}`, "again")
		if n := e.crmState(e.org.ID)["records"]; n != 0 {
			t.Fatalf("records after the reset: %d", n)
		}
	})
}
