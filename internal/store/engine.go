package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/zcrm/zcrm/internal/crm"
)

// The cadence engine's rows (crm.EngineTx; migration 0014).

const stepColumns = `s.org_id, s.enrollment_id, s.follow_up_id, s.cadence_id, s.record_id, s.state, s.due_ms,
	s.parent_result, s.result_id, s.executed_ms, s.error`

func scanSteps(rows *sql.Rows) ([]crm.Step, error) {
	defer rows.Close()
	var out []crm.Step
	for rows.Next() {
		var s crm.Step
		var due int64
		var parent, result, executed sql.NullInt64
		var errText sql.NullString
		if err := rows.Scan(&s.OrgID, &s.EnrollmentID, &s.FollowUpID, &s.CadenceID, &s.RecordID, &s.State, &due,
			&parent, &result, &executed, &errText); err != nil {
			return nil, err
		}
		s.Due, s.ParentResult, s.ResultID, s.Error = fromMS(due), parent.Int64, result.Int64, errText.String
		if executed.Valid {
			s.Executed = fromMS(executed.Int64)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

func nullMS(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return ms(t)
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// InsertSteps stores steps; one whose enrolment already has that follow-up is left alone.
func (t *Tx) InsertSteps(ctx context.Context, steps []crm.Step) error {
	for len(steps) > 0 {
		n := min(len(steps), 100)
		args := make([]any, 0, n*8)
		for _, s := range steps[:n] {
			args = append(args, s.OrgID, s.EnrollmentID, s.FollowUpID, s.CadenceID, s.RecordID, s.State, ms(s.Due), nullID(s.ParentResult))
		}
		if _, err := t.exec(ctx, `INSERT INTO cadence_steps (org_id, enrollment_id, follow_up_id, cadence_id, record_id, state, due_ms, parent_result)
			VALUES `+repeatTuple(8, n)+` ON CONFLICT DO NOTHING`, args...); err != nil {
			return err
		}
		steps = steps[n:]
	}
	return nil
}

// ClaimDueSteps returns up to limit pending steps due at or before now of live enrolments in
// active cadences, earliest first. On PostgreSQL the rows are locked FOR UPDATE SKIP LOCKED: a
// second process claiming at the same time takes other steps.
func (t *Tx) ClaimDueSteps(ctx context.Context, now time.Time, limit int) ([]crm.Step, error) {
	q := `SELECT ` + stepColumns + ` FROM cadence_steps s
		JOIN cadences c ON c.id = s.cadence_id AND c.active = 1
		JOIN enrollments e ON e.id = s.enrollment_id AND e.ended_time IS NULL
		WHERE s.state = 'pending' AND s.due_ms <= ? ORDER BY s.due_ms, s.enrollment_id, s.follow_up_id` + PageBounds(limit, 0)
	if t.db.dialect == Postgres {
		q += ` FOR UPDATE OF s SKIP LOCKED`
	}
	rows, err := t.query(ctx, q, ms(now))
	if err != nil {
		return nil, err
	}
	return scanSteps(rows)
}

// CancelDeadSteps cancels the pending and waiting steps due by now whose enrolment ended or whose
// cadence was deleted.
func (t *Tx) CancelDeadSteps(ctx context.Context, now time.Time) error {
	_, err := t.exec(ctx, `UPDATE cadence_steps SET state = 'cancelled'
		WHERE state IN ('pending', 'waiting') AND due_ms <= ? AND (
			NOT EXISTS (SELECT 1 FROM cadences c WHERE c.id = cadence_steps.cadence_id) OR
			EXISTS (SELECT 1 FROM enrollments e WHERE e.id = cadence_steps.enrollment_id AND e.ended_time IS NOT NULL))`, ms(now))
	return err
}

// UpdateStep writes a step's state, due time, parent result, result, run time and error.
func (t *Tx) UpdateStep(ctx context.Context, s crm.Step) error {
	_, err := t.exec(ctx, `UPDATE cadence_steps SET state = ?, due_ms = ?, parent_result = ?, result_id = ?, executed_ms = ?, error = ?
		WHERE enrollment_id = ? AND follow_up_id = ?`,
		s.State, ms(s.Due), nullID(s.ParentResult), nullID(s.ResultID), nullMS(s.Executed), nullString(s.Error), s.EnrollmentID, s.FollowUpID)
	return err
}

// UpdateSteps writes UpdateStep's columns of several steps: one UPDATE for the steps of one
// follow-up that differ only in their enrolment and result (a batch's run of one follow-up), up to
// 100 of them, through the primary key.
func (t *Tx) UpdateSteps(ctx context.Context, steps []crm.Step) error {
	type shape struct {
		fu, state, err        string
		due, parent, executed int64
	}
	groups := map[shape][]crm.Step{}
	var order []shape
	for _, s := range steps {
		k := shape{s.FollowUpID, s.State, s.Error, ms(s.Due), s.ParentResult, 0}
		if !s.Executed.IsZero() {
			k.executed = ms(s.Executed)
		}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], s)
	}
	for _, k := range order {
		for g := groups[k]; len(g) > 0; {
			n := min(len(g), 100)
			var b strings.Builder
			b.WriteString(`UPDATE cadence_steps SET state = ?, due_ms = ?, parent_result = ?, executed_ms = ?, error = ?, result_id = CASE enrollment_id`)
			args := make([]any, 0, 6+3*n)
			args = append(args, k.state, k.due, nullID(k.parent), nullID(k.executed), nullString(k.err))
			for _, s := range g[:n] {
				b.WriteString(` WHEN ? THEN CAST(? AS BIGINT)`)
				args = append(args, s.EnrollmentID, nullID(s.ResultID))
			}
			b.WriteString(` END WHERE follow_up_id = ? AND enrollment_id IN (` + placeholders(n) + `)`)
			args = append(args, k.fu)
			for _, s := range g[:n] {
				args = append(args, s.EnrollmentID)
			}
			if _, err := t.exec(ctx, b.String(), args...); err != nil {
				return err
			}
			g = g[n:]
		}
	}
	return nil
}

// WaitingSteps returns the org's waiting steps whose parent result is among results.
func (t *Tx) WaitingSteps(ctx context.Context, orgID int64, results []int64) ([]crm.Step, error) {
	if len(results) == 0 {
		return nil, nil
	}
	rows, err := t.query(ctx, `SELECT `+stepColumns+` FROM cadence_steps s
		WHERE s.parent_result IN (`+placeholders(len(results))+`) AND s.org_id = ? AND s.state = 'waiting'`,
		append(int64Args(results), orgID)...)
	if err != nil {
		return nil, err
	}
	return scanSteps(rows)
}

// EnrollmentSteps returns the steps of the enrolments, in due order.
func (t *Tx) EnrollmentSteps(ctx context.Context, orgID int64, enrollmentIDs []int64) ([]crm.Step, error) {
	if len(enrollmentIDs) == 0 {
		return nil, nil
	}
	rows, err := t.query(ctx, `SELECT `+stepColumns+` FROM cadence_steps s
		WHERE s.enrollment_id IN (`+placeholders(len(enrollmentIDs))+`) AND s.org_id = ? ORDER BY s.due_ms, s.follow_up_id`,
		append(int64Args(enrollmentIDs), orgID)...)
	if err != nil {
		return nil, err
	}
	return scanSteps(rows)
}

// CadenceSteps returns every step of the cadence.
func (t *Tx) CadenceSteps(ctx context.Context, orgID, cadenceID int64) ([]crm.Step, error) {
	rows, err := t.query(ctx, `SELECT `+stepColumns+` FROM cadence_steps s WHERE s.cadence_id = ? AND s.org_id = ?`, cadenceID, orgID)
	if err != nil {
		return nil, err
	}
	return scanSteps(rows)
}

// NextDue returns the earliest due time of a step ClaimDueSteps could take once it is due.
func (t *Tx) NextDue(ctx context.Context) (time.Time, bool, error) {
	var due sql.NullInt64
	err := t.queryRow(ctx, `SELECT MIN(s.due_ms) FROM cadence_steps s
		JOIN cadences c ON c.id = s.cadence_id AND c.active = 1
		JOIN enrollments e ON e.id = s.enrollment_id AND e.ended_time IS NULL
		WHERE s.state = 'pending'`).Scan(&due)
	if err != nil || !due.Valid {
		return time.Time{}, false, err
	}
	return fromMS(due.Int64), true, nil
}

// LiveEnrollmentIDs returns record id → live enrolment id for the records in the cadence.
func (t *Tx) LiveEnrollmentIDs(ctx context.Context, orgID, cadenceID int64, recordIDs []int64) (map[int64]int64, error) {
	out := map[int64]int64{}
	if len(recordIDs) == 0 {
		return out, nil
	}
	rows, err := t.query(ctx, `SELECT record_id, id FROM enrollments WHERE org_id = ? AND cadence_id = ? AND ended_time IS NULL
		AND record_id IN (`+placeholders(len(recordIDs))+`)`, append([]any{orgID, cadenceID}, int64Args(recordIDs)...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var rec, id int64
		if err := rows.Scan(&rec, &id); err != nil {
			return nil, err
		}
		out[rec] = id
	}
	return out, rows.Err()
}

const messageColumns = `id, org_id, enrollment_id, cadence_id, follow_up_id, module, record_id, channel, to_addr, subject, body,
	sent_ms, replied_ms, delivery`

func scanMessages(rows *sql.Rows) ([]crm.Message, error) {
	defer rows.Close()
	var out []crm.Message
	for rows.Next() {
		var m crm.Message
		var sent int64
		var replied sql.NullInt64
		if err := rows.Scan(&m.ID, &m.OrgID, &m.EnrollmentID, &m.CadenceID, &m.FollowUpID, &m.Module, &m.RecordID, &m.Channel,
			&m.To, &m.Subject, &m.Body, &sent, &replied, &m.Delivery); err != nil {
			return nil, err
		}
		m.Sent = fromMS(sent)
		if replied.Valid {
			m.Replied = fromMS(replied.Int64)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// InsertMessage stores an outbox message.
func (t *Tx) InsertMessage(ctx context.Context, m crm.Message) error {
	_, err := t.exec(ctx, `INSERT INTO cadence_messages (`+messageColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		m.ID, m.OrgID, m.EnrollmentID, m.CadenceID, m.FollowUpID, m.Module, m.RecordID, m.Channel, m.To, m.Subject, m.Body,
		ms(m.Sent), nullMS(m.Replied), m.Delivery)
	return err
}

// Messages returns outbox messages, newest first.
func (t *Tx) Messages(ctx context.Context, f crm.MessageFilter) ([]crm.Message, error) {
	q, args := `SELECT `+messageColumns+` FROM cadence_messages WHERE 1 = 1`, []any{}
	if f.OrgID != 0 {
		q, args = q+` AND org_id = ?`, append(args, f.OrgID)
	}
	if f.RecordID != 0 {
		q, args = q+` AND record_id = ?`, append(args, f.RecordID)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	rows, err := t.query(ctx, q+` ORDER BY sent_ms DESC, id DESC`+PageBounds(limit, 0), args...)
	if err != nil {
		return nil, err
	}
	return scanMessages(rows)
}

// MessageByID returns one message, or crm.ErrNotFound.
func (t *Tx) MessageByID(ctx context.Context, id int64) (crm.Message, error) {
	rows, err := t.query(ctx, `SELECT `+messageColumns+` FROM cadence_messages WHERE id = ?`, id)
	if err != nil {
		return crm.Message{}, err
	}
	ms, err := scanMessages(rows)
	if err != nil {
		return crm.Message{}, err
	}
	if len(ms) == 0 {
		return crm.Message{}, crm.ErrNotFound
	}
	return ms[0], nil
}

// QueuedMessages returns up to limit messages waiting for SMTP delivery, oldest first.
func (t *Tx) QueuedMessages(ctx context.Context, limit int) ([]crm.Message, error) {
	rows, err := t.query(ctx, `SELECT `+messageColumns+` FROM cadence_messages WHERE delivery = 'queued' ORDER BY sent_ms, id LIMIT ?`, limit)
	if err != nil {
		return nil, err
	}
	return scanMessages(rows)
}

// UpdateMessage writes a message's replied time and delivery.
func (t *Tx) UpdateMessage(ctx context.Context, m crm.Message) error {
	_, err := t.exec(ctx, `UPDATE cadence_messages SET replied_ms = ?, delivery = ? WHERE id = ?`, nullMS(m.Replied), m.Delivery, m.ID)
	return err
}

// WriteQueue runs fn in a write transaction for the cadence engine's batches. On PostgreSQL it is
// READ COMMITTED: a batch claims its steps FOR UPDATE SKIP LOCKED and writes rows that belong to
// them, so row locks (and the steps' primary key) keep two processes from running one step
// twice, as a job queue is kept; under SERIALIZABLE two processes' batches over one due range kept
// aborting each other through the predicate locks of the range they both read. A deadlock or
// serialization failure runs fn again. On SQLite it is Write.
func (db *DB) WriteQueue(ctx context.Context, fn func(crm.Tx) error) error {
	if db.dialect != Postgres {
		return db.Write(ctx, fn)
	}
	for attempt := 1; ; attempt++ {
		err := db.queueTx(ctx, fn)
		if err == nil || !IsSerializationFailure(err) || attempt >= MaxExclusiveAttempts {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(attempt) * time.Millisecond):
		}
	}
}

func (db *DB) queueTx(ctx context.Context, fn func(crm.Tx) error) error {
	tx, err := db.write.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelReadCommitted})
	if err != nil {
		return fmt.Errorf("begin queue write: %w", err)
	}
	defer tx.Rollback()
	if err := fn(&Tx{tx: tx, db: db, exact: true, versions: map[int64]int64{}}); err != nil {
		return err
	}
	return tx.Commit()
}
