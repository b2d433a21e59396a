package oauth

import (
	"context"
	"crypto/subtle"
	"errors"
	"net/url"
	"strings"

	"github.com/zcrm/zcrm/internal/crm"
)

// Grant types the token endpoint takes.
const (
	GrantAuthorizationCode = "authorization_code"
	GrantRefreshToken      = "refresh_token"
	GrantClientCredentials = "client_credentials"
)

// TokenResponse is the token endpoint's success body, keys in Zoho's order. RefreshToken is only
// present for the authorization_code grant.
type TokenResponse struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token,omitempty"`
	Scope        string `json:"scope"`
	APIDomain    string `json:"api_domain"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int    `json:"expires_in"`
}

// token runs one token-endpoint request: the grant named by grant_type, with its parameters. It
// returns an Error for anything the caller got wrong and another error only for internal failures.
// Checks run in this order: grant_type, client_id, client_secret, then the grant's own parameters.
func (s *Service) token(ctx context.Context, p url.Values, allowed ...string) (TokenResponse, error) {
	grant := p.Get("grant_type")
	ok := false
	for _, a := range allowed {
		ok = ok || grant == a
	}
	if !ok {
		return TokenResponse{}, ErrUnsupportedGrantType
	}
	var res TokenResponse
	err := s.Store.Write(ctx, func(tx crm.Tx) error {
		client, err := authenticateClient(ctx, tx, p.Get("client_id"), p.Get("client_secret"))
		if err != nil {
			return err
		}
		switch grant {
		case GrantAuthorizationCode:
			res, err = exchangeCode(ctx, tx, client, p.Get("code"), p.Get("redirect_uri"))
		case GrantRefreshToken:
			res, err = refresh(ctx, tx, s.Limits, client, p.Get("refresh_token"))
		default:
			res, err = clientCredentials(ctx, tx, client, p.Get("soid"), p.Get("scope"))
		}
		return err
	})
	if err != nil {
		return TokenResponse{}, err
	}
	res.APIDomain, res.TokenType, res.ExpiresIn = s.PublicURL, "Bearer", int(AccessTTL.Seconds())
	return res, nil
}

// authenticateClient returns the client named by id if secret is its secret.
func authenticateClient(ctx context.Context, tx crm.Tx, id, secret string) (crm.Client, error) {
	if !plausibleClientID(id) {
		return crm.Client{}, ErrInvalidClient
	}
	c, err := tx.ClientByClientID(ctx, id)
	if errors.Is(err, crm.ErrNotFound) {
		return crm.Client{}, ErrInvalidClient
	} else if err != nil {
		return crm.Client{}, err
	}
	if secret == "" || subtle.ConstantTimeCompare([]byte(Hash(secret)), []byte(c.SecretHash)) != 1 {
		return crm.Client{}, ErrInvalidClientSecret
	}
	return c, nil
}

// plausibleClientID keeps strings that cannot be a client id (control bytes, invalid UTF-8, huge
// values) away from the database, which may reject them with an error of its own.
func plausibleClientID(id string) bool {
	if id == "" || len(id) > 200 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// activeUser returns the user a token acts as, or ErrInvalidCode when the user is gone or inactive.
func activeUser(ctx context.Context, tx crm.Tx, orgID, userID int64) (crm.User, error) {
	u, err := tx.User(ctx, orgID, userID)
	if errors.Is(err, crm.ErrNotFound) || err == nil && u.Status != "active" {
		return crm.User{}, ErrInvalidCode
	}
	return u, err
}

// inOrg answers ErrInvalidClient unless the client may act in the org: in Zoho a client acts in the
// org that registered it (and those it was granted), whatever code, token or soid it presents.
func inOrg(ctx context.Context, tx crm.Tx, client crm.Client, orgID int64) error {
	in, err := InOrg(ctx, tx, client, orgID)
	if err != nil {
		return err
	}
	if !in {
		return ErrInvalidClient
	}
	return nil
}

// exchangeCode is the authorization_code grant: a one-time, unexpired code of this client becomes a
// refresh token and an access token (an access token alone for a code of access_type=online; a
// code from the consent step needs the redirect_uri it was sent to). A code for an org the client does not belong to (which
// IssueGrant refuses to issue) is invalid_client, and stays unused.
func exchangeCode(ctx context.Context, tx crm.Tx, client crm.Client, code, redirectURI string) (TokenResponse, error) {
	if code == "" {
		return TokenResponse{}, ErrInvalidCode
	}
	hash := Hash(code)
	g, err := tx.GrantByHash(ctx, hash)
	if errors.Is(err, crm.ErrNotFound) {
		return TokenResponse{}, ErrInvalidCode
	} else if err != nil {
		return TokenResponse{}, err
	}
	if g.ClientPK != client.ID {
		return TokenResponse{}, ErrInvalidCode
	}
	if err := inOrg(ctx, tx, client, g.OrgID); err != nil {
		return TokenResponse{}, err
	}
	if g.Used || !tx.Now().Before(g.ExpiresAt) {
		return TokenResponse{}, ErrInvalidCode
	}
	if g.RedirectURI != "" && redirectURI != g.RedirectURI {
		return TokenResponse{}, ErrInvalidRedirectURI // the code stays usable with the right URI
	}
	if err := tx.UseGrant(ctx, hash); errors.Is(err, crm.ErrNotFound) {
		return TokenResponse{}, ErrInvalidCode
	} else if err != nil {
		return TokenResponse{}, err
	}
	user, err := activeUser(ctx, tx, g.OrgID, g.UserID)
	if err != nil {
		return TokenResponse{}, err
	}
	if g.Online {
		access, err := MintAccessToken(ctx, tx, user.OrgID, user.ID, client.ID, 0, g.Scopes)
		return TokenResponse{AccessToken: access, Scope: strings.Join(g.Scopes, " ")}, err
	}
	access, refresh, err := issueTokens(ctx, tx, client, user, g.Scopes)
	if err != nil {
		return TokenResponse{}, err
	}
	return TokenResponse{AccessToken: access, RefreshToken: refresh, Scope: strings.Join(g.Scopes, " ")}, nil
}

// refresh is the refresh_token grant: a live refresh token of this client mints a new access token,
// if the client (still) belongs to the token's org (otherwise invalid_client) and the throttle
// allows it (throttle.go; limits may be nil).
func refresh(ctx context.Context, tx crm.Tx, limits TokenLimiter, client crm.Client, token string) (TokenResponse, error) {
	if token == "" {
		return TokenResponse{}, ErrInvalidCode
	}
	r, err := tx.RefreshTokenByHash(ctx, Hash(token))
	if errors.Is(err, crm.ErrNotFound) {
		return TokenResponse{}, ErrInvalidCode
	} else if err != nil {
		return TokenResponse{}, err
	}
	if r.ClientPK != client.ID {
		return TokenResponse{}, ErrInvalidCode
	}
	if err := inOrg(ctx, tx, client, r.OrgID); err != nil {
		return TokenResponse{}, err
	}
	if _, err := activeUser(ctx, tx, r.OrgID, r.UserID); err != nil {
		return TokenResponse{}, err
	}
	if err := throttle(ctx, tx, limits, r); err != nil {
		return TokenResponse{}, err
	}
	access, err := MintAccessToken(ctx, tx, r.OrgID, r.UserID, client.ID, r.ID, r.Scopes)
	if err != nil {
		return TokenResponse{}, err
	}
	return TokenResponse{AccessToken: access, Scope: strings.Join(r.Scopes, " ")}, nil
}

// clientCredentials is the client_credentials grant: an access token (no refresh token) acting as
// the first Administrator of the org named by soid=ZohoCRM.<org id>, which must be one the client
// belongs to. Any other org id, existing or not, is invalid_client: org ids are sequential, and
// the answer must not tell a client which of them exist.
func clientCredentials(ctx context.Context, tx crm.Tx, client crm.Client, soid, scope string) (TokenResponse, error) {
	const prefix = "zohocrm."
	if len(soid) <= len(prefix) || !strings.EqualFold(soid[:len(prefix)], prefix) {
		return TokenResponse{}, ErrInvalidRequest
	}
	orgID, ok := crm.ParseID(soid[len(prefix):])
	if !ok {
		return TokenResponse{}, ErrInvalidRequest
	}
	if err := inOrg(ctx, tx, client, orgID); err != nil {
		return TokenResponse{}, err
	}
	if _, err := tx.Org(ctx, orgID); errors.Is(err, crm.ErrNotFound) { // only the CLI's client gets here
		return TokenResponse{}, ErrInvalidRequest
	} else if err != nil {
		return TokenResponse{}, err
	}
	scopes, err := CheckScopes(scope)
	if err != nil {
		return TokenResponse{}, ErrInvalidScope
	}
	admin, err := tx.FirstAdmin(ctx, orgID)
	if errors.Is(err, crm.ErrNotFound) || err == nil && admin.Status != "active" {
		return TokenResponse{}, ErrInvalidRequest
	} else if err != nil {
		return TokenResponse{}, err
	}
	access, err := MintAccessToken(ctx, tx, orgID, admin.ID, client.ID, 0, scopes)
	if err != nil {
		return TokenResponse{}, err
	}
	return TokenResponse{AccessToken: access, Scope: strings.Join(scopes, " ")}, nil
}

// Revoke deletes a refresh token with every access token minted from it, or a single access token.
// An unknown token is not an error (RFC 7009 §2.2: the token is unusable either way); a missing one
// is ErrInvalidRequest.
func (s *Service) Revoke(ctx context.Context, token string) error {
	if strings.TrimSpace(token) == "" {
		return ErrInvalidRequest
	}
	hash := Hash(token)
	return s.Store.Write(ctx, func(tx crm.Tx) error {
		r, err := tx.RefreshTokenByHash(ctx, hash)
		if err == nil {
			return tx.DeleteRefreshToken(ctx, r.ID)
		} else if !errors.Is(err, crm.ErrNotFound) {
			return err
		}
		a, err := tx.AccessTokenByHash(ctx, hash)
		if errors.Is(err, crm.ErrNotFound) {
			return nil
		} else if err != nil {
			return err
		}
		return tx.DeleteAccessToken(ctx, a.ID)
	})
}
