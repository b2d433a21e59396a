package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// newClient returns the one HTTP client of a benchmark run: keep-alive with enough idle
// connections per host for every worker, no proxy, no compression.
func newClient(workers int) *http.Client {
	return &http.Client{
		Timeout: time.Minute,
		Transport: &http.Transport{
			Proxy:               nil,
			MaxIdleConns:        4 * workers,
			MaxIdleConnsPerHost: 2 * workers,
			IdleConnTimeout:     time.Minute,
			DisableCompression:  true,
		},
	}
}

// target is a server the benchmark calls, with the Authorization header it sends.
type target struct {
	client *http.Client
	base   string // http://127.0.0.1:port
	auth   string
}

// call sends one request and reads the whole answer (so the connection is reused). A status other
// than want is an error carrying the start of the body.
func (t *target) call(ctx context.Context, method, path string, body []byte, want int) error {
	_, err := t.fetch(ctx, method, path, body, want)
	return err
}

// fetch is call that also returns the response.
func (t *target) fetch(ctx context.Context, method, path string, body []byte, want int) (*captured, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, t.base+path, rd)
	if err != nil {
		return nil, err
	}
	if t.auth != "" {
		req.Header.Set("Authorization", t.auth)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := t.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != want {
		return nil, fmt.Errorf("%s %s: status %d, want %d: %s", method, pathOnly(path), resp.StatusCode, want, snippet(b))
	}
	ans := &captured{status: resp.StatusCode, header: resp.Header, body: b}
	record(ctx, method, path, body, ans)
	return ans, nil
}

// captured is one HTTP answer.
type captured struct {
	status int
	header http.Header
	body   []byte
}

// pathOnly drops the query string (it can hold 100 ids).
func pathOnly(p string) string {
	if i := strings.IndexByte(p, '?'); i >= 0 {
		return p[:i] + "?…"
	}
	return p
}

// snippet returns the start of a body for an error message.
func snippet(b []byte) string {
	const n = 300
	s := strings.TrimSpace(string(b))
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
