//go:build unix

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// walkthroughHeading is the README section whose sh block TestReadmeWalkthrough runs.
const walkthroughHeading = "## From token to first call"

// walkthroughBuild is the block's first command; the test puts the binary zcrmBinary built (from
// the same package) at ./zcrm instead of running it.
const walkthroughBuild = "go build -o zcrm ./cmd/zcrm"

// readmeStep is one command of a README sh block and the one line it prints: the "# " comment
// lines under it, joined, "…" standing for any text (empty: the command prints nothing).
type readmeStep struct {
	cmd, want string
}

// readmeBlocks returns the lines of the fenced sh blocks of the README section under heading.
func readmeBlocks(t *testing.T, heading string) []string {
	t.Helper()
	raw, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	in, fenced := false, false
	for _, l := range strings.Split(string(raw), "\n") {
		switch {
		case strings.HasPrefix(l, "## "):
			in = l == heading
		case in && l == "```sh":
			fenced = true
		case in && fenced && l == "```":
			fenced = false
		case in && fenced:
			lines = append(lines, l)
		}
	}
	if len(lines) == 0 {
		t.Fatalf("README.md has no sh block under %q", heading)
	}
	return lines
}

// parseSteps splits block lines into commands (a line ending in \ continues on the next) and their
// expected output (the # lines that follow a command).
func parseSteps(lines []string) []readmeStep {
	var steps []readmeStep
	cont := false
	for _, l := range lines {
		switch {
		case cont:
			steps[len(steps)-1].cmd += "\n" + l
		case strings.HasPrefix(l, "#") && len(steps) > 0:
			steps[len(steps)-1].want += strings.TrimLeft(l, "# ")
		case strings.TrimSpace(l) != "":
			steps = append(steps, readmeStep{cmd: l})
		}
		cont = strings.HasSuffix(l, `\`)
	}
	return steps
}

// globMatch reports whether s is pattern with each "…" standing for any text.
func globMatch(pattern, s string) bool {
	parts := strings.Split(pattern, "…")
	if len(parts) == 1 {
		return s == pattern
	}
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	for _, p := range parts[1 : len(parts)-1] {
		i := strings.Index(s, p)
		if i < 0 {
			return false
		}
		s = s[i+len(p):]
	}
	return strings.HasSuffix(s, parts[len(parts)-1])
}

// toolsOrSkip returns nothing when bash, curl and sed are on PATH. Off CI a machine without them
// skips the walkthrough test with a message; on CI a missing tool fails it.
func toolsOrSkip(t *testing.T) {
	t.Helper()
	for _, tool := range []string{"bash", "curl", "sed"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s is required on CI for the README walkthrough test: %v", tool, err)
			}
			t.Skipf("%s not found (%v): README walkthrough test skipped", tool, err)
		}
	}
}

// freePort returns a loopback TCP port nothing listens on at the moment.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// runBash runs script with bash in dir, in a process group of its own so that the servers it
// leaves in the background can be stopped, and returns its stdout and stderr. Files, not pipes,
// take the output: a background server keeps them open after bash exits.
func runBash(t *testing.T, dir, script string, env []string) (stdout, stderr string, err error) {
	t.Helper()
	outF, err := os.CreateTemp(t.TempDir(), "stdout")
	if err != nil {
		t.Fatal(err)
	}
	errF, err := os.CreateTemp(t.TempDir(), "stderr")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-c", script)
	cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = dir, env, outF, errF
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pgid := cmd.Process.Pid
	t.Cleanup(func() { stopGroup(t, pgid) })
	err = cmd.Wait()
	read := func(f *os.File) string {
		f.Seek(0, io.SeekStart)
		b, _ := io.ReadAll(f)
		f.Close()
		return string(b)
	}
	return read(outF), read(errF), err
}

// stopGroup stops what is left of a process group (the walkthrough's `./zcrm serve &`): SIGTERM,
// then SIGKILL if it is still there after 10 s.
func stopGroup(t *testing.T, pgid int) {
	if syscall.Kill(-pgid, syscall.SIGTERM) != nil {
		return // nothing left
	}
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if syscall.Kill(-pgid, 0) != nil {
			return
		}
	}
	t.Logf("process group %d ignored SIGTERM: killed", pgid)
	syscall.Kill(-pgid, syscall.SIGKILL)
}

var bannerScope = regexp.MustCompile(`--scope (\S+)`)

// runReadmeSection runs the sh block of the README section under heading as written, in a fresh
// directory with the built binary as ./zcrm (the block starts by building it) and 127.0.0.1:8080
// replaced by a free port: every command must succeed and print what the comment under it shows
// (no comment: nothing). It returns the steps, what the last one printed, the block's stderr, the
// directory and the environment it ran in.
func runReadmeSection(t *testing.T, heading string) (steps []readmeStep, last, stderr, dir string, env []string) {
	t.Helper()
	toolsOrSkip(t)
	steps = parseSteps(readmeBlocks(t, heading))
	if steps[0].cmd != walkthroughBuild {
		t.Fatalf("the block under %q starts with %q, want %q", heading, steps[0].cmd, walkthroughBuild)
	}
	steps[0].cmd = ":"
	dir = t.TempDir()
	bin, err := os.ReadFile(zcrmBinary(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "zcrm"), bin, 0o755); err != nil {
		t.Fatal(err)
	}

	// The server listens on a free port instead of 8080: ZCRM_ADDR for serve, the URLs rewritten.
	addr := "127.0.0.1:" + strconv.Itoa(freePort(t))
	rewrite := strings.NewReplacer("127.0.0.1:8080", addr)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "ZCRM_") {
			env = append(env, kv)
		}
	}
	env = append(env, "ZCRM_ADDR="+addr)

	// Each step is preceded by a marker on stdout and followed by a check of its exit status.
	var script strings.Builder
	script.WriteString("set -o pipefail\n")
	for i, s := range steps {
		fmt.Fprintf(&script, "echo '@@step %d'\n%s\n__rc=$?; if [ $__rc -ne 0 ]; then echo \"@@failed with exit status $__rc\"; exit 1; fi\n",
			i, rewrite.Replace(s.cmd))
	}
	stdout, stderr, err := runBash(t, dir, script.String(), env)
	if err != nil {
		t.Errorf("bash: %v", err)
	}
	outs := strings.Split(stdout, "@@step ")[1:]
	if len(outs) != len(steps) {
		t.Errorf("ran %d of %d steps", len(outs), len(steps))
	}
	for i, out := range outs {
		_, out, _ = strings.Cut(out, "\n") // the marker's step number
		out = strings.TrimSuffix(out, "\n")
		want := rewrite.Replace(steps[i].want)
		if strings.Contains(out, "@@failed") || want == "" && out != "" || want != "" && !globMatch(want, out) {
			t.Errorf("step %d: %s\nprinted %q\nwant    %q", i, steps[i].cmd, out, want)
		}
		last = out
	}
	if t.Failed() {
		t.Fatalf("server and bash stderr:\n%s", stderr)
	}
	return steps, last, stderr, dir, env
}

// The README's "From token to first call" runs as written, in a fresh directory with the built
// binary as ./zcrm: every command succeeds and prints what the comment under it shows (no comment:
// nothing), and the last call lists the record the one before it created. Then the serve banner's
// token command and call work too, with the walkthrough's scopes.
func TestReadmeWalkthrough(t *testing.T) {
	steps, last, stderr, dir, env := runReadmeSection(t, walkthroughHeading)
	var list struct {
		Data []map[string]any
		Info map[string]any
	}
	if err := json.Unmarshal([]byte(last), &list); err != nil || len(list.Data) != 1 || list.Data[0]["Last_Name"] != "Lovelace" || list.Info == nil {
		t.Fatalf("the last call printed %q (%v), want a record list holding the record created", last, err)
	}

	// The serve banner: its token command and call, with the walkthrough's scopes.
	_, banner, ok := strings.Cut(stderr, "Get a token for admin@zcrm.local and call the API:\n")
	lines := strings.SplitN(banner, "\n", 3)
	if !ok || len(lines) < 3 || !strings.HasPrefix(lines[0], "  TOKEN=") || !strings.HasPrefix(lines[1], "  curl ") {
		t.Fatalf("no banner with a token command and a call in stderr:\n%s", stderr)
	}
	var scopes string
	for _, s := range steps {
		if v, ok := strings.CutPrefix(s.cmd, "SCOPES="); ok {
			scopes = v
		}
	}
	if m := bannerScope.FindStringSubmatch(lines[0]); m == nil || m[1] != scopes {
		t.Errorf("the banner's token command %q does not ask for the walkthrough's scopes %q", lines[0], scopes)
	}
	out, errs, err := runBash(t, dir, "set -o pipefail\n"+lines[0]+"\n"+lines[1], env)
	var users struct{ Users []struct{ Email string } }
	if err != nil || json.Unmarshal([]byte(out), &users) != nil || len(users.Users) != 1 || users.Users[0].Email != "admin@zcrm.local" {
		t.Fatalf("the banner's call: %v\nstdout %q\nstderr %s", err, out, errs)
	}
}

// The README's "Control plane" block runs as written: resets over HTTP from loopback and with the
// CLI, each answering the default org's id.
func TestReadmeControlPlane(t *testing.T) {
	runReadmeSection(t, "## Control plane")
}

// The README's "zcrm in your test suite" block runs as written: a seed, a fault answering after the
// update took effect, the journal marking it, a clock jump expiring the token, a reset.
func TestReadmeTestSuite(t *testing.T) {
	runReadmeSection(t, "## zcrm in your test suite")
}

// globMatch anchors both ends and lets "…" stand for any text, nothing else.
func TestGlobMatch(t *testing.T) {
	for _, c := range []struct {
		pattern, s string
		want       bool
	}{
		{`{"a":"…","b":1}`, `{"a":"xyz","b":1}`, true},
		{`{"a":"…","b":1}`, `{"a":"xyz","b":2}`, false},
		{`{"a":"…","b":1}`, `x{"a":"xyz","b":1}`, false},
		{`{"a":…,"c":…}`, `{"a":1,"b":2,"c":3}`, true},
		{`{"a":…,"c":…}`, `{"a":1,"b":2}`, false},
		{`abc`, `abc`, true},
		{`abc`, `abcd`, false},
		{`…`, ``, true},
	} {
		if got := globMatch(c.pattern, c.s); got != c.want {
			t.Errorf("globMatch(%q, %q) = %v, want %v", c.pattern, c.s, got, c.want)
		}
	}
}
