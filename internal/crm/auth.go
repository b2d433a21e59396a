package crm

import (
	"context"
	"time"
)

// Client is an OAuth client. As in Zoho, a client acts only in the orgs it belongs to: the org
// that registered it, and those it was explicitly granted to (AuthTx.AddClientOrg). SecretHash is
// the SHA-256 hex digest of the client secret; the secret itself is never stored.
type Client struct {
	ID          int64
	ClientID    string
	SecretHash  string
	Name        string
	CreatedTime time.Time
	// RedirectURIs are the URIs the browser consent step may send a grant code to; a self client
	// has none.
	RedirectURIs []string
}

// Grant is a one-time grant code (authorization code) issued to a client for a user of an org.
// CodeHash is the SHA-256 hex digest of the code.
type Grant struct {
	CodeHash    string
	ClientPK    int64
	OrgID       int64
	UserID      int64
	Scopes      []string
	CreatedTime time.Time
	ExpiresAt   time.Time
	Used        bool
	// RedirectURI is where the consent step sent the code ("" for a self client's code): the
	// exchange must name the same URI. Online grants (access_type=online) give no refresh token.
	RedirectURI string
	Online      bool
}

// RefreshToken is a refresh token bound to a client, an org and a user; it lives until revoked or
// evicted. Hash is the SHA-256 hex digest of the token.
type RefreshToken struct {
	ID          int64
	Hash        string
	ClientPK    int64
	OrgID       int64
	UserID      int64
	Scopes      []string
	CreatedTime time.Time
}

// AccessToken is a live or expired access token. Hash is the SHA-256 hex digest of the token.
type AccessToken struct {
	ID          int64
	Hash        string
	RefreshID   int64 // 0 when minted without a refresh token
	ClientPK    int64 // 0 when minted without a client (tests)
	OrgID       int64
	UserID      int64
	Scopes      []string
	CreatedTime time.Time
	ExpiresAt   time.Time
}

// AuthTx is the store's view of OAuth clients, grant codes and tokens. Lookups return ErrNotFound;
// inserts that clash with a unique value return ErrDuplicate. Every secret is passed and stored as
// its hash. The limits (tokens per refresh token, refresh tokens per user) are the oauth package's;
// the store only lists and deletes.
type AuthTx interface {
	// InsertClient stores a new OAuth client.
	InsertClient(ctx context.Context, c Client) error
	// ClientByClientID returns the client with that public client id.
	ClientByClientID(ctx context.Context, clientID string) (Client, error)
	// AddClientOrg lets the client act in the org; adding an org the client already has is not an error.
	AddClientOrg(ctx context.Context, clientPK, orgID int64) error
	// ClientInOrg reports whether the client may act in the org.
	ClientInOrg(ctx context.Context, clientPK, orgID int64) (bool, error)
	// ClientsInOrg returns the clients that may act in the org, oldest first.
	ClientsInOrg(ctx context.Context, orgID int64) ([]Client, error)
	// SetRedirectURIs replaces the client's authorized redirect URIs.
	SetRedirectURIs(ctx context.Context, clientPK int64, uris []string) error

	// InsertGrant stores a new grant code.
	InsertGrant(ctx context.Context, g Grant) error
	// GrantByHash returns the grant code with that hash, used or not.
	GrantByHash(ctx context.Context, hash string) (Grant, error)
	// UseGrant marks an unused grant code used; ErrNotFound when there is no unused code with that hash.
	UseGrant(ctx context.Context, hash string) error
	// DeleteExpiredGrants deletes the client's grant codes that expired at or before now.
	DeleteExpiredGrants(ctx context.Context, clientPK int64, now time.Time) error

	// InsertRefreshToken stores a new refresh token.
	InsertRefreshToken(ctx context.Context, r RefreshToken) error
	// RefreshTokenByHash returns the refresh token with that hash.
	RefreshTokenByHash(ctx context.Context, hash string) (RefreshToken, error)
	// RefreshTokenIDs returns the ids of the user's refresh tokens for the client, oldest first.
	RefreshTokenIDs(ctx context.Context, clientPK, userID int64) ([]int64, error)
	// DeleteRefreshToken deletes a refresh token and every access token minted from it.
	DeleteRefreshToken(ctx context.Context, id int64) error

	// InsertAccessToken stores a new access token.
	InsertAccessToken(ctx context.Context, t AccessToken) error
	// AccessTokenByHash returns the access token with that hash, expired or not.
	AccessTokenByHash(ctx context.Context, hash string) (AccessToken, error)
	// TokenActor returns the access token with that hash together with who it acts as (org, user,
	// profile), in one lookup. It returns ErrNotFound when there is no such token.
	TokenActor(ctx context.Context, hash string) (AccessToken, Actor, error)
	// LiveAccessTokenIDs returns the ids of the access tokens minted from the refresh token that are
	// still valid at now, oldest first.
	LiveAccessTokenIDs(ctx context.Context, refreshID int64, now time.Time) ([]int64, error)
	// DeleteAccessToken deletes one access token; deleting a missing one is not an error.
	DeleteAccessToken(ctx context.Context, id int64) error
	// DeleteExpiredAccessTokens deletes the access tokens that expired at or before now and were
	// minted from the refresh token, or, when refreshID is 0, minted for the client and user without one.
	DeleteExpiredAccessTokens(ctx context.Context, refreshID, clientPK, userID int64, now time.Time) error
}
