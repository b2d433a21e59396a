package store

import (
	"context"
	"database/sql"

	"github.com/zcrm/zcrm/internal/crm"
)

// CadenceEnrollments returns one page of the cadence's enrolments, live and ended, newest first,
// each with the cadence's current name (the console's cadence page). It reads through the
// org_id prefix of enrollments_record; the live ones alone would have enrollments_live.
func (t *Tx) CadenceEnrollments(ctx context.Context, orgID, cadenceID int64, limit, offset int) ([]crm.Enrollment, error) {
	rows, err := t.query(ctx, `SELECT e.id, e.org_id, e.cadence_id, COALESCE(c.name, e.cadence_name), e.module, e.record_id,
		e.enrolled_time, e.enrolled_by, e.ended_time, e.ended_by, e.end_reason
		FROM enrollments e LEFT JOIN cadences c ON c.org_id = e.org_id AND c.id = e.cadence_id
		WHERE e.org_id = ? AND e.cadence_id = ? ORDER BY e.enrolled_time DESC, e.id DESC LIMIT ? OFFSET ?`, orgID, cadenceID, limit, offset)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []crm.Enrollment
	for rows.Next() {
		var e crm.Enrollment
		var enrolled int64
		var ended, endedBy sql.NullInt64
		var reason sql.NullString
		if err := rows.Scan(&e.ID, &e.OrgID, &e.CadenceID, &e.CadenceName, &e.Module, &e.RecordID, &enrolled, &e.EnrolledBy,
			&ended, &endedBy, &reason); err != nil {
			return nil, err
		}
		e.EnrolledTime = fromMS(enrolled)
		if ended.Valid {
			e.EndedTime = fromMS(ended.Int64)
		}
		e.EndedBy, e.EndReason = endedBy.Int64, reason.String
		out = append(out, e)
	}
	return out, rows.Err()
}
