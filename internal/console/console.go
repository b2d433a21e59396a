// Package console is zcrm's web console, served by zcrm serve at /console/: server-rendered pages
// (html/template, assets embedded in the binary) over the control plane (internal/admin) and the
// same crm services the API uses (records, related lists, contact roles, cadences, enrolments),
// each action one store transaction acting as the org's first Administrator. Its access rule is the
// admin API's: with an admin token set, a session opened by signing in with that token; without
// one, loopback clients only. Every POST is checked for a same-origin Origin (CSRF, on top of the
// SameSite=Strict session cookie).
package console

import (
	"embed"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"

	"github.com/zcrm/zcrm/internal/admin"
	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/journal"
)

// Prefix is the path under which the console is served.
const Prefix = "/console/"

//go:embed templates/*.html static/*
var assets embed.FS

// maxForm bounds a console form's body.
const maxForm = 1 << 20

// Config is what New needs.
type Config struct {
	// Admin runs the control-plane operations; its Store is the database every page reads.
	Admin *admin.Service
	// Journal is the serving process's request journal; nil: the journal page says it is off.
	Journal *journal.Journal
	// Token is the admin token (zcrm serve --admin-token); "" serves loopback clients only.
	Token string
	// Log receives internal errors; nil: slog.Default().
	Log *slog.Logger
}

// Console is the console's http.Handler.
type Console struct {
	cfg   Config
	auth  sessions
	pages *pages
	mux   *http.ServeMux
	log   *slog.Logger
}

// New returns the console, to be mounted at Prefix (Mount).
func New(cfg Config) *Console {
	c := &Console{cfg: cfg, auth: newSessions(cfg.Token), pages: parsePages(), mux: http.NewServeMux(), log: cfg.Log}
	if c.log == nil {
		c.log = slog.Default()
	}
	c.routes()
	return c
}

// Mount returns a handler that serves the console under Prefix and everything else with api.
func Mount(api http.Handler, c *Console) http.Handler {
	mux := http.NewServeMux()
	mux.Handle(Prefix, c)
	mux.Handle("/console", http.RedirectHandler(Prefix, http.StatusMovedPermanently))
	mux.Handle("/", api)
	return mux
}

// routes lists every page and action of the console.
func (c *Console) routes() {
	static, _ := fs.Sub(assets, "static")
	c.mux.Handle("GET /console/static/", http.StripPrefix("/console/static/", http.FileServerFS(static)))
	c.mux.HandleFunc("GET /console/signin", c.signinPage)
	c.mux.HandleFunc("POST /console/signin", c.signin)
	c.mux.HandleFunc("POST /console/signout", c.signout)
	c.mux.HandleFunc("GET /console/{$}", c.home)
	c.mux.HandleFunc("GET /console/switch", c.switchOrg)

	c.mux.HandleFunc("GET /console/orgs", c.orgsPage)
	c.mux.HandleFunc("POST /console/orgs", c.createOrg)
	c.mux.HandleFunc("GET /console/orgs/{org}", c.orgPage)
	c.mux.HandleFunc("POST /console/orgs/{org}/users", c.createUser)
	c.mux.HandleFunc("POST /console/orgs/{org}/profiles", c.createProfile)
	c.mux.HandleFunc("POST /console/orgs/{org}/sharing", c.setSharing)

	c.mux.HandleFunc("GET /console/orgs/{org}/modules/{module}", c.recordsPage)
	c.mux.HandleFunc("GET /console/orgs/{org}/modules/{module}/new", c.newRecordPage)
	c.mux.HandleFunc("POST /console/orgs/{org}/modules/{module}", c.createRecord)
	c.mux.HandleFunc("GET /console/orgs/{org}/modules/{module}/{id}", c.recordPage)
	c.mux.HandleFunc("GET /console/orgs/{org}/modules/{module}/{id}/edit", c.editRecordPage)
	c.mux.HandleFunc("POST /console/orgs/{org}/modules/{module}/{id}", c.updateRecord)
	c.mux.HandleFunc("POST /console/orgs/{org}/modules/{module}/{id}/delete", c.deleteRecord)
	c.mux.HandleFunc("POST /console/orgs/{org}/modules/{module}/{id}/related/{list}", c.linkRelated)
	c.mux.HandleFunc("POST /console/orgs/{org}/modules/{module}/{id}/related/{list}/remove", c.delinkRelated)
	c.mux.HandleFunc("POST /console/orgs/{org}/modules/{module}/{id}/cadences", c.recordEnrol)

	c.mux.HandleFunc("GET /console/orgs/{org}/cadences", c.cadencesPage)
	c.mux.HandleFunc("POST /console/orgs/{org}/cadences", c.createCadence)
	c.mux.HandleFunc("GET /console/orgs/{org}/cadences/{id}", c.cadencePage)
	c.mux.HandleFunc("POST /console/orgs/{org}/cadences/{id}/actions/{action}", c.cadenceAction)
	c.mux.HandleFunc("POST /console/orgs/{org}/cadences/{id}/enrolments", c.cadenceEnrol)

	c.mux.HandleFunc("GET /console/orgs/{org}/oauth", c.oauthPage)
	c.mux.HandleFunc("POST /console/orgs/{org}/oauth/clients", c.createClient)
	c.mux.HandleFunc("POST /console/orgs/{org}/oauth/grants", c.createGrant)
	c.mux.HandleFunc("POST /console/orgs/{org}/oauth/tokens/{id}/revoke", c.revokeToken)

	c.mux.HandleFunc("GET /console/journal", c.journalPage)
	c.mux.HandleFunc("GET /console/journal/entries", c.journalEntries)

	c.mux.HandleFunc("GET /console/control", c.controlPage)
	c.mux.HandleFunc("POST /console/control/clock", c.setClock)
	c.mux.HandleFunc("POST /console/control/faults", c.addFault)
	c.mux.HandleFunc("POST /console/control/faults/{id}/delete", c.deleteFault)
	c.mux.HandleFunc("POST /console/control/limits", c.setLimits)

	c.mux.HandleFunc("GET /console/orgs/{org}/outbox", c.outboxPage)
	c.mux.HandleFunc("POST /console/orgs/{org}/outbox/{id}/reply", c.replyEmail)
}

// ServeHTTP applies the access rule, then the CSRF check on POSTs, then the page's handler.
func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("X-Frame-Options", "DENY")
	w.Header().Set("Referrer-Policy", "same-origin")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'")
	public := strings.HasPrefix(r.URL.Path, "/console/static/") || r.URL.Path == "/console/signin"
	if !public {
		if status, why := c.auth.allow(r); status != 0 {
			c.denied(w, r, status, why)
			return
		}
	}
	if r.Method == http.MethodPost {
		if !sameOrigin(r) {
			c.pages.error(w, r, http.StatusForbidden, "This form did not come from the console's own pages (its Origin header names another site), so it was refused.")
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxForm)
		// The form is read from the wire here, before any page's store transaction starts: the
		// handlers' PostFormValue calls, some inside their write, only look it up.
		if err := r.ParseForm(); err != nil {
			c.pages.error(w, r, http.StatusBadRequest, "The form could not be read.")
			return
		}
	}
	c.mux.ServeHTTP(w, r)
}

// denied answers a request the access rule refuses: the sign-in page for a browser that can sign
// in, otherwise the reason.
func (c *Console) denied(w http.ResponseWriter, r *http.Request, status int, why string) {
	if status == http.StatusUnauthorized && r.Method == http.MethodGet && !strings.HasSuffix(r.URL.Path, "/entries") {
		http.Redirect(w, r, "/console/signin", http.StatusSeeOther)
		return
	}
	c.pages.error(w, r, status, why)
}

func (c *Console) home(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, "/console/orgs", http.StatusSeeOther)
}

// switchOrg is the org switcher's target: the chosen org's page.
func (c *Console) switchOrg(w http.ResponseWriter, r *http.Request) {
	id, ok := crm.ParseID(r.URL.Query().Get("org"))
	if !ok {
		http.Redirect(w, r, "/console/orgs", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/console/orgs/"+crm.FormatID(id), http.StatusSeeOther)
}
