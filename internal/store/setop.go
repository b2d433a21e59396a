package store

import (
	"context"
	"fmt"
)

// setOp runs q, an UPDATE or DELETE over the rows of ids (its id column named col), and returns
// which ids it changed. On PostgreSQL that is q … RETURNING col. On SQLite, where each returned row
// costs a trip through database/sql (about half a microsecond of wasm and conversion per row), the
// usual case — every id changes — is answered by the rows-affected count: q runs under a savepoint,
// and only when it changed fewer rows than there are distinct ids is it rolled back and run again
// with RETURNING.
func (t *Tx) setOp(ctx context.Context, q, col string, ids []int64, args ...any) (map[int64]bool, error) {
	if t.db.dialect == SQLite {
		all := make(map[int64]bool, len(ids)) // the answer when every id changed
		for _, id := range ids {
			all[id] = true
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
	}
	return t.idSet(ctx, q+` RETURNING `+col, args...)
}
