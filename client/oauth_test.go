package client_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zcrm/zcrm/client"
	"github.com/zcrm/zcrm/zcrmtest"
)

// The documented flow: a grant code exchanged at the token endpoint; the token carries the
// server's api_domain and an expiry on the client's clock, and the code is one-time.
func TestExchangeCode(t *testing.T) {
	eachBackend(t, func(t *testing.T, db zcrmtest.Option) {
		clock := zcrmtest.NewClock(start)
		srv := zcrmtest.NewServer(t, db, zcrmtest.WithClock(clock.Now))
		code := srv.GrantCode(srv.Admin, "ZohoCRM.users.ALL", "ZohoCRM.org.READ")
		c, err := client.New(client.WithBaseURL(srv.URL), client.WithOAuthClient(srv.ClientID, srv.ClientSecret), client.WithClock(clock.Now))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.CurrentUser(t.Context()); !errors.Is(err, client.ErrNoToken) {
			t.Fatalf("call before any token = %v, want ErrNoToken", err)
		}
		tok, err := c.ExchangeCode(t.Context(), code)
		if err != nil {
			t.Fatal(err)
		}
		if tok.RefreshToken == "" || tok.APIDomain != srv.URL || tok.TokenType != "Bearer" ||
			!tok.Expiry.Equal(start.Add(time.Hour)) || tok.Scope != "ZohoCRM.users.ALL ZohoCRM.org.READ" {
			t.Fatalf("token = %+v", tok)
		}
		u, err := c.CurrentUser(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if u.Email != "admin@zcrm.local" || u.ID != srv.Admin.ID {
			t.Fatalf("current user = %+v, want the admin", u)
		}
		_, err = c.ExchangeCode(t.Context(), code)
		var oe *client.OAuthError
		if !errors.Is(err, client.ErrInvalidCode) || !errors.As(err, &oe) || oe.Code != "invalid_code" || oe.StatusCode != 200 {
			t.Fatalf("second exchange = %v, want invalid_code (HTTP 200)", err)
		}
	})
}

func TestExchangeCodeErrors(t *testing.T) {
	clock := zcrmtest.NewClock(start)
	srv := zcrmtest.NewServer(t, zcrmtest.WithClock(clock.Now))
	code := srv.GrantCode(srv.Admin, "ZohoCRM.org.READ")
	bad, _ := client.New(client.WithBaseURL(srv.URL), client.WithOAuthClient(srv.ClientID, "wrong"))
	if _, err := bad.ExchangeCode(t.Context(), code); !errors.Is(err, client.ErrInvalidClient) {
		t.Fatalf("wrong secret = %v, want ErrInvalidClient", err)
	}
	unknown, _ := client.New(client.WithBaseURL(srv.URL), client.WithOAuthClient("1000.NOSUCHCLIENT", "x"))
	if _, err := unknown.ExchangeCode(t.Context(), code); !errors.Is(err, client.ErrInvalidClient) {
		t.Fatalf("unknown client = %v, want ErrInvalidClient", err)
	}
	clock.Advance(4 * time.Minute) // grant codes live three minutes
	c, _ := client.New(client.WithBaseURL(srv.URL), client.WithOAuthClient(srv.ClientID, srv.ClientSecret))
	if _, err := c.ExchangeCode(t.Context(), code); !errors.Is(err, client.ErrInvalidCode) {
		t.Fatalf("expired code = %v, want ErrInvalidCode", err)
	}
	none, _ := client.New(client.WithBaseURL(srv.URL))
	if _, err := none.ExchangeCode(t.Context(), code); err == nil {
		t.Fatal("exchange without an OAuth client succeeded")
	}
}

// A token past its expiry on the client's clock is refreshed before the call; the server, on the
// same clock, has stopped accepting the old one.
func TestRefreshBeforeExpiry(t *testing.T) {
	eachBackend(t, func(t *testing.T, db zcrmtest.Option) {
		clock := zcrmtest.NewClock(start)
		srv := zcrmtest.NewServer(t, db, zcrmtest.WithClock(clock.Now))
		tr := &countingTransport{}
		c := srv.NewClient(srv.Admin, nil, client.WithHTTPClient(&http.Client{Transport: tr}))
		old, err := c.Token(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Org(t.Context()); err != nil {
			t.Fatal(err)
		}
		clock.Advance(59*time.Minute + 30*time.Second) // inside the one-minute refresh margin
		if _, err := c.Org(t.Context()); err != nil {
			t.Fatal(err)
		}
		if tr.count("POST /oauth/v2/token") != 1 {
			t.Fatalf("token calls = %d, want 1 refresh before expiry", tr.count("POST /oauth/v2/token"))
		}
		now, _ := c.Token(t.Context())
		if now.AccessToken == old.AccessToken || now.RefreshToken != old.RefreshToken || !now.Expiry.Equal(clock.Now().Add(time.Hour)) {
			t.Fatalf("refreshed token = %+v (old %+v)", now, old)
		}
		clock.Advance(time.Hour + time.Second)
		res, err := c.Do(t.Context(), &client.Request{Path: "org", AccessToken: old.AccessToken})
		if err != nil {
			t.Fatal(err)
		}
		if e := res.APIError(); e == nil || e.Code != "INVALID_TOKEN" {
			t.Fatalf("old token after expiry: %d %s, want INVALID_TOKEN", res.StatusCode, res.Body)
		}
		if _, err := c.Org(t.Context()); err != nil {
			t.Fatal(err)
		}
		if tr.count("POST /oauth/v2/token") != 2 {
			t.Fatalf("token calls = %d, want 2", tr.count("POST /oauth/v2/token"))
		}
	})
}

// When the server rejects a token the client still believes in (its clock lags, or the token was
// revoked elsewhere), the client refreshes once and repeats the call.
func TestRefreshOnInvalidToken(t *testing.T) {
	eachBackend(t, func(t *testing.T, db zcrmtest.Option) {
		serverClock := zcrmtest.NewClock(start)
		srv := zcrmtest.NewServer(t, db, zcrmtest.WithClock(serverClock.Now))
		tr := &countingTransport{}
		clientClock := zcrmtest.NewClock(start)
		c := srv.NewClient(srv.Admin, nil, client.WithClock(clientClock.Now), client.WithHTTPClient(&http.Client{Transport: tr}))
		serverClock.Advance(2 * time.Hour)
		if _, err := c.ContactRoles(t.Context()); err != nil {
			t.Fatalf("call after server-side expiry: %v", err)
		}
		if got := tr.count("GET /crm/v8/Contacts/roles"); got != 2 {
			t.Fatalf("GET sent %d times, want 2 (rejected, then repeated)", got)
		}
		if got := tr.count("POST /oauth/v2/token"); got != 1 {
			t.Fatalf("token calls = %d, want 1", got)
		}
		// A POST is repeated too: INVALID_TOKEN means the server did nothing.
		serverClock.Advance(2 * time.Hour)
		if _, err := c.CreateContactRoles(t.Context(), client.ContactRole{Name: "Champion"}); err != nil {
			t.Fatalf("POST after server-side expiry: %v", err)
		}
		if got := tr.count("POST /crm/v8/Contacts/roles"); got != 2 {
			t.Fatalf("POST sent %d times, want 2", got)
		}
	})
}

// Without a refresh token there is nothing to do: INVALID_TOKEN comes back as an error.
func TestInvalidTokenWithoutRefresh(t *testing.T) {
	srv := zcrmtest.NewServer(t)
	c, _ := client.New(client.WithBaseURL(srv.URL), client.WithAccessToken("1000.0123456789abcdef0123456789abcdef.0123456789abcdef0123456789abcdef"))
	_, err := c.Org(t.Context())
	wantAPIError(t, err, 401, "INVALID_TOKEN", "invalid oauth token")
	if !errors.Is(err, client.ErrInvalidToken) {
		t.Fatalf("errors.Is(%v, ErrInvalidToken) = false", err)
	}
	expired, _ := client.New(client.WithBaseURL(srv.URL), client.WithToken(&client.Token{AccessToken: "1000.x.y", Expiry: time.Now().Add(-time.Minute)}))
	if _, err := expired.Org(t.Context()); !errors.Is(err, client.ErrNoToken) {
		t.Fatalf("expired token without refresh = %v, want ErrNoToken", err)
	}
}

// However many goroutines find the token expired, one refresh happens.
func TestConcurrentRefreshIsSingle(t *testing.T) {
	clock := zcrmtest.NewClock(start)
	srv := zcrmtest.NewServer(t, zcrmtest.WithClock(clock.Now))
	tr := &countingTransport{}
	c := srv.NewClient(srv.Admin, nil, client.WithHTTPClient(&http.Client{Transport: tr}))
	clock.Advance(2 * time.Hour)
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for range 20 {
		wg.Go(func() {
			if _, err := c.ContactRoles(t.Context()); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got := tr.count("POST /oauth/v2/token"); got != 1 {
		t.Fatalf("token calls = %d, want exactly 1", got)
	}
}

// Revoking the refresh token kills it and its access tokens, and empties the store.
func TestRevoke(t *testing.T) {
	eachBackend(t, func(t *testing.T, db zcrmtest.Option) {
		srv := zcrmtest.NewServer(t, db)
		store := client.NewFileStore(filepath.Join(t.TempDir(), "token.json"))
		c := srv.NewClient(srv.Admin, []string{"ZohoCRM.org.ALL"}, client.WithTokenStore(store))
		if _, err := c.ExchangeCode(t.Context(), srv.GrantCode(srv.Admin, "ZohoCRM.org.ALL")); err != nil {
			t.Fatal(err)
		}
		tok, _ := c.Token(t.Context())
		if err := c.Revoke(t.Context()); err != nil {
			t.Fatal(err)
		}
		if _, err := store.Load(t.Context()); !errors.Is(err, client.ErrNoToken) {
			t.Fatalf("store after revoke = %v, want empty", err)
		}
		res, err := c.Do(t.Context(), &client.Request{Path: "org", AccessToken: tok.AccessToken})
		if err != nil {
			t.Fatal(err)
		}
		if e := res.APIError(); e == nil || e.Code != "INVALID_TOKEN" {
			t.Fatalf("access token after revoke: %d %s", res.StatusCode, res.Body)
		}
		again, _ := client.New(client.WithBaseURL(srv.URL), client.WithOAuthClient(srv.ClientID, srv.ClientSecret), client.WithToken(tok))
		if _, err := again.Refresh(t.Context()); !errors.Is(err, client.ErrInvalidCode) {
			t.Fatalf("refresh with a revoked token = %v, want ErrInvalidCode", err)
		}
		if _, err := c.Org(t.Context()); !errors.Is(err, client.ErrNoToken) {
			t.Fatalf("call after revoke = %v, want ErrNoToken", err)
		}
	})
}

// A FileStore carries the token to the next run of the program.
func TestFileStoreAcrossClients(t *testing.T) {
	srv := zcrmtest.NewServer(t)
	path := filepath.Join(t.TempDir(), "token.json")
	first, _ := client.New(client.WithBaseURL(srv.URL), client.WithOAuthClient(srv.ClientID, srv.ClientSecret), client.WithTokenStore(client.NewFileStore(path)))
	if _, err := first.ExchangeCode(t.Context(), srv.GrantCode(srv.Admin, "ZohoCRM.org.ALL")); err != nil {
		t.Fatal(err)
	}
	second, _ := client.New(client.WithBaseURL(srv.URL), client.WithOAuthClient(srv.ClientID, srv.ClientSecret), client.WithTokenStore(client.NewFileStore(path)))
	org, err := second.Org(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if org.ID != srv.Org.ID {
		t.Fatalf("org = %s, want %s", org.ID, srv.Org.ID)
	}
}

// api_domain from the token response is where later calls go, as Zoho documents; WithFixedAPIDomain
// keeps the configured domain.
func TestAPIDomainFromToken(t *testing.T) {
	srv := zcrmtest.NewServer(t)
	nowhere := "http://127.0.0.1:1" // nothing listens on port 1
	c, _ := client.New(client.WithEndpoint(client.Endpoint{APIDomain: nowhere, AccountsURL: srv.URL}),
		client.WithOAuthClient(srv.ClientID, srv.ClientSecret), client.WithRetries(0, 0))
	if _, err := c.ExchangeCode(t.Context(), srv.GrantCode(srv.Admin, "ZohoCRM.org.ALL")); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Org(t.Context()); err != nil {
		t.Fatalf("call did not follow api_domain: %v", err)
	}
	fixed, _ := client.New(client.WithEndpoint(client.Endpoint{APIDomain: nowhere, AccountsURL: srv.URL}),
		client.WithOAuthClient(srv.ClientID, srv.ClientSecret), client.WithRetries(0, 0), client.WithFixedAPIDomain())
	if _, err := fixed.ExchangeCode(t.Context(), srv.GrantCode(srv.Admin, "ZohoCRM.org.ALL")); err != nil {
		t.Fatal(err)
	}
	var ae *client.APIError
	if _, err := fixed.Org(t.Context()); err == nil || errors.As(err, &ae) {
		t.Fatalf("fixed API domain: err = %v, want a transport error from %s", err, nowhere)
	}
}

// The client credentials flow gets an org-wide token without a user and gets a new one when it
// expires.
func TestClientCredentialsFlow(t *testing.T) {
	clock := zcrmtest.NewClock(start)
	srv := zcrmtest.NewServer(t, zcrmtest.WithClock(clock.Now))
	tr := &countingTransport{}
	c, err := client.New(client.WithBaseURL(srv.URL), client.WithOAuthClient(srv.ClientID, srv.ClientSecret), client.WithClock(clock.Now),
		client.WithClientCredentialsFlow(srv.Org.ID, "ZohoCRM.org.ALL", "ZohoCRM.users.READ"), client.WithHTTPClient(&http.Client{Transport: tr}))
	if err != nil {
		t.Fatal(err)
	}
	org, err := c.Org(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if org.ID != srv.Org.ID {
		t.Fatalf("org = %s, want %s", org.ID, srv.Org.ID)
	}
	tok, _ := c.Token(t.Context())
	if tok.RefreshToken != "" || tok.Scope != "ZohoCRM.org.ALL ZohoCRM.users.READ" {
		t.Fatalf("client credentials token = %+v", tok)
	}
	clock.Advance(2 * time.Hour)
	if _, err := c.CurrentUser(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := tr.count("POST /oauth/v2/token"); got != 2 {
		t.Fatalf("token calls = %d, want 2", got)
	}
}

// The token endpoint's legacy form (expires_in in milliseconds next to expires_in_sec), its
// throttling answer and a non-JSON answer, from a stand-in accounts server.
func TestTokenAnswerForms(t *testing.T) {
	answers := []string{
		`{"access_token":"1000.a.b","refresh_token":"1000.r.r","expires_in_sec":3600,"expires_in":3600000,"api_domain":"https://www.zohoapis.com","token_type":"Bearer"}`,
		`{"error_description":"You have made too many requests continuously. Please try again after some time.","error":"Access Denied","status":"failure"}`,
		`<html>down</html>`,
	}
	var i int
	var form []string
	accounts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		form = append(form, r.PostForm.Get("grant_type")+" "+r.PostForm.Get("redirect_uri")+" "+r.Header.Get("User-Agent"))
		w.Write([]byte(answers[i]))
		i++
	}))
	defer accounts.Close()
	now := time.Date(2024, 7, 17, 0, 0, 0, 0, time.UTC)
	c, _ := client.New(client.WithEndpoint(client.Endpoint{APIDomain: "https://www.zohoapis.com", AccountsURL: accounts.URL}),
		client.WithOAuthClient("1000.X", "s"), client.WithRedirectURI("https://app.example/cb"), client.WithUserAgent("my-app/2"),
		client.WithClock(func() time.Time { return now }))
	tok, err := c.ExchangeCode(t.Context(), "1000.code")
	if err != nil {
		t.Fatal(err)
	}
	if !tok.Expiry.Equal(now.Add(time.Hour)) {
		t.Fatalf("legacy expiry = %v, want an hour", tok.Expiry)
	}
	if form[0] != "authorization_code https://app.example/cb my-app/2" {
		t.Fatalf("sent %q", form[0])
	}
	_, err = c.Refresh(t.Context())
	var oe *client.OAuthError
	if !errors.As(err, &oe) || oe.Code != "Access Denied" || !strings.HasPrefix(oe.Description, "You have made too many") || !errors.Is(err, client.ErrTooManyRequests) {
		t.Fatalf("throttled = %v", err)
	}
	_, err = c.Refresh(t.Context())
	if !errors.As(err, &oe) || oe.Code != "invalid_response" {
		t.Fatalf("non-JSON = %v", err)
	}
	if at, err := c.AccessToken(t.Context()); err != nil || at != "1000.a.b" {
		t.Fatalf("token after failed refreshes = %q, %v (want the old one kept)", at, err)
	}
}
