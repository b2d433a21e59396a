package oauth_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/oauth"
	"github.com/zcrm/zcrm/internal/store"
)

// BenchmarkAuthenticate is the token lookup every API call starts with, on a real SQLite store.
// cached: the token is in the service's cache, so the lookup is a hash and one read of the org's
// cache version. lookup: a fresh service, so the token, its org, user and profile are read in one
// joined query and the scopes parsed, as on the first call with a token.
func BenchmarkAuthenticate(b *testing.B) {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(b.TempDir(), "zcrm.db"), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	var token string
	if err := db.Write(ctx, func(tx crm.Tx) error {
		org, err := crm.EnsureDefaultOrg(ctx, tx)
		if err != nil {
			return err
		}
		admin, err := tx.FirstAdmin(ctx, org.ID)
		if err != nil {
			return err
		}
		token, err = oauth.MintAccessToken(ctx, tx, org.ID, admin.ID, 0, 0, []string{"ZohoCRM.modules.ALL", "ZohoCRM.settings.ALL"})
		return err
	}); err != nil {
		b.Fatal(err)
	}
	header := "Zoho-oauthtoken " + token
	b.Run("cached", func(b *testing.B) {
		svc := &oauth.Service{Store: db}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := svc.Authenticate(ctx, header); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("lookup", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := (&oauth.Service{Store: db}).Authenticate(ctx, header); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkScopesAllows is the scope check of every API call, for a token with a typical mix of
// scopes: a hit on the last scope and a miss that walks them all.
func BenchmarkScopesAllows(b *testing.B) {
	scopes, err := oauth.ParseScopes("ZohoCRM.users.READ,ZohoCRM.org.READ,ZohoCRM.settings.modules.READ,ZohoCRM.settings.fields.READ," +
		"ZohoCRM.modules.leads.READ,ZohoCRM.modules.deals.ALL,ZohoCRM.modules.contacts.ALL")
	if err != nil {
		b.Fatal(err)
	}
	hit := []oauth.Need{oauth.ModuleNeed("Contacts", oauth.OpDelete)}
	miss := []oauth.Need{oauth.ModuleNeed("Campaigns", oauth.OpDelete), oauth.SettingsNeed("cadences", oauth.OpRead)}
	if !scopes.Allows(hit...) || scopes.Allows(miss...) {
		b.Fatal("scope fixture does not grant what the benchmark expects")
	}
	b.ReportAllocs()
	for b.Loop() {
		if !scopes.Allows(hit...) || scopes.Allows(miss...) {
			b.Fatal("scope check changed its answer")
		}
	}
}
