package cli_test

import (
	"bytes"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer the server's goroutines and the test share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

var bannerRE = regexp.MustCompile(`listening on (http://\S+) \(store: sqlite (\S+),`)

// throwawayServer is `zcrm serve` running in-process through cli.Run.
type throwawayServer struct {
	url    string
	dsn    string // as the banner names it
	stderr *syncBuffer
	stop   func() int // shuts the server down and returns its exit code
}

// serveThrowaway runs `zcrm serve` (startServe) with --token-out tokenOut and args, and waits until
// the file holds a token, which --token-out promises to mean the server is listening (serve removes a
// stale file first).
func serveThrowaway(t *testing.T, tokenOut string, args ...string) *throwawayServer {
	t.Helper()
	url, stderr, stop := startServe(t, nil, append([]string{"--token-out", tokenOut}, args...)...)
	s := &throwawayServer{url: url, stderr: stderr, stop: stop}
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if b, err := os.ReadFile(tokenOut); err == nil && tokenRE.MatchString(strings.TrimSpace(string(b))) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no token file after 15s: %s", s.stderr)
		}
	}
	m := bannerRE.FindStringSubmatch(s.stderr.String())
	if m == nil {
		t.Fatalf("no banner: %s", s.stderr)
	}
	s.dsn = m[2]
	return s
}

// call sends a request with the token and returns the status and body.
func call(t *testing.T, method, url, token, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Zoho-oauthtoken "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// readToken returns the --token-out file's token, checking its form and mode.
func readToken(t *testing.T, path string) string {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("token file mode %v, want 0600", fi.Mode().Perm())
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	token := strings.TrimSuffix(string(b), "\n")
	if !tokenRE.MatchString(token) || len(b) != len(token)+1 {
		t.Fatalf("token file holds %q, want one access token line", b)
	}
	return token
}

// firstCall makes the README's first calls with the token: a write (a lead) and a read of it, and
// checks /healthz.
func firstCall(t *testing.T, s *throwawayServer, token string) {
	t.Helper()
	if code, body := call(t, "GET", s.url+"/healthz", "", ""); code != 200 {
		t.Fatalf("/healthz: %d %s", code, body)
	}
	code, body := call(t, "POST", s.url+"/crm/v8/Leads", token, `{"data":[{"Last_Name":"Lovelace","Company":"Analytical"}]}`)
	if code != 201 || !strings.Contains(body, `"code":"SUCCESS"`) || !strings.Contains(body, `"message":"record added"`) {
		t.Fatalf("POST /crm/v8/Leads: %d %s", code, body)
	}
	id := regexp.MustCompile(`"id":"(\d+)"},"message"`).FindStringSubmatch(body)
	if id == nil {
		t.Fatalf("no record id in %s", body)
	}
	code, body = call(t, "GET", s.url+"/crm/v8/Leads?fields=Last_Name,Company", token, "")
	if want := `{"data":[{"Company":"Analytical","Last_Name":"Lovelace","id":"` + id[1] + `"}],`; code != 200 || !strings.HasPrefix(body, want) {
		t.Fatalf("GET /crm/v8/Leads: %d %s, want 200 %s…", code, body, want)
	}
	// The token has the banner's scopes, settings and users included.
	for _, path := range []string{"/crm/v8/settings/automation/cadences", "/crm/v8/users?type=CurrentUser", "/crm/v8/org"} {
		if code, body := call(t, "GET", s.url+path, token, ""); code != 200 && code != 204 {
			t.Errorf("GET %s: %d %s", path, code, body)
		}
	}
}

// `zcrm serve --db :memory: --token-out FILE` serves a working in-memory database: every
// connection sees the same data (SQLite's own :memory: would give each its own, empty: 500 "no such
// table"). The token file appears once the server listens and goes away when it stops.
func TestServeMemory(t *testing.T) {
	tokenOut := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(tokenOut, []byte("stale\n"), 0o600); err != nil { // a previous run's
		t.Fatal(err)
	}
	s := serveThrowaway(t, tokenOut, "--db", ":memory:")
	if s.dsn != ":memory:" {
		t.Errorf("banner names the store %q", s.dsn)
	}
	firstCall(t, s, readToken(t, tokenOut))
	if !strings.Contains(s.stderr.String(), "An access token for the default org's Administrator (scopes ZohoCRM.modules.ALL,ZohoCRM.settings.ALL,ZohoCRM.users.ALL,ZohoCRM.org.ALL, valid 1h0m0s) is in "+tokenOut+"\n") {
		t.Errorf("serve did not say where the token is: %s", s.stderr)
	}
	if code := s.stop(); code != 0 {
		t.Fatalf("serve exited %d: %s", code, s.stderr)
	}
	if _, err := os.Stat(tokenOut); !os.IsNotExist(err) {
		t.Errorf("token file left after shutdown: %v", err)
	}
}

// `zcrm serve --temp` serves a new temporary SQLite file that other commands reach while it runs,
// and leaves nothing behind when it stops.
func TestServeTemp(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp) // where --temp creates its directory (os.TempDir)
	tokenOut := filepath.Join(t.TempDir(), "token")
	s := serveThrowaway(t, tokenOut, "--temp")
	if !strings.HasPrefix(s.dsn, filepath.Join(tmp, "zcrm-serve-")) {
		t.Fatalf("--temp database %q is not in %s", s.dsn, tmp)
	}
	firstCall(t, s, readToken(t, tokenOut))
	// The CLI reaches the temporary database while it is served.
	access := str(t, ok(t, s.dsn, "token", "--scope", "ZohoCRM.modules.ALL"), "access_token")
	if code, body := call(t, "GET", s.url+"/crm/v8/Leads?fields=Last_Name", access, ""); code != 200 || !strings.Contains(body, "Lovelace") {
		t.Fatalf("GET /crm/v8/Leads with a zcrm token: %d %s", code, body)
	}
	if code := s.stop(); code != 0 {
		t.Fatalf("serve exited %d: %s", code, s.stderr)
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("--temp left %v in %s", left, tmp)
	}
	if _, err := os.Stat(tokenOut); !os.IsNotExist(err) {
		t.Errorf("token file left after shutdown: %v", err)
	}
}
