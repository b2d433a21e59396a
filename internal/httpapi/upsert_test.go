package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/zcrm/zcrm/internal/catalog"
	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/oastest"
	"github.com/zcrm/zcrm/internal/store/storetest"
)

// moduleID is the metadata id of the default org's module, as a wire string.
func (e *testEnv) moduleID(module string) string {
	e.t.Helper()
	var id string
	e.write(func(ctx context.Context, tx crm.Tx) error {
		ids, err := tx.MetadataIDs(ctx, e.org.ID)
		id = crm.FormatID(ids[catalog.KeyModule(module)])
		return err
	})
	return id
}

// recordFields reads GET /{module}/{id} and returns the given fields of the record, and its id, as
// JSON: {"field":value,…,"id":"…"}.
func (e *testEnv) recordFields(tok, module, id string, fields ...string) string {
	e.t.Helper()
	res := e.do("GET", "/crm/v8/"+module+"/"+id, tok, "")
	var out struct {
		Data []map[string]any `json:"data"`
	}
	res.decode(e.t, &out)
	if len(out.Data) != 1 {
		e.t.Fatalf("GET %s/%s: %d %s", module, id, res.status, res.body)
	}
	picked := map[string]any{"id": out.Data[0]["id"]}
	for _, f := range fields {
		picked[f] = out.Data[0][f]
	}
	b, err := json.Marshal(picked)
	if err != nil {
		e.t.Fatal(err)
	}
	return string(b)
}

// upsertedItem is an upsert's SUCCESS item: action insert ("record added", $approval_state) or
// update ("record updated"); dupField "" is null.
func upsertedItem(action, dupField, id string, creator, modifier crm.User) string {
	df := "null"
	if dupField != "" {
		df = fmt.Sprintf("%q", dupField)
	}
	if action == "insert" {
		return fmt.Sprintf(`{"code":"SUCCESS","duplicate_field":%s,"action":"insert","details":{"Modified_Time":%q,"Modified_By":%s,"Created_Time":%q,"id":%q,"Created_By":%s,"$approval_state":"approved"},"message":"record added","status":"success"}`,
			df, now, by(modifier), now, id, by(creator))
	}
	return fmt.Sprintf(`{"code":"SUCCESS","duplicate_field":%s,"action":"update","details":{"Modified_Time":%q,"Modified_By":%s,"Created_Time":%q,"id":%q,"Created_By":%s},"message":"record updated","status":"success"}`,
		df, now, by(modifier), now, id, by(creator))
}

// duplicateItem is DUPLICATE_DATA for field of element i, naming the record dup (owned by owner)
// of module modID.
func duplicateItem(field string, i int, module, modID string, dup int64, owner crm.User, more bool) string {
	return fmt.Sprintf(`{"code":"DUPLICATE_DATA","details":{"api_name":%q,"json_path":"$.data[%d].%s",
		"duplicate_record":{"Owner":{"name":%q,"id":"%d","zuid":"%d"},"module":{"api_name":%q,"id":%q},"id":"%d"},
		"more_records":%t},"message":"duplicate data","status":"error"}`, field, i, field, owner.FullName(), owner.ID, owner.ID, module, modID, dup, more)
}

// okIDs returns the ids of an answer's items, in order ("" for an error item).
func okIDs(t *testing.T, res response) []string {
	t.Helper()
	var out struct {
		Data []struct {
			Details struct {
				ID string `json:"id"`
			} `json:"details"`
			Status string `json:"status"`
		} `json:"data"`
	}
	res.decode(t, &out)
	ids := make([]string, len(out.Data))
	for i, it := range out.Data {
		if it.Status == "success" {
			ids[i] = it.Details.ID
		}
	}
	return ids
}

// Upsert: an element matching one record on the default field (Email, case-insensitively) updates
// it, one matching none is inserted, and the answer is 200 for both (Zoho's Success example);
// an element matching a record an earlier element inserted updates it.
func TestUpsertRecords(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		tok := e.adminToken("ZohoCRM.modules.ALL")
		a := e.admin
		old := e.newRecord(a, "Leads", map[string]any{"Last_Name": "Old", "Email": "ada@zylker.com", "Company": "Zylker"})

		res := e.do("POST", "/crm/v8/Leads/upsert", tok,
			`{"data":[{"Last_Name":"Lovelace","Email":"ADA@zylker.com"},{"Last_Name":"Babbage","Email":"charles@zylker.com"},{"Last_Name":"Hopper"}]}`)
		ids := okIDs(t, res)
		res.expect(t, 200, `{"data":[`+upsertedItem("update", "Email", fmt.Sprint(old), a, a)+`,`+
			upsertedItem("insert", "Email", ids[1], a, a)+`,`+upsertedItem("insert", "", ids[2], a, a)+`]}`)
		oastest.ValidateResponse(t, "record.json", "POST", "/crm/v8/Leads/upsert", 200, res.body)
		assertJSON(t, e.recordFields(tok, "Leads", fmt.Sprint(old), "Last_Name", "Email", "Company"),
			fmt.Sprintf(`{"Last_Name":"Lovelace","Email":"ADA@zylker.com","Company":"Zylker","id":"%d"}`, old))

		// Two elements with one new value: the first inserts, the second updates what it inserted.
		res = e.do("POST", "/crm/v8/Leads/upsert", tok,
			`{"data":[{"Last_Name":"Grace","Email":"grace@zylker.com"},{"Email":"Grace@Zylker.com","Company":"Navy"}]}`)
		ids = okIDs(t, res)
		res.expect(t, 200, `{"data":[`+upsertedItem("insert", "Email", ids[0], a, a)+`,`+upsertedItem("update", "Email", ids[0], a, a)+`]}`)
		assertJSON(t, e.recordFields(tok, "Leads", ids[0], "Last_Name", "Email", "Company"),
			fmt.Sprintf(`{"Last_Name":"Grace","Email":"Grace@Zylker.com","Company":"Navy","id":%q}`, ids[0]))

		// duplicate_check_fields names the field to match on; an insert still needs its mandatory fields.
		res = e.do("POST", "/crm/v8/Accounts/upsert", tok, `{"data":[{"Account_Name":"Zylker","Employees":5},{"Employees":7}],"duplicate_check_fields":["account_name"]}`)
		ids = okIDs(t, res)
		res.expect(t, 207, `{"data":[`+upsertedItem("insert", "Account_Name", ids[0], a, a)+`,
			{"code":"MANDATORY_NOT_FOUND","details":{"api_name":"Account_Name","json_path":"$.data[1].Account_Name"},"message":"required field not found","status":"error"}]}`)
		e.do("POST", "/crm/v8/Accounts/upsert", tok, `{"data":[{"Account_Name":"zylker","Employees":9}]}`).
			expect(t, 200, `{"data":[`+upsertedItem("update", "Account_Name", ids[0], a, a)+`]}`)
	})
}

// More than one record holding the value answers DUPLICATE_DATA with more_records true (Zoho's
// upsert DuplicateDataError); with other elements succeeding the answer is 207.
func TestUpsertManyMatches(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		tok := e.adminToken("ZohoCRM.modules.ALL")
		a := e.admin
		first := e.newRecord(a, "Deals", map[string]any{"Deal_Name": "Renewal", "Stage": "Qualification"})
		e.newRecord(a, "Deals", map[string]any{"Deal_Name": "renewal", "Stage": "Qualification"})
		res := e.do("POST", "/crm/v8/Deals/upsert", tok,
			`{"data":[{"Deal_Name":"Renewal","Amount":10},{"Deal_Name":"Expansion","Stage":"Qualification"}]}`)
		ids := okIDs(t, res)
		res.expect(t, 207, `{"data":[`+duplicateItem("Deal_Name", 0, "Deals", e.moduleID("Deals"), first, a, true)+`,`+
			upsertedItem("insert", "Deal_Name", ids[1], a, a)+`]}`)
		e.do("POST", "/crm/v8/Deals/upsert", tok, `{"data":[{"Deal_Name":"RENEWAL"}]}`).
			expect(t, 400, `{"data":[`+duplicateItem("Deal_Name", 0, "Deals", e.moduleID("Deals"), first, a, true)+`]}`)
	})
}

// duplicate_check_fields may name only the module's system-defined duplicate check field and its
// unique fields: anything else is a top-level INVALID_DATA naming the element; not an array is
// INVALID_DATA jsonarray. Scope, permission and sharing are those of a write that may create and edit.
func TestUpsertErrors(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		tok := e.adminToken("ZohoCRM.modules.ALL")
		bad := func(i int) string {
			return fmt.Sprintf(`{"code":"INVALID_DATA","details":{"api_name":"duplicate_check_fields","json_path":"$.duplicate_check_fields[%d]"},"message":"invalid data","status":"error"}`, i)
		}
		for _, c := range []struct{ name, body, want string }{
			{"unknown field", `{"data":[{"Last_Name":"x"}],"duplicate_check_fields":["Email","Nope"]}`, bad(1)},
			{"not unique", `{"data":[{"Last_Name":"x"}],"duplicate_check_fields":["Last_Name"]}`, bad(0)},
			{"not a string", `{"data":[{"Last_Name":"x"}],"duplicate_check_fields":[5]}`, bad(0)},
			{"not an array", `{"data":[{"Last_Name":"x"}],"duplicate_check_fields":"Email"}`,
				`{"code":"INVALID_DATA","details":{"api_name":"duplicate_check_fields","json_path":"$.duplicate_check_fields","expected_data_type":"jsonarray"},"message":"invalid data","status":"error"}`},
			{"no data", `{"duplicate_check_fields":["Email"]}`,
				`{"code":"MANDATORY_NOT_FOUND","details":{"api_name":"data","json_path":"$.data"},"message":"required field not found","status":"error"}`},
		} {
			t.Run(c.name, func(t *testing.T) { e.do("POST", "/crm/v8/Leads/upsert", tok, c.body).expect(t, 400, c.want) })
		}
		e.do("POST", "/crm/v8/Nope/upsert", tok, `{"data":[{}]}`).
			expect(t, 400, `{"code":"INVALID_MODULE","details":{"resource_path_index":0},"message":"the module name given seems to be invalid","status":"error"}`)
		e.do("POST", "/crm/v8/Leads/upsert", e.adminToken("ZohoCRM.modules.leads.READ"), `{"data":[{"Last_Name":"x"}]}`).expect(t, 401, errScope)
		if res := e.do("POST", "/crm/v8/Leads/upsert", e.adminToken("ZohoCRM.modules.leads.CREATE"), `{"data":[{"Last_Name":"x"}]}`); res.status != http.StatusOK {
			t.Fatalf("CREATE scope: status %d: %s", res.status, res.body)
		}

		// An upsert may create and may edit: a profile lacking either is refused.
		noEdit := e.userToken("clerk@zcrm.local", e.newProfile("No Lead Edits", "Crm_Implied_Edit_Leads"))
		e.do("POST", "/crm/v8/Leads/upsert", noEdit, `{"data":[{"Last_Name":"x"}]}`).
			expect(t, 403, `{"code":"NO_PERMISSION","details":{"permissions":["Crm_Implied_Edit_Leads"]},"message":"permission denied","status":"error"}`)

		// Data sharing: a match the caller may not change answers as Update Records does.
		theirs := e.newRecord(e.admin, "Leads", map[string]any{"Last_Name": "Admin's", "Email": "boss@zylker.com"})
		e.setSharing("Leads", crm.SharingPublicReadOnly)
		std := e.userToken("std@zcrm.local", crm.ProfileStandard)
		e.do("POST", "/crm/v8/Leads/upsert", std, `{"data":[{"Last_Name":"Mine","Email":"boss@zylker.com"}]}`).
			expect(t, 400, fmt.Sprintf(`{"data":[{"code":"AUTHORIZATION_FAILED","details":{"id":"%d"},"message":"User does not have sufficient privilege to update records","status":"error"}]}`, theirs))
	})
}
