package cli_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zcrm/zcrm/internal/cli"
)

var listening = regexp.MustCompile(`listening on (http://\S+)`)

// startServe runs `zcrm serve` in-process on a free port, with environment env and extra args (a
// fresh SQLite file unless they name a database: --db or --temp). It returns the base URL, the
// server's stderr and a stop function that shuts the server down and returns its exit code.
func startServe(t *testing.T, env map[string]string, args ...string) (string, *syncBuffer, func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var stderr syncBuffer
	if !slices.Contains(args, "--db") && !slices.Contains(args, "--temp") {
		args = append([]string{"--db", filepath.Join(t.TempDir(), "z.db")}, args...)
	}
	args = append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)
	code := make(chan int, 1)
	go func() { code <- cli.Run(ctx, args, func(k string) string { return env[k] }, io.Discard, &stderr) }()
	stop := sync.OnceValue(func() int {
		cancel()
		select {
		case c := <-code:
			return c
		case <-time.After(15 * time.Second):
			t.Fatal("zcrm serve did not stop")
			return -1
		}
	})
	t.Cleanup(func() { stop() })
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if m := listening.FindStringSubmatch(stderr.String()); m != nil {
			return m[1], &stderr, stop
		}
		select {
		case c := <-code:
			t.Fatalf("zcrm serve exited %d: %s", c, stderr.String())
		default:
		}
	}
	t.Fatalf("zcrm serve did not start: %s", stderr.String())
	return "", nil, nil
}

// get sends GET u and returns the status and body.
func get(t *testing.T, u string) (int, string) {
	t.Helper()
	res, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// jsonLines decodes the lines of out that are JSON objects.
func jsonLines(t *testing.T, out string) []map[string]any {
	t.Helper()
	var lines []map[string]any
	for _, l := range strings.Split(out, "\n") {
		if !strings.HasPrefix(l, "{") {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line is not JSON: %v: %s", err, l)
		}
		lines = append(lines, m)
	}
	return lines
}

// With --log-format json every log line is a JSON object; the access-log line of a request carries
// its method, path, status, duration, id and query length, never the query.
func TestServeJSONLog(t *testing.T) {
	base, stderr, stop := startServe(t, nil, "--log-format", "json")
	if status, _ := get(t, base+"/crm/v8/org?access_token=sekrit"); status != 401 {
		t.Fatalf("GET /crm/v8/org without a token = %d", status)
	}
	if code := stop(); code != 0 {
		t.Fatalf("serve exited %d: %s", code, stderr)
	}
	out := stderr.String()
	if strings.Contains(out, "sekrit") {
		t.Errorf("the log carries the query:\n%s", out)
	}
	var access map[string]any
	for _, l := range jsonLines(t, out) {
		if l["msg"] == "request" && l["path"] == "/crm/v8/org" {
			access = l
		}
	}
	if access == nil {
		t.Fatalf("no JSON access-log line for GET /crm/v8/org:\n%s", out)
	}
	for k, want := range map[string]any{"level": "INFO", "method": "GET", "status": 401.0, "query_len": 19.0} {
		if access[k] != want {
			t.Errorf("access log %s = %v, want %v (%v)", k, access[k], want, access)
		}
	}
	if id, _ := access["id"].(string); len(id) != 16 {
		t.Errorf("access log id = %v", access["id"])
	}
	if _, ok := access["ms"].(float64); !ok {
		t.Errorf("access log ms = %v", access["ms"])
	}
	if ts, _ := access["time"].(string); ts == "" {
		t.Errorf("access log time = %v", access["time"])
	}
	if got := len(jsonLines(t, out)); got < 2 { // the request and "shutting down"
		t.Errorf("%d JSON lines:\n%s", got, out)
	}
}

// ZCRM_LOG_FORMAT and ZCRM_LOG_LEVEL set the defaults: at warn no request is logged; a bad value is
// a one-line failure.
func TestServeLogEnv(t *testing.T) {
	base, stderr, stop := startServe(t, map[string]string{"ZCRM_LOG_FORMAT": "json", "ZCRM_LOG_LEVEL": "warn"})
	get(t, base+"/healthz")
	stop()
	if lines := jsonLines(t, stderr.String()); len(lines) != 0 {
		t.Errorf("at warn, lines were logged: %v", lines)
	}
	for _, args := range [][]string{{"--log-format", "xml"}, {"--log-level", "verbose"}} {
		code, out, errs := zcrm(t, filepath.Join(t.TempDir(), "z.db"), append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
		if code == 0 || out != "" || strings.Count(strings.TrimSpace(errs), "\n") != 0 || !strings.Contains(errs, args[0]) {
			t.Errorf("serve %v: code %d, stdout %q, stderr %q; want a one-line failure", args, code, out, errs)
		}
	}
}

// /debug/pprof/ is Zoho's INVALID_URL_PATTERN 404 unless serve runs with --pprof; with it, the
// pprof index and profiles are served on the same listener, and /metrics counts them under one route.
func TestServePprof(t *testing.T) {
	base, _, _ := startServe(t, nil)
	status, body := get(t, base+"/debug/pprof/")
	var e struct{ Code string }
	if json.Unmarshal([]byte(body), &e); status != 404 || e.Code != "INVALID_URL_PATTERN" {
		t.Errorf("GET /debug/pprof/ without --pprof = %d %s", status, body)
	}

	base, _, _ = startServe(t, nil, "--pprof")
	if status, body := get(t, base+"/debug/pprof/"); status != 200 || !strings.Contains(body, "Types of profiles available") {
		t.Errorf("GET /debug/pprof/ with --pprof = %d %.200s", status, body)
	}
	if status, body := get(t, base+"/debug/pprof/heap?debug=1"); status != 200 || !strings.Contains(body, "heap profile") {
		t.Errorf("GET /debug/pprof/heap with --pprof = %d %.200s", status, body)
	}
	if _, body := get(t, base+"/metrics"); !strings.Contains(body, `zcrm_http_requests_total{code="200",method="GET",route="/debug/pprof/"} 2`) {
		t.Errorf("/metrics lacks the pprof requests:\n%s", body)
	}
}
