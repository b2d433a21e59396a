package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/zcrm/zcrm/internal/crm"
)

// Org versions (migration 0002): a counter per org that every transaction changing what zcrm
// caches in memory bumps in the same transaction, so a cached answer is current exactly while
// the counter still reads what it read when the answer was made.

// bumpOrgVersion advances the org's version.
func (t *Tx) bumpOrgVersion(ctx context.Context, orgID int64) error {
	t.bumped = true
	if _, err := t.exec(ctx, `UPDATE org_versions SET version = version + 1 WHERE org_id = ?`, orgID); err != nil {
		return fmt.Errorf("bump org version: %w", err)
	}
	return nil
}

// checkVersion makes check (nil: none) in this transaction, reading the version unless versions
// (the versions this transaction has read, by org; nil: none kept) holds it.
func (t *Tx) checkVersion(ctx context.Context, check *crm.VersionCheck, versions map[int64]int64) error {
	if check == nil {
		return nil
	}
	v, ok := versions[check.OrgID]
	if !ok {
		var err error
		if v, err = t.OrgVersion(ctx, check.OrgID); errors.Is(err, crm.ErrNotFound) {
			return crm.ErrVersionChanged
		} else if err != nil {
			return err
		}
		if versions != nil {
			versions[check.OrgID] = v
		}
	}
	if v != check.Version {
		return crm.ErrVersionChanged
	}
	check.Verified = true
	return nil
}

// execBumping runs a DELETE … RETURNING org_id and bumps the version of every org it touched.
func (t *Tx) execBumping(ctx context.Context, q string, args ...any) error {
	orgs, err := t.queryIDs(ctx, q+` RETURNING org_id`, args...)
	if err != nil {
		return err
	}
	for _, id := range crm.Dedupe(orgs) {
		if err := t.bumpOrgVersion(ctx, id); err != nil {
			return err
		}
	}
	return nil
}

// OrgVersion returns the org's version as this transaction sees it.
func (t *Tx) OrgVersion(ctx context.Context, orgID int64) (int64, error) {
	var v int64
	err := t.queryRow(ctx, `SELECT version FROM org_versions WHERE org_id = ?`, orgID).Scan(&v)
	return v, notFound(err)
}

// OrgVersion returns the org's latest committed version, read outside any transaction (one indexed
// read on a pooled connection): the check a cached answer makes on every request.
func (db *DB) OrgVersion(ctx context.Context, orgID int64) (int64, error) {
	var v int64
	err := db.read.QueryRowContext(ctx, db.rebind(`SELECT version FROM org_versions WHERE org_id = ?`), orgID).Scan(&v)
	return v, notFound(err)
}
