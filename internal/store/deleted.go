package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/zcrm/zcrm/internal/crm"
)

// The recycle bin (crm/deleted.go): deleted_records, migration 0015.

// RecycleRecords moves the module's records among ids from records to deleted_records, deleted by
// by at the transaction's time: a copy, then the delete, in the caller's transaction. A concurrent
// delete of the same record that committed first makes the copy a no-op (ON CONFLICT), and the
// delete then fails PostgreSQL's serialization check, so the request reruns and finds it gone.
func (t *Tx) RecycleRecords(ctx context.Context, orgID int64, module string, ids []int64, by int64) error {
	if len(ids) == 0 {
		return nil
	}
	in, args := t.db.inIDs("id", ids)
	sel := append([]any{by, ms(t.Now()), orgID, module}, args...)
	if _, err := t.exec(ctx, `INSERT INTO deleted_records (`+recordCols+`, deleted_by, deleted_time)
		SELECT `+recordCols+`, ?, ? FROM records WHERE org_id = ? AND module = ? AND `+in+`
		ON CONFLICT (id) DO NOTHING`, sel...); err != nil {
		return err
	}
	_, err := t.exec(ctx, `DELETE FROM records WHERE org_id = ? AND module = ? AND `+in, append([]any{orgID, module}, args...)...)
	return err
}

// ListDeleted returns one page of the module's deleted records, newest deletion first.
func (t *Tx) ListDeleted(ctx context.Context, q crm.DeletedQuery) ([]crm.DeletedRecord, error) {
	where := `org_id = ? AND module = ?`
	args := []any{q.OrgID, q.Module}
	switch q.Type {
	case crm.DeletedRecycle:
		where += ` AND deleted_time > ?`
		args = append(args, ms(q.Cutoff))
	case crm.DeletedPermanent:
		where += ` AND deleted_time <= ?`
		args = append(args, ms(q.Cutoff))
	}
	if !q.ModifiedSince.IsZero() {
		where += ` AND deleted_time > ?`
		args = append(args, ms(q.ModifiedSince))
	}
	if q.OwnerID != 0 {
		where += ` AND owner_id = ?`
		args = append(args, q.OwnerID)
	}
	bounds := PageBounds(q.Limit, q.Offset)
	rows, err := t.query(ctx, `SELECT `+recordHeadCols+`, data, deleted_by, deleted_time FROM deleted_records
		WHERE `+where+` ORDER BY deleted_time DESC, id DESC`+bounds, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []crm.DeletedRecord
	for rows.Next() {
		var f recordFields
		var data sql.NullString
		var d crm.DeletedRecord
		var deleted int64
		dest := append(f.dest()[:recordHeadLen:recordHeadLen], &data, &d.DeletedBy, &deleted)
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		if data.Valid {
			f.data = data.String
			rec, err := f.record()
			if err != nil {
				return nil, fmt.Errorf("deleted record: %w", err)
			}
			d.Record = rec
		} else {
			d.Record = f.rec
			d.CreatedTime, d.ModifiedTime = fromMS(f.created), fromMS(f.modified)
		}
		d.DeletedTime = fromMS(deleted)
		out = append(out, d)
	}
	return out, rows.Err()
}

// PurgeDeleted drops the values of the module's entries deleted at or before cutoff; their rows
// stay as tombstones.
func (t *Tx) PurgeDeleted(ctx context.Context, orgID int64, module string, cutoff time.Time) error {
	_, err := t.exec(ctx, `UPDATE deleted_records SET data = NULL
		WHERE org_id = ? AND module = ? AND deleted_time <= ? AND data IS NOT NULL`, orgID, module, ms(cutoff))
	return err
}
