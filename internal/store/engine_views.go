package store

import (
	"context"

	"github.com/zcrm/zcrm/internal/crm"
)

// The cadence engine's enrolment by custom view, criteria un-enrolment and analytics reads
// (crm.EngineTx; crm/engine_enrol.go).

// markFollowUp is the follow_up_id of a cadence's process-existing-records mark: a cadence_steps
// row keyed by the cadence's own id in enrollment_id (ids are unique across kinds, so no
// enrolment has it) in state 'mark', which no claim, cancel or count of steps selects.
const markFollowUp = "process_existing_records"

// EngineCadences returns the org's published, active cadences of module that enrol by custom
// view or whose execution details mention criteria (crm.EngineCadences checks the rule itself).
// The index on (org_id, module) serves it.
func (t *Tx) EngineCadences(ctx context.Context, orgID int64, module string) ([]crm.Cadence, error) {
	return t.cadences(ctx, `SELECT `+cadenceCols+` FROM cadences WHERE org_id = ? AND module = ? AND active = 1 AND published = 1
		AND draft_of IS NULL AND (type = ? OR execution_details LIKE ?) ORDER BY id`,
		orgID, module, crm.CadenceCustomView, `%"criteria"%`)
}

// EverEnrolled returns which of recordIDs have an enrolment in the cadence, live or ended.
func (t *Tx) EverEnrolled(ctx context.Context, orgID, cadenceID int64, recordIDs []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	for len(recordIDs) > 0 {
		n := min(len(recordIDs), 500)
		in, args := t.db.inIDs("record_id", recordIDs[:n])
		set, err := t.idSet(ctx, `SELECT DISTINCT record_id FROM enrollments WHERE org_id = ? AND cadence_id = ? AND `+in,
			append([]any{orgID, cadenceID}, args...)...)
		if err != nil {
			return nil, err
		}
		for id := range set {
			out[id] = true
		}
		recordIDs = recordIDs[n:]
	}
	return out, nil
}

// ViewRecordIDs returns the records of module matching in and not out that were never enrolled
// in the cadence, in id order: one statement, the criteria through criteriaSQL (the evaluator of
// record lists, search and count). A record out's condition cannot decide (a NULL) is kept.
func (t *Tx) ViewRecordIDs(ctx context.Context, orgID int64, module string, cadenceID int64, in, out *crm.Criteria) ([]int64, error) {
	q := `SELECT r.id FROM records r WHERE r.org_id = ? AND r.module = ?`
	args := []any{orgID, module}
	if in != nil {
		cond, cargs := t.db.criteriaSQL("r.", in)
		q, args = q+` AND (`+cond+`)`, append(args, cargs...)
	}
	if out != nil {
		cond, cargs := t.db.criteriaSQL("r.", out)
		q, args = q+` AND NOT COALESCE((`+cond+`), 1 = 0)`, append(args, cargs...)
	}
	q += ` AND NOT EXISTS (SELECT 1 FROM enrollments e WHERE e.org_id = r.org_id AND e.record_id = r.id AND e.cadence_id = ?) ORDER BY r.id`
	return t.queryIDs(ctx, q, append(args, cadenceID)...)
}

// MarkProcessExisting stores the cadence's process-existing-records mark.
func (t *Tx) MarkProcessExisting(ctx context.Context, orgID, cadenceID int64) error {
	_, err := t.exec(ctx, `INSERT INTO cadence_steps (org_id, enrollment_id, follow_up_id, cadence_id, record_id, state, due_ms)
		VALUES (?, ?, ?, ?, 0, 'mark', ?) ON CONFLICT DO NOTHING`, orgID, cadenceID, markFollowUp, cadenceID, ms(t.Now()))
	return err
}

// TakeProcessExisting deletes the cadence's mark and reports whether it was there.
func (t *Tx) TakeProcessExisting(ctx context.Context, orgID, cadenceID int64) (bool, error) {
	res, err := t.exec(ctx, `DELETE FROM cadence_steps WHERE org_id = ? AND enrollment_id = ? AND follow_up_id = ? AND state = 'mark'`,
		orgID, cadenceID, markFollowUp)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// MessagesByID returns the org's outbox messages among ids, keyed by id.
func (t *Tx) MessagesByID(ctx context.Context, orgID int64, ids []int64) (map[int64]crm.Message, error) {
	out := make(map[int64]crm.Message, len(ids))
	for len(ids) > 0 {
		n := min(len(ids), 500)
		in, args := t.db.inIDs("id", ids[:n])
		rows, err := t.query(ctx, `SELECT `+messageColumns+` FROM cadence_messages WHERE org_id = ? AND `+in, append([]any{orgID}, args...)...)
		if err != nil {
			return nil, err
		}
		list, err := scanMessages(rows)
		if err != nil {
			return nil, err
		}
		for _, m := range list {
			out[m.ID] = m
		}
		ids = ids[n:]
	}
	return out, nil
}
