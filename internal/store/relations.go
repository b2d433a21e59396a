package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/zcrm/zcrm/internal/crm"
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

// endColumns returns the column holding end's own id and the one holding the far side's.
func endColumns(end crm.RelationEnd) (self, other string) {
	if end.IsA {
		return "a_id", "b_id"
	}
	return "b_id", "a_id"
}

const linkCols = `org_id, kind, a_id, b_id, data, created_time`

func scanLink(row interface{ Scan(...any) error }, extra ...any) (crm.Link, error) {
	var l crm.Link
	var data string
	var created int64
	if err := row.Scan(append([]any{&l.OrgID, &l.Kind, &l.AID, &l.BID, &data, &created}, extra...)...); err != nil {
		return crm.Link{}, notFound(err)
	}
	l.CreatedTime = fromMS(created)
	if err := json.Unmarshal([]byte(data), &l.Data); err != nil {
		return crm.Link{}, fmt.Errorf("decode relation %s %d-%d: %w", l.Kind, l.AID, l.BID, err)
	}
	if l.Data == nil {
		l.Data = map[string]any{}
	}
	return l, nil
}

// Links returns the links of end whose far side is among others, keyed by the far side's id.
func (t *Tx) Links(ctx context.Context, end crm.RelationEnd, others []int64) (map[int64]crm.Link, error) {
	out := make(map[int64]crm.Link, len(others))
	if len(others) == 0 {
		return out, nil
	}
	self, other := endColumns(end)
	in, ids := t.db.inIDs(other, others)
	rows, err := t.query(ctx, `SELECT `+linkCols+` FROM relations WHERE org_id = ? AND kind = ? AND `+self+` = ? AND `+in,
		append([]any{end.OrgID, end.Kind, end.ID}, ids...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		l, err := scanLink(rows)
		if err != nil {
			return nil, err
		}
		out[end.Other(l)] = l
	}
	return out, rows.Err()
}

// LinkRecords implements crm.RelationTx in one statement per hundred links: the insert joins the
// records table, so a far side that is not a record of module is skipped in the same statement,
// and its rows-affected count tells whether any was.
func (t *Tx) LinkRecords(ctx context.Context, end crm.RelationEnd, module string, links []crm.Link, replace bool) (map[int64]bool, error) {
	data := `excluded.data`
	if !replace {
		data = `json_patch(relations.data, excluded.data)` // no nulls in the new data: a plain overlay
		if t.db.dialect == Postgres {
			data = `(relations.data::jsonb || excluded.data::jsonb)::text`
		}
	}
	_, other := endColumns(end)
	far := "v.column4" // b_id
	if other == "a_id" {
		far = "v.column3"
	}
	linked := map[int64]bool{}
	for len(links) > 0 {
		n := min(len(links), 100)
		orgs, kinds, as, bs, datas, created := make([]int64, n), make([]string, n), make([]int64, n), make([]int64, n), make([]string, n), make([]int64, n)
		for i, l := range links[:n] {
			data := l.Data
			if data == nil {
				data = map[string]any{}
			}
			b, err := json.Marshal(data)
			if err != nil {
				return nil, fmt.Errorf("encode relation data: %w", err)
			}
			orgs[i], kinds[i], as[i], bs[i], datas[i], created[i] = l.OrgID, l.Kind, l.AID, l.BID, string(b), ms(l.CreatedTime)
		}
		src, args := t.db.rowsSource(n, orgs, kinds, as, bs, datas, created)
		res, err := t.exec(ctx, `INSERT INTO relations (`+linkCols+`)
			SELECT v.column1, v.column2, v.column3, v.column4, v.column5, v.column6 FROM `+src+`
			JOIN records r ON r.org_id = v.column1 AND r.module = ? AND r.id = `+far+`
			WHERE true ON CONFLICT (org_id, kind, a_id, b_id) DO UPDATE SET data = `+data,
			append(args, module)...)
		if err != nil {
			return nil, err
		}
		fars := bs
		if other == "a_id" {
			fars = as
		}
		// Usually every far side is a record; only when some are not does it take a look which.
		stored, err := res.RowsAffected()
		if err != nil {
			return nil, err
		}
		var exist map[int64]bool
		if int(stored) != n {
			if exist, err = t.ExistingRecordIDs(ctx, end.OrgID, module, fars); err != nil {
				return nil, err
			}
		}
		for _, id := range fars {
			if exist == nil || exist[id] {
				linked[id] = true
			}
		}
		links = links[n:]
	}
	return linked, nil
}

// DeleteLinks removes the links of end whose far side is among others, in one statement, and
// returns the far-side ids it removed.
func (t *Tx) DeleteLinks(ctx context.Context, end crm.RelationEnd, others []int64) (map[int64]bool, error) {
	if len(others) == 0 {
		return map[int64]bool{}, nil
	}
	self, other := endColumns(end)
	in, ids := t.db.inIDs(other, others)
	return t.setOp(ctx, `DELETE FROM relations WHERE org_id = ? AND kind = ? AND `+self+` = ? AND `+in, other, others,
		append([]any{end.OrgID, end.Kind, end.ID}, ids...)...)
}

// sliceTail returns the rest of a related-page query over records aliased r: the optional id filter
// on idCol, the optional owner restriction (data sharing), the cursor condition, the order and the
// page bounds (keyset), with their arguments.
func (db *DB) sliceTail(sl crm.RelatedSlice, idCol string) (string, []any) {
	var q string
	var args []any
	if sl.Only != nil {
		q = ` AND ` + idCol + ` IN (` + placeholders(len(sl.Only)) + `)`
		args = int64Args(sl.Only)
	}
	if sl.OwnerID != 0 {
		q += ` AND r.owner_id = ?`
		args = append(args, sl.OwnerID)
	}
	order, cond, cargs := keyset("r.", sl.SortBy, sl.Desc, sl.Cursor)
	return q + cond + ` ORDER BY ` + order + PageBounds(sl.Limit, sl.Offset), append(args, cargs...)
}

// LinkedRecords returns one page of the records of module linked to end.
func (t *Tx) LinkedRecords(ctx context.Context, end crm.RelationEnd, module string, sl crm.RelatedSlice) ([]crm.LinkedRecord, error) {
	if sl.Only != nil && len(sl.Only) == 0 {
		return nil, nil
	}
	self, other := endColumns(end)
	q := `SELECT l.org_id, l.kind, l.a_id, l.b_id, l.data, l.created_time,
		r.id, r.org_id, r.module, r.owner_id, r.created_by, r.modified_by, r.created_time, r.modified_time, r.data
		FROM relations l JOIN records r ON r.org_id = l.org_id AND r.id = l.` + other + ` AND r.module = ?
		WHERE l.org_id = ? AND l.kind = ? AND l.` + self + ` = ?`
	tail, targs := t.db.sliceTail(sl, "r.id")
	q += tail
	args := append([]any{module, end.OrgID, end.Kind, end.ID}, targs...)
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []crm.LinkedRecord
	for rows.Next() {
		var f recordFields
		l, err := scanLink(rows, f.dest()...)
		if err != nil {
			return nil, err
		}
		r, err := f.record()
		if err != nil {
			return nil, err
		}
		out = append(out, crm.LinkedRecord{Record: r, Link: l})
	}
	return out, rows.Err()
}
