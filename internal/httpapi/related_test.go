package httpapi

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/oastest"
	"github.com/zcrm/zcrm/internal/store/storetest"
)

// relOK is a SUCCESS item for id.
func relOK(message string, id int64) string {
	return fmt.Sprintf(`{"code":"SUCCESS","details":{"id":"%d"},"message":%q,"status":"success"}`, id, message)
}

// relErr is an error object or item.
func relErr(code, message, details string) string {
	return fmt.Sprintf(`{"code":%q,"details":%s,"message":%q,"status":"error"}`, code, details, message)
}

// relData wraps items in {"data":[…]}.
func relData(items ...string) string { return `{"data":[` + strings.Join(items, ",") + `]}` }

// relInfo is the info object of a related read at testStart.
func relInfo(perPage, count, page int, more bool) string {
	return fmt.Sprintf(`{"per_page":%d,"count":%d,"page":%d,"more_records":%t,%s}`,
		perPage, count, page, more, pageTokens(testStart, page, more))
}

// The seed's sample request (delink two contacts from a campaign) gets the seed's sample answer.
func TestRelatedDelinkSeedSample(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		f := newRelFixture(t, b)
		f.linkContacts(t)
		path := fmt.Sprintf("/crm/v7/Campaigns/%d/Contacts?ids=%d,%d", f.campaign, f.c1, f.c2)
		res := f.e.do("DELETE", path, f.tok, "")
		res.expect(t, 200, fmt.Sprintf(`{
    "data": [
        {
            "code": "SUCCESS",
            "details": {
                "id": "%d"
            },
            "message": "relation removed",
            "status": "success"
        },
        {
            "code": "SUCCESS",
            "details": {
                "id": "%d"
            },
            "message": "relation removed",
            "status": "success"
        }
    ]
}`, f.c1, f.c2))
		oastest.ValidateResponse(t, "related_records.json", "DELETE", path, 200, res.body)
		f.e.do("GET", f.path("Campaigns/%d/Contacts?fields=Last_Name", f.campaign), f.tok, "").expect(t, 204, "")
		f.e.do("GET", f.path("Contacts/%d/Campaigns?fields=Campaign_Name", f.c1), f.tok, "").expect(t, 204, "")
	})
}

// A link is one link seen from either side, with its relation fields; reads page through it.
func TestRelatedLinkAndRead(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		f := newRelFixture(t, b)
		f.linkContacts(t)
		path := f.path("Campaigns/%d/Contacts?fields=Last_Name,Email,Nope", f.campaign)
		res := f.e.do("GET", path, f.tok, "")
		res.expect(t, 200, fmt.Sprintf(`{"data":[
			{"Last_Name":"Birch","Email":"birch@example.com","Member_Status":null,"id":"%d"},
			{"Last_Name":"Ash","Email":"ash@example.com","Member_Status":"Invited","id":"%d"}],"info":%s}`,
			f.c2, f.c1, relInfo(200, 2, 1, false)))
		oastest.ValidateResponse(t, "related_records.json", "GET", path, 200, res.body)

		// The other side sees the same link and its Member_Status.
		f.e.do("GET", f.path("Contacts/%d/Campaigns?fields=Campaign_Name,Status,Owner,Created_Time", f.c1), f.tok, "").
			expect(t, 200, fmt.Sprintf(`{"data":[{"Campaign_Name":"Spring Launch","Status":"Active","Member_Status":"Invited",
				"Owner":{"name":"Administrator","id":"%d","email":"admin@zcrm.local"},"Created_Time":"2024-07-17T20:38:22+00:00","id":"%d"}],"info":%s}`,
				f.e.admin.ID, f.campaign, relInfo(200, 1, 1, false)))

		// Linking again from the contact's side updates the one link; Member_Status is kept unless given.
		f.e.do("PUT", f.path("Contacts/%d/Campaigns/%d", f.c2, f.campaign), f.tok, `{"data":[{"Member_Status":"Responded"}]}`).
			expect(t, 200, relData(relOK("relation added", f.campaign)))
		f.e.do("PUT", f.path("Contacts/%d/Campaigns", f.c1), f.tok, fmt.Sprintf(`{"data":[{"id":%d}]}`, f.campaign)).
			expect(t, 200, relData(relOK("relation added", f.campaign)))

		// Pages.
		f.e.do("GET", f.path("Campaigns/%d/Contacts?fields=Last_Name&per_page=1", f.campaign), f.tok, "").
			expect(t, 200, fmt.Sprintf(`{"data":[{"Last_Name":"Birch","Member_Status":"Responded","id":"%d"}],"info":%s}`, f.c2, relInfo(1, 1, 1, true)))
		f.e.do("GET", f.path("Campaigns/%d/Contacts?fields=Last_Name&per_page=1&page=2", f.campaign), f.tok, "").
			expect(t, 200, fmt.Sprintf(`{"data":[{"Last_Name":"Ash","Member_Status":"Invited","id":"%d"}],"info":%s}`, f.c1, relInfo(1, 1, 2, false)))
		f.e.do("GET", f.path("Campaigns/%d/Contacts?fields=Last_Name&per_page=1&page=3", f.campaign), f.tok, "").expect(t, 204, "")
		// Oldest first on request; per_page is capped at 200 as in record listings.
		f.e.do("GET", f.path("Campaigns/%d/Contacts?fields=Last_Name&sort_order=asc&sort_by=Created_Time&per_page=500", f.campaign), f.tok, "").
			expect(t, 200, fmt.Sprintf(`{"data":[{"Last_Name":"Ash","Member_Status":"Invited","id":"%d"},{"Last_Name":"Birch","Member_Status":"Responded","id":"%d"}],"info":%s}`,
				f.c1, f.c2, relInfo(200, 2, 1, false)))
		f.e.do("GET", f.path("Campaigns/%d/Contacts?fields=Last_Name&ids=%d,", f.campaign, f.c1), f.tok, "").
			expect(t, 200, fmt.Sprintf(`{"data":[{"Last_Name":"Ash","Member_Status":"Invited","id":"%d"}],"info":%s}`, f.c1, relInfo(200, 1, 1, false)))

		// Single reads: linked → the row, not linked → 204.
		f.e.do("GET", f.path("Campaigns/%d/Contacts/%d?fields=Last_Name", f.campaign, f.c1), f.tok, "").
			expect(t, 200, fmt.Sprintf(`{"data":[{"Last_Name":"Ash","Member_Status":"Invited","id":"%d"}],"info":%s}`, f.c1, relInfo(200, 1, 1, false)))
		f.e.do("GET", f.path("Campaigns/%d/Contacts/%d?fields=Last_Name", f.campaign, f.c3), f.tok, "").expect(t, 204, "")

		// Leads ↔ Campaigns, written from the lead's side, read from the campaign's.
		f.e.do("PUT", f.path("Leads/%d/Campaigns", f.lead), f.tok, fmt.Sprintf(`{"data":[{"id":"%d","Member_Status":"Sent"}]}`, f.campaign)).
			expect(t, 200, relData(relOK("relation added", f.campaign)))
		f.e.do("GET", f.path("Campaigns/%d/Leads?fields=Company", f.campaign), f.tok, "").
			expect(t, 200, fmt.Sprintf(`{"data":[{"Company":"Elm Inc","Member_Status":"Sent","id":"%d"}],"info":%s}`, f.lead, relInfo(200, 1, 1, false)))

		// Appointments ↔ Services.
		f.e.do("PUT", f.path("Services__s/%d/Appointments__s/%d", f.service, f.appointment), f.tok, `{"data":[{}]}`).
			expect(t, 200, relData(relOK("relation added", f.appointment)))
		f.e.do("GET", f.path("Appointments__s/%d/Services__s?fields=Service_Name", f.appointment), f.tok, "").
			expect(t, 200, fmt.Sprintf(`{"data":[{"Service_Name":"Cleaning","id":"%d"}],"info":%s}`, f.service, relInfo(200, 1, 1, false)))
		f.e.do("DELETE", f.path("Appointments__s/%d/Services__s/%d", f.appointment, f.service), f.tok, "").
			expect(t, 200, relData(relOK("relation removed", f.service)))
	})
}

// Products ↔ Price_Books needs list_price.
func TestRelatedPriceBookListPrice(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		f := newRelFixture(t, b)
		path := f.path("Products/%d/Price_Books", f.product)
		res := f.e.do("PUT", path, f.tok, fmt.Sprintf(`{"data":[{"id":"%d"}]}`, f.priceBook))
		res.expect(t, 400, relData(relErr("MANDATORY_NOT_FOUND", "required field not found", `{"api_name":"list_price","json_path":"$.data[0].list_price"}`)))
		oastest.ValidateResponse(t, "related_records.json", "PUT", path, 200, res.body)
		f.e.do("PUT", path, f.tok, fmt.Sprintf(`{"data":[{"id":"%d","list_price":"cheap"}]}`, f.priceBook)).
			expect(t, 400, relData(relErr("INVALID_DATA", "invalid data", `{"api_name":"list_price","json_path":"$.data[0].list_price","expected_data_type":"double"}`)))
		res = f.e.do("PUT", path, f.tok, fmt.Sprintf(`{"data":[{"id":"%d","list_price":12.5}]}`, f.priceBook))
		res.expect(t, 200, relData(relOK("relation added", f.priceBook)))
		oastest.ValidateResponse(t, "related_records.json", "PUT", path, 200, res.body)
		f.e.do("GET", f.path("Price_Books/%d/Products?fields=Product_Name", f.priceBook), f.tok, "").
			expect(t, 200, fmt.Sprintf(`{"data":[{"Product_Name":"Widget","list_price":12.5,"id":"%d"}],"info":%s}`, f.product, relInfo(200, 1, 1, false)))
		// The single form from the other side needs it as well.
		f.e.do("PUT", f.path("Price_Books/%d/Products/%d", f.priceBook, f.product), f.tok, `{"data":[{"Member_Status":"Sent"}]}`).
			expect(t, 400, relData(relErr("MANDATORY_NOT_FOUND", "required field not found", `{"api_name":"list_price","json_path":"$.data[0].list_price"}`)))
	})
}

// Per-item and body errors of a link, and the 207 and 400 answers.
func TestRelatedLinkErrors(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		f := newRelFixture(t, b)
		path := f.path("Campaigns/%d/Contacts", f.campaign)
		body := fmt.Sprintf(`{"data":[{"id":"%d"},{"Member_Status":"Sent"},{"id":"abc"},{"id":"%d"},{"id":"%d","Member_Status":5},"x"]}`,
			f.c1, f.lead, f.c2)
		res := f.e.do("PUT", path, f.tok, body)
		res.expect(t, 207, relData(
			relOK("relation added", f.c1),
			relErr("MANDATORY_NOT_FOUND", "required field not found", `{"api_name":"id","json_path":"$.data[1].id"}`),
			relErr("INVALID_DATA", "the id given seems to be invalid", `{"api_name":"id","json_path":"$.data[2].id"}`),
			relErr("INVALID_DATA", "the id given seems to be invalid", `{"api_name":"id","json_path":"$.data[3].id"}`),
			relErr("INVALID_DATA", "invalid data", `{"api_name":"Member_Status","json_path":"$.data[4].Member_Status","expected_data_type":"picklist"}`),
			relErr("INVALID_DATA", "invalid data", `{"api_name":"data","json_path":"$.data[5]","expected_data_type":"jsonobject"}`),
		))
		oastest.ValidateResponse(t, "related_records.json", "PUT", path, 200, res.body)
		f.e.do("PUT", path, f.tok, `{"data":[{"id":"1"}]}`).
			expect(t, 400, relData(relErr("INVALID_DATA", "the id given seems to be invalid", `{"api_name":"id","json_path":"$.data[0].id"}`)))

		many := strings.Repeat(fmt.Sprintf(`{"id":"%d"},`, f.c1), 101)
		for _, c := range []struct {
			name, path, body string
			status           int
			want             string
		}{
			{"no data", path, `{}`, 400, relErr("MANDATORY_NOT_FOUND", "required field not found", `{"api_name":"data","json_path":"$.data"}`)},
			{"empty data", path, `{"data":[]}`, 400, relErr("MANDATORY_NOT_FOUND", "required field not found", `{"api_name":"data","json_path":"$.data"}`)},
			{"data not an array", path, `{"data":{}}`, 400, relErr("INVALID_DATA", "invalid data", `{"api_name":"data","json_path":"$.data","expected_data_type":"jsonarray"}`)},
			{"over 100", path, `{"data":[` + strings.TrimSuffix(many, ",") + `]}`, 400, relErr("LIMIT_EXCEEDED", "Limit Exceeded, You cannot give more than 100 records", `{"api_name":"data","json_path":"$.data","limit":100}`)},
			{"malformed JSON", path, `{"data":[`, 400, relErr("UNABLE_TO_PARSE_DATA_TYPE", "either the request body or parameters is in wrong format", `{}`)},
			{"read-only list", f.path("Campaigns/%d/Notes", f.campaign), `{"data":[{"id":"1"}]}`, 400, relErr("NOT_SUPPORTED", "the relation given is not supported for this operation", `{"resource_path_index":2}`)},
			{"unknown list", f.path("Campaigns/%d/Widgets", f.campaign), `{"data":[{"id":"1"}]}`, 400, relErr("INVALID_DATA", "the relation name given seems to be invalid", `{"resource_path_index":2}`)},
			{"unknown parent", f.path("Campaigns/%d/Contacts", f.c1), `{"data":[{"id":"1"}]}`, 400, relErr("INVALID_DATA", "the related id given seems to be invalid", `{"resource_path_index":1}`)},
			{"unknown related in path", f.path("Campaigns/%d/Contacts/%d", f.campaign, f.lead), `{"data":[{}]}`, 400, relErr("INVALID_DATA", "the id given seems to be invalid", `{"resource_path_index":3}`)},
			{"wrong scope", path, `{"data":[]}`, 401, relErr("OAUTH_SCOPE_MISMATCH", "invalid oauth scope to access this URL", `{}`)},
		} {
			t.Run(c.name, func(t *testing.T) {
				tok := f.tok
				if c.name == "wrong scope" {
					tok = f.e.adminToken("ZohoCRM.modules.campaigns.READ", "ZohoCRM.modules.contacts.ALL")
				}
				f.e.do("PUT", c.path, tok, c.body).expect(t, c.status, c.want)
			})
		}

		// UPDATE and WRITE on the parent module are enough.
		tok := f.e.adminToken("ZohoCRM.modules.campaigns.UPDATE")
		f.e.do("PUT", path, tok, fmt.Sprintf(`{"data":[{"id":"%d"}]}`, f.c3)).expect(t, 200, relData(relOK("relation added", f.c3)))

		// Edit permission and data sharing on the parent.
		noEdit := f.e.userToken("noedit@zcrm.local", f.e.newProfile("No Edit", "Crm_Implied_Edit_Campaigns"))
		f.e.do("PUT", path, noEdit, `{"data":[]}`).expect(t, 403, relErr("NO_PERMISSION", "permission denied", `{"permissions":["Crm_Implied_Edit_Campaigns"]}`))
		std := f.e.userToken("std@zcrm.local", crm.ProfileStandard)
		f.e.setSharing("Campaigns", crm.SharingPrivate)
		f.e.do("PUT", path, std, `{"data":[]}`).
			expect(t, 400, relErr("AUTHORIZATION_FAILED", "User does not have sufficient privilege to update related records data", `{}`))
	})
}

// Every error of the delink seed, with its exact answer.
func TestRelatedDelinkErrors(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		f := newRelFixture(t, b)
		f.linkContacts(t)
		e := f.e
		noDelete := e.userToken("nodelete@zcrm.local", e.newProfile("No Delete", "Crm_Implied_Delete_Campaigns"))
		std := e.userToken("std@zcrm.local", crm.ProfileStandard)
		e.setSharing("Campaigns", crm.SharingPrivate)
		otherCampaign := e.foreignRecord("Campaigns", map[string]any{"Campaign_Name": "Theirs"})
		base := fmt.Sprintf("Campaigns/%d/Contacts", f.campaign)
		cases := []struct {
			name, method, path, tok string
			status                  int
			want                    string
		}{
			{"unknown module", "DELETE", f.path("Campaignz/%d/Contacts?ids=%d", f.campaign, f.c1), f.tok, 400,
				relErr("INVALID_MODULE", "the module name given seems to be invalid", `{"resource_path_index":0}`)},
			{"module not in API", "DELETE", f.path("Documents/%d/Contacts?ids=%d", f.campaign, f.c1), f.tok, 400,
				relErr("INVALID_MODULE", "The given module is not supported in API", `{"resource_path_index":0}`)},
			{"url pattern", "DELETE", f.path("%s/%d/extra", base, f.c1), f.tok, 404,
				relErr("INVALID_URL_PATTERN", "Please check if the URL trying to access is a correct one", `{}`)},
			{"scope of another module", "DELETE", f.path("%s?ids=%d", base, f.c1), e.adminToken("ZohoCRM.modules.contacts.DELETE"), 401,
				relErr("OAUTH_SCOPE_MISMATCH", "invalid oauth scope to access this URL", `{}`)},
			{"read scope", "DELETE", f.path("%s?ids=%d", base, f.c1), e.adminToken("ZohoCRM.modules.campaigns.READ"), 401,
				relErr("OAUTH_SCOPE_MISMATCH", "invalid oauth scope to access this URL", `{}`)},
			{"no delete permission", "DELETE", f.path("%s?ids=%d", base, f.c1), noDelete, 403,
				relErr("NO_PERMISSION", "permission denied", `{"permissions":["Crm_Implied_Delete_Campaigns"]}`)},
			{"request method", "POST", f.path("%s?ids=%d", base, f.c1), f.tok, 400,
				relErr("INVALID_REQUEST_METHOD", "The http request method type is not a valid one", `{}`)},
			{"request method single", "PATCH", f.path("%s/%d", base, f.c1), f.tok, 400,
				relErr("INVALID_REQUEST_METHOD", "The http request method type is not a valid one", `{}`)},
			{"data sharing", "DELETE", f.path("%s?ids=%d", base, f.c1), std, 400,
				relErr("AUTHORIZATION_FAILED", "User does not have sufficient privilege to delete related records data", `{}`)},
			{"parent id not a number", "DELETE", f.path("Campaigns/abc/Contacts?ids=%d", f.c1), f.tok, 400,
				relErr("INVALID_DATA", "the related id given seems to be invalid", `{"resource_path_index":1}`)},
			{"parent id unknown", "DELETE", f.path("Campaigns/%d/Contacts?ids=%d", f.c1, f.c1), f.tok, 400,
				relErr("INVALID_DATA", "the related id given seems to be invalid", `{"resource_path_index":1}`)},
			{"parent in another org", "DELETE", f.path("Campaigns/%d/Contacts?ids=%d", otherCampaign, f.c1), f.tok, 400,
				relErr("INVALID_DATA", "the related id given seems to be invalid", `{"resource_path_index":1}`)},
			{"unknown parent before unknown list", "DELETE", f.path("Campaigns/%d/Contactz?ids=%d", f.c1, f.c1), f.tok, 400,
				relErr("INVALID_DATA", "the related id given seems to be invalid", `{"resource_path_index":1}`)},
			{"unknown parent before missing ids", "DELETE", f.path("Campaigns/%d/Contacts", f.c1), f.tok, 400,
				relErr("INVALID_DATA", "the related id given seems to be invalid", `{"resource_path_index":1}`)},
			{"read-only relation before missing ids", "DELETE", f.path("Campaigns/%d/Deals", f.campaign), f.tok, 400,
				relErr("NOT_SUPPORTED", "the relation given is not supported for this operation", `{"resource_path_index":2}`)},
			{"relation name", "DELETE", f.path("Campaigns/%d/Contactz?ids=%d", f.campaign, f.c1), f.tok, 400,
				relErr("INVALID_DATA", "the relation name given seems to be invalid", `{"resource_path_index":2}`)},
			{"read-only relation", "DELETE", f.path("Campaigns/%d/Deals?ids=%d", f.campaign, f.c1), f.tok, 400,
				relErr("NOT_SUPPORTED", "the relation given is not supported for this operation", `{"resource_path_index":2}`)},
			{"related id not a number", "DELETE", f.path("%s/x1", base), f.tok, 400,
				relErr("INVALID_DATA", "the id given seems to be invalid", `{"resource_path_index":3}`)},
			{"related id unknown", "DELETE", f.path("%s/%d", base, f.lead), f.tok, 400,
				relErr("INVALID_DATA", "the id given seems to be invalid", `{"resource_path_index":3}`)},
			{"ids not numeric", "DELETE", f.path("%s?ids=%d,abc", base, f.c1), f.tok, 400,
				relErr("UNABLE_TO_PARSE_DATA_TYPE", "either the request body or parameters is in wrong format", `{}`)},
			{"over 100 ids", "DELETE", f.path("%s?ids=%s", base, joinIDs(slices.Repeat([]int64{f.c1}, 101))), f.tok, 400,
				relErr("LIMIT_EXCEEDED", "Limit Exceeded, You cannot give more than 100 record ids", `{"limit":"100","param_name":"ids"}`)},
			{"no ids", "DELETE", f.path("%s", base), f.tok, 400,
				relErr("REQUIRED_PARAM_MISSING", "One of the expected parameter is missing", `{"param_name":"ids"}`)},
			{"empty ids", "DELETE", f.path("%s?ids=,&", base), f.tok, 400,
				relErr("REQUIRED_PARAM_MISSING", "One of the expected parameter is missing", `{"param_name":"ids"}`)},
			{"single not linked", "DELETE", f.path("%s/%d", base, f.c3), f.tok, 400,
				relErr("MANDATORY_NOT_FOUND", "relation not found", `{}`)},
			{"all not linked", "DELETE", f.path("%s?ids=%d,%d", base, f.c3, f.lead), f.tok, 400,
				relData(relErr("INVALID_DATA", "relation not found", fmt.Sprintf(`{"id":"%d"}`, f.c3)),
					relErr("INVALID_DATA", "relation not found", fmt.Sprintf(`{"id":"%d"}`, f.lead)))},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				res := e.do(c.method, c.path, c.tok, "")
				res.expect(t, c.status, c.want)
				if c.method == "DELETE" && c.status == 400 && strings.HasPrefix(c.want, `{"data"`) {
					oastest.ValidateResponse(t, "related_records.json", c.method, c.path, 200, res.body)
				}
			})
		}

		// Mixed: one linked (named twice), one not → 207, one item per distinct id.
		path := f.path("%s?ids=%d,%d,%d", base, f.c1, f.c3, f.c1)
		res := e.do("DELETE", path, e.adminToken("ZohoCRM.modules.campaigns.WRITE"), "")
		res.expect(t, 207, relData(relOK("relation removed", f.c1),
			relErr("INVALID_DATA", "relation not found", fmt.Sprintf(`{"id":"%d"}`, f.c3))))
		oastest.ValidateResponse(t, "related_records.json", "DELETE", path, 200, res.body)

		// Single form, from the other side, with only the DELETE scope of the contact's module.
		e.do("DELETE", f.path("Contacts/%d/Campaigns/%d", f.c2, f.campaign), e.adminToken("ZohoCRM.modules.contacts.DELETE"), "").
			expect(t, 200, relData(relOK("relation removed", f.campaign)))
		e.do("GET", f.path("%s?fields=Last_Name", base), f.tok, "").expect(t, 204, "")
	})
}

// Reads check the module, scope, permission, parent and parameters.
func TestRelatedReadErrors(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		f := newRelFixture(t, b)
		e := f.e
		base := fmt.Sprintf("Campaigns/%d/Contacts", f.campaign)
		noView := e.userToken("noview@zcrm.local", e.newProfile("No View", "Crm_Implied_View_Campaigns"))
		for _, c := range []struct {
			name, path, tok string
			status          int
			want            string
		}{
			{"fields missing", f.path("%s", base), f.tok, 400, relErr("REQUIRED_PARAM_MISSING", "One of the expected parameter is missing", `{"param_name":"fields"}`)},
			{"page zero", f.path("%s?fields=Email&page=0", base), f.tok, 400, relErr("INVALID_DATA", "invalid data", `{"param_name":"page","expected_data_type":"integer"}`)},
			{"sort_by", f.path("%s?fields=Email&sort_by=Email", base), f.tok, 400, relErr("INVALID_DATA", "invalid data", `{"param_name":"sort_by","supported_values":["id","Created_Time","Modified_Time"]}`)},
			{"delete scope", f.path("%s?fields=Email", base), e.adminToken("ZohoCRM.modules.campaigns.DELETE"), 401, relErr("OAUTH_SCOPE_MISMATCH", "invalid oauth scope to access this URL", `{}`)},
			{"no view permission", f.path("%s?fields=Email", base), noView, 403, relErr("NO_PERMISSION", "permission denied", `{"permissions":["Crm_Implied_View_Campaigns"]}`)},
			{"unknown parent", f.path("Campaigns/%d/Contacts?fields=Email", f.lead), f.tok, 400, relErr("INVALID_DATA", "the related id given seems to be invalid", `{"resource_path_index":1}`)},
			{"unknown list", f.path("Campaigns/%d/Nope?fields=Email", f.campaign), f.tok, 400, relErr("INVALID_DATA", "the relation name given seems to be invalid", `{"resource_path_index":2}`)},
			{"single bad id", f.path("%s/zz?fields=Email", base), f.tok, 400, relErr("INVALID_DATA", "the id given seems to be invalid", `{"resource_path_index":3}`)},
			{"a record without notes", f.path("Campaigns/%d/Notes?fields=Note_Title", f.campaign), f.tok, 204, ""}, // notes: TestNotes
			{"a list that is not a module", f.path("Campaigns/%d/Attachments?fields=File_Name", f.campaign), f.tok, 204, ""},
			{"empty", f.path("%s?fields=Email", base), e.adminToken("ZohoCRM.modules.campaigns.READ"), 204, ""},
		} {
			t.Run(c.name, func(t *testing.T) { e.do("GET", c.path, c.tok, "").expect(t, c.status, c.want) })
		}
	})
}

// Deleting a record takes its links with it (the records API calls tx.DeleteRelationsOf).
func TestRelatedCascade(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		f := newRelFixture(t, b)
		f.linkContacts(t)
		f.e.write(func(ctx context.Context, tx crm.Tx) error {
			return tx.DeleteRelationsOf(ctx, f.e.org.ID, []int64{f.c1})
		})
		f.e.do("GET", f.path("Campaigns/%d/Contacts?fields=Last_Name", f.campaign), f.tok, "").
			expect(t, 200, fmt.Sprintf(`{"data":[{"Last_Name":"Birch","Member_Status":null,"id":"%d"}],"info":%s}`, f.c2, relInfo(200, 1, 1, false)))
		f.e.do("GET", f.path("Contacts/%d/Campaigns?fields=Campaign_Name", f.c1), f.tok, "").expect(t, 204, "")
	})
}

// Deleting records through the records API leaves neither links nor deal contact roles behind.
func TestRelatedCascadeThroughRecordDeletion(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		f := newRelFixture(t, b)
		f.linkContacts(t)
		deal := f.e.newRecord(f.e.admin, "Deals", map[string]any{"Deal_Name": "Big One", "Stage": "Qualification"})
		f.e.do("PUT", f.path("Deals/%d/Contact_Roles/%d", deal, f.c1), f.tok, `{"data":[{"Contact_Role":"Purchasing"}]}`).
			expect(t, 200, relData(relOK("relation updated", f.c1)))
		if res := f.e.do("DELETE", f.path("Contacts/%d", f.c1), f.tok, ""); res.status != 200 {
			t.Fatalf("delete contact: %d %s", res.status, res.body)
		}
		f.e.do("GET", f.path("Campaigns/%d/Contacts?fields=Last_Name", f.campaign), f.tok, "").
			expect(t, 200, fmt.Sprintf(`{"data":[{"Last_Name":"Birch","Member_Status":null,"id":"%d"}],"info":%s}`, f.c2, relInfo(200, 1, 1, false)))
		f.e.do("GET", f.path("Deals/%d/Contact_Roles?fields=Last_Name", deal), f.tok, "").expect(t, 204, "")
		if res := f.e.do("DELETE", f.path("Campaigns/%d", f.campaign), f.tok, ""); res.status != 200 {
			t.Fatalf("delete campaign: %d %s", res.status, res.body)
		}
		f.e.do("GET", f.path("Contacts/%d/Campaigns?fields=Campaign_Name", f.c2), f.tok, "").expect(t, 204, "")
	})
}

// A record's cadence list is answered by the cadences API once the related-records checks pass.
func TestRelatedCadenceList(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		f := newRelFixture(t, b)
		e := f.e
		e.do("GET", f.path("Leads/%d/Entity_Cadences_leads", f.lead), f.tok, "").expect(t, 204, "")
		e.do("GET", f.path("leads/%d/ENTITY_CADENCES_LEADS?page=1", f.lead), f.tok, "").expect(t, 204, "")
		std := e.userToken("std@zcrm.local", crm.ProfileStandard)
		e.do("GET", f.path("Leads/%d/Entity_Cadences_leads", f.lead), std, "").
			expect(t, 403, relErr("NO_PERMISSION", "No permission", `{"permissions":["Crm_Implied_View_Cadences"]}`))
		e.do("GET", f.path("Leads/%d/Entity_Cadences_leads", f.c1), f.tok, "").
			expect(t, 400, relErr("INVALID_DATA", "the related id given seems to be invalid", `{"resource_path_index":1}`))
		e.do("GET", f.path("Leads/%d/Entity_Cadences_leads", f.lead), e.adminToken("ZohoCRM.modules.contacts.READ"), "").
			expect(t, 401, relErr("OAUTH_SCOPE_MISMATCH", "invalid oauth scope to access this URL", `{}`))
		e.do("GET", f.path("Accounts/%d/Entity_Cadences_accounts", f.lead), f.tok, "").
			expect(t, 400, relErr("INVALID_DATA", "the related id given seems to be invalid", `{"resource_path_index":1}`))
		_, proAdmin := e.newOrg("Pro", crm.Professional)
		proLead := e.newRecord(proAdmin, "Leads", map[string]any{"Last_Name": "Pro"})
		e.do("GET", f.path("Leads/%d/Entity_Cadences_leads", proLead), e.token(proAdmin, "ZohoCRM.modules.ALL"), "").
			expect(t, 403, relErr("FEATURE_NOT_ENABLED", "Feature is not supported in this edition", `{}`))
		// The list cannot be written.
		e.do("DELETE", f.path("Leads/%d/Entity_Cadences_leads?ids=1", f.lead), f.tok, "").
			expect(t, 400, relErr("NOT_SUPPORTED", "the relation given is not supported for this operation", `{"resource_path_index":2}`))
	})
}

// A multi-id delink by a user who is neither an administrator nor the parent's owner follows the
// parent module's data sharing: refused under private sharing, with nothing removed, and allowed
// under public sharing. (zcrm checks an administrator's or owner's delink in the same statement as
// the removal; this is the other path.)
func TestRelatedDelinkSharing(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		f := newRelFixture(t, b)
		f.linkContacts(t)
		e := f.e
		std := e.userToken("std@zcrm.local", crm.ProfileStandard)
		path := f.path("Campaigns/%d/Contacts?ids=%d,%d", f.campaign, f.c1, f.c3)
		e.setSharing("Campaigns", crm.SharingPrivate)
		e.do("DELETE", path, std, "").
			expect(t, 400, relErr("AUTHORIZATION_FAILED", "User does not have sufficient privilege to delete related records data", `{}`))
		e.setSharing("Campaigns", crm.SharingPublic)
		removed := relData(relOK("relation removed", f.c1), relErr("INVALID_DATA", "relation not found", fmt.Sprintf(`{"id":"%d"}`, f.c3)))
		e.do("DELETE", path, std, "").expect(t, 207, removed)
		e.do("DELETE", path, std, "").expect(t, 400, relData(relErr("INVALID_DATA", "relation not found", fmt.Sprintf(`{"id":"%d"}`, f.c1)),
			relErr("INVALID_DATA", "relation not found", fmt.Sprintf(`{"id":"%d"}`, f.c3))))
	})
}

// Concurrent bulk links to different campaigns do not fail each other: zcrm merges the relation
// fields over the stored ones in the upsert instead of reading the links first (on PostgreSQL such
// a read takes predicate locks on index pages that neighbouring campaigns' writes touch, and under
// SERIALIZABLE most group-committed batches were rolled back and their calls run again). Linking
// again keeps a field the request does not name. SQLite writes are serial; its counts are zero anyway.
func TestRelatedLinkConcurrentParents(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		f := newRelFixture(t, b)
		e := f.e
		const parents, contacts = 8, 40
		campaigns := e.newRecords(parents, "Campaigns", "Campaign_Name", "C", nil)
		ids := e.newRecords(contacts, "Contacts", "Last_Name", "K", nil)
		var invited, plain []string
		for _, id := range ids {
			invited = append(invited, fmt.Sprintf(`{"id":"%d","Member_Status":"Invited"}`, id))
			plain = append(plain, fmt.Sprintf(`{"id":"%d"}`, id))
		}
		paths := f.listPaths("Campaigns", campaigns, "Contacts")
		linkAll := func(items []string) {
			t.Helper()
			e.putAll(t, paths, f.tok, `{"data":[`+strings.Join(items, ",")+`]}`, relOKs("relation added", ids), true)
		}
		linkAll(invited)
		linkAll(plain)
		e.do("GET", f.path("Campaigns/%d/Contacts/%d?fields=Last_Name", campaigns[parents-1], ids[0]), f.tok, "").
			expect(t, 200, fmt.Sprintf(`{"data":[{"Last_Name":"K0","Member_Status":"Invited","id":"%d"}],"info":%s}`, ids[0], relInfo(200, 1, 1, false)))
	})
}
