package store

import (
	"context"
	"database/sql"
	"strings"

	"github.com/zcrm/zcrm/internal/crm"
)

// InsertAccessToken stores an access token (by hash).
func (t *Tx) InsertAccessToken(ctx context.Context, a crm.AccessToken) error {
	_, err := t.exec(ctx, `INSERT INTO oauth_access_tokens (id, token_hash, refresh_id, client_pk, org_id, user_id, scopes, created_time, expires_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.ID, a.Hash, nullID(a.RefreshID), nullID(a.ClientPK), a.OrgID, a.UserID, strings.Join(a.Scopes, " "), ms(a.CreatedTime), ms(a.ExpiresAt))
	return dupErr(err)
}

// AccessTokenByHash returns the access token with that hash.
func (t *Tx) AccessTokenByHash(ctx context.Context, hash string) (crm.AccessToken, error) {
	var a crm.AccessToken
	var refresh, client sql.NullInt64
	var scopes string
	var created, expires int64
	err := t.queryRow(ctx, `SELECT id, token_hash, refresh_id, client_pk, org_id, user_id, scopes, created_time, expires_at
		FROM oauth_access_tokens WHERE token_hash = ?`, hash).Scan(&a.ID, &a.Hash, &refresh, &client, &a.OrgID, &a.UserID, &scopes, &created, &expires)
	if err != nil {
		return crm.AccessToken{}, notFound(err)
	}
	a.RefreshID, a.ClientPK = refresh.Int64, client.Int64
	a.Scopes = strings.Fields(scopes)
	a.CreatedTime, a.ExpiresAt = fromMS(created), fromMS(expires)
	return a, nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}
