package oauth_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/httpapi"
	"github.com/zcrm/zcrm/internal/oauth"
	"github.com/zcrm/zcrm/internal/store/storetest"
)

// A refresh token has at most 15 live access tokens: minting the 16th deletes the oldest, which a
// CRM call then rejects with INVALID_TOKEN. Expired tokens do not count.
func TestAccessTokensPerRefreshToken(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		first, refresh := e.exchange(e.grant(e.admin, "ZohoCRM.org.ALL"))
		live := []string{first}
		for len(live) < oauth.MaxAccessPerRefresh {
			e.clock.advance(time.Second)
			live = append(live, e.refresh(refresh))
		}
		for _, tok := range live {
			e.expectValid(tok, e.admin, "ZohoCRM.org.ALL")
		}
		e.clock.advance(time.Second)
		sixteenth := e.refresh(refresh)
		e.expectDead(first)
		for _, tok := range append(live[1:], sixteenth) {
			e.expectValid(tok, e.admin, "ZohoCRM.org.ALL")
		}
		e.clock.advance(time.Second)
		e.refresh(refresh)
		e.expectDead(live[1])
		e.expectValid(live[2], e.admin, "ZohoCRM.org.ALL")

		// An hour later every one of them has expired; 15 fresh ones all live.
		e.clock.advance(time.Hour)
		var fresh []string
		for range oauth.MaxAccessPerRefresh {
			fresh = append(fresh, e.refresh(refresh))
		}
		for _, tok := range fresh {
			e.expectValid(tok, e.admin, "ZohoCRM.org.ALL")
		}
		e.expectDead(sixteenth)
	})
}

// A user holds at most 20 refresh tokens per client: the 21st deletes the oldest and its access
// tokens. Other clients' and other users' tokens do not count.
func TestRefreshTokensPerUserPerClient(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		other, otherID, otherSecret := e.newClient("other")
		res := e.post(oauth.TokenPath, inForm, form("grant_type", "authorization_code", "client_id", otherID,
			"client_secret", otherSecret, "code", e.grantFor(other, e.admin, "ZohoCRM.org.ALL")))
		otherAccess, _ := res.tokens(t, `{"access_token":"ACCESS","refresh_token":"REFRESH","scope":"ZohoCRM.org.ALL","api_domain":"http://zcrm.test","token_type":"Bearer","expires_in":3600}`)
		ann := e.newUser(e.org.ID, "ann@zcrm.local")
		annAccess, annRefresh := e.exchange(e.grant(ann, "ZohoCRM.org.ALL"))

		type pair struct{ access, refresh string }
		var held []pair
		for len(held) < oauth.MaxRefreshPerUser {
			e.clock.advance(time.Second)
			a, r := e.exchange(e.grant(e.admin, "ZohoCRM.org.ALL"))
			held = append(held, pair{a, r})
		}
		oldestSecond := e.refresh(held[0].refresh)
		for _, p := range held {
			e.expectValid(p.access, e.admin, "ZohoCRM.org.ALL")
		}
		e.clock.advance(time.Second)
		newest, _ := e.exchange(e.grant(e.admin, "ZohoCRM.org.ALL"))
		e.expectValid(newest, e.admin, "ZohoCRM.org.ALL")

		e.expectDead(held[0].access)
		e.expectDead(oldestSecond)
		e.post(oauth.TokenPath, inForm, e.refreshParams(held[0].refresh)).expectError(t, "invalid_code")
		for _, p := range held[1:] {
			e.expectValid(p.access, e.admin, "ZohoCRM.org.ALL")
		}
		e.refresh(held[1].refresh)

		e.expectValid(otherAccess, e.admin, "ZohoCRM.org.ALL")
		e.expectValid(annAccess, ann, "ZohoCRM.org.ALL")
		e.refresh(annRefresh)
	})
}

// Revoking a refresh token (token in the query string, an urlencoded or a multipart body) kills it
// and every access token minted from it; refreshing with it is then invalid_code.
func TestRevokeRefreshToken(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		for _, enc := range encodings {
			t.Run(string(enc), func(t *testing.T) {
				e := newEnv(t, b)
				a1, refresh := e.exchange(e.grant(e.admin, "ZohoCRM.org.ALL"))
				a2 := e.refresh(refresh)
				keep, keepRefresh := e.exchange(e.grant(e.admin, "ZohoCRM.org.ALL"))

				e.post(oauth.RevokePath, enc, form("token", refresh)).expect(t, http.StatusOK, `{"status":"success"}`)
				e.expectDead(a1)
				e.expectDead(a2)
				e.post(oauth.TokenPath, enc, e.refreshParams(refresh)).expectError(t, "invalid_code")
				// Revoking again is still a success; the other grant's tokens live on.
				e.post(oauth.RevokePath, enc, form("token", refresh)).expect(t, http.StatusOK, `{"status":"success"}`)
				e.expectValid(keep, e.admin, "ZohoCRM.org.ALL")
				e.refresh(keepRefresh)
			})
		}
	})
}

// Revoking an access token kills only that token; its refresh token keeps working.
func TestRevokeAccessToken(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		a1, refresh := e.exchange(e.grant(e.admin, "ZohoCRM.org.ALL"))
		a2 := e.refresh(refresh)
		e.post(oauth.RevokePath, inQuery, form("token", a1)).expect(t, http.StatusOK, `{"status":"success"}`)
		e.expectDead(a1)
		e.expectValid(a2, e.admin, "ZohoCRM.org.ALL")
		e.expectValid(e.refresh(refresh), e.admin, "ZohoCRM.org.ALL")
	})
}

// Revoke without a token is invalid_request; an unknown token is a success (RFC 7009 §2.2: it is
// unusable either way).
func TestRevokeErrors(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		for _, enc := range encodings {
			e.post(oauth.RevokePath, enc, nil).expectError(t, "invalid_request")
			e.post(oauth.RevokePath, enc, form("token", "  ")).expectError(t, "invalid_request")
			e.post(oauth.RevokePath, enc, form("token", "1000.unknown.token")).expect(t, http.StatusOK, `{"status":"success"}`)
			e.post(oauth.RevokePath, enc, form("token", "\x00\xff")).expect(t, http.StatusOK, `{"status":"success"}`)
		}
	})
}

// A token carries its org and user: the same client (granted both orgs) and the same kind of grant
// give tokens of different orgs that each act only as their own user, and nothing in a request can
// change that.
func TestTokensAreBoundToTheirOrg(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		acme, acmeAdmin := e.newOrg("Acme")
		e.grantOrg(e.client, acme)
		bob := e.newUser(acme.ID, "bob@acme.test")
		tokA, _ := e.exchange(e.grant(e.admin, "ZohoCRM.modules.ALL"))
		tokB, _ := e.exchange(e.grant(bob, "ZohoCRM.modules.ALL"))
		e.expectValid(tokA, e.admin, "ZohoCRM.modules.ALL")
		e.expectValid(tokB, bob, "ZohoCRM.modules.ALL")

		cc := func(org crm.Org) string {
			res := e.post(oauth.TokenPath, inForm, form("grant_type", "client_credentials", "client_id", e.id,
				"client_secret", e.secret, "scope", "ZohoCRM.modules.ALL", "soid", "ZohoCRM."+crm.FormatID(org.ID)))
			tok, _ := res.tokens(t, `{"access_token":"ACCESS","scope":"ZohoCRM.modules.ALL","api_domain":"http://zcrm.test","token_type":"Bearer","expires_in":3600}`)
			return tok
		}
		e.expectValid(cc(e.org), e.admin, "ZohoCRM.modules.ALL")
		e.expectValid(cc(acme), acmeAdmin, "ZohoCRM.modules.ALL")

		// A grant for another org's user and the stored token rows name that org.
		var rows []crm.AccessToken
		e.write(func(ctx context.Context, tx crm.Tx) error {
			for _, tok := range []string{tokA, tokB} {
				at, err := tx.AccessTokenByHash(ctx, oauth.Hash(tok))
				if err != nil {
					return err
				}
				rows = append(rows, at)
			}
			return nil
		})
		if rows[0].OrgID != e.org.ID || rows[0].UserID != e.admin.ID || rows[1].OrgID != acme.ID || rows[1].UserID != bob.ID {
			t.Fatalf("stored tokens = %+v", rows)
		}
		// Authenticate reads nothing but the Authorization header: the org comes from the token alone.
		c, err := e.server.OAuth().Authenticate(context.Background(), "Zoho-oauthtoken "+tokB)
		if err != nil || c.Org.ID != acme.ID {
			t.Fatalf("Authenticate(tokB) = org %d, %v; want org %d", c.Org.ID, err, acme.ID)
		}
	})
}

// Client secrets, grant codes and tokens are stored only as SHA-256 digests.
func TestSecretsAreStoredHashed(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		code := e.grant(e.admin, "ZohoCRM.org.ALL")
		pending := e.grant(e.admin, "ZohoCRM.org.ALL")
		access, refresh := e.exchange(code)
		second := e.refresh(refresh)
		secrets := []string{e.secret, code, pending, access, refresh, second}
		var dump strings.Builder
		for _, table := range []string{"oauth_clients", "oauth_grants", "oauth_refresh_tokens", "oauth_access_tokens"} {
			dumpTable(t, e.db.SQL(), table, &dump)
		}
		for _, s := range secrets {
			for _, part := range secretParts(s) {
				if strings.Contains(dump.String(), part) {
					t.Fatalf("a secret (%.8s…) is stored in clear", part)
				}
			}
			if !strings.Contains(dump.String(), oauth.Hash(s)) {
				t.Fatalf("the digest of a secret (%.8s…) is not stored", s)
			}
		}
	})
}

func dumpTable(t *testing.T, db *sql.DB, table string, w *strings.Builder) {
	t.Helper()
	rows, err := db.Query(`SELECT * FROM ` + table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for _, v := range vals {
			if b, ok := v.([]byte); ok {
				v = string(b)
			}
			fmt.Fprintf(w, "%v|", v)
		}
		w.WriteString("\n")
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}

// The access log never carries a token or a secret, even when they travel in the query string.
func TestTokensAreNotLogged(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		var log bytes.Buffer
		e.server = httpapi.NewServer(httpapi.Deps{Store: e.db, PublicURL: publicURL, Logger: slog.New(slog.NewTextHandler(&log, nil))})
		code := e.grant(e.admin, "ZohoCRM.org.ALL")
		access, refresh := e.post(oauth.TokenPath, inQuery, e.codeParams(code)).tokens(t,
			`{"access_token":"ACCESS","refresh_token":"REFRESH","scope":"ZohoCRM.org.ALL","api_domain":"http://zcrm.test","token_type":"Bearer","expires_in":3600}`)
		second, _ := e.post(oauth.TokenPath, inQuery, e.refreshParams(refresh)).tokens(t,
			`{"access_token":"ACCESS","scope":"ZohoCRM.org.ALL","api_domain":"http://zcrm.test","token_type":"Bearer","expires_in":3600}`)
		e.crmCall(access)
		e.post(oauth.RevokePath, inQuery, form("token", refresh))
		e.crmCall(second)
		if log.Len() == 0 {
			t.Fatal("nothing was logged")
		}
		for _, s := range []string{e.secret, code, access, refresh, second} {
			for _, part := range secretParts(s) {
				if strings.Contains(log.String(), part) {
					t.Fatalf("the log carries a secret:\n%s", log.String())
				}
			}
		}
	})
}

// secretParts returns a secret and its random dot-separated parts, any of which must never leak.
func secretParts(s string) []string {
	out := []string{s}
	for _, p := range strings.Split(s, ".") {
		if len(p) >= 16 {
			out = append(out, p)
		}
	}
	return out
}

// Under concurrency the rules hold: of many simultaneous exchanges of one code exactly one wins, and
// many simultaneous refreshes all succeed while leaving no more than 15 live access tokens.
func TestConcurrentExchangeAndRefresh(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		const n = 24
		code := e.grant(e.admin, "ZohoCRM.org.ALL")
		bodies := make([]string, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res := e.serve(request(t, http.MethodPost, oauth.TokenPath, inForm, e.codeParams(code)))
				bodies[i] = fmt.Sprint(res.status, " ", res.body)
			}()
		}
		wg.Wait()
		wins := 0
		for _, body := range bodies {
			switch {
			case strings.HasPrefix(body, `200 {"access_token"`):
				wins++
			case body != `200 {"error":"invalid_code"}`:
				t.Fatalf("exchange answered %s", body)
			}
		}
		if wins != 1 {
			t.Fatalf("%d exchanges of one code succeeded, want 1", wins)
		}

		_, refresh := e.exchange(e.grant(e.admin, "ZohoCRM.org.ALL"))
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res := e.serve(request(t, http.MethodPost, oauth.TokenPath, inForm, e.refreshParams(refresh)))
				bodies[i] = fmt.Sprint(res.status, " ", res.body)
			}()
		}
		wg.Wait()
		for _, body := range bodies {
			if !strings.HasPrefix(body, `200 {"access_token"`) {
				t.Fatalf("refresh answered %s", body)
			}
		}
		e.write(func(ctx context.Context, tx crm.Tx) error {
			r, err := tx.RefreshTokenByHash(ctx, oauth.Hash(refresh))
			if err != nil {
				return err
			}
			live, err := tx.LiveAccessTokenIDs(ctx, r.ID, tx.Now())
			if err == nil && len(live) != oauth.MaxAccessPerRefresh {
				t.Errorf("%d live access tokens, want %d", len(live), oauth.MaxAccessPerRefresh)
			}
			return err
		})
	})
}
