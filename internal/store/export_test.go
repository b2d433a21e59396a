package store

import (
	"context"

	"github.com/zcrm/zcrm/internal/crm"
)

// TxExec runs a statement on a store transaction (for the external tests).
func TxExec(ctx context.Context, tx crm.Tx, q string, args ...any) error {
	_, err := tx.(*Tx).exec(ctx, q, args...)
	return err
}

// TxQueryInt runs a one-integer query on a store transaction (for the external tests).
func TxQueryInt(ctx context.Context, tx crm.Tx, q string, args ...any) (int64, error) {
	var v int64
	err := tx.(*Tx).queryRow(ctx, q, args...).Scan(&v)
	return v, err
}
