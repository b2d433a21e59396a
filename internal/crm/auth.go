package crm

import (
	"context"
	"time"
)

// Client is an OAuth client (a self client: usable in every org).
type Client struct {
	ID          int64
	ClientID    string
	SecretHash  string
	Name        string
	CreatedTime time.Time
}

// AccessToken is a live or expired access token. Hash is the SHA-256 hex digest of the token.
type AccessToken struct {
	ID          int64
	Hash        string
	RefreshID   int64 // 0 when minted without a refresh token
	ClientPK    int64 // 0 when minted by the CLI
	OrgID       int64
	UserID      int64
	Scopes      []string
	CreatedTime time.Time
	ExpiresAt   time.Time
}

// AuthTx is the store's view of OAuth clients, grant codes and tokens. Lookups return ErrNotFound.
type AuthTx interface {
	InsertAccessToken(ctx context.Context, t AccessToken) error
	AccessTokenByHash(ctx context.Context, hash string) (AccessToken, error)
}
