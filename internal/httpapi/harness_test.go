package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/oauth"
	"github.com/zcrm/zcrm/internal/store"
	"github.com/zcrm/zcrm/internal/store/storetest"
)

// testEnv is a real zcrm server on a real store, with the default org and its admin.
type testEnv struct {
	t     *testing.T
	db    *store.DB
	srv   *httptest.Server
	org   crm.Org
	admin crm.User
	clock *testClock
	dsn   string // the database, for twin
	// errs collects the ERROR lines its servers log (their Deps.Logger); see captureErrors.
	errs *errorLog
}

// twin returns a second zcrm server with its own store handle on the same database and clock: what
// another process sharing the database sees and does.
func (e *testEnv) twin() *testEnv {
	e.t.Helper()
	tw := *e
	tw.db = storetest.OpenDSN(e.t, e.dsn, store.Options{Now: e.clock.Now})
	tw.srv = httptest.NewServer(NewServer(Deps{Store: tw.db, PublicURL: "http://zcrm.test", Logger: slog.New(e.errs)}))
	e.t.Cleanup(tw.srv.Close)
	return &tw
}

// testClock is an adjustable clock for tests that need time to pass.
type testClock struct{ now time.Time }

func (c *testClock) Now() time.Time { return c.now }

// testStart is where every test env's clock starts.
var testStart = time.Date(2024, 7, 17, 20, 38, 22, 0, time.UTC)

// pageTokens is the token half of a listing's info (its keys, without braces) for page of a
// listing read at now: next_page_token (masked: maskTokens) when more follow, previous_page_token
// after page 1, page_token_expiry 24 hours after now when either is, null otherwise.
func pageTokens(now time.Time, page int, more bool) string {
	next, prev, expiry := "null", "null", "null"
	if more {
		next = `"` + tokenMask + `"`
	}
	if page > 1 {
		prev = `"` + tokenMask + `"`
	}
	if more || page > 1 {
		expiry = `"` + crm.FormatTime(now.Add(crm.PageTokenTTL)) + `"`
	}
	return `"next_page_token":` + next + `,"previous_page_token":` + prev + `,"page_token_expiry":` + expiry
}

// newEnv starts a server on a fresh store of backend b.
func newEnv(t *testing.T, b storetest.Backend) *testEnv {
	t.Helper()
	clock := &testClock{now: testStart}
	e := &testEnv{t: t, clock: clock, dsn: storetest.DSN(t, b), errs: &errorLog{}}
	db := storetest.OpenDSN(t, e.dsn, store.Options{Now: clock.Now})
	e.db = db
	ctx := context.Background()
	if err := db.Write(ctx, func(tx crm.Tx) error {
		var err error
		if e.org, err = crm.EnsureDefaultOrg(ctx, tx); err != nil {
			return err
		}
		e.admin, err = tx.FirstAdmin(ctx, e.org.ID)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	e.srv = httptest.NewServer(NewServer(Deps{Store: db, PublicURL: "http://zcrm.test", Logger: slog.New(e.errs)}))
	t.Cleanup(e.srv.Close)
	return e
}

// write runs fn in a store transaction and fails the test on error.
func (e *testEnv) write(fn func(ctx context.Context, tx crm.Tx) error) {
	e.t.Helper()
	ctx := context.Background()
	if err := e.db.Write(ctx, func(tx crm.Tx) error { return fn(ctx, tx) }); err != nil {
		e.t.Fatal(err)
	}
}

// token mints an access token for user with the given scopes.
func (e *testEnv) token(user crm.User, scopes ...string) string {
	e.t.Helper()
	var tok string
	e.write(func(ctx context.Context, tx crm.Tx) error {
		var err error
		tok, err = oauth.MintAccessToken(ctx, tx, user.OrgID, user.ID, 0, 0, scopes)
		return err
	})
	return tok
}

// adminToken mints a token for the default org's admin.
func (e *testEnv) adminToken(scopes ...string) string { return e.token(e.admin, scopes...) }

// newOrg creates another org with its admin.
func (e *testEnv) newOrg(name string, edition crm.Edition) (crm.Org, crm.User) {
	e.t.Helper()
	var org crm.Org
	var admin crm.User
	e.write(func(ctx context.Context, tx crm.Tx) error {
		var err error
		org, admin, err = crm.CreateOrg(ctx, tx, crm.NewOrg{Name: name, Edition: edition})
		return err
	})
	return org, admin
}

// newUser adds a user with the named profile to the org.
func (e *testEnv) newUser(orgID int64, email, profile string) crm.User {
	e.t.Helper()
	var u crm.User
	e.write(func(ctx context.Context, tx crm.Tx) error {
		var err error
		u, _, err = crm.CreateUser(ctx, tx, orgID, email, profile)
		return err
	})
	return u
}

// newProfile creates a profile in the default org lacking the denied permissions, and returns its name.
func (e *testEnv) newProfile(name string, denied ...string) string {
	e.t.Helper()
	e.write(func(ctx context.Context, tx crm.Tx) error {
		_, err := crm.CreateProfile(ctx, tx, e.org.ID, name, denied)
		return err
	})
	return name
}

// userToken adds a user with the named profile to the default org and mints it a token for every module.
func (e *testEnv) userToken(email, profile string) string {
	e.t.Helper()
	return e.token(e.newUser(e.org.ID, email, profile), "ZohoCRM.modules.ALL")
}

// setSharing sets the data sharing of module in the default org.
func (e *testEnv) setSharing(module, access string) {
	e.t.Helper()
	e.write(func(ctx context.Context, tx crm.Tx) error { return tx.SetSharing(ctx, e.org.ID, module, access) })
}

// foreignRecord stores a record of module in another org (a new Enterprise org, "Other").
func (e *testEnv) foreignRecord(module string, data map[string]any) int64 {
	e.t.Helper()
	_, admin := e.newOrg("Other", crm.Enterprise)
	return e.newRecord(admin, module, data)
}

// newRecord stores a record of module owned by owner, straight through the store.
func (e *testEnv) newRecord(owner crm.User, module string, data map[string]any) int64 {
	e.t.Helper()
	var id int64
	e.write(func(ctx context.Context, tx crm.Tx) error {
		var err error
		if id, err = tx.NewID(ctx); err != nil {
			return err
		}
		now := tx.Now()
		return tx.InsertRecords(ctx, []crm.Record{{ID: id, OrgID: owner.OrgID, Module: module, OwnerID: owner.ID,
			CreatedBy: owner.ID, ModifiedBy: owner.ID, CreatedTime: now, ModifiedTime: now, Data: data}})
	})
	return id
}

// newRecords stores n records of module owned by the admin, record i with field field = prefix+i.
func (e *testEnv) newRecords(n int, module, field, prefix string, extra map[string]any) []int64 {
	e.t.Helper()
	ids := make([]int64, n)
	for i := range ids {
		data := map[string]any{field: fmt.Sprintf("%s%d", prefix, i)}
		for k, v := range extra {
			data[k] = v
		}
		ids[i] = e.newRecord(e.admin, module, data)
	}
	return ids
}

// putAll sends body to every path at once with PUT and checks that each answers 200 with want; with
// quiet set it also checks that no write call ran again (store.CommitStats: after a rolled-back
// batch, or an exclusive retry).
func (e *testEnv) putAll(t *testing.T, paths []string, token, body, want string, quiet bool) {
	t.Helper()
	before := e.db.CommitStats()
	res := make([]response, len(paths))
	var wg sync.WaitGroup
	for i, p := range paths {
		wg.Go(func() { res[i] = e.do("PUT", p, token, body) })
	}
	wg.Wait()
	for _, r := range res {
		r.expect(t, 200, want)
	}
	if got := e.db.CommitStats().Since(before); quiet && (got.Alone != 0 || got.Exclusive != 0) {
		t.Errorf("%d concurrent PUTs: %d calls ran again alone, %d exclusive retries; want none", len(paths), got.Alone, got.Exclusive)
	}
}

// response is one HTTP answer.
type response struct {
	status int
	header http.Header
	body   string
}

// do sends a request with an optional Zoho-oauthtoken and body.
func (e *testEnv) do(method, path, token, body string) response {
	e.t.Helper()
	return e.doWith(method, path, token, body)
}

// doWith is do with more headers, given as name, value pairs (an empty value sets none).
func (e *testEnv) doWith(method, path, token, body string, headers ...string) response {
	e.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Zoho-oauthtoken "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		if headers[i+1] != "" {
			req.Header.Set(headers[i], headers[i+1])
		}
	}
	res, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{status: res.StatusCode, header: res.Header, body: string(b)}
}

// expect checks the status and that the body is the JSON want (compared as JSON values; an empty
// want means an empty body).
func (r response) expect(t *testing.T, status int, want string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status = %d, want %d; body: %s", r.status, status, r.body)
	}
	if got := r.header.Get("Content-Type"); got != "application/json;charset=utf-8" {
		t.Errorf("Content-Type = %q, want application/json;charset=utf-8", got)
	}
	if want == "" {
		if r.body != "" {
			t.Fatalf("body = %s, want empty", r.body)
		}
		return
	}
	assertJSON(t, r.body, want)
}

// assertJSON fails unless got and want are equal JSON values, got's page tokens masked (maskTokens).
func assertJSON(t *testing.T, got, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal([]byte(got), &g); err != nil {
		t.Fatalf("response is not JSON: %v: %s", err, got)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("bad expectation JSON: %v: %s", err, want)
	}
	if !reflect.DeepEqual(maskTokens(g), w) {
		t.Fatalf("JSON mismatch\n got: %s\nwant: %s", compact(got), compact(want))
	}
}

// pageTokenShape is what a page token zcrm hands out looks like: unpadded base64url, at most Zoho's
// 96 characters.
var pageTokenShape = regexp.MustCompile(`^[A-Za-z0-9_-]{16,96}$`)

// tokenMask is what maskTokens puts in place of a page token.
const tokenMask = "<token>"

// maskTokens replaces, in a decoded answer, every string value of next_page_token and
// previous_page_token shaped like a page token with tokenMask: tokens are signed with each
// database's own random key, so expectations name them by the mask (null where there is none). A
// value of another shape stays, and fails the comparison.
func maskTokens(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if s, ok := e.(string); ok && (k == "next_page_token" || k == "previous_page_token") && pageTokenShape.MatchString(s) {
				x[k] = tokenMask
				continue
			}
			x[k] = maskTokens(e)
		}
	case []any:
		for i, e := range x {
			x[i] = maskTokens(e)
		}
	}
	return v
}

func compact(s string) string {
	var b bytes.Buffer
	if json.Compact(&b, []byte(s)) != nil {
		return s
	}
	return b.String()
}

// decode parses a JSON body into v.
func (r response) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(r.body), v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}
