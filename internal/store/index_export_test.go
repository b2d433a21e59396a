package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/zcrm/zcrm/internal/crm"
)

// The statements the record reads run, from the builders records.go and coql.go run them with (for
// the external index tests, which ask the database how it would run them).

// ListRecordsSQL is the statement ListRecords runs for q, and its arguments.
func ListRecordsSQL(tx crm.Tx, q crm.RecordQuery) (string, []any) { return tx.(*Tx).listRecordsSQL(q) }

// CountRecordsSQL is the statement CountRecords runs for q, and its arguments.
func CountRecordsSQL(tx crm.Tx, q crm.RecordQuery) (string, []any) {
	where, args := tx.(*Tx).recordsWhere(q)
	return `SELECT count(*) FROM records WHERE ` + where, args
}

// COQLRecordsSQL is the statement COQLRecords runs for q, and its arguments.
func COQLRecordsSQL(tx crm.Tx, q crm.COQLSelect) (string, []any) { return tx.(*Tx).coqlRecordsSQL(q) }

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
		lits, err := sqlLiterals(args)
		if err != nil {
			return "", err
		}
		text, args = `EXPLAIN EXECUTE zcrm_explained(`+lits+`)`, nil
	}
	return t.planLines(ctx, text, args...)
}

// planLines runs a PostgreSQL EXPLAIN and returns its lines, one per line.
func (t *Tx) planLines(ctx context.Context, text string, args ...any) (string, error) {
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

// sqlLiterals writes args as a comma-separated list of SQL literals, for EXECUTE.
func sqlLiterals(args []any) (string, error) {
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
			return "", fmt.Errorf("argument %d of type %T", i, a)
		}
	}
	return strings.Join(lits, ", "), nil
}

// SettledPlan prepares q on PostgreSQL, executes it with args as often as PostgreSQL's plan cache
// takes to choose between planning each call and one generic plan (five times, then once more),
// and returns the plan the next execution uses (EXPLAIN EXECUTE), under the server's own
// plan_cache_mode.
func SettledPlan(ctx context.Context, tx crm.Tx, q string, args ...any) (string, error) {
	t := tx.(*Tx)
	if _, err := t.exec(ctx, `PREPARE zcrm_settled AS `+q); err != nil {
		return "", err
	}
	defer t.exec(ctx, `DEALLOCATE zcrm_settled`)
	lits, err := sqlLiterals(args)
	if err != nil {
		return "", err
	}
	for range 6 {
		if _, err := t.exec(ctx, `EXECUTE zcrm_settled(`+lits+`)`); err != nil {
			return "", err
		}
	}
	return t.planLines(ctx, `EXPLAIN EXECUTE zcrm_settled(`+lits+`)`)
}
