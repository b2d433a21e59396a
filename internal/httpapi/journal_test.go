package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/journal"
	"github.com/zcrm/zcrm/internal/oauth"
	"github.com/zcrm/zcrm/internal/store/storetest"
)

// journalEnv is a testEnv whose server journals its requests, with the journal's handler mounted
// at /__zcrm/requests as the admin API mounts it.
type journalEnv struct {
	*testEnv
	j *journal.Journal
}

// withJournal serves e's database with a journal of size entries, replacing e's server.
func withJournal(e *testEnv, size int) *journalEnv {
	e.t.Helper()
	j := journal.New(e.db, size, slog.New(e.errs))
	e.t.Cleanup(func() { j.Close() })
	mux := http.NewServeMux()
	mux.Handle("/__zcrm/requests", j.Handler())
	mux.Handle("/", NewServer(Deps{Store: e.db, PublicURL: "http://zcrm.test", Logger: slog.New(e.errs), Journal: j}))
	e.srv = httptest.NewServer(mux)
	e.t.Cleanup(e.srv.Close)
	return &journalEnv{e, j}
}

func newJournalEnv(t *testing.T, b storetest.Backend, size int) *journalEnv {
	return withJournal(newEnv(t, b), size)
}

// twin is a second process on the same database, journaling to the same table.
func (e *journalEnv) twin() *journalEnv {
	e.t.Helper()
	return withJournal(e.testEnv.twin(), journal.DefaultSize)
}

// entries GETs the journal with query and returns its entries without id, time and duration_ms,
// after checking their form.
func (e *journalEnv) entries(t *testing.T, query string) []map[string]any {
	t.Helper()
	res, err := e.srv.Client().Get(e.srv.URL + "/__zcrm/requests" + query)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		t.Fatalf("GET journal%s = %d %s", query, res.StatusCode, body)
	}
	var out struct {
		Requests []map[string]any `json:"requests"`
	}
	if err := json.Unmarshal(body, &out); err != nil || out.Requests == nil {
		t.Fatalf("journal answer %s: %v", body, err)
	}
	for _, r := range out.Requests {
		id, _ := r["id"].(string)
		if _, err := strconv.ParseInt(id, 10, 64); err != nil {
			t.Errorf("id %v is not a numeric string", r["id"])
		}
		ts, _ := r["time"].(string)
		if at, err := time.Parse(time.RFC3339Nano, ts); err != nil || time.Since(at) > time.Minute || time.Until(at) > time.Second {
			t.Errorf("time %v is not a recent RFC 3339 time", r["time"])
		}
		if d, ok := r["duration_ms"].(float64); !ok || d < 0 {
			t.Errorf("duration_ms %v", r["duration_ms"])
		}
		delete(r, "id")
		delete(r, "time")
		delete(r, "duration_ms")
	}
	return out.Requests
}

// expectEntries checks the journal's answer to query against want, a JSON array of entries without
// id, time and duration_ms.
func (e *journalEnv) expectEntries(t *testing.T, query, want string) {
	t.Helper()
	got, _ := json.Marshal(e.entries(t, query))
	assertJSON(t, string(got), want)
}

// entry is a journal entry as the tests expect it (without id, time and duration_ms).
func entry(method, path, query string, status int, code any, org, user, client any, reqBody, respBody string) map[string]any {
	return map[string]any{"method": method, "path": path, "query": query, "status": status, "code": code,
		"org_id": org, "user_id": user, "client_id": client, "request_body": reqBody, "request_body_truncated": false,
		"response_body": respBody, "response_body_truncated": false, "faulted": false}
}

func entriesJSON(t *testing.T, es ...map[string]any) string {
	t.Helper()
	b, err := json.Marshal(es)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// post sends a request with a content type and no Authorization header.
func (e *testEnv) post(path, contentType, body string) response {
	e.t.Helper()
	res, err := e.srv.Client().Post(e.srv.URL+path, contentType, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{status: res.StatusCode, header: res.Header, body: string(b)}
}

// selfClient creates an OAuth client of the default org and a grant code for its admin.
func (e *testEnv) selfClient(scopes ...string) (id, secret, code string) {
	e.t.Helper()
	e.write(func(ctx context.Context, tx crm.Tx) error {
		var err error
		if id, secret, err = oauth.CreateClient(ctx, tx, e.org.ID, "app"); err != nil {
			return err
		}
		client, err := oauth.ClientByID(ctx, tx, id)
		if err != nil {
			return err
		}
		code, err = oauth.IssueGrant(ctx, tx, client, e.admin, scopes, time.Minute)
		return err
	})
	return id, secret, code
}

// redactTokens returns an accounts answer as the journal keeps it.
func redactTokens(t *testing.T, body string) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"access_token", "refresh_token"} {
		if _, ok := m[k]; ok {
			m[k] = journal.Redacted
		}
	}
	return m2s(t, m)
}

func m2s(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// sameJSON replaces the response_body of got's entries by want's when both are equal JSON values,
// so entries compare in full whatever the key order of a re-encoded expectation.
func normalizeBodies(t *testing.T, got []map[string]any) {
	t.Helper()
	for _, g := range got {
		var v any
		if s, ok := g["response_body"].(string); ok && json.Unmarshal([]byte(s), &v) == nil {
			g["response_body"] = m2s(t, v)
		}
	}
}

// The journal records CRM and accounts requests with who made them, what they sent and what they
// got, newest first, tokens and secrets redacted (the OAuth flow of the README).
func TestJournalRecordsCRMAndOAuthRequests(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newJournalEnv(t, b, journal.DefaultSize)
		id, secret, code := e.selfClient("ZohoCRM.modules.ALL")
		form := url.Values{"grant_type": {"authorization_code"}, "client_id": {id}, "client_secret": {secret}, "code": {code}}.Encode()
		tokens := e.post("/oauth/v2/token", "application/x-www-form-urlencoded", form)
		var tok struct {
			Access  string `json:"access_token"`
			Refresh string `json:"refresh_token"`
		}
		tokens.decode(t, &tok)
		if tok.Access == "" {
			t.Fatalf("no token: %s", tokens.body)
		}
		again := e.post("/oauth/v2/token", "application/x-www-form-urlencoded", form) // the code is used: invalid_code
		created := e.do("POST", "/crm/v8/Leads", tok.Access, `{"data":[{"Last_Name":"Lovelace","Company":"Analytical"}]}`)
		unknown := e.do("GET", "/crm/v8/Nope?fields=Name", tok.Access, "")
		anon := e.do("GET", "/crm/v8/Leads", "", "")

		got := e.entries(t, "")
		normalizeBodies(t, got)
		org, user := crm.FormatID(e.org.ID), crm.FormatID(e.admin.ID)
		redactedForm := "grant_type=authorization_code&client_id=" + url.QueryEscape(id) + "&client_secret=[redacted]&code=[redacted]"
		redactedForm = reorder(form, redactedForm)
		want := []map[string]any{
			entry("GET", "/crm/v8/Leads", "", 401, "AUTHENTICATION_FAILURE", nil, nil, nil, "", anon.body),
			entry("GET", "/crm/v8/Nope", "fields=Name", 400, "INVALID_MODULE", org, user, id, "", unknown.body),
			entry("POST", "/crm/v8/Leads", "", 201, nil, org, user, id, `{"data":[{"Last_Name":"Lovelace","Company":"Analytical"}]}`, created.body),
			entry("POST", "/oauth/v2/token", "", 200, "invalid_code", nil, nil, nil, redactedForm, `{"error":"invalid_code"}`),
			entry("POST", "/oauth/v2/token", "", 200, nil, nil, nil, nil, redactedForm, redactTokens(t, tokens.body)),
		}
		normalizeBodies(t, want)
		assertJSON(t, m2s(t, got), m2s(t, want))
		if again.body != `{"error":"invalid_code"}` {
			t.Errorf("second exchange answered %s", again.body)
		}
		raw, _ := json.Marshal(got)
		for _, s := range []string{tok.Access, tok.Refresh, secret, code} {
			if bytes.Contains(raw, []byte(s)) {
				t.Errorf("the journal holds a secret in clear: %q", s)
			}
		}
	})
}

// reorder returns redacted with its parameters in the order form has them (url.Values.Encode sorts).
func reorder(form, redacted string) string {
	vals := map[string]string{}
	for _, p := range strings.Split(redacted, "&") {
		k, _, _ := strings.Cut(p, "=")
		vals[k] = p
	}
	var out []string
	for _, p := range strings.Split(form, "&") {
		k, _, _ := strings.Cut(p, "=")
		out = append(out, vals[k])
	}
	return strings.Join(out, "&")
}

// Every place a secret can travel is redacted: the Authorization header (never journaled), query
// parameters, urlencoded and multipart bodies, JSON bodies both ways, and a body cut at the bound.
func TestJournalRedaction(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newJournalEnv(t, b, journal.DefaultSize)
		tok := e.adminToken("ZohoCRM.modules.ALL")
		org, user := crm.FormatID(e.org.ID), crm.FormatID(e.admin.ID)
		check := func(name string, send func() response, want func(res response) map[string]any) {
			t.Run(name, func(t *testing.T) {
				if _, err := e.srv.Client().Do(mustReq(t, "DELETE", e.srv.URL+"/__zcrm/requests")); err != nil {
					t.Fatal(err)
				}
				res := send()
				got := e.entries(t, "")
				assertJSON(t, m2s(t, got), entriesJSON(t, want(res)))
				if strings.Contains(m2s(t, got), tok) {
					t.Errorf("the access token is in the journal")
				}
			})
		}
		check("authorization header and query", func() response {
			return e.do("GET", "/crm/v8/Leads?fields=Last_Name&access_token=AT1&Client_Secret=CS1&code=GC1&refresh_token=RT1&token=T1&admin_token=AD1", tok, "")
		}, func(res response) map[string]any {
			return entry("GET", "/crm/v8/Leads", "fields=Last_Name&access_token=[redacted]&Client_Secret=[redacted]&code=[redacted]&refresh_token=[redacted]&token=[redacted]&admin_token=[redacted]",
				res.status, nil, org, user, nil, "", res.body)
		})
		check("urlencoded body and query of the token endpoint", func() response {
			return e.post("/oauth/v2/token?client_secret=CS2&grant_type=refresh_token", "application/x-www-form-urlencoded",
				"grant_type=refresh_token&client_id=1000.X&client_secret=CS3&refresh_token=RT2")
		}, func(res response) map[string]any {
			return entry("POST", "/oauth/v2/token", "client_secret=[redacted]&grant_type=refresh_token", 200, "invalid_client", nil, nil, nil,
				"grant_type=refresh_token&client_id=1000.X&client_secret=[redacted]&refresh_token=[redacted]", `{"error":"invalid_client"}`)
		})
		check("revoke's token parameter", func() response {
			return e.post("/oauth/v2/token/revoke?token=RT3", "", "")
		}, func(res response) map[string]any {
			return entry("POST", "/oauth/v2/token/revoke", "token=[redacted]", res.status, nil, nil, nil, nil, "", res.body)
		})
		check("multipart body", func() response {
			var buf bytes.Buffer
			mw := multipart.NewWriter(&buf)
			mw.WriteField("grant_type", "authorization_code")
			mw.WriteField("client_secret", "CS4")
			mw.WriteField("code", "GC4")
			mw.Close()
			return e.post("/oauth/v2/token", mw.FormDataContentType(), buf.String())
		}, func(res response) map[string]any {
			return entry("POST", "/oauth/v2/token", "", 200, "invalid_client", nil, nil, nil, "[multipart body not journaled]", `{"error":"invalid_client"}`)
		})
		check("JSON request body", func() response {
			return e.do("POST", "/crm/v8/Leads", tok, `{"data":[{"Last_Name":"L","Description":"x"}],"access_token":"AT5","nested":{"Refresh_Token":"RT5","client_secret":"CS5","password":"P5"},"code":"SUCCESS"}`)
		}, func(res response) map[string]any {
			return entry("POST", "/crm/v8/Leads", "", res.status, codeOf(t, res), org, user, nil,
				`{"data":[{"Last_Name":"L","Description":"x"}],"access_token":"[redacted]","nested":{"Refresh_Token":"[redacted]","client_secret":"[redacted]","password":"[redacted]"},"code":"SUCCESS"}`, res.body)
		})
		check("body cut at the bound inside a secret", func() response {
			body := `{"data":[{"Last_Name":"` + cutPad + `"}],"refresh_token":"` + strings.Repeat("S", 100) + `"}`
			return e.do("POST", "/crm/v8/Leads", tok, body)
		}, func(res response) map[string]any {
			en := entry("POST", "/crm/v8/Leads", "", res.status, codeOf(t, res), org, user, nil,
				`{"data":[{"Last_Name":"`+cutPad+`"}],"refresh_token":"[redacted]"`, res.body)
			en["request_body_truncated"] = true
			return en
		})
	})
}

// cutPad makes a body whose bound falls 10 bytes into its refresh_token's value.
var cutPad = strings.Repeat("a", journal.MaxRequestBody-10-len(`{"data":[{"Last_Name":"`)-len(`"}],"refresh_token":"`))

// codeOf is the error code the journal finds in a CRM answer.
func codeOf(t *testing.T, res response) any {
	t.Helper()
	if res.status < 400 {
		return nil
	}
	var v struct {
		Code string           `json:"code"`
		Data []map[string]any `json:"data"`
	}
	res.decode(t, &v)
	if v.Code != "" {
		return v.Code
	}
	return v.Data[0]["code"]
}

func mustReq(t *testing.T, method, u string) *http.Request {
	t.Helper()
	r, err := http.NewRequest(method, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// GET's filters each select what they name; a bad one is 400 INVALID_PARAMETER; DELETE clears.
func TestJournalFilters(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newJournalEnv(t, b, journal.DefaultSize)
		tok := e.adminToken("ZohoCRM.modules.ALL")
		other, otherAdmin := e.newOrg("Other", crm.Enterprise)
		otherTok := e.token(otherAdmin, "ZohoCRM.modules.ALL")
		e.do("GET", "/crm/v8/Leads?fields=Last_Name", tok, "")
		e.do("GET", "/crm/v8/Nope", tok, "")
		if err := e.j.Flush(context.Background()); err != nil {
			t.Fatal(err)
		}
		time.Sleep(5 * time.Millisecond)
		since := time.Now().UTC()
		time.Sleep(5 * time.Millisecond)
		e.do("GET", "/crm/v8/Contacts?fields=Last_Name", otherTok, "")
		e.do("POST", "/crm/v8/Leads", tok, `{"data":[{"Last_Name":"A"}]}`)
		e.post("/oauth/v2/token", "", "grant_type=nope")

		summary := func(q string) string {
			var out []string
			for _, r := range e.entries(t, q) {
				out = append(out, fmt.Sprintf("%s %s %v", r["method"], r["path"], r["status"]))
			}
			return strings.Join(out, ", ")
		}
		for _, c := range []struct{ query, want string }{
			{"", "POST /oauth/v2/token 200, POST /crm/v8/Leads 201, GET /crm/v8/Contacts 204, GET /crm/v8/Nope 400, GET /crm/v8/Leads 204"},
			{"?limit=2", "POST /oauth/v2/token 200, POST /crm/v8/Leads 201"},
			{"?method=get", "GET /crm/v8/Contacts 204, GET /crm/v8/Nope 400, GET /crm/v8/Leads 204"},
			{"?path=/crm/v8/Le", "POST /crm/v8/Leads 201, GET /crm/v8/Leads 204"},
			{"?path=/oauth/", "POST /oauth/v2/token 200"},
			{"?path=/crm/*/N*", "GET /crm/v8/Nope 400"},
			{"?path=/crm/*", ""}, // * never crosses a /
			{"?status=204", "GET /crm/v8/Contacts 204, GET /crm/v8/Leads 204"},
			{"?status=4xx", "GET /crm/v8/Nope 400"},
			{"?org_id=" + crm.FormatID(other.ID), "GET /crm/v8/Contacts 204"},
			{"?since=" + since.Format(time.RFC3339Nano), "POST /oauth/v2/token 200, POST /crm/v8/Leads 201, GET /crm/v8/Contacts 204"},
			{"?method=POST&path=/crm/&status=2xx&org_id=" + crm.FormatID(e.org.ID) + "&limit=5", "POST /crm/v8/Leads 201"},
		} {
			if got := summary(c.query); got != c.want {
				t.Errorf("GET journal%s = %s\nwant %s", c.query, got, c.want)
			}
		}
		for _, c := range []struct{ query, message string }{
			{"?limit=0", `limit must be a number from 1 to 1000, not "0"`},
			{"?limit=1001", `limit must be a number from 1 to 1000, not "1001"`},
			{"?status=abc", `status must be an HTTP status such as 404 or a class such as 4xx, not "abc"`},
			{"?org_id=x", `org_id must be an org id, not "x"`},
			{"?since=yesterday", `since must be an RFC 3339 time such as 2024-07-17T20:38:22Z, not "yesterday"`},
			{"?path=crm", `path must start with /, not "crm"`},
			{"?path=/crm/[*", `path "/crm/[*" is not a valid glob`},
			{"?colour=red", `unknown parameter "colour" (the filters are limit, method, path, status, org_id and since)`},
		} {
			res := e.do("GET", "/__zcrm/requests"+c.query, "", "")
			if res.status != 400 {
				t.Fatalf("GET journal%s = %d %s, want 400", c.query, res.status, res.body)
			}
			assertJSON(t, res.body, m2s(t, map[string]string{"code": "INVALID_PARAMETER", "message": c.message}))
		}
		if res := e.do("POST", "/__zcrm/requests", "", ""); res.status != 405 || res.header.Get("Allow") != "GET, HEAD, DELETE" {
			t.Errorf("POST journal = %d (Allow %q), want 405", res.status, res.header.Get("Allow"))
		}

		e.do("GET", "/crm/v8/Leads", tok, "") // queued, not flushed: DELETE drops it too
		if res := e.do("DELETE", "/__zcrm/requests", "", ""); res.status != 204 || res.body != "" {
			t.Fatalf("DELETE journal = %d %s, want 204", res.status, res.body)
		}
		e.expectEntries(t, "", `[]`)
	})
}

// The journal keeps the newest N entries (--journal-size); the oldest are dropped.
func TestJournalBound(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newJournalEnv(t, b, 3)
		tok := e.adminToken("ZohoCRM.modules.ALL")
		for i := range 5 {
			e.do("GET", fmt.Sprintf("/crm/v8/Leads?page=%d", i+1), tok, "")
			if i == 1 {
				if err := e.j.Flush(context.Background()); err != nil { // trimmed across flushes too
					t.Fatal(err)
				}
			}
		}
		var got []string
		for _, r := range e.entries(t, "?limit=1000") {
			got = append(got, r["query"].(string))
		}
		if strings.Join(got, " ") != "page=5 page=4 page=3" {
			t.Errorf("journal of size 3 holds %v, want page=5 page=4 page=3", got)
		}
		want := 3 // PostgreSQL: trimmed (here at every flush, a tenth of 3 being less than one entry)
		if b == storetest.SQLite {
			want = 0 // in memory only
		}
		if n := e.journalRows(t); n != want {
			t.Errorf("the table holds %d rows, want %d", n, want)
		}
	})
}

func (e *journalEnv) journalRows(t *testing.T) int {
	t.Helper()
	var n int
	if err := e.db.SQL().QueryRow(`SELECT COUNT(*) FROM request_journal`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// On SQLite the journal is the serving process's own, in memory: nothing reaches the database,
// and a second process on the same file has its own journal.
func TestJournalInMemory(t *testing.T) {
	e := newJournalEnv(t, storetest.SQLite, journal.DefaultSize)
	other := e.twin()
	tok := e.adminToken("ZohoCRM.modules.ALL")
	res := e.do("GET", "/crm/v8/Leads?fields=Last_Name", tok, "")
	e.expectEntries(t, "", entriesJSON(t, entry("GET", "/crm/v8/Leads", "fields=Last_Name", res.status, nil,
		crm.FormatID(e.org.ID), crm.FormatID(e.admin.ID), nil, "", res.body)))
	other.expectEntries(t, "", `[]`)
	if n := e.journalRows(t); n != 0 {
		t.Errorf("the table holds %d rows", n)
	}
}

// With several processes on one PostgreSQL database any of them answers for all: a request through
// process 1 is in process 2's journal (once process 1 flushed it, within its flush interval). On
// SQLite the journal is the serving process's own (TestJournalInMemory).
func TestJournalSharedByProcesses(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		if b != storetest.Postgres {
			t.Skip("shared by processes on PostgreSQL only")
		}
		e := newJournalEnv(t, b, journal.DefaultSize)
		other := e.twin()
		tok := e.adminToken("ZohoCRM.modules.ALL")
		res := e.do("GET", "/crm/v8/Leads?fields=Last_Name", tok, "")
		want := entriesJSON(t, entry("GET", "/crm/v8/Leads", "fields=Last_Name", res.status, nil,
			crm.FormatID(e.org.ID), crm.FormatID(e.admin.ID), nil, "", res.body))
		deadline := time.Now().Add(5 * time.Second)
		for len(other.entries(t, "")) == 0 && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		other.expectEntries(t, "", want)
		e.expectEntries(t, "", want)
		if res := other.do("DELETE", "/__zcrm/requests", "", ""); res.status != 204 {
			t.Fatalf("DELETE = %d", res.status)
		}
		e.expectEntries(t, "", `[]`) // cleared for every process
	})
}

// A server without a journal records nothing, and its handler says the journal is off.
func TestJournalOff(t *testing.T) {
	e := newEnv(t, storetest.SQLite)
	var j *journal.Journal = journal.New(e.db, 0, nil)
	if j != nil {
		t.Fatal("journal.New with size 0 returned a journal")
	}
	rec := httptest.NewRecorder()
	j.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/__zcrm/requests", nil))
	if rec.Code != 404 {
		t.Fatalf("GET = %d", rec.Code)
	}
	assertJSON(t, rec.Body.String(), `{"code":"JOURNAL_DISABLED","message":"the request journal is off (zcrm serve --journal-size 0)"}`)
}
