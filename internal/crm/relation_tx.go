package crm

// RelationTx is the store's view of relations. Lookups return ErrNotFound when nothing matches.
type RelationTx interface {
}
