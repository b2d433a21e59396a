package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/zcrm/zcrm/internal/crm"
)

// setOp runs q, an UPDATE or DELETE over the rows of ids (its id column named col) whose WHERE
// clause ends the statement, and returns which ids it changed. The usual case is that every id
// changes, and both stores answer it without a row per id: on PostgreSQL q runs as
// WITH d AS (q RETURNING col), which answers one row — the count, and the changed ids only when
// fewer than all changed; on SQLite, where each returned row costs a trip through database/sql
// (about half a microsecond of wasm and conversion per row), q runs under a savepoint and only
// when it changed fewer rows than there are distinct ids is it rolled back and run again with
// RETURNING.
func (t *Tx) setOp(ctx context.Context, q, col string, ids []int64, args ...any) (map[int64]bool, error) {
	all := distinctSet(ids) // the answer when every id changed
	if t.db.dialect == Postgres {
		var n int64
		var changed sql.NullString
		err := t.queryRow(ctx, `WITH d AS (`+q+` RETURNING `+col+`) SELECT count(*), `+changedList(col)+` FROM d`,
			append(args, len(all))...).Scan(&n, &changed)
		if err != nil {
			return nil, err
		}
		return changedSet(all, n, changed)
	}
	if _, err := t.exec(ctx, `SAVEPOINT zcrm_setop`); err != nil {
		return nil, fmt.Errorf("savepoint: %w", err)
	}
	res, err := t.exec(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return nil, err
	}
	if int(n) == len(all) {
		if _, err := t.exec(ctx, `RELEASE zcrm_setop`); err != nil {
			return nil, fmt.Errorf("release savepoint: %w", err)
		}
		return all, nil
	}
	if _, err := t.exec(ctx, `ROLLBACK TO zcrm_setop`); err != nil {
		return nil, fmt.Errorf("rollback to savepoint: %w", err)
	}
	if _, err := t.exec(ctx, `RELEASE zcrm_setop`); err != nil {
		return nil, fmt.Errorf("release savepoint: %w", err)
	}
	return t.idSet(ctx, q+` RETURNING `+col, args...)
}

// guardedSetOp is setOp applied only when g's record exists and g's actor may change it without a
// sharing lookup (crm.Guard); it returns the record's head (crm.ErrNotFound when it is missing)
// and the changed ids, nil when the change was not applied. On PostgreSQL the check and the
// change are one statement.
func (t *Tx) guardedSetOp(ctx context.Context, g crm.Guard, q, col string, ids []int64, args ...any) (crm.Record, map[int64]bool, error) {
	if t.db.dialect != Postgres || len(ids) == 0 {
		head, err := t.RecordHead(ctx, g.OrgID, g.Module, g.ID)
		if err != nil || !g.Decides(head.OwnerID) {
			return head, nil, err
		}
		if len(ids) == 0 {
			return head, map[int64]bool{}, nil
		}
		changed, err := t.setOp(ctx, q, col, ids, args...)
		return head, changed, err
	}
	all := distinctSet(ids)
	stmt := `WITH p AS (SELECT owner_id FROM records WHERE org_id = ? AND module = ? AND id = ?),
		d AS (` + q + ` AND EXISTS (SELECT 1 FROM p WHERE ? OR p.owner_id = ?) RETURNING ` + col + `)
		SELECT p.owner_id, (SELECT count(*) FROM d), (SELECT ` + changedList(col) + ` FROM d) FROM p`
	full := make([]any, 0, len(args)+6)
	full = append(full, g.OrgID, g.Module, g.ID)
	full = append(full, args...)
	full = append(full, g.Admin, g.UserID, len(all))
	var owner, n int64
	var changed sql.NullString
	if err := t.queryRow(ctx, stmt, full...).Scan(&owner, &n, &changed); err != nil {
		return crm.Record{}, nil, notFound(err)
	}
	head := crm.Record{ID: g.ID, OrgID: g.OrgID, Module: g.Module, OwnerID: owner}
	if !g.Decides(owner) {
		return head, nil, nil
	}
	set, err := changedSet(all, n, changed)
	return head, set, err
}

// changedList is the select-list expression over d (the changed rows' col) that lists the changed
// ids, comma-separated, when fewer changed than the statement's last argument (the distinct ids).
func changedList(col string) string {
	return `CASE WHEN count(*) < ? THEN string_agg(` + col + `::text, ',') END`
}

// changedSet reads what changedList selected: all when n rows changed, which is every id.
func changedSet(all map[int64]bool, n int64, changed sql.NullString) (map[int64]bool, error) {
	if int(n) == len(all) {
		return all, nil
	}
	set := make(map[int64]bool, n)
	if !changed.Valid {
		return set, nil
	}
	for _, s := range strings.Split(changed.String, ",") {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("changed ids: %w", err)
		}
		set[id] = true
	}
	return set, nil
}

// distinctSet returns ids as a set.
func distinctSet(ids []int64) map[int64]bool {
	set := make(map[int64]bool, len(ids))
	for _, id := range ids {
		set[id] = true
	}
	return set
}
