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
	args := append([]any{end.OrgID, end.Kind, end.ID}, int64Args(others)...)
	rows, err := t.query(ctx, `SELECT `+linkCols+` FROM relations WHERE org_id = ? AND kind = ? AND `+self+` = ? AND `+
		other+` IN (`+placeholders(len(others))+`)`, args...)
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

// UpsertLinks stores links in one statement per hundred; existing links get the new data.
func (t *Tx) UpsertLinks(ctx context.Context, links []crm.Link) error {
	return t.upsertLinks(ctx, links, `excluded.data`)
}

// MergeLinks implements crm.RelationTx: the stored JSON object is merged with the new one in SQL.
func (t *Tx) MergeLinks(ctx context.Context, links []crm.Link) error {
	merged := `json_patch(relations.data, excluded.data)` // no nulls in the new data: a plain overlay
	if t.db.dialect == Postgres {
		merged = `(relations.data::jsonb || excluded.data::jsonb)::text`
	}
	return t.upsertLinks(ctx, links, merged)
}

// upsertLinks inserts links; a link that exists gets data, an expression over relations.data and
// excluded.data.
func (t *Tx) upsertLinks(ctx context.Context, links []crm.Link, data string) error {
	for len(links) > 0 {
		n := min(len(links), 100)
		args := make([]any, 0, n*6)
		for _, l := range links[:n] {
			data := l.Data
			if data == nil {
				data = map[string]any{}
			}
			b, err := json.Marshal(data)
			if err != nil {
				return fmt.Errorf("encode relation data: %w", err)
			}
			args = append(args, l.OrgID, l.Kind, l.AID, l.BID, string(b), ms(l.CreatedTime))
		}
		q := `INSERT INTO relations (` + linkCols + `) VALUES ` + repeatTuple(6, n) +
			` ON CONFLICT (org_id, kind, a_id, b_id) DO UPDATE SET data = ` + data
		if _, err := t.exec(ctx, q, args...); err != nil {
			return err
		}
		links = links[n:]
	}
	return nil
}

// DeleteLinks removes the links of end whose far side is among others, in one statement, and
// returns the far-side ids it removed.
func (t *Tx) DeleteLinks(ctx context.Context, end crm.RelationEnd, others []int64) (map[int64]bool, error) {
	if len(others) == 0 {
		return map[int64]bool{}, nil
	}
	q, col, args := deleteLinks(end, others)
	return t.setOp(ctx, q, col, others, args...)
}

// deleteLinks is the statement removing end's links to others, the column of the far side, and
// the statement's arguments.
func deleteLinks(end crm.RelationEnd, others []int64) (q, col string, args []any) {
	self, other := endColumns(end)
	args = append([]any{end.OrgID, end.Kind, end.ID}, int64Args(others)...)
	return `DELETE FROM relations WHERE org_id = ? AND kind = ? AND ` + self + ` = ? AND ` +
		other + ` IN (` + placeholders(len(others)) + `)`, other, args
}

// sliceOrder is the ORDER BY of a related page over records aliased r: the sort column, then id.
func sliceOrder(sl crm.RelatedSlice) string {
	col, ok := sortColumns[sl.SortBy]
	if !ok {
		col = "id"
	}
	dir := "ASC"
	if sl.Desc {
		dir = "DESC"
	}
	order := `r.` + col + ` ` + dir
	if col != "id" {
		order += `, r.id ` + dir
	}
	return order
}

// sliceTail returns the rest of a related-page query over records aliased r: the optional id filter
// on idCol, the order and the page bounds, with their arguments.
func sliceTail(sl crm.RelatedSlice, idCol string) (string, []any) {
	var q string
	var args []any
	if sl.Only != nil {
		q = ` AND ` + idCol + ` IN (` + placeholders(len(sl.Only)) + `)`
		args = int64Args(sl.Only)
	}
	return q + ` ORDER BY ` + sliceOrder(sl) + ` LIMIT ? OFFSET ?`, append(args, sl.Limit, sl.Offset)
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
	tail, targs := sliceTail(sl, "r.id")
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
