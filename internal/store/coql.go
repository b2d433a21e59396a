package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"

	"github.com/zcrm/zcrm/internal/crm"
)

// COQL queries (crm/coql.go): the records of a module, each lookup a query reads LEFT JOINed to
// the records table on the id stored in the lookup's {"id"}, filtered by the criteria tree
// (criteriaSQL, the one evaluator), sorted, grouped and paged in SQL. As everywhere in this
// package, field names and values travel as parameters: the text is built from fixed fragments,
// join aliases (j1, j2, …) and column positions only.

// joinAlias is the alias of a COQL query's nth joined lookup record.
func joinAlias(n int) string { return "j" + strconv.Itoa(n) }

// coqlLikePattern is a COQL like pattern as SQL LIKE takes it with ESCAPE '\': its "%" stay
// wildcards, "_" and "\" stand for themselves.
func coqlLikePattern(s string) string {
	return strings.NewReplacer(`\`, `\\`, `_`, `\_`).Replace(s)
}

// coqlPrefix is the alias and dot of an operand's record.
func coqlPrefix(join int) string {
	if join > 0 {
		return joinAlias(join) + "."
	}
	return "r."
}

// lookupID is the SQL of the record id a lookup of prefix's record holds (NULL when none).
func (db *DB) lookupID(prefix, field string) (string, []any) {
	if db.dialect == Postgres {
		// Ids are up to 19 digits: the numeric test keeps the cast within bigint.
		j := "(" + prefix + "data::jsonb -> ? ->> 'id')"
		return "(CASE WHEN " + j + " ~ '^[0-9]{1,19}$' AND " + j + "::numeric <= 9223372036854775807 THEN " + j + "::bigint END)",
			[]any{field, field, field}
	}
	return "CAST(json_extract(" + prefix + "data, ?) AS INTEGER)", []any{`$."` + field + `".id`}
}

// coqlOperand is the comparable SQL of an operand (criteriaOperand's, on its record).
func (db *DB) coqlOperand(op crm.COQLOperand) (string, []any) {
	return db.criteriaOperand("r.", &crm.Condition{Field: op.Field, Kind: op.Kind, Column: op.Column, Join: op.Join})
}

// coqlRaw is the SQL of an operand's stored value as the answer shows it: a column's integer,
// else the field's JSON text (a lookup's id alone), NULL when the field is absent.
func (db *DB) coqlRaw(op crm.COQLOperand) (string, []any) {
	p := coqlPrefix(op.Join)
	if op.Kind == crm.KindColumn {
		return p + map[string]string{"id": "id", "owner_id": "owner_id", "created_by": "created_by",
			"modified_by": "modified_by", "created_time": "created_time", "modified_time": "modified_time"}[op.Column], nil
	}
	if db.dialect == Postgres {
		if op.Kind == crm.KindRef {
			return "((" + p + "data::jsonb -> ?) -> 'id')::text", []any{op.Field}
		}
		return "(" + p + "data::jsonb -> ?)::text", []any{op.Field}
	}
	path := `$."` + op.Field + `"`
	if op.Kind == crm.KindRef {
		path += ".id"
	}
	return "(" + p + "data -> ?)", []any{path}
}

// coqlFrom is the FROM and WHERE of a query and their arguments.
func (t *Tx) coqlFrom(q crm.COQLSelect) (string, []any) {
	var b strings.Builder
	var args []any
	b.WriteString(" FROM records r")
	for i, j := range q.Joins {
		a := joinAlias(i + 1)
		id, idArgs := t.db.lookupID("r.", j.Field)
		b.WriteString(" LEFT JOIN records " + a + " ON " + a + ".org_id = r.org_id AND " + a + ".module = ? AND " + a + ".id = " + id)
		args = append(append(args, j.Module), idArgs...)
		if j.OwnerID != 0 {
			b.WriteString(" AND " + a + ".owner_id = ?")
			args = append(args, j.OwnerID)
		}
	}
	b.WriteString(" WHERE r.org_id = ? AND r.module = ?")
	args = append(args, q.OrgID, q.Module)
	if q.OwnerID != 0 {
		b.WriteString(" AND r.owner_id = ?")
		args = append(args, q.OwnerID)
	}
	if q.Where != nil {
		cond, cargs := t.db.criteriaSQL("r.", q.Where)
		b.WriteString(" AND (" + cond + ")")
		args = append(args, cargs...)
	}
	return b.String(), args
}

// direction is an ORDER BY direction with Zoho's place for empty values: first ascending,
// last descending (the same on both databases).
func direction(desc bool) string {
	if desc {
		return " DESC NULLS LAST"
	}
	return " ASC NULLS FIRST"
}

// coqlRecordsSQL is the statement COQLRecords runs for q, and its arguments.
func (t *Tx) coqlRecordsSQL(q crm.COQLSelect) (string, []any) {
	cols := make([]string, 0, 1+len(q.Joins))
	for _, c := range strings.Split(recordCols, ", ") {
		cols = append(cols, "r."+c)
	}
	for i := range q.Joins {
		a := joinAlias(i+1) + "."
		cols = append(cols, a+"id", a+"owner_id", a+"created_by", a+"modified_by", a+"created_time", a+"modified_time", a+"data")
	}
	from, args := t.coqlFrom(q)
	var order []string
	for _, o := range q.Order {
		expr, oargs := t.db.coqlOperand(o.Operand)
		order = append(order, expr+direction(o.Desc))
		args = append(args, oargs...)
	}
	order = append(order, "r.id ASC")
	return `SELECT ` + strings.Join(cols, ", ") + from + ` ORDER BY ` + strings.Join(order, ", ") + PageBounds(q.Limit, q.Offset), args
}

// COQLRecords returns the records of an ungrouped COQL query with their joined lookup records.
func (t *Tx) COQLRecords(ctx context.Context, q crm.COQLSelect) ([]crm.COQLRow, error) {
	text, args := t.coqlRecordsSQL(q)
	rows, err := t.query(ctx, text, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []crm.COQLRow
	for rows.Next() {
		var base recordFields
		dest := base.dest()
		joined := make([]joinedFields, len(q.Joins))
		for i := range joined {
			dest = append(dest, joined[i].dest()...)
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		rec, err := base.record()
		if err != nil {
			return nil, err
		}
		row := crm.COQLRow{Record: rec, Joined: make([]*crm.Record, len(q.Joins))}
		for i, j := range joined {
			if !j.id.Valid {
				continue
			}
			f := recordFields{rec: crm.Record{ID: j.id.Int64, OrgID: q.OrgID, Module: q.Joins[i].Module, OwnerID: j.owner.Int64,
				CreatedBy: j.createdBy.Int64, ModifiedBy: j.modifiedBy.Int64}, created: j.created.Int64, modified: j.modified.Int64, data: j.data.String}
			jr, err := f.record()
			if err != nil {
				return nil, err
			}
			row.Joined[i] = &jr
		}
		out = append(out, row)
	}
	return out, rows.Err()
}

// joinedFields receives a LEFT JOINed record's columns (all NULL when it has none).
type joinedFields struct {
	id, owner, createdBy, modifiedBy, created, modified sql.NullInt64
	data                                                sql.NullString
}

func (j *joinedFields) dest() []any {
	return []any{&j.id, &j.owner, &j.createdBy, &j.modifiedBy, &j.created, &j.modified, &j.data}
}

// COQLGroups returns the rows of a grouped COQL query: each group operand's stored value and its
// comparable form (what it sorts by) are selected and grouped by position, then the aggregates.
func (t *Tx) COQLGroups(ctx context.Context, q crm.COQLSelect) ([][]any, error) {
	var cols []string
	var args []any
	for _, g := range q.Group {
		raw, rargs := t.db.coqlRaw(g)
		cmp, cargs := t.db.coqlOperand(g)
		cols = append(cols, raw, cmp)
		args = append(append(args, rargs...), cargs...)
	}
	for _, o := range q.Outputs {
		expr, eargs := t.db.coqlOperand(o.Operand)
		fn := map[string]string{"COUNT": "count", "SUM": "sum", "MIN": "min", "MAX": "max", "AVG": "avg"}[o.Func]
		if fn == "" {
			fn = "count"
		}
		cols = append(cols, fn+"("+expr+")")
		args = append(args, eargs...)
	}
	from, fargs := t.coqlFrom(q)
	text := `SELECT ` + strings.Join(cols, ", ") + from
	args = append(args, fargs...)
	if len(q.Group) > 0 {
		var pos, order []string
		for i := range cols[:2*len(q.Group)] {
			pos = append(pos, strconv.Itoa(i+1))
		}
		for _, o := range q.Order {
			for i, g := range q.Group {
				if g == o.Operand {
					order = append(order, strconv.Itoa(2*i+2)+direction(o.Desc))
					break
				}
			}
		}
		for i := range q.Group {
			order = append(order, strconv.Itoa(2*i+2)+direction(false), strconv.Itoa(2*i+1)+" ASC")
		}
		text += ` GROUP BY ` + strings.Join(pos, ", ") + ` ORDER BY ` + strings.Join(order, ", ")
	}
	bounds := PageBounds(q.Limit, q.Offset)
	text += bounds
	rows, err := t.query(ctx, text, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][]any
	for rows.Next() {
		groupCols := make([]sql.NullInt64, len(q.Group))
		groupText := make([]sql.NullString, len(q.Group))
		aggs := make([]sql.NullString, len(q.Outputs))
		var dest []any
		for i, g := range q.Group {
			if g.Kind == crm.KindColumn {
				dest = append(dest, &groupCols[i])
			} else {
				dest = append(dest, &groupText[i])
			}
			dest = append(dest, new(any))
		}
		for i := range aggs {
			dest = append(dest, &aggs[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		row := make([]any, 0, len(q.Group)+len(aggs))
		for i, g := range q.Group {
			switch {
			case g.Kind == crm.KindColumn && groupCols[i].Valid:
				row = append(row, groupCols[i].Int64)
			case g.Kind != crm.KindColumn && groupText[i].Valid:
				row = append(row, groupText[i].String)
			default:
				row = append(row, nil)
			}
		}
		for _, a := range aggs {
			if a.Valid {
				row = append(row, a.String)
			} else {
				row = append(row, nil)
			}
		}
		out = append(out, row)
	}
	return out, rows.Err()
}
