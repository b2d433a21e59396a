package bench

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Startup is how long zcrm took from process start to its first 200 on /healthz.
type Startup struct {
	// Records is the number of contacts in the database; 0 is an empty database (no schema yet).
	Records  int     `json:"records"`
	Trials   int     `json:"trials"`
	MedianMS float64 `json:"median_ms"`
	MaxMS    float64 `json:"max_ms"`
	// RSSMB is the child's peak resident memory when it first answered (largest over trials).
	RSSMB float64 `json:"rss_mb"`
}

// startupTimeout bounds one start: a zcrm that is not healthy by then has failed.
const startupTimeout = 30 * time.Second

// measureStartup execs exe serve on the database dsn(i) returns for trial i, trials times, and
// returns the median and maximum time from process start to a 200 on /healthz.
func measureStartup(ctx context.Context, exe, sync string, records, trials int, dsn func(i int) (string, func(), error)) (Startup, error) {
	st := Startup{Records: records, Trials: trials}
	var times []time.Duration
	for i := range trials {
		d, cleanup, err := dsn(i)
		if err != nil {
			return st, err
		}
		el, rss, err := startOnce(ctx, exe, d, sync)
		cleanup()
		if err != nil {
			return st, err
		}
		times = append(times, el)
		st.RSSMB = max(st.RSSMB, mb(rss))
	}
	slices.Sort(times)
	st.MedianMS, st.MaxMS = ms(times[len(times)/2]), ms(times[len(times)-1])
	return st, nil
}

// startOnce starts `exe serve --addr 127.0.0.1:0 --db dsn`, reads the URL from its "listening on"
// line on stderr, polls /healthz until it answers 200, then stops the process with SIGTERM. It
// returns the time from just before the process started to the 200, and the child's peak RSS.
func startOnce(ctx context.Context, exe, dsn, sync string) (time.Duration, int64, error) {
	ctx, cancel := context.WithTimeout(ctx, startupTimeout)
	defer cancel()
	cmd := exec.Command(exe, "serve", "--addr", "127.0.0.1:0", "--db", dsn, "--sqlite-synchronous", sync)
	cmd.Env = withoutZCRMEnv(os.Environ())
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return 0, 0, err
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, 0, err
	}
	exited := make(chan error, 1)
	defer func() {
		cmd.Process.Signal(os.Interrupt)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
	}()
	urls := make(chan string, 1)
	var tail strings.Builder // the child's first lines, for an error message
	go func() {
		sc := bufio.NewScanner(stderr)
		found := false
		for sc.Scan() {
			line := sc.Text()
			if !found {
				if u, ok := listenURL(line); ok {
					found = true
					urls <- u
				} else if tail.Len() < 2000 {
					tail.WriteString(line + "\n")
				}
			}
		}
		io.Copy(io.Discard, stderr)
		exited <- cmd.Wait()
	}()
	var base string
	select {
	case base = <-urls:
	case <-ctx.Done():
		return 0, 0, fmt.Errorf("zcrm serve printed no listening line within %s", startupTimeout)
	case err := <-exited:
		exited <- err // for the deferred stop
		return 0, 0, fmt.Errorf("zcrm serve exited before listening (%v): %s", err, strings.TrimSpace(tail.String()))
	}
	client := &http.Client{Timeout: startupTimeout, Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true}}
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/healthz", nil)
		resp, err := client.Do(req)
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				el := time.Since(start)
				rss, err := peakRSS(strconv.Itoa(cmd.Process.Pid))
				return el, rss, err
			}
		}
		if ctx.Err() != nil {
			return 0, 0, fmt.Errorf("zcrm at %s not healthy within %s (last error: %v)", base, startupTimeout, err)
		}
		time.Sleep(200 * time.Microsecond)
	}
}

// listenURL extracts the base URL from serve's "zcrm <version> listening on http://… (…)" line.
func listenURL(line string) (string, bool) {
	_, rest, ok := strings.Cut(line, "listening on ")
	if !ok || !strings.HasPrefix(rest, "http") {
		return "", false
	}
	if i := strings.IndexByte(rest, ' '); i >= 0 {
		rest = rest[:i]
	}
	return rest, true
}

// withoutZCRMEnv drops ZCRM_* variables so the child takes only the flags the benchmark gives it.
func withoutZCRMEnv(env []string) []string {
	return slices.DeleteFunc(slices.Clone(env), func(kv string) bool { return strings.HasPrefix(kv, "ZCRM_") })
}

// ms converts a duration to fractional milliseconds.
func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// us converts a duration to fractional microseconds.
func us(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }
