package store

import (
	"context"
	"fmt"

	"github.com/zcrm/zcrm/internal/crm"
)

// Org versions (migration 0002): a counter per org that every transaction changing what zcrm
// caches in memory bumps in the same transaction, so a cached answer is current exactly while
// the counter still reads what it read when the answer was made.

// bumpOrgVersion advances the org's version.
func (t *Tx) bumpOrgVersion(ctx context.Context, orgID int64) error {
	clear(t.versions)
	if _, err := t.exec(ctx, `UPDATE org_versions SET version = version + 1 WHERE org_id = ?`, orgID); err != nil {
		return fmt.Errorf("bump org version: %w", err)
	}
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

// OrgVersion returns the org's version as this transaction sees it. A write transaction reads it
// once (its group-commit batch shares the reading) until it bumps a version.
func (t *Tx) OrgVersion(ctx context.Context, orgID int64) (int64, error) {
	if v, ok := t.versions[orgID]; ok {
		return v, nil
	}
	var v int64
	err := t.queryRow(ctx, `SELECT version FROM org_versions WHERE org_id = ?`, orgID).Scan(&v)
	if err == nil && t.versions != nil {
		t.versions[orgID] = v
	}
	return v, notFound(err)
}

// OrgVersion returns the org's latest committed version, read outside any transaction (one indexed
// read on a pooled connection): the check a cached answer makes on every request. On PostgreSQL,
// where that read is a round trip, concurrent checks of one org share one (versionReads).
func (db *DB) OrgVersion(ctx context.Context, orgID int64) (int64, error) {
	if db.dialect == Postgres {
		return db.versionReads.check(ctx, orgID, db.readOrgVersion)
	}
	return db.readOrgVersion(ctx, orgID)
}

// readOrgVersion reads the org's latest committed version.
func (db *DB) readOrgVersion(ctx context.Context, orgID int64) (int64, error) {
	var v int64
	err := db.read.QueryRowContext(ctx, db.rebind(`SELECT version FROM org_versions WHERE org_id = ?`), orgID).Scan(&v)
	return v, notFound(err)
}
