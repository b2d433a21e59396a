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
// once (its group-commit batch shares the reading) until it bumps a version. Like DB.OrgVersion it
// reads the control state again when its generation moved.
func (t *Tx) OrgVersion(ctx context.Context, orgID int64) (int64, error) {
	if v, ok := t.versions[orgID]; ok {
		return v, nil
	}
	var v, gen int64
	err := t.queryRow(ctx, versionQuery, orgID).Scan(&v, &gen)
	if err != nil {
		return 0, notFound(err)
	}
	if cur := t.db.ctl.Load(); cur == nil || cur.Generation < gen {
		c, err := t.Control(ctx)
		if err != nil {
			return 0, err
		}
		t.db.publish(c)
	}
	if t.versions != nil {
		t.versions[orgID] = v
	}
	return v, nil
}

// OrgVersion returns the org's latest committed version, read outside any transaction (one indexed
// read on a pooled connection): the check a cached answer makes on every request. The control
// generation comes with it; the process reads the control state again when that moved.
func (db *DB) OrgVersion(ctx context.Context, orgID int64) (int64, error) {
	var v, gen int64
	if err := db.read.QueryRowContext(ctx, db.rebind(versionQuery), orgID).Scan(&v, &gen); err != nil {
		return 0, notFound(err)
	}
	return v, db.observe(ctx, gen)
}

// versionQuery reads an org's version and the control generation (control.go) in one statement.
const versionQuery = `SELECT v.version, c.generation FROM org_versions v, control c WHERE v.org_id = ? AND c.id = 1`
