// Package zcrmtest runs zcrm, the Zoho CRM–compatible server, inside a Go test: NewServer starts it
// on a loopback port with a fresh database (an SQLite file in a temporary directory, or a fresh
// PostgreSQL schema), and returns its base URL, a ready *client.Client acting as the default org's
// Administrator with every scope, and helpers to create orgs, users, OAuth clients, grant codes,
// tokens and records. Code that talks to Zoho CRM can then be tested in milliseconds, offline:
//
//	func TestSync(t *testing.T) {
//		srv := zcrmtest.NewServer(t)
//		id := srv.CreateRecord(srv.Admin, "Contacts", map[string]any{"Last_Name": "Lovelace"})
//		rec, err := srv.Client.Record(context.Background(), "Contacts", id, "Last_Name")
//		…
//	}
//
// Outside tests (examples, TestMain, tools), Start returns a server the caller must Close.
package zcrmtest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zcrm/zcrm/client"
	"github.com/zcrm/zcrm/internal/admin"
	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/engine"
	"github.com/zcrm/zcrm/internal/httpapi"
	"github.com/zcrm/zcrm/internal/journal"
	"github.com/zcrm/zcrm/internal/limits"
	"github.com/zcrm/zcrm/internal/oauth"
	"github.com/zcrm/zcrm/internal/store"
)

// FullScope is every scope zcrm serves: records and related data, settings (cadences, metadata),
// users and the org.
var FullScope = []string{"ZohoCRM.modules.ALL", "ZohoCRM.settings.ALL", "ZohoCRM.users.ALL", "ZohoCRM.org.ALL"}

// Org is an organisation of the server. Ids are decimal strings, as on the wire.
type Org struct {
	ID      string // the org id, e.g. "5725767000000100001"
	Name    string // the company name
	Edition string // free, standard, professional, enterprise or ultimate
}

// User is a user of an org.
type User struct {
	ID      string // the user id
	OrgID   string // the id of the user's org
	Email   string // the login, e.g. admin@zcrm.local
	Profile string // Administrator, Standard or a custom profile
}

// Server is a running zcrm. Its helpers fail the test (NewServer) or panic (Start) on error.
type Server struct {
	// URL is the base URL of the API (/crm/…) and accounts (/oauth/v2/…) endpoints, and the
	// api_domain of the tokens it issues, e.g. http://127.0.0.1:49152.
	URL string
	// Client acts as Admin with FullScope through a real OAuth client (so it can refresh), on
	// the server's clock.
	Client *client.Client
	// Org is the default org (Enterprise edition); Admin its Administrator (admin@zcrm.local).
	Org   Org
	Admin User
	// ClientID and ClientSecret are the self client behind Client and the Token and GrantCode
	// helpers. It belongs to the default org, to every org CreateOrg makes, and to the org of
	// every user those helpers use it for.
	ClientID, ClientSecret string

	tb       testing.TB
	db       *store.DB
	admin    *admin.Service
	journal  *journal.Journal
	srv      *http.Server
	http     *http.Client
	cleanup  []func() error
	once     sync.Once
	closeErr error
	connMu   sync.Mutex
	conns    map[net.Conn]http.ConnState
	snaps    snapshotIdentities // Snapshot and Restore
}

// Option configures a server.
type Option func(*config)

type config struct {
	now      func() time.Time
	dsn      string
	postgres string
	logger   *slog.Logger
}

// WithClock sets the server's clock (default time.Now); Server.Client uses it too. Use a *Clock
// to move time forward.
func WithClock(now func() time.Time) Option { return func(c *config) { c.now = now } }

// WithDatabase runs on an existing database: an SQLite file path or a postgres:// URL. It is
// migrated but neither emptied nor removed afterwards.
func WithDatabase(dsn string) Option { return func(c *config) { c.dsn = dsn } }

// WithPostgres runs on a fresh schema of the PostgreSQL server at url (e.g.
// postgres://postgres@127.0.0.1:5432/test?sslmode=disable), dropped when the server closes.
func WithPostgres(url string) Option { return func(c *config) { c.postgres = url } }

// WithLogger receives the server's access log (default: none).
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.logger = l } }

// NewServer starts a server for the test and stops it, removing its database, when the test ends.
// It fails the test when the server cannot start.
func NewServer(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	s, err := Start(opts...)
	if err != nil {
		tb.Fatalf("zcrmtest: %v", err)
	}
	s.tb = tb
	tb.Cleanup(func() {
		if err := s.Close(); err != nil {
			tb.Errorf("zcrmtest: close: %v", err)
		}
	})
	return s
}

// Start starts a server; the caller must Close it.
func Start(opts ...Option) (s *Server, err error) {
	cfg := config{now: time.Now}
	for _, o := range opts {
		if o != nil { // a nil Option is a no-op, handy for optional settings
			o(&cfg)
		}
	}
	s = &Server{}
	defer func() {
		if err != nil {
			s.Close()
			s = nil
		}
	}()
	dsn, err := s.database(cfg)
	if err != nil {
		return nil, err
	}
	ctx := context.Background()
	if s.db, err = store.Open(ctx, dsn, store.Options{Now: cfg.now, Synchronous: "normal"}); err != nil {
		return nil, err
	}
	s.cleanup = append(s.cleanup, s.db.Close)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s.URL = "http://" + ln.Addr().String()
	s.journal = journal.New(s.db, journal.DefaultSize, cfg.logger) // on both databases: Requests
	s.cleanup = append(s.cleanup, s.journal.Close)
	eng := &engine.Engine{Store: s.db, Log: cfg.logger}
	s.admin = &admin.Service{Store: s.db, Journal: s.journal, Engine: eng}
	engineCtx, stopEngine := context.WithCancel(context.Background())
	engineDone := make(chan struct{})
	go func() { defer close(engineDone); eng.Run(engineCtx, 200*time.Millisecond) }()
	s.cleanup = append(s.cleanup, func() error { stopEngine(); <-engineDone; return nil })
	s.srv = httpapi.DefaultLimits.Server(httpapi.NewServer(httpapi.Deps{Store: s.db, PublicURL: s.URL, Logger: cfg.logger, Limits: limits.New(s.db),
		Journal: s.journal, Admin: admin.NewHandler(s.admin, "", cfg.logger, s.journal.Handler())}))
	s.srv.ConnState = s.track
	go s.srv.Serve(ln)
	s.cleanup = append(s.cleanup, s.stop)
	s.http = &http.Client{Transport: &http.Transport{Proxy: nil, MaxIdleConnsPerHost: 32}, Timeout: time.Minute}
	s.cleanup = append(s.cleanup, func() error { s.http.CloseIdleConnections(); return nil })

	if err := s.welcome(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// welcome sets Org, Admin, ClientID, ClientSecret and Client up on a database whose default org
// may not exist yet (a fresh one, or one just reset).
func (s *Server) welcome(ctx context.Context) error {
	var org crm.Org
	var admin crm.User
	err := s.db.Write(ctx, func(tx crm.Tx) error {
		var err error
		if org, err = crm.EnsureDefaultOrg(ctx, tx); err != nil {
			return err
		}
		if admin, err = tx.FirstAdmin(ctx, org.ID); err != nil {
			return err
		}
		s.ClientID, s.ClientSecret, err = oauth.CreateClient(ctx, tx, org.ID, "zcrmtest")
		return err
	})
	if err != nil {
		return err
	}
	s.Org = orgOf(org)
	s.Admin = userOf(admin, crm.ProfileAdministrator)
	s.Client, err = s.newClient(s.Admin, FullScope)
	return err
}

// database returns the DSN to open, preparing a fresh SQLite directory or PostgreSQL schema.
func (s *Server) database(cfg config) (string, error) {
	switch {
	case cfg.dsn != "":
		return cfg.dsn, nil
	case cfg.postgres != "":
		return s.freshSchema(cfg.postgres)
	}
	dir, err := os.MkdirTemp("", "zcrmtest-")
	if err != nil {
		return "", err
	}
	s.cleanup = append(s.cleanup, func() error { return os.RemoveAll(dir) })
	return filepath.Join(dir, "zcrm.db"), nil
}

// freshSchema creates a schema on the PostgreSQL server and returns a URL that uses it; the
// schema is dropped on Close.
func (s *Server) freshSchema(base string) (string, error) {
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return "", err
	}
	defer admin.Close()
	schema := "zcrmtest_" + strings.ToLower(strings.ReplaceAll(oauth.NewSecret()[:12], "-", ""))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := admin.ExecContext(ctx, `CREATE SCHEMA `+schema); err != nil {
		return "", fmt.Errorf("create schema: %w", err)
	}
	s.cleanup = append(s.cleanup, func() error {
		db, err := sql.Open("pgx", base)
		if err != nil {
			return err
		}
		defer db.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, err = db.ExecContext(ctx, `DROP SCHEMA `+schema+` CASCADE`)
		return err
	})
	u, err := url.Parse(base)
	if err != nil {
		return "", err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// track remembers each connection's state, so stop can close the ones that never sent a request.
func (s *Server) track(c net.Conn, st http.ConnState) {
	s.connMu.Lock()
	defer s.connMu.Unlock()
	if s.conns == nil {
		s.conns = map[net.Conn]http.ConnState{}
	}
	if st == http.StateClosed || st == http.StateHijacked {
		delete(s.conns, c)
	} else {
		s.conns[c] = st
	}
}

// stop shuts the HTTP server down: requests in flight may finish (for a few seconds), connections
// a client opened but never used are closed at once (http.Server.Shutdown would wait five seconds
// for them), and whatever is left after the grace period is closed.
func (s *Server) stop() error {
	s.srv.SetKeepAlivesEnabled(false)
	s.connMu.Lock()
	for c, st := range s.conns {
		if st == http.StateNew || st == http.StateIdle {
			c.Close()
		}
	}
	s.connMu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := s.srv.Shutdown(ctx); errors.Is(err, context.DeadlineExceeded) {
		return s.srv.Close()
	} else if err != nil {
		return err
	}
	return nil
}

// Close stops the server and removes its temporary database. Calling it again does nothing.
func (s *Server) Close() error {
	s.once.Do(func() {
		var errs []error
		for i := len(s.cleanup) - 1; i >= 0; i-- {
			if err := s.cleanup[i](); err != nil && !errors.Is(err, http.ErrServerClosed) {
				errs = append(errs, err)
			}
		}
		s.closeErr = errors.Join(errs...)
	})
	return s.closeErr
}

// Now returns the server's clock reading: WithClock's time as the control plane's clock moves it
// (SetClock, AdvanceClock).
func (s *Server) Now() time.Time { return s.db.Now() }

// HTTPClient returns the HTTP client the server's clients use (no proxy, closed with the server).
func (s *Server) HTTPClient() *http.Client { return s.http }

// fail reports an error of a helper: it fails the test, or panics outside tests.
func (s *Server) fail(err error) {
	if s.tb != nil {
		s.tb.Helper()
		s.tb.Fatalf("zcrmtest: %v", err)
		return
	}
	panic("zcrmtest: " + err.Error())
}

// write runs fn in a store transaction.
func (s *Server) write(fn func(ctx context.Context, tx crm.Tx) error) error {
	ctx := context.Background()
	return s.db.Write(ctx, func(tx crm.Tx) error { return fn(ctx, tx) })
}

func orgOf(o crm.Org) Org {
	return Org{ID: crm.FormatID(o.ID), Name: o.Name, Edition: string(o.Edition)}
}

func userOf(u crm.User, profile string) User {
	return User{ID: crm.FormatID(u.ID), OrgID: crm.FormatID(u.OrgID), Email: u.Email, Profile: profile}
}

// ids parses wire ids for the store.
func parseID(kind, s string) (int64, error) {
	id, ok := crm.ParseID(s)
	if !ok {
		return 0, fmt.Errorf("invalid %s id %q", kind, s)
	}
	return id, nil
}
