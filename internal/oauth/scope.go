// Package oauth is zcrm's accounts server: OAuth clients, grant codes, refresh and access tokens
// (stored only as SHA-256 digests), the /oauth/v2/token and /oauth/v2/token/revoke endpoints, and
// Zoho's scope grammar and matching. It never touches CRM data beyond resolving a token's org and user.
package oauth

import (
	"fmt"
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

// ParseScope parses one scope string. Service and group are case-insensitive; so is the target.
func ParseScope(s string) (Scope, error) {
	parts := strings.Split(strings.TrimSpace(s), ".")
	if len(parts) < 3 || len(parts) > 4 || !strings.EqualFold(parts[0], "ZohoCRM") {
		return Scope{}, fmt.Errorf("invalid scope %q", s)
	}
	op := strings.ToUpper(parts[len(parts)-1])
	if !ops[op] {
		return Scope{}, fmt.Errorf("invalid scope %q: unknown operation %q", s, parts[len(parts)-1])
	}
	sc := Scope{Group: strings.ToLower(parts[1]), Op: op}
	if sc.Group == "" {
		return Scope{}, fmt.Errorf("invalid scope %q", s)
	}
	if len(parts) == 4 {
		if parts[2] == "" {
			return Scope{}, fmt.Errorf("invalid scope %q", s)
		}
		sc.Target = normTarget(parts[2])
	}
	return sc, nil
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

// ParseScopes parses a comma- or space-separated scope list. Unknown services (such as
// AaaServer.profile.READ) are kept out of the set but are not an error; malformed ZohoCRM scopes are.
func ParseScopes(list string) (Scopes, error) {
	var out Scopes
	for _, f := range strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' }) {
		if !strings.HasPrefix(strings.ToLower(f), "zohocrm.") {
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

// Need is one scope an endpoint accepts: a group, an optional target and the base operation.
type Need struct {
	Group  string
	Target string
	Op     string
}

// ModuleNeed is the scope a module operation needs: ZohoCRM.modules.<module>.<op>.
func ModuleNeed(module, op string) Need {
	return Need{Group: "modules", Target: normTarget(module), Op: op}
}

// SettingsNeed is the scope a settings operation needs: ZohoCRM.settings.<name>.<op>.
func SettingsNeed(name, op string) Need {
	return Need{Group: "settings", Target: normTarget(name), Op: op}
}

// GroupNeed is a scope without a target, such as ZohoCRM.users.READ or ZohoCRM.org.READ.
func GroupNeed(group, op string) Need { return Need{Group: group, Op: op} }

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

// Grants reports whether scope s satisfies need n. A group-wide scope (ZohoCRM.modules.ALL,
// ZohoCRM.settings.READ, ZohoCRM.modules.CREATE) covers every target of its group.
func (s Scope) Grants(n Need) bool {
	if s.Group != n.Group {
		return false
	}
	if s.Target != "" && s.Target != n.Target {
		return false
	}
	return covers(s.Op, n.Op)
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
