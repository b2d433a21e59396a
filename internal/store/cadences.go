package store

import (
	"context"
)

// EndEnrollmentsOf ends every live enrolment of recordIDs with the given reason.
func (t *Tx) EndEnrollmentsOf(ctx context.Context, orgID int64, recordIDs []int64, reason string, by int64) error {
	if len(recordIDs) == 0 {
		return nil
	}
	args := append([]any{ms(t.Now()), by, reason, orgID}, int64Args(recordIDs)...)
	_, err := t.exec(ctx, `UPDATE enrollments SET ended_time = ?, ended_by = ?, end_reason = ?
		WHERE org_id = ? AND ended_time IS NULL AND record_id IN (`+placeholders(len(recordIDs))+`)`, args...)
	return err
}
