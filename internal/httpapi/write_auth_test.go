package httpapi

import (
	"net/url"
	"testing"

	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/oauth"
	"github.com/zcrm/zcrm/internal/store/storetest"
)

const invalidTokenJSON = `{"code":"INVALID_TOKEN","details":{},"message":"invalid oauth token","status":"error"}`

// A write authenticated from the token cache reads no org version before it runs; it makes sure of
// the version in its own transaction, or after the handler when the route answered without
// writing. A token revoked through another server sharing the database is refused with 401
// INVALID_TOKEN, whether the route writes or not, and nothing is written; a token whose org only
// changed something else that is cached is looked up again, and the write goes through.
func TestCachedTokenWrites(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		f := newRelFixture(t, b)
		f.linkContacts(t) // f.tok is in this server's token cache now
		e, other := f.e, f.e.twin()
		revoke := func(tok string) {
			t.Helper()
			other.do("POST", oauth.RevokePath+"?token="+url.QueryEscape(tok), "", "").expect(t, 200, `{"status":"success"}`)
		}
		delink := f.path("Campaigns/%d/Contacts?ids=%d", f.campaign, f.c1)
		relink := f.path("Campaigns/%d/Contacts/%d", f.campaign, f.c1)

		// Another token of the org is revoked elsewhere: the org's version moves, f.tok stays good.
		revoke(e.adminToken("ZohoCRM.modules.ALL"))
		e.do("DELETE", delink, f.tok, "").expect(t, 200, relData(relOK("relation removed", f.c1)))
		e.do("PUT", relink, f.tok, `{"data":[{}]}`).expect(t, 200, relData(relOK("relation added", f.c1)))

		// f.tok itself, and a token whose route answers before writing, are revoked elsewhere.
		std := e.userToken("std@zcrm.local", crm.ProfileStandard)
		roles := "/crm/v8/Contacts/roles?ids=1"
		e.do("DELETE", roles, std, "").expect(t, 403, relErr("NO_PERMISSION", "permission denied", `{"permissions":["Crm_Implied_Customize_Crm"]}`))
		revoke(f.tok)
		revoke(std)
		e.do("DELETE", delink, f.tok, "").expect(t, 401, invalidTokenJSON)
		e.do("DELETE", roles, std, "").expect(t, 401, invalidTokenJSON)
		e.do("DELETE", delink, e.adminToken("ZohoCRM.modules.ALL"), "").expect(t, 200, relData(relOK("relation removed", f.c1)))
	})
}
