package oauth_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/oauth"
	"github.com/zcrm/zcrm/internal/store/storetest"
)

const invalidClientJSON = `{"error":"invalid_client"}`

// ccParams are a client_credentials grant's parameters for the org.
func ccParams(id, secret string, org crm.Org) []string {
	return []string{"grant_type", "client_credentials", "client_id", id, "client_secret", secret,
		"scope", "ZohoCRM.org.ALL", "soid", "ZohoCRM." + crm.FormatID(org.ID)}
}

const ccJSON = `{"access_token":"ACCESS","scope":"ZohoCRM.org.ALL","api_domain":"http://zcrm.test","token_type":"Bearer","expires_in":3600}`

// A client acts in the org it was created in, as in Zoho: client_credentials with the soid of
// another org (org ids are sequential, so they are easy to guess) is invalid_client, on both
// paths and in every encoding, until the client is granted that org.
func TestClientCredentialsConfinedToClientOrgs(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		orgA, adminA := e.newOrg("Alpha")
		orgB, adminB := e.newOrg("Beta")
		c, id, secret := e.newClientIn(orgA, "alpha-app")
		for _, path := range []string{oauth.TokenPath, oauth.AuthPath} {
			for _, enc := range encodings {
				e.post(path, enc, form(ccParams(id, secret, orgB)...)).expect(t, http.StatusOK, invalidClientJSON)
				e.post(path, enc, form(ccParams(id, secret, e.org)...)).expect(t, http.StatusOK, invalidClientJSON)
				access, _ := e.post(path, enc, form(ccParams(id, secret, orgA)...)).tokens(t, ccJSON)
				e.expectValid(access, adminA, "ZohoCRM.org.ALL")
			}
		}
		// The default org's client is no more welcome in Alpha.
		e.post(oauth.TokenPath, inForm, form(ccParams(e.id, e.secret, orgA)...)).expect(t, http.StatusOK, invalidClientJSON)

		e.grantOrg(c, orgB)
		e.grantOrg(c, orgB) // granting twice is harmless
		access, _ := e.post(oauth.TokenPath, inForm, form(ccParams(id, secret, orgB)...)).tokens(t, ccJSON)
		e.expectValid(access, adminB, "ZohoCRM.org.ALL")
		access, _ = e.post(oauth.TokenPath, inForm, form(ccParams(id, secret, orgA)...)).tokens(t, ccJSON)
		e.expectValid(access, adminA, "ZohoCRM.org.ALL")
		e.post(oauth.TokenPath, inForm, form(ccParams(id, secret, e.org)...)).expect(t, http.StatusOK, invalidClientJSON)
	})
}

// Grant codes are issued to a client only for users of its orgs; a code for another org that
// exists anyway (planted in the store here) is invalid_client at the token endpoint, and is not
// used up by the refusal.
func TestGrantCodeOfAnOrgTheClientIsNotIn(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		orgB, adminB := e.newOrg("Beta")
		code := oauth.NewToken()
		e.write(func(ctx context.Context, tx crm.Tx) error {
			_, err := oauth.IssueGrant(ctx, tx, e.client, adminB, []string{"ZohoCRM.org.ALL"}, oauth.DefaultGrantTTL)
			want := "client " + e.id + " does not belong to org " + crm.FormatID(orgB.ID)
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Fatalf("IssueGrant for another org = %v, want %q", err, want)
			}
			now := tx.Now()
			return tx.InsertGrant(ctx, crm.Grant{CodeHash: oauth.Hash(code), ClientPK: e.client.ID, OrgID: orgB.ID,
				UserID: adminB.ID, Scopes: []string{"ZohoCRM.org.ALL"}, CreatedTime: now, ExpiresAt: now.Add(oauth.DefaultGrantTTL)})
		})
		for _, enc := range encodings {
			e.post(oauth.TokenPath, enc, e.codeParams(code)).expect(t, http.StatusOK, invalidClientJSON)
		}
		e.grantOrg(e.client, orgB)
		access, _ := e.post(oauth.TokenPath, inForm, e.codeParams(code)).tokens(t,
			`{"access_token":"ACCESS","refresh_token":"REFRESH","scope":"ZohoCRM.org.ALL","api_domain":"http://zcrm.test","token_type":"Bearer","expires_in":3600}`)
		e.expectValid(access, adminB, "ZohoCRM.org.ALL")
	})
}

// A refresh token of an org the client is not in (planted in the store: nothing issues one) is
// invalid_client at the refresh grant; revoke, which takes no client, still deletes it.
func TestRefreshTokenOfAnOrgTheClientIsNotIn(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		orgB, adminB := e.newOrg("Beta")
		refresh := oauth.NewToken()
		e.write(func(ctx context.Context, tx crm.Tx) error {
			_, _, err := oauth.IssueTokens(ctx, tx, e.client, adminB, []string{"ZohoCRM.org.ALL"})
			if err == nil || !strings.Contains(err.Error(), "does not belong to org "+crm.FormatID(orgB.ID)) {
				t.Fatalf("IssueTokens for another org = %v", err)
			}
			id, err := tx.NewID(ctx)
			if err != nil {
				return err
			}
			return tx.InsertRefreshToken(ctx, crm.RefreshToken{ID: id, Hash: oauth.Hash(refresh), ClientPK: e.client.ID,
				OrgID: orgB.ID, UserID: adminB.ID, Scopes: []string{"ZohoCRM.org.ALL"}, CreatedTime: tx.Now()})
		})
		for _, enc := range encodings {
			e.post(oauth.TokenPath, enc, e.refreshParams(refresh)).expect(t, http.StatusOK, invalidClientJSON)
		}
		e.grantOrg(e.client, orgB)
		e.expectValid(e.refresh(refresh), adminB, "ZohoCRM.org.ALL")

		// Revoke works for a token of the client's own org too, and the token is gone after it.
		_, own := e.exchange(e.grant(e.admin, "ZohoCRM.org.ALL"))
		for _, tok := range []string{refresh, own} {
			e.post(oauth.RevokePath, inForm, form("token", tok)).expect(t, http.StatusOK, `{"status":"success"}`)
			e.post(oauth.TokenPath, inForm, e.refreshParams(tok)).expectError(t, "invalid_code")
		}
	})
}

// The CLI's internal client (behind `zcrm token`) is linked to no org and acts in every one,
// including orgs created after it.
func TestCLIClientActsInEveryOrg(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		for _, name := range []string{"Alpha", "Beta"} {
			_, admin := e.newOrg(name)
			var access string
			e.write(func(ctx context.Context, tx crm.Tx) error {
				c, err := oauth.CLIClient(ctx, tx)
				if err != nil {
					return err
				}
				access, _, err = oauth.IssueTokens(ctx, tx, c, admin, []string{"ZohoCRM.org.ALL"})
				return err
			})
			e.expectValid(access, admin, "ZohoCRM.org.ALL")
		}
	})
}
