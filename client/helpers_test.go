package client_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/zcrm/zcrm/client"
	"github.com/zcrm/zcrm/internal/store/storetest"
	"github.com/zcrm/zcrm/zcrmtest"
)

// eachBackend runs fn on SQLite and, when ZCRM_TEST_POSTGRES is set, on PostgreSQL; db is the
// zcrmtest option selecting the backend (nil for SQLite).
func eachBackend(t *testing.T, fn func(t *testing.T, db zcrmtest.Option)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, nil) })
	t.Run("postgres", func(t *testing.T) {
		fn(t, zcrmtest.WithPostgres(storetest.PostgresURL(t)))
	})
}

// start is the clock every test server starts at.
var start = time.Date(2024, 7, 17, 20, 38, 22, 0, time.UTC)

// wantItems checks the (code, message, id) of each item.
func wantItems(t *testing.T, res client.Results, want ...[3]string) {
	t.Helper()
	var got [][3]string
	for _, it := range res.Items {
		got = append(got, [3]string{it.Code, it.Message, it.ID()})
	}
	if len(want) == 0 {
		want = nil
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("items = %q\nwant    %q", got, want)
	}
}

// wantAPIError checks that err is an *APIError with the status, code and message.
func wantAPIError(t *testing.T, err error, status int, code, message string) *client.APIError {
	t.Helper()
	var ae *client.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("err = %v (%T), want an *APIError %s", err, err, code)
	}
	if ae.Status != status || ae.Code != code || ae.Message != message {
		t.Fatalf("APIError = %d %s %q, want %d %s %q", ae.Status, ae.Code, ae.Message, status, code, message)
	}
	return ae
}

// jsonOf renders v as compact JSON for comparisons.
func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// countingTransport counts requests by path and can fail the first requests.
type countingTransport struct {
	base http.RoundTripper
	mu   sync.Mutex
	hits map[string]int
	// failFirst makes the first n requests fail with a transport error.
	failFirst int
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.mu.Lock()
	if c.hits == nil {
		c.hits = map[string]int{}
	}
	c.hits[r.Method+" "+r.URL.Path]++
	fail := c.failFirst > 0
	if fail {
		c.failFirst--
	}
	c.mu.Unlock()
	if fail {
		return nil, errors.New("connection reset by test")
	}
	base := c.base
	if base == nil {
		base = http.DefaultTransport
	}
	return base.RoundTrip(r)
}

func (c *countingTransport) count(key string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.hits[key]
}
