package zcrmtest_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/zcrm/zcrm/client"
	"github.com/zcrm/zcrm/zcrmtest"
)

// SetClock and AdvanceClock move the server's time: records carry it, and Client, on the same
// clock, refreshes its token when an advance expires it and goes on working.
func TestClockMethods(t *testing.T) {
	backends(t, func(t *testing.T, db zcrmtest.Option) {
		srv := zcrmtest.NewServer(t, db)
		ctx := t.Context()
		at := time.Date(2030, 1, 1, 9, 0, 0, 0, time.UTC)
		srv.SetClock(at, true)
		if !srv.Now().Equal(at) {
			t.Fatalf("Now = %v, want %v", srv.Now(), at)
		}
		id, err := srv.Client.InsertRecord(ctx, "Contacts", client.Record{"Last_Name": "Then"})
		if err != nil {
			t.Fatal(err)
		}
		if got := srv.AdvanceClock(36 * time.Hour); !got.Equal(at.Add(36 * time.Hour)) {
			t.Fatalf("AdvanceClock = %v", got)
		}
		rec, err := srv.Client.Record(ctx, "Contacts", id, "Created_Time")
		if err != nil { // the token from 2030-01-01 expired; Client refreshed it on the server's clock
			t.Fatal(err)
		}
		if rec["Created_Time"] != "2030-01-01T09:00:00+00:00" {
			t.Fatalf("Created_Time = %v", rec["Created_Time"])
		}
		srv.RealClock()
		if d := time.Until(srv.Now()).Abs(); d > time.Minute {
			t.Fatalf("RealClock: Now is %v off real time", d)
		}
	})
}

// AddFault makes matching calls fail as the rule says, for its times; ClearFaults ends them.
func TestFaultMethods(t *testing.T) {
	backends(t, func(t *testing.T, db zcrmtest.Option) {
		srv := zcrmtest.NewServer(t, db)
		ctx := t.Context()
		srv.AddFault(zcrmtest.Fault{Method: "POST", Path: "/crm/*/Contacts", Status: 500, Code: "INTERNAL_ERROR", Times: 1})
		_, err := srv.Client.InsertRecord(ctx, "Contacts", client.Record{"Last_Name": "Faulted"})
		var apiErr *client.APIError
		if !errors.As(err, &apiErr) || apiErr.Status != 500 || apiErr.Code != "INTERNAL_ERROR" {
			t.Fatalf("a faulted insert: %v", err)
		}
		if _, err := srv.Client.InsertRecord(ctx, "Contacts", client.Record{"Last_Name": "Fine"}); err != nil {
			t.Fatalf("past the rule's one time: %v", err)
		}
		srv.AddFault(zcrmtest.Fault{Path: "/crm/*/Contacts", Status: 503, Code: "UNAVAILABLE"})
		if _, err := srv.Client.Records(ctx, "Contacts", &client.ListOptions{Fields: []string{"Last_Name"}}); !errors.As(err, &apiErr) || apiErr.Status != 503 {
			t.Fatalf("an unbounded rule: %v", err)
		}
		srv.ClearFaults()
		if _, err := srv.Client.Records(ctx, "Contacts", &client.ListOptions{Fields: []string{"Last_Name"}}); err != nil {
			t.Fatalf("after ClearFaults: %v", err)
		}
	})
}

// A record write's "trigger" (workflow, approval, blueprint) is accepted as Zoho takes it; zcrm has
// no workflows to run, and the request journal keeps what the code under test asked for.
func TestTriggerAcceptedAndJournaled(t *testing.T) {
	backends(t, func(t *testing.T, db zcrmtest.Option) {
		srv := zcrmtest.NewServer(t, db)
		body := `{"data":[{"Last_Name":"Triggered","Company":"C"}],"trigger":["workflow","approval","blueprint"]}`
		req, _ := http.NewRequest("POST", srv.URL+"/crm/v8/Leads", strings.NewReader(body))
		req.Header.Set("Authorization", "Zoho-oauthtoken "+srv.Token(srv.Admin).AccessToken)
		res, err := srv.HTTPClient().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 201 {
			t.Fatalf("insert with trigger: %d", res.StatusCode)
		}
		posts := srv.Requests(zcrmtest.RequestFilter{Method: "POST", Path: "/crm/v8/Leads"})
		if len(posts) != 1 || posts[0].RequestBody != body || posts[0].Status != 201 {
			t.Fatalf("journal = %+v", posts)
		}
	})
}
