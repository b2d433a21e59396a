package admin

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"

	"github.com/zcrm/zcrm/internal/crm"
)

// Prefix is the path under which the admin API is served, on zcrm's own listener.
const Prefix = "/__zcrm/"

// Error is an admin API error: its HTTP status (4xx) and its body {"code":…,"message":…}.
type Error struct {
	Status  int    `json:"-"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// route is one endpoint: a method and a path whose {name} segments match any one segment.
type route struct {
	method, pattern string
	handle          func(h *handler, w http.ResponseWriter, r *http.Request, params map[string]string) error
}

// routes is the whole admin API.
var routes = []route{
	{http.MethodPost, "/__zcrm/reset", (*handler).reset},
	{http.MethodPost, "/__zcrm/orgs/{org_id}/reset", (*handler).resetOrg},
	{http.MethodPost, "/__zcrm/seed", (*handler).seed},
	{http.MethodGet, "/__zcrm/snapshot", (*handler).snapshot},
	{http.MethodPut, "/__zcrm/snapshot", (*handler).restore},
	{http.MethodGet, "/__zcrm/requests", (*handler).journal},
	{http.MethodDelete, "/__zcrm/requests", (*handler).journal},
	{http.MethodGet, "/__zcrm/clock", (*handler).clock},
	{http.MethodPut, "/__zcrm/clock", (*handler).clock},
	{http.MethodPost, "/__zcrm/clock/advance", (*handler).advanceClock},
	{http.MethodGet, "/__zcrm/emails", (*handler).emails},
	{http.MethodPost, "/__zcrm/emails/{id}/reply", (*handler).replyEmail},
	{http.MethodGet, "/__zcrm/limits", (*handler).limits},
	{http.MethodPut, "/__zcrm/limits", (*handler).limits},
	{http.MethodGet, "/__zcrm/faults", (*handler).faultList},
	{http.MethodPost, "/__zcrm/faults", (*handler).faultAdd},
	{http.MethodDelete, "/__zcrm/faults", (*handler).faultClear},
	{http.MethodDelete, "/__zcrm/faults/{id}", (*handler).faultDelete},
}

type handler struct {
	svc  *Service
	hash [sha256.Size]byte // of the admin token; zero when none is set
	auth bool              // an admin token is set
	log  *slog.Logger
	// requests serves the request journal (package journal) at /__zcrm/requests; nil: none.
	requests http.Handler
}

// NewHandler returns the admin API (routes, under Prefix). With a non-empty token every request
// needs "Authorization: Bearer <token>" (401 otherwise); without one only loopback clients, judged
// by the connection's address, are served (403 otherwise). Internal errors go to log (nil:
// slog.Default()); the token is never logged. requests, when not nil, answers GET and DELETE
// /__zcrm/requests (the request journal's handler).
func NewHandler(svc *Service, token string, log *slog.Logger, requests http.Handler) http.Handler {
	h := &handler{svc: svc, log: log, requests: requests}
	if token != "" {
		h.auth, h.hash = true, sha256.Sum256([]byte(token))
	}
	if h.log == nil {
		h.log = slog.Default()
	}
	return h
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := h.allow(r); err != nil {
		h.writeError(w, r, err)
		return
	}
	rt, params, err := match(r)
	if err == nil {
		err = rt.handle(h, w, r, params)
	}
	if err != nil {
		h.writeError(w, r, err)
	}
}

// allow applies the access rule: the admin token when one is set, otherwise a loopback client.
func (h *handler) allow(r *http.Request) error {
	if h.auth {
		scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
			return &Error{http.StatusUnauthorized, "UNAUTHORIZED", "the admin API needs Authorization: Bearer <admin token>"}
		}
		// Hashes have one length, so the comparison's time tells nothing of the token's.
		got := sha256.Sum256([]byte(strings.TrimSpace(token)))
		if subtle.ConstantTimeCompare(got[:], h.hash[:]) != 1 {
			return &Error{http.StatusUnauthorized, "UNAUTHORIZED", "invalid admin token"}
		}
		return nil
	}
	if !Loopback(r.RemoteAddr) {
		return &Error{http.StatusForbidden, "FORBIDDEN", "the admin API serves loopback clients only; set --admin-token (ZCRM_ADMIN_TOKEN) to reach it from elsewhere"}
	}
	return nil
}

// readBody reads r's body, before any transaction; one over the server's body limit is 413
// REQUEST_TOO_LARGE naming what (e.g. "a fixture").
func readBody(r *http.Request, what string) ([]byte, error) {
	doc, err := io.ReadAll(r.Body)
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return nil, &Error{http.StatusRequestEntityTooLarge, "REQUEST_TOO_LARGE", fmt.Sprintf("%s is at most %d bytes", what, tooBig.Limit)}
	}
	return doc, err
}

// journal hands /__zcrm/requests to the request journal.
func (h *handler) journal(w http.ResponseWriter, r *http.Request, _ map[string]string) error {
	if h.requests == nil {
		return &Error{http.StatusNotFound, "NOT_FOUND", "the request journal is off"}
	}
	h.requests.ServeHTTP(w, r)
	return nil
}

// Loopback reports whether a connection's remote address ("host:port") is a loopback address:
// the admin API's (and the console's) rule without an admin token.
func Loopback(remoteAddr string) bool {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		return false
	}
	host, _, _ = strings.Cut(host, "%") // an IPv6 zone
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// match returns the route of r and its path parameters: 404 for a path no route has, 405 for a
// path served under another method.
func match(r *http.Request) (route, map[string]string, error) {
	var allowed []string
	for _, rt := range routes {
		params, ok := matchPath(rt.pattern, r.URL.Path)
		if !ok {
			continue
		}
		if rt.method == r.Method {
			return rt, params, nil
		}
		allowed = append(allowed, rt.method)
	}
	if len(allowed) > 0 {
		return route{}, nil, &methodError{allowed: allowed, method: r.Method}
	}
	return route{}, nil, &Error{http.StatusNotFound, "NOT_FOUND", "no admin endpoint " + r.URL.Path}
}

// methodError is a 405; it carries the methods the path takes, for the Allow header.
type methodError struct {
	allowed []string
	method  string
}

func (e *methodError) Error() string { return "method not allowed" }

func matchPath(pattern, path string) (map[string]string, bool) {
	ps, xs := strings.Split(pattern, "/"), strings.Split(path, "/")
	if len(ps) != len(xs) {
		return nil, false
	}
	params := map[string]string{}
	for i, p := range ps {
		if name, ok := strings.CutPrefix(p, "{"); ok && xs[i] != "" {
			params[strings.TrimSuffix(name, "}")] = xs[i]
		} else if p != xs[i] {
			return nil, false
		}
	}
	return params, true
}

// reset answers POST /__zcrm/reset[?keep=auth].
func (h *handler) reset(w http.ResponseWriter, r *http.Request, _ map[string]string) error {
	var org crm.Org
	var err error
	switch keep := r.URL.Query().Get("keep"); keep {
	case "":
		org, err = h.svc.Reset(r.Context())
	case "auth":
		org, err = h.svc.ResetKeepAuth(r.Context())
	default:
		return &Error{http.StatusBadRequest, "INVALID_DATA", fmt.Sprintf("keep must be auth, not %q", keep)}
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, OrgAnswer(org))
	return nil
}

// resetOrg answers POST /__zcrm/orgs/{org_id}/reset.
func (h *handler) resetOrg(w http.ResponseWriter, r *http.Request, params map[string]string) error {
	notFound := &Error{http.StatusNotFound, "NOT_FOUND", "no org " + params["org_id"]}
	id, ok := crm.ParseID(params["org_id"])
	if !ok {
		return notFound
	}
	org, err := h.svc.ResetOrg(r.Context(), id)
	if errors.Is(err, crm.ErrNotFound) {
		return notFound
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, OrgAnswer(org))
	return nil
}

// writeError answers err: an *Error as it is, a 405 with its Allow header, anything else a logged
// 500 INTERNAL_ERROR that says nothing of its cause.
func (h *handler) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var e *Error
	var me *methodError
	switch {
	case errors.As(err, &e):
	case errors.As(err, &me):
		w.Header().Set("Allow", strings.Join(me.allowed, ", "))
		e = &Error{http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED", fmt.Sprintf("%s does not take %s; it takes %s", r.URL.Path, me.method, strings.Join(me.allowed, ", "))}
	default:
		h.log.LogAttrs(r.Context(), slog.LevelError, "admin request failed", slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Any("err", err))
		e = &Error{http.StatusInternalServerError, "INTERNAL_ERROR", "internal error"}
	}
	if e.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="zcrm admin"`)
	}
	writeJSON(w, e.Status, e)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil { // the values written here always encode
		status, body = http.StatusInternalServerError, []byte(`{"code":"INTERNAL_ERROR","message":"internal error"}`)
	}
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	w.WriteHeader(status)
	w.Write(body)
}
