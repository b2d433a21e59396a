package crm

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"
)

// ErrNotFound is returned by store lookups that find nothing.
var ErrNotFound = errors.New("not found")

// ErrDuplicate is returned by store inserts that break a uniqueness rule.
var ErrDuplicate = errors.New("duplicate")

// Edition is a Zoho CRM edition; it gates features.
type Edition string

// The editions, cheapest first.
const (
	Free         Edition = "free"
	Standard     Edition = "standard"
	Professional Edition = "professional"
	Enterprise   Edition = "enterprise"
	Ultimate     Edition = "ultimate"
)

var editionRank = map[Edition]int{Free: 0, Standard: 1, Professional: 2, Enterprise: 3, Ultimate: 4}

// ParseEdition returns the edition named s (case-insensitive), or an error naming the valid ones.
func ParseEdition(s string) (Edition, error) {
	e := Edition(strings.ToLower(s))
	if _, ok := editionRank[e]; !ok {
		return "", Refuse("edition", "edition must be free, standard, professional, enterprise or ultimate, not %q", s)
	}
	return e, nil
}

// AtLeast reports whether e is min or a higher edition.
func (e Edition) AtLeast(min Edition) bool { return editionRank[e] >= editionRank[min] }

// Org is a Zoho CRM organisation: the unit of tenancy.
type Org struct {
	ID          int64
	Name        string
	Edition     Edition
	ZGID        int64
	Default     bool
	CreatedTime time.Time
}

// Profile names a set of permissions. Administrator holds all; other profiles hold all but Denied.
type Profile struct {
	ID     int64
	OrgID  int64
	Name   string
	Admin  bool
	Denied []string
}

// Permission names, as Zoho reports them in NO_PERMISSION details.
const (
	PermViewCadences     = "Crm_Implied_View_Cadences"
	PermManageCadences   = "Crm_Implied_Manage_Cadences"
	PermEnrollSeries     = "Crm_Implied_Manage_Enroll_Series"
	PermUnenrollSeries   = "Crm_Implied_Manage_UnEnroll_Series"
	PermCustomizeCRM     = "Crm_Implied_Customize_Crm"
	ProfileAdministrator = "Administrator"
	ProfileStandard      = "Standard"
)

// StandardDenied is what the built-in Standard profile lacks: cadences and settings changes.
var StandardDenied = []string{PermViewCadences, PermManageCadences, PermEnrollSeries, PermUnenrollSeries, PermCustomizeCRM}

// ModulePermission names a record permission on a module, e.g. Crm_Implied_Delete_Potentials.
// action is View, Create, Edit or Delete; legacy is the module's legacy name from the catalogue.
func ModulePermission(action, legacy string) string { return "Crm_Implied_" + action + "_" + legacy }

// Has reports whether the profile grants perm.
func (p Profile) Has(perm string) bool {
	return p.Admin || !slices.Contains(p.Denied, perm)
}

// User is a CRM user of one org.
type User struct {
	ID          int64
	OrgID       int64
	Email       string
	FirstName   string
	LastName    string
	ProfileID   int64
	Status      string
	CreatedTime time.Time
}

// FullName is the user's display name.
func (u User) FullName() string {
	n := strings.TrimSpace(u.FirstName + " " + u.LastName)
	if n == "" {
		return u.Email
	}
	return n
}

// Actor is who a request acts as: an authenticated user of an org, with their profile.
type Actor struct {
	Org     Org
	User    User
	Profile Profile
}

// CustomModule is an org's own module (Enterprise and above).
type CustomModule struct {
	ID          int64
	OrgID       int64
	APIName     string
	Singular    string
	Plural      string
	CreatedBy   int64
	CreatedTime time.Time
}

// Sharing values of a module's data-sharing rule (Zoho's org-wide sharing defaults): under public
// everyone reads and changes every record; under public_read_only everyone reads them but only the
// owner (and administrators) change them; under private only the owner (and administrators) read or
// change them (see VisibleOwner and CanChange).
const (
	SharingPublic         = "public"
	SharingPublicReadOnly = "public_read_only"
	SharingPrivate        = "private"
)

// SharingModes are the data-sharing rules a module can have, in the order help texts list them.
var SharingModes = []string{SharingPublic, SharingPublicReadOnly, SharingPrivate}

// OrgTx is the store's view of orgs, users, profiles, sharing rules, custom modules and metadata ids.
// Lookups return ErrNotFound when nothing matches; inserts return ErrDuplicate on a uniqueness clash.
type OrgTx interface {
	InsertOrg(ctx context.Context, o Org) error
	Org(ctx context.Context, id int64) (Org, error)
	DefaultOrg(ctx context.Context) (Org, error)
	// Orgs returns every org, oldest first.
	Orgs(ctx context.Context) ([]Org, error)

	InsertProfile(ctx context.Context, p Profile) error
	Profile(ctx context.Context, orgID, id int64) (Profile, error)
	ProfileByName(ctx context.Context, orgID int64, name string) (Profile, error)
	Profiles(ctx context.Context, orgID int64) ([]Profile, error)

	InsertUser(ctx context.Context, u User) error
	User(ctx context.Context, orgID, id int64) (User, error)
	UserByEmail(ctx context.Context, orgID int64, email string) (User, error)
	// Users returns the org's users, oldest first; the slice is shared, read-only.
	Users(ctx context.Context, orgID int64) ([]User, error)
	// TrustVersion tells a read that its request's authentication found the org's version at v
	// before the read began, so Users may answer from what the process read of them at v (every
	// change to an org's users bumps its version). It does nothing in a write.
	TrustVersion(orgID, v int64)
	// FirstAdmin returns the org's earliest user with an Administrator profile.
	FirstAdmin(ctx context.Context, orgID int64) (User, error)

	Sharing(ctx context.Context, orgID int64, module string) (string, error)
	SetSharing(ctx context.Context, orgID int64, module, access string) error

	InsertCustomModule(ctx context.Context, m CustomModule) error
	CustomModules(ctx context.Context, orgID int64) ([]CustomModule, error)

	// MetadataIDs returns the org's ids of catalogue entities, keyed as in catalog.Key*.
	MetadataIDs(ctx context.Context, orgID int64) (map[string]int64, error)
	InsertMetadataIDs(ctx context.Context, orgID int64, ids map[string]int64) error

	// OrgVersion returns the org's cache version: a counter the store advances in every
	// transaction that changes what processes cache in memory (cadences, custom modules, users,
	// the deletion of tokens). An answer cached with version v is current while the version reads v.
	OrgVersion(ctx context.Context, orgID int64) (int64, error)
}
