package admin

import (
	"context"
	"fmt"
	"strings"

	"github.com/zcrm/zcrm/internal/catalog"
	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/oauth"
)

// OrgOf finds, inside an operation's transaction, the org it acts in. Each door names orgs its own
// way (the CLI's --org flag, the default org without it; zcrmtest's Org values) and words its own
// "no such org" error, so it passes its lookup in.
type OrgOf func(ctx context.Context, tx crm.Tx) (crm.Org, error)

// NewOrg is what CreateOrg makes: the org, and how the door wants it checked and granted.
type NewOrg struct {
	crm.NewOrg
	// UniqueName refuses a name whose slug another org's name has (the CLI's rule: the two would
	// share a default admin email and be told apart only by id).
	UniqueName bool
	// Clients are ids of OAuth clients granted the new org in the same transaction.
	Clients []string
}

// CreateOrg creates an org with its first Administrator in one transaction, and returns both.
func (s *Service) CreateOrg(ctx context.Context, n NewOrg) (crm.Org, crm.User, error) {
	var org crm.Org
	var admin crm.User
	err := s.Store.Write(ctx, func(tx crm.Tx) error {
		var err error
		org, admin, err = createOrg(ctx, tx, n)
		return err
	})
	return org, admin, err
}

// createOrg is CreateOrg in the caller's transaction.
func createOrg(ctx context.Context, tx crm.Tx, n NewOrg) (crm.Org, crm.User, error) {
	if n.UniqueName {
		if err := uniqueOrgName(ctx, tx, n.Name); err != nil {
			return crm.Org{}, crm.User{}, err
		}
	}
	org, admin, err := crm.CreateOrg(ctx, tx, n.NewOrg)
	if err != nil {
		return crm.Org{}, crm.User{}, err
	}
	for _, id := range n.Clients {
		c, err := oauth.ClientByID(ctx, tx, id)
		if err != nil {
			return crm.Org{}, crm.User{}, err
		}
		if err := oauth.GrantClientOrg(ctx, tx, c, org.ID); err != nil {
			return crm.Org{}, crm.User{}, err
		}
	}
	return org, admin, nil
}

// CreateUser adds an active user with the named profile to the org, and returns the user and the
// profile.
func (s *Service) CreateUser(ctx context.Context, orgOf OrgOf, email, profile string) (crm.User, crm.Profile, error) {
	var u crm.User
	var p crm.Profile
	err := s.Store.Write(ctx, func(tx crm.Tx) error {
		org, err := orgOf(ctx, tx)
		if err != nil {
			return err
		}
		u, p, err = crm.CreateUser(ctx, tx, org.ID, email, profile)
		return err
	})
	return u, p, err
}

// NewProfile is what CreateProfile makes: a profile cloned from Standard that also lacks Deny.
type NewProfile struct {
	Name string
	Deny []string
	// CheckDeny refuses unknown permission names in Deny and spells known ones canonically (the
	// CLI's rule): Standard's denials and View, Create, Edit and Delete of each API module of the
	// org, custom ones included.
	CheckDeny bool
}

// CreateProfile adds a profile to the org and returns it.
func (s *Service) CreateProfile(ctx context.Context, orgOf OrgOf, n NewProfile) (crm.Profile, error) {
	var p crm.Profile
	err := s.Store.Write(ctx, func(tx crm.Tx) error {
		org, err := orgOf(ctx, tx)
		if err != nil {
			return err
		}
		p, err = createProfile(ctx, tx, org, n)
		return err
	})
	return p, err
}

// createProfile is CreateProfile in the caller's transaction, in the org. With n.CheckDeny an
// unknown permission is a *permissionError.
func createProfile(ctx context.Context, tx crm.Tx, org crm.Org, n NewProfile) (crm.Profile, error) {
	denied := n.Deny
	if n.CheckDeny {
		var err error
		if denied, err = checkPermissions(ctx, tx, org, n.Deny); err != nil {
			return crm.Profile{}, err
		}
	}
	return crm.CreateProfile(ctx, tx, org.ID, n.Name, denied)
}

// SetSharing sets a module's data-sharing rule in the org ("public", "public_read_only" or
// "private", in any case) and returns the module's api name.
func (s *Service) SetSharing(ctx context.Context, orgOf OrgOf, module, access string) (string, error) {
	var name string
	err := s.Store.Write(ctx, func(tx crm.Tx) error {
		org, err := orgOf(ctx, tx)
		if err != nil {
			return err
		}
		name, err = setSharing(ctx, tx, org, module, access)
		return err
	})
	return name, err
}

// setSharing is SetSharing in the caller's transaction, in the org.
func setSharing(ctx context.Context, tx crm.Tx, org crm.Org, module, access string) (string, error) {
	return crm.SetSharing(ctx, tx, org, module, strings.ToLower(access))
}

// CreateModule adds a custom module to the org, created by its first Administrator; empty labels
// take their defaults (crm.CreateCustomModule).
func (s *Service) CreateModule(ctx context.Context, orgOf OrgOf, apiName, singular, plural string) (crm.CustomModule, error) {
	var m crm.CustomModule
	err := s.Store.Write(ctx, func(tx crm.Tx) error {
		org, err := orgOf(ctx, tx)
		if err != nil {
			return err
		}
		m, err = createModule(ctx, tx, org, apiName, singular, plural)
		return err
	})
	return m, err
}

// createModule is CreateModule in the caller's transaction, in the org.
func createModule(ctx context.Context, tx crm.Tx, org crm.Org, apiName, singular, plural string) (crm.CustomModule, error) {
	admin, err := tx.FirstAdmin(ctx, org.ID)
	if err != nil {
		return crm.CustomModule{}, err
	}
	return crm.CreateCustomModule(ctx, tx, org, admin.ID, apiName, singular, plural)
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
			return crm.Refuse("name", "org %s is already named %q: org names must differ in more than case and punctuation", crm.FormatID(o.ID), o.Name)
		}
	}
	return nil
}

// checkPermissions returns the permission names in their canonical spelling, or a *permissionError
// naming the first unknown one and the valid ones: Standard's denials (cadences, settings changes) and View,
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
	for i, n := range names {
		p, ok := known[strings.ToLower(n)]
		if !ok {
			return nil, &permissionError{Index: i, msg: fmt.Sprintf("unknown permission %q: want Crm_Implied_<%s>_<module> with <module> one of %s, or one of %s",
				n, strings.Join(permissionActions, "|"), strings.Join(modules, ", "), strings.Join(crm.StandardDenied, ", "))}
		}
		out = append(out, p)
	}
	return out, nil
}

// permissionError is checkPermissions' refusal of names[Index], an unknown permission.
type permissionError struct {
	Index int
	msg   string
}

func (e *permissionError) Error() string { return e.msg }

// permissionActions are the record actions of module permissions (crm.ModulePermission).
var permissionActions = []string{"View", "Create", "Edit", "Delete"}
