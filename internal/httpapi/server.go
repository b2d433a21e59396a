// Package httpapi serves zcrm over HTTP: the Zoho CRM REST API under /crm/{version}/, the accounts
// endpoints under /oauth/v2/, and /healthz. Handlers stay thin: decode, check access, call the crm
// service inside one transaction, encode. Every response goes through the one envelope writer.
package httpapi

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/oauth"
)

// Store is what the server needs from the storage layer.
type Store interface {
	crm.Store
	Ping(ctx context.Context) error
}

// Deps are the server's collaborators.
type Deps struct {
	Store Store
	// PublicURL is this server's base URL as clients reach it; the token endpoint returns it as api_domain.
	PublicURL string
	// Logger receives the access log and internal errors; nil discards the access log.
	Logger *slog.Logger
	// RequestTimeout bounds the work of one CRM request once its body is read (default
	// DefaultLimits.WriteTimeout, past which its answer could not be written anyway); the work goes
	// on when the client goes away, so it is never left half done.
	RequestTimeout time.Duration
}

// Server is the zcrm HTTP handler.
type Server struct {
	store        Store
	oauth        *oauth.Service
	handler      http.Handler
	cadenceLists listCache
}

// dispatch sends a clean /crm/… path straight to crm, sparing the hot path ServeMux's pattern
// matching; everything else (and an unclean path, which the mux redirects) goes to mux.
func dispatch(crm, mux http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p := r.URL.Path; strings.HasPrefix(p, "/crm/") && !strings.Contains(p, "//") && !strings.Contains(p, "/.") && r.Method != http.MethodConnect {
			crm.ServeHTTP(w, r)
			return
		}
		mux.ServeHTTP(w, r)
	})
}

// NewServer returns the zcrm HTTP handler.
func NewServer(d Deps) *Server {
	s := &Server{store: d.Store, oauth: &oauth.Service{Store: d.Store, PublicURL: strings.TrimSuffix(d.PublicURL, "/")}}
	mux := http.NewServeMux()
	timeout := d.RequestTimeout
	if timeout <= 0 {
		timeout = DefaultLimits.WriteTimeout
	}
	crmAPI := newCRMRouter(s, s.crmRoutes(), timeout)
	mux.Handle("/crm/", crmAPI)
	s.oauth.Register(mux)
	mux.HandleFunc("/healthz", s.healthz)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { writeError(w, r, crm.ErrURLPattern()) })
	s.handler = middleware(dispatch(crmAPI, mux), d.Logger)
	return s
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// OAuth returns the server's token service.
func (s *Server) OAuth() *oauth.Service { return s.oauth }

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	if err := s.store.Ping(r.Context()); err != nil {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}
