package httpapi

import (
	"fmt"
	"testing"

	"github.com/zcrm/zcrm/internal/store/storetest"
)

// Update and Delete a Specific Note of a record: PUT and DELETE /{module}/{id}/Notes/{note_id}
// change the note when it is one of the record's, and answer the path's id otherwise.
func TestNotesUnderRecord(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		tok := e.adminToken("ZohoCRM.modules.ALL")
		a := e.admin
		lead := e.newRecord(a, "Leads", map[string]any{"Last_Name": "Dogwood"})
		other := e.newRecord(a, "Leads", map[string]any{"Last_Name": "Elm"})
		under := func(rec int64) string { return fmt.Sprintf("/crm/v8/Leads/%d/Notes", rec) }
		ids := itemIDs(t, e.do("POST", under(lead), tok, `{"data":[{"Note_Title":"First","Note_Content":"call"},{"Note_Title":"Second"}]}`))
		elsewhere := itemIDs(t, e.do("POST", under(other), tok, `{"data":[{"Note_Title":"Other's"}]}`))[0]

		e.do("PUT", under(lead)+"/"+ids[0], tok, `{"data":[{"Note_Title":"First, edited"}]}`).expect(t, 200, `{"data":[`+noteItem(ids[0], a, "record updated")+`]}`)
		var got struct{ Data []map[string]any }
		e.do("GET", "/crm/v8/Notes/"+ids[0], tok, "").decode(t, &got)
		if len(got.Data) != 1 || got.Data[0]["Note_Title"] != "First, edited" || got.Data[0]["Note_Content"] != "call" {
			t.Fatalf("note after the update: %v", got.Data)
		}
		e.do("PUT", under(lead)+"/"+ids[0], tok, `{"data":[{"Note_Title":"","Note_Content":null}]}`).expect(t, 400,
			`{"data":[{"code":"EXPECTED_FIELD_MISSING","details":{"expected_fields":[{"api_name":"Note_Content","json_path":"$.data[0].Note_Content"},{"api_name":"Note_Title","json_path":"$.data[0].Note_Title"}]},"message":"should contain either content or title","status":"error"}]}`)

		badID := relErr("INVALID_DATA", "the id given seems to be invalid", `{"resource_path_index":3}`)
		for _, path := range []string{under(lead) + "/" + elsewhere, under(lead) + "/5725767000000999999", under(lead) + "/abc"} {
			e.do("PUT", path, tok, `{"data":[{"Note_Title":"X"}]}`).expect(t, 400, badID)
			e.do("DELETE", path, tok, "").expect(t, 400, badID)
		}
		e.do("DELETE", fmt.Sprintf("/crm/v8/Leads/5725767000000999999/Notes/%s", ids[1]), tok, "").expect(t, 400,
			relErr("INVALID_DATA", "the related id given seems to be invalid", `{"resource_path_index":1}`))
		e.do("DELETE", under(lead)+"/"+ids[1], e.adminToken("ZohoCRM.modules.leads.ALL"), "").expect(t, 401,
			relErr("OAUTH_SCOPE_MISMATCH", "invalid oauth scope to access this URL", `{}`))

		e.do("DELETE", under(lead)+"/"+ids[1], tok, "").expect(t, 200, `{"data":[{"code":"SUCCESS","details":{"id":"`+ids[1]+`"},"message":"record deleted","status":"success"}]}`)
		e.do("GET", under(lead)+"?fields=Note_Title", tok, "").expect(t, 200, `{"data":[{"Note_Title":"First, edited","id":"`+ids[0]+`"}],
			"info":{"per_page":200,"next_page_token":null,"count":1,"page":1,"previous_page_token":null,"page_token_expiry":null,"more_records":false}}`)
	})
}
