package crm

import "context"

// RelationTx is the store's view of relations between records. Lookups return ErrNotFound.
type RelationTx interface {
	// DeleteRelationsOf removes every relation either side of which is one of recordIDs.
	DeleteRelationsOf(ctx context.Context, orgID int64, recordIDs []int64) error
}
