package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"time"

	"github.com/zcrm/zcrm/internal/crm"
)

// InsertClient stores an OAuth client (its secret by hash).
func (t *Tx) InsertClient(ctx context.Context, c crm.Client) error {
	_, err := t.exec(ctx, `INSERT INTO oauth_clients (id, client_id, secret_hash, name, created_time, redirect_uris) VALUES (?, ?, ?, ?, ?, ?)`,
		c.ID, c.ClientID, c.SecretHash, c.Name, ms(c.CreatedTime), redirectURIs(c.RedirectURIs))
	return dupErr(err)
}

// ClientByClientID returns the client with that public client id.
func (t *Tx) ClientByClientID(ctx context.Context, clientID string) (crm.Client, error) {
	var c crm.Client
	var created int64
	var uris string
	err := t.queryRow(ctx, `SELECT id, client_id, secret_hash, name, created_time, redirect_uris FROM oauth_clients WHERE client_id = ?`, clientID).
		Scan(&c.ID, &c.ClientID, &c.SecretHash, &c.Name, &created, &uris)
	if err != nil {
		return crm.Client{}, notFound(err)
	}
	c.CreatedTime = fromMS(created)
	return c, json.Unmarshal([]byte(uris), &c.RedirectURIs)
}

// SetRedirectURIs replaces the client's authorized redirect URIs.
func (t *Tx) SetRedirectURIs(ctx context.Context, clientPK int64, uris []string) error {
	_, err := t.exec(ctx, `UPDATE oauth_clients SET redirect_uris = ? WHERE id = ?`, redirectURIs(uris), clientPK)
	return err
}

// redirectURIs is the redirect_uris column's JSON array.
func redirectURIs(uris []string) string {
	if len(uris) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(uris) // strings always marshal
	return string(b)
}

// AddClientOrg links the client to the org (oauth_client_orgs); an existing link is left alone.
func (t *Tx) AddClientOrg(ctx context.Context, clientPK, orgID int64) error {
	_, err := t.exec(ctx, `INSERT INTO oauth_client_orgs (client_pk, org_id) VALUES (?, ?) ON CONFLICT DO NOTHING`, clientPK, orgID)
	return err
}

// ClientInOrg reports whether the client is linked to the org.
func (t *Tx) ClientInOrg(ctx context.Context, clientPK, orgID int64) (bool, error) {
	var n int
	err := t.queryRow(ctx, `SELECT COUNT(*) FROM oauth_client_orgs WHERE client_pk = ? AND org_id = ?`, clientPK, orgID).Scan(&n)
	return n > 0, err
}

// ClientsInOrg returns the clients linked to the org, oldest first.
func (t *Tx) ClientsInOrg(ctx context.Context, orgID int64) ([]crm.Client, error) {
	rows, err := t.query(ctx, `SELECT c.id, c.client_id, c.secret_hash, c.name, c.created_time, c.redirect_uris
		FROM oauth_clients c JOIN oauth_client_orgs o ON o.client_pk = c.id WHERE o.org_id = ? ORDER BY c.id`, orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []crm.Client
	for rows.Next() {
		var c crm.Client
		var created int64
		var uris string
		if err := rows.Scan(&c.ID, &c.ClientID, &c.SecretHash, &c.Name, &created, &uris); err != nil {
			return nil, err
		}
		c.CreatedTime = fromMS(created)
		if err := json.Unmarshal([]byte(uris), &c.RedirectURIs); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// InsertGrant stores a grant code (by hash).
func (t *Tx) InsertGrant(ctx context.Context, g crm.Grant) error {
	_, err := t.exec(ctx, `INSERT INTO oauth_grants (code_hash, client_pk, org_id, user_id, scopes, created_time, expires_at, used, redirect_uri, online)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		g.CodeHash, g.ClientPK, g.OrgID, g.UserID, strings.Join(g.Scopes, " "), ms(g.CreatedTime), ms(g.ExpiresAt), boolInt(g.Used),
		g.RedirectURI, boolInt(g.Online))
	return dupErr(err)
}

// GrantByHash returns the grant code with that hash.
func (t *Tx) GrantByHash(ctx context.Context, hash string) (crm.Grant, error) {
	var g crm.Grant
	var scopes string
	var created, expires int64
	var used, online int
	err := t.queryRow(ctx, `SELECT code_hash, client_pk, org_id, user_id, scopes, created_time, expires_at, used, redirect_uri, online
		FROM oauth_grants WHERE code_hash = ?`, hash).Scan(&g.CodeHash, &g.ClientPK, &g.OrgID, &g.UserID, &scopes, &created, &expires, &used,
		&g.RedirectURI, &online)
	if err != nil {
		return crm.Grant{}, notFound(err)
	}
	g.Scopes = strings.Fields(scopes)
	g.CreatedTime, g.ExpiresAt, g.Used, g.Online = fromMS(created), fromMS(expires), used == 1, online == 1
	return g, nil
}

// UseGrant marks an unused grant code used; ErrNotFound when none is left to use.
func (t *Tx) UseGrant(ctx context.Context, hash string) error {
	res, err := t.exec(ctx, `UPDATE oauth_grants SET used = 1 WHERE code_hash = ? AND used = 0`, hash)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return crm.ErrNotFound
	}
	return nil
}

// DeleteExpiredGrants deletes the client's grant codes that expired at or before now.
func (t *Tx) DeleteExpiredGrants(ctx context.Context, clientPK int64, now time.Time) error {
	_, err := t.exec(ctx, `DELETE FROM oauth_grants WHERE client_pk = ? AND expires_at <= ?`, clientPK, ms(now))
	return err
}

// InsertRefreshToken stores a refresh token (by hash).
func (t *Tx) InsertRefreshToken(ctx context.Context, r crm.RefreshToken) error {
	_, err := t.exec(ctx, `INSERT INTO oauth_refresh_tokens (id, token_hash, client_pk, org_id, user_id, scopes, created_time)
		VALUES (?, ?, ?, ?, ?, ?, ?)`,
		r.ID, r.Hash, r.ClientPK, r.OrgID, r.UserID, strings.Join(r.Scopes, " "), ms(r.CreatedTime))
	return dupErr(err)
}

// RefreshTokenByHash returns the refresh token with that hash.
func (t *Tx) RefreshTokenByHash(ctx context.Context, hash string) (crm.RefreshToken, error) {
	var r crm.RefreshToken
	var scopes string
	var created int64
	err := t.queryRow(ctx, `SELECT id, token_hash, client_pk, org_id, user_id, scopes, created_time
		FROM oauth_refresh_tokens WHERE token_hash = ?`, hash).Scan(&r.ID, &r.Hash, &r.ClientPK, &r.OrgID, &r.UserID, &scopes, &created)
	if err != nil {
		return crm.RefreshToken{}, notFound(err)
	}
	r.Scopes = strings.Fields(scopes)
	r.CreatedTime = fromMS(created)
	return r, nil
}

// RefreshTokenIDs returns the ids of the user's refresh tokens for the client, oldest first.
func (t *Tx) RefreshTokenIDs(ctx context.Context, clientPK, userID int64) ([]int64, error) {
	return t.queryIDs(ctx, `SELECT id FROM oauth_refresh_tokens WHERE client_pk = ? AND user_id = ? ORDER BY created_time, id`, clientPK, userID)
}

// DeleteRefreshToken deletes a refresh token and every access token minted from it.
func (t *Tx) DeleteRefreshToken(ctx context.Context, id int64) error {
	if err := t.execBumping(ctx, `DELETE FROM oauth_access_tokens WHERE refresh_id = ?`, id); err != nil {
		return err
	}
	_, err := t.exec(ctx, `DELETE FROM oauth_refresh_tokens WHERE id = ?`, id)
	return err
}

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

// LiveAccessTokenIDs returns the ids of the refresh token's access tokens still valid at now, oldest first.
func (t *Tx) LiveAccessTokenIDs(ctx context.Context, refreshID int64, now time.Time) ([]int64, error) {
	return t.queryIDs(ctx, `SELECT id FROM oauth_access_tokens WHERE refresh_id = ? AND expires_at > ? ORDER BY created_time, id`, refreshID, ms(now))
}

// DeleteAccessToken deletes one access token.
func (t *Tx) DeleteAccessToken(ctx context.Context, id int64) error {
	return t.execBumping(ctx, `DELETE FROM oauth_access_tokens WHERE id = ?`, id)
}

// DeleteExpiredAccessTokens deletes expired access tokens of a refresh token or, when refreshID is 0,
// the expired refresh-less tokens of the client and user.
func (t *Tx) DeleteExpiredAccessTokens(ctx context.Context, refreshID, clientPK, userID int64, now time.Time) error {
	if refreshID != 0 {
		return t.execBumping(ctx, `DELETE FROM oauth_access_tokens WHERE refresh_id = ? AND expires_at <= ?`, refreshID, ms(now))
	}
	return t.execBumping(ctx, `DELETE FROM oauth_access_tokens WHERE refresh_id IS NULL AND client_pk = ? AND user_id = ? AND expires_at <= ?`,
		clientPK, userID, ms(now))
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// TokenActor returns the access token with that hash and its org, user and profile, in one join.
func (t *Tx) TokenActor(ctx context.Context, hash string) (crm.AccessToken, crm.Actor, error) {
	var a crm.AccessToken
	var act crm.Actor
	o, u, p := &act.Org, &act.User, &act.Profile
	var scopes, edition, denied string
	var expires, orgCreated, userCreated int64
	var def, admin int
	err := t.queryRow(ctx, `SELECT a.id, COALESCE(a.client_pk, 0), a.org_id, a.user_id, a.scopes, a.expires_at,
			o.name, o.edition, o.zgid, o.is_default, o.created_time,
			u.email, u.first_name, u.last_name, u.profile_id, u.status, u.created_time,
			p.name, p.is_admin, p.denied
		FROM oauth_access_tokens a
		JOIN orgs o ON o.id = a.org_id
		JOIN users u ON u.org_id = a.org_id AND u.id = a.user_id
		JOIN profiles p ON p.org_id = a.org_id AND p.id = u.profile_id
		WHERE a.token_hash = ?`, hash).Scan(&a.ID, &a.ClientPK, &a.OrgID, &a.UserID, &scopes, &expires,
		&o.Name, &edition, &o.ZGID, &def, &orgCreated,
		&u.Email, &u.FirstName, &u.LastName, &u.ProfileID, &u.Status, &userCreated,
		&p.Name, &admin, &denied)
	if err != nil {
		return crm.AccessToken{}, crm.Actor{}, notFound(err)
	}
	a.Hash, a.Scopes, a.ExpiresAt = hash, strings.Fields(scopes), fromMS(expires)
	o.ID, o.Edition, o.Default, o.CreatedTime = a.OrgID, crm.Edition(edition), def == 1, fromMS(orgCreated)
	u.ID, u.OrgID, u.CreatedTime = a.UserID, a.OrgID, fromMS(userCreated)
	p.ID, p.OrgID, p.Admin = u.ProfileID, a.OrgID, admin == 1
	if denied != "" {
		p.Denied = strings.Split(denied, ",")
	}
	return a, act, nil
}
