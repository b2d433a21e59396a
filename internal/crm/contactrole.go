package crm

import (
	"context"
	"time"
)

// DealContactRole is the role a contact plays on a deal. A role removed through the API keeps its
// row with Removed set, so that a second removal can say "contact role not deleted"; assigning a role
// again clears it.
type DealContactRole struct {
	OrgID       int64
	DealID      int64
	ContactID   int64
	RoleID      int64
	CreatedTime time.Time
	Removed     bool
}

// DealContact is a contact with its live role on a deal.
type DealContact struct {
	Contact Record
	Role    ContactRole
}

// ContactRoleTx is the store's view of contact roles and deal contact roles. Lookups return
// ErrNotFound when nothing matches; inserts return ErrDuplicate on a name clash.
type ContactRoleTx interface {
	InsertContactRoles(ctx context.Context, roles []ContactRole) error
	// ContactRoles returns the org's roles by sequence number, then id.
	ContactRoles(ctx context.Context, orgID int64) ([]ContactRole, error)
	// UpdateContactRole stores a role's new name and sequence number.
	UpdateContactRole(ctx context.Context, role ContactRole) error
	// DeleteContactRoles removes the roles among ids and every deal contact role that uses them.
	DeleteContactRoles(ctx context.Context, orgID int64, ids []int64) error

	// DealContactRoles returns the rows (live or removed) of the deal whose contact is among
	// contactIDs, keyed by contact id.
	DealContactRoles(ctx context.Context, orgID, dealID int64, contactIDs []int64) (map[int64]DealContactRole, error)
	// UpsertDealContactRoles assigns roles: a new row, or a new role for an existing (possibly
	// removed) row, which becomes live again. At most one row per contact may be given. It returns
	// the contacts that had no live role on their deal before: a new row or a removed one.
	UpsertDealContactRoles(ctx context.Context, rows []DealContactRole) (map[int64]bool, error)
	// RemoveDealContactRoles marks the deal's live rows of contactIDs as removed and returns the
	// contact ids it marked.
	RemoveDealContactRoles(ctx context.Context, orgID, dealID int64, contactIDs []int64) (map[int64]bool, error)
	// DealContacts returns one page of the deal's contacts with a live role.
	DealContacts(ctx context.Context, orgID, dealID int64, s RelatedSlice) ([]DealContact, error)
	// DeleteDealContactRolesOf removes every deal contact role whose deal or contact is in recordIDs.
	DeleteDealContactRolesOf(ctx context.Context, orgID int64, recordIDs []int64) error
}
