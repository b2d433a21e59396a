package httpapi

import (
	"context"
	"fmt"
	"github.com/zcrm/zcrm/internal/catalog"
	"net/http"
	"strings"
	"testing"

	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/store/storetest"
)

// now is the test clock's reading as records render it.
const now = "2024-07-17T20:38:22+00:00"

const (
	errUnparsable = `{"code":"UNABLE_TO_PARSE_DATA_TYPE","details":{},"message":"either the request body or parameters is in wrong format","status":"error"}`
	errScope      = `{"code":"OAUTH_SCOPE_MISMATCH","details":{},"message":"invalid oauth scope to access this URL","status":"error"}`
)

// insertIDs posts body to path and returns the new ids, failing unless every item succeeded.
func (e *testEnv) insertIDs(tok, path, body string) []string {
	e.t.Helper()
	res := e.do("POST", path, tok, body)
	if res.status != http.StatusCreated {
		e.t.Fatalf("insert: status %d: %s", res.status, res.body)
	}
	var out struct {
		Data []struct {
			Details struct {
				ID string `json:"id"`
			} `json:"details"`
		} `json:"data"`
	}
	res.decode(e.t, &out)
	ids := make([]string, len(out.Data))
	for i, it := range out.Data {
		ids[i] = it.Details.ID
	}
	return ids
}

// by is a minimal user reference as write items carry it.
func by(u crm.User) string {
	return fmt.Sprintf(`{"name":%q,"id":"%d"}`, u.FullName(), u.ID)
}

// ref is a user reference as record rows carry it.
func ref(u crm.User) string {
	return fmt.Sprintf(`{"name":%q,"id":"%d","email":%q}`, u.FullName(), u.ID, u.Email)
}

func addedItem(id string, u crm.User) string {
	return fmt.Sprintf(`{"code":"SUCCESS","details":{"Modified_Time":%q,"Modified_By":%s,"Created_Time":%q,"id":%q,"Created_By":%s,"$approval_state":"approved"},"message":"record added","status":"success"}`,
		now, by(u), now, id, by(u))
}

func updatedItem(id string, creator, modifier crm.User) string {
	return fmt.Sprintf(`{"code":"SUCCESS","details":{"Modified_Time":%q,"Modified_By":%s,"Created_Time":%q,"id":%q,"Created_By":%s},"message":"record updated","status":"success"}`,
		now, by(modifier), now, id, by(creator))
}

func deletedItem(id string) string {
	return fmt.Sprintf(`{"code":"SUCCESS","details":{"id":%q},"message":"record deleted","status":"success"}`, id)
}

// Insert, read, list, update and delete one record through every form of the API.
func TestRecordsRoundTrip(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		tok := e.adminToken("ZohoCRM.modules.ALL")
		a := e.admin

		res := e.do("POST", "/crm/v8/Accounts", tok, `{"data":[{"Account_Name":"Zylker","Employees":40}]}`)
		var ins struct {
			Data []struct{ Details map[string]any } `json:"data"`
		}
		res.decode(t, &ins)
		acct := ins.Data[0].Details["id"].(string)
		res.expect(t, 201, `{"data":[`+addedItem(acct, a)+`]}`)

		ids := e.insertIDs(tok, "/crm/v8/Contacts", `{"data":[{"First_Name":"Ann","Last_Name":"Lee","Email":"ann@zylker.com","Account_Name":{"id":"`+acct+`"},"Custom_Key":{"x":[1,2]}},{"Last_Name":"Bo"}]}`)
		ann, bo := ids[0], ids[1]

		e.do("GET", "/crm/v8/Contacts?fields=Last_Name,First_Name,Account_Name,Owner,Created_Time,Custom_Key&sort_order=asc&", tok, "").expect(t, 200, `{"data":[
			{"id":"`+ann+`","Last_Name":"Lee","First_Name":"Ann","Account_Name":{"name":"Zylker","id":"`+acct+`"},"Owner":`+ref(a)+`,"Created_Time":"`+now+`","Custom_Key":{"x":[1,2]}},
			{"id":"`+bo+`","Last_Name":"Bo","First_Name":null,"Account_Name":null,"Owner":`+ref(a)+`,"Created_Time":"`+now+`"}],
			"info":{"per_page":200,"count":2,"page":1,"sort_by":"id","sort_order":"asc","more_records":false,"next_page_token":null,"previous_page_token":null,"page_token_expiry":null,"call":false,"email":false}}`)

		e.do("PUT", "/crm/v8/Contacts/"+ann, tok, `{"data":[{"Title":"CTO","Email":null}]}`).expect(t, 200, `{"data":[`+updatedItem(ann, a, a)+`]}`)
		e.do("PUT", "/crm/v8/Contacts", tok, `{"data":[{"id":"`+bo+`","Department":"Sales"},{"id":"`+ann+`","First_Name":"Anne"}]}`).
			expect(t, 200, `{"data":[`+updatedItem(bo, a, a)+`,`+updatedItem(ann, a, a)+`]}`)
		e.do("GET", "/crm/v8/Contacts?fields=First_Name,Email,Title,Department&ids="+ann+","+bo+"&sort_order=asc", tok, "").expect(t, 200, `{"data":[
			{"id":"`+ann+`","First_Name":"Anne","Email":null,"Title":"CTO","Department":null},
			{"id":"`+bo+`","First_Name":null,"Email":null,"Title":null,"Department":"Sales"}],
			"info":{"per_page":200,"count":2,"page":1,"sort_by":"id","sort_order":"asc","more_records":false,"next_page_token":null,"previous_page_token":null,"page_token_expiry":null,"call":false,"email":false}}`)

		e.do("DELETE", "/crm/v8/Contacts/"+ann, tok, "").expect(t, 200, `{"data":[`+deletedItem(ann)+`]}`)
		e.do("GET", "/crm/v8/Contacts/"+ann, tok, "").expect(t, 204, "")
		e.do("DELETE", "/crm/v8/Contacts?ids="+bo, tok, "").expect(t, 200, `{"data":[`+deletedItem(bo)+`]}`)
		e.do("GET", "/crm/v8/Contacts?fields=Last_Name", tok, "").expect(t, 204, "")
	})
}

// A single-record read returns every field of the module (null when unset), the system fields and
// the keys stored verbatim; a custom module works like a standard one.
func TestGetRecordCustomModule(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		e.write(func(ctx context.Context, tx crm.Tx) error {
			_, err := crm.CreateCustomModule(ctx, tx, e.org, e.admin.ID, "Properties", "Property", "Properties")
			return err
		})
		tok := e.adminToken("ZohoCRM.modules.properties.ALL")
		e.do("POST", "/crm/v8/Properties", tok, `{"data":[{"Email":"x@y.z"}]}`).expect(t, 400,
			`{"data":[{"code":"MANDATORY_NOT_FOUND","details":{"api_name":"Name","json_path":"$.data[0].Name"},"message":"required field not found","status":"error"}]}`)
		id := e.insertIDs(tok, "/crm/v8/properties", `{"data":[{"Name":"Villa","Rooms":5,"$ignored":true,"id":"1","Created_Time":"x"}]}`)[0]
		e.do("GET", "/crm/v8/Properties/"+id, tok, "").expect(t, 200, `{"data":[{"id":"`+id+`","Owner":`+ref(e.admin)+`,
			"Name":"Villa","Email":null,"Description":null,"Rooms":5,"Created_By":`+ref(e.admin)+`,"Modified_By":`+ref(e.admin)+`,
			"Created_Time":"`+now+`","Modified_Time":"`+now+`"}]}`)
		e.do("GET", "/crm/v8/Properties/1", tok, "").expect(t, 204, "")
		e.do("GET", "/crm/v8/Properties/abc", tok, "").expect(t, 400, `{"code":"INVALID_DATA","details":{"resource_path_index":1},"message":"the id given seems to be invalid","status":"error"}`)
	})
}

// Every API version serves records alike.
func TestRecordsAnyVersion(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		tok := e.adminToken("ZohoCRM.modules.ALL")
		for _, v := range []string{"v2", "v2.1", "v7", "v8"} {
			id := e.insertIDs(tok, "/crm/"+v+"/Leads", `{"data":[{"Last_Name":"`+v+`"}]}`)[0]
			e.do("GET", "/crm/"+v+"/Leads?fields=Last_Name&ids="+id, tok, "").expect(t, 200, `{"data":[{"id":"`+id+`","Last_Name":"`+v+`"}],
				"info":{"per_page":200,"count":1,"page":1,"sort_by":"id","sort_order":"desc","more_records":false,"next_page_token":null,"previous_page_token":null,"page_token_expiry":null,"call":false,"email":false}}`)
			e.do("PUT", "/crm/"+v+"/Leads/"+id, tok, `{"data":[{"Company":"Z"}]}`).expect(t, 200, `{"data":[`+updatedItem(id, e.admin, e.admin)+`]}`)
			e.do("DELETE", "/crm/"+v+"/Leads/"+id, tok, "").expect(t, 200, `{"data":[`+deletedItem(id)+`]}`)
		}
	})
}

// Insert answers per item: 201 when all succeed, 207 mixed, 400 when all fail; the body itself
// is validated first.
func TestInsertRecordErrors(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		tok := e.adminToken("ZohoCRM.modules.ALL")
		other, otherAdmin := e.newOrg("Other", crm.Enterprise)
		foreign := e.newRecord(otherAdmin, "Accounts", map[string]any{"Account_Name": "Theirs"})
		_ = other
		invalid := func(api, path, typ string) string {
			return fmt.Sprintf(`{"code":"INVALID_DATA","details":{"api_name":%q,"json_path":%q,"expected_data_type":%q},"message":"invalid data","status":"error"}`, api, path, typ)
		}
		cases := []struct {
			name, body string
			status     int
			want       string
		}{
			{"malformed JSON", `{"data":[`, 400, errUnparsable},
			{"not an object", `[{"Last_Name":"x"}]`, 400, errUnparsable},
			{"no data", `{}`, 400, `{"code":"MANDATORY_NOT_FOUND","details":{"api_name":"data","json_path":"$.data"},"message":"required field not found","status":"error"}`},
			{"empty body", ``, 400, `{"code":"MANDATORY_NOT_FOUND","details":{"api_name":"data","json_path":"$.data"},"message":"required field not found","status":"error"}`},
			{"data not array", `{"data":{"Last_Name":"x"}}`, 400, `{"code":"INVALID_DATA","details":{"api_name":"data","json_path":"$.data","expected_data_type":"jsonarray"},"message":"invalid data","status":"error"}`},
			{"over 100", `{"data":[` + strings.TrimSuffix(strings.Repeat(`{"Last_Name":"x"},`, 101), ",") + `]}`, 400,
				`{"code":"LIMIT_EXCEEDED","details":{"api_name":"data","json_path":"$.data","limit":100},"message":"Limit Exceeded, You cannot give more than 100 records","status":"error"}`},
			{"mandatory", `{"data":[{"First_Name":"x"},{"Last_Name":"  "}]}`, 400, `{"data":[
				{"code":"MANDATORY_NOT_FOUND","details":{"api_name":"Last_Name","json_path":"$.data[0].Last_Name"},"message":"required field not found","status":"error"},
				{"code":"MANDATORY_NOT_FOUND","details":{"api_name":"Last_Name","json_path":"$.data[1].Last_Name"},"message":"required field not found","status":"error"}]}`},
			{"wrong types", `{"data":[{"Last_Name":1},{"Last_Name":"x","No_of_Employees":"5"},{"Last_Name":"x","Email_Opt_Out":"yes"},
				{"Last_Name":"x","Annual_Revenue":"1"},{"Last_Name":"x","Email":"nope"},{"Last_Name":"x","No_of_Employees":1.5},
				{"Last_Name":"x","No_of_Employees":3000000000},"str"]}`, 400, `{"data":[` +
				invalid("Last_Name", "$.data[0].Last_Name", "text") + `,` + invalid("No_of_Employees", "$.data[1].No_of_Employees", "integer") + `,` +
				invalid("Email_Opt_Out", "$.data[2].Email_Opt_Out", "boolean") + `,` + invalid("Annual_Revenue", "$.data[3].Annual_Revenue", "currency") + `,` +
				invalid("Email", "$.data[4].Email", "email") + `,` + invalid("No_of_Employees", "$.data[5].No_of_Employees", "integer") + `,` +
				invalid("No_of_Employees", "$.data[6].No_of_Employees", "integer") + `,` + invalid("data", "$.data[7]", "jsonobject") + `]}`},
			{"too long", `{"data":[{"Last_Name":"` + strings.Repeat("é", 81) + `"}]}`, 400,
				`{"data":[{"code":"INVALID_DATA","details":{"api_name":"Last_Name","json_path":"$.data[0].Last_Name","maximum_length":80},"message":"invalid data","status":"error"}]}`},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				e.do("POST", "/crm/v8/Leads", tok, c.body).expect(t, c.status, c.want)
			})
		}
		t.Run("dates and lookups", func(t *testing.T) {
			e.do("POST", "/crm/v8/Deals", tok, `{"data":[
				{"Deal_Name":"a","Stage":"Qualification","Closing_Date":"2024-02-30"},
				{"Deal_Name":"b","Stage":"Qualification","Account_Name":{"id":"`+crm.FormatID(foreign)+`"}},
				{"Deal_Name":"c","Stage":"Qualification","Account_Name":"abc"},
				{"Deal_Name":"d","Stage":"Qualification","Owner":{"id":"`+crm.FormatID(otherAdmin.ID)+`"}},
				{"Deal_Name":"e","Stage":"Qualification","Owner":true}]}`).expect(t, 400, `{"data":[`+
				invalid("Closing_Date", "$.data[0].Closing_Date", "date")+`,
				{"code":"INVALID_DATA","details":{"api_name":"Account_Name","json_path":"$.data[1].Account_Name"},"message":"invalid data","status":"error"},`+
				invalid("Account_Name", "$.data[2].Account_Name", "lookup")+`,
				{"code":"INVALID_DATA","details":{"api_name":"Owner","json_path":"$.data[3].Owner"},"message":"invalid data","status":"error"},`+
				invalid("Owner", "$.data[4].Owner", "ownerlookup")+`]}`)
			e.do("POST", "/crm/v8/Calls", tok, `{"data":[{"Subject":"s","Call_Type":"Inbound","Call_Start_Time":"2024-07-17T20:38:22Z"},
				{"Subject":"s","Call_Type":"Inbound","Call_Start_Time":"2024-07-17T20:38:22.5+05:30"}]}`).expect(t, 400, `{"data":[`+
				invalid("Call_Start_Time", "$.data[0].Call_Start_Time", "datetime")+`,`+invalid("Call_Start_Time", "$.data[1].Call_Start_Time", "datetime")+`]}`)
		})
		t.Run("mixed", func(t *testing.T) {
			res := e.do("POST", "/crm/v8/Leads", tok, `{"data":[{"First_Name":"x"},{"Last_Name":"ok"}]}`)
			var out struct {
				Data []struct{ Details map[string]any } `json:"data"`
			}
			res.decode(t, &out)
			id, _ := out.Data[1].Details["id"].(string)
			res.expect(t, 207, `{"data":[{"code":"MANDATORY_NOT_FOUND","details":{"api_name":"Last_Name","json_path":"$.data[0].Last_Name"},"message":"required field not found","status":"error"},`+addedItem(id, e.admin)+`]}`)
		})
		t.Run("no content type", func(t *testing.T) {
			req, _ := http.NewRequest("POST", e.srv.URL+"/crm/v8/Leads", strings.NewReader(`{"data":[{"Last_Name":"sdk"}]}`))
			req.Header.Set("Authorization", "Zoho-oauthtoken "+tok)
			req.Header.Del("Content-Type")
			res, err := e.srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != 201 {
				t.Fatalf("status %d, want 201", res.StatusCode)
			}
		})
	})
}

// Values are stored in their canonical form: datetimes in the org's time zone, lookups as their id,
// field names in their catalogue case; Owner may name another user of the org.
func TestRecordValues(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		tok := e.adminToken("ZohoCRM.modules.ALL")
		sales := e.newUser(e.org.ID, "sales@zcrm.local", crm.ProfileStandard)
		contact := e.insertIDs(tok, "/crm/v8/Contacts", `{"data":[{"First_Name":"Ann","Last_Name":"Lee"}]}`)[0]
		id := e.insertIDs(tok, "/crm/v8/Calls", `{"data":[{"subject":"Intro","Call_Type":"Outbound","Call_Start_Time":"2024-07-18T09:00:00+05:30",
			"Who_Id":"`+contact+`","Owner":{"id":"`+crm.FormatID(sales.ID)+`"},"Call_Duration":"10:00"}]}`)[0]
		e.do("GET", "/crm/v8/Calls?fields=Subject,Call_Start_Time,Who_Id,Owner,Created_By", tok, "").expect(t, 200, `{"data":[{"id":"`+id+`",
			"Subject":"Intro","Call_Start_Time":"2024-07-18T03:30:00+00:00","Who_Id":{"name":"Ann Lee","id":"`+contact+`"},
			"Owner":`+ref(sales)+`,"Created_By":`+ref(e.admin)+`}],
			"info":{"per_page":200,"count":1,"page":1,"sort_by":"id","sort_order":"desc","more_records":false,"next_page_token":null,"previous_page_token":null,"page_token_expiry":null,"call":false,"email":false}}`)
		// A lookup whose target is deleted reads as null.
		e.do("DELETE", "/crm/v8/Contacts/"+contact, tok, "").expect(t, 200, `{"data":[`+deletedItem(contact)+`]}`)
		e.do("GET", "/crm/v8/Calls?fields=Who_Id", tok, "").expect(t, 200, `{"data":[{"id":"`+id+`","Who_Id":null}],
			"info":{"per_page":200,"count":1,"page":1,"sort_by":"id","sort_order":"desc","more_records":false,"next_page_token":null,"previous_page_token":null,"page_token_expiry":null,"call":false,"email":false}}`)
	})
}

// Listing parameters: fields is mandatory (≤ 50), page/per_page page the results, sort_by and
// sort_order order them, ids restricts them; nothing to list is 204.
func TestListRecordsParameters(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		tok := e.adminToken("ZohoCRM.modules.leads.READ", "ZohoCRM.modules.leads.CREATE")
		e.do("GET", "/crm/v8/Leads?fields=Last_Name", tok, "").expect(t, 204, "")
		var ids []string
		for i := 0; i < 5; i++ {
			e.clock.now = e.clock.now.Add(-1e9) // older records get later ids: Created_Time and id disagree
			ids = append(ids, e.insertIDs(tok, "/crm/v8/Leads", fmt.Sprintf(`{"data":[{"Last_Name":"L%d"}]}`, i))[0])
		}
		info := func(perPage, count, page int, by, order string, more bool) string {
			return fmt.Sprintf(`{"per_page":%d,"count":%d,"page":%d,"sort_by":%q,"sort_order":%q,"more_records":%t,%s,"call":false,"email":false}`,
				perPage, count, page, by, order, more, pageTokens(e.clock.now, page, more))
		}
		row := func(i int) string { return fmt.Sprintf(`{"id":%q,"Last_Name":"L%d"}`, ids[i], i) }
		e.do("GET", "/crm/v8/Leads?fields=Last_Name&per_page=2", tok, "").expect(t, 200, `{"data":[`+row(4)+`,`+row(3)+`],"info":`+info(2, 2, 1, "id", "desc", true)+`}`)
		e.do("GET", "/crm/v8/Leads?fields=Last_Name&per_page=2&page=3", tok, "").expect(t, 200, `{"data":[`+row(0)+`],"info":`+info(2, 1, 3, "id", "desc", false)+`}`)
		e.do("GET", "/crm/v8/Leads?fields=Last_Name&per_page=2&page=4", tok, "").expect(t, 204, "")
		e.do("GET", "/crm/v8/Leads?fields=Last_Name&sort_by=Created_Time&sort_order=asc&per_page=2&", tok, "").expect(t, 200, `{"data":[`+row(4)+`,`+row(3)+`],"info":`+info(2, 2, 1, "Created_Time", "asc", true)+`}`)
		e.do("GET", "/crm/v8/Leads?fields=Last_Name&sort_by=modified_time&per_page=1", tok, "").expect(t, 200, `{"data":[`+row(0)+`],"info":`+info(1, 1, 1, "Modified_Time", "desc", true)+`}`)
		e.do("GET", "/crm/v8/Leads?fields=Last_Name&ids="+ids[1]+"%2C"+ids[3]+"&per_page=500", tok, "").expect(t, 200, `{"data":[`+row(3)+`,`+row(1)+`],"info":`+info(200, 2, 1, "id", "desc", false)+`}`)

		missing := `{"code":"REQUIRED_PARAM_MISSING","details":{"param_name":"fields"},"message":"One of the expected parameter is missing","status":"error"}`
		cases := []struct {
			name, query string
			want        string
		}{
			{"no fields", "", missing},
			{"blank fields", "fields=%2C&", missing},
			{"over 50 fields", "fields=" + strings.TrimSuffix(strings.Repeat("Last_Name,", 51), ","),
				`{"code":"LIMIT_EXCEEDED","details":{"limit":50,"param_name":"fields"},"message":"Fields limit exceeded","status":"error"}`},
			{"bad page", "fields=Last_Name&page=0", `{"code":"INVALID_DATA","details":{"param_name":"page","expected_data_type":"integer"},"message":"invalid data","status":"error"}`},
			{"bad per_page", "fields=Last_Name&per_page=x", `{"code":"INVALID_DATA","details":{"param_name":"per_page","expected_data_type":"integer"},"message":"invalid data","status":"error"}`},
			{"bad sort_by", "fields=Last_Name&sort_by=Last_Name", `{"code":"INVALID_DATA","details":{"param_name":"sort_by","supported_values":["id","Created_Time","Modified_Time"]},"message":"invalid data","status":"error"}`},
			{"bad sort_order", "fields=Last_Name&sort_order=up", `{"code":"INVALID_DATA","details":{"param_name":"sort_order","supported_values":["asc","desc"]},"message":"invalid data","status":"error"}`},
			{"bad ids", "fields=Last_Name&ids=1,x", errUnparsable},
			{"beyond 2000", "fields=Last_Name&page=11", `{"code":"DISCRETE_PAGINATION_LIMIT_EXCEEDED","details":{"limit":2000},"message":"You can only get the first 2000 records without using page_token param","status":"error"}`},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				e.do("GET", "/crm/v8/Leads?"+c.query, tok, "").expect(t, 400, c.want)
			})
		}
		t.Run("if-modified-since", func(t *testing.T) {
			req, _ := http.NewRequest("GET", e.srv.URL+"/crm/v8/Leads?fields=Last_Name", nil)
			req.Header.Set("Authorization", "Zoho-oauthtoken "+tok)
			req.Header.Set("If-Modified-Since", "2030-01-01T00:00:00+05:30")
			res, err := e.srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusNotModified {
				t.Fatalf("status %d, want 304", res.StatusCode)
			}
		})
	})
}

// Update: id is mandatory per item in the bulk form; an unknown id is an item error there and a
// top-level error in the single form.
func TestUpdateRecordErrors(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		tok := e.adminToken("ZohoCRM.modules.ALL")
		_, otherAdmin := e.newOrg("Other", crm.Enterprise)
		foreign := crm.FormatID(e.newRecord(otherAdmin, "Leads", map[string]any{"Last_Name": "Theirs"}))
		id := e.insertIDs(tok, "/crm/v8/Leads", `{"data":[{"Last_Name":"Mine"}]}`)[0]
		badID := func(i int) string {
			return fmt.Sprintf(`{"code":"INVALID_DATA","details":{"api_name":"id","json_path":"$.data[%d].id"},"message":"the id given seems to be invalid","status":"error"}`, i)
		}
		e.do("PUT", "/crm/v8/Leads", tok, `{"data":[{"Last_Name":"x"},{"id":"abc"},{"id":"`+foreign+`"},{"id":"`+id+`","Last_Name":null},{"id":`+id+`,"Company":"Z"}]}`).expect(t, 207, `{"data":[
			{"code":"MANDATORY_NOT_FOUND","details":{"api_name":"id","json_path":"$.data[0].id"},"message":"required field not found","status":"error"},`+
			badID(1)+`,`+badID(2)+`,
			{"code":"MANDATORY_NOT_FOUND","details":{"api_name":"Last_Name","json_path":"$.data[3].Last_Name"},"message":"required field not found","status":"error"},`+
			updatedItem(id, e.admin, e.admin)+`]}`)
		e.do("PUT", "/crm/v8/Leads", tok, `{"data":[{"id":"`+foreign+`"}]}`).expect(t, 400, `{"data":[`+badID(0)+`]}`)
		pathID := `{"code":"INVALID_DATA","details":{"resource_path_index":1},"message":"the id given seems to be invalid","status":"error"}`
		e.do("PUT", "/crm/v8/Leads/"+foreign, tok, `{"data":[{"Company":"Z"}]}`).expect(t, 400, pathID)
		e.do("PUT", "/crm/v8/Leads/x1", tok, `{"data":[{"Company":"Z"}]}`).expect(t, 400, pathID)
		e.do("PUT", "/crm/v8/Leads/"+id, tok, `{"data":[{"No_of_Employees":"many"}]}`).expect(t, 400,
			`{"data":[{"code":"INVALID_DATA","details":{"api_name":"No_of_Employees","json_path":"$.data[0].No_of_Employees","expected_data_type":"integer"},"message":"invalid data","status":"error"}]}`)
		e.do("PUT", "/crm/v8/Leads/"+id, tok, `{"data":`).expect(t, 400, errUnparsable)
		e.do("GET", "/crm/v8/Leads?fields=Last_Name,Company", tok, "").expect(t, 200, `{"data":[{"id":"`+id+`","Last_Name":"Mine","Company":"Z"}],
			"info":{"per_page":200,"count":1,"page":1,"sort_by":"id","sort_order":"desc","more_records":false,"next_page_token":null,"previous_page_token":null,"page_token_expiry":null,"call":false,"email":false}}`)
	})
}

// Delete by ids: mandatory, at most 100, numeric; unknown (or another org's) ids are item errors.
func TestDeleteRecordsParameters(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		tok := e.adminToken("ZohoCRM.modules.ALL")
		_, otherAdmin := e.newOrg("Other", crm.Enterprise)
		foreign := crm.FormatID(e.newRecord(otherAdmin, "Leads", map[string]any{"Last_Name": "Theirs"}))
		ids := e.insertIDs(tok, "/crm/v8/Leads", `{"data":[{"Last_Name":"a"},{"Last_Name":"b"}]}`)
		missing := `{"code":"REQUIRED_PARAM_MISSING","details":{"param_name":"ids"},"message":"One of the expected parameter is missing","status":"error"}`
		e.do("DELETE", "/crm/v8/Leads", tok, "").expect(t, 400, missing)
		e.do("DELETE", "/crm/v8/Leads?ids=&", tok, "").expect(t, 400, missing)
		e.do("DELETE", "/crm/v8/Leads?ids="+strings.Repeat("1,", 101), tok, "").expect(t, 400,
			`{"code":"LIMIT_EXCEEDED","details":{"limit":100,"param_name":"ids"},"message":"Limit Exceeded, You cannot give more than 100 record ids","status":"error"}`)
		e.do("DELETE", "/crm/v8/Leads?ids=1,abc", tok, "").expect(t, 400, errUnparsable)
		e.do("DELETE", "/crm/v8/Leads?ids=-1", tok, "").expect(t, 400, errUnparsable)
		notDeleted := func(id string) string {
			return fmt.Sprintf(`{"code":"INVALID_DATA","details":{"id":%q},"message":"record not deleted","status":"error"}`, id)
		}
		e.do("DELETE", "/crm/v8/Leads?ids="+ids[0]+"%2C"+foreign+"%2C"+ids[0]+"&", tok, "").expect(t, 207, `{"data":[`+deletedItem(ids[0])+`,`+notDeleted(foreign)+`]}`)
		e.do("DELETE", "/crm/v8/Leads?ids="+ids[0], tok, "").expect(t, 400, `{"data":[`+notDeleted(ids[0])+`]}`)
		pathID := `{"code":"INVALID_DATA","details":{"resource_path_index":1},"message":"the id given seems to be invalid","status":"error"}`
		e.do("DELETE", "/crm/v8/Leads/"+ids[0], tok, "").expect(t, 400, pathID)
		e.do("DELETE", "/crm/v8/Leads/"+foreign, tok, "").expect(t, 400, pathID)
		e.do("DELETE", "/crm/v8/Leads/1x", tok, "").expect(t, 400, pathID)
		e.do("DELETE", "/crm/v8/Leads?ids="+ids[1]+",", tok, "").expect(t, 200, `{"data":[`+deletedItem(ids[1])+`]}`)
		// The other org still has its record.
		e.do("GET", "/crm/v8/Leads/"+foreign, e.token(otherAdmin, "ZohoCRM.modules.ALL"), "").status200(t)
	})
}

func (r response) status200(t *testing.T) {
	t.Helper()
	if r.status != 200 {
		t.Fatalf("status = %d, want 200; body: %s", r.status, r.body)
	}
}

// Deleting a record removes its relations and deal contact roles and ends its live cadence
// enrolments (record_deleted, by the caller) in the same transaction.
func TestDeleteRecordCascade(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		tok := e.adminToken("ZohoCRM.modules.ALL")
		org, admin := e.org.ID, e.admin.ID
		contacts := e.insertIDs(tok, "/crm/v8/Contacts", `{"data":[{"Last_Name":"a"},{"Last_Name":"b"}]}`)
		dealID := e.insertIDs(tok, "/crm/v8/Deals", `{"data":[{"Deal_Name":"d","Stage":"Qualification"}]}`)[0]
		campID := e.insertIDs(tok, "/crm/v8/Campaigns", `{"data":[{"Campaign_Name":"c"}]}`)[0]
		num := func(s string) int64 {
			id, ok := crm.ParseID(s)
			if !ok {
				t.Fatalf("bad id %q", s)
			}
			return id
		}
		c0, c1, deal, camp := num(contacts[0]), num(contacts[1]), num(dealID), num(campID)
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
		for _, c := range []int64{c0, c1} {
			exec(`INSERT INTO relations (org_id, kind, a_id, b_id, data, created_time) VALUES (?, 'Campaigns:Contacts', ?, ?, '{}', 0)`, org, camp, c)
			exec(`INSERT INTO deal_contact_roles (org_id, deal_id, contact_id, role_id, created_time) VALUES (?, ?, ?, 1, 0)`, org, deal, c)
		}
		exec(`INSERT INTO enrollments (id, org_id, cadence_id, cadence_name, module, record_id, enrolled_time, enrolled_by) VALUES (1, ?, 7, 'Cad', 'Contacts', ?, 0, ?)`, org, c0, admin)
		exec(`INSERT INTO enrollments (id, org_id, cadence_id, cadence_name, module, record_id, enrolled_time, enrolled_by) VALUES (2, ?, 7, 'Cad', 'Contacts', ?, 0, ?)`, org, c1, admin)

		e.do("DELETE", "/crm/v8/Contacts?ids="+contacts[0], tok, "").expect(t, 200, `{"data":[`+deletedItem(contacts[0])+`]}`)
		if n := count(`SELECT COUNT(*) FROM relations WHERE a_id = ? OR b_id = ?`, c0, c0); n != 0 {
			t.Errorf("relations of the deleted contact: %d, want 0", n)
		}
		if n := count(`SELECT COUNT(*) FROM deal_contact_roles WHERE contact_id = ?`, c0); n != 0 {
			t.Errorf("deal contact roles of the deleted contact: %d, want 0", n)
		}
		if n := count(`SELECT COUNT(*) FROM enrollments WHERE record_id = ? AND ended_time IS NOT NULL AND end_reason = 'record_deleted' AND ended_by = ?`, c0, admin); n != 1 {
			t.Errorf("ended enrolments of the deleted contact: %d, want 1", n)
		}
		if n := count(`SELECT COUNT(*) FROM relations WHERE b_id = ?`, c1); n != 1 {
			t.Errorf("relations of the other contact: %d, want 1", n)
		}
		if n := count(`SELECT COUNT(*) FROM enrollments WHERE record_id = ? AND ended_time IS NULL`, c1); n != 1 {
			t.Errorf("live enrolments of the other contact: %d, want 1", n)
		}
		// Deleting the deal through the single form takes its remaining contact roles.
		e.do("DELETE", "/crm/v8/Deals/"+crm.FormatID(deal), tok, "").expect(t, 200, `{"data":[`+deletedItem(crm.FormatID(deal))+`]}`)
		if n := count(`SELECT COUNT(*) FROM deal_contact_roles WHERE org_id = ?`, org); n != 0 {
			t.Errorf("deal contact roles left: %d, want 0", n)
		}
		if n := count(`SELECT COUNT(*) FROM records WHERE id = ?`, c0); n != 0 {
			t.Errorf("deleted record still stored")
		}
	})
}

// Module errors come first: an unknown module and a module the API does not serve are INVALID_MODULE.
func TestRecordsInvalidModule(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		tok := e.adminToken("ZohoCRM.modules.ALL")
		unknown := `{"code":"INVALID_MODULE","details":{"resource_path_index":0},"message":"the module name given seems to be invalid","status":"error"}`
		notAPI := `{"code":"INVALID_MODULE","details":{"resource_path_index":0},"message":"The given module is not supported in API","status":"error"}`
		for _, c := range []struct{ method, path, body, want string }{
			{"GET", "/crm/v8/Nothing?fields=Last_Name", "", unknown},
			{"POST", "/crm/v8/Nothing", `{"data":[{}]}`, unknown},
			{"PUT", "/crm/v8/Nothing/1", `{"data":[{}]}`, unknown},
			{"DELETE", "/crm/v8/Nothing?ids=1", "", unknown},
			{"GET", "/crm/v8/Documents?fields=Name", "", notAPI},
			{"POST", "/crm/v8/Documents", `{"data":[{}]}`, notAPI},
			{"DELETE", "/crm/v8/Documents/1", "", notAPI},
		} {
			e.do(c.method, c.path, tok, c.body).expect(t, 400, c.want)
		}
	})
}

// Scopes: READ reads, CREATE/UPDATE/DELETE (or WRITE, or ALL, module-wide or group-wide) write.
func TestRecordScopes(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		all := e.adminToken("ZohoCRM.modules.ALL")
		id := e.insertIDs(all, "/crm/v8/Leads", `{"data":[{"Last_Name":"x"}]}`)[0]
		ops := []struct{ method, path, body string }{
			{"GET", "/crm/v8/Leads?fields=Last_Name", ""},
			{"GET", "/crm/v8/Leads/" + id, ""},
			{"POST", "/crm/v8/Leads", `{"data":[{"Last_Name":"y"}]}`},
			{"PUT", "/crm/v8/Leads", `{"data":[{"id":"` + id + `"}]}`},
			{"PUT", "/crm/v8/Leads/" + id, `{"data":[{}]}`},
			{"DELETE", "/crm/v8/Leads?ids=1", ""},
			{"DELETE", "/crm/v8/Leads/1", ""},
		}
		grants := map[string][]bool{ // per op above: allowed?
			"ZohoCRM.modules.contacts.ALL": {false, false, false, false, false, false, false},
			"ZohoCRM.modules.leads.READ":   {true, true, false, false, false, false, false},
			"ZohoCRM.modules.leads.CREATE": {false, false, true, false, false, false, false},
			"ZohoCRM.modules.leads.UPDATE": {false, false, false, true, true, false, false},
			"ZohoCRM.modules.leads.DELETE": {false, false, false, false, false, true, true},
			"ZohoCRM.modules.leads.WRITE":  {false, false, true, true, true, true, true},
			"ZohoCRM.modules.READ":         {true, true, false, false, false, false, false},
			"ZohoCRM.modules.leads.ALL":    {true, true, true, true, true, true, true},
			"ZohoCRM.settings.ALL":         {false, false, false, false, false, false, false},
		}
		for scope, allowed := range grants {
			tok := e.adminToken(scope)
			for i, op := range ops {
				res := e.do(op.method, op.path, tok, op.body)
				if allowed[i] {
					if res.status == 401 {
						t.Errorf("%s %s with %s: %d %s", op.method, op.path, scope, res.status, res.body)
					}
				} else {
					res.expect(t, 401, errScope)
				}
			}
		}
	})
}

// Profiles: a profile lacking a module permission gets NO_PERMISSION naming it.
func TestRecordPermissions(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		e.write(func(ctx context.Context, tx crm.Tx) error {
			_, err := crm.CreateProfile(ctx, tx, e.org.ID, "No Lead Deletes", []string{"Crm_Implied_Delete_Leads", "Crm_Implied_View_Potentials"})
			return err
		})
		u := e.newUser(e.org.ID, "clerk@zcrm.local", "No Lead Deletes")
		tok := e.token(u, "ZohoCRM.modules.ALL")
		id := e.insertIDs(tok, "/crm/v8/Leads", `{"data":[{"Last_Name":"x"}]}`)[0]
		noDelete := `{"code":"NO_PERMISSION","details":{"permissions":["Crm_Implied_Delete_Leads"]},"message":"permission denied","status":"error"}`
		e.do("DELETE", "/crm/v8/Leads?ids="+id, tok, "").expect(t, 403, noDelete)
		e.do("DELETE", "/crm/v8/Leads/"+id, tok, "").expect(t, 403, noDelete)
		e.do("GET", "/crm/v8/Deals?fields=Deal_Name", tok, "").expect(t, 403, `{"code":"NO_PERMISSION","details":{"permissions":["Crm_Implied_View_Potentials"]},"message":"permission denied","status":"error"}`)
		e.do("PUT", "/crm/v8/Leads/"+id, tok, `{"data":[{"Company":"Z"}]}`).expect(t, 200, `{"data":[`+updatedItem(id, u, u)+`]}`)
	})
}

// Data sharing: in a private module a non-admin may change only the records they own:
// AUTHORIZATION_FAILED per item in the bulk forms, top-level in the single-id forms.
func TestRecordDataSharing(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		admin := e.adminToken("ZohoCRM.modules.ALL")
		std := e.newUser(e.org.ID, "std@zcrm.local", crm.ProfileStandard)
		tok := e.token(std, "ZohoCRM.modules.ALL")
		theirs := e.insertIDs(admin, "/crm/v8/Leads", `{"data":[{"Last_Name":"admin's"}]}`)[0]
		mine := e.insertIDs(tok, "/crm/v8/Leads", `{"data":[{"Last_Name":"mine"}]}`)[0]
		// Public (the default): anyone may change anything.
		e.do("PUT", "/crm/v8/Leads/"+theirs, tok, `{"data":[{"Company":"Z"}]}`).expect(t, 200, `{"data":[`+updatedItem(theirs, e.admin, std)+`]}`)
		e.write(func(ctx context.Context, tx crm.Tx) error {
			return tx.SetSharing(ctx, e.org.ID, "Leads", crm.SharingPrivate)
		})
		upd := `{"code":"AUTHORIZATION_FAILED","details":{},"message":"User does not have sufficient privilege to update records","status":"error"}`
		del := `{"code":"AUTHORIZATION_FAILED","details":{},"message":"User does not have sufficient privilege to delete records","status":"error"}`
		e.do("PUT", "/crm/v8/Leads/"+theirs, tok, `{"data":[{"Company":"Y"}]}`).expect(t, 400, upd)
		e.do("DELETE", "/crm/v8/Leads/"+theirs, tok, "").expect(t, 400, del)
		e.do("PUT", "/crm/v8/Leads", tok, `{"data":[{"id":"`+theirs+`","Company":"Y"},{"id":"`+mine+`","Company":"Y"}]}`).expect(t, 207, `{"data":[
			{"code":"AUTHORIZATION_FAILED","details":{"id":"`+theirs+`"},"message":"User does not have sufficient privilege to update records","status":"error"},`+
			updatedItem(mine, std, std)+`]}`)
		e.do("DELETE", "/crm/v8/Leads?ids="+theirs+","+mine, tok, "").expect(t, 207, `{"data":[
			{"code":"AUTHORIZATION_FAILED","details":{"id":"`+theirs+`"},"message":"User does not have sufficient privilege to delete records","status":"error"},`+
			deletedItem(mine)+`]}`)
		// Another's record reads as unknown (see sharing_test.go); the admin may change anything.
		e.do("GET", "/crm/v8/Leads/"+theirs, tok, "").expect(t, 204, "")
		e.do("DELETE", "/crm/v8/Leads/"+theirs, admin, "").expect(t, 200, `{"data":[`+deletedItem(theirs)+`]}`)
	})
}

// cvid names one of the module's custom views (zcrm's built-in "All" views select every record):
// an unknown one is INVALID_DATA {"param_name":"cvid"} as Zoho's getRecords example answers, and
// with sort_by Zoho's AMBIGUITY_DURING_PROCESSING; the same on search and count.
func TestRecordListCustomView(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		tok := e.adminToken("ZohoCRM.modules.ALL")
		e.newRecord(e.admin, "Contacts", map[string]any{"Last_Name": "Viewed"})
		cv := e.metaID(e.org.ID, catalog.KeyCustomView("Contacts", "All"))
		other := e.metaID(e.org.ID, catalog.KeyCustomView("Leads", "All"))
		all := e.do("GET", "/crm/v8/Contacts?fields=Last_Name", tok, "")
		withView := e.do("GET", "/crm/v8/Contacts?fields=Last_Name&cvid="+cv, tok, "")
		if withView.status != 200 {
			t.Fatalf("the All view: %d %s", withView.status, withView.body)
		}
		assertJSON(t, withView.body, all.body)
		badCV := `{"code":"INVALID_DATA","details":{"param_name":"cvid"},"message":"invalid data","status":"error"}`
		for _, path := range []string{"/crm/v8/Contacts?fields=Last_Name&cvid=" + other, "/crm/v8/Contacts?fields=Last_Name&cvid=abc",
			"/crm/v8/Contacts/search?word=View&cvid=111111111111111111", "/crm/v8/Contacts/actions/count?cvid=" + other} {
			e.do("GET", path, tok, "").expect(t, 400, badCV)
		}
		e.do("GET", "/crm/v8/Contacts?fields=Last_Name&cvid="+cv+"&sort_by=id", tok, "").expect(t, 400,
			`{"code":"AMBIGUITY_DURING_PROCESSING","details":{"ambiguity_due_to":[{"param_name":"cvid"},{"param_name":"sort_by"}]},"message":"Ambiguity while processing the request","status":"error"}`)
		e.do("GET", "/crm/v8/Contacts/actions/count?cvid="+cv, tok, "").expect(t, 200, `{"count":1}`)
	})
}
