package zcrmtest_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/zcrm/zcrm/client"
	"github.com/zcrm/zcrm/zcrmtest"
)

// OAuth clients belong to their org, as in Zoho: CreateOAuthClient makes one of the default org,
// CreateOAuthClientIn one of another org, GrantOAuthClientOrg lets it act in more. The server's
// own client acts in every org CreateOrg makes.
func TestOAuthClientOrgs(t *testing.T) {
	backends(t, func(t *testing.T, db zcrmtest.Option) {
		rec := &tbRecorder{TB: t}
		srv := zcrmtest.NewServer(rec, db)
		ctx := t.Context()
		acme, acmeAdmin := srv.CreateOrg("Acme", "enterprise")

		// The server's own client: tokens, grant codes and client credentials in the new org.
		if me, err := srv.NewClient(acmeAdmin, nil).CurrentUser(ctx); err != nil || me.ID != acmeAdmin.ID {
			t.Fatalf("acme admin via the server's client = %+v, %v", me, err)
		}
		own, _ := client.New(client.WithBaseURL(srv.URL), client.WithOAuthClient(srv.ClientID, srv.ClientSecret),
			client.WithClientCredentialsFlow(acme.ID, "ZohoCRM.org.ALL"))
		if org, err := own.Org(ctx); err != nil || org.ID != acme.ID {
			t.Fatalf("client credentials in acme = %+v, %v", org, err)
		}

		// A client of acme works there and nowhere else.
		id, secret := srv.CreateOAuthClientIn(acme, "acme app")
		app, _ := client.New(client.WithBaseURL(srv.URL), client.WithOAuthClient(id, secret))
		if _, err := app.ExchangeCode(ctx, srv.GrantCodeFor(id, acmeAdmin, time.Minute, "ZohoCRM.users.READ")); err != nil {
			t.Fatal(err)
		}
		if me, err := app.CurrentUser(ctx); err != nil || me.ID != acmeAdmin.ID {
			t.Fatalf("app's user = %+v, %v", me, err)
		}
		if code := srv.GrantCodeFor(id, srv.Admin, time.Minute, "ZohoCRM.users.READ"); code != "" ||
			!strings.Contains(rec.failed, "does not belong to org "+srv.Org.ID) {
			t.Fatalf("code for the default org = %q, failure %q", code, rec.failed)
		}
		rec.failed = ""
		cc := func(orgID string) error {
			c, _ := client.New(client.WithBaseURL(srv.URL), client.WithOAuthClient(id, secret), client.WithRetries(0, 0),
				client.WithClientCredentialsFlow(orgID, "ZohoCRM.org.ALL"))
			_, err := c.Org(ctx)
			return err
		}
		if err := cc(srv.Org.ID); !errors.Is(err, client.ErrInvalidClient) {
			t.Fatalf("client credentials in the default org = %v, want ErrInvalidClient", err)
		}

		// Granted the default org, it works there too.
		srv.GrantOAuthClientOrg(id, srv.Org)
		if err := cc(srv.Org.ID); err != nil {
			t.Fatalf("client credentials in the default org after the grant = %v", err)
		}
		if code := srv.GrantCodeFor(id, srv.Admin, time.Minute, "ZohoCRM.users.READ"); code == "" {
			t.Fatalf("code for the default org after the grant: %s", rec.failed)
		}

		// CreateOAuthClient makes a client of the default org.
		plainID, _ := srv.CreateOAuthClient("plain")
		if srv.GrantCodeFor(plainID, acmeAdmin, time.Minute, "ZohoCRM.org.READ"); !strings.Contains(rec.failed, "does not belong to org "+acme.ID) {
			t.Fatalf("plain client's code for acme: failure %q", rec.failed)
		}
	})
}
