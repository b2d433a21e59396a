package client_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/zcrm/zcrm/client"
	"github.com/zcrm/zcrm/zcrmtest"
)

// Do sends anything and returns status, headers and body untouched, for tests that check the wire.
func TestDoRaw(t *testing.T) {
	srv := zcrmtest.NewServer(t)
	c, ctx := srv.Client, t.Context()

	res, err := c.Do(ctx, &client.Request{Path: "org"})
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/json;charset=utf-8" || !strings.Contains(res.String(), `"org":[`) {
		t.Fatalf("GET org = %d %s %s", res.StatusCode, res.Header, res.Body)
	}
	var body struct {
		Org []client.Org `json:"org"`
	}
	if err := res.JSON(&body); err != nil || body.Org[0].ID != srv.Org.ID {
		t.Fatalf("decoded = %+v, %v", body, err)
	}

	// An absolute path picks another API version; a JSON body is encoded; Items decodes the answer.
	res, err = c.Do(ctx, &client.Request{Method: http.MethodPost, Path: "/crm/v2.1/Contacts", Body: map[string]any{"data": []any{map[string]any{"Last_Name": "Raw"}}}})
	if err != nil {
		t.Fatal(err)
	}
	items, err := res.Items("data")
	if err != nil || res.StatusCode != 201 || items.Items[0].Message != "record added" {
		t.Fatalf("raw insert = %d %s, %v", res.StatusCode, res.Body, err)
	}
	// A string body goes as is; a query is added.
	res, err = c.Do(ctx, &client.Request{Method: http.MethodDelete, Path: "Contacts", Query: url.Values{"ids": {items.IDs()[0]}}})
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("raw delete = %v %v", res, err)
	}
	res, _ = c.Do(ctx, &client.Request{Method: http.MethodPost, Path: "Contacts", Body: `{"data":`})
	if e := res.APIError(); res.StatusCode != 400 || e == nil || e.Code != "UNABLE_TO_PARSE_DATA_TYPE" {
		t.Fatalf("malformed body = %d %s", res.StatusCode, res.Body)
	}

	// No Authorization header at all.
	res, err = c.Do(ctx, &client.Request{Path: "org", NoAuth: true})
	if err != nil {
		t.Fatal(err)
	}
	if e := res.APIError(); res.StatusCode != 401 || e == nil || e.Code != "AUTHENTICATION_FAILURE" {
		t.Fatalf("no auth = %d %s", res.StatusCode, res.Body)
	}
	// Wrong paths and methods come back as Zoho answers them.
	res, _ = c.Do(ctx, &client.Request{Path: "no/such/api/path/at/all"})
	if e := res.APIError(); res.StatusCode != 404 || e == nil || e.Code != "INVALID_URL_PATTERN" {
		t.Fatalf("bad path = %d %s", res.StatusCode, res.Body)
	}
	res, _ = c.Do(ctx, &client.Request{Method: http.MethodPatch, Path: "org"})
	if e := res.APIError(); res.StatusCode != 400 || e == nil || e.Code != "INVALID_REQUEST_METHOD" {
		t.Fatalf("bad method = %d %s", res.StatusCode, res.Body)
	}
	// Paths outside /crm reach the server's other endpoints.
	res, err = c.Do(ctx, &client.Request{Path: "/healthz", NoAuth: true})
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("healthz = %v %v", res, err)
	}
	// 204 has an empty body.
	res, _ = c.Do(ctx, &client.Request{Path: "settings/automation/cadences"})
	if res.StatusCode != 204 || len(res.Body) != 0 || res.APIError() != nil {
		t.Fatalf("empty list = %d %q", res.StatusCode, res.Body)
	}
}
