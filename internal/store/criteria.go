package store

import (
	"math/big"
	"strings"

	"github.com/zcrm/zcrm/internal/crm"
)

// criteriaSQL turns a resolved criteria tree into a condition on the records table (prefix:
// its alias and dot, or "") and its arguments. Values travel as parameters only, and so do field
// names, except an indexed field's, written as its literal from index.go's catalogue-built
// allow-list (so that its expression index matches): the SQL text is built from fixed fragments
// alone. Each dialect reads the JSON data column with its own functions (SQLite
// json_extract/json_type, PostgreSQL's jsonb operators); a value of the wrong JSON type reads as
// NULL, which no comparison matches, as crm.Criteria.Match treats it.
func (db *DB) criteriaSQL(prefix string, c *crm.Criteria) (string, []any) {
	if c.Cond == nil {
		if len(c.Kids) == 0 {
			return "1 = 0", nil // an empty or: nothing matches (a module without email fields)
		}
		join := " OR "
		if c.Op == "and" {
			join = " AND "
		}
		parts := make([]string, len(c.Kids))
		var args []any
		for i, k := range c.Kids {
			s, a := db.criteriaSQL(prefix, k)
			parts[i], args = "("+s+")", append(args, a...)
		}
		return strings.Join(parts, join), args
	}
	cd := c.Cond
	expr, args := db.criteriaOperand(prefix, cd)
	vals := make([]any, len(cd.Values))
	for i, v := range cd.Values {
		vals[i] = sqlValue(db.dialect, v)
	}
	switch cd.Operator {
	case crm.OpEquals:
		return expr + " = ?", append(args, vals[0])
	case crm.OpNotEqual:
		return expr + " <> ?", append(args, vals[0])
	case crm.OpGreaterThan:
		return expr + " > ?", append(args, vals[0])
	case crm.OpGreaterEqual:
		return expr + " >= ?", append(args, vals[0])
	case crm.OpLessThan:
		return expr + " < ?", append(args, vals[0])
	case crm.OpLessEqual:
		return expr + " <= ?", append(args, vals[0])
	case crm.OpBetween:
		// The operand twice: its parameters are repeated.
		return expr + " >= ? AND " + expr + " <= ?", append(append(append(args, vals[0]), args...), vals[1])
	case crm.OpIn:
		return expr + " IN (" + placeholders(len(vals)) + ")", append(args, vals...)
	case crm.OpStartsWith:
		return expr + ` LIKE ? ESCAPE '\'`, append(args, likeEscape(cd.Values[0].(string))+"%")
	case crm.OpContains:
		return expr + ` LIKE ? ESCAPE '\'`, append(args, "%"+likeEscape(cd.Values[0].(string))+"%")
	case crm.OpNotIn:
		return expr + " NOT IN (" + placeholders(len(vals)) + ")", append(args, vals...)
	case crm.OpNotBetween:
		return "(" + expr + " < ? OR " + expr + " > ?)", append(append(append(args, vals[0]), args...), vals[1])
	case crm.OpEndsWith:
		return expr + ` LIKE ? ESCAPE '\'`, append(args, "%"+likeEscape(cd.Values[0].(string)))
	case crm.OpNotContains:
		return expr + ` NOT LIKE ? ESCAPE '\'`, append(args, "%"+likeEscape(cd.Values[0].(string))+"%")
	case crm.OpLike:
		return expr + ` LIKE ? ESCAPE '\'`, append(args, coqlLikePattern(cd.Values[0].(string)))
	case crm.OpNotLike:
		return expr + ` NOT LIKE ? ESCAPE '\'`, append(args, coqlLikePattern(cd.Values[0].(string)))
	case crm.OpEmpty:
		return expr + " IS NULL", args
	case crm.OpNotEmpty:
		return expr + " IS NOT NULL", args
	}
	return "1 = 0", nil
}

// criteriaOperand is the SQL expression of a condition's record value, in the form its values
// compare with, and its arguments.
func (db *DB) criteriaOperand(prefix string, cd *crm.Condition) (string, []any) {
	if cd.Join > 0 {
		prefix = joinAlias(cd.Join) + "." // a COQL lookup's record (store/coql.go)
	}
	if cd.Kind == crm.KindColumn {
		col := prefix + map[string]string{"id": "id", "owner_id": "owner_id", "created_by": "created_by",
			"modified_by": "modified_by", "created_time": "created_time", "modified_time": "modified_time"}[cd.Column]
		if cd.Column == "created_time" || cd.Column == "modified_time" {
			return "(" + col + " / 1000)", nil // unix milliseconds to seconds, as Match compares
		}
		return col, nil
	}
	data := prefix + "data"
	if cd.Kind == crm.KindText {
		// An indexed field's name is written as the literal its index expression holds (index.go:
		// only a name equal to an entry of the catalogue-built allow-list, never request text);
		// any other field's name is a parameter.
		if lit, ok := indexedLiteral(db.dialect, cd.Field); ok {
			return textOperand(db.dialect, data, lit), nil
		}
		if db.dialect == Postgres {
			return textOperand(db.dialect, data, "?"), []any{cd.Field, cd.Field}
		}
		path := `$."` + cd.Field + `"`
		return textOperand(db.dialect, data, "?"), []any{path, path}
	}
	if db.dialect == Postgres {
		j := "(" + data + "::jsonb -> ?)"
		name := []any{cd.Field}
		switch cd.Kind {
		case crm.KindString:
			return "(CASE WHEN jsonb_typeof(" + j + ") = 'string' THEN " + j + " #>> '{}' END)", append(name, cd.Field)
		case crm.KindNumber:
			return "(CASE WHEN jsonb_typeof(" + j + ") = 'number' THEN (" + j + " #>> '{}')::numeric END)", append(name, cd.Field)
		case crm.KindBool:
			return "coalesce(CASE WHEN jsonb_typeof(" + j + ") = 'boolean' THEN (" + j + " #>> '{}')::boolean END, false)", append(name, cd.Field)
		case crm.KindRef:
			return "(CASE WHEN jsonb_typeof(" + j + " -> 'id') = 'string' THEN " + j + " ->> 'id' END)", append(name, cd.Field)
		}
	}
	path := `$."` + cd.Field + `"`
	switch cd.Kind {
	case crm.KindString:
		return "(CASE WHEN json_type(" + data + ", ?) = 'text' THEN json_extract(" + data + ", ?) END)", []any{path, path}
	case crm.KindNumber:
		return "(CASE WHEN json_type(" + data + ", ?) IN ('integer', 'real') THEN json_extract(" + data + ", ?) END)", []any{path, path}
	case crm.KindBool:
		return "(CASE WHEN json_type(" + data + ", ?) = 'true' THEN 1 ELSE 0 END)", []any{path}
	case crm.KindRef:
		return "(CASE WHEN json_type(" + data + ", ?) = 'text' THEN json_extract(" + data + ", ?) END)", []any{path + ".id", path + ".id"}
	}
	return "NULL", nil
}

// sqlValue is a comparison value as the dialect's driver takes it: a rational as an int64 when
// it is a whole number that fits (exact), else a float64; a boolean as 1/0 on SQLite.
func sqlValue(d Dialect, v any) any {
	switch x := v.(type) {
	case *big.Rat:
		if x.IsInt() && x.Num().IsInt64() {
			return x.Num().Int64()
		}
		if d == Postgres {
			return x.FloatString(20) // numeric text: exact against numeric
		}
		f, _ := x.Float64()
		return f
	case bool:
		if d == SQLite {
			if x {
				return 1
			}
			return 0
		}
	}
	return v
}

// likeEscape escapes LIKE's wildcards and the escape character itself.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
