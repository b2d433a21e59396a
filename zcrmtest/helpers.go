package zcrmtest

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/zcrm/zcrm/client"
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
	var org crm.Org
	var admin crm.User
	if err := s.write(func(ctx context.Context, tx crm.Tx) error {
		ed, err := crm.ParseEdition(edition)
		if err != nil {
			return err
		}
		if org, admin, err = crm.CreateOrg(ctx, tx, crm.NewOrg{Name: name, Edition: ed}); err != nil {
			return err
		}
		_, err = s.ownClient(ctx, tx, s.ClientID, org.ID)
		return err
	}); err != nil {
		s.fail(err)
		return Org{}, User{}
	}
	return orgOf(org), userOf(admin, crm.ProfileAdministrator)
}

// CreateUser adds an active user with the named profile (Administrator, Standard, or one made with
// CreateProfile) to the org.
func (s *Server) CreateUser(org Org, email, profile string) User {
	if s.tb != nil {
		s.tb.Helper()
	}
	var u crm.User
	var p crm.Profile
	if err := s.write(func(ctx context.Context, tx crm.Tx) error {
		o, err := s.org(ctx, tx, org.ID)
		if err != nil {
			return err
		}
		u, p, err = crm.CreateUser(ctx, tx, o.ID, email, profile)
		return err
	}); err != nil {
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
	var p crm.Profile
	if err := s.write(func(ctx context.Context, tx crm.Tx) error {
		o, err := s.org(ctx, tx, org.ID)
		if err != nil {
			return err
		}
		p, err = crm.CreateProfile(ctx, tx, o.ID, name, deny)
		return err
	}); err != nil {
		s.fail(err)
		return ""
	}
	return crm.FormatID(p.ID)
}

// SetSharing sets a module's data-sharing rule in the org: "public", or "private" (users other than
// administrators may change only the records they own).
func (s *Server) SetSharing(org Org, module, access string) {
	if s.tb != nil {
		s.tb.Helper()
	}
	if err := s.write(func(ctx context.Context, tx crm.Tx) error {
		o, err := s.org(ctx, tx, org.ID)
		if err != nil {
			return err
		}
		_, err = crm.SetSharing(ctx, tx, o, module, strings.ToLower(access))
		return err
	}); err != nil {
		s.fail(err)
	}
}

// CreateModule adds a custom module (Enterprise edition and above) with a mandatory Name field,
// and returns its id.
func (s *Server) CreateModule(org Org, apiName string) string {
	if s.tb != nil {
		s.tb.Helper()
	}
	var m crm.CustomModule
	if err := s.write(func(ctx context.Context, tx crm.Tx) error {
		o, err := s.org(ctx, tx, org.ID)
		if err != nil {
			return err
		}
		admin, err := tx.FirstAdmin(ctx, o.ID)
		if err != nil {
			return err
		}
		m, err = crm.CreateCustomModule(ctx, tx, o, admin.ID, apiName, "", "")
		return err
	}); err != nil {
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
	if err := s.write(func(ctx context.Context, tx crm.Tx) error {
		o, err := s.org(ctx, tx, org.ID)
		if err != nil {
			return err
		}
		clientID, clientSecret, err = oauth.CreateClient(ctx, tx, o.ID, name)
		return err
	}); err != nil {
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
	if err := s.write(func(ctx context.Context, tx crm.Tx) error {
		oc, err := oauth.ClientByID(ctx, tx, clientID)
		if err != nil {
			return err
		}
		o, err := s.org(ctx, tx, org.ID)
		if err != nil {
			return err
		}
		return oauth.GrantClientOrg(ctx, tx, oc, o.ID)
	}); err != nil {
		s.fail(err)
	}
}

// ownClient returns the OAuth client clientID for use in orgID. The server's own client (ClientID)
// is the test's: it is granted the org when it lacks it (CreateOrg grants it up front; this covers
// orgs of a database made elsewhere, WithDatabase), so Token, NewClient and GrantCode work for
// users of every org. Any other client must belong to the org already.
func (s *Server) ownClient(ctx context.Context, tx crm.Tx, clientID string, orgID int64) (crm.Client, error) {
	oc, err := oauth.ClientByID(ctx, tx, clientID)
	if err != nil {
		return crm.Client{}, err
	}
	if clientID == s.ClientID {
		err = oauth.GrantClientOrg(ctx, tx, oc, orgID)
	}
	return oc, err
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
// client always does).
func (s *Server) GrantCodeFor(clientID string, user User, ttl time.Duration, scopes ...string) string {
	if s.tb != nil {
		s.tb.Helper()
	}
	var code string
	if err := s.write(func(ctx context.Context, tx crm.Tx) error {
		sc, err := oauth.CheckScopes(strings.Join(scopes, ","))
		if err != nil {
			return err
		}
		u, err := s.user(ctx, tx, user)
		if err != nil {
			return err
		}
		oc, err := s.ownClient(ctx, tx, clientID, u.OrgID)
		if err != nil {
			return err
		}
		code, err = oauth.IssueGrant(ctx, tx, oc, u, sc, ttl)
		return err
	}); err != nil {
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
	var tok *client.Token
	err := s.write(func(ctx context.Context, tx crm.Tx) error {
		sc, err := oauth.CheckScopes(strings.Join(scopes, ","))
		if err != nil {
			return err
		}
		u, err := s.user(ctx, tx, user)
		if err != nil {
			return err
		}
		oc, err := s.ownClient(ctx, tx, s.ClientID, u.OrgID)
		if err != nil {
			return err
		}
		access, refresh, err := oauth.IssueTokens(ctx, tx, oc, u, sc)
		if err != nil {
			return err
		}
		tok = &client.Token{AccessToken: access, RefreshToken: refresh, Scope: strings.Join(sc, " "), APIDomain: s.URL,
			TokenType: "Bearer", Expiry: tx.Now().Add(oauth.AccessTTL)}
		return nil
	})
	return tok, err
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
		client.WithClock(s.now),
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
