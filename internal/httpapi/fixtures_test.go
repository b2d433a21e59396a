package httpapi

import (
	"fmt"
	"strings"
	"testing"

	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/store/storetest"
)

// fixture is what the related-records and deal contact role tests share: a server on a fresh store,
// the admin's token for every module, and the records they link.
type fixture struct {
	e          *testEnv
	tok        string // the admin's, ZohoCRM.modules.ALL
	c1, c2, c3 int64  // contacts Ash (email and department), Birch (email) and Cedar
	lead       int64  // Dogwood of Elm Inc, a record that is not a contact
}

// newFixture starts the server; the builder stores its parent record and then calls addPeople.
func newFixture(t *testing.T, b storetest.Backend) fixture {
	e := newEnv(t, b)
	return fixture{e: e, tok: e.adminToken("ZohoCRM.modules.ALL")}
}

// addPeople stores the three contacts and the lead, in that order.
func (f *fixture) addPeople() {
	e := f.e
	f.c1 = e.newRecord(e.admin, "Contacts", map[string]any{"Last_Name": "Ash", "Email": "ash@example.com", "Department": "Engineering"})
	f.c2 = e.newRecord(e.admin, "Contacts", map[string]any{"Last_Name": "Birch", "Email": "birch@example.com"})
	f.c3 = e.newRecord(e.admin, "Contacts", map[string]any{"Last_Name": "Cedar"})
	f.lead = e.newRecord(e.admin, "Leads", map[string]any{"Last_Name": "Dogwood", "Company": "Elm Inc"})
}

// path is the v8 API path of format and args.
func (f *fixture) path(format string, args ...any) string {
	return "/crm/v8/" + fmt.Sprintf(format, args...)
}

// relFixture is the related-records fixture: a campaign, the people, and one record of each
// other module with a writable related list.
type relFixture struct {
	fixture
	campaign             int64
	product, priceBook   int64
	appointment, service int64
}

func newRelFixture(t *testing.T, b storetest.Backend) *relFixture {
	f := &relFixture{fixture: newFixture(t, b)}
	e := f.e
	f.campaign = e.newRecord(e.admin, "Campaigns", map[string]any{"Campaign_Name": "Spring Launch", "Status": "Active"})
	f.addPeople()
	f.product = e.newRecord(e.admin, "Products", map[string]any{"Product_Name": "Widget"})
	f.priceBook = e.newRecord(e.admin, "Price_Books", map[string]any{"Price_Book_Name": "Retail"})
	f.appointment = e.newRecord(e.admin, "Appointments__s", map[string]any{"Appointment_Name": "Checkup"})
	f.service = e.newRecord(e.admin, "Services__s", map[string]any{"Service_Name": "Cleaning"})
	return f
}

// linkContacts links c1 (Invited) and c2 to the campaign.
func (f *relFixture) linkContacts(t *testing.T) {
	t.Helper()
	body := fmt.Sprintf(`{"data":[{"id":"%d","Member_Status":"Invited"},{"id":"%d"}]}`, f.c1, f.c2)
	f.e.do("PUT", f.path("Campaigns/%d/Contacts", f.campaign), f.tok, body).
		expect(t, 200, relData(relOK("relation added", f.c1), relOK("relation added", f.c2)))
}

// dealFixture is the deal contact role fixture: a deal, the people, and the org's roles by name.
type dealFixture struct {
	fixture
	deal  int64
	roles map[string]crm.ContactRole
}

func newDealFixture(t *testing.T, b storetest.Backend) *dealFixture {
	f := &dealFixture{fixture: newFixture(t, b)}
	e := f.e
	f.roles = crRoles(t, e, e.org.ID)
	f.deal = e.newRecord(e.admin, "Deals", map[string]any{"Deal_Name": "Big One", "Stage": "Qualification"})
	f.addPeople()
	return f
}

// assign gives c1 Executive Sponsor and c2 Purchasing on the deal.
func (f *dealFixture) assign(t *testing.T) {
	t.Helper()
	f.e.do("PUT", f.path("Deals/%d/Contact_Roles/%d", f.deal, f.c1), f.tok, `{"data":[{"Contact_Role":{"name":"Executive Sponsor"}}]}`).
		expect(t, 200, relData(relOK("relation updated", f.c1)))
	f.e.do("PUT", f.path("Deals/%d/Contact_Roles/%d", f.deal, f.c2), f.tok, fmt.Sprintf(`{"data":[{"Contact_Role":{"id":"%d"}}]}`, f.roles["Purchasing"].ID)).
		expect(t, 200, relData(relOK("relation updated", f.c2)))
}

// listPaths is the path of list under each of parents, records of module: one per concurrent writer.
func (f *fixture) listPaths(module string, parents []int64, list string) []string {
	paths := make([]string, len(parents))
	for i, p := range parents {
		paths[i] = f.path("%s/%d/%s", module, p, list)
	}
	return paths
}

// joinIDs is ids comma-separated, as an ids parameter.
func joinIDs(ids []int64) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = fmt.Sprint(id)
	}
	return strings.Join(s, ",")
}

// relOKs is the answer of a write that succeeded for every one of ids.
func relOKs(message string, ids []int64) string {
	items := make([]string, len(ids))
	for i, id := range ids {
		items[i] = relOK(message, id)
	}
	return relData(items...)
}
