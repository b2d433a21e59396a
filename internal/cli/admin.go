package cli

import (
	"context"
	"strings"

	"github.com/zcrm/zcrm/internal/admin"
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
	svc, _, done, err := adminStore(ctx, dsn)
	if err != nil {
		return err
	}
	defer done()
	org, first, err := svc.CreateOrg(ctx, admin.NewOrg{NewOrg: crm.NewOrg{Name: name, Edition: ed, AdminEmail: adminEmail}, UniqueName: true})
	if err != nil {
		return err
	}
	return printJSON(e, map[string]any{"org_id": crm.FormatID(org.ID), "admin": map[string]string{"id": crm.FormatID(first.ID), "email": first.Email}})
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
	svc, def, done, err := adminStore(ctx, dsn)
	if err != nil {
		return err
	}
	defer done()
	u, p, err := svc.CreateUser(ctx, orgFlag(def, orgID), email, profile)
	if err != nil {
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
	svc, def, done, err := adminStore(ctx, dsn)
	if err != nil {
		return err
	}
	defer done()
	p, err := svc.CreateProfile(ctx, orgFlag(def, orgID), admin.NewProfile{Name: name, Deny: splitList(deny), CheckDeny: true})
	if err != nil {
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
	svc, def, done, err := adminStore(ctx, dsn)
	if err != nil {
		return err
	}
	defer done()
	m, err := svc.CreateModule(ctx, orgFlag(def, orgID), apiName, singular, plural)
	if err != nil {
		return err
	}
	return printJSON(e, map[string]string{"id": crm.FormatID(m.ID), "api_name": m.APIName})
}

func runOrgSharing(ctx context.Context, e env, args []string) error {
	var dsn, module, access, orgID string
	fs := flags(e, "org sharing", &dsn)
	fs.StringVar(&module, "module", "", "module api name (required)")
	fs.StringVar(&access, "access", "", "public|public_read_only|private (required)")
	fs.StringVar(&orgID, "org", "", "org id (default: the default org)")
	if err := parse(fs, args); err != nil {
		return err
	}
	svc, def, done, err := adminStore(ctx, dsn)
	if err != nil {
		return err
	}
	defer done()
	name, err := svc.SetSharing(ctx, orgFlag(def, orgID), module, access)
	if err != nil {
		return err
	}
	return printJSON(e, map[string]string{"module": name, "access": strings.ToLower(access)})
}

// adminStore opens the database as openStore does and returns the control plane on it, the default
// org, and the function that closes it.
func adminStore(ctx context.Context, dsn string) (*admin.Service, crm.Org, func() error, error) {
	db, def, err := openStore(ctx, dsn, store.Options{})
	if err != nil {
		return nil, crm.Org{}, nil, err
	}
	return &admin.Service{Store: db}, def, db.Close, nil
}

// orgFlag is the org an --org flag names (orgFor), for the control plane's operations.
func orgFlag(def crm.Org, flagValue string) admin.OrgOf {
	return func(ctx context.Context, tx crm.Tx) (crm.Org, error) { return orgFor(ctx, tx, def, flagValue) }
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
