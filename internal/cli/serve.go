package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/zcrm/zcrm/internal/admin"
	"github.com/zcrm/zcrm/internal/console"
	"github.com/zcrm/zcrm/internal/engine"
	"github.com/zcrm/zcrm/internal/httpapi"
	"github.com/zcrm/zcrm/internal/journal"
	apilimits "github.com/zcrm/zcrm/internal/limits"
	"github.com/zcrm/zcrm/internal/store"
)

func runServe(ctx context.Context, e env, args []string) error {
	var dsn, addr, publicURL, sync, adminToken string
	var maxConns int
	var connIdle time.Duration
	fs := flags(e, "serve", &dsn)
	fs.StringVar(&addr, "addr", envOr(e, "ZCRM_ADDR", "127.0.0.1:8080"), "listen address (env ZCRM_ADDR)")
	fs.StringVar(&publicURL, "public-url", e.getenv("ZCRM_PUBLIC_URL"), "base URL returned as api_domain (default http://<addr>; env ZCRM_PUBLIC_URL)")
	fs.StringVar(&sync, "sqlite-synchronous", envOr(e, "ZCRM_SQLITE_SYNCHRONOUS", "full"), "SQLite durability: full (survives power loss) or normal (faster)")
	fs.IntVar(&maxConns, "db-max-conns", 0, "database connection pool size (default 8 for SQLite readers, 16 for PostgreSQL)")
	fs.DurationVar(&connIdle, "db-conn-idle", 5*time.Minute, "close pooled database connections idle this long")
	journalSize := fs.Int("journal-size", -1, "request journal entries kept, newest first (0: no journal; default 10000 on SQLite, in memory, and 0 on PostgreSQL)")
	// No environment default: -h prints defaults, and the token is a secret.
	fs.StringVar(&adminToken, "admin-token", "", "serve the admin API (/__zcrm/) to callers sending Authorization: Bearer <this token> (env ZCRM_ADMIN_TOKEN); unset: to loopback clients only")
	limitsMode := fs.String("limits", envOr(e, "ZCRM_LIMITS", "off"), "Zoho's API limits: off, or zoho (concurrent calls and 24-hour credits per org by edition, token refresh throttle; env ZCRM_LIMITS); PUT /__zcrm/limits changes them at runtime")
	seedFile := fs.String("seed", "", "apply this fixture file (as zcrm seed) at start when the database has no records yet")
	smtpAddr := fs.String("smtp", e.getenv("ZCRM_SMTP"), "deliver cadence emails to this SMTP server (host:port, e.g. a local Mailpit; env ZCRM_SMTP); unset: they stay in the outbox, GET /__zcrm/emails")
	engineTick := fs.Duration("engine-interval", time.Second, "how often the cadence engine runs due follow-ups in real time (a clock move runs them at once)")
	var tw throwaway // --temp, --token-out (throwaway.go)
	tw.register(fs)
	limits := httpapi.DefaultLimits
	fs.DurationVar(&limits.ReadHeaderTimeout, "read-header-timeout", limits.ReadHeaderTimeout, "time a client has to send a request's headers")
	fs.DurationVar(&limits.ReadTimeout, "read-timeout", limits.ReadTimeout, "time a client has to send a whole request, body included")
	fs.DurationVar(&limits.WriteTimeout, "write-timeout", limits.WriteTimeout, "time a request has from its headers to the end of its answer")
	fs.DurationVar(&limits.IdleTimeout, "idle-timeout", limits.IdleTimeout, "close keep-alive connections idle this long")
	fs.IntVar(&limits.MaxHeaderBytes, "max-header-bytes", limits.MaxHeaderBytes, "largest request headers accepted")
	fs.IntVar(&limits.MaxConns, "max-conns", 0, "most client connections open at once (0: no limit)")
	var obs observability // --log-format, --log-level, --pprof (observe.go)
	obs.flags(e, fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if adminToken == "" {
		adminToken = e.getenv("ZCRM_ADMIN_TOKEN")
	}
	if err := limits.Validate(); err != nil {
		return err
	}
	if err := tw.database(fs, &dsn); err != nil {
		return err
	}
	defer tw.close()
	tuneGC(e)
	log, err := obs.logger(e.stderr)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	if publicURL == "" {
		publicURL = "http://" + ln.Addr().String()
	}
	db, org, err := serveStore(ctx, dsn, store.Options{Synchronous: sync, MaxConns: maxConns, ConnMaxIdle: connIdle})
	if err != nil {
		return err
	}
	defer db.Close()
	if err := seedAtStart(ctx, e, db, *seedFile); err != nil {
		return err
	}
	limiter, err := apilimits.Start(ctx, db, *limitsMode)
	if err != nil {
		return err
	}
	jr := journal.New(db, journal.SizeFor(db, *journalSize), log)
	defer jr.Close() // after the server's shutdown: its last requests are written
	if *engineTick <= 0 {
		return fmt.Errorf("--engine-interval must be positive, not %s", *engineTick)
	}
	eng := &engine.Engine{Store: db, SMTP: *smtpAddr, Log: log}
	adminSvc := &admin.Service{Store: db, Journal: jr, Engine: eng}
	api := httpapi.NewServer(httpapi.Deps{Store: db, PublicURL: publicURL, Logger: log, Debug: obs.debug(), RequestTimeout: limits.WriteTimeout, Journal: jr, Limits: limiter,
		Admin: admin.NewHandler(adminSvc, adminToken, log, jr.Handler())})
	// The console (/console/) sits beside the admin API, under the same access rule.
	srv := limits.Server(console.Mount(api, console.New(console.Config{Admin: adminSvc, Journal: jr, Token: adminToken, Log: log})))
	engineCtx, stopEngine := context.WithCancel(context.WithoutCancel(ctx))
	engineDone := make(chan struct{})
	go func() { defer close(engineDone); eng.Run(engineCtx, *engineTick) }()
	defer func() { stopEngine(); <-engineDone }()
	fmt.Fprintf(e.stderr, "zcrm %s listening on %s (store: %s %s, default org %d)\n", Version, publicURL, db.Dialect(), redactDSN(dsn), org.ID)
	if !store.IsMemory(dsn) { // no other process reaches it: --token-out's note says where the token is
		fmt.Fprint(e.stderr, howToCall(publicURL, dsn))
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(limits.Listener(ln)) }()
	if err := tw.writeToken(ctx, db, org); err != nil {
		srv.Close()
		return err
	}
	fmt.Fprint(e.stderr, tw.tokenNote())
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return err
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func envOr(e env, key, def string) string {
	if v := e.getenv(key); v != "" {
		return v
	}
	return def
}

// self returns how to invoke this binary again: its path when it is an installed zcrm, otherwise
// "go run ./cmd/zcrm" (a go run binary lives in a temporary directory that disappears).
func self() string {
	exe, err := os.Executable()
	if err != nil || strings.Contains(exe, "go-build") {
		return "go run ./cmd/zcrm"
	}
	if rel, err := filepath.Rel(".", exe); err == nil && !strings.HasPrefix(rel, "..") {
		return "./" + rel
	}
	return exe
}

// howToCall is the banner's ready-to-paste token command and call. Its scopes are the README
// walkthrough's (e2e/readme_test.go checks both), and include ZohoCRM.users.READ for the call.
func howToCall(publicURL, dsn string) string {
	return fmt.Sprintf(`Get a token for admin@zcrm.local and call the API:
  TOKEN=$(%s token --db '%s' --scope ZohoCRM.modules.ALL,ZohoCRM.settings.ALL,ZohoCRM.users.READ,ZohoCRM.org.READ | sed -E 's/.*"access_token":"([^"]+)".*/\1/')
  curl -s -H "Authorization: Zoho-oauthtoken $TOKEN" '%s/crm/v8/users?type=CurrentUser'
`, self(), dsn, publicURL)
}

// redactDSN hides a PostgreSQL password.
func redactDSN(dsn string) string {
	if !store.IsPostgres(dsn) {
		return dsn
	}
	if i, j := strings.Index(dsn, "://"), strings.LastIndex(dsn, "@"); i >= 0 && j > i {
		if k := strings.Index(dsn[i+3:j], ":"); k >= 0 {
			return dsn[:i+3+k] + ":***" + dsn[j:]
		}
	}
	return dsn
}
