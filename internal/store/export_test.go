package store

import (
	"context"
	"testing"

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

// TxBumpOrgVersion advances an org's cache version as the store's own writes do (for the external tests).
func TxBumpOrgVersion(ctx context.Context, tx crm.Tx, orgID int64) error {
	return tx.(*Tx).bumpOrgVersion(ctx, orgID)
}

// CreateTestOrg creates an Enterprise org named Acme with its admin in db (for the tests that need
// only an org).
func CreateTestOrg(t testing.TB, db *DB) crm.Org {
	t.Helper()
	ctx := context.Background()
	var org crm.Org
	if err := db.Write(ctx, func(tx crm.Tx) error {
		var err error
		org, _, err = crm.CreateOrg(ctx, tx, crm.NewOrg{Name: "Acme", Edition: crm.Enterprise})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return org
}
