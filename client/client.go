// Package client is a Go client for the Zoho CRM REST API (v2 … v8) and for zcrm, the Zoho
// CRM–compatible server in this module.
//
// A Client knows where to send calls (a Zoho data centre and environment, or any base URL such as a
// zcrm server), holds an OAuth token in a TokenStore, refreshes it before it expires and when the
// server answers INVALID_TOKEN (one refresh at a time, however many goroutines share the Client),
// and retries with backoff where that is safe: HTTP 429 always, transport errors on idempotent calls
// (GET, HEAD, PUT, DELETE).
//
// Ids are strings everywhere, exactly as Zoho sends them on the wire ("3652397000000327001"): Zoho
// ids are 18–19 digit decimals that overflow a float64 and are strings in almost every JSON body.
// Numbers inside records and details decode as json.Number for the same reason.
//
// Errors: a request-level failure is an *APIError (Zoho's {code, details, message, status}); a
// multi-item write returns Results, one Item per id or input, and, when any item failed (HTTP 207 or
// 400), an *ItemsError as well, so the caller sees which ids failed and why. Both match the
// sentinels (ErrInvalidData, ErrInvalidToken, …) with errors.Is.
//
// For calls the typed methods do not cover, Do sends a raw request with the same authentication,
// refresh and retry rules and returns the status, headers and body.
//
// The zcrmtest package starts a zcrm server in-process for tests and hands back a ready Client.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// DefaultVersion is the API version typed calls use unless WithAPIVersion says otherwise.
const DefaultVersion = "v8"

// Client calls the Zoho CRM API. It is safe for concurrent use.
type Client struct {
	httpClient     *http.Client
	endpoint       Endpoint
	fixedAPIDomain bool
	version        string
	clientID       string
	clientSecret   string
	redirectURI    string
	ccOrg          string   // client credentials flow: the org (soid ZohoCRM.<ccOrg>)
	ccScopes       []string // and its scopes
	store          TokenStore
	now            func() time.Time
	margin         time.Duration
	maxRetries     int
	backoff        time.Duration
	maxBackoff     time.Duration
	userAgent      string

	mu      sync.Mutex // guards tok
	tok     *Token     // cached copy of the stored token; nil until loaded
	refresh chan struct{}
}

// Option configures a Client.
type Option func(*Client) error

// New returns a Client configured by opts. Without options it targets Zoho's US production data
// centre with an empty in-memory token store; give it WithBaseURL for a zcrm server.
func New(opts ...Option) (*Client, error) {
	ep, _ := ZohoEndpoint(US, Production)
	c := &Client{
		httpClient: http.DefaultClient,
		endpoint:   ep,
		version:    DefaultVersion,
		store:      &MemoryStore{},
		now:        time.Now,
		margin:     time.Minute,
		maxRetries: 3,
		backoff:    500 * time.Millisecond,
		maxBackoff: 30 * time.Second,
		userAgent:  "zcrm-go-client/1",
		refresh:    make(chan struct{}, 1),
	}
	for _, o := range opts {
		if err := o(c); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// WithDataCenter sends calls to a Zoho data centre's environment (see ZohoEndpoint).
func WithDataCenter(dc DataCenter, env Environment) Option {
	return func(c *Client) error {
		ep, err := ZohoEndpoint(dc, env)
		if err != nil {
			return err
		}
		c.endpoint = ep
		return nil
	}
}

// WithBaseURL sends API and accounts calls to one base URL, as zcrm serves them
// (e.g. http://127.0.0.1:8080).
func WithBaseURL(baseURL string) Option {
	return func(c *Client) error {
		u, err := url.Parse(baseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("zcrm client: base URL %q is not an http(s) URL", baseURL)
		}
		c.endpoint = BaseEndpoint(baseURL)
		return nil
	}
}

// WithEndpoint sets the API domain and accounts server separately.
func WithEndpoint(ep Endpoint) Option {
	return func(c *Client) error {
		if ep.APIDomain == "" || ep.AccountsURL == "" {
			return errors.New("zcrm client: endpoint needs both an API domain and an accounts URL")
		}
		c.endpoint = Endpoint{APIDomain: strings.TrimRight(ep.APIDomain, "/"), AccountsURL: strings.TrimRight(ep.AccountsURL, "/")}
		return nil
	}
}

// WithFixedAPIDomain keeps calls on the configured API domain even when a token's api_domain names
// another. By default the client follows api_domain, as Zoho documents.
func WithFixedAPIDomain() Option {
	return func(c *Client) error { c.fixedAPIDomain = true; return nil }
}

// WithAPIVersion sets the version in /crm/{version}/ for typed calls (default v8).
func WithAPIVersion(version string) Option {
	return func(c *Client) error {
		if !strings.HasPrefix(version, "v") {
			return fmt.Errorf("zcrm client: API version %q must look like v8", version)
		}
		c.version = version
		return nil
	}
}

// WithHTTPClient sets the HTTP client (default http.DefaultClient).
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) error { c.httpClient = hc; return nil }
}

// WithOAuthClient sets the OAuth client id and secret used to exchange grant codes and refresh
// tokens (from Zoho's API console, or `zcrm client create`).
func WithOAuthClient(clientID, clientSecret string) Option {
	return func(c *Client) error { c.clientID, c.clientSecret = clientID, clientSecret; return nil }
}

// WithRedirectURI sets the redirect_uri sent with grant-code exchanges (web-based clients).
func WithRedirectURI(uri string) Option {
	return func(c *Client) error { c.redirectURI = uri; return nil }
}

// WithTokenStore keeps the token in s (default: an empty MemoryStore).
func WithTokenStore(s TokenStore) Option {
	return func(c *Client) error { c.store = s; return nil }
}

// WithToken starts the client with tok in a new MemoryStore (replacing any other store).
func WithToken(tok *Token) Option {
	return func(c *Client) error { c.store = NewMemoryStore(tok); return nil }
}

// WithAccessToken starts the client with a bare access token of unknown expiry and no refresh
// token, in a new MemoryStore.
func WithAccessToken(accessToken string) Option {
	return WithToken(&Token{AccessToken: accessToken})
}

// WithClock sets the clock used for token expiry (default time.Now); tests use it to expire tokens.
func WithClock(now func() time.Time) Option {
	return func(c *Client) error { c.now = now; return nil }
}

// WithRefreshMargin refreshes the access token this long before it expires (default one minute).
func WithRefreshMargin(d time.Duration) Option {
	return func(c *Client) error { c.margin = d; return nil }
}

// WithRetries sets how often a call is retried after HTTP 429 or, for idempotent calls, a
// transport error (default 3), and the first backoff (default 500ms; doubled per attempt with
// jitter, at most 30s; a Retry-After header wins). WithRetries(0, 0) disables retries.
func WithRetries(max int, backoff time.Duration) Option {
	return func(c *Client) error {
		if max < 0 {
			return errors.New("zcrm client: retries must not be negative")
		}
		c.maxRetries, c.backoff = max, backoff
		return nil
	}
}

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option {
	return func(c *Client) error { c.userAgent = ua; return nil }
}

// Endpoint returns the configured API domain and accounts server.
func (c *Client) Endpoint() Endpoint { return c.endpoint }

// APIVersion returns the version typed calls use.
func (c *Client) APIVersion() string { return c.version }

// apiDomain is where CRM calls go: the token's api_domain when it has one (unless fixed), else
// the configured API domain.
func (c *Client) apiDomain(tok *Token) string {
	if !c.fixedAPIDomain && tok != nil && tok.APIDomain != "" {
		return strings.TrimRight(tok.APIDomain, "/")
	}
	return c.endpoint.APIDomain
}

// Request is a raw API request for Do.
type Request struct {
	// Method is the HTTP method (default GET).
	Method string
	// Path is a full URL ("https://accounts.zoho.com/oauth/v2/token"), a path on the API domain
	// ("/crm/v2.1/org", "/healthz"), or a path relative to /crm/{version}/ ("Contacts/roles").
	// It may carry a query string.
	Path string
	// Query is added to the query string.
	Query url.Values
	// Header holds extra headers.
	Header http.Header
	// Body is sent as is when it is []byte, string or io.Reader, and encoded as JSON otherwise;
	// nil sends no body.
	Body any
	// NoAuth sends no Authorization header of the client's (and needs no token); an Authorization
	// in Header is still sent, e.g. to test a malformed one.
	NoAuth bool
	// AccessToken, when set, is sent instead of the client's token, and never refreshed.
	AccessToken string
}

// Response is a raw API answer.
type Response struct {
	// StatusCode is the HTTP status.
	StatusCode int
	// Header is the response headers.
	Header http.Header
	// Body is the whole response body (empty for 204).
	Body []byte
}

// String returns the body as a string.
func (r *Response) String() string { return string(r.Body) }

// JSON decodes the body into v, numbers as json.Number where v holds interfaces.
func (r *Response) JSON(v any) error { return decodeJSON(r.Body, v) }

// APIError returns the body as an *APIError when it is Zoho's single error object
// ({"code":…,"message":…,"status":"error"}), and nil otherwise.
func (r *Response) APIError() *APIError {
	var e struct {
		Code    string         `json:"code"`
		Details map[string]any `json:"details"`
		Message string         `json:"message"`
		Status  string         `json:"status"`
	}
	if decodeJSON(r.Body, &e) != nil || e.Status != "error" || e.Code == "" {
		return nil
	}
	return &APIError{Status: r.StatusCode, Code: e.Code, Message: e.Message, Details: nonNil(e.Details)}
}

// Items decodes a multi-item answer under the wrapper key (data, cadences, contact_roles). It
// returns an *APIError when the body is a single error object instead, and an *ItemsError along
// with the Results when any item failed.
func (r *Response) Items(key string) (Results, error) {
	var w map[string]json.RawMessage
	if err := decodeJSON(r.Body, &w); err == nil {
		if raw, ok := w[key]; ok {
			var items []Item
			if err := decodeJSON(raw, &items); err == nil {
				for i := range items {
					items[i].Index = i
					items[i].httpStatus = r.StatusCode
					items[i].Details = nonNil(items[i].Details)
				}
				res := Results{StatusCode: r.StatusCode, Items: items}
				return res, res.Err()
			}
		}
	}
	return Results{}, r.errorOf()
}

// errorOf turns a non-success answer into an error: Zoho's error object when the body is one,
// otherwise an *APIError with the HTTP status and an empty code.
func (r *Response) errorOf() error {
	if e := r.APIError(); e != nil {
		return e
	}
	msg := strings.TrimSpace(string(r.Body))
	if len(msg) > 200 {
		msg = msg[:200] + "…"
	}
	if msg == "" {
		msg = http.StatusText(r.StatusCode)
	}
	return &APIError{Status: r.StatusCode, Message: "unexpected answer: " + msg, Details: map[string]any{}}
}

// Do sends a raw request: it adds the Authorization header (refreshing the token when due, and once
// more when the server answers INVALID_TOKEN), retries HTTP 429 and, for idempotent methods,
// transport errors, and returns the answer whatever its status. The error is non-nil only when no
// answer was obtained (transport failure, no usable token, cancelled context).
func (c *Client) Do(ctx context.Context, req *Request) (*Response, error) {
	method := req.Method
	if method == "" {
		method = http.MethodGet
	}
	body, isJSON, err := encodeBody(req.Body)
	if err != nil {
		return nil, err
	}
	refreshed := false
	for attempt := 0; ; attempt++ {
		var tok *Token
		if !req.NoAuth && req.AccessToken == "" {
			if tok, err = c.Token(ctx); err != nil {
				return nil, err
			}
		}
		u, err := c.url(tok, req.Path, req.Query)
		if err != nil {
			return nil, err
		}
		hreq, err := http.NewRequestWithContext(ctx, method, u, bytesReader(body))
		if err != nil {
			return nil, err
		}
		for k, vs := range req.Header {
			hreq.Header[k] = append([]string(nil), vs...)
		}
		if isJSON && hreq.Header.Get("Content-Type") == "" {
			hreq.Header.Set("Content-Type", "application/json")
		}
		if hreq.Header.Get("Accept") == "" {
			hreq.Header.Set("Accept", "application/json")
		}
		if c.userAgent != "" && hreq.Header.Get("User-Agent") == "" {
			hreq.Header.Set("User-Agent", c.userAgent)
		}
		switch {
		case req.AccessToken != "":
			hreq.Header.Set("Authorization", "Zoho-oauthtoken "+req.AccessToken)
		case tok != nil:
			hreq.Header.Set("Authorization", "Zoho-oauthtoken "+tok.AccessToken)
		}
		res, err := c.send(hreq)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			if idempotent(method) && attempt < c.maxRetries {
				if err := c.sleep(ctx, c.delay(attempt, nil)); err != nil {
					return nil, err
				}
				continue
			}
			return nil, err
		}
		if res.StatusCode == http.StatusUnauthorized && tok != nil && !refreshed {
			if e := res.APIError(); e != nil && e.Code == "INVALID_TOKEN" && c.canRefresh(tok) {
				refreshed = true
				if _, err := c.refreshRejected(ctx, tok.AccessToken); err == nil {
					attempt--
					continue
				}
				return res, nil
			}
		}
		if res.StatusCode == http.StatusTooManyRequests && attempt < c.maxRetries {
			if err := c.sleep(ctx, c.delay(attempt, res.Header)); err != nil {
				return nil, err
			}
			continue
		}
		return res, nil
	}
}

// send performs one HTTP exchange and reads the whole body.
func (c *Client) send(req *http.Request) (*Response, error) {
	res, err := c.httpClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, 256<<20))
	if err != nil {
		return nil, err
	}
	return &Response{StatusCode: res.StatusCode, Header: res.Header, Body: b}, nil
}

// url builds the request URL from the API domain, the path and the query.
func (c *Client) url(tok *Token, path string, q url.Values) (string, error) {
	switch {
	case strings.HasPrefix(path, "http://"), strings.HasPrefix(path, "https://"):
	case strings.HasPrefix(path, "/"):
		path = c.apiDomain(tok) + path
	default:
		path = c.apiDomain(tok) + "/crm/" + c.version + "/" + path
	}
	u, err := url.Parse(path)
	if err != nil {
		return "", err
	}
	if len(q) > 0 {
		if u.RawQuery != "" {
			u.RawQuery += "&"
		}
		u.RawQuery += q.Encode()
	}
	return u.String(), nil
}

func idempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodPut, http.MethodDelete:
		return true
	}
	return false
}

// delay is the wait before retry number attempt+1: Retry-After when the server sent one,
// otherwise exponential backoff with jitter.
func (c *Client) delay(attempt int, h http.Header) time.Duration {
	if h != nil {
		if s := h.Get("Retry-After"); s != "" {
			if n, err := strconv.Atoi(s); err == nil && n >= 0 {
				return min(time.Duration(n)*time.Second, c.maxBackoff)
			}
			if t, err := http.ParseTime(s); err == nil {
				return min(max(time.Until(t), 0), c.maxBackoff)
			}
		}
	}
	if c.backoff <= 0 {
		return 0
	}
	d := c.backoff << min(attempt, 20)
	if d <= 0 || d > c.maxBackoff {
		d = c.maxBackoff
	}
	return d/2 + rand.N(d/2+1)
}

func (c *Client) sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// encodeBody turns a request body into bytes; isJSON says whether it was JSON-encoded here.
func encodeBody(b any) (body []byte, isJSON bool, err error) {
	switch v := b.(type) {
	case nil:
		return nil, false, nil
	case []byte:
		return v, false, nil
	case string:
		return []byte(v), false, nil
	case io.Reader:
		body, err := io.ReadAll(v)
		return body, false, err
	default:
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			return nil, false, fmt.Errorf("zcrm client: encode request body: %w", err)
		}
		return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), true, nil
	}
}

func bytesReader(b []byte) io.Reader {
	if b == nil {
		return nil
	}
	return bytes.NewReader(b)
}

// decodeJSON decodes b into v with numbers kept as json.Number.
func decodeJSON(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	return dec.Decode(v)
}

// call is the plumbing of every typed call: a request with a JSON body, an answer.
func (c *Client) call(ctx context.Context, method, path string, q url.Values, body any, h http.Header) (*Response, error) {
	return c.Do(ctx, &Request{Method: method, Path: path, Query: q, Body: body, Header: h})
}

// read sends a GET and decodes a 200 body into out. It returns the status: 204 and 304 leave out
// untouched; any other status is an error.
func (c *Client) read(ctx context.Context, path string, q url.Values, h http.Header, out any) (int, error) {
	res, err := c.call(ctx, http.MethodGet, path, q, nil, h)
	if err != nil {
		return 0, err
	}
	switch res.StatusCode {
	case http.StatusOK:
		if err := res.JSON(out); err != nil {
			return res.StatusCode, fmt.Errorf("zcrm client: decode %s answer: %w", path, err)
		}
		return res.StatusCode, nil
	case http.StatusNoContent, http.StatusNotModified:
		return res.StatusCode, nil
	}
	return res.StatusCode, res.errorOf()
}

// items sends a write and decodes a multi-item answer under key.
func (c *Client) items(ctx context.Context, method, path string, q url.Values, body any, key string) (Results, error) {
	res, err := c.call(ctx, method, path, q, body, nil)
	if err != nil {
		return Results{}, err
	}
	switch res.StatusCode {
	case http.StatusOK, http.StatusCreated, http.StatusAccepted, http.StatusMultiStatus, http.StatusBadRequest:
		return res.Items(key)
	}
	return Results{}, res.errorOf()
}

// itemsFor is items for a call about the given ids (the ids parameter, or the ids of the input
// objects): Zoho answers one item per distinct id, in request order, so each item's RequestID is
// set when the counts agree.
func (c *Client) itemsFor(ctx context.Context, method, path string, q url.Values, body any, key string, ids []string) (Results, error) {
	res, err := c.items(ctx, method, path, q, body, key)
	distinct := dedupe(ids)
	if len(distinct) == len(res.Items) {
		for i := range res.Items {
			res.Items[i].RequestID = distinct[i]
		}
		if ie, ok := err.(*ItemsError); ok {
			ie.Items = res.Items
		}
	}
	return res, err
}

// dedupe returns ids without repeats, first occurrence first; nil when any id is empty (an input
// object without an id), since the answer then cannot be lined up with the ids.
func dedupe(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if id == "" {
			return nil
		}
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// item sends a single-object write and returns its one item; a failed item is returned with its
// error (an *APIError), as is a request-level failure.
func (c *Client) item(ctx context.Context, method, path string, q url.Values, body any, key string) (Item, error) {
	res, err := c.items(ctx, method, path, q, body, key)
	if len(res.Items) == 0 {
		if err == nil {
			err = fmt.Errorf("zcrm client: %s %s answered no %s item", method, path, key)
		}
		return Item{}, err
	}
	it := res.Items[0]
	return it, it.Err()
}

// pathOf joins escaped path segments.
func pathOf(segs ...string) string {
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}
