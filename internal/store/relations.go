package store

import (
	"context"
)

// DeleteRelationsOf removes every relation either side of which is one of recordIDs.
func (t *Tx) DeleteRelationsOf(ctx context.Context, orgID int64, recordIDs []int64) error {
	if len(recordIDs) == 0 {
		return nil
	}
	ph := placeholders(len(recordIDs))
	args := append(append([]any{orgID}, int64Args(recordIDs)...), int64Args(recordIDs)...)
	_, err := t.exec(ctx, `DELETE FROM relations WHERE org_id = ? AND (a_id IN (`+ph+`) OR b_id IN (`+ph+`))`, args...)
	return err
}
