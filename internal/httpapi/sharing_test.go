package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/store/storetest"
)

// Data sharing on reads (Zoho's org-wide sharing: under private only the owner and their superiors
// view a record; zcrm has no role hierarchy, so administrators) and If-Modified-Since on a single
// record.

// sharingEnv is a server with a custom module Properties (few fields: single-record answers stay
// short), a Standard user std with a token for every module, and the admin's token.
type sharingEnv struct {
	*testEnv
	std            crm.User
	stdTok, admTok string
}

func newSharingEnv(t *testing.T, b storetest.Backend) sharingEnv {
	e := newEnv(t, b)
	e.write(func(ctx context.Context, tx crm.Tx) error {
		_, err := crm.CreateCustomModule(ctx, tx, e.org, e.admin.ID, "Properties", "Property", "Properties")
		return err
	})
	std := e.newUser(e.org.ID, "std@zcrm.local", crm.ProfileStandard)
	return sharingEnv{testEnv: e, std: std, stdTok: e.token(std, "ZohoCRM.modules.ALL"), admTok: e.adminToken("ZohoCRM.modules.ALL")}
}

// property is the single-record answer of a Properties record named name, owned (and created and
// last modified) by owner, modified at modified.
func property(id int64, name string, owner crm.User, modified string) string {
	return fmt.Sprintf(`{"data":[{"id":"%d","Owner":%s,"Name":%q,"Email":null,"Description":null,
		"Created_By":%s,"Modified_By":%s,"Created_Time":%q,"Modified_Time":%q}]}`, id, ref(owner), name, ref(owner), ref(owner), now, modified)
}

// getSince sends GET path with an If-Modified-Since header (none when since is "").
func (e *testEnv) getSince(path, token, since string) response {
	e.t.Helper()
	return e.doWith("GET", path, token, "", "If-Modified-Since", since)
}

// expectNotModified checks a 304 with an empty body, as the record list answers it.
func (r response) expectNotModified(t *testing.T) {
	t.Helper()
	if r.status != http.StatusNotModified || r.body != "" {
		t.Fatalf("status = %d, body %q; want 304 with no body", r.status, r.body)
	}
}

// Under private sharing another user's record reads as an unknown one (204, as Zoho answers a
// record you cannot see), with or without If-Modified-Since; the owner and an administrator read
// it. public_read_only lets everyone read and refuses others' changes with the answer private
// gives; public lets everyone do both.
func TestSharingGetRecord(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newSharingEnv(t, b)
		other := e.newUser(e.org.ID, "other@zcrm.local", crm.ProfileStandard)
		otherTok := e.token(other, "ZohoCRM.modules.ALL")
		theirs := e.newRecord(e.admin, "Properties", map[string]any{"Name": "Villa"})
		mine := e.newRecord(e.std, "Properties", map[string]any{"Name": "Flat"})
		get := func(id int64) string { return fmt.Sprintf("/crm/v8/Properties/%d", id) }
		upd := `{"code":"AUTHORIZATION_FAILED","details":{},"message":"User does not have sufficient privilege to update records","status":"error"}`
		del := `{"code":"AUTHORIZATION_FAILED","details":{},"message":"User does not have sufficient privilege to delete records","status":"error"}`
		bulkUpd := fmt.Sprintf(`{"data":[{"code":"AUTHORIZATION_FAILED","details":{"id":"%d"},"message":"User does not have sufficient privilege to update records","status":"error"}]}`, theirs)

		e.setSharing("Properties", crm.SharingPrivate)
		e.do("GET", get(theirs), e.stdTok, "").expect(t, 204, "")
		e.do("GET", get(1), e.stdTok, "").expect(t, 204, "") // an unknown id answers alike
		e.getSince(get(theirs), e.stdTok, "2000-01-01T00:00:00+00:00").expect(t, 204, "")
		e.do("GET", get(mine), otherTok, "").expect(t, 204, "")
		e.do("GET", get(mine), e.stdTok, "").expect(t, 200, property(mine, "Flat", e.std, now))
		e.do("GET", get(mine), e.admTok, "").expect(t, 200, property(mine, "Flat", e.std, now))
		e.do("GET", get(theirs), e.admTok, "").expect(t, 200, property(theirs, "Villa", e.admin, now))
		// Writes keep today's refusal.
		e.do("PUT", get(theirs), e.stdTok, `{"data":[{"Name":"Taken"}]}`).expect(t, 400, upd)

		e.setSharing("Properties", crm.SharingPublicReadOnly)
		e.do("GET", get(theirs), e.stdTok, "").expect(t, 200, property(theirs, "Villa", e.admin, now))
		e.do("GET", "/crm/v8/Properties?fields=Name", e.stdTok, "").expect(t, 200, fmt.Sprintf(`{"data":[
			{"id":"%d","Name":"Flat"},{"id":"%d","Name":"Villa"}],"info":%s}`, mine, theirs, listInfo(200, 2, 1, false)))
		e.do("PUT", get(theirs), e.stdTok, `{"data":[{"Name":"Taken"}]}`).expect(t, 400, upd)
		e.do("PUT", "/crm/v8/Properties", e.stdTok, fmt.Sprintf(`{"data":[{"id":"%d","Name":"Taken"}]}`, theirs)).expect(t, 400, bulkUpd)
		e.do("DELETE", get(theirs), e.stdTok, "").expect(t, 400, del)
		e.do("PUT", get(mine), e.stdTok, `{"data":[{"Name":"Flat 2"}]}`).expect(t, 200, `{"data":[`+updatedItem(fmt.Sprint(mine), e.std, e.std)+`]}`)
		e.do("PUT", get(theirs), e.admTok, `{"data":[{"Name":"Villa"}]}`).expect(t, 200, `{"data":[`+updatedItem(fmt.Sprint(theirs), e.admin, e.admin)+`]}`)

		e.setSharing("Properties", crm.SharingPublic)
		e.do("GET", get(theirs), otherTok, "").expect(t, 200, property(theirs, "Villa", e.admin, now))
		e.do("PUT", get(mine), otherTok, `{"data":[{"Name":"Flat 3"}]}`).expect(t, 200, `{"data":[`+updatedItem(fmt.Sprint(mine), e.std, other)+`]}`)
	})
}

// listInfo is the info object of a record listing by id, newest first, read at testStart.
func listInfo(perPage, count, page int, more bool) string {
	return fmt.Sprintf(`{"per_page":%d,"count":%d,"page":%d,"sort_by":"id","sort_order":"desc","more_records":%t,%s,"call":false,"email":false}`,
		perPage, count, page, more, pageTokens(testStart, page, more))
}

// Under private sharing a Standard user's listing holds only their own records: the filter is in
// the query, so count, more_records and page 2 count visible records only. An administrator lists
// everything.
func TestSharingListRecords(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newSharingEnv(t, b)
		// Owners, oldest first: admin, std, admin, std, std, admin, std.
		owners := []crm.User{e.admin, e.std, e.admin, e.std, e.std, e.admin, e.std}
		ids := make([]int64, len(owners))
		for i, o := range owners {
			ids[i] = e.newRecord(o, "Leads", map[string]any{"Last_Name": fmt.Sprintf("L%d", i)})
		}
		row := func(i int) string { return fmt.Sprintf(`{"id":"%d","Last_Name":"L%d"}`, ids[i], i) }
		list := func(tok, query, want string) {
			t.Helper()
			e.do("GET", "/crm/v8/Leads?fields=Last_Name"+query, tok, "").expect(t, 200, want)
		}
		e.setSharing("Leads", crm.SharingPrivate)
		list(e.stdTok, "", `{"data":[`+row(6)+`,`+row(4)+`,`+row(3)+`,`+row(1)+`],"info":`+listInfo(200, 4, 1, false)+`}`)
		list(e.stdTok, "&per_page=2", `{"data":[`+row(6)+`,`+row(4)+`],"info":`+listInfo(2, 2, 1, true)+`}`)
		list(e.stdTok, "&per_page=2&page=2", `{"data":[`+row(3)+`,`+row(1)+`],"info":`+listInfo(2, 2, 2, false)+`}`)
		e.do("GET", "/crm/v8/Leads?fields=Last_Name&per_page=2&page=3", e.stdTok, "").expect(t, 204, "")
		list(e.stdTok, "&per_page=3&page=2", `{"data":[`+row(1)+`],"info":`+listInfo(3, 1, 2, false)+`}`)
		list(e.stdTok, fmt.Sprintf("&ids=%d,%d,%d", ids[0], ids[1], ids[5]), `{"data":[`+row(1)+`],"info":`+listInfo(200, 1, 1, false)+`}`)
		e.do("GET", fmt.Sprintf("/crm/v8/Leads?fields=Last_Name&ids=%d,%d", ids[0], ids[5]), e.stdTok, "").expect(t, 204, "")
		// The administrator's page 2 counts every record.
		list(e.admTok, "&per_page=2&page=2", `{"data":[`+row(4)+`,`+row(3)+`],"info":`+listInfo(2, 2, 2, true)+`}`)
		list(e.admTok, "&per_page=3&page=3", `{"data":[`+row(0)+`],"info":`+listInfo(3, 1, 3, false)+`}`)
		// public_read_only and public list everything to everyone.
		for _, mode := range []string{crm.SharingPublicReadOnly, crm.SharingPublic} {
			e.setSharing("Leads", mode)
			list(e.stdTok, "&per_page=2&page=2", `{"data":[`+row(4)+`,`+row(3)+`],"info":`+listInfo(2, 2, 2, true)+`}`)
		}
		// Another module's rule is its own: Leads private leaves Contacts public.
		e.setSharing("Leads", crm.SharingPrivate)
		c := e.newRecord(e.admin, "Contacts", map[string]any{"Last_Name": "Open"})
		e.do("GET", "/crm/v8/Contacts?fields=Last_Name", e.stdTok, "").expect(t, 200,
			fmt.Sprintf(`{"data":[{"id":"%d","Last_Name":"Open"}],"info":%s}`, c, listInfo(200, 1, 1, false)))
	})
}

// Related lists read through data sharing: a parent the reader may not view is an unknown parent
// (every form of the read, the cadence list included); related records the reader may not view
// are left out of the rows, their count and their pages.
func TestSharingRelatedRecords(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		f := newRelFixture(t, b)
		f.linkContacts(t) // c1 (Invited), c2 on the admin's campaign
		e := f.e
		std := e.newUser(e.org.ID, "std@zcrm.local", crm.ProfileStandard)
		stdTok := e.token(std, "ZohoCRM.modules.ALL")
		ownCampaign := e.newRecord(std, "Campaigns", map[string]any{"Campaign_Name": "Mine"})
		s1 := e.newRecord(std, "Contacts", map[string]any{"Last_Name": "Spruce"})
		s2 := e.newRecord(std, "Contacts", map[string]any{"Last_Name": "Teak"})
		e.do("PUT", f.path("Campaigns/%d/Contacts", ownCampaign), f.tok, fmt.Sprintf(`{"data":[{"id":"%d"},{"id":"%d"},{"id":"%d","Member_Status":"Invited"},{"id":"%d"}]}`, f.c1, s1, f.c2, s2)).
			expect(t, 200, relOKs("relation added", []int64{f.c1, s1, f.c2, s2}))
		unknownParent := relErr("INVALID_DATA", "the related id given seems to be invalid", `{"resource_path_index":1}`)
		row := func(id int64, name, status string) string {
			return fmt.Sprintf(`{"Last_Name":%q,"Member_Status":%s,"id":"%d"}`, name, status, id)
		}

		e.setSharing("Campaigns", crm.SharingPrivate)
		for _, p := range []string{
			f.path("Campaigns/%d/Contacts?fields=Last_Name", f.campaign),
			f.path("Campaigns/%d/Contacts/%d?fields=Last_Name", f.campaign, f.c1),
			f.path("Campaigns/%d/Leads?fields=Last_Name", f.campaign),
			f.path("Campaigns/%d/Nope?fields=Last_Name", f.campaign), // the parent is checked before the list
			f.path("Campaigns/%d/Contacts?fields=Last_Name", f.c1),   // not a campaign at all: the same answer
		} {
			e.do("GET", p, stdTok, "").expect(t, 400, unknownParent)
		}
		// The owner and the administrator read the lists.
		e.do("GET", f.path("Campaigns/%d/Contacts?fields=Last_Name", f.campaign), f.tok, "").expect(t, 200,
			fmt.Sprintf(`{"data":[%s,%s],"info":%s}`, row(f.c2, "Birch", "null"), row(f.c1, "Ash", `"Invited"`), relInfo(200, 2, 1, false)))
		e.do("GET", f.path("Campaigns/%d/Contacts?fields=Last_Name&per_page=2", ownCampaign), stdTok, "").expect(t, 200,
			fmt.Sprintf(`{"data":[%s,%s],"info":%s}`, row(s2, "Teak", "null"), row(s1, "Spruce", "null"), relInfo(2, 2, 1, true)))

		// Contacts private too: the std user's own campaign lists only their own contacts.
		e.setSharing("Contacts", crm.SharingPrivate)
		e.do("GET", f.path("Campaigns/%d/Contacts?fields=Last_Name", ownCampaign), stdTok, "").expect(t, 200,
			fmt.Sprintf(`{"data":[%s,%s],"info":%s}`, row(s2, "Teak", "null"), row(s1, "Spruce", "null"), relInfo(200, 2, 1, false)))
		e.do("GET", f.path("Campaigns/%d/Contacts?fields=Last_Name&per_page=1&page=2", ownCampaign), stdTok, "").expect(t, 200,
			fmt.Sprintf(`{"data":[%s],"info":%s}`, row(s1, "Spruce", "null"), relInfo(1, 1, 2, false)))
		e.do("GET", f.path("Campaigns/%d/Contacts?fields=Last_Name&per_page=1&page=3", ownCampaign), stdTok, "").expect(t, 204, "")
		e.do("GET", f.path("Campaigns/%d/Contacts/%d?fields=Last_Name", ownCampaign, f.c2), stdTok, "").expect(t, 204, "")
		e.do("GET", f.path("Campaigns/%d/Contacts?fields=Last_Name&ids=%d,%d", ownCampaign, f.c1, s1), stdTok, "").expect(t, 200,
			fmt.Sprintf(`{"data":[%s],"info":%s}`, row(s1, "Spruce", "null"), relInfo(200, 1, 1, false)))
		// The other side: a contact's campaigns leave out the campaigns the reader may not view.
		e.do("GET", f.path("Contacts/%d/Campaigns?fields=Campaign_Name", s1), stdTok, "").expect(t, 200,
			fmt.Sprintf(`{"data":[{"Campaign_Name":"Mine","Member_Status":null,"id":"%d"}],"info":%s}`, ownCampaign, relInfo(200, 1, 1, false)))
		e.do("GET", f.path("Contacts/%d/Campaigns?fields=Campaign_Name", f.c1), stdTok, "").expect(t, 400, unknownParent)
		// The administrator reads everything.
		e.do("GET", f.path("Campaigns/%d/Contacts?fields=Last_Name&per_page=3", ownCampaign), f.tok, "").expect(t, 200,
			fmt.Sprintf(`{"data":[%s,%s,%s],"info":%s}`, row(s2, "Teak", "null"), row(s1, "Spruce", "null"), row(f.c2, "Birch", `"Invited"`), relInfo(3, 3, 1, true)))

		// public_read_only: the std user reads the admin's campaign and its contacts, and may not
		// change its links (the refusal private gives).
		e.setSharing("Campaigns", crm.SharingPublicReadOnly)
		e.setSharing("Contacts", crm.SharingPublicReadOnly)
		e.do("GET", f.path("Campaigns/%d/Contacts?fields=Last_Name", f.campaign), stdTok, "").expect(t, 200,
			fmt.Sprintf(`{"data":[%s,%s],"info":%s}`, row(f.c2, "Birch", "null"), row(f.c1, "Ash", `"Invited"`), relInfo(200, 2, 1, false)))
		e.do("PUT", f.path("Campaigns/%d/Contacts", f.campaign), stdTok, fmt.Sprintf(`{"data":[{"id":"%d"}]}`, s1)).
			expect(t, 400, relErr("AUTHORIZATION_FAILED", "User does not have sufficient privilege to update related records data", `{}`))
		e.do("DELETE", f.path("Campaigns/%d/Contacts?ids=%d", f.campaign, f.c1), stdTok, "").
			expect(t, 400, relErr("AUTHORIZATION_FAILED", "User does not have sufficient privilege to delete related records data", `{}`))
	})
}

// A deal's contact roles read through data sharing: a deal the reader may not view is an unknown
// deal; contacts they may not view are left out of the rows, and the single form answers one as
// an unknown contact.
func TestSharingDealContactRoles(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		f := newDealFixture(t, b)
		f.assign(t) // c1 Executive Sponsor, c2 Purchasing on the admin's deal
		e := f.e
		std := e.newUser(e.org.ID, "std@zcrm.local", crm.ProfileStandard)
		stdTok := e.token(std, "ZohoCRM.modules.ALL")
		s1 := e.newRecord(std, "Contacts", map[string]any{"Last_Name": "Spruce"})
		e.do("PUT", f.path("Deals/%d/Contact_Roles/%d", f.deal, s1), f.tok, `{"data":[{"Contact_Role":"Purchasing"}]}`).
			expect(t, 200, relData(relOK("relation updated", s1)))
		role := func(id int64, name, roleName string) string {
			return fmt.Sprintf(`{"Last_Name":%q,"Contact_Role":{"name":%q,"id":"%d"},"id":"%d"}`, name, roleName, f.roles[roleName].ID, id)
		}
		list := f.path("Deals/%d/Contact_Roles?fields=Last_Name", f.deal)
		all := fmt.Sprintf(`{"data":[%s,%s,%s],"info":%s}`, role(s1, "Spruce", "Purchasing"), role(f.c2, "Birch", "Purchasing"),
			role(f.c1, "Ash", "Executive Sponsor"), relInfo(200, 3, 1, false))

		e.setSharing("Contacts", crm.SharingPrivate)
		e.do("GET", list, stdTok, "").expect(t, 200, fmt.Sprintf(`{"data":[%s],"info":%s}`, role(s1, "Spruce", "Purchasing"), relInfo(200, 1, 1, false)))
		e.do("GET", list+"&per_page=1&page=2", stdTok, "").expect(t, 204, "")
		e.do("GET", f.path("Deals/%d/Contact_Roles/%d?fields=Last_Name", f.deal, f.c1), stdTok, "").
			expect(t, 400, relErr("INVALID_DATA", "the id given seems to be invalid", `{"resource_path_index":3}`))
		e.do("GET", f.path("Deals/%d/Contact_Roles/%d?fields=Last_Name", f.deal, s1), stdTok, "").
			expect(t, 200, fmt.Sprintf(`{"data":[%s],"info":%s}`, role(s1, "Spruce", "Purchasing"), relInfo(200, 1, 1, false)))
		e.do("GET", list, f.tok, "").expect(t, 200, all)

		e.setSharing("Deals", crm.SharingPrivate)
		e.do("GET", list, stdTok, "").expect(t, 400, relErr("INVALID_DATA", "the related id given seems to be invalid", `{"resource_path_index":1}`))
		e.do("GET", f.path("Deals/%d/Contact_Roles/%d?fields=Last_Name", f.deal, s1), stdTok, "").
			expect(t, 400, relErr("INVALID_DATA", "the related id given seems to be invalid", `{"resource_path_index":1}`))
		e.do("GET", list, f.tok, "").expect(t, 200, all)

		e.setSharing("Deals", crm.SharingPublicReadOnly)
		e.setSharing("Contacts", crm.SharingPublicReadOnly)
		e.do("GET", list, stdTok, "").expect(t, 200, all)
		e.do("PUT", f.path("Deals/%d/Contact_Roles/%d", f.deal, f.c3), stdTok, `{"data":[{"Contact_Role":"Purchasing"}]}`).
			expect(t, 400, relErr("AUTHORIZATION_FAILED", "User does not have sufficient privilege to update contact roles", `{}`))
	})
}

// If-Modified-Since on GET /{module}/{id}: 304 with no body while the record's Modified_Time is not
// after the header's time (ISO 8601 or an HTTP date), 200 once a change moves it past.
func TestGetRecordIfModifiedSince(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newSharingEnv(t, b)
		id := e.newRecord(e.admin, "Properties", map[string]any{"Name": "Villa"})
		path := fmt.Sprintf("/crm/v8/Properties/%d", id)
		e.getSince(path, e.admTok, "2024-07-17T20:38:21+00:00").expect(t, 200, property(id, "Villa", e.admin, now))
		e.getSince(path, e.admTok, now).expectNotModified(t)
		e.getSince(path, e.admTok, "2024-07-18T02:08:22+05:30").expectNotModified(t) // the same instant
		e.getSince(path, e.admTok, "Wed, 17 Jul 2024 20:38:22 GMT").expectNotModified(t)
		e.getSince(path, e.admTok, "2030-01-01T00:00:00+00:00").expectNotModified(t)
		e.getSince(path, e.admTok, "not a date").expect(t, 200, property(id, "Villa", e.admin, now)) // unreadable: ignored
		e.getSince("/crm/v8/Properties/1", e.admTok, now).expect(t, 204, "")

		e.clock.now = e.clock.now.Add(time.Minute)
		later := "2024-07-17T20:39:22+00:00"
		e.do("PUT", path, e.admTok, `{"data":[{"Name":"Villa Rosa"}]}`).expect(t, 200, fmt.Sprintf(`{"data":[{"code":"SUCCESS","details":{"Modified_Time":%q,"Modified_By":%s,"Created_Time":%q,"id":"%d","Created_By":%s},"message":"record updated","status":"success"}]}`,
			later, by(e.admin), now, id, by(e.admin)))
		e.getSince(path, e.admTok, now).expect(t, 200, property(id, "Villa Rosa", e.admin, later))
		e.getSince(path, e.admTok, later).expectNotModified(t)
		// The list answers the same header the same way.
		e.getSince("/crm/v8/Properties?fields=Name", e.admTok, later).expectNotModified(t)
		e.getSince("/crm/v8/Properties?fields=Name", e.admTok, now).expect(t, 200,
			fmt.Sprintf(`{"data":[{"id":"%d","Name":"Villa Rosa"}],"info":%s}`, id, listInfo(200, 1, 1, false)))
	})
}
