package httpapi

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

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

// routeGroup is routes that name their 500 answer alike (internal).
type routeGroup struct {
	routes   []route
	internal func() *crm.Error
}

// boundRoute is a route with the 500 answer of its group and its metrics series.
type boundRoute struct {
	route
	internal func() *crm.Error
	metrics  *routeMetrics
}

// crmRouter dispatches /crm/{version}/… requests: 404 INVALID_URL_PATTERN when no pattern matches,
// 400 INVALID_REQUEST_METHOD when the best pattern lacks the method, then authentication, then the
// handler. A literal segment beats a wildcard at the first position where two patterns differ.
type crmRouter struct {
	routes []boundRoute
	s      *Server
	// timeout bounds a request's work once its body is read; the work no longer depends on the
	// client staying connected (see ServeHTTP).
	timeout time.Duration
}

func newCRMRouter(s *Server, groups []routeGroup, timeout time.Duration) *crmRouter {
	rt := &crmRouter{s: s, timeout: timeout}
	for _, g := range groups {
		for _, ro := range g.routes {
			rt.routes = append(rt.routes, boundRoute{ro, g.internal, s.metrics.crmRoute(ro.pattern)})
		}
	}
	return rt
}

var versionRE = regexp.MustCompile(`^v[0-9]+(\.[0-9]+)?$`)

// ServeHTTP routes the request and writes its answer. The work runs detached from the client's
// connection (bounded by rt.timeout): a client that half-closes its side after sending the request
// still gets its answer, and one that goes away leaves a finished request behind, never a
// half-done one or an error from a cancelled statement.
func (rt *crmRouter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	segs := strings.Split(strings.Trim(strings.TrimPrefix(r.URL.Path, "/crm/"), "/"), "/")
	if len(segs) < 2 || !versionRE.MatchString(segs[0]) {
		writeError(w, r, crm.ErrURLPattern())
		return
	}
	api, ok := crm.LookupAPIVersion(segs[0])
	if !ok {
		writeError(w, r, crm.NewError(http.StatusBadRequest, "API_NOT_SUPPORTED", crm.MsgAPINotSupported, map[string]any{"supported_version": 8}))
		return
	}
	segs = segs[1:]
	best, params := rt.match(segs, r.Method)
	if best == nil {
		if params == nil {
			writeError(w, r, crm.ErrURLPattern())
		} else {
			writeError(w, r, crm.ErrRequestMethod())
		}
		return
	}
	st := requestState(w, r)
	if st != nil {
		st.route = best.metrics
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), rt.timeout)
	defer cancel()
	c := &call{ctx: ctx, r: r, s: rt.s, params: params, api: api, segs: segs}
	status, body, err := rt.serve(ctx, c, &best.route)
	if st != nil && st.capture != nil && c.Org.ID != 0 {
		st.capture.SetCaller(c.Org.ID, c.User.ID, c.ClientPK)
	}
	if errors.Is(err, errReset) {
		resetConn(w)
		return
	}
	if err != nil {
		writeErrorAs(w, r, err, best.internal)
		return
	}
	writeJSON(w, status, body)
}

// serve authenticates c, reads its body, takes it through the gate (gate.go) and runs its route.
// A read authenticates first, org version and all. A write trusts the token cache
// (oauth.Service.AuthenticateCached) and confirms the caller inside its write transaction
// (call.write, oauth.Service.Confirm), which looks the token up afresh there when the org's
// version moved; a write route that answered without writing authenticates afresh after the
// handler instead, and a token gone by then answers as gone. A write that learns in its
// transaction of a control change its gate did not see runs once more, authenticated afresh.
func (rt *crmRouter) serve(ctx context.Context, c *call, ro *route) (int, any, error) {
	header := c.r.Header.Get("Authorization")
	if c.r.Method == http.MethodGet || c.r.Method == http.MethodHead {
		caller, err := rt.s.oauth.Authenticate(ctx, header)
		if err != nil {
			return 0, nil, err
		}
		c.Caller, c.verified = caller, true
		return rt.pass(ctx, c, ro)
	}
	caller, verified, err := rt.s.oauth.AuthenticateCached(ctx, header)
	if err != nil {
		return 0, nil, err
	}
	c.Caller, c.verified = caller, verified
	c.readBody()
	status, body, err := rt.pass(ctx, c, ro)
	if errors.Is(err, errControlMoved) {
		if c.Caller, err = rt.s.oauth.Authenticate(ctx, header); err != nil {
			return 0, nil, err
		}
		c.verified, c.wrote = true, false
		return rt.pass(ctx, c, ro)
	}
	if !c.verified && !c.wrote {
		if _, aerr := rt.s.oauth.Authenticate(ctx, header); aerr != nil {
			return 0, nil, aerr
		}
	}
	return status, body, err
}

// pass takes c through the gate and runs its route; a fault set to answer after the work
// answers in its place.
func (rt *crmRouter) pass(ctx context.Context, c *call, ro *route) (int, any, error) {
	p, err := rt.enter(ctx, c)
	if err != nil {
		return 0, nil, err
	}
	defer p.leave()
	c.gen = p.gen
	status, body, err := ro.serve(ctx, c)
	if p.after != nil && !errors.Is(err, errControlMoved) {
		return 0, nil, p.after.answer()
	}
	return status, body, err
}

// match returns the route for segs and method. When some pattern matches the path but none with
// the method, it returns a nil route and non-nil params.
func (rt *crmRouter) match(segs []string, method string) (*boundRoute, map[string]string) {
	var best []string
	var cands []*boundRoute
	for i := range rt.routes {
		ro := &rt.routes[i]
		if !patternMatches(ro.pattern, segs) {
			continue
		}
		switch cmp := moreSpecific(ro.pattern, best); {
		case best == nil || cmp > 0:
			best, cands = ro.pattern, []*boundRoute{ro}
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
	// wrote: the handler ran a write transaction, which confirmed Caller (call.write).
	wrote bool
	// gen is the control generation the request's gate saw (gate.go).
	gen int64
	// paid: the gate charged the call's credits on an earlier pass (Call.Paid).
	paid   bool
	ctx    context.Context // the request's work: detached from the client, bounded in time
	r      *http.Request
	s      *Server
	params map[string]string
	api    crm.APIVersion // the path's version and what differs under it (crm/version.go)
	segs   []string       // path segments after /crm/{version}/

	decoded map[string]any // the request body as a JSON object (readBody), read before any transaction
	bodyErr error          // why the body could not be read or decoded: answered when a handler asks for it

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
