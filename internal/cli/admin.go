package cli

import (
	"context"
	"strings"

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
		p, err = crm.CreateProfile(ctx, tx, org.ID, name, splitList(deny))
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

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}
