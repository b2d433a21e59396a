package oauth

import (
	"context"
	"time"

	"github.com/zcrm/zcrm/internal/crm"
)

// The accounts server's token throttle (reference §2.3): Zoho mints at most MaxMintsPerRefresh
// access tokens per refresh token in MintWindow and answers the next refresh "Access Denied", with
// HTTP 200 like its other errors. zcrm applies it only where Zoho's limits are on (zcrm serve
// --limits zoho, or per org through the admin API), so tests that refresh freely are not throttled.
const (
	MaxMintsPerRefresh = 10
	MintWindow         = 10 * time.Minute
)

// ErrAccessDenied answers a refresh past the throttle.
const ErrAccessDenied Error = "Access Denied"

// TokenLimiter says whether Zoho's token limits apply to an org (internal/limits implements it).
type TokenLimiter interface {
	TokenLimits(ctx context.Context, tx crm.Tx, orgID int64) (bool, error)
}

// throttle counts a refresh of r against the throttle, in tx: ErrAccessDenied when r already
// minted MaxMintsPerRefresh access tokens in the last MintWindow of the store's clock. Nothing is
// counted where the limits are off (limits nil, or off for r's org).
func throttle(ctx context.Context, tx crm.Tx, limits TokenLimiter, r crm.RefreshToken) error {
	if limits == nil {
		return nil
	}
	on, err := limits.TokenLimits(ctx, tx, r.OrgID)
	if err != nil || !on {
		return err
	}
	now := tx.Now()
	n, err := tx.TokenMints(ctx, r.ID, now.Add(-MintWindow), now)
	if err != nil {
		return err
	}
	if n >= MaxMintsPerRefresh {
		return ErrAccessDenied
	}
	return tx.InsertTokenMint(ctx, r.ID, now)
}
