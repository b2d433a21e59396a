package admin_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/store/storetest"
)

// GET /__zcrm/limits lists every org with the limits its edition gives it (credits grow with its
// active users, up to the edition's cap); PUT sets the server-wide mode and an org's mode and
// overrides, answers the new state, and null sets a setting back.
func TestLimitsEndpoint(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b, "")
		var free, std crm.Org
		e.write(func(ctx context.Context, tx crm.Tx) error {
			var err error
			if free, _, err = crm.CreateOrg(ctx, tx, crm.NewOrg{Name: "Free", Edition: crm.Free}); err != nil {
				return err
			}
			std, _, err = crm.CreateOrg(ctx, tx, crm.NewOrg{Name: "Std", Edition: crm.Standard})
			return err
		})
		org := func(id int64, edition, mode string, concurrency, credits int, overrides string) string {
			return fmt.Sprintf(`"%d":{"edition":"%s","mode":"%s","concurrency":%d,"credits_per_day":%d,"in_flight":0,"credits_used":0,"overrides":%s}`,
				id, edition, mode, concurrency, credits, overrides)
		}
		e.do("GET", "/__zcrm/limits", "", "").expect(t, 200, `{"mode":"off","orgs":{`+
			org(e.org.ID, "enterprise", "off", 20, 51_000, `{}`)+","+
			org(free.ID, "free", "off", 5, 5_000, `{}`)+","+
			org(std.ID, "standard", "off", 10, 50_250, `{}`)+`}}`)

		e.do("PUT", "/__zcrm/limits", "", fmt.Sprintf(`{"org_id":"%d","mode":"zoho","concurrency":2,"credits_per_day":100}`, free.ID)).
			expect(t, 200, `{"mode":"off","orgs":{`+
				org(e.org.ID, "enterprise", "off", 20, 51_000, `{}`)+","+
				org(free.ID, "free", "zoho", 2, 100, `{"mode":"zoho","concurrency":2,"credits_per_day":100}`)+","+
				org(std.ID, "standard", "off", 10, 50_250, `{}`)+`}}`)
		// An org id may be a number too; a change leaves the other settings as they are.
		e.do("PUT", "/__zcrm/limits", "", fmt.Sprintf(`{"org_id":%d,"concurrency":null}`, free.ID)).expect(t, 200, `{"mode":"off","orgs":{`+
			org(e.org.ID, "enterprise", "off", 20, 51_000, `{}`)+","+
			org(free.ID, "free", "zoho", 5, 100, `{"mode":"zoho","credits_per_day":100}`)+","+
			org(std.ID, "standard", "off", 10, 50_250, `{}`)+`}}`)
		e.do("PUT", "/__zcrm/limits", "", `{"mode":"zoho"}`).expect(t, 200, `{"mode":"zoho","orgs":{`+
			org(e.org.ID, "enterprise", "zoho", 20, 51_000, `{}`)+","+
			org(free.ID, "free", "zoho", 5, 100, `{"mode":"zoho","credits_per_day":100}`)+","+
			org(std.ID, "standard", "zoho", 10, 50_250, `{}`)+`}}`)
		e.do("PUT", "/__zcrm/limits", "", fmt.Sprintf(`{"org_id":"%d","mode":null,"credits_per_day":null}`, free.ID))
		e.do("PUT", "/__zcrm/limits", "", fmt.Sprintf(`{"org_id":"%d","mode":"off"}`, std.ID))
		e.do("PUT", "/__zcrm/limits", "", `{"mode":null}`).expect(t, 200, `{"mode":"off","orgs":{`+
			org(e.org.ID, "enterprise", "off", 20, 51_000, `{}`)+","+
			org(free.ID, "free", "off", 5, 5_000, `{}`)+","+
			org(std.ID, "standard", "off", 10, 50_250, `{"mode":"off"}`)+`}}`)
	})
}

// Invalid settings are 400 INVALID_DATA and an unknown org 404 NOT_FOUND, each saying what is
// wrong; nothing changes.
func TestLimitsInvalid(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b, "")
		before := e.do("GET", "/__zcrm/limits", "", "")
		org := crm.FormatID(e.org.ID)
		for _, c := range []struct{ body, want string }{
			{`{"mode":"fast"}`, `mode must be \"off\", \"zoho\" or null, not \"fast\"`},
			{`{"mode":1}`, `mode must be \"off\", \"zoho\" or null, not 1`},
			{`{"org_id":"` + org + `","concurrency":-1}`, `concurrency must be a whole number ≥ 0, or null for the edition's, not -1`},
			{`{"org_id":"` + org + `","credits_per_day":1.5}`, `credits_per_day must be a whole number ≥ 0, or null for the edition's, not 1.5`},
			{`{"org_id":"` + org + `","credits_per_day":"10"}`, `credits_per_day must be a whole number ≥ 0, or null for the edition's, not \"10\"`},
			{`{"org_id":"Acme","mode":"zoho"}`, `org_id must be an org id such as \"5725767000000100001\", not \"Acme\"`},
			{`{"concurrency":2}`, `concurrency and credits_per_day are set per org: give org_id`},
			{`{}`, `give the server-wide mode ({\"mode\": \"off\"|\"zoho\"|null}) or an org_id with what to change`},
			{`{"org_id":"` + org + `"}`, `nothing to change: give mode, concurrency or credits_per_day`},
			{`{"mdoe":"zoho"}`, `unknown key \"mdoe\": the keys are mode, org_id, concurrency and credits_per_day`},
			{`["zoho"]`, `the body must be a JSON object such as {\"mode\": \"zoho\", \"org_id\": \"<id>\", \"concurrency\": 2, \"credits_per_day\": 100}`},
			{``, `the body must be a JSON object such as {\"mode\": \"zoho\", \"org_id\": \"<id>\", \"concurrency\": 2, \"credits_per_day\": 100}`},
		} {
			e.do("PUT", "/__zcrm/limits", "", c.body).expect(t, 400, `{"code":"INVALID_DATA","message":"`+c.want+`"}`)
		}
		e.do("PUT", "/__zcrm/limits", "", `{"org_id":"123","mode":"zoho"}`).expect(t, 404, `{"code":"NOT_FOUND","message":"no org 123"}`)
		e.do("DELETE", "/__zcrm/limits", "", "").expect(t, 405,
			`{"code":"METHOD_NOT_ALLOWED","message":"/__zcrm/limits does not take DELETE; it takes GET, PUT"}`)
		e.do("GET", "/__zcrm/limits", "", "").expect(t, 200, before.body)
	})
}

// With an admin token set, the limits need it like every admin endpoint.
func TestLimitsNeedAdminToken(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b, adminTokenVal)
		e.do("PUT", "/__zcrm/limits", "", `{"mode":"zoho"}`).expect(t, 401, needToken)
		e.do("GET", "/__zcrm/limits", "Bearer "+adminTokenVal, "").expect(t, 200, fmt.Sprintf(
			`{"mode":"off","orgs":{"%d":{"edition":"enterprise","mode":"off","concurrency":20,"credits_per_day":51000,"in_flight":0,"credits_used":0,"overrides":{}}}}`, e.org.ID))
	})
}

// A full reset puts Zoho's limits back to the mode zcrm serve started with: no overrides, nothing
// counted.
func TestFullResetClearsLimits(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b, "")
		e.do("PUT", "/__zcrm/limits", "", fmt.Sprintf(`{"org_id":"%d","mode":"zoho","credits_per_day":1}`, e.org.ID))
		e.do("PUT", "/__zcrm/limits", "", `{"mode":"zoho"}`)
		r := e.do("POST", "/__zcrm/reset", "", "")
		var org struct {
			ID string `json:"org_id"`
		}
		json.Unmarshal([]byte(r.body), &org)
		e.do("GET", "/__zcrm/limits", "", "").expect(t, 200, fmt.Sprintf(
			`{"mode":"off","orgs":{"%s":{"edition":"enterprise","mode":"off","concurrency":20,"credits_per_day":51000,"in_flight":0,"credits_used":0,"overrides":{}}}}`, org.ID))
	})
}
