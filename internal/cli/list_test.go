package cli_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/zcrm/zcrm/internal/store/storetest"
)

// lines runs a list command that must succeed with nothing on stderr and returns its JSON lines.
func lines(t *testing.T, dsn string, args ...string) []map[string]any {
	t.Helper()
	code, out, errOut := zcrm(t, dsn, args...)
	if code != 0 || errOut != "" {
		t.Fatalf("zcrm %s: exit %d, stderr %q", strings.Join(args, " "), code, errOut)
	}
	var objs []map[string]any
	for _, l := range strings.SplitAfter(out, "\n") {
		if l == "" {
			continue
		}
		var m map[string]any
		if !strings.HasSuffix(l, "\n") || json.Unmarshal([]byte(l), &m) != nil {
			t.Fatalf("zcrm %s: %q is not a JSON object line", strings.Join(args, " "), l)
		}
		objs = append(objs, m)
	}
	return objs
}

// field returns one key of each object.
func field(objs []map[string]any, key string) []any {
	var out []any
	for _, o := range objs {
		out = append(out, o[key])
	}
	return out
}

// org list, user list and client list print JSON lines, oldest first, with exactly the documented
// keys: never a secret or a hash.
func TestListCommands(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		dsn := storetest.DSN(t, b)
		acme := str(t, ok(t, dsn, "org", "create", "--name", "Acme Corp", "--edition", "professional"), "org_id")

		orgs := lines(t, dsn, "org", "list")
		if len(orgs) != 2 || !reflect.DeepEqual(keys(orgs[0]), []string{"created_time", "default", "edition", "name", "org_id"}) ||
			!reflect.DeepEqual(field(orgs, "name"), []any{"zcrm", "Acme Corp"}) || !reflect.DeepEqual(field(orgs, "edition"), []any{"enterprise", "professional"}) ||
			!reflect.DeepEqual(field(orgs, "default"), []any{true, false}) || orgs[1]["org_id"] != acme {
			t.Fatalf("org list = %v", orgs)
		}
		if _, err := time.Parse(time.RFC3339, orgs[0]["created_time"].(string)); err != nil {
			t.Errorf("created_time: %v", err)
		}

		ok(t, dsn, "user", "create", "--email", "bob@acme.io", "--org", acme)
		users := lines(t, dsn, "user", "list", "--org", acme)
		if len(users) != 2 || !reflect.DeepEqual(keys(users[0]), []string{"created_time", "email", "id", "name", "profile", "status"}) ||
			!reflect.DeepEqual(field(users, "email"), []any{"admin@acme-corp.zcrm.local", "bob@acme.io"}) ||
			!reflect.DeepEqual(field(users, "profile"), []any{"Administrator", "Standard"}) ||
			!reflect.DeepEqual(field(users, "status"), []any{"active", "active"}) {
			t.Fatalf("user list --org = %v", users)
		}
		if users := lines(t, dsn, "user", "list"); len(users) != 1 || users[0]["email"] != "admin@zcrm.local" || users[0]["name"] != "Administrator" {
			t.Fatalf("user list = %v", users)
		}

		if got := lines(t, dsn, "client", "list"); len(got) != 0 {
			t.Fatalf("client list before any client = %v", got)
		}
		ok(t, dsn, "token", "--scope", "ZohoCRM.org.ALL") // creates zcrm's internal CLI client: never listed
		first := ok(t, dsn, "client", "create", "--name", "first")
		acmeClient := str(t, ok(t, dsn, "client", "create", "--name", "acme app", "--org", acme), "client_id")
		clients := lines(t, dsn, "client", "list")
		if len(clients) != 1 || !reflect.DeepEqual(keys(clients[0]), []string{"client_id", "created_time", "name"}) ||
			clients[0]["client_id"] != first["client_id"] || clients[0]["name"] != "first" {
			t.Fatalf("client list = %v", clients)
		}
		ok(t, dsn, "client", "grant-org", "--client-id", str(t, first, "client_id"), "--org", acme)
		if got := field(lines(t, dsn, "client", "list", "--org", acme), "client_id"); !reflect.DeepEqual(got, []any{first["client_id"], acmeClient}) {
			t.Fatalf("client list --org = %v", got)
		}
		fails(t, dsn, "no org 42", "user", "list", "--org", "42")
		fails(t, dsn, `invalid org id "acme"`, "client", "list", "--org", "acme")
		fails(t, dsn, "unexpected argument", "org", "list", "extra")
	})
}

// grant and token refuse scopes Zoho does not have, naming the valid ones; profile create refuses
// unknown permissions, naming the valid ones, and stores the canonical spelling of known ones; the
// same org name (up to case and punctuation) is refused.
func TestUnknownNamesRefused(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		dsn := storetest.DSN(t, b)
		id := str(t, ok(t, dsn, "client", "create"), "client_id")
		for _, cmd := range [][]string{{"grant", "--client-id", id}, {"token"}} {
			run := func(want string, args ...string) {
				t.Helper()
				fails(t, dsn, want, append(append([]string{}, cmd...), args...)...)
			}
			run(`unknown scope "ZohoCRM.foo.ALL": ZohoCRM.foo is not a scope; want one of ZohoCRM.bulk,`, "--scope", "ZohoCRM.foo.ALL")
			run(`unknown scope "ZohoCRM.setings.ALL"`, "--scope", "ZohoCRM.modules.ALL,ZohoCRM.setings.ALL")
			run(`unknown scope "Foo.bar.READ": service "Foo" is not ZohoCRM nor one of AaaServer, ZohoFiles`, "--scope", "ZohoCRM.org.ALL,Foo.bar.READ")
			run(`invalid scope "Foo.bar"`, "--scope", "Foo.bar")
		}
		ok(t, dsn, "token", "--scope", "ZohoCRM.org.ALL,AaaServer.profile.READ,ZohoCRM.coql.READ")

		fails(t, dsn, `unknown permission "Nope": want Crm_Implied_<View|Create|Edit|Delete>_<module> with <module> one of Leads, Contacts, Accounts, Potentials,`,
			"profile", "create", "--name", "P", "--deny", "Crm_Implied_Delete_Leads,Nope")
		fails(t, dsn, `unknown permission "Crm_Implied_Delete_Properties"`, "profile", "create", "--name", "P", "--deny", "Crm_Implied_Delete_Properties")
		ok(t, dsn, "module", "create", "--api-name", "Properties")
		p := ok(t, dsn, "profile", "create", "--name", "P", "--deny", "crm_implied_delete_properties, Crm_Implied_Edit_Potentials")
		denied, _ := p["denied"].([]any)
		if len(denied) < 2 || denied[len(denied)-2] != "Crm_Implied_Delete_Properties" || denied[len(denied)-1] != "Crm_Implied_Edit_Potentials" {
			t.Fatalf("profile create = %v", p)
		}

		acme := str(t, ok(t, dsn, "org", "create", "--name", "Acme Corp"), "org_id")
		for _, name := range []string{"Acme Corp", "acme corp", "ACME-corp!", " Acme  Corp "} {
			fails(t, dsn, "org "+acme+` is already named "Acme Corp": org names must differ in more than case and punctuation`, "org", "create", "--name", name)
		}
		fails(t, dsn, `is already named "zcrm"`, "org", "create", "--name", "ZCRM")
		ok(t, dsn, "org", "create", "--name", "Acme Corp 2")
		if n := len(lines(t, dsn, "org", "list")); n != 3 {
			t.Fatalf("%d orgs, want 3", n)
		}
	})
}
