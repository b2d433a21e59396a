package crm

// AuthExtTx holds the OAuth store methods beyond access-token lookup (clients, grants, refresh tokens).
type AuthExtTx interface {
}

// RecordExtTx holds the record store methods beyond insert and lookup (list, update, delete).
type RecordExtTx interface {
}
