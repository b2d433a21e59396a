package httpapi

import (
	"fmt"
	"testing"

	"github.com/zcrm/zcrm/internal/store/storetest"
)

// What differs by API version (crm/version.go): Get Records' fields optional and sort_by any field
// on v2 and v2.1; deal contact roles' Contact_Role as a string id and no fields on v2 to v3.
func TestVersionRules(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		tok := e.adminToken("ZohoCRM.modules.ALL")
		ids := map[string]int64{}
		for _, n := range []string{"Cedar", "Ash", "Birch"} {
			ids[n] = e.newRecord(e.admin, "Contacts", map[string]any{"Last_Name": n, "Email": n + "@example.com"})
		}
		missingFields := relErr("REQUIRED_PARAM_MISSING", "One of the expected parameter is missing", `{"param_name":"fields"}`)

		// fields: optional on v2 and v2.1 (every field answered), mandatory from v2.2 on.
		for _, v := range []string{"v2", "v2.1"} {
			var got struct {
				Data []map[string]any
				Info map[string]any
			}
			r := e.do("GET", "/crm/"+v+"/Contacts?sort_by=Last_Name&sort_order=asc&per_page=2", tok, "")
			r.decode(t, &got)
			if r.status != 200 || len(got.Data) != 2 || got.Data[0]["Last_Name"] != "Ash" || got.Data[1]["Last_Name"] != "Birch" ||
				got.Data[0]["Email"] != "Ash@example.com" || got.Data[0]["Owner"] == nil {
				t.Fatalf("%s without fields, sorted by Last_Name: %d %s", v, r.status, r.body)
			}
			// A field sort pages by number: no token, the next page by page=2.
			if got.Info["sort_by"] != "Last_Name" || got.Info["more_records"] != true || got.Info["next_page_token"] != nil {
				t.Errorf("%s info = %v", v, got.Info)
			}
			r = e.do("GET", "/crm/"+v+"/Contacts?fields=Last_Name&sort_by=last_name&sort_order=asc&per_page=2&page=2", tok, "")
			r.expect(t, 200, fmt.Sprintf(`{"data":[{"Last_Name":"Cedar","id":"%d"}],"info":{"per_page":2,"count":1,"page":2,
				"sort_by":"Last_Name","sort_order":"asc","more_records":false,"next_page_token":null,"previous_page_token":null,
				"page_token_expiry":null,"call":false,"email":false}}`, ids["Cedar"]))
			e.do("GET", "/crm/"+v+"/Contacts?sort_by=Nope", tok, "").expect(t, 400,
				relErr("INVALID_DATA", "invalid data", `{"param_name":"sort_by"}`))
		}
		for _, v := range []string{"v2.2", "v3", "v7", "v8"} {
			e.do("GET", "/crm/"+v+"/Contacts", tok, "").expect(t, 400, missingFields)
			e.do("GET", "/crm/"+v+"/Contacts?fields=Last_Name&sort_by=Last_Name", tok, "").expect(t, 400,
				relErr("INVALID_DATA", "invalid data", `{"param_name":"sort_by","supported_values":["id","Created_Time","Modified_Time"]}`))
		}

		// Deal contact roles: v2 to v3 answer Contact_Role as the role's id and need no fields.
		deal := e.newRecord(e.admin, "Deals", map[string]any{"Deal_Name": "Big", "Stage": "Qualification"})
		var roles struct {
			ContactRoles []struct{ ID, Name string } `json:"contact_roles"`
		}
		e.do("GET", "/crm/v8/Contacts/roles", tok, "").decode(t, &roles)
		role := roles.ContactRoles[0]
		e.do("PUT", fmt.Sprintf("/crm/v3/Deals/%d/Contact_Roles/%d", deal, ids["Ash"]), tok, `{"data":[{"Contact_Role":"`+role.ID+`"}]}`).
			expect(t, 200, fmt.Sprintf(`{"data":[{"code":"SUCCESS","details":{"id":"%d"},"message":"relation updated","status":"success"}]}`, ids["Ash"]))
		for _, v := range []string{"v2", "v2.1", "v3"} {
			var got struct{ Data []map[string]any }
			r := e.do("GET", fmt.Sprintf("/crm/%s/Deals/%d/Contact_Roles", v, deal), tok, "")
			r.decode(t, &got)
			if r.status != 200 || len(got.Data) != 1 || got.Data[0]["Contact_Role"] != role.ID || got.Data[0]["Last_Name"] != "Ash" {
				t.Errorf("%s deal contact roles: %d %s", v, r.status, r.body)
			}
		}
		e.do("GET", fmt.Sprintf("/crm/v4/Deals/%d/Contact_Roles", deal), tok, "").expect(t, 400, missingFields)
		e.do("GET", fmt.Sprintf("/crm/v8/Deals/%d/Contact_Roles?fields=Last_Name", deal), tok, "").expect(t, 200,
			fmt.Sprintf(`{"data":[{"Contact_Role":{"name":%q,"id":%q},"Last_Name":"Ash","id":"%d"}],"info":{"per_page":200,"next_page_token":null,
				"count":1,"page":1,"previous_page_token":null,"page_token_expiry":null,"more_records":false}}`, role.Name, role.ID, ids["Ash"]))
		e.do("GET", "/crm/v9/Contacts?fields=Last_Name", tok, "").expect(t, 400,
			relErr("API_NOT_SUPPORTED", "api not supported", `{"supported_version":8}`))
	})
}
