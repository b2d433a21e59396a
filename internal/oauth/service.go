package oauth

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"

	"github.com/zcrm/zcrm/internal/crm"
)

// Lifetimes and limits, as Zoho documents them.
const (
	AccessTTL       = time.Hour
	DefaultGrantTTL = 3 * time.Minute
	MaxGrantTTL     = 10 * time.Minute
	// MaxAccessPerRefresh live access tokens per refresh token; minting another evicts the oldest.
	MaxAccessPerRefresh = 15
	// MaxRefreshPerUser refresh tokens per user per client; issuing another deletes the oldest
	// (and its access tokens). The CLI's own client is exempt.
	MaxRefreshPerUser = 20
)

// Service issues and checks tokens.
type Service struct {
	Store crm.Store
	// PublicURL is returned as api_domain by the token endpoint.
	PublicURL string
	// Logger receives the accounts endpoints' internal errors (never a parameter: they hold secrets);
	// nil means slog.Default().
	Logger *slog.Logger
	// Limits, when set, says where Zoho's token limits apply (throttle.go); nil applies none.
	Limits TokenLimiter

	tokens tokenCache
}

// logger returns where internal errors go.
func (s *Service) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}

// TokenCacheStats returns how many token lookups the in-memory cache answered (hits) and how many
// read the token from the store (misses) since the service started.
func (s *Service) TokenCacheStats() (hits, misses uint64) {
	return s.tokens.hits.Load(), s.tokens.misses.Load()
}

// Caller is an authenticated request's identity: who it acts as and what its token may do. It is
// shared between the requests that present the same token: treat it as read-only.
type Caller struct {
	crm.Actor
	Scopes Scopes
	// Version is the org's cache version (crm.OrgTx.OrgVersion) read while authenticating: answers
	// cached with this version are current for this request. (From AuthenticateCached it is the
	// version the token was cached at, current only once the request has made sure of it.)
	Version int64
	// ClientPK is the row id of the OAuth client the token was issued to (0: none, e.g. minted by the CLI).
	ClientPK int64

	hash string // the token's hash: its key in the cache
}

// headerSchemes are the Authorization schemes a CRM call's access token comes in: Zoho's accounts
// docs (using the access token) name "Zoho-oauthtoken" and "Bearer", the one generic OAuth 2.0
// clients send. Either is case-insensitive.
var headerSchemes = [...]string{"zoho-oauthtoken ", "bearer "}

// Authenticate resolves an Authorization header to a caller. A missing header or another scheme is
// AUTHENTICATION_FAILURE; an unknown, expired or revoked token is INVALID_TOKEN.
func (s *Service) Authenticate(ctx context.Context, header string) (Caller, error) {
	hash, err := headerHash(header)
	if err != nil {
		return Caller{}, err
	}
	if e, ok := s.tokens.get(hash); ok {
		if !s.Store.Now().Before(e.expires) {
			s.tokens.drop(hash)
		} else if current, err := s.Verify(ctx, e.caller); err != nil { // Verify drops a stale token
			return Caller{}, err
		} else if current {
			s.tokens.hits.Add(1)
			return e.caller, nil
		}
	}
	s.tokens.misses.Add(1)
	var e cachedCaller
	err = s.Store.Read(ctx, func(tx crm.Tx) error {
		var err error
		e, err = lookup(ctx, tx, hash)
		return err
	})
	if err != nil {
		return Caller{}, err
	}
	s.tokens.put(hash, e)
	return e.caller, nil
}

// lookup resolves a token hash in tx: INVALID_TOKEN when the token is unknown, expired, or its
// user is not active.
func lookup(ctx context.Context, tx crm.Tx, hash string) (cachedCaller, error) {
	// Every control change bumps every org's version, which sends cached tokens here: read the
	// control state (the clock the expiry is judged by, fault rules, limits) with the token.
	if err := tx.RefreshControl(ctx); err != nil {
		return cachedCaller{}, err
	}
	at, actor, err := tx.TokenActor(ctx, hash)
	if errors.Is(err, crm.ErrNotFound) {
		return cachedCaller{}, crm.ErrInvalidToken()
	}
	if err != nil {
		return cachedCaller{}, err
	}
	if !tx.Now().Before(at.ExpiresAt) || actor.User.Status != "active" {
		return cachedCaller{}, crm.ErrInvalidToken()
	}
	v, err := tx.OrgVersion(ctx, actor.Org.ID)
	if errors.Is(err, crm.ErrNotFound) {
		return cachedCaller{}, crm.ErrInvalidToken()
	}
	if err != nil {
		return cachedCaller{}, err
	}
	return cachedCaller{caller: Caller{Actor: actor, Scopes: grantedScopes(at.Scopes), Version: v, ClientPK: at.ClientPK, hash: hash}, expires: at.ExpiresAt, version: v}, nil
}

// Confirm returns who a write acts as, in the write's own transaction: c itself while the org's
// version in tx still reads c.Version, otherwise c's token looked up afresh in tx (INVALID_TOKEN
// when it is gone; its stale cache entry is dropped). A caller from AuthenticateCached is only
// trusted after this, so a write never acts on a token revoked or changed before it committed, and
// never has to run again because of it.
func (s *Service) Confirm(ctx context.Context, tx crm.Tx, c Caller) (Caller, error) {
	v, err := tx.OrgVersion(ctx, c.Org.ID)
	if err == nil && v == c.Version {
		return c, nil
	}
	if err != nil && !errors.Is(err, crm.ErrNotFound) {
		return Caller{}, err
	}
	s.Forget(c)
	e, err := lookup(ctx, tx, c.hash)
	return e.caller, err
}

// AuthenticateCached is Authenticate trusting the token cache without reading the org's version:
// verified is false when the caller came from the cache unchecked, and the request must then make
// sure of it before it answers — in the transaction of its write (Confirm) or, when it wrote
// nothing, with Authenticate.
func (s *Service) AuthenticateCached(ctx context.Context, header string) (c Caller, verified bool, err error) {
	hash, err := headerHash(header)
	if err != nil {
		return Caller{}, true, err
	}
	if e, ok := s.tokens.get(hash); ok && s.Store.Now().Before(e.expires) {
		s.tokens.hits.Add(1)
		return e.caller, false, nil
	}
	c, err = s.Authenticate(ctx, header)
	return c, true, err
}

// Verify reports whether the org's cache version still reads c.Version. When it does not, c's
// token leaves the cache, so that Authenticate looks it up again.
func (s *Service) Verify(ctx context.Context, c Caller) (bool, error) {
	v, err := s.Store.OrgVersion(ctx, c.Org.ID)
	if err != nil && !errors.Is(err, crm.ErrNotFound) {
		return false, err
	}
	if err == nil && v == c.Version {
		return true, nil
	}
	s.Forget(c)
	return false, nil
}

// Forget drops c's token from the cache.
func (s *Service) Forget(c Caller) { s.tokens.drop(c.hash) }

// headerHash returns the hash of the token an Authorization header carries: AUTHENTICATION_FAILURE
// for a missing header or another scheme, INVALID_TOKEN for an empty token.
func headerHash(header string) (string, error) {
	token, ok := "", false
	for _, scheme := range headerSchemes {
		if len(header) >= len(scheme) && strings.EqualFold(header[:len(scheme)], scheme) {
			token, ok = strings.TrimSpace(header[len(scheme):]), true
			break
		}
	}
	if !ok {
		return "", crm.ErrAuthFailure()
	}
	if token == "" {
		return "", crm.ErrInvalidToken()
	}
	return Hash(token), nil
}

// grantedScopes parses a token's stored scopes. Scopes were checked when the grant was made; one
// that does not parse now (another service's, or stored by a test) grants nothing rather than
// failing the call.
func grantedScopes(stored []string) Scopes {
	var out Scopes
	for _, s := range splitScopes(strings.Join(stored, " ")) {
		if sc, err := ParseScope(s); err == nil {
			out = append(out, sc)
		}
	}
	return out
}

// MintAccessToken stores a new access token for the user and returns it in clear, once. refreshID
// and clientPK may be 0. It keeps Zoho's limit: minting for a refresh token that already has
// MaxAccessPerRefresh live access tokens deletes the oldest of them. Expired tokens of the same
// refresh token (or, without one, of the same client and user) are deleted on the way.
func MintAccessToken(ctx context.Context, tx crm.Tx, orgID, userID, clientPK, refreshID int64, scopes []string) (string, error) {
	token := NewToken()
	return token, storeAccessToken(ctx, tx, orgID, userID, clientPK, refreshID, scopes, token, AccessTTL)
}
