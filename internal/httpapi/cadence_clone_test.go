package httpapi

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/zcrm/zcrm/internal/catalog"
	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/store/storetest"
)

// Clone (Zoho's postCloneCadences): a new draft from the body's name, module, type and options
// with a copy of the source's follow-up tree under new ids; the source is left as it was.
func TestCadenceClone(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		tok := e.adminToken(cadAll...)
		src := e.cadCreate(tok, `{"name":"Source","description":"Chase","module":{"api_name":"Leads"},"type":"manual_enrollment",
			"execution_details":{"execute_every":{"period":"days","unit":2},"unenroll_properties":[{"type":"end_date","details":{"unenroll_date":"12/31/2030"}}]},
			"follow_ups":[{"reference_id":"a","action":{"type":"tasks","details":{"subject":"Call"}}},
			{"reference_id":"b","parent_follow_up":{"reference_id":"a"},"execute_after":{"unit":1,"period":"days"},"action":{"type":"schedule_call"}}]}`)
		e.cadAct(tok, src, "publish", "activate")
		// A follow-up naming its parent by id (as an edit may), so the copy must rename that id.
		before := e.cadGet(tok, src)
		fus := before["follow_ups"].([]any)
		f0 := fus[0].(map[string]any)["id"].(string)
		r := e.do("PUT", fmt.Sprintf("%s/%d", cadPath, src), tok, cadFill(`{"cadences":[{"follow_ups":[{"id":"F0","action":{"type":"tasks","details":{"subject":"Call"}}},
			{"reference_id":"c","parent_follow_up":{"id":"F0"},"action":{"type":"email_notifications"}}]}]}`, "F0", f0))
		if r.status != 200 {
			t.Fatalf("edit source = %d %s", r.status, r.body)
		}
		e.cadAct(tok, src, "publish")
		before = e.cadGet(tok, src)

		clone := func(body string) response {
			return e.do("POST", fmt.Sprintf("%s/%d/actions/clone", cadPath, src), tok, body)
		}
		// Zoho's own request sample, with a manual type and this org's ids.
		mod := e.cadMeta(e.org.ID, catalog.KeyModule("Leads"))
		r = clone(cadFill(`{"cadences":[{"name":"cadence","description":"description","module":{"api_name":"Leads","id":"MOD"},"type":"manual_enrollment",
			"execution_details":{"execute_every":{"period":"hours","unit":1}}}]}`, "MOD", mod))
		var v struct {
			Cadences []struct{ Details struct{ ID string } }
		}
		r.decode(t, &v)
		newID, ok := crm.ParseID(v.Cadences[0].Details.ID)
		if !ok {
			t.Fatalf("clone = %d %s", r.status, r.body)
		}
		r.expect(t, 201, cadItems(cadOK("Cadences cloned successfully", cadFill(`{"id":"ID"}`, "ID", newID))))

		got := e.cadGet(tok, newID)
		if got["name"] != "cadence" || got["description"] != "description" || got["status"] != "draft" || got["active"] != false ||
			got["published"] != false || got["type"] != "manual_enrollment" {
			t.Fatalf("clone = %v", got)
		}
		if ed := fmt.Sprint(got["execution_details"]); ed != "map[execute_every:map[period:hours unit:1]]" {
			t.Errorf("the body's execution_details: %s", ed)
		}
		srcFU, newFU := before["follow_ups"].([]any), got["follow_ups"].([]any)
		if len(newFU) != len(srcFU) || len(newFU) != 2 {
			t.Fatalf("follow-ups %v, source %v", newFU, srcFU)
		}
		seen := map[string]bool{}
		for i := range srcFU {
			s, n := srcFU[i].(map[string]any), newFU[i].(map[string]any)
			sa, na := s["action"].(map[string]any), n["action"].(map[string]any)
			for _, id := range []any{n["id"], na["id"]} {
				if id == s["id"] || id == sa["id"] || seen[id.(string)] {
					t.Errorf("follow-up %d: id %v is not new", i, id)
				}
				seen[id.(string)] = true
			}
			// The rest of the follow-up is the source's.
			sc, nc := copyWithout(s, "id", "parent_follow_up"), copyWithout(n, "id", "parent_follow_up")
			delete(sc["action"].(map[string]any), "id")
			delete(nc["action"].(map[string]any), "id")
			if !reflect.DeepEqual(sc, nc) {
				t.Errorf("follow-up %d: %v, source %v", i, n, s)
			}
		}
		if p := newFU[1].(map[string]any)["parent_follow_up"]; !reflect.DeepEqual(p, map[string]any{"id": newFU[0].(map[string]any)["id"]}) {
			t.Errorf("the copy's parent is the copy of the parent: %v", p)
		}
		if after := e.cadGet(tok, src); !reflect.DeepEqual(after, before) {
			t.Errorf("the source changed:\n%v\n%v", after, before)
		}

		// Without description and execution_details the source's are copied (unenrol rules under new ids).
		r = clone(`{"cadences":[{"name":"Copy 2","module":{"api_name":"Leads"},"type":"manual_enrollment"}]}`)
		r.decode(t, &v)
		id2, _ := crm.ParseID(v.Cadences[0].Details.ID)
		got = e.cadGet(tok, id2)
		srcRule := before["execution_details"].(map[string]any)["unenroll_properties"].([]any)[0].(map[string]any)
		rule := got["execution_details"].(map[string]any)["unenroll_properties"].([]any)[0].(map[string]any)
		if got["description"] != "Chase" || rule["id"] == srcRule["id"] || rule["type"] != "end_date" ||
			fmt.Sprint(got["execution_details"].(map[string]any)["execute_every"]) != "map[period:days unit:2]" {
			t.Errorf("copied options: %v", got)
		}

		// Errors: create's, per item; an unknown source is the path's id.
		item := func(code, message, details string) string { return cadItems(cadErr(code, message, details)) }
		clone(`{"cadences":[{"name":"source","module":{"api_name":"Leads"},"type":"manual_enrollment"}]}`).expect(t, 400,
			item("DUPLICATE_DATA", "A Cadences with the same name already exists", `{"api_name":"name","json_path":"$.cadences[0].name"}`))
		clone(`{"cadences":[{"module":{"api_name":"Leads"},"type":"manual_enrollment"}]}`).expect(t, 400,
			item("MANDATORY_NOT_FOUND", "required field not found", `{"api_name":"name","json_path":"$.cadences[0].name"}`))
		clone(`{"cadences":[{"name":"X","type":"manual_enrollment"}]}`).expect(t, 400,
			item("MANDATORY_NOT_FOUND", "required field not found", `{"api_name":"module","json_path":"$.cadences[0].module"}`))
		clone(`{"cadences":[{"name":"X","module":{"api_name":"Leads"}}]}`).expect(t, 400,
			item("MANDATORY_NOT_FOUND", "required field not found", `{"api_name":"type","json_path":"$.cadences[0].type"}`))
		clone(`{"cadences":[{"name":"X","module":{"api_name":"Leads"},"type":"custom_view"}]}`).expect(t, 400,
			item("DEPENDENT_FIELD_MISSING", "Dependent Field missing", `{"dependee":{"api_name":"type","json_path":"$.cadences[0].type"},"api_name":"custom_view","json_path":"$.cadences[0].custom_view"}`))
		clone(`{"cadences":[{"name":"X","module":{"api_name":"Leads"},"type":"weekly"}]}`).expect(t, 400,
			item("INVALID_DATA", "invalid data", `{"api_name":"type","json_path":"$.cadences[0].type","supported_values":["custom_view","manual_enrollment"]}`))
		clone(`{"cadences":[{"name":"X","module":{"api_name":"Leads"},"type":"manual_enrollment","execution_details":{"execute_every":{"period":"hours","unit":100}}}]}`).expect(t, 400,
			item("INVALID_DATA", "unit value must be between 1 to 99", `{"api_name":"unit","json_path":"$.cadences[0].execution_details.execute_every.unit"}`))
		clone(`{}`).expect(t, 400, cadErr("MANDATORY_NOT_FOUND", "required field not found", `{"api_name":"cadences","json_path":"$.cadences"}`))
		e.do("POST", cadPath+"/5725767000000999999/actions/clone", tok, `{"cadences":[{"name":"Y","module":{"api_name":"Leads"},"type":"manual_enrollment"}]}`).expect(t, 400,
			cadErr("INVALID_DATA", "the given id seems to be invalid", `{"resource_path_index":3}`))
		std := e.token(e.newUser(e.org.ID, "std@x.test", "Standard"), cadAll...)
		e.do("POST", fmt.Sprintf("%s/%d/actions/clone", cadPath, src), std, `{"cadences":[{"name":"Z","module":{"api_name":"Leads"},"type":"manual_enrollment"}]}`).expect(t, 403,
			cadErr("NO_PERMISSION", "No permission", `{"permissions":["Crm_Implied_Manage_Cadences"]}`))
		var list struct{ Info struct{ Count int } }
		e.do("GET", cadPath, tok, "").decode(t, &list)
		if list.Info.Count != 3 {
			t.Errorf("after the refusals the org has %d cadences, want 3", list.Info.Count)
		}
	})
}

// copyWithout is a shallow copy of m without keys (the action map copied one level down).
func copyWithout(m map[string]any, keys ...string) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		out[k] = v
	}
	for _, k := range keys {
		delete(out, k)
	}
	if a, ok := out["action"].(map[string]any); ok {
		out["action"] = copyWithout(a)
	}
	return out
}
