package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/zcrm/zcrm/internal/crm"
)

// setOp runs q, an UPDATE or DELETE over the rows of ids (its id column named col) whose WHERE
// clause ends the statement, and returns which ids it changed. The usual case is that every id
// changes, and both stores answer it from the rows-affected count, without a row per id (which
// costs PostgreSQL and the driver more than the statement's own work on 100 rows). When fewer rows
// changed: SQLite ran q under a savepoint, rolls it back and runs it again with RETURNING;
// PostgreSQL (no savepoint: its round trip would cost what the count saves) fails the call with
// errInexact, and the store runs the call again in a transaction of its own whose set operations
// use RETURNING from the start (Tx.exact).
func (t *Tx) setOp(ctx context.Context, q, col string, ids []int64, args ...any) (map[int64]bool, error) {
	all := distinctSet(ids) // the answer when every id changed
	if t.db.dialect == Postgres {
		if t.exact {
			return t.idSet(ctx, q+` RETURNING `+col, args...)
		}
		res, err := t.exec(ctx, q, args...)
		if err != nil {
			return nil, err
		}
		if n, err := res.RowsAffected(); err != nil {
			return nil, err
		} else if int(n) != len(all) {
			return nil, errInexact
		}
		return all, nil
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

// errInexact fails a PostgreSQL write call whose set operation changed fewer rows than ids, so
// that the store runs it again with exact answers (setOp).
var errInexact = errors.New("store: a set operation changed fewer rows than ids; run again with RETURNING")

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
