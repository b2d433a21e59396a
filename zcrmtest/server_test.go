package zcrmtest_test

import (
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zcrm/zcrm/client"
	"github.com/zcrm/zcrm/internal/store/storetest"
	"github.com/zcrm/zcrm/zcrmtest"
)

func backends(t *testing.T, fn func(t *testing.T, db zcrmtest.Option)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, nil) })
	t.Run("postgres", func(t *testing.T) {
		fn(t, zcrmtest.WithPostgres(storetest.PostgresURL(t)))
	})
}

// A new server has the default org, its admin and a client acting as the admin with every scope.
func TestNewServer(t *testing.T) {
	backends(t, func(t *testing.T, db zcrmtest.Option) {
		srv := zcrmtest.NewServer(t, db)
		if !strings.HasPrefix(srv.URL, "http://127.0.0.1:") {
			t.Fatalf("URL = %s, want a loopback URL", srv.URL)
		}
		if srv.Org.Edition != "enterprise" || srv.Admin.Email != "admin@zcrm.local" || srv.Admin.Profile != "Administrator" || srv.Admin.OrgID != srv.Org.ID {
			t.Fatalf("org = %+v, admin = %+v", srv.Org, srv.Admin)
		}
		tok, err := srv.Client.Token(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if tok.RefreshToken == "" || tok.APIDomain != srv.URL || strings.Join(tok.Scopes(), ",") != strings.Join(zcrmtest.FullScope, ",") {
			t.Fatalf("token = %+v", tok)
		}
		me, err := srv.Client.CurrentUser(t.Context())
		if err != nil || me.ID != srv.Admin.ID {
			t.Fatalf("current user = %+v, %v", me, err)
		}
		res, err := http.Get(srv.URL + "/healthz")
		if err != nil || res.StatusCode != 200 {
			t.Fatalf("healthz = %v, %v", res, err)
		}
		res.Body.Close()
	})
}

// Start and Close outside a test: Close stops the server, removes the database and is idempotent.
func TestStartClose(t *testing.T) {
	srv, err := zcrmtest.Start()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Client.Org(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	if err := srv.Close(); err != nil {
		t.Fatalf("second Close = %v", err)
	}
	c, _ := client.New(client.WithBaseURL(srv.URL), client.WithAccessToken("x"), client.WithRetries(0, 0))
	if _, err := c.Org(t.Context()); err == nil {
		t.Fatal("server still answers after Close")
	}
}

// WithDatabase keeps data in a file that outlives the server.
func TestWithDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keep.db")
	first := zcrmtest.NewServer(t, zcrmtest.WithDatabase(path))
	id := first.CreateRecord(first.Admin, "Leads", map[string]any{"Last_Name": "Kept", "Company": "Files"})
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	second := zcrmtest.NewServer(t, zcrmtest.WithDatabase(path))
	rec, err := second.Client.Record(t.Context(), "Leads", id, "Last_Name")
	if err != nil || rec.String("Last_Name") != "Kept" {
		t.Fatalf("record after restart = %v, %v", rec, err)
	}
	if second.Org.ID != first.Org.ID {
		t.Fatalf("default org changed: %s → %s", first.Org.ID, second.Org.ID)
	}
}

// The clock drives grant-code and token lifetimes on the server and the server's clients.
func TestClockExpiresGrantsAndTokens(t *testing.T) {
	clock := zcrmtest.NewClock(time.Date(2024, 7, 17, 20, 38, 22, 0, time.UTC))
	srv := zcrmtest.NewServer(t, zcrmtest.WithClock(clock.Now))
	if !srv.Now().Equal(clock.Now()) {
		t.Fatal("server clock is not the given one")
	}
	tok := srv.Token(srv.Admin, "ZohoCRM.org.READ")
	if !tok.Expiry.Equal(clock.Now().Add(time.Hour)) || tok.Scope != "ZohoCRM.org.READ" {
		t.Fatalf("token = %+v", tok)
	}
	code := srv.GrantCodeFor(srv.ClientID, srv.Admin, 5*time.Minute, "ZohoCRM.org.READ")
	clock.Advance(6 * time.Minute)
	c, _ := client.New(client.WithBaseURL(srv.URL), client.WithOAuthClient(srv.ClientID, srv.ClientSecret), client.WithClock(clock.Now))
	if _, err := c.ExchangeCode(t.Context(), code); !errors.Is(err, client.ErrInvalidCode) {
		t.Fatalf("expired code = %v, want ErrInvalidCode", err)
	}
	bare, _ := client.New(client.WithBaseURL(srv.URL), client.WithAccessToken(tok.AccessToken))
	clock.Advance(time.Hour)
	if _, err := bare.Org(t.Context()); !errors.Is(err, client.ErrInvalidToken) {
		t.Fatalf("expired token = %v, want ErrInvalidToken", err)
	}
	// The server's own client refreshes on the same clock.
	if _, err := srv.Client.Org(t.Context()); err != nil {
		t.Fatal(err)
	}
}

// Users, profiles, sharing rules and custom modules shape what a client may do.
func TestPeopleAndRules(t *testing.T) {
	backends(t, func(t *testing.T, db zcrmtest.Option) {
		srv := zcrmtest.NewServer(t, db)
		ctx := t.Context()
		rep := srv.CreateUser(srv.Org, "rep@zcrm.local", "Standard")
		if rep.Profile != "Standard" || rep.OrgID != srv.Org.ID {
			t.Fatalf("rep = %+v", rep)
		}
		repClient := srv.NewClient(rep, nil)
		mine := srv.CreateRecord(rep, "Contacts", map[string]any{"Last_Name": "Mine"})
		theirs := srv.CreateRecord(srv.Admin, "Contacts", map[string]any{"Last_Name": "Theirs"})
		srv.SetSharing(srv.Org, "Contacts", "private")
		if _, err := repClient.UpdateRecord(ctx, "Contacts", mine, client.Record{"Last_Name": "Still mine"}); err != nil {
			t.Fatalf("own record: %v", err)
		}
		if _, err := repClient.UpdateRecord(ctx, "Contacts", theirs, client.Record{"Last_Name": "Taken"}); !errors.Is(err, client.ErrAuthorizationFailed) {
			t.Fatalf("another's record under private sharing = %v, want ErrAuthorizationFailed", err)
		}
		if _, err := repClient.Record(ctx, "Contacts", theirs); !errors.Is(err, client.ErrNotFound) {
			t.Fatalf("reading another's record under private sharing = %v, want ErrNotFound", err)
		}
		srv.SetSharing(srv.Org, "Contacts", "public_read_only")
		if rec, err := repClient.Record(ctx, "Contacts", theirs); err != nil || rec.String("Last_Name") != "Theirs" {
			t.Fatalf("reading another's record under public_read_only sharing = %v, %v", rec, err)
		}
		if _, err := repClient.UpdateRecord(ctx, "Contacts", theirs, client.Record{"Last_Name": "Taken"}); !errors.Is(err, client.ErrAuthorizationFailed) {
			t.Fatalf("another's record under public_read_only sharing = %v, want ErrAuthorizationFailed", err)
		}

		srv.CreateProfile(srv.Org, "No Contacts", "Crm_Implied_View_Contacts")
		blind := srv.NewClient(srv.CreateUser(srv.Org, "blind@zcrm.local", "No Contacts"), nil)
		if _, err := blind.Record(ctx, "Contacts", mine); !errors.Is(err, client.ErrNoPermission) {
			t.Fatalf("denied view = %v, want ErrNoPermission", err)
		}

		if id := srv.CreateModule(srv.Org, "Properties"); id == "" {
			t.Fatal("no module id")
		}
		pid, err := srv.Client.InsertRecord(ctx, "Properties", client.Record{"Name": "Flat 3"})
		if err != nil {
			t.Fatal(err)
		}
		if rec, err := srv.Client.Record(ctx, "Properties", pid, "Name"); err != nil || rec.String("Name") != "Flat 3" {
			t.Fatalf("custom module record = %v, %v", rec, err)
		}

		clientID, secret := srv.CreateOAuthClient("my app")
		app, _ := client.New(client.WithBaseURL(srv.URL), client.WithOAuthClient(clientID, secret))
		if _, err := app.ExchangeCode(ctx, srv.GrantCodeFor(clientID, rep, time.Minute, "ZohoCRM.users.READ")); err != nil {
			t.Fatal(err)
		}
		if me, err := app.CurrentUser(ctx); err != nil || me.Email != "rep@zcrm.local" {
			t.Fatalf("app's user = %+v, %v", me, err)
		}
	})
}

// tbRecorder records a helper's failure instead of stopping the test.
type tbRecorder struct {
	testing.TB
	failed string
}

func (r *tbRecorder) Helper()                           {}
func (r *tbRecorder) Fatalf(format string, args ...any) { r.failed = fmt.Sprintf(format, args...) }

// Helpers fail the test with the reason, and panic outside tests.
func TestHelperFailures(t *testing.T) {
	rec := &tbRecorder{TB: t}
	srv := zcrmtest.NewServer(rec)
	srv.CreateUser(srv.Org, "not an email", "Standard")
	if !strings.Contains(rec.failed, `invalid email "not an email"`) {
		t.Fatalf("failure = %q", rec.failed)
	}
	rec.failed = ""
	srv.CreateOrg("X", "platinum")
	if !strings.Contains(rec.failed, "edition") {
		t.Fatalf("failure = %q", rec.failed)
	}

	started, err := zcrmtest.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer started.Close()
	defer func() {
		if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "no profile") {
			t.Fatalf("panic = %v, want the missing profile", r)
		}
	}()
	started.CreateUser(started.Org, "x@zcrm.local", "Nonexistent")
}
