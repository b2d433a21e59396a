package oauth_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/zcrm/zcrm/internal/oauth"
	"github.com/zcrm/zcrm/internal/store/storetest"
)

// A token that one server has accepted (and so holds in its token cache) dies on that server as soon
// as another server sharing the database revokes it, or evicts it by minting a sixteenth access
// token, and once its hour has passed.
func TestCachedTokenDiesEverywhere(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		other := e.twin()

		revoked, refresh := e.exchange(e.grant(e.admin, "ZohoCRM.org.ALL"))
		e.expectValid(revoked, e.admin, "ZohoCRM.org.ALL")
		other.post(oauth.RevokePath, inQuery, form("token", revoked)).expect(t, http.StatusOK, `{"status":"success"}`)
		e.expectDead(revoked)

		oldest := e.refresh(refresh)
		e.expectValid(oldest, e.admin, "ZohoCRM.org.ALL")
		for range oauth.MaxAccessPerRefresh {
			e.clock.advance(time.Second)
			other.refresh(refresh)
		}
		e.expectDead(oldest)

		expiring := e.refresh(refresh)
		e.expectValid(expiring, e.admin, "ZohoCRM.org.ALL")
		e.clock.advance(oauth.AccessTTL)
		e.expectDead(expiring)

		whole, wholeRefresh := e.exchange(e.grant(e.admin, "ZohoCRM.org.ALL"))
		e.expectValid(whole, e.admin, "ZohoCRM.org.ALL")
		other.post(oauth.RevokePath, inForm, form("token", wholeRefresh)).expect(t, http.StatusOK, `{"status":"success"}`)
		e.expectDead(whole)
	})
}
