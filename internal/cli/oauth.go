package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/zcrm/zcrm/internal/admin"
	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/oauth"
	"github.com/zcrm/zcrm/internal/store"
)

// runClientCreate creates a self client of an org (the default org without --org), as Zoho's API
// console registers a client in the org it is used from: {"client_id":"1000.…","client_secret":"…"}.
func runClientCreate(ctx context.Context, e env, args []string) error {
	var dsn, name, orgID string
	var redirects stringList
	fs := flags(e, "client create", &dsn)
	fs.StringVar(&name, "name", oauth.DefaultClientName, "client name")
	fs.StringVar(&orgID, "org", "", "id of the org the client belongs to (default: the default org)")
	fs.Var(&redirects, "redirect-uri", "an authorized redirect URI: makes a web-based client for the browser consent step at /oauth/v2/auth (repeatable)")
	if err := parse(fs, args); err != nil {
		return err
	}
	svc, def, done, err := adminStore(ctx, dsn)
	if err != nil {
		return err
	}
	defer done()
	id, secret, err := svc.CreateClient(ctx, orgFlag(def, orgID), strings.TrimSpace(name), redirects...)
	if err != nil {
		return err
	}
	return printJSON(e, struct {
		ClientID     string `json:"client_id"`
		ClientSecret string `json:"client_secret"`
	}{id, secret})
}

// runClientGrantOrg lets a client act in one more org (grant codes, refresh tokens and
// client_credentials there); granting an org twice is not an error: {"client_id":"…","org_id":"…"}.
func runClientGrantOrg(ctx context.Context, e env, args []string) error {
	var dsn, clientID, orgID string
	fs := flags(e, "client grant-org", &dsn)
	fs.StringVar(&clientID, "client-id", "", "client id from 'zcrm client create' (required)")
	fs.StringVar(&orgID, "org", "", "id of the org to grant (required)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if clientID == "" {
		return errors.New("--client-id is required")
	}
	if orgID == "" {
		return errors.New("--org is required")
	}
	svc, def, done, err := adminStore(ctx, dsn)
	if err != nil {
		return err
	}
	defer done()
	org, err := svc.GrantClientOrg(ctx, clientID, orgFlag(def, orgID))
	if err != nil {
		return err
	}
	return printJSON(e, struct {
		ClientID string `json:"client_id"`
		OrgID    string `json:"org_id"`
	}{clientID, crm.FormatID(org.ID)})
}

// runGrant issues a one-time grant code, like Generate Code for a self client in Zoho's API console:
// {"code":"1000.….…","expires_in":180}.
func runGrant(ctx context.Context, e env, args []string) error {
	var dsn, clientID, scope, email, orgID, ttlText string
	fs := flags(e, "grant", &dsn)
	fs.StringVar(&clientID, "client-id", "", "client id from 'zcrm client create' (required)")
	fs.StringVar(&scope, "scope", "", "comma-separated scopes, e.g. ZohoCRM.modules.ALL,ZohoCRM.settings.ALL (required)")
	fs.StringVar(&email, "user", "", "email of the user the code acts for (default: the org's first Administrator)")
	fs.StringVar(&orgID, "org", "", "org id (default: the default org)")
	fs.StringVar(&ttlText, "ttl", "3m", "code lifetime, at most 10m (e.g. 3m, 5m, 90s)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if clientID == "" {
		return errors.New("--client-id is required")
	}
	scopes, err := oauth.CheckKnownScopes(scope)
	if err != nil {
		return err
	}
	ttl, err := parseTTL(ttlText)
	if err != nil {
		return err
	}
	if ttl < time.Second || ttl > oauth.MaxGrantTTL {
		return fmt.Errorf("--ttl must be between 1s and %s, not %s", oauth.MaxGrantTTL, ttlText)
	}
	svc, def, done, err := adminStore(ctx, dsn)
	if err != nil {
		return err
	}
	defer done()
	code, err := svc.GrantCode(ctx, admin.Grant{ClientID: clientID, User: userFlags(def, orgID, email), Scopes: scopes, TTL: ttl})
	if err != nil {
		return err
	}
	return printJSON(e, struct {
		Code      string `json:"code"`
		ExpiresIn int    `json:"expires_in"`
	}{code, int(ttl.Seconds())})
}

// runToken mints a refresh and an access token directly, skipping the code exchange:
// {"access_token":"…","refresh_token":"…","expires_in":3600}. The tokens belong to zcrm's internal
// CLI client, so the refresh token can be revoked but not used at the refresh grant.
func runToken(ctx context.Context, e env, args []string) error {
	var dsn, scope, email, orgID string
	fs := flags(e, "token", &dsn)
	fs.StringVar(&scope, "scope", "", "comma-separated scopes, e.g. ZohoCRM.modules.ALL,ZohoCRM.settings.ALL (required)")
	fs.StringVar(&email, "user", "", "email of the user the token acts for (default: the org's first Administrator)")
	fs.StringVar(&orgID, "org", "", "org id (default: the default org)")
	if err := parse(fs, args); err != nil {
		return err
	}
	scopes, err := oauth.CheckKnownScopes(scope)
	if err != nil {
		return err
	}
	db, def, err := openStore(ctx, dsn, store.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	access, refresh, err := mintTokens(ctx, db, def, orgID, email, scopes)
	if err != nil {
		return err
	}
	return printJSON(e, struct {
		AccessToken  string `json:"access_token"`
		RefreshToken string `json:"refresh_token"`
		ExpiresIn    int    `json:"expires_in"`
	}{access, refresh, int(oauth.AccessTTL.Seconds())})
}

// mintTokens issues an access and a refresh token of zcrm's internal CLI client for the user
// tokenUser names (the org's first Administrator when email is empty).
func mintTokens(ctx context.Context, db *store.DB, def crm.Org, orgID, email string, scopes []string) (access, refresh string, err error) {
	t, err := (&admin.Service{Store: db}).MintToken(ctx, admin.Mint{User: userFlags(def, orgID, email), Scopes: scopes})
	return t.Access, t.Refresh, err
}

// userFlags is the user the --org and --user flags name (tokenUser), for the control plane's
// operations.
func userFlags(def crm.Org, orgID, email string) admin.UserOf {
	return func(ctx context.Context, tx crm.Tx) (crm.User, error) { return tokenUser(ctx, tx, def, orgID, email) }
}

// tokenUser returns the active user a grant or token acts as: the one with that email in the org
// named by orgFlag, or the org's first Administrator when email is empty.
func tokenUser(ctx context.Context, tx crm.Tx, def crm.Org, orgFlag, email string) (crm.User, error) {
	org, err := orgFor(ctx, tx, def, orgFlag)
	if err != nil {
		return crm.User{}, err
	}
	var u crm.User
	if email == "" {
		u, err = tx.FirstAdmin(ctx, org.ID)
		if errors.Is(err, crm.ErrNotFound) {
			return crm.User{}, fmt.Errorf("org %d has no Administrator", org.ID)
		}
	} else {
		u, err = tx.UserByEmail(ctx, org.ID, email)
		if errors.Is(err, crm.ErrNotFound) {
			return crm.User{}, fmt.Errorf("no user %q in org %d", email, org.ID)
		}
	}
	if err != nil {
		return crm.User{}, err
	}
	if u.Status != "active" {
		return crm.User{}, fmt.Errorf("user %s is %s, not active", u.Email, u.Status)
	}
	return u, nil
}

// stringList is a repeatable string flag.
type stringList []string

func (l *stringList) String() string { return strings.Join(*l, ",") }

// Set adds one value.
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }
