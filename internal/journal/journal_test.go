package journal

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// Each redaction rule on its own, byte for byte (the HTTP tests in internal/httpapi check whole entries).
func TestRedact(t *testing.T) {
	for _, c := range []struct{ name, got, want string }{
		{"query keeps others", redactForm("a=1&code=X&b=2"), "a=1&code=[redacted]&b=2"},
		{"query case and escapes", redactForm("Access_Token=X&client%5Fsecret=Y&token"), "Access_Token=[redacted]&client%5Fsecret=[redacted]&token"},
		{"query without secrets is the same string", redactForm("fields=Last_Name&ids=1,2"), "fields=Last_Name&ids=1,2"},
		{"json string and scalar", redactJSON(`{"access_token":"A\"B","expires_in":3600,"token":123}`, false), `{"access_token":"[redacted]","expires_in":3600,"token":"[redacted]"}`},
		{"json code only for accounts", redactJSON(`{"code":"SUCCESS"}`, false), `{"code":"SUCCESS"}`},
		{"json code in accounts bodies", redactJSON(`{"code" : "1000.abc"}`, true), `{"code" : "[redacted]"}`},
		{"json cut inside a value", redactJSON(`{"x":1,"refresh_token":"1000.ab`, false), `{"x":1,"refresh_token":"[redacted]"`},
		{"json cut after an escape", redactJSON(`{"client_secret":"ab\`, false), `{"client_secret":"[redacted]"`},
		{"multipart", redactBody([]byte("--b\r\n"), "multipart/form-data; boundary=b", true), "[multipart body not journaled]"},
		{"form body", redactBody([]byte("grant_type=x&client_secret=S"), "", true), "grant_type=x&client_secret=[redacted]"},
		{"invalid text", text("a\x00b\xff"), "a\uFFFDb\uFFFD"},
	} {
		if c.got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, c.got, c.want)
		}
	}
}

// The error code comes from Zoho's error object, a failed multi-item answer, or the accounts
// server's {"error": …} (sent with HTTP 200).
func TestErrorCode(t *testing.T) {
	for _, c := range []struct {
		body   string
		status int
		oauth  bool
		want   string
	}{
		{`{"code":"INVALID_TOKEN","details":{},"message":"invalid oauth token","status":"error"}`, 401, false, "INVALID_TOKEN"},
		{`{"data":[{"code":"INVALID_DATA","status":"error"}]}`, 400, false, "INVALID_DATA"},
		{`{"data":[{"code":"SUCCESS"}]}`, 201, false, ""},
		{`{"error":"invalid_code"}`, 200, true, "invalid_code"},
		{`{"access_token":"x"}`, 200, true, ""},
		{`{"code":"INVALID_DATA"`, 400, false, ""}, // cut short
	} {
		if got := errorCode([]byte(c.body), c.status, c.oauth); got != c.want {
			t.Errorf("errorCode(%s, %d) = %q, want %q", c.body, c.status, got, c.want)
		}
	}
}

// nopStore is a shared store (the PostgreSQL path: queue and flusher) that keeps nothing; memStore
// the SQLite path (the ring).
type nopStore struct{}

func (nopStore) JournalShared() bool                                          { return true }
func (nopStore) ClientIDs(context.Context, []int64) (map[int64]string, error) { return nil, nil }
func (nopStore) AppendJournal(context.Context, []Entry, int) error            { return nil }
func (nopStore) Journal(context.Context, Filter) ([]Entry, error)             { return nil, nil }
func (nopStore) ClearJournal(context.Context) error                           { return nil }

type memStore struct{ nopStore }

func (memStore) JournalShared() bool { return false }

// BenchmarkRecord is the request path's cost of journaling one request: Begin, a 100-byte body
// read, a 400-byte answer written, End; in memory (SQLite) and queued for the shared table
// (PostgreSQL; flushing, redaction and the database are the background's).
func BenchmarkRecord(b *testing.B) {
	b.Run("memory", func(b *testing.B) { benchmarkRecord(b, memStore{}, 400) })
	b.Run("memory-38KB", func(b *testing.B) { benchmarkRecord(b, memStore{}, 38<<10) })
	b.Run("shared", func(b *testing.B) { benchmarkRecord(b, nopStore{}, 400) })
}

func benchmarkRecord(b *testing.B, st Store, answerSize int) {
	j := New(st, DefaultSize, nil)
	defer j.Close()
	body := strings.Repeat("x", 100)
	answer := []byte(strings.Repeat("y", answerSize))
	buf := make([]byte, 512)
	r := httptest.NewRequest("POST", "/crm/v8/Leads?fields=Last_Name", strings.NewReader(body))
	b.ReportAllocs()
	start := time.Now()
	for b.Loop() {
		r.Body = nopCloser{strings.NewReader(body)}
		c := j.Begin(r, start)
		for {
			if _, err := r.Body.Read(buf); err != nil {
				break
			}
		}
		c.Write(answer)
		c.SetCaller(1, 2, 3)
		c.End(200, time.Millisecond)
	}
}

type nopCloser struct{ *strings.Reader }

func (nopCloser) Close() error { return nil }

// send journals one request through j as the middleware does: body read, answer written.
func send(t *testing.T, j *Journal, method, target, body, answer string, status int) {
	t.Helper()
	r := httptest.NewRequest(method, target, strings.NewReader(body))
	c := j.Begin(r, time.Now())
	if c == nil {
		t.Fatalf("%s %s not journaled", method, target)
	}
	buf := make([]byte, 1000)
	for {
		if _, err := r.Body.Read(buf); err != nil {
			break
		}
	}
	c.Write([]byte(answer))
	c.SetCaller(7, 8, 0)
	c.End(status, time.Millisecond)
}

// In memory (SQLite) the journal keeps the newest size entries, bodies cut at their bounds; an
// entry whose bytes the arena has since overwritten keeps its line, status, caller and code, and
// reads with empty query and bodies marked truncated.
func TestRing(t *testing.T) {
	j := New(memStore{}, 10, nil)
	defer j.Close()
	if j.ring == nil || len(j.ring.arena) != minArena {
		t.Fatalf("a journal of 10 on SQLite has no ring of %d bytes", minArena)
	}
	big := strings.Repeat("b", MaxRequestBody+1)
	answer := `{"code":"INVALID_DATA","message":"m"}`
	query := "ids=" + strings.Repeat("1", 20<<10)
	for i := range 15 { // 15 × ~36 KiB: the arena holds the newest 6 or 7
		send(t, j, "POST", fmt.Sprintf("/crm/v8/Leads?n=%d&%s", i, query), big, answer, 400)
	}
	send(t, j, "GET", "/crm/v8/Leads?code=X", "", `{"data":[]}`, 200)
	if j.Begin(httptest.NewRequest("GET", "/__zcrm/requests", nil), time.Now()) != nil {
		t.Error("the admin API is journaled")
	}
	entries, err := j.Entries(context.Background(), Filter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 10 || entries[0].ID != 16 || entries[9].ID != 7 {
		t.Fatalf("got %d entries, newest %d, oldest %d; want 10, 16 … 7", len(entries), entries[0].ID, entries[len(entries)-1].ID)
	}
	if e := entries[0]; e.Query != "code=[redacted]" || e.ResponseBody != `{"data":[]}` || e.OrgID != 7 || e.UserID != 8 || e.Code != "" {
		t.Errorf("newest entry %+v", e)
	}
	kept, lost := 0, 0
	for _, e := range entries[1:] {
		if e.Method != "POST" || e.Path != "/crm/v8/Leads" || e.Status != 400 || e.Code != "INVALID_DATA" || !e.RequestTruncated {
			t.Errorf("entry %d: %s %s %d %q truncated %v/%v", e.ID, e.Method, e.Path, e.Status, e.Code, e.RequestTruncated, e.ResponseTruncated)
		}
		switch {
		case e.Query == fmt.Sprintf("n=%d&%s", e.ID-1, query) && e.RequestBody == big[:MaxRequestBody] && e.ResponseBody == answer && !e.ResponseTruncated:
			if lost > 0 {
				t.Errorf("entry %d kept its bytes after an older one lost them", e.ID)
			}
			kept++
		case e.Query == "" && e.RequestBody == "" && e.ResponseBody == "" && e.ResponseTruncated:
			lost++
		default:
			t.Errorf("entry %d: query %d bytes, bodies %d and %d bytes", e.ID, len(e.Query), len(e.RequestBody), len(e.ResponseBody))
		}
	}
	if kept < 5 || lost < 1 || kept+lost != 9 {
		t.Errorf("%d entries kept their bytes and %d lost them, want 5 or more and 1 or more", kept, lost)
	}
	if got, _ := j.Entries(context.Background(), Filter{Limit: 100, Method: "GET"}); len(got) != 1 || got[0].ID != 16 {
		t.Errorf("method filter: %d entries", len(got))
	}
	long := `{"data":[` + strings.Repeat(`{"id":"1"},`, MaxResponseBody/10) + `]}`
	send(t, j, "GET", "/crm/v8/Leads", "", long, 200)
	if got, _ := j.Entries(context.Background(), Filter{Limit: 1}); len(got) != 1 || got[0].ResponseBody != long[:MaxResponseBody] || !got[0].ResponseTruncated {
		t.Errorf("an answer over %d bytes is not cut there", MaxResponseBody)
	}
	if err := j.Clear(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got, _ := j.Entries(context.Background(), Filter{Limit: 100}); len(got) != 0 {
		t.Errorf("%d entries after Clear", len(got))
	}
}

// Without --journal-size the journal is on (DefaultSize) on SQLite and off on PostgreSQL.
func TestSizeFor(t *testing.T) {
	for _, c := range []struct {
		st         Store
		flag, want int
	}{{memStore{}, -1, DefaultSize}, {nopStore{}, -1, 0}, {nopStore{}, 5, 5}, {memStore{}, 0, 0}} {
		if got := SizeFor(c.st, c.flag); got != c.want {
			t.Errorf("SizeFor(shared %v, %d) = %d, want %d", c.st.JournalShared(), c.flag, got, c.want)
		}
	}
}
