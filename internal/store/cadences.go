package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/zcrm/zcrm/internal/crm"
)

const cadenceCols = `id, org_id, name, module, type, custom_view_id, description, execution_details, follow_ups,
	active, published, draft_of, created_by, modified_by, created_time, modified_time`

// cadenceArgs returns c's column values in cadenceCols order, with name_key appended.
func cadenceArgs(c crm.Cadence) ([]any, error) {
	var exec any
	if c.ExecutionDetails != nil {
		b, err := json.Marshal(c.ExecutionDetails)
		if err != nil {
			return nil, fmt.Errorf("encode cadence %d execution details: %w", c.ID, err)
		}
		exec = string(b)
	}
	fus := c.FollowUps
	if fus == nil {
		fus = []map[string]any{}
	}
	b, err := json.Marshal(fus)
	if err != nil {
		return nil, fmt.Errorf("encode cadence %d follow-ups: %w", c.ID, err)
	}
	var cv, desc any
	if c.CustomViewID != 0 {
		cv = c.CustomViewID
	}
	if c.Description != "" {
		desc = c.Description
	}
	return []any{c.ID, c.OrgID, c.Name, c.Module, c.Type, cv, desc, exec, string(b), boolInt(c.Active), boolInt(c.Published),
		nullID(c.DraftOf), c.CreatedBy, c.ModifiedBy, ms(c.CreatedTime), ms(c.ModifiedTime), strings.ToLower(c.Name)}, nil
}

// decodeJSON decodes stored JSON keeping numbers as json.Number, so ids and counts keep their form.
func decodeJSON(s string, v any) error {
	dec := json.NewDecoder(bytes.NewReader([]byte(s)))
	dec.UseNumber()
	return dec.Decode(v)
}

func scanCadence(row interface{ Scan(...any) error }) (crm.Cadence, error) {
	var c crm.Cadence
	var cv, draftOf sql.NullInt64
	var desc, exec sql.NullString
	var fus string
	var active, published int
	var created, modified int64
	if err := row.Scan(&c.ID, &c.OrgID, &c.Name, &c.Module, &c.Type, &cv, &desc, &exec, &fus, &active, &published,
		&draftOf, &c.CreatedBy, &c.ModifiedBy, &created, &modified); err != nil {
		return crm.Cadence{}, notFound(err)
	}
	c.CustomViewID, c.Description, c.DraftOf = cv.Int64, desc.String, draftOf.Int64
	c.Active, c.Published = active == 1, published == 1
	c.CreatedTime, c.ModifiedTime = fromMS(created), fromMS(modified)
	if exec.Valid {
		if err := decodeJSON(exec.String, &c.ExecutionDetails); err != nil {
			return crm.Cadence{}, fmt.Errorf("decode cadence %d execution details: %w", c.ID, err)
		}
	}
	if err := decodeJSON(fus, &c.FollowUps); err != nil {
		return crm.Cadence{}, fmt.Errorf("decode cadence %d follow-ups: %w", c.ID, err)
	}
	return c, nil
}

// InsertCadence stores a new cadence or draft copy.
func (t *Tx) InsertCadence(ctx context.Context, c crm.Cadence) error {
	args, err := cadenceArgs(c)
	if err != nil {
		return err
	}
	if _, err = t.exec(ctx, `INSERT INTO cadences (`+cadenceCols+`, name_key) VALUES (`+placeholders(17)+`)`, args...); err != nil {
		return dupErr(err)
	}
	return t.bumpOrgVersion(ctx, c.OrgID)
}

// UpdateCadence rewrites the cadence with c's id.
func (t *Tx) UpdateCadence(ctx context.Context, c crm.Cadence) error {
	a, err := cadenceArgs(c)
	if err != nil {
		return err
	}
	res, err := t.exec(ctx, `UPDATE cadences SET name = ?, module = ?, type = ?, custom_view_id = ?, description = ?,
		execution_details = ?, follow_ups = ?, active = ?, published = ?, draft_of = ?, created_by = ?, modified_by = ?,
		created_time = ?, modified_time = ?, name_key = ? WHERE org_id = ? AND id = ?`, append(a[2:], a[1], a[0])...)
	if err != nil {
		return dupErr(err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return crm.ErrNotFound
	}
	return t.bumpOrgVersion(ctx, c.OrgID)
}

// DeleteCadence removes the cadence and its draft copy.
func (t *Tx) DeleteCadence(ctx context.Context, orgID, id int64) error {
	if _, err := t.exec(ctx, `DELETE FROM cadences WHERE org_id = ? AND (id = ? OR draft_of = ?)`, orgID, id, id); err != nil {
		return err
	}
	return t.bumpOrgVersion(ctx, orgID)
}

// Cadence returns one cadence or draft copy of the org.
func (t *Tx) Cadence(ctx context.Context, orgID, id int64) (crm.Cadence, error) {
	return scanCadence(t.queryRow(ctx, `SELECT `+cadenceCols+` FROM cadences WHERE org_id = ? AND id = ?`, orgID, id))
}

// CadenceDraft returns the draft copy of a published cadence.
func (t *Tx) CadenceDraft(ctx context.Context, orgID, parentID int64) (crm.Cadence, error) {
	return scanCadence(t.queryRow(ctx, `SELECT `+cadenceCols+` FROM cadences WHERE org_id = ? AND draft_of = ? ORDER BY id LIMIT 1`, orgID, parentID))
}

// CadenceByName returns the org's cadence (not a draft copy) with that name, case-insensitively.
func (t *Tx) CadenceByName(ctx context.Context, orgID int64, name string) (crm.Cadence, error) {
	return scanCadence(t.queryRow(ctx, `SELECT `+cadenceCols+` FROM cadences WHERE org_id = ? AND name_key = ? AND draft_of IS NULL`,
		orgID, strings.ToLower(name)))
}

func (t *Tx) cadences(ctx context.Context, q string, args ...any) ([]crm.Cadence, error) {
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []crm.Cadence
	for rows.Next() {
		c, err := scanCadence(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// CadencesByID returns the org's cadences among ids, keyed by id.
func (t *Tx) CadencesByID(ctx context.Context, orgID int64, ids []int64) (map[int64]crm.Cadence, error) {
	out := make(map[int64]crm.Cadence, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	list, err := t.cadences(ctx, `SELECT `+cadenceCols+` FROM cadences WHERE org_id = ? AND id IN (`+placeholders(len(ids))+`)`,
		append([]any{orgID}, int64Args(ids)...)...)
	for _, c := range list {
		out[c.ID] = c
	}
	return out, err
}

// Cadences returns one page of the org's cadences (never draft copies), oldest first.
func (t *Tx) Cadences(ctx context.Context, orgID int64, f crm.CadenceFilter, limit, offset int) ([]crm.Cadence, error) {
	q := `SELECT ` + cadenceCols + ` FROM cadences WHERE org_id = ? AND draft_of IS NULL`
	args := []any{orgID}
	if f.Module != "" {
		q += ` AND module = ?`
		args = append(args, f.Module)
	}
	if f.Active != nil {
		q += ` AND active = ?`
		args = append(args, boolInt(*f.Active))
	}
	if f.Name != nil {
		cond, arg, err := nameCondition(*f.Name)
		if err != nil {
			return nil, err
		}
		q += ` AND ` + cond
		args = append(args, arg)
	}
	bounds := PageBounds(limit, offset)
	q += ` ORDER BY created_time, id` + bounds
	return t.cadences(ctx, q, args...)
}

// nameCondition turns a name criterion into a condition on name_key (the lower-case name).
func nameCondition(c crm.NameCriterion) (string, string, error) {
	v := strings.ToLower(c.Value)
	like := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(v)
	switch c.Comparator {
	case "equal":
		return `name_key = ?`, v, nil
	case "not_equal":
		return `name_key <> ?`, v, nil
	case "contains":
		return `name_key LIKE ? ESCAPE '\'`, "%" + like + "%", nil
	case "not_contains":
		return `name_key NOT LIKE ? ESCAPE '\'`, "%" + like + "%", nil
	case "starts_with":
		return `name_key LIKE ? ESCAPE '\'`, like + "%", nil
	case "ends_with":
		return `name_key LIKE ? ESCAPE '\'`, "%" + like, nil
	}
	return "", "", fmt.Errorf("unknown name comparator %q", c.Comparator)
}

// CountActiveCadences counts the org's active cadences of module ("" for all modules).
func (t *Tx) CountActiveCadences(ctx context.Context, orgID int64, module string) (int, error) {
	q := `SELECT COUNT(*) FROM cadences WHERE org_id = ? AND draft_of IS NULL AND active = 1`
	args := []any{orgID}
	if module != "" {
		q += ` AND module = ?`
		args = append(args, module)
	}
	var n int
	err := t.queryRow(ctx, q, args...).Scan(&n)
	return n, err
}

// Enroll inserts the enrolments whose cadence and record have no live enrolment yet and returns
// them; the partial unique index enrollments_live turns the others into no-ops, also against
// concurrent writers.
func (t *Tx) Enroll(ctx context.Context, es []crm.Enrollment) ([]crm.Enrollment, error) {
	byID := make(map[int64]crm.Enrollment, len(es))
	for _, e := range es {
		byID[e.ID] = e
	}
	var started []crm.Enrollment
	for len(es) > 0 {
		n := min(len(es), 100)
		args := make([]any, 0, n*8)
		for _, e := range es[:n] {
			args = append(args, e.ID, e.OrgID, e.CadenceID, e.CadenceName, e.Module, e.RecordID, ms(e.EnrolledTime), e.EnrolledBy)
		}
		q := `INSERT INTO enrollments (id, org_id, cadence_id, cadence_name, module, record_id, enrolled_time, enrolled_by) VALUES ` +
			repeatTuple(8, n) + ` ON CONFLICT DO NOTHING RETURNING id`
		rows, err := t.query(ctx, q, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, err
			}
			started = append(started, byID[id])
		}
		if err := rows.Err(); err != nil {
			rows.Close()
			return nil, err
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
		es = es[n:]
	}
	return started, nil
}

// EndEnrollments ends the live enrolments of recordIDs in cadenceIDs.
func (t *Tx) EndEnrollments(ctx context.Context, orgID int64, cadenceIDs, recordIDs []int64, reason string, by int64) error {
	if len(cadenceIDs) == 0 || len(recordIDs) == 0 {
		return nil
	}
	args := append([]any{ms(t.Now()), by, reason, orgID}, int64Args(cadenceIDs)...)
	args = append(args, int64Args(recordIDs)...)
	_, err := t.exec(ctx, `UPDATE enrollments SET ended_time = ?, ended_by = ?, end_reason = ?
		WHERE org_id = ? AND ended_time IS NULL AND cadence_id IN (`+placeholders(len(cadenceIDs))+`)
		AND record_id IN (`+placeholders(len(recordIDs))+`)`, args...)
	return err
}

// EndCadenceEnrollments ends every live enrolment in the cadence.
func (t *Tx) EndCadenceEnrollments(ctx context.Context, orgID, cadenceID int64, reason string, by int64) error {
	_, err := t.exec(ctx, `UPDATE enrollments SET ended_time = ?, ended_by = ?, end_reason = ?
		WHERE org_id = ? AND cadence_id = ? AND ended_time IS NULL`, ms(t.Now()), by, reason, orgID, cadenceID)
	return err
}

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

// RecordEnrollments returns one page of the record's enrolments, newest first, each with its
// cadence's current name (or the name it had when enrolled, once the cadence is deleted).
func (t *Tx) RecordEnrollments(ctx context.Context, orgID, recordID int64, limit, offset int) ([]crm.Enrollment, error) {
	return t.enrollmentsPage(ctx, "record_id", orgID, recordID, limit, offset)
}

// CadenceEnrollments returns one page of the cadence's enrolments, live and ended, newest first,
// named as RecordEnrollments names them (the console's cadence page). It reads through the org_id
// prefix of enrollments_record; the live ones alone would have enrollments_live.
func (t *Tx) CadenceEnrollments(ctx context.Context, orgID, cadenceID int64, limit, offset int) ([]crm.Enrollment, error) {
	return t.enrollmentsPage(ctx, "cadence_id", orgID, cadenceID, limit, offset)
}

// enrollmentsPage is one page of the org's enrolments whose column (record_id or cadence_id, a
// constant of this file) is id, newest first.
func (t *Tx) enrollmentsPage(ctx context.Context, column string, orgID, id int64, limit, offset int) ([]crm.Enrollment, error) {
	bounds := PageBounds(limit, offset)
	rows, err := t.query(ctx, `SELECT e.id, e.org_id, e.cadence_id, COALESCE(c.name, e.cadence_name), e.module, e.record_id,
		e.enrolled_time, e.enrolled_by, e.ended_time, e.ended_by, e.end_reason
		FROM enrollments e LEFT JOIN cadences c ON c.org_id = e.org_id AND c.id = e.cadence_id
		WHERE e.org_id = ? AND e.`+column+` = ? ORDER BY e.enrolled_time DESC, e.id DESC`+bounds, orgID, id)
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
