package httpapi

import (
	"context"
	"fmt"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/zcrm/zcrm/internal/catalog"
	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/oastest"
	"github.com/zcrm/zcrm/internal/store/storetest"
)

// cadRelated answers GET /{module}/{recordID}/Entity_Cadences_<module>?query through
// listRecordCadences, rendered by the one envelope writer, as the related-records handler does
// once it has checked the module and the scope.
func (e *testEnv) cadRelated(tok, module string, recordID int64, query string) response {
	e.t.Helper()
	ctx := context.Background()
	srv := NewServer(Deps{Store: e.db, PublicURL: "http://zcrm.test"})
	list := catalog.CadenceListName(module)
	req := httptest.NewRequest("GET", fmt.Sprintf("/crm/v8/%s/%d/%s%s", module, recordID, list, query), nil)
	caller, err := srv.oauth.Authenticate(ctx, "Zoho-oauthtoken "+tok)
	if err != nil {
		e.t.Fatal(err)
	}
	var m catalog.Module
	if err := e.db.Read(ctx, func(tx crm.Tx) error {
		m, err = crm.ResolveModule(ctx, tx, caller.Org, module)
		return err
	}); err != nil {
		e.t.Fatal(err)
	}
	c := &call{ctx: ctx, r: req, s: srv, Caller: caller, api: crm.V8, segs: []string{module, crm.FormatID(recordID), list},
		params: map[string]string{"module": module, "id": crm.FormatID(recordID), "related_list": list}}
	w := httptest.NewRecorder()
	status, body, err := srv.listRecordCadences(ctx, c, m, recordID)
	if err != nil {
		writeError(w, req, err)
	} else {
		writeJSON(w, status, body)
	}
	return response{status: w.Code, header: w.Header(), body: w.Body.String()}
}

func cadEnrolPath(module string, enrol bool) string {
	if enrol {
		return "/crm/v8/" + module + "/actions/enrol_in_cadences"
	}
	return "/crm/v8/" + module + "/actions/unenrol_from_cadences"
}

// cadIDs renders ids as a JSON array of strings.
func cadIDs(ids ...int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = `"` + crm.FormatID(id) + `"`
	}
	return "[" + strings.Join(parts, ",") + "]"
}

// The un-enrol seed's sample input gives its sample response (with this server's ids), and the
// answer matches Zoho's cadences_execution.json.
func TestUnenrolSeedSample(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		tok := e.adminToken(cadAll...)
		cad := e.cadLive(tok, "CadenceTest1", "Contacts")
		contact := e.newRecord(e.admin, "Contacts", map[string]any{"Last_Name": "Boyle"})
		input := cadFill(`{
    "cadences_ids": [
        "CAD"
    ],
    "ids": [
        "REC"
    ]
}`, "CAD", cad, "REC", contact)
		sample := func(message string) string {
			return cadFill(`{
    "data": [
        {
            "code": "SUCCESS",
            "details": {
                "cadences": [
                    {
                        "name": "CadenceTest1",
                        "id": "CAD"
                    }
                ],
                "id": "REC"
            },
            "message": "MSG",
            "status": "success"
        }
    ]
}`, "CAD", cad, "REC", contact, "MSG", message)
		}
		r := e.do("POST", "/crm/v7/Contacts/actions/enrol_in_cadences", tok, input)
		r.expect(t, 200, sample("records manually enrolled"))
		oastest.ValidateResponse(t, "cadences_execution.json", "POST", "/crm/v7/Contacts/actions/enrol_in_cadences", r.status, r.body)
		r = e.do("POST", "/crm/v7/Contacts/actions/unenrol_from_cadences", tok, input)
		r.expect(t, 200, sample("records manually unenrolled"))
		oastest.ValidateResponse(t, "cadences_execution.json", "POST", "/crm/v7/Contacts/actions/unenrol_from_cadences", r.status, r.body)
		// The body needs no Content-Type (the Node SDK sends none) and the module name any case.
		e.do("POST", "/crm/v8/contacts/actions/unenrol_from_cadences", tok, input).expect(t, 200, sample("records manually unenrolled"))
	})
}

// One item per distinct record id in request order: 200 when all succeed, 207 when some do, 400
// (same wrapper) when none do. Records of another module or org are unknown ids. Both directions
// are idempotent, and every cadence of the request is named in each success.
func TestEnrolItemsAndStatuses(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		tok := e.adminToken(cadAll...)
		one := e.cadLive(tok, "One", "Leads")
		two := e.cadLive(tok, "Two", "Leads")
		l1 := e.newRecord(e.admin, "Leads", map[string]any{"Last_Name": "A"})
		l2 := e.newRecord(e.admin, "Leads", map[string]any{"Last_Name": "B"})
		contact := e.newRecord(e.admin, "Contacts", map[string]any{"Last_Name": "C"})
		otherOrg, otherAdmin := e.newOrg("Other", crm.Enterprise)
		_ = otherOrg
		foreign := e.newRecord(otherAdmin, "Leads", map[string]any{"Last_Name": "F"})
		ok := func(msg string, rec int64) string {
			return cadOK(msg, cadFill(`{"cadences":[{"name":"One","id":"ONE"},{"name":"Two","id":"TWO"}],"id":"REC"}`, "ONE", one, "TWO", two, "REC", rec))
		}
		bad := func(i int) string {
			return cadErr("INVALID_DATA", "given id seems to be invalid", fmt.Sprintf(`{"api_name":"ids","json_path":"$.ids[%d]"}`, i))
		}
		data := func(items ...string) string { return `{"data":[` + strings.Join(items, ",") + `]}` }
		for _, enrol := range []bool{true, true, false, false} {
			msg := "records manually unenrolled"
			if enrol {
				msg = "records manually enrolled"
			}
			body := fmt.Sprintf(`{"cadences_ids":[%q,%d,%q],"ids":[%q,"%d",%q,%d,"12x","%d","%d"]}`,
				crm.FormatID(one), two, crm.FormatID(one), crm.FormatID(l1), l2, crm.FormatID(l1), contact, foreign, l2)
			r := e.do("POST", cadEnrolPath("Leads", enrol), tok, body)
			r.expect(t, 207, data(ok(msg, l1), ok(msg, l2), bad(3), bad(4), bad(5)))
		}
		r := e.do("POST", cadEnrolPath("Leads", true), tok, fmt.Sprintf(`{"cadences_ids":["%d"],"ids":["%d","5725767000000999999"]}`, one, contact))
		r.expect(t, 400, data(bad(0), bad(1)))
		oastest.ValidateResponse(t, "cadences_execution.json", "POST", cadEnrolPath("Leads", true), r.status, r.body)
		// JSON numbers are ids too.
		e.do("POST", cadEnrolPath("Leads", true), tok, fmt.Sprintf(`{"cadences_ids":[%d],"ids":[%d]}`, one, l1)).expect(t, 200,
			data(cadOK("records manually enrolled", cadFill(`{"cadences":[{"name":"One","id":"ONE"}],"id":"REC"}`, "ONE", one, "REC", l1))))
	})
}

// Every request-level error of the enrol and un-enrol endpoints, in the documented order.
func TestEnrolRequestErrors(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		tok := e.adminToken(cadAll...)
		live := e.cadLive(tok, "Live", "Contacts")
		inactive := e.cadCreate(tok, cadManual("Inactive", "Contacts"))
		e.cadAct(tok, inactive, "publish")
		draft := e.cadCreate(tok, cadManual("Draft", "Contacts"))
		leads := e.cadLive(tok, "Leads one", "Leads")
		cv := e.cadMeta(e.org.ID, catalog.KeyCustomView("Contacts", "All"))
		viewCad := e.cadCreate(tok, fmt.Sprintf(`{"name":"View","module":{"api_name":"Contacts"},"type":"custom_view","custom_view":{"id":"%d"},
			"follow_ups":[{"reference_id":"1","action":{"type":"tasks"}}]}`, cv))
		e.cadAct(tok, viewCad, "publish", "activate")
		var upd struct {
			Cadences []struct {
				Details struct {
					Draft struct{ ID string } `json:"draft_cadence"`
				}
			}
		}
		e.do("PUT", fmt.Sprintf("%s/%d", cadPath, live), tok, `{"cadences":[{"description":"x"}]}`).decode(t, &upd)
		pending := upd.Cadences[0].Details.Draft.ID
		rec := e.newRecord(e.admin, "Contacts", map[string]any{"Last_Name": "R"})
		_, otherAdmin := e.newOrg("Other", crm.Enterprise)
		foreignCad := e.cadLive(e.token(otherAdmin, cadAll...), "Foreign", "Contacts")

		recs := cadIDs(rec)
		many := func(n int, id int64) string {
			ids := make([]int64, n)
			for i := range ids {
				ids[i] = id
			}
			return cadIDs(ids...)
		}
		body := func(cads, ids string) string { return `{"cadences_ids":` + cads + `,"ids":` + ids + `}` }
		invalidCad := func(i int) string {
			return cadErr("INVALID_DATA", "the given id seems to be invalid", fmt.Sprintf(`{"api_name":"cadences_ids","json_path":"$.cadences_ids[%d]"}`, i))
		}
		cases := []struct {
			name  string
			enrol bool
			body  string
			want  string
			oas   bool // the answer is one Zoho's file describes
		}{
			{"no ids", false, `{"cadences_ids":` + cadIDs(live) + `}`, cadErr("MANDATORY_NOT_FOUND", "Record ids not found", `{"api_name":"ids","json_path":"$.ids"}`), true},
			{"no cadences_ids", false, `{"ids":` + recs + `}`, cadErr("MANDATORY_NOT_FOUND", "Cadences ids not found", `{"api_name":"cadences_ids","json_path":"$.cadences_ids"}`), true},
			{"neither", true, `{}`, cadErr("MANDATORY_NOT_FOUND", "Cadences ids not found", `{"api_name":"cadences_ids","json_path":"$.cadences_ids"}`), true},
			{"null ids", true, body(cadIDs(live), `null`), cadErr("MANDATORY_NOT_FOUND", "Record ids not found", `{"api_name":"ids","json_path":"$.ids"}`), true},
			{"empty ids", true, body(cadIDs(live), `[]`), cadErr("MANDATORY_NOT_FOUND", "Record ids not found", `{"api_name":"ids","json_path":"$.ids"}`), true},
			{"missing beats wrong type", true, `{"cadences_ids":"x"}`, cadErr("MANDATORY_NOT_FOUND", "Record ids not found", `{"api_name":"ids","json_path":"$.ids"}`), true},
			{"ids not an array", false, body(cadIDs(live), `"`+crm.FormatID(rec)+`"`),
				cadErr("INVALID_DATA", "Record ids not found", `{"expected_data_type":"jsonarray","api_name":"ids","json_path":"$.ids"}`), true},
			{"cadences_ids not an array", false, body(`{}`, recs),
				cadErr("INVALID_DATA", "Cadences ids not found", `{"expected_data_type":"jsonarray","api_name":"cadences_ids","json_path":"$.cadences_ids"}`), true},
			{"record id not a string", false, body(cadIDs(live), `["1",{}]`),
				cadErr("INVALID_DATA", "the given id seems to be invalid", `{"expected_data_type":"bigint","api_name":"ids","json_path":"$.ids[1]"}`), true},
			{"cadence id not a string", false, body(`[true]`, recs),
				cadErr("INVALID_DATA", "the given id seems to be invalid", `{"expected_data_type":"bigint","api_name":"cadences_ids","json_path":"$.cadences_ids[0]"}`), true},
			{"wrong type beats limit", false, body(many(6, live), `[false]`),
				cadErr("INVALID_DATA", "the given id seems to be invalid", `{"expected_data_type":"bigint","api_name":"ids","json_path":"$.ids[0]"}`), true},
			{"six cadences", false, body(many(6, live), recs), cadErr("LIMIT_EXCEEDED", "Limit Exceeded, You cannot give more than 5 cadences ids",
				`{"limit":5,"limit_due_to":[{"api_name":"cadences_ids","json_path":"$.cadences_ids"}]}`), false},
			{"101 records", true, body(cadIDs(live), many(101, rec)), cadErr("LIMIT_EXCEEDED", "Limit Exceeded, You cannot give more than 100 record ids",
				`{"limit":100,"limit_due_to":[{"api_name":"ids","json_path":"$.ids"}]}`), false},
			{"both over", false, body(many(6, 1), many(101, 1)), cadErr("LIMIT_EXCEEDED", "Limit Exceeded, You cannot give more than 5 cadences ids and 100 record ids",
				`{"limit":5,"limit_due_to":[{"api_name":"cadences_ids","json_path":"$.cadences_ids"},{"api_name":"ids","json_path":"$.ids"}]}`), false},
			{"limit beats unknown cadence", false, body(many(6, 1), recs), cadErr("LIMIT_EXCEEDED", "Limit Exceeded, You cannot give more than 5 cadences ids",
				`{"limit":5,"limit_due_to":[{"api_name":"cadences_ids","json_path":"$.cadences_ids"}]}`), false},
			{"unknown cadence", false, body(cadIDs(live, 5725767000000999999), recs), invalidCad(1), true},
			{"cadence id not numeric", false, body(`["`+crm.FormatID(live)+`","abc"]`, recs), invalidCad(1), true},
			{"cadence of another org", true, body(cadIDs(foreignCad), recs), invalidCad(0), true},
			{"draft copy id", false, body(`["`+pending+`"]`, recs), invalidCad(0), true},
			{"cadence of another module", false, body(cadIDs(live, leads), recs), invalidCad(1), true},
			{"unknown beats other module", false, body(cadIDs(leads, 1), recs), invalidCad(1), true},
			{"custom view cadence", false, body(cadIDs(live, viewCad), recs), cadErr("NOT_ALLOWED", "id given is not manual enrollment cadence",
				`{"api_name":"cadences_ids","json_path":"$.cadences_ids[1]"}`), false},
			{"other module beats custom view", true, body(cadIDs(viewCad, leads), recs), invalidCad(1), true},
			{"enrol in an inactive cadence", true, body(cadIDs(live, inactive), recs), cadErr("NOT_ALLOWED", "the given cadence is not active",
				`{"api_name":"cadences_ids","json_path":"$.cadences_ids[1]"}`), false},
			{"enrol in a draft", true, body(cadIDs(draft), recs), cadErr("NOT_ALLOWED", "the given cadence is not active",
				`{"api_name":"cadences_ids","json_path":"$.cadences_ids[0]"}`), false},
			{"custom view beats inactive", true, body(cadIDs(inactive, viewCad), recs), cadErr("NOT_ALLOWED", "id given is not manual enrollment cadence",
				`{"api_name":"cadences_ids","json_path":"$.cadences_ids[1]"}`), false},
			{"unparsable body", true, `{"ids":`, cadErr("UNABLE_TO_PARSE_DATA_TYPE", "either the request body or parameters is in wrong format", `{}`), false},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				path := cadEnrolPath("Contacts", c.enrol)
				r := e.do("POST", path, tok, c.body)
				r.expect(t, 400, c.want)
				if c.oas {
					oastest.ValidateResponse(t, "cadences_execution.json", "POST", path, r.status, r.body)
				}
			})
		}
		// Un-enrolling works in any manual cadence, active or not, draft or published.
		for _, id := range []int64{inactive, draft} {
			e.do("POST", cadEnrolPath("Contacts", false), tok, body(cadIDs(id), recs)).expect(t, 200, fmt.Sprintf(`{"data":[%s]}`,
				cadOK("records manually unenrolled", cadFill(`{"cadences":[{"name":"NAME","id":"ID"}],"id":"REC"}`, "NAME", map[int64]string{inactive: "Inactive", draft: "Draft"}[id], "ID", id, "REC", rec))))
		}
	})
}

// Module, scope, edition and permission of enrol and un-enrol, in that order.
func TestEnrolAccess(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		admin := e.adminToken(cadAll...)
		cad := e.cadLive(admin, "Access", "Deals")
		deal := e.newRecord(e.admin, "Deals", map[string]any{"Deal_Name": "D", "Stage": "Qualification"})
		body := fmt.Sprintf(`{"cadences_ids":["%d"],"ids":["%d"]}`, cad, deal)
		mismatch := cadErr("OAUTH_SCOPE_MISMATCH", "invalid oauth scope to access this URL", `{}`)
		for _, enrol := range []bool{true, false} {
			path := cadEnrolPath("Deals", enrol)
			for _, scope := range []string{"ZohoCRM.modules.ALL", "ZohoCRM.modules.CREATE", "ZohoCRM.modules.deals.ALL", "ZohoCRM.modules.Deals.CREATE",
				"ZohoCRM.modules.WRITE", "ZohoCRM.modules.deals.WRITE"} {
				if r := e.do("POST", path, e.adminToken(scope), body); r.status != 200 {
					t.Errorf("%s with %s = %d %s", path, scope, r.status, r.body)
				}
			}
			for _, scope := range []string{"ZohoCRM.modules.READ", "ZohoCRM.modules.deals.UPDATE", "ZohoCRM.modules.deals.DELETE", "ZohoCRM.modules.leads.ALL",
				"ZohoCRM.settings.cadences.ALL", "ZohoCRM.settings.ALL"} {
				e.do("POST", path, e.adminToken(scope), body).expect(t, 401, mismatch)
			}
			e.do("POST", "/crm/v8/Nope/actions/"+map[bool]string{true: "enrol_in_cadences", false: "unenrol_from_cadences"}[enrol], admin, body).expect(t, 400,
				cadErr("INVALID_MODULE", "the module name given seems to be invalid", `{"resource_path_index":0}`))
			e.do("POST", cadEnrolPath("Accounts", enrol), admin, body).expect(t, 400,
				cadErr("INVALID_MODULE", "the module name given seems to be invalid", `{"resource_path_index":0}`))
			e.do("POST", cadEnrolPath("Projects", enrol), admin, body).expect(t, 400,
				cadErr("INVALID_MODULE", "The given module is not supported in API", `{"resource_path_index":0}`))
			// The module is checked before the scope.
			e.do("POST", cadEnrolPath("Nope", enrol), e.adminToken("ZohoCRM.org.ALL"), body).expect(t, 400,
				cadErr("INVALID_MODULE", "the module name given seems to be invalid", `{"resource_path_index":0}`))
		}
		std := e.token(e.newUser(e.org.ID, "rep@zcrm.local", crm.ProfileStandard), cadAll...)
		e.do("POST", cadEnrolPath("Deals", true), std, body).expect(t, 403,
			cadErr("NO_PERMISSION", "No permission", `{"permissions":["Crm_Implied_Manage_Enroll_Series"]}`))
		e.do("POST", cadEnrolPath("Deals", false), std, body).expect(t, 403,
			cadErr("NO_PERMISSION", "No permission", `{"permissions":["Crm_Implied_Manage_UnEnroll_Series"]}`))
		e.do("POST", cadEnrolPath("Deals", false), e.token(e.newUser(e.org.ID, "rep2@zcrm.local", crm.ProfileStandard), "ZohoCRM.modules.READ"), body).expect(t, 401, mismatch)
		_, proAdmin := e.newOrg("Pro", crm.Professional)
		e.do("POST", cadEnrolPath("Deals", false), e.token(proAdmin, cadAll...), body).expect(t, 403,
			cadErr("FEATURE_NOT_ENABLED", "Feature is not supported in this edition", `{}`))
	})
}

// A record's Entity_Cadences_<module> list: one row per enrolment, newest first, with how each
// ended; deleting the cadence or the record ends live enrolments and keeps the history.
func TestRecordCadenceHistory(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		tok := e.adminToken(cadAll...)
		lead := e.newRecord(e.admin, "Leads", map[string]any{"Last_Name": "H"})
		e.cadRelated(tok, "Leads", lead, "").expect(t, 204, "")
		one := e.cadLive(tok, "One", "Leads")
		two := e.cadLive(tok, "Two", "Leads")
		step := func() { e.clock.now = e.clock.now.Add(time.Minute) }
		enrol := func(enrol bool, cads ...int64) {
			step()
			r := e.do("POST", cadEnrolPath("Leads", enrol), tok, `{"cadences_ids":`+cadIDs(cads...)+`,"ids":`+cadIDs(lead)+`}`)
			if r.status != 200 {
				t.Fatalf("enrol %v = %d %s", enrol, r.status, r.body)
			}
		}
		enrol(true, one)  // 20:39
		enrol(true, one)  // 20:40, already enrolled: nothing new
		enrol(false, one) // 20:41
		enrol(false, one) // 20:42, not enrolled: nothing changes
		enrol(true, one)  // 20:43
		enrol(true, two)  // 20:44
		step()            // 20:45
		e.do("PUT", fmt.Sprintf("%s/%d", cadPath, one), tok, `{"cadences":[{"name":"One renamed"}]}`)
		e.do("POST", fmt.Sprintf("%s/%d/actions/publish", cadPath, one), tok, "")
		e.do("DELETE", fmt.Sprintf("%s/%d", cadPath, two), tok, "").expect(t, 200,
			cadItems(cadOK("Cadences deleted successfully", cadFill(`{"id":"ID"}`, "ID", two))))
		info := `"info":{"per_page":200,"next_page_token":null,"count":3,"page":1,"previous_page_token":null,"page_token_expiry":null,"more_records":false}`
		// next_follow_up and follow_ups are zcrm's progress (crm/engine_progress.go); FU is One's follow-up.
		fuID := regexp.MustCompile(`"next_follow_up":\{"id":"[0-9]+"`)
		r := e.cadRelated(tok, "Leads", lead, "?fields=name")
		r.body = fuID.ReplaceAllString(r.body, `"next_follow_up":{"id":"FU"`)
		r.expect(t, 200, cadFill(`{"data":[
			{"id":"TWO","name":"Two","status":"unenrolled","enrolled_time":"2024-07-17T20:44:22+00:00","unenrolled_time":"2024-07-17T20:45:22+00:00",
			 "next_follow_up":null,"follow_ups":{"done":0,"pending":0,"waiting":0,"failed":0,"cancelled":1}},
			{"id":"ONE","name":"One renamed","status":"enrolled","enrolled_time":"2024-07-17T20:43:22+00:00","unenrolled_time":null,
			 "next_follow_up":{"id":"FU","type":"tasks","due_time":"2024-07-17T20:43:22+00:00"},"follow_ups":{"done":0,"pending":1,"waiting":0,"failed":0,"cancelled":0}},
			{"id":"ONE","name":"One renamed","status":"unenrolled","enrolled_time":"2024-07-17T20:39:22+00:00","unenrolled_time":"2024-07-17T20:41:22+00:00",
			 "next_follow_up":null,"follow_ups":{"done":0,"pending":0,"waiting":0,"failed":0,"cancelled":1}}],INFO}`,
			"ONE", one, "TWO", two, "INFO", info))
		r = e.cadRelated(tok, "Leads", lead, "?per_page=1&page=2")
		r.body = fuID.ReplaceAllString(r.body, `"next_follow_up":{"id":"FU"`)
		r.expect(t, 200, cadFill(`{"data":[
			{"id":"ONE","name":"One renamed","status":"enrolled","enrolled_time":"2024-07-17T20:43:22+00:00","unenrolled_time":null,
			 "next_follow_up":{"id":"FU","type":"tasks","due_time":"2024-07-17T20:43:22+00:00"},"follow_ups":{"done":0,"pending":1,"waiting":0,"failed":0,"cancelled":0}}],
			"info":{"per_page":1,"next_page_token":null,"count":1,"page":2,"previous_page_token":null,"page_token_expiry":null,"more_records":true}}`, "ONE", one))

		// How each enrolment ended is kept.
		e.clock.now = e.clock.now.Add(time.Minute)
		e.write(func(ctx context.Context, tx crm.Tx) error {
			return tx.EndEnrollmentsOf(ctx, e.org.ID, []int64{lead}, crm.EndRecordDeleted, e.admin.ID)
		})
		var reasons []string
		e.write(func(ctx context.Context, tx crm.Tx) error {
			es, err := tx.RecordEnrollments(ctx, e.org.ID, lead, 10, 0)
			for _, en := range es {
				reasons = append(reasons, en.EndReason)
				if en.EndedBy != e.admin.ID || en.EnrolledBy != e.admin.ID {
					t.Errorf("enrolment %+v: wrong actor", en)
				}
			}
			return err
		})
		if got := fmt.Sprint(reasons); got != "[cadence_deleted record_deleted manual]" {
			t.Errorf("end reasons = %s", got)
		}

		// Errors: unknown record, another org's record, paging parameters, permission, edition.
		e.cadRelated(tok, "Leads", 5725767000000999999, "").expect(t, 400, cadErr("INVALID_DATA", "the related id given seems to be invalid", `{"resource_path_index":1}`))
		_, otherAdmin := e.newOrg("Other", crm.Enterprise)
		e.cadRelated(e.token(otherAdmin, cadAll...), "Leads", lead, "").expect(t, 400,
			cadErr("INVALID_DATA", "the related id given seems to be invalid", `{"resource_path_index":1}`))
		e.cadRelated(tok, "Leads", lead, "?per_page=500").expect(t, 400, cadErr("INVALID_DATA", "invalid data", `{"param_name":"per_page"}`))
		std := e.token(e.newUser(e.org.ID, "rep@zcrm.local", crm.ProfileStandard), cadAll...)
		e.cadRelated(std, "Leads", lead, "").expect(t, 403, cadErr("NO_PERMISSION", "No permission", `{"permissions":["Crm_Implied_View_Cadences"]}`))
		_, proAdmin := e.newOrg("Pro", crm.Professional)
		e.cadRelated(e.token(proAdmin, cadAll...), "Leads", lead, "").expect(t, 403, cadErr("FEATURE_NOT_ENABLED", "Feature is not supported in this edition", `{}`))
	})
}
