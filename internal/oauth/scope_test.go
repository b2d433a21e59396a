package oauth_test

import (
	"strings"
	"testing"

	"github.com/zcrm/zcrm/internal/oauth"
)

// The scope matcher: which granted scope list satisfies which need (reference §3 and §10.23).
func TestScopesAllow(t *testing.T) {
	mod := oauth.ModuleNeed
	set := oauth.SettingsNeed
	grp := oauth.GroupNeed
	rows := []struct {
		granted string
		need    oauth.Need
		want    bool
	}{
		// Group-wide scopes cover every target of their group, and the group's target-less needs.
		{"ZohoCRM.modules.ALL", mod("Leads", "READ"), true},
		{"ZohoCRM.modules.ALL", mod("Deals", "DELETE"), true},
		{"ZohoCRM.modules.ALL", mod("Properties", "CUSTOM"), true},
		{"ZohoCRM.modules.ALL", grp("modules", "CREATE"), true},
		{"ZohoCRM.modules.READ", mod("Contacts", "READ"), true},
		{"ZohoCRM.modules.READ", mod("Contacts", "UPDATE"), false},
		{"ZohoCRM.modules.CREATE", mod("Leads", "CREATE"), true},
		{"ZohoCRM.modules.CREATE", grp("modules", "CREATE"), true},
		{"ZohoCRM.modules.WRITE", mod("Leads", "DELETE"), true},
		{"ZohoCRM.settings.ALL", set("cadences", "READ"), true},
		{"ZohoCRM.settings.ALL", set("fields", "ALL"), true},
		{"ZohoCRM.settings.READ", set("cadences", "READ"), true},
		{"ZohoCRM.settings.READ", set("cadences", "CREATE"), false},
		{"ZohoCRM.users.ALL", grp("users", "READ"), true},
		{"ZohoCRM.org.READ", grp("org", "READ"), true},
		{"ZohoCRM.org.READ", grp("org", "UPDATE"), false},

		// Groups never cover each other.
		{"ZohoCRM.modules.ALL", set("cadences", "READ"), false},
		{"ZohoCRM.settings.ALL", mod("Leads", "READ"), false},
		{"ZohoCRM.settings.ALL", grp("users", "READ"), false},
		{"ZohoCRM.users.ALL", grp("org", "READ"), false},

		// Per-module scopes cover only their module; never a target-less need.
		{"ZohoCRM.modules.leads.ALL", mod("Leads", "DELETE"), true},
		{"ZohoCRM.modules.leads.ALL", mod("Contacts", "READ"), false},
		{"ZohoCRM.modules.leads.READ", mod("Leads", "READ"), true},
		{"ZohoCRM.modules.leads.READ", grp("modules", "READ"), false},
		{"ZohoCRM.modules.deals.DELETE", mod("Deals", "DELETE"), true},
		{"ZohoCRM.modules.deals.DELETE", mod("Contacts", "DELETE"), false},
		{"ZohoCRM.settings.cadences.ALL", set("cadences", "UPDATE"), true},
		{"ZohoCRM.settings.cadences.READ", set("cadences", "READ"), true},
		{"ZohoCRM.settings.cadences.ALL", set("fields", "READ"), false},
		{"ZohoCRM.settings.fields.READ", set("related_lists", "READ"), false},
		{"ZohoCRM.settings.related_lists.ALL", set("related_lists", "READ"), true},

		// Operations: ALL ⊇ everything, WRITE = CREATE + UPDATE + DELETE, others only themselves.
		{"ZohoCRM.modules.leads.WRITE", mod("Leads", "CREATE"), true},
		{"ZohoCRM.modules.leads.WRITE", mod("Leads", "UPDATE"), true},
		{"ZohoCRM.modules.leads.WRITE", mod("Leads", "DELETE"), true},
		{"ZohoCRM.modules.leads.WRITE", mod("Leads", "READ"), false},
		{"ZohoCRM.modules.leads.DELETE", mod("Leads", "CREATE"), false},
		{"ZohoCRM.modules.leads.DELETE", mod("Leads", "UPDATE"), false},
		{"ZohoCRM.modules.leads.READ", mod("Leads", "DELETE"), false},
		{"ZohoCRM.modules.leads.READ", mod("Leads", "CREATE"), false},
		{"ZohoCRM.modules.leads.CREATE", mod("Leads", "UPDATE"), false},
		{"ZohoCRM.modules.leads.UPDATE", mod("Leads", "UPDATE"), true},
		{"ZohoCRM.modules.leads.CUSTOM", mod("Leads", "CUSTOM"), true},
		{"ZohoCRM.modules.leads.CUSTOM", mod("Leads", "READ"), false},
		{"ZohoCRM.modules.leads.WRITE", mod("Leads", "CUSTOM"), false},

		// Case-insensitive service, group, module and operation; needs are normalised too.
		{"zohocrm.MODULES.LEADS.read", mod("leads", "read"), true},
		{"ZOHOCRM.modules.Leads.ALL", mod("LEADS", "DELETE"), true},
		{"ZohoCRM.modules.CONTACTS.READ", mod("Contacts", "READ"), true},
		{"ZohoCRM.Settings.Cadences.ALL", set("CADENCES", "READ"), true},
		{"ZohoCRM.modules.leads.READ", oauth.Need{Group: "Modules", Target: "Leads", Op: "read"}, true},

		// Scope names drop underscores and the __s suffix: Price_Books is pricebooks.
		{"ZohoCRM.modules.pricebooks.READ", mod("Price_Books", "READ"), true},
		{"ZohoCRM.modules.Price_Books.READ", mod("Price_Books", "READ"), true},
		{"ZohoCRM.modules.price_books.READ", mod("pricebooks", "READ"), true},
		{"ZohoCRM.modules.salesorders.ALL", mod("Sales_Orders", "UPDATE"), true},
		{"ZohoCRM.modules.appointments.READ", mod("Appointments__s", "READ"), true},
		{"ZohoCRM.modules.pricebooks.READ", mod("Products", "READ"), false},

		// activities covers Tasks, Events and Calls; custom covers every custom module and nothing else.
		{"ZohoCRM.modules.activities.READ", mod("Tasks", "READ"), true},
		{"ZohoCRM.modules.activities.ALL", mod("Events", "DELETE"), true},
		{"ZohoCRM.modules.activities.READ", mod("Calls", "READ"), true},
		{"ZohoCRM.modules.activities.READ", mod("Leads", "READ"), false},
		{"ZohoCRM.modules.custom.ALL", mod("Properties", "CREATE"), true},
		{"ZohoCRM.modules.custom.READ", mod("My_Widgets", "READ"), true},
		{"ZohoCRM.modules.custom.ALL", mod("Leads", "READ"), false},
		{"ZohoCRM.modules.custom.ALL", mod("Price_Books", "READ"), false},
		{"ZohoCRM.modules.custom.ALL", grp("modules", "READ"), false},
		{"ZohoCRM.settings.custom.ALL", set("cadences", "READ"), false},

		// Other services' scopes are ignored; lists are comma- or space-separated.
		{"AaaServer.profile.READ", grp("profile", "READ"), false},
		{"AaaServer.profile.READ,ZohoCRM.org.ALL", grp("org", "READ"), true},
		{"ZohoCRM.modules.leads.READ ZohoCRM.modules.contacts.DELETE", mod("Contacts", "DELETE"), true},
		{"ZohoCRM.modules.leads.READ,\tZohoCRM.modules.contacts.DELETE", mod("Leads", "DELETE"), false},
		{"", mod("Leads", "READ"), false},
	}
	for _, r := range rows {
		scopes, err := oauth.ParseScopes(r.granted)
		if err != nil {
			t.Errorf("ParseScopes(%q): %v", r.granted, err)
			continue
		}
		if got := scopes.Allows(r.need); got != r.want {
			t.Errorf("%q allows %+v = %v, want %v", r.granted, r.need, got, r.want)
		}
	}
}

// Allows is true when any of several accepted needs is granted (an endpoint's scope alternatives).
func TestScopesAllowAnyNeed(t *testing.T) {
	scopes, err := oauth.ParseScopes("ZohoCRM.settings.cadences.READ")
	if err != nil {
		t.Fatal(err)
	}
	if !scopes.Allows(oauth.SettingsNeed("fields", "READ"), oauth.SettingsNeed("cadences", "READ")) {
		t.Fatal("second alternative not accepted")
	}
	if scopes.Allows() {
		t.Fatal("no needs allowed")
	}
}

// Malformed ZohoCRM scopes are rejected with a reason; the canonical form is Zoho's.
func TestParseScope(t *testing.T) {
	good := []struct{ in, want string }{
		{"ZohoCRM.modules.ALL", "ZohoCRM.modules.ALL"},
		{" zohocrm.Modules.Leads.read ", "ZohoCRM.modules.leads.READ"},
		{"ZohoCRM.modules.Price_Books.WRITE", "ZohoCRM.modules.pricebooks.WRITE"},
		{"ZohoCRM.settings.related_lists.READ", "ZohoCRM.settings.relatedlists.READ"},
		{"ZohoCRM.mass_convert.leads.CREATE", "ZohoCRM.mass_convert.leads.CREATE"},
		{"ZohoCRM.coql.READ", "ZohoCRM.coql.READ"},
		{"ZohoCRM.bulk.CUSTOM", "ZohoCRM.bulk.CUSTOM"},
	}
	for _, g := range good {
		sc, err := oauth.ParseScope(g.in)
		if err != nil || sc.String() != g.want {
			t.Errorf("ParseScope(%q) = %q, %v; want %q", g.in, sc.String(), err, g.want)
		}
	}
	bad := []struct{ in, reason string }{
		{"ZohoCRM", "want ZohoCRM.<scope>"},
		{"ZohoCRM.modules", "want ZohoCRM.<scope>"},
		{"ZohoCRM.modules.leads.extra.READ", "want ZohoCRM.<scope>"},
		{"ZohoBooks.modules.ALL", "want ZohoCRM.<scope>"},
		{"ZohoCRM.modules.FETCH", "unknown operation"},
		{"ZohoCRM.modules.leads.", "unknown operation"},
		{"ZohoCRM..ALL", "is not a scope name"},
		{"ZohoCRM.modules..READ", "is not a scope name"},
		{"ZohoCRM.mod-ules.ALL", "is not a scope name"},
		{"ZohoCRM.modules.le$ds.READ", "is not a scope name"},
		{"ZohoCRM.modules.lé.READ", "is not a scope name"},
		{"ZohoCRM.modules.le\x00ds.READ", "is not a scope name"},
	}
	for _, b := range bad {
		_, err := oauth.ParseScope(b.in)
		if err == nil || !strings.Contains(err.Error(), b.reason) || strings.Contains(err.Error(), "\n") {
			t.Errorf("ParseScope(%q) error = %v, want one line with %q", b.in, err, b.reason)
		}
	}
	if _, err := oauth.ParseScopes("ZohoCRM.org.ALL,ZohoCRM.modules"); err == nil {
		t.Error("ParseScopes accepted a malformed ZohoCRM scope")
	}
}

// CheckScopes vets a new grant's or token's scope list: as given, deduplicated, at least one
// ZohoCRM scope, other services' scopes only when well-formed.
func TestCheckScopes(t *testing.T) {
	good := []struct{ in, want string }{
		{"ZohoCRM.modules.ALL,ZohoCRM.settings.ALL", "ZohoCRM.modules.ALL ZohoCRM.settings.ALL"},
		{" ZohoCRM.modules.ALL , ZohoCRM.settings.ALL ", "ZohoCRM.modules.ALL ZohoCRM.settings.ALL"},
		{"ZohoCRM.modules.ALL ZohoCRM.modules.all,ZohoCRM.modules.ALL", "ZohoCRM.modules.ALL"},
		{"ZohoCRM.modules.Price_Books.READ", "ZohoCRM.modules.Price_Books.READ"},
		{"AaaServer.profile.READ,ZohoCRM.org.READ", "AaaServer.profile.READ ZohoCRM.org.READ"},
		{"ZohoSearch.securesearch-x.READ,ZohoCRM.org.READ", "ZohoSearch.securesearch-x.READ ZohoCRM.org.READ"},
	}
	for _, g := range good {
		got, err := oauth.CheckScopes(g.in)
		if err != nil || strings.Join(got, " ") != g.want {
			t.Errorf("CheckScopes(%q) = %q, %v; want %q", g.in, got, err, g.want)
		}
	}
	bad := []struct{ in, reason string }{
		{"", "no scope given"},
		{" , ", "no scope given"},
		{"AaaServer.profile.READ", "no ZohoCRM scope"},
		{"ZohoCRM.modules", "invalid scope"},
		{"ZohoCRM.modules.ALL,modules", "invalid scope \"modules\""},
		{"ZohoCRM.modules.ALL,Aaa.pro\x00file.READ", "invalid scope"},
		{"ZohoCRM.modules.leads.GET", "unknown operation"},
	}
	for _, b := range bad {
		_, err := oauth.CheckScopes(b.in)
		if err == nil || !strings.Contains(err.Error(), b.reason) || strings.Contains(err.Error(), "\n") {
			t.Errorf("CheckScopes(%q) error = %v, want one line with %q", b.in, err, b.reason)
		}
	}
}

// CheckKnownScopes is CheckScopes that also refuses scope names Zoho does not document, naming the
// valid ones.
func TestCheckKnownScopes(t *testing.T) {
	for list, want := range map[string]string{
		"ZohoCRM.modules.ALL,ZohoCRM.settings.ALL,ZohoCRM.users.ALL,ZohoCRM.org.ALL": "ZohoCRM.modules.ALL ZohoCRM.settings.ALL ZohoCRM.users.ALL ZohoCRM.org.ALL",
		"zohocrm.Files.CREATE, ZohoCRM.coql.READ ZohoCRM.modules.leads.READ":         "zohocrm.Files.CREATE ZohoCRM.coql.READ ZohoCRM.modules.leads.READ",
		"ZohoCRM.org.ALL,AaaServer.profile.READ,zohofiles.files.ALL":                 "ZohoCRM.org.ALL AaaServer.profile.READ zohofiles.files.ALL",
	} {
		got, err := oauth.CheckKnownScopes(list)
		if err != nil || strings.Join(got, " ") != want {
			t.Errorf("CheckKnownScopes(%q) = %q, %v; want %q", list, got, err, want)
		}
	}
	for list, want := range map[string]string{
		"ZohoCRM.foo.ALL":                      `unknown scope "ZohoCRM.foo.ALL": ZohoCRM.foo is not a scope; want one of ZohoCRM.bulk, ZohoCRM.change_owner, `,
		"ZohoCRM.org.ALL,ZohoCRM.modules":      `invalid scope "ZohoCRM.modules"`,
		"ZohoCRM.org.ALL,Foo.bar.READ":         `unknown scope "Foo.bar.READ": service "Foo" is not ZohoCRM nor one of AaaServer, ZohoFiles`,
		"Foo.bar":                              `invalid scope "Foo.bar"`,
		"AaaServer.profile.READ":               `no ZohoCRM scope`,
		"ZohoCRM.setings.ALL,ZohoCRM.org.READ": `unknown scope "ZohoCRM.setings.ALL"`,
	} {
		if _, err := oauth.CheckKnownScopes(list); err == nil || !strings.HasPrefix(err.Error(), want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("CheckKnownScopes(%q) = %v, want one line starting %q", list, err, want)
		}
	}
}
