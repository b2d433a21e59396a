package client_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zcrm/zcrm/client"
)

// fakeZoho answers every CRM call with the statuses in order (the last one repeats), counting calls.
func fakeZoho(t *testing.T, statuses ...int) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1)) - 1
		st := statuses[min(i, len(statuses)-1)]
		w.Header().Set("Content-Type", "application/json;charset=utf-8")
		w.Header().Set("Retry-After", "0")
		w.WriteHeader(st)
		switch st {
		case http.StatusTooManyRequests:
			w.Write([]byte(`{"code":"TOO_MANY_REQUESTS","details":{},"message":"too many requests","status":"error"}`))
		case http.StatusOK:
			w.Write([]byte(`{"org":[{"id":"1","zgid":"2","company_name":"Fake"}]}`))
		}
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

// HTTP 429 is retried (on any method: the server did nothing), up to the retry budget.
func TestRetriesTooManyRequests(t *testing.T) {
	srv, n := fakeZoho(t, 429, 429, 200)
	c, err := client.New(client.WithBaseURL(srv.URL), client.WithAccessToken("1000.x.y"), client.WithRetries(3, time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	org, err := c.Org(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if org.CompanyName != "Fake" || n.Load() != 3 {
		t.Fatalf("org = %+v after %d calls, want Fake after 3", org, n.Load())
	}

	srv, n = fakeZoho(t, 429)
	c, _ = client.New(client.WithBaseURL(srv.URL), client.WithAccessToken("1000.x.y"), client.WithRetries(2, time.Millisecond))
	_, err = c.InsertRecords(t.Context(), "Leads", client.Record{"Last_Name": "x"})
	if !errors.Is(err, client.ErrTooManyRequests) {
		t.Fatalf("err = %v, want ErrTooManyRequests", err)
	}
	if n.Load() != 3 {
		t.Fatalf("POST was sent %d times, want 3 (one and two retries)", n.Load())
	}
}

// Transport errors are retried for idempotent methods only: a POST may have reached the server.
func TestRetriesTransportErrorsOnlyWhenIdempotent(t *testing.T) {
	srv, _ := fakeZoho(t, 200)
	tr := &countingTransport{failFirst: 2}
	c, _ := client.New(client.WithBaseURL(srv.URL), client.WithAccessToken("1000.x.y"), client.WithRetries(3, time.Millisecond),
		client.WithHTTPClient(&http.Client{Transport: tr}))
	if _, err := c.Org(t.Context()); err != nil {
		t.Fatalf("GET after two transport errors: %v", err)
	}
	if got := tr.count("GET /crm/v8/org"); got != 3 {
		t.Fatalf("GET sent %d times, want 3", got)
	}

	tr = &countingTransport{failFirst: 1}
	c, _ = client.New(client.WithBaseURL(srv.URL), client.WithAccessToken("1000.x.y"), client.WithRetries(3, time.Millisecond),
		client.WithHTTPClient(&http.Client{Transport: tr}))
	if _, err := c.UnenrolFromCadences(t.Context(), "Leads", []string{"1"}, []string{"2"}); err == nil {
		t.Fatal("POST after a transport error succeeded, want the error")
	}
	if got := tr.count("POST /crm/v8/Leads/actions/unenrol_from_cadences"); got != 1 {
		t.Fatalf("POST sent %d times, want 1 (no retry)", got)
	}
}

// Retries stop when the context ends.
func TestRetryHonoursContext(t *testing.T) {
	srv, _ := fakeZoho(t, 429)
	c, _ := client.New(client.WithBaseURL(srv.URL), client.WithAccessToken("1000.x.y"), client.WithRetries(5, time.Hour))
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(429) })
	begin := time.Now()
	_, err := c.Org(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the context's deadline", err)
	}
	if time.Since(begin) > 5*time.Second {
		t.Fatal("backoff ignored the context")
	}
}

// Retries can be switched off.
func TestNoRetries(t *testing.T) {
	srv, n := fakeZoho(t, 429, 200)
	c, _ := client.New(client.WithBaseURL(srv.URL), client.WithAccessToken("1000.x.y"), client.WithRetries(0, 0))
	_, err := c.Org(t.Context())
	wantAPIError(t, err, 429, "TOO_MANY_REQUESTS", "too many requests")
	if n.Load() != 1 {
		t.Fatalf("sent %d times, want 1", n.Load())
	}
}
