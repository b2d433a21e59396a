package store

import (
	"context"
	"errors"
	"fmt"
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

// distinctSet returns ids as a set.
func distinctSet(ids []int64) map[int64]bool {
	set := make(map[int64]bool, len(ids))
	for _, id := range ids {
		set[id] = true
	}
	return set
}
