// Package oauth is zcrm's accounts server: OAuth clients, grant codes, refresh and access tokens
// (stored only as SHA-256 digests), the /oauth/v2/token and /oauth/v2/token/revoke endpoints, and
// Zoho's scope grammar and matching. It never touches CRM data beyond resolving a token's org and user.
package oauth

import (
	"fmt"
	"slices"
	"strings"

	"github.com/zcrm/zcrm/internal/catalog"
)

// Operation types of a scope.
const (
	OpAll    = "ALL"
	OpRead   = "READ"
	OpCreate = "CREATE"
	OpUpdate = "UPDATE"
	OpDelete = "DELETE"
	OpWrite  = "WRITE"
	OpCustom = "CUSTOM"
)

var ops = map[string]bool{OpAll: true, OpRead: true, OpCreate: true, OpUpdate: true, OpDelete: true, OpWrite: true, OpCustom: true}

// Scope is one parsed scope: ZohoCRM.<group>[.<target>].<op>, e.g. ZohoCRM.modules.leads.READ.
type Scope struct {
	Group  string // modules, settings, users, org, coql, bulk, ... (lower case)
	Target string // normalised module or settings name; "" for a group-wide scope
	Op     string // upper case
}

// ParseScope parses one ZohoCRM scope string: ZohoCRM.<group>.<op> or ZohoCRM.<group>.<target>.<op>.
// Service, group, target and operation are case-insensitive; group and target are letters, digits
// and underscores. It fails on anything else, naming the reason.
func ParseScope(s string) (Scope, error) {
	s = strings.TrimSpace(s)
	parts := strings.Split(s, ".")
	if len(parts) < 3 || len(parts) > 4 || !strings.EqualFold(parts[0], "ZohoCRM") {
		return Scope{}, fmt.Errorf("invalid scope %q: want ZohoCRM.<scope>.<operation> or ZohoCRM.<scope>.<name>.<operation>", s)
	}
	op := strings.ToUpper(parts[len(parts)-1])
	if !ops[op] {
		return Scope{}, fmt.Errorf("invalid scope %q: unknown operation %q (want ALL, READ, CREATE, UPDATE, DELETE, WRITE or CUSTOM)", s, parts[len(parts)-1])
	}
	for _, p := range parts[1 : len(parts)-1] {
		if !isName(p) {
			return Scope{}, fmt.Errorf("invalid scope %q: %q is not a scope name", s, p)
		}
	}
	sc := Scope{Group: strings.ToLower(parts[1]), Op: op}
	if len(parts) == 4 {
		sc.Target = normTarget(parts[2])
	}
	return sc, nil
}

// isName reports whether s is a non-empty run of ASCII letters, digits and underscores.
func isName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// String renders the scope in Zoho's form.
func (s Scope) String() string {
	if s.Target == "" {
		return "ZohoCRM." + s.Group + "." + s.Op
	}
	return "ZohoCRM." + s.Group + "." + s.Target + "." + s.Op
}

func normTarget(t string) string { return catalog.ScopeName(t) }

// Scopes is a token's granted scopes.
type Scopes []Scope

// ParseScopes parses a comma- or space-separated scope list. Scopes of other services (such as
// AaaServer.profile.READ) are kept out of the set but are not an error; malformed ZohoCRM scopes are.
func ParseScopes(list string) (Scopes, error) {
	var out Scopes
	for _, f := range splitScopes(list) {
		if !isCRMScope(f) {
			continue
		}
		sc, err := ParseScope(f)
		if err != nil {
			return nil, err
		}
		out = append(out, sc)
	}
	return out, nil
}

func splitScopes(list string) []string {
	return strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' || r == '\r' })
}

func isCRMScope(s string) bool { return len(s) >= 8 && strings.EqualFold(s[:8], "zohocrm.") }

// CheckScopes validates a comma- or space-separated scope list for a new grant or token and returns
// its scopes as given, without duplicates. Every scope must have the form service.name[.name].op
// (letters, digits, '_' and '-'); ZohoCRM scopes must parse with ParseScope; at least one ZohoCRM
// scope is required. The error says which scope is wrong and why, in one line.
func CheckScopes(list string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	crmScopes := 0
	for _, f := range splitScopes(list) {
		if isCRMScope(f) {
			if _, err := ParseScope(f); err != nil {
				return nil, err
			}
			crmScopes++
		} else if !isForeignScope(f) {
			return nil, fmt.Errorf("invalid scope %q: want <service>.<scope>.<operation>, e.g. ZohoCRM.modules.ALL", f)
		}
		if key := strings.ToLower(f); !seen[key] {
			seen[key] = true
			out = append(out, f)
		}
	}
	if crmScopes == 0 {
		if len(out) == 0 {
			return nil, fmt.Errorf("no scope given: want e.g. ZohoCRM.modules.ALL,ZohoCRM.settings.ALL")
		}
		return nil, fmt.Errorf("no ZohoCRM scope in %q", strings.Join(out, ","))
	}
	return out, nil
}

// Groups are the ZohoCRM scope names Zoho documents (ZohoCRM.<group>…), lower case. zcrm checks
// modules, settings, users and org; a token may carry the others, as Zoho's would.
var Groups = []string{"bulk", "change_owner", "coql", "files", "functions", "mass_convert", "mass_update", "modules",
	"notifications", "org", "send_mail", "settings", "share", "signals", "templates", "users", "zia"}

// ForeignServices are the other Zoho services whose scopes CRM clients commonly request alongside
// CRM's (AaaServer.profile.READ for the user's profile, ZohoFiles for attachments).
var ForeignServices = []string{"AaaServer", "ZohoFiles"}

// CheckKnownScopes is CheckScopes for scopes a person types (zcrm grant, zcrm token): it also
// refuses a ZohoCRM scope whose group is not in Groups and another service's scope that is not one
// of ForeignServices', so that a typo fails at once, naming the valid ones, rather than as
// OAUTH_SCOPE_MISMATCH on a later call.
func CheckKnownScopes(list string) ([]string, error) {
	scopes, err := CheckScopes(list)
	if err != nil {
		return nil, err
	}
	for _, f := range scopes {
		if !isCRMScope(f) {
			if service := f[:strings.IndexByte(f, '.')]; !slices.ContainsFunc(ForeignServices, func(s string) bool { return strings.EqualFold(s, service) }) {
				return nil, fmt.Errorf("unknown scope %q: service %q is not ZohoCRM nor one of %s", f, service, strings.Join(ForeignServices, ", "))
			}
			continue
		}
		sc, err := ParseScope(f)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(Groups, sc.Group) {
			return nil, fmt.Errorf("unknown scope %q: ZohoCRM.%s is not a scope; want one of ZohoCRM.%s", f, strings.Split(f, ".")[1], strings.Join(Groups, ", ZohoCRM."))
		}
	}
	return scopes, nil
}

// isForeignScope reports whether s looks like another Zoho service's scope (AaaServer.profile.READ).
func isForeignScope(s string) bool {
	parts := strings.Split(s, ".")
	if len(parts) < 3 || len(parts) > 4 {
		return false
	}
	for _, p := range parts {
		if !isName(strings.ReplaceAll(p, "-", "_")) {
			return false
		}
	}
	return true
}

// Need is one scope an endpoint accepts: a group, an optional target and the base operation.
type Need struct {
	Group  string
	Target string
	Op     string
}

// ModuleNeed is the scope a module operation needs: ZohoCRM.modules.<module>.<op>.
func ModuleNeed(module, op string) Need {
	return Need{Group: "modules", Target: normTarget(module), Op: strings.ToUpper(op)}
}

// SettingsNeed is the scope a settings operation needs: ZohoCRM.settings.<name>.<op>.
func SettingsNeed(name, op string) Need {
	return Need{Group: "settings", Target: normTarget(name), Op: strings.ToUpper(op)}
}

// GroupNeed is a scope without a target, such as ZohoCRM.users.READ or ZohoCRM.org.READ.
func GroupNeed(group, op string) Need {
	return Need{Group: strings.ToLower(group), Op: strings.ToUpper(op)}
}

// covers reports whether a granted operation grants the base operation op:
// ALL grants everything, WRITE grants CREATE, UPDATE and DELETE, anything else grants itself.
func covers(granted, op string) bool {
	switch {
	case granted == OpAll, granted == op:
		return true
	case granted == OpWrite:
		return op == OpCreate || op == OpUpdate || op == OpDelete
	}
	return false
}

// Module scope names that stand for several modules (Zoho's scope list): "activities" covers the
// activity modules, "custom" every custom module.
const (
	targetActivities = "activities"
	targetCustom     = "custom"
)

var activityModules = map[string]bool{"tasks": true, "events": true, "calls": true}

// standardModules are the scope names of Zoho's standard modules (its documented scope list plus the
// catalogue's built-in modules); any other module name is a custom module.
var standardModules = func() map[string]bool {
	m := map[string]bool{}
	for _, n := range []string{"leads", "accounts", "contacts", "deals", "campaigns", "tasks", "cases", "events", "calls",
		"solutions", "products", "vendors", "pricebooks", "quotes", "salesorders", "purchaseorders", "invoices",
		"notes", "attachments", "approvals", "dashboards", "search", "activities", "forecasts", "appointments", "services",
		"home", "feeds", "reports", "documents", "projects", "visits", "social"} {
		m[n] = true
	}
	for _, mod := range catalog.Modules() {
		m[catalog.ScopeName(mod.APIName)] = true
	}
	return m
}()

// targetCovers reports whether a granted scope target covers the needed module target.
func targetCovers(group, granted, needed string) bool {
	switch {
	case granted == "", granted == needed:
		return true
	case group != "modules" || needed == "":
		return false
	case granted == targetActivities:
		return activityModules[needed]
	case granted == targetCustom:
		return !standardModules[needed]
	}
	return false
}

// Grants reports whether scope s satisfies need n. A group-wide scope (ZohoCRM.modules.ALL,
// ZohoCRM.settings.READ, ZohoCRM.modules.CREATE) covers every target of its group, including the
// group's target-less needs; ZohoCRM.modules.activities.<op> covers Tasks, Events and Calls, and
// ZohoCRM.modules.custom.<op> every custom module. A scope with a target never covers a target-less need.
func (s Scope) Grants(n Need) bool {
	if s.Group != strings.ToLower(n.Group) {
		return false
	}
	return targetCovers(s.Group, s.Target, normTarget(n.Target)) && covers(s.Op, strings.ToUpper(n.Op))
}

// Allows reports whether any granted scope satisfies any of the needs.
func (ss Scopes) Allows(needs ...Need) bool {
	for _, n := range needs {
		for _, s := range ss {
			if s.Grants(n) {
				return true
			}
		}
	}
	return false
}

// Strings renders the scopes in Zoho's form.
func (ss Scopes) Strings() []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = s.String()
	}
	return out
}
