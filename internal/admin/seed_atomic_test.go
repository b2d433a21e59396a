package admin_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/zcrm/zcrm/internal/admin"
	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/store/storetest"
)

// A fixture that fails in its last section (enrolments) leaves nothing of its first ones: no org,
// no user, no client, no token, no record, no cadence; the same fixture, mended, then applies.
func TestSeedAtomic(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b, "")
		e.freeze()
		before := e.dbState()
		bad := strings.Replace(world, `"records": ["c1", "c2"]`, `"records": ["c1", "d1"]`, 1)
		if bad == world {
			t.Fatal("the fixture did not change")
		}
		e.do("POST", "/__zcrm/seed", "", bad).expect(t, 400,
			`{"code":"INVALID_FIXTURE","message":"INVALID_DATA: given id seems to be invalid","path":"$.enrolments[0].records[1]"}`)
		if after := e.dbState(); !reflect.DeepEqual(after, before) {
			t.Fatalf("a failed seed changed the database: %v, was %v", after, before)
		}
		e.crm("GET", "/crm/v8/org", "1000.adminaccess", "").expect(t, 401, invalidToken)
		refs := e.seed(world, worldRefs...)
		if r := e.crm("GET", "/crm/v8/Contacts/"+refs["c1"]+"/Entity_Cadences_Contacts", "1000.adminaccess", ""); r.status != 200 {
			t.Fatalf("after the mended seed: %d %s", r.status, r.body)
		}
	})
}

// Fixed client ids and token values are unique: seeding them again, from another fixture or twice
// in one, is INVALID_FIXTURE naming the value's path, and no answer quotes a secret or a token.
func TestSeedDuplicateFixedValues(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b, "")
		e.seed(`{"oauth": {"clients": [{"ref": "app", "client_id": "1000.FIXEDID", "client_secret": "fixed-secret"}],
			"tokens": [{"client": "app", "scopes": ["ZohoCRM.modules.ALL"], "access_token": "1000.fixedaccess", "refresh_token": "1000.fixedrefresh"}]}}`, "app")
		token := func(fields string) string {
			return `{"oauth": {"tokens": [{"scopes": ["ZohoCRM.modules.ALL"], ` + fields + `}]}}`
		}
		for _, c := range []struct{ doc, message, path string }{
			{`{"oauth": {"clients": [{"client_id": "1000.FIXEDID", "client_secret": "other-secret"}]}}`, "client_id 1000.FIXEDID is taken", "$.oauth.clients[0].client_id"},
			{`{"oauth": {"clients": [{"client_id": "1000.OTHER", "client_secret": "fixed-secret"}, {"client_id": "1000.OTHER", "client_secret": "fixed-secret"}]}}`, "client_id 1000.OTHER is taken", "$.oauth.clients[1].client_id"},
			{token(`"access_token": "1000.fixedaccess"`), "access_token is taken", "$.oauth.tokens[0].access_token"},
			{token(`"refresh_token": "1000.fixedrefresh", "access_token": "1000.new"`), "refresh_token is taken", "$.oauth.tokens[0].refresh_token"},
			{token(`"access_token": "1000.fixedrefresh"`), "", ""}, // an access token may read as another refresh token: they are apart
			{`{"oauth": {"tokens": [{"scopes": ["ZohoCRM.modules.ALL"], "refresh_token": "1000.twice"}, {"scopes": ["ZohoCRM.modules.ALL"], "refresh_token": "1000.twice"}]}}`, "refresh_token is taken", "$.oauth.tokens[1].refresh_token"},
			{token(`"access_token": "1000.fixed access"`), "access_token must be 1000. followed by 1 to 200 letters, digits, '.', '_' or '-', as Zoho's are", "$.oauth.tokens[0].access_token"},
		} {
			if c.message == "" {
				e.do("POST", "/__zcrm/seed", "", c.doc).expect(t, 200, `{"refs":{}}`)
				continue
			}
			r := e.expectFixtureError(c.doc, c.message, c.path)
			for _, secret := range []string{"fixed-secret", "other-secret", "fixedaccess", "fixedrefresh", "1000.twice", "fixed access"} {
				if strings.Contains(r.body, secret) {
					t.Errorf("the answer to %s quotes %q: %s", c.doc, secret, r.body)
				}
			}
		}
	})
}

// rerunStore runs every write function twice: once in a transaction it rolls back, then for real,
// as the store does when PostgreSQL asks for a retry.
type rerunStore struct{ crm.Store }

var errFirstRun = errors.New("the first run is rolled back")

func (s rerunStore) Write(ctx context.Context, fn func(crm.Tx) error) error {
	err := s.Store.Write(ctx, func(tx crm.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		return errFirstRun
	})
	if !errors.Is(err, errFirstRun) {
		return err
	}
	return s.Store.Write(ctx, fn)
}

// A seed whose transaction runs again applies the fixture as if it ran once: the transaction only
// computes from the parsed document, and the services never see what a first run left in it.
func TestSeedRunsAgain(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b, "")
		e.freeze()
		refs, err := (&admin.Service{Store: rerunStore{e.db}}).Seed(context.Background(), []byte(world))
		if err != nil {
			t.Fatal(err)
		}
		if len(refs) != len(worldRefs) || refs["app"] != "1000.FIXEDID" {
			t.Fatalf("refs = %v", refs)
		}
		e.crm("GET", "/crm/v8/settings/automation/cadences/"+refs["cad1"]+"?fields=status", "1000.adminaccess", "").
			replace(`"id":"[0-9]+"`, `"id":"ID"`).expect(t, 200,
			`{"cadences":[{"id":"ID","name":"Nurture","description":null,"module":{"api_name":"Contacts","id":"ID"},"type":"manual_enrollment",
			"custom_view":null,"active":true,"published":true,"status":"active","execution_details":null,
			"follow_ups":[{"action":{"id":"ID","type":"tasks"},"id":"ID","reference_id":"1"}],
			"summary":{"whatsapp_follow_up_count":0,"task_follow_up_count":1,"call_follow_up_count":0,"email_follow_up_count":0},"created_time":"`+frozen+`+0000","modified_time":"`+frozen+`+0000",
			"created_by":{"name":"Administrator","id":"ID"},"modified_by":{"name":"Administrator","id":"ID"},"draft_cadence":null,"parent_cadence":null}]}`)
		if r := e.crm("GET", "/crm/v8/users?type=CurrentUser", "1000.samaccess", ""); r.status != 200 {
			t.Fatalf("Sam's token: %d %s", r.status, r.body)
		}
		if got := e.dbState()["oauth_access_tokens"]; got != 3 {
			t.Fatalf("%d access tokens, want the fixture's 3", got)
		}
	})
}
