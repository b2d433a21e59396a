package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/zcrm/zcrm/internal/catalog"
	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/store"
)

func runOrgCreate(ctx context.Context, e env, args []string) error {
	var dsn, name, edition, adminEmail string
	fs := flags(e, "org create", &dsn)
	fs.StringVar(&name, "name", "", "org name (required)")
	fs.StringVar(&edition, "edition", "enterprise", "free|standard|professional|enterprise|ultimate")
	fs.StringVar(&adminEmail, "admin-email", "", "first Administrator's email (default admin@<slug of name>.zcrm.local)")
	if err := parse(fs, args); err != nil {
		return err
	}
	ed, err := crm.ParseEdition(edition)
	if err != nil {
		return err
	}
	db, _, err := openStore(ctx, dsn, store.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	var org crm.Org
	var admin crm.User
	if err := db.Write(ctx, func(tx crm.Tx) error {
		if err := uniqueOrgName(ctx, tx, name); err != nil {
			return err
		}
		org, admin, err = crm.CreateOrg(ctx, tx, crm.NewOrg{Name: name, Edition: ed, AdminEmail: adminEmail})
		return err
	}); err != nil {
		return err
	}
	return printJSON(e, map[string]any{"org_id": crm.FormatID(org.ID), "admin": map[string]string{"id": crm.FormatID(admin.ID), "email": admin.Email}})
}

func runUserCreate(ctx context.Context, e env, args []string) error {
	var dsn, email, profile, orgID string
	fs := flags(e, "user create", &dsn)
	fs.StringVar(&email, "email", "", "the user's email (required)")
	fs.StringVar(&profile, "profile", crm.ProfileStandard, "Administrator|Standard, or a profile made with 'zcrm profile create'")
	fs.StringVar(&orgID, "org", "", "org id (default: the default org)")
	if err := parse(fs, args); err != nil {
		return err
	}
	db, def, err := openStore(ctx, dsn, store.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	var u crm.User
	var p crm.Profile
	if err := db.Write(ctx, func(tx crm.Tx) error {
		org, err := orgFor(ctx, tx, def, orgID)
		if err != nil {
			return err
		}
		u, p, err = crm.CreateUser(ctx, tx, org.ID, email, profile)
		return err
	}); err != nil {
		return err
	}
	return printJSON(e, map[string]string{"id": crm.FormatID(u.ID), "email": u.Email, "profile": p.Name})
}

func runProfileCreate(ctx context.Context, e env, args []string) error {
	var dsn, name, deny, orgID string
	fs := flags(e, "profile create", &dsn)
	fs.StringVar(&name, "name", "", "profile name (required)")
	fs.StringVar(&deny, "deny", "", "comma-separated permissions it lacks besides Standard's, e.g. Crm_Implied_Delete_Campaigns")
	fs.StringVar(&orgID, "org", "", "org id (default: the default org)")
	if err := parse(fs, args); err != nil {
		return err
	}
	db, def, err := openStore(ctx, dsn, store.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	var p crm.Profile
	if err := db.Write(ctx, func(tx crm.Tx) error {
		org, err := orgFor(ctx, tx, def, orgID)
		if err != nil {
			return err
		}
		denied, err := checkPermissions(ctx, tx, org, splitList(deny))
		if err != nil {
			return err
		}
		p, err = crm.CreateProfile(ctx, tx, org.ID, name, denied)
		return err
	}); err != nil {
		return err
	}
	return printJSON(e, map[string]any{"id": crm.FormatID(p.ID), "name": p.Name, "denied": p.Denied})
}

func runModuleCreate(ctx context.Context, e env, args []string) error {
	var dsn, apiName, singular, plural, orgID string
	fs := flags(e, "module create", &dsn)
	fs.StringVar(&apiName, "api-name", "", "module api name, e.g. Properties (required)")
	fs.StringVar(&singular, "singular", "", "singular label (default: api name without a trailing s)")
	fs.StringVar(&plural, "plural", "", "plural label (default: api name)")
	fs.StringVar(&orgID, "org", "", "org id (default: the default org)")
	if err := parse(fs, args); err != nil {
		return err
	}
	db, def, err := openStore(ctx, dsn, store.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	var m crm.CustomModule
	if err := db.Write(ctx, func(tx crm.Tx) error {
		org, err := orgFor(ctx, tx, def, orgID)
		if err != nil {
			return err
		}
		admin, err := tx.FirstAdmin(ctx, org.ID)
		if err != nil {
			return err
		}
		m, err = crm.CreateCustomModule(ctx, tx, org, admin.ID, apiName, singular, plural)
		return err
	}); err != nil {
		return err
	}
	return printJSON(e, map[string]string{"id": crm.FormatID(m.ID), "api_name": m.APIName})
}

func runOrgSharing(ctx context.Context, e env, args []string) error {
	var dsn, module, access, orgID string
	fs := flags(e, "org sharing", &dsn)
	fs.StringVar(&module, "module", "", "module api name (required)")
	fs.StringVar(&access, "access", "", "public|private (required)")
	fs.StringVar(&orgID, "org", "", "org id (default: the default org)")
	if err := parse(fs, args); err != nil {
		return err
	}
	db, def, err := openStore(ctx, dsn, store.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	var name string
	if err := db.Write(ctx, func(tx crm.Tx) error {
		org, err := orgFor(ctx, tx, def, orgID)
		if err != nil {
			return err
		}
		name, err = crm.SetSharing(ctx, tx, org, module, strings.ToLower(access))
		return err
	}); err != nil {
		return err
	}
	return printJSON(e, map[string]string{"module": name, "access": strings.ToLower(access)})
}

// uniqueOrgName refuses a name whose slug another org's name has: the two would share a default
// admin email (admin@<slug>.zcrm.local) and be told apart only by id. So org names are unique,
// ignoring case and punctuation.
func uniqueOrgName(ctx context.Context, tx crm.Tx, name string) error {
	if strings.TrimSpace(name) == "" {
		return nil // crm.CreateOrg says it is required
	}
	orgs, err := tx.Orgs(ctx)
	if err != nil {
		return err
	}
	for _, o := range orgs {
		if crm.Slug(o.Name) == crm.Slug(name) {
			return fmt.Errorf("org %s is already named %q: org names must differ in more than case and punctuation", crm.FormatID(o.ID), o.Name)
		}
	}
	return nil
}

// checkPermissions returns the permission names in their canonical spelling, or an error naming the
// first unknown one and the valid ones: Standard's denials (cadences, settings changes) and View,
// Create, Edit and Delete of each API module of the org, custom ones included.
func checkPermissions(ctx context.Context, tx crm.Tx, org crm.Org, names []string) ([]string, error) {
	if len(names) == 0 {
		return nil, nil
	}
	var modules []string // legacy names, as in permission names
	for _, m := range catalog.Modules() {
		if m.APISupported {
			modules = append(modules, m.Legacy)
		}
	}
	custom, err := tx.CustomModules(ctx, org.ID)
	if err != nil {
		return nil, err
	}
	for _, m := range custom {
		modules = append(modules, m.APIName) // a custom module's legacy name is its api name
	}
	known := map[string]string{} // lower case → canonical
	for _, p := range crm.StandardDenied {
		known[strings.ToLower(p)] = p
	}
	for _, m := range modules {
		for _, action := range permissionActions {
			p := crm.ModulePermission(action, m)
			known[strings.ToLower(p)] = p
		}
	}
	out := make([]string, 0, len(names))
	for _, n := range names {
		p, ok := known[strings.ToLower(n)]
		if !ok {
			return nil, fmt.Errorf("unknown permission %q: want Crm_Implied_<%s>_<module> with <module> one of %s, or one of %s",
				n, strings.Join(permissionActions, "|"), strings.Join(modules, ", "), strings.Join(crm.StandardDenied, ", "))
		}
		out = append(out, p)
	}
	return out, nil
}

// permissionActions are the record actions of module permissions (crm.ModulePermission).
var permissionActions = []string{"View", "Create", "Edit", "Delete"}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}
