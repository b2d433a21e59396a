package httpapi

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/oauth"
)

// handler serves one CRM route. It returns the status and body to write, or an error for the one
// error writer. A nil body with 204 writes the empty answer.
type handler func(ctx context.Context, c *call) (int, any, error)

// route is one CRM API path pattern (the segments after /crm/{version}/) and method.
type route struct {
	method  string
	pattern []string // literal segments match case-insensitively; {name} matches any one segment
	serve   handler
}

// crmRouter dispatches /crm/{version}/… requests: 404 INVALID_URL_PATTERN when no pattern matches,
// 400 INVALID_REQUEST_METHOD when the best pattern lacks the method, then authentication, then the
// handler. A literal segment beats a wildcard at the first position where two patterns differ.
type crmRouter struct {
	routes []route
	s      *Server
}

var versionRE = regexp.MustCompile(`^v[0-9]+(\.[0-9]+)?$`)

var supportedVersions = map[string]bool{"v2": true, "v2.1": true, "v2.2": true, "v3": true, "v4": true, "v5": true, "v6": true, "v7": true, "v8": true}

func (rt *crmRouter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	segs := strings.Split(strings.Trim(strings.TrimPrefix(r.URL.Path, "/crm/"), "/"), "/")
	if len(segs) < 2 || !versionRE.MatchString(segs[0]) {
		writeError(w, r, crm.ErrURLPattern())
		return
	}
	if !supportedVersions[segs[0]] {
		writeError(w, r, crm.NewError(http.StatusBadRequest, "API_NOT_SUPPORTED", "api not supported", map[string]any{"supported_version": 8}))
		return
	}
	version, segs := segs[0], segs[1:]
	best, params := rt.match(segs, r.Method)
	if best == nil {
		if params == nil {
			writeError(w, r, crm.ErrURLPattern())
		} else {
			writeError(w, r, crm.ErrRequestMethod())
		}
		return
	}
	c := &call{r: r, s: rt.s, params: params, version: version, segs: segs}
	status, body, err := rt.serve(c, best)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, status, body)
}

// serve authenticates c and runs its route. A read authenticates first, org version and all. A
// write trusts the token cache (oauth.Service.AuthenticateCached) and makes sure of the org's
// version in its write transaction (call.write); a write route that answered without writing
// reads the version after the handler. Either way, when the version changed since the token was
// cached the answer is dropped and the route runs again, authenticated afresh: nothing was written
// (a stale write never runs), and the token may be gone.
func (rt *crmRouter) serve(c *call, ro *route) (int, any, error) {
	ctx, header := c.r.Context(), c.r.Header.Get("Authorization")
	if c.r.Method == http.MethodGet || c.r.Method == http.MethodHead {
		caller, err := rt.s.oauth.Authenticate(ctx, header)
		if err != nil {
			return 0, nil, err
		}
		c.Caller, c.verified = caller, true
		return ro.serve(ctx, c)
	}
	caller, verified, err := rt.s.oauth.AuthenticateCached(ctx, header)
	if err != nil {
		return 0, nil, err
	}
	c.Caller, c.verified = caller, verified
	status, body, err := ro.serve(ctx, c)
	if c.verified {
		return status, body, err
	}
	if errors.Is(err, crm.ErrVersionChanged) {
		rt.s.oauth.Forget(caller)
	} else if current, verr := rt.s.oauth.Verify(ctx, caller); verr != nil { // Verify forgets a stale token
		return 0, nil, verr
	} else if current {
		return status, body, err
	}
	if c.Caller, err = rt.s.oauth.Authenticate(ctx, header); err != nil {
		return 0, nil, err
	}
	c.verified = true
	return ro.serve(ctx, c)
}

// match returns the route for segs and method. When some pattern matches the path but none with
// the method, it returns a nil route and non-nil params.
func (rt *crmRouter) match(segs []string, method string) (*route, map[string]string) {
	var best []string
	var cands []*route
	for i := range rt.routes {
		ro := &rt.routes[i]
		if !patternMatches(ro.pattern, segs) {
			continue
		}
		switch cmp := moreSpecific(ro.pattern, best); {
		case best == nil || cmp > 0:
			best, cands = ro.pattern, []*route{ro}
		case cmp == 0:
			cands = append(cands, ro)
		}
	}
	if best == nil {
		return nil, nil
	}
	params := map[string]string{}
	for i, p := range best {
		if isWild(p) {
			params[p[1:len(p)-1]] = segs[i]
		}
	}
	for _, ro := range cands {
		if ro.method == method {
			return ro, params
		}
	}
	return nil, params
}

func isWild(p string) bool { return strings.HasPrefix(p, "{") }

func patternMatches(pattern, segs []string) bool {
	if len(pattern) != len(segs) {
		return false
	}
	for i, p := range pattern {
		if segs[i] == "" {
			return false
		}
		if !isWild(p) && !strings.EqualFold(p, segs[i]) {
			return false
		}
	}
	return true
}

// moreSpecific compares two same-length patterns: 1 when a has a literal where b first has a
// wildcard, -1 the other way round, 0 when they have the same shape.
func moreSpecific(a, b []string) int {
	if b == nil {
		return 1
	}
	for i := range a {
		wa, wb := isWild(a[i]), isWild(b[i])
		switch {
		case !wa && wb:
			return 1
		case wa && !wb:
			return -1
		}
	}
	return 0
}

// call is one authenticated CRM request on its way through a handler.
type call struct {
	oauth.Caller
	// verified: the org version Caller came with is known to be current (see crmRouter.serve).
	verified bool
	r        *http.Request
	s        *Server
	params   map[string]string
	version  string
	segs     []string // path segments after /crm/{version}/

	bodyRead bool   // the request body has been read into rawBody
	rawBody  []byte // the request body as received
	bodyErr  error  // why the body could not be read

	values url.Values // the parsed query string, once asked for
}

// param returns a path parameter.
func (c *call) param(name string) string { return c.params[name] }

// query returns a query parameter ("" when absent).
func (c *call) query(name string) string { return c.queryValues().Get(name) }

// queryValues parses the query string once per call (it can carry 100 ids, and handlers ask for
// several parameters, some inside the write transaction).
func (c *call) queryValues() url.Values {
	if c.values == nil {
		c.values = c.r.URL.Query()
	}
	return c.values
}

// hasQuery reports whether the query string carries the parameter, even empty.
func (c *call) hasQuery(name string) bool { return c.queryValues().Has(name) }
