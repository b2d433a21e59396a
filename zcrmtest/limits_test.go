package zcrmtest_test

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zcrm/zcrm/client"
	"github.com/zcrm/zcrm/zcrmtest"
)

// statusLog is a transport that records the status of every CRM answer and, on the first 429,
// runs onLimit before handing the answer over: the limit is lifted while the client waits to retry.
type statusLog struct {
	next    http.RoundTripper
	onLimit func()
	mu      sync.Mutex
	codes   []int
}

func (s *statusLog) RoundTrip(req *http.Request) (*http.Response, error) {
	res, err := s.next.RoundTrip(req)
	if err != nil || !strings.HasPrefix(req.URL.Path, "/crm/") {
		return res, err
	}
	s.mu.Lock()
	s.codes = append(s.codes, res.StatusCode)
	first := res.StatusCode == http.StatusTooManyRequests && s.onLimit != nil
	lift := s.onLimit
	if first {
		s.onLimit = nil
	}
	s.mu.Unlock()
	if first {
		lift()
	}
	return res, nil
}

func (s *statusLog) statuses() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return fmt.Sprint(s.codes)
}

// The Go client retries HTTP 429: against a server in mode zoho whose org has spent its credits,
// its call is refused, and once the budget is raised (through the admin API, while the client
// waits) the retry passes. Without retries the 429 is ErrTooManyRequests.
func TestClientRetriesTooManyRequests(t *testing.T) {
	backends(t, func(t *testing.T, db zcrmtest.Option) {
		srv := zcrmtest.NewServer(t, db)
		srv.Limits(zcrmtest.LimitSettings{Org: &srv.Org, Mode: "zoho", CreditsPerDay: 1})
		raise := func() {
			req, _ := http.NewRequest(http.MethodPut, srv.URL+"/__zcrm/limits", strings.NewReader(
				`{"org_id":"`+srv.Org.ID+`","credits_per_day":100}`))
			res, err := srv.HTTPClient().Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			defer res.Body.Close()
			if b, _ := io.ReadAll(res.Body); res.StatusCode != 200 {
				t.Errorf("PUT /__zcrm/limits = %d %s", res.StatusCode, b)
			}
		}
		log := &statusLog{next: srv.HTTPClient().Transport, onLimit: raise}
		c := srv.NewClient(srv.Admin, zcrmtest.FullScope, client.WithHTTPClient(&http.Client{Transport: log}),
			client.WithRetries(3, time.Millisecond))
		if _, err := c.Org(t.Context()); err != nil {
			t.Fatal(err)
		}
		org, err := c.Org(t.Context())
		if err != nil || org.ID != srv.Org.ID {
			t.Fatalf("Org after a 429 = %+v, %v", org, err)
		}
		if got := log.statuses(); got != "[200 429 200]" {
			t.Fatalf("statuses = %s, want [200 429 200]", got)
		}

		noRetries := srv.NewClient(srv.Admin, zcrmtest.FullScope, client.WithRetries(0, 0))
		srv.Limits(zcrmtest.LimitSettings{Org: &srv.Org, CreditsPerDay: 1}) // 2 spent already
		_, err = noRetries.Org(t.Context())
		var apiErr *client.APIError
		if !errors.Is(err, client.ErrTooManyRequests) || !errors.As(err, &apiErr) || apiErr.Status != 429 {
			t.Fatalf("err = %v, want a 429 ErrTooManyRequests", err)
		}

		srv.Limits(zcrmtest.LimitSettings{Mode: "off"})
		srv.Limits(zcrmtest.LimitSettings{Org: &srv.Org, Mode: "off"})
		if _, err := noRetries.Org(t.Context()); err != nil {
			t.Fatalf("in mode off: %v", err)
		}
	})
}
