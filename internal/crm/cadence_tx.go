package crm

// CadenceTx is the store's view of cadences. Lookups return ErrNotFound when nothing matches.
type CadenceTx interface {
}
