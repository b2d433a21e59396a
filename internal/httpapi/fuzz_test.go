package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/oauth"
	"github.com/zcrm/zcrm/internal/store"
	"github.com/zcrm/zcrm/internal/store/storetest"
)

// fuzzServer is a zcrm server on a fresh SQLite store with an all-modules admin token.
type fuzzServer struct {
	srv *httptest.Server
	tok string
}

func newFuzzServer(f *testing.F) *fuzzServer {
	f.Helper()
	db := storetest.Open(f, storetest.SQLite, store.Options{})
	ctx := context.Background()
	fs := &fuzzServer{}
	var admin crm.User
	if err := db.Write(ctx, func(tx crm.Tx) error {
		org, err := crm.EnsureDefaultOrg(ctx, tx)
		if err != nil {
			return err
		}
		if admin, err = tx.FirstAdmin(ctx, org.ID); err != nil {
			return err
		}
		fs.tok, err = oauth.MintAccessToken(ctx, tx, org.ID, admin.ID, 0, 0, []string{"ZohoCRM.modules.ALL"})
		return err
	}); err != nil {
		f.Fatal(err)
	}
	fs.srv = httptest.NewServer(NewServer(Deps{Store: db, PublicURL: "http://zcrm.test"}))
	f.Cleanup(fs.srv.Close)
	return fs
}

// send makes one request and fails t unless the answer is a 2xx or 4xx (never 5xx) with Zoho's
// content type and a JSON body (or none).
func (fs *fuzzServer) send(t *testing.T, method, target string, body []byte) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, fs.srv.URL+target, bytes.NewReader(body))
	if err != nil {
		t.Skipf("not a request: %v", err)
	}
	req.Header.Set("Authorization", "Zoho-oauthtoken "+fs.tok)
	res, err := fs.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	got, _ := io.ReadAll(res.Body)
	if res.StatusCode >= 500 || res.StatusCode < 200 || (res.StatusCode >= 300 && res.StatusCode < 400) {
		t.Fatalf("%s %s: status %d: %s", method, target, res.StatusCode, got)
	}
	if ct := res.Header.Get("Content-Type"); ct != contentType {
		t.Fatalf("%s %s: Content-Type %q", method, target, ct)
	}
	if len(got) > 0 && !json.Valid(got) {
		t.Fatalf("%s %s: body is not JSON: %q", method, target, got)
	}
	return res.StatusCode, got
}

// FuzzIDs: splitting and parsing an ids parameter never panics, keeps only well-formed ids, and
// DELETE /{module}?ids=… answers every value with a 2xx or a 4xx JSON body.
func FuzzIDs(f *testing.F) {
	for _, seed := range []string{
		"", ",", ",,", "1", "1,2,3", "1,,2,", " 1 , 2 ", "abc", "1,abc", "-1", "+1", "0", "1.5", "1e3",
		"9223372036854775807", "9223372036854775808", "00000000000000000001", "12345678901234567890",
		strings.Repeat("1,", 100), strings.Repeat("1,", 101), "%2C", "1%2C2", "\x00", "\u0661", "１",
		"5725767000000100001,5725767000000100001", "1&ids=2", "1#frag", " ", "\t1\n",
	} {
		f.Add(seed)
	}
	fs := newFuzzServer(f)
	f.Fuzz(func(t *testing.T, raw string) {
		parts := crm.SplitIDs(raw)
		for _, p := range parts {
			if p == "" || p != strings.TrimSpace(p) || strings.Contains(p, ",") {
				t.Fatalf("SplitIDs(%q) gave element %q", raw, p)
			}
		}
		ids, ok := crm.ParseIDList(parts)
		if ok {
			if len(ids) != len(parts) {
				t.Fatalf("ParseIDList(%q): %d ids for %d parts", parts, len(ids), len(parts))
			}
			for _, id := range ids {
				if back, ok := crm.ParseID(crm.FormatID(id)); !ok || back != id || id <= 0 {
					t.Fatalf("id %d does not round-trip", id)
				}
			}
		}
		if _, err := crm.ParseIDsParam(raw, true); err != nil {
			var ce *crm.Error
			if !errors.As(err, &ce) || ce.Status != http.StatusBadRequest {
				t.Fatalf("ParseIDsParam(%q): %v", raw, err)
			}
		}
		status, _ := fs.send(t, "DELETE", "/crm/v8/Leads?ids="+url.QueryEscape(raw), nil)
		if status != 200 && status != 207 && status != 400 {
			t.Fatalf("DELETE ids=%q: status %d", raw, status)
		}
		fs.send(t, "GET", "/crm/v8/Leads?fields=Last_Name&ids="+url.QueryEscape(raw), nil)
	})
}

// FuzzDecodeObject: decoding a body never panics and fails only with UNABLE_TO_PARSE_DATA_TYPE,
// and POST /{module} answers every body with a 2xx or a 4xx JSON body.
func FuzzDecodeObject(f *testing.F) {
	for _, seed := range []string{
		``, ` `, `{}`, `null`, `[]`, `"x"`, `1`, `{"data":`, `{"data":null}`, `{"data":[]}`, `{"data":[null]}`, `{"data":{}}`,
		`{"data":[{"Last_Name":"a"}]}`, `{"data":[{"Last_Name":"a"}]} trailing`, `{"data":[{"Last_Name":"a"}]}{}`,
		`{"data":[{"Last_Name":"a","Owner":{"id":"1"}}]}`, `{"data":[{"Last_Name":"a","Owner":{"id":1e400}}]}`,
		`{"data":[{"Last_Name":"a","Annual_Revenue":1e400,"No_of_Employees":-0}]}`,
		`{"data":[{"Last_Name":"a","Custom":{"deep":[[[[{"x":null}]]]]},"$x":1,"id":"9"}]}`,
		`{"data":[{"Last_Name":"\u0000\ud800"}]}`, "{\"data\":[{\"Last_Name\":\"\xff\xfe\"}]}",
		`{"data":[{"last_name":"a","LAST_NAME":"b"}]}`, `{"data":[],"data":[{"Last_Name":"dup"}]}`,
		`{"data":[{"Last_Name":"a","Email":"a@b.c","Email_Opt_Out":true,"Rating":"-None-"}]}`,
		`{"data":[{"Last_Name":"a","Street":123456789012345678901234567890}]}`,
	} {
		f.Add([]byte(seed))
	}
	fs := newFuzzServer(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		obj, err := DecodeObject(body)
		if err != nil {
			var ce *crm.Error
			if !errors.As(err, &ce) || ce.Code != "UNABLE_TO_PARSE_DATA_TYPE" {
				t.Fatalf("DecodeObject(%q): %v", body, err)
			}
		} else if obj == nil {
			t.Fatalf("DecodeObject(%q): nil object without error", body)
		}
		status, _ := fs.send(t, "POST", "/crm/v8/Leads", body)
		if err != nil && status != http.StatusBadRequest {
			t.Fatalf("POST %q: status %d for a body DecodeObject refuses", body, status)
		}
	})
}
