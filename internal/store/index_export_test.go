package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/zcrm/zcrm/internal/crm"
)

// The statements the record reads run, rebuilt from the same builders (for the external index
// tests, which ask the database how it would run them): ListRecords', CountRecords' and
// COQLRecords' text as records.go and coql.go write it.

// ListRecordsSQL is the statement ListRecords runs for q, and its arguments.
func ListRecordsSQL(tx crm.Tx, q crm.RecordQuery) (string, []any) {
	t := tx.(*Tx)
	where, args := t.recordsWhere(q)
	order, cond, cargs := keyset("", q.SortBy, q.Desc, q.Cursor)
	where += cond
	args = append(append(args, cargs...), q.Limit, q.Offset)
	return `SELECT ` + recordCols + ` FROM records WHERE ` + where + ` ORDER BY ` + order + ` LIMIT ? OFFSET ?`, args
}

// CountRecordsSQL is the statement CountRecords runs for q, and its arguments.
func CountRecordsSQL(tx crm.Tx, q crm.RecordQuery) (string, []any) {
	where, args := tx.(*Tx).recordsWhere(q)
	return `SELECT count(*) FROM records WHERE ` + where, args
}

// COQLRecordsSQL is the statement COQLRecords runs for q, and its arguments.
func COQLRecordsSQL(tx crm.Tx, q crm.COQLSelect) (string, []any) {
	t := tx.(*Tx)
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
	args = append(args, q.Limit, q.Offset)
	return `SELECT ` + strings.Join(cols, ", ") + from + ` ORDER BY ` + strings.Join(order, ", ") + ` LIMIT ? OFFSET ?`, args
}

// ExplainSQL returns how the database would run q with args in tx, one plan line per line:
// SQLite's EXPLAIN QUERY PLAN details; PostgreSQL's EXPLAIN for these argument values (a custom
// plan) or, with generic, for any values (the plan a prepared statement settles on after its
// first executions: the arguments are bound through PREPARE and EXECUTE under
// plan_cache_mode = force_generic_plan).
func ExplainSQL(ctx context.Context, tx crm.Tx, generic bool, q string, args ...any) (string, error) {
	t := tx.(*Tx)
	if t.db.dialect != Postgres {
		rows, err := t.query(ctx, `EXPLAIN QUERY PLAN `+q, args...)
		if err != nil {
			return "", err
		}
		defer rows.Close()
		var lines []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				return "", err
			}
			lines = append(lines, detail)
		}
		return strings.Join(lines, "\n"), rows.Err()
	}
	text := `EXPLAIN ` + q
	if generic {
		if _, err := t.exec(ctx, `SET LOCAL plan_cache_mode = force_generic_plan`); err != nil {
			return "", err
		}
		if _, err := t.exec(ctx, `PREPARE zcrm_explained AS `+q); err != nil {
			return "", err
		}
		defer t.exec(ctx, `DEALLOCATE zcrm_explained`)
		lits := make([]string, len(args))
		for i, a := range args {
			switch v := a.(type) {
			case int:
				lits[i] = strconv.Itoa(v)
			case int64:
				lits[i] = strconv.FormatInt(v, 10)
			case string:
				lits[i] = "'" + strings.ReplaceAll(v, "'", "''") + "'"
			default:
				return "", fmt.Errorf("ExplainSQL: argument %d of type %T", i, a)
			}
		}
		text, args = `EXPLAIN EXECUTE zcrm_explained(`+strings.Join(lits, ", ")+`)`, nil
	}
	rows, err := t.query(ctx, text, args...)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return "", err
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n"), rows.Err()
}
