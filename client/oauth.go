package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// tokenAnswer is the token endpoint's JSON: a token set, or {"error":…} (sent with HTTP 200).
type tokenAnswer struct {
	AccessToken      string `json:"access_token"`
	RefreshToken     string `json:"refresh_token"`
	Scope            string `json:"scope"`
	APIDomain        string `json:"api_domain"`
	TokenType        string `json:"token_type"`
	ExpiresIn        any    `json:"expires_in"`
	ExpiresInSec     any    `json:"expires_in_sec"`
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
}

// seconds reads a JSON number or numeric string.
func seconds(v any) (float64, bool) {
	switch n := v.(type) {
	case interface{ Float64() (float64, error) }:
		f, err := n.Float64()
		return f, err == nil
	case string:
		f, err := strconv.ParseFloat(n, 64)
		return f, err == nil
	}
	return 0, false
}

// lifetime is the access token's validity. Zoho's legacy answers carry expires_in_sec, and then
// expires_in is in milliseconds.
func (a *tokenAnswer) lifetime() time.Duration {
	if s, ok := seconds(a.ExpiresInSec); ok {
		return time.Duration(s * float64(time.Second))
	}
	if s, ok := seconds(a.ExpiresIn); ok {
		return time.Duration(s * float64(time.Second))
	}
	return 0
}

// tokenCall posts form to the accounts token endpoint and returns the token it issues.
func (c *Client) tokenCall(ctx context.Context, form url.Values) (*Token, error) {
	start := c.now()
	res, err := c.Do(ctx, &Request{
		Method: http.MethodPost,
		Path:   c.endpoint.AccountsURL + "/oauth/v2/token",
		Body:   form.Encode(),
		Header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}},
		NoAuth: true,
	})
	if err != nil {
		return nil, err
	}
	var a tokenAnswer
	if err := res.JSON(&a); err != nil || a.Error != "" || a.AccessToken == "" {
		oe := &OAuthError{StatusCode: res.StatusCode, Code: a.Error, Description: a.ErrorDescription}
		if oe.Code == "" {
			oe.Code = "invalid_response"
			oe.Description = fmt.Sprintf("no access_token in %q", truncate(res.String(), 200))
		}
		return nil, oe
	}
	tok := &Token{AccessToken: a.AccessToken, RefreshToken: a.RefreshToken, Scope: a.Scope, APIDomain: a.APIDomain, TokenType: a.TokenType}
	if d := a.lifetime(); d > 0 {
		tok.Expiry = start.Add(d)
	}
	return tok, nil
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// ExchangeCode trades a one-time grant code (from Zoho's consent screen or API console, or
// `zcrm grant`) for an access and refresh token, stores them and returns them. A wrong, used or
// expired code is an *OAuthError matching ErrInvalidCode.
func (c *Client) ExchangeCode(ctx context.Context, code string) (*Token, error) {
	if c.clientID == "" {
		return nil, errors.New("zcrm client: ExchangeCode needs WithOAuthClient")
	}
	form := url.Values{"grant_type": {"authorization_code"}, "client_id": {c.clientID}, "client_secret": {c.clientSecret}, "code": {code}}
	if c.redirectURI != "" {
		form.Set("redirect_uri", c.redirectURI)
	}
	if err := c.lock(ctx); err != nil {
		return nil, err
	}
	defer c.unlock()
	tok, err := c.tokenCall(ctx, form)
	if err != nil {
		return nil, err
	}
	return tok, c.save(ctx, tok)
}

// Token returns a usable token: the stored one, or a refreshed one when the stored access token
// expires within the refresh margin (with WithClientCredentialsFlow, a new one when none is
// stored). It returns an error wrapping ErrNoToken when there is no token and none can be obtained.
func (c *Client) Token(ctx context.Context) (*Token, error) {
	tok, err := c.current(ctx)
	if errors.Is(err, ErrNoToken) && c.ccOrg != "" {
		tok, err = nil, nil
	}
	if err != nil {
		return nil, err
	}
	if !tok.expired(c.now(), c.margin) {
		return tok, nil
	}
	if !c.canRefresh(tok) {
		if tok == nil {
			return nil, fmt.Errorf("%w: the client credentials flow needs WithOAuthClient", ErrNoToken)
		}
		if tok.expired(c.now(), 0) {
			return nil, fmt.Errorf("%w: the access token expired at %s and there is no refresh token and OAuth client", ErrNoToken, tok.Expiry.Format(time.RFC3339))
		}
		return tok, nil // inside the margin but still valid: use it
	}
	if err := c.lock(ctx); err != nil {
		return nil, err
	}
	defer c.unlock()
	// Another goroutine may have refreshed while this one waited.
	tok, err = c.load(ctx)
	if errors.Is(err, ErrNoToken) && c.ccOrg != "" {
		tok, err = nil, nil
	}
	if err != nil {
		return nil, err
	}
	if !tok.expired(c.now(), c.margin) {
		return tok, nil
	}
	return c.refreshLocked(ctx, tok)
}

// AccessToken returns a usable access token (see Token), e.g. to hand to another tool.
func (c *Client) AccessToken(ctx context.Context) (string, error) {
	tok, err := c.Token(ctx)
	if err != nil {
		return "", err
	}
	return tok.AccessToken, nil
}

// Refresh mints a new access token with the refresh token now, whatever the old one's expiry,
// stores it and returns it. A revoked refresh token is an *OAuthError matching ErrInvalidCode.
func (c *Client) Refresh(ctx context.Context) (*Token, error) {
	if err := c.lock(ctx); err != nil {
		return nil, err
	}
	defer c.unlock()
	tok, err := c.load(ctx)
	if errors.Is(err, ErrNoToken) && c.ccOrg != "" {
		tok, err = nil, nil
	}
	if err != nil {
		return nil, err
	}
	return c.refreshLocked(ctx, tok)
}

// refreshRejected refreshes after the server rejected access token rejected, unless another
// goroutine already replaced it.
func (c *Client) refreshRejected(ctx context.Context, rejected string) (*Token, error) {
	if err := c.lock(ctx); err != nil {
		return nil, err
	}
	defer c.unlock()
	tok, err := c.load(ctx)
	if err != nil {
		return nil, err
	}
	if tok.AccessToken != rejected && !tok.expired(c.now(), c.margin) {
		return tok, nil
	}
	return c.refreshLocked(ctx, tok)
}

// refreshLocked mints a new access token: the refresh_token grant when old has a refresh token,
// otherwise the client_credentials grant when configured. The caller holds the refresh lock.
func (c *Client) refreshLocked(ctx context.Context, old *Token) (*Token, error) {
	if !c.canRefresh(old) {
		return nil, fmt.Errorf("%w: refreshing needs a refresh token and WithOAuthClient", ErrNoToken)
	}
	if old == nil || old.RefreshToken == "" {
		return c.clientCredentialsLocked(ctx)
	}
	form := url.Values{"grant_type": {"refresh_token"}, "client_id": {c.clientID}, "client_secret": {c.clientSecret}, "refresh_token": {old.RefreshToken}}
	tok, err := c.tokenCall(ctx, form)
	if err != nil {
		return nil, err
	}
	if tok.RefreshToken == "" {
		tok.RefreshToken = old.RefreshToken
	}
	if tok.APIDomain == "" {
		tok.APIDomain = old.APIDomain
	}
	return tok, c.save(ctx, tok)
}

// WithClientCredentialsFlow makes the client get its tokens with Zoho's client credentials flow
// (no user, no refresh token): an access token for the org's first administrator, with the given
// scopes, requested whenever none is stored or the stored one is due. It needs WithOAuthClient.
func WithClientCredentialsFlow(orgID string, scopes ...string) Option {
	return func(c *Client) error {
		if orgID == "" || len(scopes) == 0 {
			return errors.New("zcrm client: the client credentials flow needs an org id and scopes")
		}
		c.ccOrg, c.ccScopes = orgID, scopes
		return nil
	}
}

func (c *Client) clientCredentialsLocked(ctx context.Context) (*Token, error) {
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {c.clientID}, "client_secret": {c.clientSecret},
		"scope": {strings.Join(c.ccScopes, ",")}, "soid": {"ZohoCRM." + c.ccOrg}}
	tok, err := c.tokenCall(ctx, form)
	if err != nil {
		return nil, err
	}
	return tok, c.save(ctx, tok)
}

// Revoke revokes the refresh token (or, without one, the access token) at the accounts server,
// which also invalidates every access token minted from it, and deletes the stored token.
func (c *Client) Revoke(ctx context.Context) error {
	if err := c.lock(ctx); err != nil {
		return err
	}
	defer c.unlock()
	tok, err := c.load(ctx)
	if err != nil {
		return err
	}
	t := tok.RefreshToken
	if t == "" {
		t = tok.AccessToken
	}
	res, err := c.Do(ctx, &Request{
		Method: http.MethodPost,
		Path:   c.endpoint.AccountsURL + "/oauth/v2/token/revoke",
		Query:  url.Values{"token": {t}},
		NoAuth: true,
	})
	if err != nil {
		return err
	}
	var a struct {
		Status           string `json:"status"`
		Error            string `json:"error"`
		ErrorDescription string `json:"error_description"`
	}
	if err := res.JSON(&a); err != nil || a.Status != "success" {
		code := a.Error
		if code == "" {
			code = "revoke_failed"
		}
		return &OAuthError{StatusCode: res.StatusCode, Code: code, Description: a.ErrorDescription}
	}
	c.mu.Lock()
	c.tok = nil
	c.mu.Unlock()
	return c.store.Delete(ctx)
}

func (c *Client) canRefresh(tok *Token) bool {
	return c.clientID != "" && (tok != nil && tok.RefreshToken != "" || c.ccOrg != "")
}

// current returns the cached token, loading it from the store the first time.
func (c *Client) current(ctx context.Context) (*Token, error) {
	c.mu.Lock()
	tok := c.tok
	c.mu.Unlock()
	if tok != nil {
		return tok, nil
	}
	return c.load(ctx)
}

// load reads the token from the store and caches it.
func (c *Client) load(ctx context.Context) (*Token, error) {
	tok, err := c.store.Load(ctx)
	if err != nil {
		return nil, err
	}
	if tok == nil {
		return nil, ErrNoToken
	}
	c.mu.Lock()
	c.tok = tok
	c.mu.Unlock()
	return tok, nil
}

// save stores tok and caches it.
func (c *Client) save(ctx context.Context, tok *Token) error {
	if err := c.store.Save(ctx, tok); err != nil {
		return err
	}
	c.mu.Lock()
	c.tok = tok
	c.mu.Unlock()
	return nil
}

// lock takes the refresh lock (one token exchange at a time), giving up when ctx ends.
func (c *Client) lock(ctx context.Context) error {
	select {
	case c.refresh <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (c *Client) unlock() { <-c.refresh }
