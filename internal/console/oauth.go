package console

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/zcrm/zcrm/internal/admin"
	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/oauth"
)

// The OAuth page works like Zoho's API console for a self client: create a client (its secret
// shown once), generate a grant code for chosen scopes and a lifetime (shown once), list the
// refresh tokens issued to the org's users and revoke one (with every access token minted from
// it). Secrets live only as hashes (internal/oauth), so nothing issued earlier can be shown again.

// scopeChoices are the scopes the grant form offers as boxes; any other goes in the text field.
var scopeChoices = []string{"ZohoCRM.modules.ALL", "ZohoCRM.settings.ALL", "ZohoCRM.users.READ", "ZohoCRM.org.READ", "ZohoCRM.coql.READ", "ZohoCRM.bulk.ALL"}

// grantLifetimes are the grant code lifetimes Zoho's API console offers.
var grantLifetimes = []string{"3m", "5m", "7m", "10m"}

// oauthData is the OAuth page.
type oauthData struct {
	Clients   []crm.Client
	Users     []crm.User
	Tokens    []tokenRow
	Scopes    []string
	Lifetimes []string
	// Issued is what was just created, shown once: a client's id and secret, or a grant code.
	Issued *issued
}

type issued struct {
	What, ClientID, Secret, Code, Expires string
}

// tokenRow is one refresh token: its id, client and user (its value exists only as a hash).
type tokenRow struct {
	ID           string
	Client, User string
}

func (c *Console) oauthPage(w http.ResponseWriter, r *http.Request) {
	c.drawOAuth(w, r, nil, "")
}

// drawOAuth draws the OAuth page, with what was just issued (shown once) or what went wrong.
func (c *Console) drawOAuth(w http.ResponseWriter, r *http.Request, just *issued, problem string) {
	v := c.newView("OAuth", "oauth")
	v.Error = problem
	d := &oauthData{Scopes: scopeChoices, Lifetimes: grantLifetimes, Issued: just}
	v.Data = d
	c.read(w, r, "oauth", v, func(ctx context.Context, tx crm.Tx) error {
		if err := orgView(ctx, tx, r, v); err != nil {
			return err
		}
		v.Title = "OAuth clients and tokens"
		var err error
		if d.Clients, err = tx.ClientsInOrg(ctx, v.Org.ID); err != nil {
			return err
		}
		if d.Users, err = tx.Users(ctx, v.Org.ID); err != nil {
			return err
		}
		d.Tokens, err = orgTokens(ctx, tx, v.Org.ID, d.Clients, d.Users)
		return err
	})
}

// orgTokens lists the refresh tokens the org's users hold for the org's clients.
func orgTokens(ctx context.Context, tx crm.Tx, orgID int64, clients []crm.Client, users []crm.User) ([]tokenRow, error) {
	var out []tokenRow
	for _, cl := range clients {
		for _, u := range users {
			ids, err := tx.RefreshTokenIDs(ctx, cl.ID, u.ID)
			if err != nil {
				return nil, err
			}
			for _, id := range ids {
				out = append(out, tokenRow{ID: crm.FormatID(id), Client: cl.Name + " (" + cl.ClientID + ")", User: u.Email})
			}
		}
	}
	return out, nil
}

func oauthPath(r *http.Request) string { return orgPath(r) + "/oauth" }

// createClient creates a self client of the org and shows its secret once.
func (c *Console) createClient(w http.ResponseWriter, r *http.Request) {
	id, secret, err := c.cfg.Admin.CreateClient(r.Context(), orgOf(r), strings.TrimSpace(r.PostFormValue("name")))
	if err != nil {
		done(w, r, oauthPath(r), "", c.fail(r, err))
		return
	}
	c.drawOAuth(w, r, &issued{What: "client", ClientID: id, Secret: secret}, "")
}

// createGrant issues a grant code of a client for a user of the org, with the chosen scopes and
// lifetime, and shows it once.
func (c *Console) createGrant(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		done(w, r, oauthPath(r), "", err.Error())
		return
	}
	list := append(append([]string{}, r.PostForm["scope"]...), r.PostForm.Get("more_scopes"))
	scopes, err := oauth.CheckKnownScopes(strings.Join(list, ","))
	if err != nil {
		done(w, r, oauthPath(r), "", err.Error())
		return
	}
	ttl, err := time.ParseDuration(r.PostForm.Get("ttl"))
	if err != nil || ttl <= 0 || ttl > oauth.MaxGrantTTL {
		done(w, r, oauthPath(r), "", "Choose a lifetime of at most 10 minutes.")
		return
	}
	userID, _ := crm.ParseID(r.PostForm.Get("user"))
	user := func(ctx context.Context, tx crm.Tx) (crm.User, error) {
		org, err := orgOf(r)(ctx, tx)
		if err != nil {
			return crm.User{}, err
		}
		return tx.User(ctx, org.ID, userID)
	}
	code, err := c.cfg.Admin.GrantCode(r.Context(), admin.Grant{ClientID: r.PostForm.Get("client"), User: user, Scopes: scopes, TTL: ttl})
	if err != nil {
		done(w, r, oauthPath(r), "", c.fail(r, err))
		return
	}
	c.drawOAuth(w, r, &issued{What: "grant", ClientID: r.PostForm.Get("client"), Code: code, Expires: ttl.String()}, "")
}

// revokeToken deletes one of the org's refresh tokens with its access tokens.
func (c *Console) revokeToken(w http.ResponseWriter, r *http.Request) {
	id, ok := crm.ParseID(r.PathValue("id"))
	found := false
	err := c.cfg.Admin.Store.Write(r.Context(), func(tx crm.Tx) error {
		found = false
		org, err := orgOf(r)(r.Context(), tx)
		if err != nil {
			return err
		}
		clients, err := tx.ClientsInOrg(r.Context(), org.ID)
		if err != nil {
			return err
		}
		users, err := tx.Users(r.Context(), org.ID)
		if err != nil {
			return err
		}
		tokens, err := orgTokens(r.Context(), tx, org.ID, clients, users)
		if err != nil {
			return err
		}
		for _, t := range tokens {
			if ok && t.ID == crm.FormatID(id) {
				found = true
				return tx.DeleteRefreshToken(r.Context(), id)
			}
		}
		return nil
	})
	switch {
	case err != nil:
		done(w, r, oauthPath(r), "", c.fail(r, err))
	case !found:
		done(w, r, oauthPath(r), "", "The org has no such refresh token.")
	default:
		done(w, r, oauthPath(r), "Refresh token revoked, with its access tokens.", "")
	}
}
