package store

import (
	"bytes"
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

const recordCols = recordHeadCols + `, data`

// recordHeadCols are recordCols without the field values: the first recordHeadLen destinations.
const (
	recordHeadCols = `id, org_id, module, owner_id, created_by, modified_by, created_time, modified_time`
	recordHeadLen  = 8
)

func scanRecord(row interface{ Scan(...any) error }) (crm.Record, error) {
	var f recordFields
	if err := row.Scan(f.dest()...); err != nil {
		return crm.Record{}, notFound(err)
	}
	return f.record()
}

// recordFields receives the recordCols columns of a row, alone or as part of a wider join.
type recordFields struct {
	rec               crm.Record
	created, modified int64
	data              string
}

// dest returns the scan destinations of recordCols, in order.
func (f *recordFields) dest() []any {
	r := &f.rec
	return []any{&r.ID, &r.OrgID, &r.Module, &r.OwnerID, &r.CreatedBy, &r.ModifiedBy, &f.created, &f.modified, &f.data}
}

// record finishes the scanned record: times and field values.
func (f *recordFields) record() (crm.Record, error) {
	r := f.rec
	r.CreatedTime, r.ModifiedTime = fromMS(f.created), fromMS(f.modified)
	// Numbers stay json.Number so that big integers come back exactly as they were stored.
	dec := json.NewDecoder(bytes.NewReader([]byte(f.data)))
	dec.UseNumber()
	if err := dec.Decode(&r.Data); err != nil {
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

// RecordHead returns one record of the module without its field values.
func (t *Tx) RecordHead(ctx context.Context, orgID int64, module string, id int64) (crm.Record, error) {
	var f recordFields
	err := t.queryRow(ctx, `SELECT `+recordHeadCols+` FROM records WHERE org_id = ? AND module = ? AND id = ?`, orgID, module, id).
		Scan(f.dest()[:recordHeadLen]...)
	if err != nil {
		return crm.Record{}, notFound(err)
	}
	r := f.rec
	r.CreatedTime, r.ModifiedTime = fromMS(f.created), fromMS(f.modified)
	return r, nil
}

// RecordsByID returns the module's records among ids, keyed by id.
func (t *Tx) RecordsByID(ctx context.Context, orgID int64, module string, ids []int64) (map[int64]crm.Record, error) {
	out := make(map[int64]crm.Record, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	in, args := t.db.inIDs("id", ids)
	rows, err := t.query(ctx, `SELECT `+recordCols+` FROM records WHERE org_id = ? AND module = ? AND `+in, append([]any{orgID, module}, args...)...)
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

// sortColumns maps a listing's sort key to its column.
var sortColumns = map[string]string{
	crm.SortByID:           "id",
	crm.SortByCreatedTime:  "created_time",
	crm.SortByModifiedTime: "modified_time",
}

// keyset returns the ORDER BY of a page over records whose columns carry prefix (e.g. "r."): the
// sort column, then id, in the listing's direction (reversed for the rows before a cursor); and,
// with a cursor, the condition (starting " AND ") selecting the rows beyond it in that order,
// with its arguments. On a time column, col <= key bounds the index range on its own and the OR
// admits the ties by id: the same rows as the row value (col, id) < (key, id), written so that
// both databases use the index.
func keyset(prefix, sortBy string, desc bool, cur *crm.Cursor) (order, cond string, args []any) {
	col, ok := sortColumns[sortBy]
	if !ok {
		col = "id"
	}
	if cur != nil && cur.Before {
		desc = !desc
	}
	dir, cmp := "ASC", ">"
	if desc {
		dir, cmp = "DESC", "<"
	}
	col, id := prefix+col, prefix+"id"
	order = col + ` ` + dir
	if col != id {
		order += `, ` + id + ` ` + dir
	}
	switch {
	case cur == nil:
		return order, "", nil
	case col == id:
		return order, ` AND ` + id + ` ` + cmp + ` ?`, []any{cur.ID}
	}
	return order, ` AND ` + col + ` ` + cmp + `= ? AND (` + col + ` ` + cmp + ` ? OR ` + id + ` ` + cmp + ` ?)`, []any{cur.Key, cur.Key, cur.ID}
}

// listRecordsSQL is the statement ListRecords runs for q, and its arguments.
func (t *Tx) listRecordsSQL(q crm.RecordQuery) (string, []any) {
	byModule := t.db.dialect == Postgres && walksModuleIndex(q)
	where, args := t.recordsWhereBy(q, byModule)
	order, cond, cargs := keyset("", q.SortBy, q.Desc, q.Cursor)
	if byModule {
		order = `module` + order[len(`id`):] + `, ` + order // "id DESC" → "module DESC, id DESC"
	}
	if q.SortField != nil { // a field's value, then id: paged by Offset only
		expr, oargs := t.db.criteriaOperand("", q.SortField)
		order, cond, cargs = expr+direction(q.Desc)+", id"+direction(q.Desc), "", oargs // ORDER BY follows WHERE
	}
	return `SELECT ` + recordCols + ` FROM records WHERE ` + where + cond + ` ORDER BY ` + order + PageBounds(q.Limit, q.Offset), append(args, cargs...)
}

// walksModuleIndex reports whether q's listing is a page of one module's records by id, which
// the (org_id, module, id) index serves in order, and listRecordsSQL writes it so that PostgreSQL
// takes that index. Left to itself PostgreSQL walks the primary key backwards and filters by org
// and module: its cost model spreads a module's records evenly over the ids, so page 1 of a
// module whose newest records lie under a run of other records read the whole run (1M contacts
// with 100,000 deals newer: 13 ms of CPU a page instead of 1, BENCHMARKS.md round 11), and a
// small module's page could read most of the table. With module = ? the planner treats the
// module as a constant and drops it from the sort; as a range of one value it does not, and only
// that index gives the order (module, id). The other conditions of such a page (owner, modified
// time) have no index to lose; a criteria or an id list keeps the equality for its own index.
// PostgreSQL still seeks to a page token's id inside the range; SQLite does not (a range on the
// module ends its seek), and its planner takes the module index for module = ? on its own, so it
// keeps the equality.
func walksModuleIndex(q crm.RecordQuery) bool {
	col, ok := sortColumns[q.SortBy]
	return (!ok || col == "id") && q.SortField == nil && q.Criteria == nil && q.IDs == nil && q.AlsoModule == ""
}

// ListRecords returns one page of the module's records in the query's order, ties broken by id:
// from Offset on, or beyond the query's Cursor (keyset: the index on (org_id, module, id) serves
// the default order without reading the rows before the page).
func (t *Tx) ListRecords(ctx context.Context, q crm.RecordQuery) ([]crm.Record, error) {
	if q.IDs != nil && len(q.IDs) == 0 {
		return nil, nil
	}
	text, args := t.listRecordsSQL(q)
	rows, err := t.query(ctx, text, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []crm.Record
	for rows.Next() {
		r, err := scanRecord(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// recordsWhere is the condition selecting the records of q (without its paging) and its arguments.
func (t *Tx) recordsWhere(q crm.RecordQuery) (string, []any) { return t.recordsWhereBy(q, false) }

// recordsWhereBy is recordsWhere, with the module written as a range of one value when
// moduleRange is set (walksModuleIndex).
func (t *Tx) recordsWhereBy(q crm.RecordQuery, moduleRange bool) (string, []any) {
	where := `org_id = ? AND module = ?`
	args := []any{q.OrgID, q.Module}
	switch {
	case q.AlsoModule != "": // converted leads beside live ones (crm/convert.go)
		where = `org_id = ? AND module IN (?, ?)`
		args = append(args, q.AlsoModule)
	case moduleRange:
		where = `org_id = ? AND module >= ? AND module <= ?`
		args = append(args, q.Module)
	}
	if q.IDs != nil {
		where += ` AND id IN (` + placeholders(len(q.IDs)) + `)`
		args = append(args, int64Args(q.IDs)...)
	}
	if !q.ModifiedSince.IsZero() {
		where += ` AND modified_time > ?`
		args = append(args, ms(q.ModifiedSince))
	}
	if q.OwnerID != 0 {
		where += ` AND owner_id = ?`
		args = append(args, q.OwnerID)
	}
	if q.Criteria != nil {
		cond, cargs := t.db.criteriaSQL("", q.Criteria)
		where += ` AND (` + cond + `)`
		args = append(args, cargs...)
	}
	return where, args
}

// CountRecords counts the records of q, ignoring its paging and sort.
func (t *Tx) CountRecords(ctx context.Context, q crm.RecordQuery) (int, error) {
	if q.IDs != nil && len(q.IDs) == 0 {
		return 0, nil
	}
	where, args := t.recordsWhere(q)
	var n int
	err := t.queryRow(ctx, `SELECT count(*) FROM records WHERE `+where, args...).Scan(&n)
	return n, err
}

// UpdateRecords stores the owner, modifier, modified time and data of existing records.
func (t *Tx) UpdateRecords(ctx context.Context, recs []crm.Record) error {
	for _, r := range recs {
		data, err := json.Marshal(r.Data)
		if err != nil {
			return fmt.Errorf("encode record %d: %w", r.ID, err)
		}
		res, err := t.exec(ctx, `UPDATE records SET owner_id = ?, modified_by = ?, modified_time = ?, data = ?
			WHERE org_id = ? AND module = ? AND id = ?`,
			r.OwnerID, r.ModifiedBy, ms(r.ModifiedTime), string(data), r.OrgID, r.Module, r.ID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err == nil && n == 0 {
			return crm.ErrNotFound
		}
	}
	return nil
}

// DeleteRecords removes the module's records among ids.
func (t *Tx) DeleteRecords(ctx context.Context, orgID int64, module string, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	args := append([]any{orgID, module}, int64Args(ids)...)
	_, err := t.exec(ctx, `DELETE FROM records WHERE org_id = ? AND module = ? AND id IN (`+placeholders(len(ids))+`)`, args...)
	return err
}

// ExistingRecordIDs returns which of ids are records of module, in one indexed lookup that reads
// no field values.
func (t *Tx) ExistingRecordIDs(ctx context.Context, orgID int64, module string, ids []int64) (map[int64]bool, error) {
	if len(ids) == 0 {
		return map[int64]bool{}, nil
	}
	in, args := t.db.inIDs("id", ids)
	return t.idSet(ctx, `SELECT id FROM records WHERE org_id = ? AND module = ? AND `+in, append([]any{orgID, module}, args...)...)
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
