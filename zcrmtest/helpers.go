package zcrmtest

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/zcrm/zcrm/client"
	"github.com/zcrm/zcrm/internal/admin"
	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/oauth"
)

// CreateOrg creates an org of the edition (free, standard, professional, enterprise or ultimate)
// with its first Administrator (admin@<slug of name>.zcrm.local), and returns both. The server's
// own OAuth client (ClientID) is granted the org; other clients are not.
func (s *Server) CreateOrg(name, edition string) (Org, User) {
	if s.tb != nil {
		s.tb.Helper()
	}
	ed, err := crm.ParseEdition(edition)
	if err != nil {
		s.fail(err)
		return Org{}, User{}
	}
	org, first, err := s.admin.CreateOrg(context.Background(), admin.NewOrg{NewOrg: crm.NewOrg{Name: name, Edition: ed}, Clients: []string{s.ClientID}})
	if err != nil {
		s.fail(err)
		return Org{}, User{}
	}
	return orgOf(org), userOf(first, crm.ProfileAdministrator)
}

// CreateUser adds an active user with the named profile (Administrator, Standard, or one made with
// CreateProfile) to the org.
func (s *Server) CreateUser(org Org, email, profile string) User {
	if s.tb != nil {
		s.tb.Helper()
	}
	u, p, err := s.admin.CreateUser(context.Background(), s.orgOf(org), email, profile)
	if err != nil {
		s.fail(err)
		return User{}
	}
	return userOf(u, p.Name)
}

// CreateProfile adds a profile cloned from Standard that also lacks the denied permissions (e.g.
// Crm_Implied_Delete_Campaigns), and returns its id.
func (s *Server) CreateProfile(org Org, name string, deny ...string) string {
	if s.tb != nil {
		s.tb.Helper()
	}
	p, err := s.admin.CreateProfile(context.Background(), s.orgOf(org), admin.NewProfile{Name: name, Deny: deny})
	if err != nil {
		s.fail(err)
		return ""
	}
	return crm.FormatID(p.ID)
}

// SetSharing sets a module's data-sharing rule in the org, as Zoho's org-wide sharing: "public"
// (everyone reads and changes every record), "public_read_only" (everyone reads; users other than
// administrators change only the records they own) or "private" (users other than administrators
// read and change only the records they own; the others read as if they did not exist).
func (s *Server) SetSharing(org Org, module, access string) {
	if s.tb != nil {
		s.tb.Helper()
	}
	if _, err := s.admin.SetSharing(context.Background(), s.orgOf(org), module, access); err != nil {
		s.fail(err)
	}
}

// CreateModule adds a custom module (Enterprise edition and above) with a mandatory Name field,
// and returns its id.
func (s *Server) CreateModule(org Org, apiName string) string {
	if s.tb != nil {
		s.tb.Helper()
	}
	m, err := s.admin.CreateModule(context.Background(), s.orgOf(org), apiName, "", "")
	if err != nil {
		s.fail(err)
		return ""
	}
	return crm.FormatID(m.ID)
}

// CreateOAuthClient creates a self client of the default org and returns its id and secret. As in
// Zoho, a client acts only in its own org: use CreateOAuthClientIn for another org, and
// GrantOAuthClientOrg to let it act in more.
func (s *Server) CreateOAuthClient(name string) (clientID, clientSecret string) {
	if s.tb != nil {
		s.tb.Helper()
	}
	return s.CreateOAuthClientIn(s.Org, name)
}

// CreateOAuthClientIn creates a self client of the org and returns its id and secret.
func (s *Server) CreateOAuthClientIn(org Org, name string) (clientID, clientSecret string) {
	if s.tb != nil {
		s.tb.Helper()
	}
	clientID, clientSecret, err := s.admin.CreateClient(context.Background(), s.orgOf(org), name)
	if err != nil {
		s.fail(err)
		return "", ""
	}
	return clientID, clientSecret
}

// GrantOAuthClientOrg lets the OAuth client clientID act in the org as well (grant codes, refresh
// tokens and the client credentials flow there), as `zcrm client grant-org` does. Granting an org
// twice does nothing.
func (s *Server) GrantOAuthClientOrg(clientID string, org Org) {
	if s.tb != nil {
		s.tb.Helper()
	}
	if _, err := s.admin.GrantClientOrg(context.Background(), clientID, s.orgOf(org)); err != nil {
		s.fail(err)
	}
}

// GrantCode issues a one-time grant code of the server's self client (ClientID) for user with the
// scopes, valid for three minutes of the server's clock.
func (s *Server) GrantCode(user User, scopes ...string) string {
	if s.tb != nil {
		s.tb.Helper()
	}
	return s.GrantCodeFor(s.ClientID, user, oauth.DefaultGrantTTL, scopes...)
}

// GrantCodeFor issues a one-time grant code of the OAuth client clientID for user with the scopes,
// valid for ttl (at most ten minutes). The client must belong to the user's org (the server's own
// client is granted it when it lacks it: CreateOrg grants it up front; this covers orgs of a
// database made elsewhere, WithDatabase).
func (s *Server) GrantCodeFor(clientID string, user User, ttl time.Duration, scopes ...string) string {
	if s.tb != nil {
		s.tb.Helper()
	}
	sc, err := oauth.CheckScopes(strings.Join(scopes, ","))
	if err != nil {
		s.fail(err)
		return ""
	}
	code, err := s.admin.GrantCode(context.Background(), admin.Grant{ClientID: clientID, User: s.userOf(user), Scopes: sc, TTL: ttl,
		GrantOrg: clientID == s.ClientID})
	if err != nil {
		s.fail(err)
		return ""
	}
	return code
}

// Token mints a refresh token and an access token of the server's self client for user, as a
// grant-code exchange would, and returns them with their expiry on the server's clock. No scopes
// means FullScope.
func (s *Server) Token(user User, scopes ...string) *client.Token {
	if s.tb != nil {
		s.tb.Helper()
	}
	tok, err := s.token(user, scopes)
	if err != nil {
		s.fail(err)
		return nil
	}
	return tok
}

func (s *Server) token(user User, scopes []string) (*client.Token, error) {
	if len(scopes) == 0 {
		scopes = FullScope
	}
	sc, err := oauth.CheckScopes(strings.Join(scopes, ","))
	if err != nil {
		return nil, err
	}
	t, err := s.admin.MintToken(context.Background(), admin.Mint{ClientID: s.ClientID, User: s.userOf(user), Scopes: sc, GrantOrg: true})
	if err != nil {
		return nil, err
	}
	return &client.Token{AccessToken: t.Access, RefreshToken: t.Refresh, Scope: strings.Join(sc, " "), APIDomain: s.URL,
		TokenType: "Bearer", Expiry: t.Issued.Add(oauth.AccessTTL)}, nil
}

// NewClient returns a client acting as user with the scopes (none means FullScope): a fresh token
// of the server's self client, the server's clock and HTTP client. opts are applied last, so they
// may override any of that.
func (s *Server) NewClient(user User, scopes []string, opts ...client.Option) *client.Client {
	if s.tb != nil {
		s.tb.Helper()
	}
	c, err := s.newClient(user, scopes, opts...)
	if err != nil {
		s.fail(err)
		return nil
	}
	return c
}

func (s *Server) newClient(user User, scopes []string, opts ...client.Option) (*client.Client, error) {
	tok, err := s.token(user, scopes)
	if err != nil {
		return nil, err
	}
	return client.New(append([]client.Option{
		client.WithBaseURL(s.URL),
		client.WithOAuthClient(s.ClientID, s.ClientSecret),
		client.WithToken(tok),
		client.WithClock(s.db.Now),
		client.WithHTTPClient(s.http),
	}, opts...)...)
}

// CreateRecord stores a record of module owned by owner, with the field values in data (api names
// to JSON-like values), straight into the database (no API call, no validation), and returns its
// id.
func (s *Server) CreateRecord(owner User, module string, data map[string]any) string {
	if s.tb != nil {
		s.tb.Helper()
	}
	var id int64
	if err := s.write(func(ctx context.Context, tx crm.Tx) error {
		o, err := s.org(ctx, tx, owner.OrgID)
		if err != nil {
			return err
		}
		u, err := s.user(ctx, tx, owner)
		if err != nil {
			return err
		}
		m, err := crm.ResolveModule(ctx, tx, o, module)
		if err != nil {
			return fmt.Errorf("module %q: %w", module, err)
		}
		if id, err = tx.NewID(ctx); err != nil {
			return err
		}
		fields := make(map[string]any, len(data))
		for k, v := range data {
			fields[k] = v
		}
		now := tx.Now()
		return tx.InsertRecords(ctx, []crm.Record{{ID: id, OrgID: o.ID, Module: m.APIName, OwnerID: u.ID,
			CreatedBy: u.ID, ModifiedBy: u.ID, CreatedTime: now, ModifiedTime: now, Data: fields}})
	}); err != nil {
		s.fail(err)
		return ""
	}
	return crm.FormatID(id)
}

func (s *Server) org(ctx context.Context, tx crm.Tx, id string) (crm.Org, error) {
	orgID, err := parseID("org", id)
	if err != nil {
		return crm.Org{}, err
	}
	o, err := tx.Org(ctx, orgID)
	if err != nil {
		return crm.Org{}, fmt.Errorf("org %s: %w", id, err)
	}
	return o, nil
}

func (s *Server) user(ctx context.Context, tx crm.Tx, user User) (crm.User, error) {
	orgID, err := parseID("org", user.OrgID)
	if err != nil {
		return crm.User{}, err
	}
	userID, err := parseID("user", user.ID)
	if err != nil {
		return crm.User{}, err
	}
	u, err := tx.User(ctx, orgID, userID)
	if err != nil {
		return crm.User{}, fmt.Errorf("user %s of org %s: %w", user.ID, user.OrgID, err)
	}
	return u, nil
}

// orgOf is the org for the control plane's operations (Server.org's lookup and errors).
func (s *Server) orgOf(org Org) admin.OrgOf {
	return func(ctx context.Context, tx crm.Tx) (crm.Org, error) { return s.org(ctx, tx, org.ID) }
}

// userOf is the user for the control plane's operations (Server.user's lookup and errors).
func (s *Server) userOf(user User) admin.UserOf {
	return func(ctx context.Context, tx crm.Tx) (crm.User, error) { return s.user(ctx, tx, user) }
}
