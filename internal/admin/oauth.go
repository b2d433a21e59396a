package admin

import (
	"context"
	"errors"
	"time"

	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/oauth"
)

// UserOf finds, inside an operation's transaction, the user a grant code or token acts for; as
// with OrgOf, each door names users its own way and words its own errors.
type UserOf func(ctx context.Context, tx crm.Tx) (crm.User, error)

// CreateClient creates a client of the org and returns its id and secret: a self client, or a
// web-based client when it has redirect URIs (the browser consent step sends codes only to those).
func (s *Service) CreateClient(ctx context.Context, orgOf OrgOf, name string, redirectURIs ...string) (id, secret string, err error) {
	if err := oauth.CheckRedirectURIs(redirectURIs); err != nil {
		return "", "", err
	}
	err = s.Store.Write(ctx, func(tx crm.Tx) error {
		org, err := orgOf(ctx, tx)
		if err != nil {
			return err
		}
		if id, secret, err = oauth.CreateClient(ctx, tx, org.ID, name); err != nil || len(redirectURIs) == 0 {
			return err
		}
		client, err := oauth.ClientByID(ctx, tx, id)
		if err != nil {
			return err
		}
		return oauth.SetRedirectURIs(ctx, tx, client, redirectURIs)
	})
	return id, secret, err
}

// GrantClientOrg lets the OAuth client clientID act in one more org (grant codes, refresh tokens
// and client_credentials there), and returns that org; granting an org twice is not an error.
func (s *Service) GrantClientOrg(ctx context.Context, clientID string, orgOf OrgOf) (crm.Org, error) {
	var org crm.Org
	err := s.Store.Write(ctx, func(tx crm.Tx) error {
		client, err := oauth.ClientByID(ctx, tx, clientID)
		if err != nil {
			return err
		}
		if org, err = orgOf(ctx, tx); err != nil {
			return err
		}
		return oauth.GrantClientOrg(ctx, tx, client, org.ID)
	})
	return org, err
}

// Grant is what GrantCode issues: a one-time code of ClientID for the user, with checked scopes.
type Grant struct {
	ClientID string
	User     UserOf
	Scopes   []string
	TTL      time.Duration
	// GrantOrg grants the client the user's org first when it lacks it (zcrmtest's own client).
	GrantOrg bool
}

// GrantCode issues a one-time grant code in one transaction and returns it.
func (s *Service) GrantCode(ctx context.Context, g Grant) (string, error) {
	var code string
	err := s.Store.Write(ctx, func(tx crm.Tx) error {
		client, err := oauth.ClientByID(ctx, tx, g.ClientID)
		if err != nil {
			return err
		}
		user, err := g.User(ctx, tx)
		if err != nil {
			return err
		}
		if g.GrantOrg {
			if err := oauth.GrantClientOrg(ctx, tx, client, user.OrgID); err != nil {
				return err
			}
		}
		code, err = oauth.IssueGrant(ctx, tx, client, user, g.Scopes, g.TTL)
		return err
	})
	return code, err
}

// Mint is what MintToken issues: a refresh and an access token for the user, with checked scopes.
type Mint struct {
	// ClientID is the client the tokens belong to; empty means zcrm's internal CLI client, whose
	// refresh tokens can be revoked but not used at the refresh grant.
	ClientID string
	User     UserOf
	Scopes   []string
	// GrantOrg grants the client the user's org first when it lacks it (zcrmtest's own client).
	GrantOrg bool
}

// Tokens are what MintToken answers; Issued is the store's clock when they were made.
type Tokens struct {
	Access, Refresh string
	Issued          time.Time
}

// MintToken issues a refresh and an access token directly, skipping the code exchange, in one
// transaction (a second one when another process created the CLI client first).
func (s *Service) MintToken(ctx context.Context, m Mint) (Tokens, error) {
	var t Tokens
	mint := func(tx crm.Tx) error {
		user, err := m.User(ctx, tx)
		if err != nil {
			return err
		}
		client, err := mintClient(ctx, tx, m.ClientID)
		if err != nil {
			return err
		}
		if m.GrantOrg {
			if err := oauth.GrantClientOrg(ctx, tx, client, user.OrgID); err != nil {
				return err
			}
		}
		t.Access, t.Refresh, err = oauth.IssueTokens(ctx, tx, client, user, m.Scopes)
		t.Issued = tx.Now()
		return err
	}
	err := s.Store.Write(ctx, mint)
	if m.ClientID == "" && errors.Is(err, crm.ErrDuplicate) { // another process created the CLI client first
		err = s.Store.Write(ctx, mint)
	}
	return t, err
}

// mintClient is the client MintToken issues tokens of: the one with that client id, or zcrm's
// internal CLI client for "" (created on first use).
func mintClient(ctx context.Context, tx crm.Tx, clientID string) (crm.Client, error) {
	if clientID == "" {
		return oauth.CLIClient(ctx, tx)
	}
	return oauth.ClientByID(ctx, tx, clientID)
}
