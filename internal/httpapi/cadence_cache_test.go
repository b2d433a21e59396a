package httpapi

import (
	"fmt"
	"strings"
	"testing"

	"github.com/zcrm/zcrm/internal/store/storetest"
)

// listNames returns the names Get Cadences lists, in order, or nil for a 204.
func (e *testEnv) listNames(tok, query string) []string {
	e.t.Helper()
	r := e.do("GET", cadPath+query, tok, "")
	if r.status == 204 {
		return nil
	}
	if r.status != 200 {
		e.t.Fatalf("list cadences%s = %d %s", query, r.status, r.body)
	}
	var v struct {
		Cadences []struct {
			Name string `json:"name"`
		} `json:"cadences"`
	}
	r.decode(e.t, &v)
	var names []string
	for _, c := range v.Cadences {
		names = append(names, c.Name)
	}
	return names
}

// Get Cadences answers repeat from the list cache, yet a cadence created, renamed, activated or
// deleted through another server sharing the database shows in this server's very next list, for
// every query string it has answered before.
func TestCadenceListSeesChangesFromAnotherServer(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		other := e.twin()
		tok := e.adminToken(cadAll...)
		queries := []string{"", "?module=Leads", "?active=true", "?fields=name,status"}
		want := func(query string, names ...string) {
			t.Helper()
			for range 2 { // the second answer comes from the cache
				if got := e.listNames(tok, query); strings.Join(got, ",") != strings.Join(names, ",") {
					t.Fatalf("list%s = %q, want %q", query, got, names)
				}
			}
		}
		for _, q := range queries {
			want(q)
		}

		id := other.cadCreate(tok, cadManual("First", "Leads"))
		want("", "First")
		want("?module=Leads", "First")
		want("?active=true")
		want("?fields=name,status", "First")

		other.cadAct(tok, id, "publish", "activate")
		want("?active=true", "First")

		path := fmt.Sprintf("%s/%d", cadPath, id)
		r := other.do("PUT", path, tok, `{"cadences":[{"name":"Renamed"}]}`)
		if r.status != 200 {
			t.Fatalf("rename = %d %s", r.status, r.body)
		}
		other.cadAct(tok, id, "publish")
		want("", "Renamed")
		want("?active=true", "Renamed")

		if r := other.do("DELETE", path, tok, ""); r.status != 200 {
			t.Fatalf("delete = %d %s", r.status, r.body)
		}
		for _, q := range queries {
			want(q)
		}
	})
}

// An answer served from the list cache is the computed one byte for byte, with the same status and
// headers: a 200 with its body, and a 204 with Zoho's content type and no body.
func TestCadenceListCachedAnswerIsIdentical(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		tok := e.adminToken(cadAll...)
		e.cadCreate(tok, cadManual("Cached", "Leads"))
		for _, q := range []string{"", "?module=Contacts", "?fields=name"} {
			first := e.do("GET", cadPath+q, tok, "")
			again := e.do("GET", cadPath+q, tok, "")
			if again.status != first.status || again.body != first.body ||
				again.header.Get("Content-Type") != first.header.Get("Content-Type") {
				t.Fatalf("list%s: cached answer %d %q %q differs from computed %d %q %q", q,
					again.status, again.header.Get("Content-Type"), again.body,
					first.status, first.header.Get("Content-Type"), first.body)
			}
		}
		e.do("GET", cadPath+"?module=Contacts", tok, "").expect(t, 204, "")
	})
}
