// Package httpapi serves zcrm over HTTP: the Zoho CRM REST API under /crm/{version}/, the accounts
// endpoints under /oauth/v2/, /healthz, /readyz and /metrics. Handlers stay thin: decode, check
// access, call the crm service inside one transaction, encode. Every response goes through the one
// envelope writer.
package httpapi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/journal"
	"github.com/zcrm/zcrm/internal/oauth"
	"github.com/zcrm/zcrm/internal/store"
)

// Store is what the server needs from the storage layer.
type Store interface {
	crm.Store
	// SchemaVersion returns the highest migration applied to the database (GET /readyz).
	SchemaVersion(ctx context.Context) (int, error)
}

// Deps are the server's collaborators.
type Deps struct {
	Store Store
	// PublicURL is this server's base URL as clients reach it; the token endpoint returns it as api_domain.
	PublicURL string
	// Logger receives the access log (at Info) and internal errors (at Error), the server's and the
	// accounts endpoints'. nil discards the access log and sends internal errors to slog.Default().
	// No line carries a query string, a header or a request parameter (they hold tokens and secrets).
	Logger *slog.Logger
	// Debug, when set, serves /debug/pprof/ and every path under it (zcrm serve --pprof mounts
	// net/http/pprof there); nil leaves those paths unknown (404 INVALID_URL_PATTERN).
	Debug http.Handler
	// Admin, when set, serves the control plane (internal/admin) at /__zcrm/ and every path under
	// it, with its own access rule and error shape; nil leaves those paths unknown.
	Admin http.Handler
	// RequestTimeout bounds the work of one CRM request once its body is read (default
	// DefaultLimits.WriteTimeout, past which its answer could not be written anyway); the work goes
	// on when the client goes away, so it is never left half done.
	RequestTimeout time.Duration
	// Journal, when set, records every CRM and accounts request (package journal); nil records none.
	Journal *journal.Journal
	// Limits applies Zoho's API limits to CRM calls (gate.go); nil applies none.
	Limits Admitter
}

// Server is the zcrm HTTP handler.
type Server struct {
	store        Store
	oauth        *oauth.Service
	handler      http.Handler
	cadenceLists listCache
	log          *slog.Logger // Deps.Logger
	metrics      *metrics
	faults       *faultSet // the control plane's fault rules (faults.go)
	limits       Admitter  // Deps.Limits
}

// dispatch sends a /crm/… path straight to crm, sparing the hot path ServeMux's pattern matching,
// and everything else to mux. An unclean path (an empty, "." or ".." segment) is answered like any
// unknown one, 404 INVALID_URL_PATTERN, where ServeMux would redirect to its cleaned form.
func dispatch(crmAPI, mux http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		switch {
		case r.Method == http.MethodConnect:
			mux.ServeHTTP(w, r)
		case unclean(p):
			writeError(w, r, crm.ErrURLPattern())
		case strings.HasPrefix(p, "/crm/"):
			crmAPI.ServeHTTP(w, r)
		default:
			mux.ServeHTTP(w, r)
		}
	})
}

// unclean reports whether path has an empty, "." or ".." segment (a trailing slash is clean).
func unclean(path string) bool {
	if strings.Contains(path, "//") {
		return true
	}
	for seg := range strings.SplitSeq(path, "/") {
		if seg == "." || seg == ".." {
			return true
		}
	}
	return false
}

// NewServer returns the zcrm HTTP handler.
func NewServer(d Deps) *Server {
	s := &Server{store: d.Store, oauth: &oauth.Service{Store: d.Store, PublicURL: strings.TrimSuffix(d.PublicURL, "/"), Logger: withRequestID(d.Logger)}, log: d.Logger, metrics: newMetrics(),
		faults: newFaultSet(d.Store), limits: d.Limits}
	s.oauth.Limits, _ = d.Limits.(oauth.TokenLimiter) // Zoho's token limits apply where its API limits do
	s.metrics.register(s)
	mux := http.NewServeMux()
	timeout := d.RequestTimeout
	if timeout <= 0 {
		timeout = DefaultLimits.WriteTimeout
	}
	crmAPI := newCRMRouter(s, s.crmRoutes(), timeout)
	mux.Handle("/crm/", crmAPI)
	s.oauth.Register(mux, s.faultAccounts)
	mux.HandleFunc("/healthz", s.healthz)
	mux.HandleFunc("/readyz", s.readyz)
	mux.Handle("/metrics", s.metrics.handler(s))
	if d.Debug != nil {
		mux.Handle("/debug/pprof/", d.Debug)
	}
	if d.Admin != nil {
		mux.Handle("/__zcrm/", d.Admin)
	}
	for _, p := range []string{oauth.TokenPath, oauth.AuthPath, oauth.RevokePath, "/healthz", "/readyz", "/metrics", "/debug/pprof/", "/__zcrm/"} {
		s.metrics.route(p) // a ServeMux pattern is its route's label
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { writeError(w, r, crm.ErrURLPattern()) })
	s.handler = middleware(dispatch(crmAPI, mux), d.Logger, s.metrics, d.Journal)
	return s
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// OAuth returns the server's token service.
func (s *Server) OAuth() *oauth.Service { return s.oauth }

// errorLog returns where the server's internal errors go.
func (s *Server) errorLog() *slog.Logger {
	if s.log != nil {
		return s.log
	}
	return slog.Default()
}

// probeTimeout bounds the database work of /healthz and /readyz: a database that hangs is down.
const probeTimeout = 5 * time.Second

// healthz answers GET /healthz: 200 {"status":"ok"} when the store serves a query on a migrated
// table (one indexed read, as every request makes), else 503 {"status":"unavailable"}, the reason
// logged at Warn. A bare ping would pass on a database whose tables are gone.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), probeTimeout)
	defer cancel()
	_, err := s.store.OrgVersion(ctx, 0)
	if errors.Is(err, crm.ErrNotFound) {
		err = nil
	}
	s.probeAnswer(w, r, err)
}

// readyz answers GET /readyz: 200 {"status":"ok"} when every migration this build carries is
// applied and a read transaction answers a query on a migrated table, else 503
// {"status":"unavailable"}, the reason logged at Warn.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), probeTimeout)
	defer cancel()
	v, err := s.store.SchemaVersion(ctx)
	if err == nil && v < store.KnownSchemaVersion() {
		err = fmt.Errorf("schema version %d, want %d: migrations pending", v, store.KnownSchemaVersion())
	}
	if err == nil {
		err = s.store.Read(ctx, func(tx crm.Tx) error {
			_, err := tx.OrgVersion(ctx, 0)
			if errors.Is(err, crm.ErrNotFound) {
				return nil
			}
			return err
		})
	}
	s.probeAnswer(w, r, err)
}

func (s *Server) probeAnswer(w http.ResponseWriter, r *http.Request, err error) {
	if err != nil {
		s.errorLog().LogAttrs(r.Context(), slog.LevelWarn, "store unavailable", slog.String("probe", r.URL.Path), slog.Any("err", err))
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}
