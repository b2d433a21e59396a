package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zcrm/zcrm/client"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// TestMain removes the binary zcrmBinary built, once every test has run.
func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

// zcrmBinary builds ./cmd/zcrm once per test run (CGO disabled, as shipped) and returns its path.
func zcrmBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "zcrm-e2e-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "zcrm")
		cmd := exec.Command("go", "build", "-o", binPath, "../cmd/zcrm")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// server is a running zcrm process.
type server struct {
	t   *testing.T
	bin string
	db  string
	url string
	cmd *exec.Cmd
}

var listenRE = regexp.MustCompile(`listening on (http://\S+)`)

// startServer runs `zcrm serve` on a free port with the given database (a fresh SQLite file when
// db is empty), waits for /healthz and stops the process when the test ends.
func startServer(t *testing.T, db string, extraEnv ...string) *server {
	t.Helper()
	bin := zcrmBinary(t)
	if db == "" {
		db = filepath.Join(t.TempDir(), "zcrm.db")
	}
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--db", db)
	cmd.Env = append(os.Environ(), extraEnv...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{t: t, bin: bin, db: db, cmd: cmd}
	urlc := make(chan string, 1)
	var logMu sync.Mutex
	var log strings.Builder
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			logMu.Lock()
			log.WriteString(line + "\n")
			logMu.Unlock()
			if m := listenRE.FindStringSubmatch(line); m != nil {
				select {
				case urlc <- m[1]:
				default:
				}
			}
		}
	}()
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
		}
		if t.Failed() {
			logMu.Lock()
			t.Logf("server log:\n%s", log.String())
			logMu.Unlock()
		}
	})
	select {
	case s.url = <-urlc:
	case <-time.After(30 * time.Second):
		t.Fatal("server did not report its address")
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := s.api("").Do(context.Background(), &client.Request{Path: "/healthz", NoAuth: true})
		if err == nil && res.StatusCode == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("server not healthy: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return s
}

// cli runs a zcrm subcommand on the server's database and decodes its one JSON object.
func (s *server) cli(args ...string) map[string]any {
	s.t.Helper()
	out := s.cliRaw(args...)
	var v map[string]any
	if err := json.Unmarshal(out, &v); err != nil {
		s.t.Fatalf("zcrm %s: stdout is not one JSON object: %v: %q", strings.Join(args, " "), err, out)
	}
	return v
}

// cliRaw runs a zcrm subcommand on the server's database and returns its stdout.
func (s *server) cliRaw(args ...string) []byte {
	s.t.Helper()
	args = append(args, "--db", s.db)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, s.bin, args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		s.t.Fatalf("zcrm %s: %v\nstderr: %s", strings.Join(args, " "), err, stderr.String())
	}
	return out
}

// api returns a typed zcrm client for the server that sends the given access token.
func (s *server) api(token string) *client.Client {
	s.t.Helper()
	c, err := client.New(client.WithBaseURL(s.url), client.WithAccessToken(token), client.WithRetries(0, 0))
	if err != nil {
		s.t.Fatal(err)
	}
	return c
}

// do sends a raw request through the client (with token, or with no Authorization when token is
// empty) and returns the status and body.
func (s *server) do(method, path, token, body string) (int, string) {
	s.t.Helper()
	req := &client.Request{Method: method, Path: path, NoAuth: token == "", AccessToken: token}
	if body != "" {
		req.Body = body
	}
	res, err := s.api(token).Do(context.Background(), req)
	if err != nil {
		s.t.Fatal(err)
	}
	return res.StatusCode, res.String()
}

// mustJSON calls do, checks the status and decodes the body.
func (s *server) mustJSON(method, path, token, body string, status int) map[string]any {
	s.t.Helper()
	got, text := s.do(method, path, token, body)
	if got != status {
		s.t.Fatalf("%s %s = %d, want %d: %s", method, path, got, status, text)
	}
	var v map[string]any
	if text != "" {
		if err := json.Unmarshal([]byte(text), &v); err != nil {
			s.t.Fatalf("%s %s: %v: %s", method, path, err, text)
		}
	}
	return v
}

// str returns v[key] as a string, failing the test otherwise.
func str(t *testing.T, v map[string]any, key string) string {
	t.Helper()
	s, ok := v[key].(string)
	if !ok || s == "" {
		t.Fatalf("%s is not a non-empty string in %v", key, v)
	}
	return s
}
