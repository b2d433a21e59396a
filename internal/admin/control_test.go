package admin_test

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/zcrm/zcrm/internal/admin"
	"github.com/zcrm/zcrm/internal/httpapi"
	"github.com/zcrm/zcrm/internal/store"
	"github.com/zcrm/zcrm/internal/store/storetest"
)

// twin is a second zcrm process on e's database: its own store handle (its own caches and control
// state) and its own server, loopback admin API.
func (e *env) twin() *env {
	e.t.Helper()
	t := &env{t: e.t, dsn: e.dsn, db: storetest.OpenDSN(e.t, e.dsn, store.Options{}), org: e.org, admin: e.admin}
	t.api = httpapi.NewServer(httpapi.Deps{Store: t.db, PublicURL: "http://zcrm.test",
		Admin: admin.NewHandler(&admin.Service{Store: t.db}, "", nil, nil)})
	t.srv = httptest.NewServer(t.api)
	e.t.Cleanup(t.srv.Close)
	return t
}

// clockNow reads GET /__zcrm/clock.
func (e *env) clockNow() (time.Time, bool) {
	e.t.Helper()
	r := e.do("GET", "/__zcrm/clock", "", "")
	var st struct {
		Now    time.Time `json:"now"`
		Frozen bool      `json:"frozen"`
	}
	if err := json.Unmarshal([]byte(r.body), &st); err != nil || r.status != 200 {
		e.t.Fatalf("GET /__zcrm/clock: %d %s", r.status, r.body)
	}
	return st.Now, st.Frozen
}

// createdTime creates a contact through the CRM API and returns its Created_Time.
func (e *env) createdTime(tok string) string {
	e.t.Helper()
	r := e.crm("POST", "/crm/v8/Contacts", tok, `{"data":[{"Last_Name":"Clocked"}]}`)
	var ins struct {
		Data []struct {
			Details struct {
				CreatedTime string `json:"Created_Time"`
			} `json:"details"`
		} `json:"data"`
	}
	if err := json.Unmarshal([]byte(r.body), &ins); err != nil || r.status != 201 || len(ins.Data) != 1 {
		e.t.Fatalf("insert: %d %s", r.status, r.body)
	}
	return ins.Data[0].Details.CreatedTime
}

// The clock endpoints: set and frozen, advanced, back to real time; records and tokens follow it;
// a full reset returns it to real time; bad input is a 400 naming what is wrong.
func TestClock(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b, "")
		if now, frozen := e.clockNow(); frozen || time.Until(now).Abs() > time.Minute {
			t.Fatalf("a fresh clock reads %v (frozen %v), want real time", now, frozen)
		}
		e.do("PUT", "/__zcrm/clock", "", `{"now":"2030-01-01T09:00:00Z","frozen":true}`).
			expect(t, 200, `{"now":"2030-01-01T09:00:00Z","frozen":true}`)
		e.do("POST", "/__zcrm/clock/advance", "", `{"by":"36h"}`).
			expect(t, 200, `{"now":"2030-01-02T21:00:00Z","frozen":true}`)
		tok := e.token(e.admin) // minted at 2030-01-02T21:00:00Z, valid for an hour
		if got := e.createdTime(tok); got != "2030-01-02T21:00:00+00:00" {
			t.Errorf("Created_Time = %s, want the clock's 2030-01-02T21:00:00+00:00", got)
		}
		e.do("POST", "/__zcrm/clock/advance", "", `{"by":"59m59s"}`).
			expect(t, 200, `{"now":"2030-01-02T21:59:59Z","frozen":true}`)
		if r := e.crm("GET", "/crm/v8/org", tok, ""); r.status != 200 {
			t.Fatalf("a second before expiry: %d %s", r.status, r.body)
		}
		e.do("POST", "/__zcrm/clock/advance", "", `{"by":"1s"}`).
			expect(t, 200, `{"now":"2030-01-02T22:00:00Z","frozen":true}`)
		e.crm("GET", "/crm/v8/org", tok, "").expect(t, 401, invalidToken)

		// Running from a set time: the clock moves on from there.
		r := e.do("PUT", "/__zcrm/clock", "", `{"now":"2031-06-01T00:00:00Z"}`)
		if now, frozen := e.clockNow(); frozen || now.Before(time.Date(2031, 6, 1, 0, 0, 0, 0, time.UTC)) || now.After(time.Date(2031, 6, 1, 0, 1, 0, 0, time.UTC)) {
			t.Fatalf("after %s: clock %v frozen %v, want running from 2031-06-01", r.body, now, frozen)
		}
		// {"frozen": true} stops it where it stands; {"now": null} is real time again.
		e.do("PUT", "/__zcrm/clock", "", `{"frozen":true}`)
		if now, frozen := e.clockNow(); !frozen || now.Year() != 2031 {
			t.Fatalf("frozen where it stood: %v %v", now, frozen)
		}
		e.do("PUT", "/__zcrm/clock", "", `{"now":null}`)
		if now, frozen := e.clockNow(); frozen || time.Until(now).Abs() > time.Minute {
			t.Fatalf("back to real time: %v %v", now, frozen)
		}

		for _, c := range []struct{ method, path, body, want string }{
			{"PUT", "/__zcrm/clock", `{"now":"tomorrow"}`, `{"code":"INVALID_DATA","message":"now must be an RFC 3339 time such as 2030-01-01T09:00:00Z, not \"tomorrow\""}`},
			{"PUT", "/__zcrm/clock", `[1]`, `{"code":"INVALID_DATA","message":"the body must be {\"now\": \"<RFC 3339>\" or null, \"frozen\": true|false}"}`},
			{"POST", "/__zcrm/clock/advance", `{"by":"-1h"}`, `{"code":"INVALID_DATA","message":"by must be a non-negative Go duration such as 90m or 36h, not \"-1h\""}`},
			{"POST", "/__zcrm/clock/advance", `{"by":"2 days"}`, `{"code":"INVALID_DATA","message":"by must be a non-negative Go duration such as 90m or 36h, not \"2 days\""}`},
			{"POST", "/__zcrm/clock/advance", `{}`, `{"code":"INVALID_DATA","message":"the body must be {\"by\": \"<duration>\"}, e.g. {\"by\": \"36h\"}"}`},
		} {
			e.do(c.method, c.path, "", c.body).expect(t, 400, c.want)
		}

		e.do("PUT", "/__zcrm/clock", "", `{"now":"2040-01-01T00:00:00Z","frozen":true}`)
		e.do("POST", "/__zcrm/reset", "", "")
		if now, frozen := e.clockNow(); frozen || time.Until(now).Abs() > time.Minute {
			t.Fatalf("after a full reset the clock reads %v (frozen %v), want real time", now, frozen)
		}
	})
}

// The clock lives in the database: set through process 1, process 2 reads it at its next request —
// a token it has cached expires with it, on a read and on a write, and what it writes carries it.
func TestClockAcrossProcesses(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		p1 := newEnv(t, b, "")
		p2 := p1.twin()
		p1.do("PUT", "/__zcrm/clock", "", `{"now":"2030-01-01T09:00:00Z","frozen":true}`).
			expect(t, 200, `{"now":"2030-01-01T09:00:00Z","frozen":true}`)
		p2.do("GET", "/__zcrm/clock", "", "").expect(t, 200, `{"now":"2030-01-01T09:00:00Z","frozen":true}`)
		tok := p1.token(p1.admin)
		if got := p2.createdTime(tok); got != "2030-01-01T09:00:00+00:00" { // and p2 now caches tok
			t.Fatalf("Created_Time through process 2 = %s", got)
		}
		if r := p2.crm("GET", "/crm/v8/org", tok, ""); r.status != 200 {
			t.Fatalf("GET org: %d %s", r.status, r.body)
		}
		p1.do("POST", "/__zcrm/clock/advance", "", `{"by":"2h"}`)
		p2.crm("GET", "/crm/v8/org", tok, "").expect(t, 401, invalidToken)
		p2.crm("POST", "/crm/v8/Contacts", tok, `{"data":[{"Last_Name":"Late"}]}`).expect(t, 401, invalidToken)

		tok2 := p1.token(p1.admin) // minted at 11:00
		if got := p2.createdTime(tok2); got != "2030-01-01T11:00:00+00:00" {
			t.Fatalf("Created_Time after the move = %s", got)
		}
		p1.do("POST", "/__zcrm/clock/advance", "", `{"by":"1h"}`)
		// A write trusting process 2's token cache learns of the move in its transaction.
		p2.crm("POST", "/crm/v8/Contacts", tok2, `{"data":[{"Last_Name":"Late"}]}`).expect(t, 401, invalidToken)
	})
}

// Resets and imports through process 1 are seen by process 2 at its next request, whatever it
// cached: a cadence list it answered from its cache, and a token.
func TestResetAndImportAcrossProcesses(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		p1 := newEnv(t, b, "")
		p2 := p1.twin()
		snap := p1.do("GET", "/__zcrm/snapshot", "", "").body
		tok := p1.token(p1.admin)
		cadence := `{"cadences":[{"name":"Cached","module":{"api_name":"Leads"},"type":"manual_enrollment","follow_ups":[{"reference_id":"1","action":{"type":"tasks"}}]}]}`
		cached := func(want bool) {
			t.Helper()
			for range 2 { // the second answer comes from process 2's cache
				r := p2.crm("GET", "/crm/v8/settings/automation/cadences", tok, "")
				if strings.Contains(r.body, `"Cached"`) != want || r.status >= 300 {
					t.Fatalf("process 2's cadences = %d %s, want Cached listed: %v", r.status, r.body, want)
				}
			}
		}
		if r := p2.crm("POST", "/crm/v8/settings/automation/cadences", tok, cadence); r.status != 201 {
			t.Fatalf("create = %d %s", r.status, r.body)
		}
		cached(true)
		p1.do("POST", "/__zcrm/reset?keep=auth", "", "")
		cached(false)

		p2.crm("POST", "/crm/v8/settings/automation/cadences", tok, cadence)
		cached(true)
		p1.do("PUT", "/__zcrm/snapshot", "", snap)
		p2.crm("GET", "/crm/v8/settings/automation/cadences", tok, "").expect(t, 401, invalidToken) // minted after the export

		tok = p1.token(p1.admin)
		p2.crm("POST", "/crm/v8/settings/automation/cadences", tok, cadence)
		cached(true)
		p1.do("POST", "/__zcrm/reset", "", "")
		p2.crm("GET", "/crm/v8/settings/automation/cadences", tok, "").expect(t, 401, invalidToken)
	})
}
