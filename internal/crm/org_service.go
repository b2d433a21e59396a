package crm

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"strings"

	"github.com/zcrm/zcrm/internal/catalog"
)

// NewOrg is what CreateOrg needs.
type NewOrg struct {
	Name       string
	Edition    Edition
	AdminEmail string // default admin@<slug of Name>.zcrm.local
	Default    bool   // the org created on an empty database
}

// Slug turns an org name into a host-name-safe label: "Acme Corp" → "acme-corp".
func Slug(name string) string {
	s := strings.Trim(regexp.MustCompile(`[^a-z0-9]+`).ReplaceAllString(strings.ToLower(name), "-"), "-")
	if s == "" {
		return "org"
	}
	return s
}

// CreateOrg creates an org with its Administrator and Standard profiles, its first Administrator
// user, the ids of its catalogue metadata and its default contact roles. It returns the org and admin.
func CreateOrg(ctx context.Context, tx Tx, n NewOrg) (Org, User, error) {
	if strings.TrimSpace(n.Name) == "" {
		return Org{}, User{}, Refuse("name", "org name is required")
	}
	if n.AdminEmail == "" {
		n.AdminEmail = "admin@" + Slug(n.Name) + ".zcrm.local"
	}
	n.AdminEmail = strings.ToLower(strings.TrimSpace(n.AdminEmail))
	if !validEmail(n.AdminEmail) {
		return Org{}, User{}, Refuse("admin_email", "invalid email %q", n.AdminEmail)
	}
	ids, err := tx.NewIDs(ctx, 5)
	if err != nil {
		return Org{}, User{}, err
	}
	now := tx.Now()
	org := Org{ID: ids[0], Name: n.Name, Edition: n.Edition, ZGID: ids[1], Default: n.Default, CreatedTime: now}
	if err := tx.InsertOrg(ctx, org); err != nil {
		return Org{}, User{}, err
	}
	admin := Profile{ID: ids[2], OrgID: org.ID, Name: ProfileAdministrator, Admin: true}
	std := Profile{ID: ids[3], OrgID: org.ID, Name: ProfileStandard, Denied: StandardDenied}
	for _, p := range []Profile{admin, std} {
		if err := tx.InsertProfile(ctx, p); err != nil {
			return Org{}, User{}, err
		}
	}
	user := User{ID: ids[4], OrgID: org.ID, Email: n.AdminEmail, FirstName: "", LastName: "Administrator", ProfileID: admin.ID, Status: "active", CreatedTime: now}
	if err := tx.InsertUser(ctx, user); err != nil {
		return Org{}, User{}, err
	}
	if err := seedMetadataIDs(ctx, tx, org.ID, catalog.Modules()); err != nil {
		return Org{}, User{}, err
	}
	if err := seedContactRoles(ctx, tx, org.ID); err != nil {
		return Org{}, User{}, err
	}
	return org, user, nil
}

// EnsureDefaultOrg returns the default org, creating it (edition enterprise, admin@zcrm.local) on a
// database that has none.
func EnsureDefaultOrg(ctx context.Context, tx Tx) (Org, error) {
	org, err := tx.DefaultOrg(ctx)
	if err == nil || !errors.Is(err, ErrNotFound) {
		return org, err
	}
	org, _, err = CreateOrg(ctx, tx, NewOrg{Name: "zcrm", Edition: Enterprise, AdminEmail: "admin@zcrm.local", Default: true})
	return org, err
}

// seedMetadataIDs allocates ids for every module, field, related list and custom view of mods.
func seedMetadataIDs(ctx context.Context, tx Tx, orgID int64, mods []catalog.Module) error {
	var keys []string
	for _, m := range mods {
		keys = append(keys, catalog.KeyModule(m.APIName))
		for _, f := range m.Fields {
			keys = append(keys, catalog.KeyField(m.APIName, f.APIName))
		}
		for _, rl := range m.RelatedLists {
			keys = append(keys, catalog.KeyRelatedList(m.APIName, rl.APIName))
		}
		for _, cv := range m.CustomViews() {
			keys = append(keys, catalog.KeyCustomView(m.APIName, cv.Key))
		}
	}
	ids, err := tx.NewIDs(ctx, len(keys))
	if err != nil {
		return err
	}
	byKey := make(map[string]int64, len(keys))
	for i, k := range keys {
		byKey[k] = ids[i]
	}
	return tx.InsertMetadataIDs(ctx, orgID, byKey)
}

var emailRE = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)

func validEmail(s string) bool { return emailRE.MatchString(s) }

// CreateUser adds a user with the named profile to the org.
func CreateUser(ctx context.Context, tx Tx, orgID int64, email, profileName string) (User, Profile, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if !validEmail(email) {
		return User{}, Profile{}, Refuse("email", "invalid email %q", email)
	}
	p, err := tx.ProfileByName(ctx, orgID, profileName)
	if errors.Is(err, ErrNotFound) {
		return User{}, Profile{}, Refuse("profile", "no profile %q in org %d", profileName, orgID)
	}
	if err != nil {
		return User{}, Profile{}, err
	}
	id, err := tx.NewID(ctx)
	if err != nil {
		return User{}, Profile{}, err
	}
	local := email[:strings.IndexByte(email, '@')]
	u := User{ID: id, OrgID: orgID, Email: email, LastName: local, ProfileID: p.ID, Status: "active", CreatedTime: tx.Now()}
	if err := tx.InsertUser(ctx, u); err != nil {
		if errors.Is(err, ErrDuplicate) {
			return User{}, Profile{}, Refuse("email", "user %s already exists in org %d", email, orgID)
		}
		return User{}, Profile{}, err
	}
	return u, p, nil
}

// CreateProfile adds a profile cloned from Standard that additionally lacks the denied permissions.
func CreateProfile(ctx context.Context, tx Tx, orgID int64, name string, denied []string) (Profile, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return Profile{}, Refuse("name", "profile name is required")
	}
	id, err := tx.NewID(ctx)
	if err != nil {
		return Profile{}, err
	}
	all := append(append([]string{}, StandardDenied...), denied...)
	p := Profile{ID: id, OrgID: orgID, Name: name, Denied: all}
	if err := tx.InsertProfile(ctx, p); err != nil {
		if errors.Is(err, ErrDuplicate) {
			return Profile{}, Refuse("name", "profile %q already exists", name)
		}
		return Profile{}, err
	}
	return p, nil
}

var customModuleRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]{0,49}$`)

// CreateCustomModule adds a custom module to an Enterprise-or-above org.
func CreateCustomModule(ctx context.Context, tx Tx, org Org, createdBy int64, apiName, singular, plural string) (CustomModule, error) {
	if !org.Edition.AtLeast(Enterprise) {
		return CustomModule{}, Refuse("api_name", "custom modules need the enterprise edition or above (org %d is %s)", org.ID, org.Edition)
	}
	if !customModuleRE.MatchString(apiName) {
		return CustomModule{}, Refuse("api_name", "invalid module api name %q: letters, digits and underscores, starting with a letter", apiName)
	}
	if _, ok := catalog.Standard(apiName); ok {
		return CustomModule{}, Refuse("api_name", "module %s already exists", apiName)
	}
	if singular == "" {
		singular = strings.TrimSuffix(apiName, "s")
	}
	if plural == "" {
		plural = apiName
	}
	id, err := tx.NewID(ctx)
	if err != nil {
		return CustomModule{}, err
	}
	m := CustomModule{ID: id, OrgID: org.ID, APIName: apiName, Singular: singular, Plural: plural, CreatedBy: createdBy, CreatedTime: tx.Now()}
	if err := tx.InsertCustomModule(ctx, m); err != nil {
		if errors.Is(err, ErrDuplicate) {
			return CustomModule{}, Refuse("api_name", "module %s already exists", apiName)
		}
		return CustomModule{}, err
	}
	def := catalog.NewCustomModule(apiName, singular, plural)
	if err := seedMetadataIDs(ctx, tx, org.ID, []catalog.Module{def}); err != nil {
		return CustomModule{}, err
	}
	return m, nil
}

// SetSharing sets a module's data-sharing rule in the org.
func SetSharing(ctx context.Context, tx Tx, org Org, module, access string) (string, error) {
	m, err := ResolveModule(ctx, tx, org, module)
	if err != nil {
		return "", Refuse("module", "unknown module %q", module)
	}
	if !slices.Contains(SharingModes, access) {
		return "", Refuse("access", "access must be public, public_read_only or private, not %q", access)
	}
	return m.APIName, tx.SetSharing(ctx, org.ID, m.APIName, access)
}
