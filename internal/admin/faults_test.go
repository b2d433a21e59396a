package admin_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/zcrm/zcrm/internal/store/storetest"
)

// addFault posts a rule and returns its id.
func (e *env) addFault(rule string) string {
	e.t.Helper()
	r := e.do("POST", "/__zcrm/faults", "", rule)
	var got struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal([]byte(r.body), &got); err != nil || r.status != 200 || got.ID == "" {
		e.t.Fatalf("POST /__zcrm/faults %s: %d %s", rule, r.status, r.body)
	}
	return got.ID
}

// contacts counts the org's contacts through the CRM API.
func (e *env) contacts(tok string) int {
	e.t.Helper()
	r := e.crm("GET", "/crm/v8/Contacts?fields=Last_Name", tok, "")
	if r.status == 204 {
		return 0
	}
	var got struct {
		Data []any `json:"data"`
	}
	if err := json.Unmarshal([]byte(r.body), &got); err != nil || r.status != 200 {
		e.t.Fatalf("list contacts: %d %s", r.status, r.body)
	}
	return len(got.Data)
}

// try sends a CRM request and returns the transport error, if any (a reset connection).
func (e *env) try(method, path, tok, body string) (int, string, error) {
	req, _ := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Zoho-oauthtoken "+tok)
	res, err := e.srv.Client().Do(req)
	if err != nil {
		return 0, "", err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return res.StatusCode, string(b), err
}

const internalError = `{"code":"INTERNAL_ERROR","details":{},"message":"internal error","status":"error"}`

// A rule with a status answers Zoho's envelope for matching requests only (method, path glob, org),
// for its times; the list shows what is left; DELETE removes one or all.
func TestFaultAnswers(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b, "")
		tok := e.token(e.admin)
		other, otherAdmin := e.newOrg("Other")
		otherTok := e.token(otherAdmin)

		e.do("GET", "/__zcrm/faults", "", "").expect(t, 200, `{"faults":[]}`)
		id := e.addFault(`{"method":"GET","path":"/crm/*/org","status":500,"code":"INTERNAL_ERROR","times":1}`)
		e.crm("GET", "/crm/v8/org", tok, "").expect(t, 500, internalError)
		if r := e.crm("GET", "/crm/v8/org", tok, ""); r.status != 200 {
			t.Fatalf("after its one time: %d %s", r.status, r.body)
		}
		r := e.do("GET", "/__zcrm/faults", "", "")
		var list struct {
			Faults []map[string]any `json:"faults"`
		}
		json.Unmarshal([]byte(r.body), &list)
		if len(list.Faults) != 1 || list.Faults[0]["id"] != id || list.Faults[0]["remaining"] != 0.0 || list.Faults[0]["times"] != 1.0 ||
			list.Faults[0]["path"] != "/crm/*/org" || list.Faults[0]["probability"] != 1.0 {
			t.Fatalf("GET /__zcrm/faults: %s", r.body)
		}
		e.do("DELETE", "/__zcrm/faults/"+id, "", "").expect(t, 200, `{"deleted":1}`)
		e.do("DELETE", "/__zcrm/faults/"+id, "", "").expect(t, 404, `{"code":"NOT_FOUND","message":"no fault rule `+id+`"}`)

		// Org, method and details: only the other org's writes to Contacts fail, with the details given.
		e.addFault(fmt.Sprintf(`{"method":"POST","path":"/crm/v8/Contacts","org_id":"%d","status":503,"code":"SERVICE_UNAVAILABLE","message":"try later","details":{"retry":true}}`, other.ID))
		e.crm("POST", "/crm/v8/Contacts", otherTok, `{"data":[{"Last_Name":"X"}]}`).
			expect(t, 503, `{"code":"SERVICE_UNAVAILABLE","details":{"retry":true},"message":"try later","status":"error"}`)
		if r := e.crm("POST", "/crm/v8/Contacts", tok, `{"data":[{"Last_Name":"X"}]}`); r.status != 201 {
			t.Fatalf("another org's write: %d %s", r.status, r.body)
		}
		if e.contacts(otherTok) != 0 {
			t.Fatal("a faulted write took effect")
		}
		if r := e.crm("GET", "/crm/v8/Contacts?fields=Last_Name", otherTok, ""); r.status != 204 {
			t.Fatalf("another method: %d %s", r.status, r.body)
		}
		e.addFault(`{"path":"/crm/*/settings/*","status":429,"code":"TOO_MANY_REQUESTS"}`)
		e.crm("GET", "/crm/v8/settings/modules", tok, "").
			expect(t, 429, `{"code":"TOO_MANY_REQUESTS","details":{},"message":"too many requests","status":"error"}`)
		e.do("DELETE", "/__zcrm/faults", "", "").expect(t, 200, `{"deleted":2}`)
		e.do("GET", "/__zcrm/faults", "", "").expect(t, 200, `{"faults":[]}`)
		if r := e.crm("GET", "/crm/v8/settings/modules", tok, ""); r.status != 200 {
			t.Fatalf("after DELETE all: %d %s", r.status, r.body)
		}
	})
}

// "after": the request takes effect and its answer is lost — replaced by the rule's error, or by a
// reset connection; a reset before the work changes nothing; latency delays the answer.
func TestFaultAfterResetLatency(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b, "")
		tok := e.token(e.admin)
		insert := `{"data":[{"Last_Name":"Lost"}]}`

		e.addFault(`{"method":"POST","path":"/crm/*/Contacts","status":500,"code":"INTERNAL_ERROR","after":true,"times":1}`)
		e.crm("POST", "/crm/v8/Contacts", tok, insert).expect(t, 500, internalError)
		if n := e.contacts(tok); n != 1 {
			t.Fatalf("after an 'after' fault: %d contacts, want the write to have taken effect", n)
		}

		e.addFault(`{"method":"POST","path":"/crm/*/Contacts","reset":true,"after":true,"times":1}`)
		if _, _, err := e.try("POST", "/crm/v8/Contacts", tok, insert); err == nil {
			t.Fatal("an 'after' reset answered")
		}
		if n := e.contacts(tok); n != 2 {
			t.Fatalf("after an 'after' reset: %d contacts, want 2", n)
		}

		e.addFault(`{"method":"POST","path":"/crm/*/Contacts","reset":true,"times":1}`)
		_, _, err := e.try("POST", "/crm/v8/Contacts", tok, insert)
		if err == nil || !(errors.Is(err, io.EOF) || strings.Contains(err.Error(), "reset") || strings.Contains(err.Error(), "EOF")) {
			t.Fatalf("a reset: err = %v", err)
		}
		if n := e.contacts(tok); n != 2 {
			t.Fatalf("after a reset before the work: %d contacts, want 2", n)
		}

		e.addFault(`{"method":"GET","path":"/crm/*/org","latency_ms":150,"times":1}`)
		start := time.Now()
		if r := e.crm("GET", "/crm/v8/org", tok, ""); r.status != 200 {
			t.Fatalf("a delayed request: %d %s", r.status, r.body)
		}
		if d := time.Since(start); d < 150*time.Millisecond {
			t.Fatalf("a 150 ms latency rule answered in %v", d)
		}
	})
}

// Accounts requests are faulted with the accounts server's {"error": code}.
func TestFaultAccounts(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b, "")
		e.addFault(`{"method":"POST","path":"/oauth/v2/token","status":503,"code":"temporarily_unavailable","times":1}`)
		e.do("POST", "/oauth/v2/token?grant_type=refresh_token&refresh_token=x", "", "").
			expect(t, 503, `{"error":"temporarily_unavailable"}`)
		e.do("POST", "/oauth/v2/token?grant_type=refresh_token&refresh_token=x", "", "").
			expect(t, 200, `{"error":"invalid_client"}`)
	})
}

// Rules are shared: set through process 1, process 2 applies them at its next request — on a read,
// and on a write that trusts its token cache — and a bounded rule fires its times across both.
func TestFaultsAcrossProcesses(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		p1 := newEnv(t, b, "")
		p2 := p1.twin()
		tok := p1.token(p1.admin)
		insert := `{"data":[{"Last_Name":"Twin"}]}`
		for _, p := range []*env{p1, p2} { // both processes cache the token
			if r := p.crm("POST", "/crm/v8/Contacts", tok, insert); r.status != 201 {
				t.Fatalf("insert: %d %s", r.status, r.body)
			}
		}
		p1.addFault(`{"method":"POST","path":"/crm/*/Contacts","status":500,"code":"INTERNAL_ERROR","times":2}`)
		p2.crm("POST", "/crm/v8/Contacts", tok, insert).expect(t, 500, internalError)
		p1.crm("POST", "/crm/v8/Contacts", tok, insert).expect(t, 500, internalError)
		if r := p2.crm("POST", "/crm/v8/Contacts", tok, insert); r.status != 201 {
			t.Fatalf("the third write, past the rule's two times: %d %s", r.status, r.body)
		}
		if n := p1.contacts(tok); n != 3 {
			t.Fatalf("%d contacts, want 3", n)
		}
		p2.addFault(`{"method":"GET","path":"/crm/*/org","status":500,"code":"INTERNAL_ERROR"}`)
		p1.crm("GET", "/crm/v8/org", tok, "").expect(t, 500, internalError)
		p1.do("DELETE", "/__zcrm/faults", "", "").expect(t, 200, `{"deleted":2}`)
		if r := p2.crm("GET", "/crm/v8/org", tok, ""); r.status != 200 {
			t.Fatalf("after DELETE through process 1: %d %s", r.status, r.body)
		}
	})
}

// A faulted request is marked in the journal.
func TestFaultJournaled(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b, "")
		e.journaled("")
		tok := e.token(e.admin)
		e.addFault(`{"method":"GET","path":"/crm/*/org","status":500,"code":"INTERNAL_ERROR","times":1}`)
		e.crm("GET", "/crm/v8/org", tok, "").expect(t, 500, internalError)
		e.crm("GET", "/crm/v8/org", tok, "")
		r := e.do("GET", "/__zcrm/requests?path=/crm/", "", "")
		var got struct {
			Requests []struct {
				Status  int  `json:"status"`
				Faulted bool `json:"faulted"`
			} `json:"requests"`
		}
		if err := json.Unmarshal([]byte(r.body), &got); err != nil || len(got.Requests) != 2 {
			t.Fatalf("journal: %d %s", r.status, r.body)
		}
		if got.Requests[0].Status != 200 || got.Requests[0].Faulted || got.Requests[1].Status != 500 || !got.Requests[1].Faulted {
			t.Fatalf("journal (newest first): %s", r.body)
		}
	})
}

// A rule that cannot work is refused with a 400 naming what is wrong, and nothing is stored.
func TestFaultValidation(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b, "")
		for _, c := range []struct{ body, message string }{
			{`{"path":"/crm/*/org"}`, "a rule needs status, latency_ms or reset"},
			{`{"path":"/api/x","status":500,"code":"X"}`, "path must be a glob over /crm/{version}/… or /oauth/…, e.g. /crm/*/org, not \"/api/x\""},
			{`{"path":"/crm/[","status":500,"code":"X"}`, "path \"/crm/[\" is not a valid glob"},
			{`{"method":"FETCH","path":"/crm/*/org","status":500,"code":"X"}`, "method must be GET, POST, PUT, PATCH, DELETE, HEAD or * (any), not \"FETCH\""},
			{`{"path":"/crm/*/org","status":200,"code":"X"}`, "status must be an error status, 400 to 599, not 200"},
			{`{"path":"/crm/*/org","status":500}`, "code is required with status, e.g. INTERNAL_ERROR"},
			{`{"path":"/crm/*/org","code":"X","latency_ms":5}`, "code, message and details need a status"},
			{`{"path":"/crm/*/org","status":500,"code":"X","reset":true}`, "a rule answers with status or resets the connection, not both"},
			{`{"path":"/crm/*/org","latency_ms":5,"after":true}`, "after needs status or reset: the answer that replaces the request's own"},
			{`{"path":"/crm/*/org","status":500,"code":"X","probability":1.5}`, "probability must be in (0, 1], not 1.5"},
			{`{"path":"/crm/*/org","status":500,"code":"X","times":-1}`, "times must be 0 (no bound) or more, not -1"},
			{`{"path":"/crm/*/org","latency_ms":60001}`, "latency_ms must be between 0 and 60000, not 60001"},
			{`{"path":"/crm/*/org","status":500,"code":"X","colour":"red"}`, "the body must be a fault rule: unknown field \"colour\""},
			{`{"path":"/crm/*/org","status":500,"code":"X","id":"1"}`, "id, remaining and created_time are set by zcrm"},
		} {
			want, _ := json.Marshal(map[string]string{"code": "INVALID_DATA", "message": c.message})
			e.do("POST", "/__zcrm/faults", "", c.body).expect(t, 400, string(want))
		}
		e.do("POST", "/__zcrm/faults", "", `{"path":"/crm/*/org","status":500,"code":"X","org_id":"123"}`).
			expect(t, 404, `{"code":"NOT_FOUND","message":"no org 123"}`)
		e.do("GET", "/__zcrm/faults", "", "").expect(t, 200, `{"faults":[]}`)
	})
}
