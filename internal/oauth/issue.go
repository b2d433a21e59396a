package oauth

import (
	"context"
	"errors"
	"fmt"
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
	if name == "" {
		name = DefaultClientName
	}
	id, err := tx.NewID(ctx)
	if err != nil {
		return "", "", err
	}
	clientID, secret = NewClientID(), NewSecret()
	err = tx.InsertClient(ctx, crm.Client{ID: id, ClientID: clientID, SecretHash: Hash(secret), Name: name, CreatedTime: tx.Now()})
	if err != nil {
		return "", "", err
	}
	if err := tx.AddClientOrg(ctx, id, orgID); err != nil {
		return "", "", err
	}
	return clientID, secret, nil
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
		return fmt.Errorf("client %s does not belong to org %s (grant it with 'zcrm client grant-org --client-id %[1]s --org %[2]s')",
			client.ClientID, crm.FormatID(orgID))
	}
	return nil
}

// ClientByID returns the client with that client id, or an error saying there is none.
func ClientByID(ctx context.Context, tx crm.Tx, clientID string) (crm.Client, error) {
	c, err := tx.ClientByClientID(ctx, clientID)
	if errors.Is(err, crm.ErrNotFound) {
		return crm.Client{}, fmt.Errorf("no client %q (create one with 'zcrm client create')", clientID)
	}
	return c, err
}

// IssueGrant stores a one-time grant code for user, valid for ttl (at most MaxGrantTTL), and returns
// it in clear, once. scopes must have passed CheckScopes. The client must belong to the user's org.
func IssueGrant(ctx context.Context, tx crm.Tx, client crm.Client, user crm.User, scopes []string, ttl time.Duration) (string, error) {
	if ttl <= 0 || ttl > MaxGrantTTL {
		return "", fmt.Errorf("grant code lifetime must be between 1s and %s, not %s", MaxGrantTTL, ttl)
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
		Scopes: scopes, CreatedTime: now, ExpiresAt: now.Add(ttl)})
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
	if client.ClientID != CLIClientID {
		held, err := tx.RefreshTokenIDs(ctx, client.ID, user.ID)
		if err != nil {
			return "", 0, err
		}
		for ; len(held) >= MaxRefreshPerUser; held = held[1:] {
			if err := tx.DeleteRefreshToken(ctx, held[0]); err != nil {
				return "", 0, err
			}
		}
	}
	id, err := tx.NewID(ctx)
	if err != nil {
		return "", 0, err
	}
	token := NewToken()
	err = tx.InsertRefreshToken(ctx, crm.RefreshToken{ID: id, Hash: Hash(token), ClientPK: client.ID, OrgID: user.OrgID,
		UserID: user.ID, Scopes: scopes, CreatedTime: tx.Now()})
	if err != nil {
		return "", 0, err
	}
	return token, id, nil
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
