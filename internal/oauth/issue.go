package oauth

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"time"

	"github.com/zcrm/zcrm/internal/crm"
)

// CLIClientID is the client id of the internal client that owns the tokens `zcrm token` mints. It is
// created on first use with a random secret that is never shown, so nobody can use it at the token
// endpoint; its refresh tokens still work for revoke. It is exempt from MaxRefreshPerUser, so scripts
// may call `zcrm token` as often as they like without evicting each other's tokens. It belongs to
// every org without being linked to any (see InOrg): `zcrm token --org` works in orgs created later.
const CLIClientID = "1000.ZCRMCLI00000000000000000000000"

// DefaultClientName is the name of a client created without one, as Zoho names its self clients.
const DefaultClientName = "Self Client"

// CreateClient stores a new self client of the org and returns its client id and secret in clear,
// once. Like a client registered in Zoho's API console, it acts only in that org until granted
// others (GrantClientOrg).
func CreateClient(ctx context.Context, tx crm.Tx, orgID int64, name string) (clientID, secret string, err error) {
	clientID, secret = NewClientID(), NewSecret()
	if _, err := insertClient(ctx, tx, orgID, name, clientID, secret); err != nil {
		return "", "", err
	}
	return clientID, secret, nil
}

// insertClient stores a self client of the org with the given id and secret (CreateClient's body).
func insertClient(ctx context.Context, tx crm.Tx, orgID int64, name, clientID, secret string) (crm.Client, error) {
	if name == "" {
		name = DefaultClientName
	}
	id, err := tx.NewID(ctx)
	if err != nil {
		return crm.Client{}, err
	}
	c := crm.Client{ID: id, ClientID: clientID, SecretHash: Hash(secret), Name: name, CreatedTime: tx.Now()}
	if err := tx.InsertClient(ctx, c); err != nil {
		return crm.Client{}, err
	}
	if err := tx.AddClientOrg(ctx, id, orgID); err != nil {
		return crm.Client{}, err
	}
	return c, nil
}

// SetRedirectURIs replaces the client's authorized redirect URIs (the consent step sends codes only
// to these). Each must be an absolute http:// or https:// URI without a fragment, as Zoho's API
// console requires; a bad one is a *GivenValueError naming "redirect_uris".
func SetRedirectURIs(ctx context.Context, tx crm.Tx, client crm.Client, uris []string) error {
	if err := CheckRedirectURIs(uris); err != nil {
		return err
	}
	return tx.SetRedirectURIs(ctx, client.ID, uris)
}

// CheckRedirectURIs checks redirect URIs as SetRedirectURIs does.
func CheckRedirectURIs(uris []string) error {
	for _, u := range uris {
		p, err := url.Parse(u)
		if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" || p.Fragment != "" {
			return givenErr("redirect_uris", "redirect URI %q must be an absolute http:// or https:// URI without a fragment", u)
		}
	}
	return nil
}

// GrantClientOrg lets the client act in the org as well; granting an org twice is not an error.
func GrantClientOrg(ctx context.Context, tx crm.Tx, client crm.Client, orgID int64) error {
	return tx.AddClientOrg(ctx, client.ID, orgID)
}

// InOrg reports whether the client may act in the org: it was created there or granted it. The
// CLI's internal client (CLIClientID) may act in every org.
func InOrg(ctx context.Context, tx crm.Tx, client crm.Client, orgID int64) (bool, error) {
	if client.ClientID == CLIClientID {
		return true, nil
	}
	return tx.ClientInOrg(ctx, client.ID, orgID)
}

// checkInOrg is InOrg as an error a person can act on, for the functions that issue grant codes
// and tokens directly (the CLI, zcrmtest).
func checkInOrg(ctx context.Context, tx crm.Tx, client crm.Client, orgID int64) error {
	in, err := InOrg(ctx, tx, client, orgID)
	if err != nil {
		return err
	}
	if !in {
		return crm.Refuse("client", "client %s does not belong to org %s (grant it with 'zcrm client grant-org --client-id %[1]s --org %[2]s')",
			client.ClientID, crm.FormatID(orgID))
	}
	return nil
}

// ClientByID returns the client with that client id, or an error saying there is none.
func ClientByID(ctx context.Context, tx crm.Tx, clientID string) (crm.Client, error) {
	c, err := tx.ClientByClientID(ctx, clientID)
	if errors.Is(err, crm.ErrNotFound) {
		return crm.Client{}, crm.Refuse("client", "no client %q (create one with 'zcrm client create')", clientID)
	}
	return c, err
}

// IssueGrant stores a one-time grant code for user, valid for ttl (at most MaxGrantTTL), and returns
// it in clear, once. scopes must have passed CheckScopes. The client must belong to the user's org.
func IssueGrant(ctx context.Context, tx crm.Tx, client crm.Client, user crm.User, scopes []string, ttl time.Duration) (string, error) {
	return issueGrant(ctx, tx, client, user, scopes, ttl, "", false)
}

// issueGrant is IssueGrant for a code sent to redirectURI ("" for a self client's code), online
// (no refresh token at the exchange) or not.
func issueGrant(ctx context.Context, tx crm.Tx, client crm.Client, user crm.User, scopes []string, ttl time.Duration, redirectURI string, online bool) (string, error) {
	if ttl <= 0 || ttl > MaxGrantTTL {
		return "", crm.Refuse("ttl", "grant code lifetime must be between 1s and %s, not %s", MaxGrantTTL, ttl)
	}
	if err := checkInOrg(ctx, tx, client, user.OrgID); err != nil {
		return "", err
	}
	now := tx.Now()
	if err := tx.DeleteExpiredGrants(ctx, client.ID, now); err != nil {
		return "", err
	}
	code := NewToken()
	err := tx.InsertGrant(ctx, crm.Grant{CodeHash: Hash(code), ClientPK: client.ID, OrgID: user.OrgID, UserID: user.ID,
		Scopes: scopes, CreatedTime: now, ExpiresAt: now.Add(ttl), RedirectURI: redirectURI, Online: online})
	if err != nil {
		return "", err
	}
	return code, nil
}

// IssueRefreshToken stores a new refresh token of client for user and returns it in clear with its
// id. When the user already holds MaxRefreshPerUser refresh tokens of the client, the oldest are
// deleted with their access tokens (except for the CLI's own client). It does not check the client's
// org: IssueTokens and the authorization_code grant do that first.
func IssueRefreshToken(ctx context.Context, tx crm.Tx, client crm.Client, user crm.User, scopes []string) (string, int64, error) {
	token := NewToken()
	id, err := storeRefreshToken(ctx, tx, client, user, scopes, token)
	if err != nil {
		return "", 0, err
	}
	return token, id, nil
}

// storeRefreshToken is IssueRefreshToken for a token value chosen by the caller: it returns the
// new refresh token's id.
func storeRefreshToken(ctx context.Context, tx crm.Tx, client crm.Client, user crm.User, scopes []string, token string) (int64, error) {
	if client.ClientID != CLIClientID {
		held, err := tx.RefreshTokenIDs(ctx, client.ID, user.ID)
		if err != nil {
			return 0, err
		}
		for ; len(held) >= MaxRefreshPerUser; held = held[1:] {
			if err := tx.DeleteRefreshToken(ctx, held[0]); err != nil {
				return 0, err
			}
		}
	}
	id, err := tx.NewID(ctx)
	if err != nil {
		return 0, err
	}
	err = tx.InsertRefreshToken(ctx, crm.RefreshToken{ID: id, Hash: Hash(token), ClientPK: client.ID, OrgID: user.OrgID,
		UserID: user.ID, Scopes: scopes, CreatedTime: tx.Now()})
	if err != nil {
		return 0, err
	}
	return id, nil
}

// IssueTokens mints a refresh token and a first access token of client for user, as the
// authorization_code grant does, and returns both in clear. The client must belong to the user's org.
func IssueTokens(ctx context.Context, tx crm.Tx, client crm.Client, user crm.User, scopes []string) (access, refresh string, err error) {
	if err := checkInOrg(ctx, tx, client, user.OrgID); err != nil {
		return "", "", err
	}
	return issueTokens(ctx, tx, client, user, scopes)
}

// issueTokens is IssueTokens for a caller that has checked the client's org.
func issueTokens(ctx context.Context, tx crm.Tx, client crm.Client, user crm.User, scopes []string) (access, refresh string, err error) {
	refresh, refreshID, err := IssueRefreshToken(ctx, tx, client, user, scopes)
	if err != nil {
		return "", "", err
	}
	access, err = MintAccessToken(ctx, tx, user.OrgID, user.ID, client.ID, refreshID, scopes)
	if err != nil {
		return "", "", err
	}
	return access, refresh, nil
}

// CLIClient returns the CLI's internal client, creating it on first use. On a concurrent first use
// the insert may clash (crm.ErrDuplicate); the caller retries its transaction.
func CLIClient(ctx context.Context, tx crm.Tx) (crm.Client, error) {
	c, err := tx.ClientByClientID(ctx, CLIClientID)
	if !errors.Is(err, crm.ErrNotFound) {
		return c, err
	}
	id, err := tx.NewID(ctx)
	if err != nil {
		return crm.Client{}, err
	}
	c = crm.Client{ID: id, ClientID: CLIClientID, SecretHash: Hash(NewSecret()), Name: "zcrm CLI", CreatedTime: tx.Now()}
	return c, tx.InsertClient(ctx, c)
}

// Given values. The admin seed (a fixture) may fix a client's id and secret and a user's token
// values, so that a test can hard-code them. They are stored exactly as minted ones are, hashed and
// under the same limits; only the values are chosen. Their formats are Zoho's shapes, loosened in
// length, and each error names the fixture's field without ever quoting a secret or a token.

// MaxGivenAccessTTL bounds the lifetime of a given access token.
const MaxGivenAccessTTL = 10 * 365 * 24 * time.Hour

var (
	givenClientIDRE = regexp.MustCompile(`^1000\.[A-Z0-9]{1,64}$`)
	givenSecretRE   = regexp.MustCompile(`^[\x21-\x7e]{1,128}$`)
	givenTokenRE    = regexp.MustCompile(`^1000\.[A-Za-z0-9._-]{1,200}$`)
)

// GivenValueError is a given client id, secret, token value or lifetime that is malformed or
// already taken. Field is its name in a fixture (client_id, client_secret, access_token,
// refresh_token, expires_in); Message never holds a secret or a token.
type GivenValueError struct {
	Field, Message string
}

// Error returns the field and the message.
func (e *GivenValueError) Error() string { return e.Field + ": " + e.Message }

func givenErr(field, format string, args ...any) *GivenValueError {
	return &GivenValueError{Field: field, Message: fmt.Sprintf(format, args...)}
}

// CheckGivenClientID checks the form of a given client id: "1000." and 1 to 64 upper-case letters
// and digits, not the CLI's own client id.
func CheckGivenClientID(id string) error {
	if !givenClientIDRE.MatchString(id) {
		return givenErr("client_id", "client_id must be 1000. followed by 1 to 64 upper-case letters and digits, as Zoho's are")
	}
	if id == CLIClientID {
		return givenErr("client_id", "client_id %s is zcrm's own CLI client", id)
	}
	return nil
}

// CheckGivenSecret checks the form of a given client secret: 1 to 128 visible ASCII characters.
func CheckGivenSecret(secret string) error {
	if !givenSecretRE.MatchString(secret) {
		return givenErr("client_secret", "client_secret must be 1 to 128 visible ASCII characters (no spaces)")
	}
	return nil
}

// CheckGivenToken checks the form of a given access or refresh token (field names which): "1000."
// and 1 to 200 letters, digits, '.', '_' or '-'.
func CheckGivenToken(field, token string) error {
	if !givenTokenRE.MatchString(token) {
		return givenErr(field, "%s must be 1000. followed by 1 to 200 letters, digits, '.', '_' or '-', as Zoho's are", field)
	}
	return nil
}

// CheckGivenTTL checks the lifetime of a given access token: 1s to MaxGivenAccessTTL, in whole seconds.
func CheckGivenTTL(ttl time.Duration) error {
	if ttl < time.Second || ttl > MaxGivenAccessTTL || ttl%time.Second != 0 {
		return givenErr("expires_in", "expires_in must be whole seconds from 1 to %d", int64(MaxGivenAccessTTL/time.Second))
	}
	return nil
}

// CreateGivenClient stores a self client of the org with the given client id and secret, as
// CreateClient does with fresh ones, and returns it. A malformed or taken value is a
// *GivenValueError.
func CreateGivenClient(ctx context.Context, tx crm.Tx, orgID int64, name, clientID, secret string) (crm.Client, error) {
	if err := CheckGivenClientID(clientID); err != nil {
		return crm.Client{}, err
	}
	if err := CheckGivenSecret(secret); err != nil {
		return crm.Client{}, err
	}
	// Checked first: on PostgreSQL a failed insert would spoil the caller's transaction.
	_, err := tx.ClientByClientID(ctx, clientID)
	if err == nil {
		return crm.Client{}, givenErr("client_id", "client_id %s is taken", clientID)
	}
	if !errors.Is(err, crm.ErrNotFound) {
		return crm.Client{}, err
	}
	return insertClient(ctx, tx, orgID, name, clientID, secret)
}

// GivenTokens are the token values IssueGivenTokens stores: a refresh token, an access token, or
// both (the access token then minted from the refresh token, as the authorization_code grant
// does). AccessTTL is the access token's lifetime; 0 means AccessTTL, as for minted ones.
type GivenTokens struct {
	Access, Refresh string
	AccessTTL       time.Duration
}

// IssueGivenTokens stores the given tokens of client for user with scopes (checked by the caller),
// as IssueTokens mints fresh ones: hashed, under the same limits. The access token is issued at the
// store's clock and expires g.AccessTTL later. The client must belong to the user's org. A
// malformed or taken value is a *GivenValueError.
func IssueGivenTokens(ctx context.Context, tx crm.Tx, client crm.Client, user crm.User, scopes []string, g GivenTokens) error {
	if g.Access == "" && g.Refresh == "" {
		return givenErr("access_token", "give access_token, refresh_token or both")
	}
	for _, v := range []struct{ field, token string }{{"refresh_token", g.Refresh}, {"access_token", g.Access}} {
		if v.token != "" {
			if err := CheckGivenToken(v.field, v.token); err != nil {
				return err
			}
		}
	}
	if g.Access == g.Refresh {
		return givenErr("access_token", "access_token and refresh_token must differ")
	}
	ttl := g.AccessTTL
	if ttl == 0 {
		ttl = AccessTTL
	}
	if err := CheckGivenTTL(ttl); err != nil {
		return err
	}
	if err := checkInOrg(ctx, tx, client, user.OrgID); err != nil {
		return err
	}
	// Taken values are checked first: on PostgreSQL a failed insert would spoil the transaction.
	if g.Refresh != "" {
		if _, err := tx.RefreshTokenByHash(ctx, Hash(g.Refresh)); err == nil {
			return givenErr("refresh_token", "refresh_token is taken")
		} else if !errors.Is(err, crm.ErrNotFound) {
			return err
		}
	}
	if g.Access != "" {
		if _, err := tx.AccessTokenByHash(ctx, Hash(g.Access)); err == nil {
			return givenErr("access_token", "access_token is taken")
		} else if !errors.Is(err, crm.ErrNotFound) {
			return err
		}
	}
	var refreshID int64
	if g.Refresh != "" {
		var err error
		if refreshID, err = storeRefreshToken(ctx, tx, client, user, scopes, g.Refresh); err != nil {
			return err
		}
	}
	if g.Access == "" {
		return nil
	}
	return storeAccessToken(ctx, tx, user.OrgID, user.ID, client.ID, refreshID, scopes, g.Access, ttl)
}

// storeAccessToken is MintAccessToken for a token value and lifetime chosen by the caller: the
// same clean-up of expired tokens and the same MaxAccessPerRefresh limit.
func storeAccessToken(ctx context.Context, tx crm.Tx, orgID, userID, clientPK, refreshID int64, scopes []string, token string, ttl time.Duration) error {
	now := tx.Now()
	if refreshID != 0 || clientPK != 0 {
		if err := tx.DeleteExpiredAccessTokens(ctx, refreshID, clientPK, userID, now); err != nil {
			return err
		}
	}
	if refreshID != 0 {
		live, err := tx.LiveAccessTokenIDs(ctx, refreshID, now)
		if err != nil {
			return err
		}
		for ; len(live) >= MaxAccessPerRefresh; live = live[1:] {
			if err := tx.DeleteAccessToken(ctx, live[0]); err != nil {
				return err
			}
		}
	}
	id, err := tx.NewID(ctx)
	if err != nil {
		return err
	}
	return tx.InsertAccessToken(ctx, crm.AccessToken{
		ID: id, Hash: Hash(token), RefreshID: refreshID, ClientPK: clientPK, OrgID: orgID, UserID: userID,
		Scopes: scopes, CreatedTime: now, ExpiresAt: now.Add(ttl),
	})
}
