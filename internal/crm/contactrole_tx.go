package crm

import "context"

// ContactRoleTx is the store's view of contact roles and deal contact roles. Lookups return
// ErrNotFound when nothing matches; inserts return ErrDuplicate on a name clash.
type ContactRoleTx interface {
	InsertContactRoles(ctx context.Context, roles []ContactRole) error
	// DeleteDealContactRolesOf removes every deal contact role whose deal or contact is in recordIDs.
	DeleteDealContactRolesOf(ctx context.Context, orgID int64, recordIDs []int64) error
}
