package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/zcrm/zcrm/internal/crm"
)

// InsertRecords stores new records (ids already allocated) in batches.
func (t *Tx) InsertRecords(ctx context.Context, recs []crm.Record) error {
	for len(recs) > 0 {
		n := min(len(recs), 100)
		args := make([]any, 0, n*9)
		for _, r := range recs[:n] {
			data, err := json.Marshal(r.Data)
			if err != nil {
				return fmt.Errorf("encode record %d: %w", r.ID, err)
			}
			args = append(args, r.ID, r.OrgID, r.Module, r.OwnerID, r.CreatedBy, r.ModifiedBy, ms(r.CreatedTime), ms(r.ModifiedTime), string(data))
		}
		q := `INSERT INTO records (id, org_id, module, owner_id, created_by, modified_by, created_time, modified_time, data) VALUES ` +
			repeatTuple(9, n)
		if _, err := t.exec(ctx, q, args...); err != nil {
			return dupErr(err)
		}
		recs = recs[n:]
	}
	return nil
}

const recordCols = `id, org_id, module, owner_id, created_by, modified_by, created_time, modified_time, data`

func scanRecord(row interface{ Scan(...any) error }) (crm.Record, error) {
	var r crm.Record
	var created, modified int64
	var data string
	if err := row.Scan(&r.ID, &r.OrgID, &r.Module, &r.OwnerID, &r.CreatedBy, &r.ModifiedBy, &created, &modified, &data); err != nil {
		return crm.Record{}, notFound(err)
	}
	r.CreatedTime, r.ModifiedTime = fromMS(created), fromMS(modified)
	if err := json.Unmarshal([]byte(data), &r.Data); err != nil {
		return crm.Record{}, fmt.Errorf("decode record %d: %w", r.ID, err)
	}
	if r.Data == nil {
		r.Data = map[string]any{}
	}
	return r, nil
}

// Record returns one record of the module.
func (t *Tx) Record(ctx context.Context, orgID int64, module string, id int64) (crm.Record, error) {
	return scanRecord(t.queryRow(ctx, `SELECT `+recordCols+` FROM records WHERE org_id = ? AND module = ? AND id = ?`, orgID, module, id))
}

// RecordsByID returns the module's records among ids, keyed by id.
func (t *Tx) RecordsByID(ctx context.Context, orgID int64, module string, ids []int64) (map[int64]crm.Record, error) {
	out := make(map[int64]crm.Record, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	args := append([]any{orgID, module}, int64Args(ids)...)
	rows, err := t.query(ctx, `SELECT `+recordCols+` FROM records WHERE org_id = ? AND module = ? AND id IN (`+placeholders(len(ids))+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		r, err := scanRecord(rows)
		if err != nil {
			return nil, err
		}
		out[r.ID] = r
	}
	return out, rows.Err()
}

// repeatTuple returns n comma-separated tuples of width placeholders: "(?, ?), (?, ?)".
func repeatTuple(width, n int) string {
	tuple := "(" + placeholders(width) + ")"
	b := make([]byte, 0, n*(len(tuple)+2))
	for i := 0; i < n; i++ {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = append(b, tuple...)
	}
	return string(b)
}
