package crm

import "context"

// ContactRoleTx is the store's view of contact roles and deal contact roles. Lookups return
// ErrNotFound when nothing matches; inserts return ErrDuplicate on a name clash.
type ContactRoleTx interface {
	InsertContactRoles(ctx context.Context, roles []ContactRole) error
}
