package crm

import (
	"bytes"
	"context"
	"encoding/json"
	"math/big"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/zcrm/zcrm/internal/catalog"
)

// COQLQuery is a parsed COQL select_query (ParseCOQL); Module is its from clause as written.
type COQLQuery struct {
	Module string
	st     *coqlStatement
}

// ParseCOQL parses a select_query: Zoho's SYNTAX_ERROR answers when it does not parse.
func ParseCOQL(s string) (*COQLQuery, error) {
	st, err := parseCOQL(s)
	if err != nil {
		return nil, err
	}
	return &COQLQuery{Module: st.module.text, st: st}, nil
}

// COQLModule resolves the query's from clause: INVALID_MODULE unless it names a module the API
// serves.
func COQLModule(ctx context.Context, tx Tx, org Org, q *COQLQuery) (catalog.Module, error) {
	m, err := ResolveModule(ctx, tx, org, q.Module)
	if err == ErrNotFound || err == nil && !m.APISupported {
		return catalog.Module{}, ErrCOQLModule()
	}
	return m, err
}

// COQLResult is a COQL answer: its rows (none: 204), whether more match beyond them, and, when
// asked for, the select columns' field metadata.
type COQLResult struct {
	Rows   []map[string]any
	More   bool
	Fields map[string]any
}

// RunCOQL resolves q against module m and runs it as actor may read (data sharing); meta, when
// not nil, asks for the select columns' field metadata (include_meta ["fields"]).
func RunCOQL(ctx context.Context, tx Tx, actor Actor, m catalog.Module, q *COQLQuery, meta *MetaIDs) (COQLResult, error) {
	r := &coqlResolver{ctx: ctx, tx: tx, actor: actor, m: m}
	plan, err := r.resolve(q.st)
	if err != nil {
		return COQLResult{}, err
	}
	owner, err := VisibleOwner(ctx, tx, actor, m.APIName)
	if err != nil {
		return COQLResult{}, err
	}
	sel := plan.sel
	sel.OrgID, sel.Module, sel.OwnerID, sel.Joins = actor.Org.ID, m.APIName, owner, r.joins
	for i := range sel.Joins {
		if sel.Joins[i].OwnerID, err = VisibleOwner(ctx, tx, actor, sel.Joins[i].Module); err != nil {
			return COQLResult{}, err
		}
	}
	limit := sel.Limit
	sel.Limit++ // one more than asked tells whether more records match
	var res COQLResult
	if sel.Grouped {
		rows, err := tx.COQLGroups(ctx, sel)
		if err != nil {
			return COQLResult{}, err
		}
		if res.More = len(rows) > limit; res.More {
			rows = rows[:limit]
		}
		for _, row := range rows {
			res.Rows = append(res.Rows, plan.groupRow(row))
		}
	} else {
		rows, err := tx.COQLRecords(ctx, sel)
		if err != nil {
			return COQLResult{}, err
		}
		if res.More = len(rows) > limit; res.More {
			rows = rows[:limit]
		}
		if err := r.loadUsers(plan); err != nil {
			return COQLResult{}, err
		}
		for _, row := range rows {
			res.Rows = append(res.Rows, plan.recordRow(row, r.users))
		}
	}
	if meta != nil {
		profiles, err := tx.Profiles(ctx, actor.Org.ID)
		if err != nil {
			return COQLResult{}, err
		}
		res.Fields = map[string]any{}
		for _, c := range plan.cols {
			if c.fn != "" || c.ref.user != "" || c.ref.f.APIName == "id" {
				continue
			}
			fm := r.moduleOf(c.ref)
			for i, f := range fm.Fields {
				if f.APIName == c.ref.f.APIName {
					res.Fields[c.ref.name] = fieldJSON(fm, f, i+1, meta, viewers(profiles, fm))
				}
			}
		}
	}
	return res, nil
}

// coqlField is a resolved field reference.
type coqlField struct {
	name string        // canonical: "Last_Name", "Account_Name.Account_Name", "Owner.email"
	f    catalog.Field // the field read (of the module or of the joined lookup's module)
	op   COQLOperand
	user string // a user's attribute (first_name, …) through the user lookup f
}

// coqlCol is a resolved select column.
type coqlCol struct {
	key   string // the row's key: the alias, else the name or FUNC(name)
	fn    string // upper-case aggregate, "" for a field
	ref   coqlField
	group int // grouped plain column: its index among the group values
}

type coqlPlan struct {
	sel  COQLSelect
	cols []coqlCol
}

type coqlResolver struct {
	ctx     context.Context
	tx      Tx
	actor   Actor
	m       catalog.Module
	joins   []COQLJoin
	modules []catalog.Module // the joins' modules
	users   map[int64]User
}

// userAttrs are the fields of a user a COQL query reads through a user lookup.
var userAttrs = []string{"first_name", "last_name", "full_name", "email", "id"}

// field resolves a field reference; a user's attribute only where user is allowed.
func (r *coqlResolver) field(ref coqlRef) (coqlField, error) {
	bad := errCOQLColumn(ref.String())
	if len(ref.path) > 2 {
		return coqlField{}, bad
	}
	f, ok := moduleField(r.m, ref.path[0])
	if !ok {
		return coqlField{}, bad
	}
	if len(ref.path) == 1 {
		return coqlField{name: f.APIName, f: f, op: operandOf(f, 0)}, nil
	}
	sub := ref.path[1]
	switch {
	case f.DataType == "ownerlookup" && systemColumns[f.APIName] != "":
		for _, a := range userAttrs {
			if strings.EqualFold(a, sub) {
				return coqlField{name: f.APIName + "." + a, f: f, op: operandOf(f, 0), user: a}, nil
			}
		}
	case f.DataType == "lookup":
		target, err := ResolveModule(r.ctx, r.tx, r.actor.Org, f.Lookup)
		if err == ErrNotFound {
			return coqlField{}, bad
		}
		if err != nil {
			return coqlField{}, err
		}
		tf, ok := moduleField(target, sub)
		if !ok {
			return coqlField{}, bad
		}
		return coqlField{name: f.APIName + "." + tf.APIName, f: tf, op: operandOf(tf, r.join(f, target))}, nil
	}
	return coqlField{}, bad
}

// join returns the join of lookup f (from 1), adding it on first use.
func (r *coqlResolver) join(f catalog.Field, target catalog.Module) int {
	for i, j := range r.joins {
		if j.Field == f.APIName {
			return i + 1
		}
	}
	r.joins = append(r.joins, COQLJoin{Field: f.APIName, Module: target.APIName})
	r.modules = append(r.modules, target)
	return len(r.joins)
}

func (r *coqlResolver) moduleOf(f coqlField) catalog.Module {
	if f.op.Join > 0 {
		return r.modules[f.op.Join-1]
	}
	return r.m
}

// moduleField is the module's field of that name (case-insensitively), or its id.
func moduleField(m catalog.Module, name string) (catalog.Field, bool) {
	if strings.EqualFold(name, "id") {
		return catalog.Field{APIName: "id", DataType: "id"}, true
	}
	return m.Field(name)
}

// operandOf is how the store reads field f of join.
func operandOf(f catalog.Field, join int) COQLOperand {
	col := systemColumns[f.APIName]
	return COQLOperand{Join: join, Field: f.APIName, Column: col, Kind: fieldKind(f, col)}
}

// coqlOperators are the operators each data type takes in a where clause.
var coqlOperators = func() map[string][]string {
	text := []string{"=", "!=", "like", "not like", "in", "not in", "is null", "is not null"}
	ordered := []string{"=", "!=", "<", "<=", ">", ">=", "between", "in", "not in", "is null", "is not null"}
	ref := []string{"=", "!=", "in", "not in", "is null", "is not null"}
	m := map[string][]string{
		"boolean": {"=", "!="},
		"text":    text, "email": text, "phone": text, "website": text, "picklist": text,
		"lookup": ref, "ownerlookup": ref, "id": ref,
	}
	for _, t := range []string{"date", "datetime", "integer", "bigint", "currency", "decimal", "double", "percent"} {
		m[t] = ordered
	}
	return m
}()

// criteriaOps maps COQL's operators to the criteria tree's.
var criteriaOps = map[string]string{
	"=": OpEquals, "!=": OpNotEqual, "<": OpLessThan, "<=": OpLessEqual, ">": OpGreaterThan, ">=": OpGreaterEqual,
	"between": OpBetween, "in": OpIn, "not in": OpNotIn, "like": OpLike, "not like": OpNotLike,
	"is null": OpEmpty, "is not null": OpNotEmpty,
}

func (r *coqlResolver) resolve(st *coqlStatement) (*coqlPlan, error) {
	plan := &coqlPlan{}
	if err := r.columns(st, plan); err != nil {
		return nil, err
	}
	if n := st.where.count(); n > COQLMaxCriteria {
		return nil, errCOQLLimit("where", COQLMaxCriteria)
	}
	where, err := r.where(st.where)
	if err != nil {
		return nil, err
	}
	plan.sel.Where = where
	groups, err := r.refs(st.groupBy, "group by", COQLMaxGroupBy)
	if err != nil {
		return nil, err
	}
	orders := make([]coqlRef, len(st.orderBy))
	for i, o := range st.orderBy {
		orders[i] = o.ref
	}
	orderFields, err := r.refs(orders, "order by", COQLMaxOrderBy)
	if err != nil {
		return nil, err
	}
	grouped := len(groups) > 0
	for _, c := range plan.cols {
		grouped = grouped || c.fn != ""
	}
	plan.sel.Grouped = grouped
	groupIndex := func(f coqlField) int {
		for i, g := range groups {
			if g.name == f.name {
				return i
			}
		}
		return -1
	}
	for i, f := range orderFields {
		if grouped && groupIndex(f) < 0 {
			return nil, errCOQLQuery(MsgInvalidQuery, map[string]any{})
		}
		plan.sel.Order = append(plan.sel.Order, COQLOrder{Operand: f.op, Desc: st.orderBy[i].desc})
	}
	if grouped {
		for _, g := range groups {
			plan.sel.Group = append(plan.sel.Group, g.op)
		}
		for i, c := range plan.cols {
			if c.fn != "" {
				plan.sel.Outputs = append(plan.sel.Outputs, COQLOutput{Func: c.fn, Operand: c.ref.op})
				plan.cols[i].group = len(groups) + len(plan.sel.Outputs) - 1
				continue
			}
			if plan.cols[i].group = groupIndex(c.ref); plan.cols[i].group < 0 {
				return nil, errCOQLQuery(MsgInvalidQuery, map[string]any{})
			}
		}
	}
	plan.sel.Limit, plan.sel.Offset, err = coqlPage(st)
	return plan, err
}

// columns resolves the select columns: fields, aggregates, aliases and their errors.
func (r *coqlResolver) columns(st *coqlStatement, plan *coqlPlan) error {
	if len(st.columns) > COQLMaxColumns {
		return errCOQLLimit("select", COQLMaxColumns)
	}
	aggregates := 0
	for _, c := range st.columns {
		col := coqlCol{group: -1}
		if c.fn != "" {
			col.fn = strings.ToUpper(c.fn)
			if !contains([]string{"COUNT", "SUM", "MIN", "MAX", "AVG"}, col.fn) {
				return errCOQLAggregate(c.text)
			}
			if aggregates++; aggregates > COQLMaxAggregate {
				return errCOQLLimit("aggregate", COQLMaxAggregate)
			}
		}
		f, err := r.field(c.ref)
		if err != nil {
			return err
		}
		if col.fn != "" && (f.user != "" || !aggregateTakes(col.fn, f.f.DataType)) {
			if f.user != "" {
				return errCOQLColumn(f.name)
			}
			return errCOQLAggregate(c.text)
		}
		col.ref, col.key = f, f.name
		if col.fn != "" {
			col.key = col.fn + "(" + f.name + ")"
		}
		for _, prev := range plan.cols {
			if prev.fn == col.fn && prev.ref.name == f.name {
				if col.fn == "" {
					return errCOQLDuplicate("DUPLICATE_DATA", MsgCOQLDupColumn, map[string]any{"column_name": f.name})
				}
				return errCOQLDuplicate("DUPLICATE_DATA", MsgCOQLDupAggregate, map[string]any{"column_name": f.name, "aggregate": col.fn})
			}
		}
		if c.alias != nil {
			if *c.alias == "" {
				return errCOQLDuplicate("INVALID_ALIAS", MsgCOQLEmptyAlias, map[string]any{"column_name": f.name, "alias": ""})
			}
			col.key = *c.alias
		}
		plan.cols = append(plan.cols, col)
	}
	// An alias names one column, and never one a plain (unaliased) column already answers under.
	for i, c := range st.columns {
		if c.alias == nil {
			continue
		}
		var referred []any
		for j, d := range st.columns {
			if d.alias != nil && strings.EqualFold(*d.alias, *c.alias) {
				referred = append(referred, plan.cols[j].ref.name)
			}
		}
		if len(referred) > 1 {
			return errCOQLDuplicate("DUPLICATE_ALIAS", MsgCOQLDupAlias, map[string]any{"referred_columns": referred, "alias": *c.alias})
		}
		for j, d := range st.columns {
			if d.alias == nil && strings.EqualFold(plan.cols[j].key, *c.alias) {
				return errCOQLQuery(MsgCOQLAliasIsColumn, map[string]any{"column_name": plan.cols[i].ref.name, "alias": *c.alias})
			}
		}
	}
	return nil
}

func errCOQLAggregate(column string) *Error {
	return ErrInvalidData(MsgInvalidData, map[string]any{"reason": "unsupported aggregate function", "column": column})
}

// aggregateTakes reports whether an aggregate function applies to a field of that type.
func aggregateTakes(fn, dataType string) bool {
	number := contains([]string{"integer", "bigint", "currency", "decimal", "double", "percent"}, dataType)
	switch fn {
	case "SUM", "AVG":
		return number
	case "MIN", "MAX":
		return number || dataType == "date" || dataType == "datetime"
	}
	return true
}

// refs resolves the fields of group by or order by: no user attribute, none twice, at most max.
func (r *coqlResolver) refs(refs []coqlRef, clause string, max int) ([]coqlField, error) {
	if len(refs) > max {
		return nil, errCOQLLimit(clause, max)
	}
	var out []coqlField
	for _, ref := range refs {
		f, err := r.field(ref)
		if err != nil {
			return nil, err
		}
		if f.user != "" {
			return nil, errCOQLColumn(f.name)
		}
		for _, prev := range out {
			if prev.name == f.name {
				return nil, errCOQLDuplicate("DUPLICATE_DATA", MsgCOQLDupData, map[string]any{"column_name": f.name, "clause": clause})
			}
		}
		out = append(out, f)
	}
	return out, nil
}

// where resolves the where clause into a criteria tree (the store's criteriaSQL runs it).
func (r *coqlResolver) where(e *coqlExpr) (*Criteria, error) {
	if e.cond == nil {
		out := &Criteria{Op: e.op}
		for _, k := range e.kids {
			c, err := r.where(k)
			if err != nil {
				return nil, err
			}
			out.Kids = append(out.Kids, c)
		}
		return out, nil
	}
	cd := e.cond
	f, err := r.field(cd.ref)
	if err != nil {
		return nil, err
	}
	raw := make([]string, len(cd.values))
	for i, v := range cd.values {
		raw[i] = v.text
		if v.kind == tokIdent {
			raw[i] = strings.ToLower(v.text) // true, false
		}
	}
	if f.f.DataType == "textarea" {
		value := ""
		if len(raw) > 0 {
			value = raw[0]
		}
		return nil, errCOQLQuery(MsgCOQLBadCriteria, map[string]any{"cv_criteria": false, "column_name": f.name, "value": value, "operator": cd.op})
	}
	dataType := f.f.DataType
	if f.user != "" {
		dataType = "text"
		if f.user == "id" {
			dataType = "id"
		}
	}
	if !contains(coqlOperators[dataType], cd.op) {
		return nil, errCOQLQuery(MsgInvalidQuery, map[string]any{"reason": "invalid operator found", "column_name": f.name, "operator": cd.op})
	}
	if (cd.op == "in" || cd.op == "not in") && len(raw) > MaxCriteriaValues {
		return nil, errCOQLQuery(MsgCOQLInValues, map[string]any{"column_name": f.name})
	}
	badValue := errCOQLQuery(MsgInvalidQuery, map[string]any{"reason": "invalid value", "column_name": f.name, "operator": cd.op})
	if f.user != "" && f.user != "id" {
		return r.userCriteria(f, cd.op, raw, badValue)
	}
	c := &Condition{Field: f.op.Field, Operator: criteriaOps[cd.op], Raw: raw, Kind: f.op.Kind, Column: f.op.Column, Join: f.op.Join}
	c.Values = make([]any, len(raw))
	for i, v := range raw {
		val, _, ok := conditionValue(f.f, f.op.Column, v)
		if !ok || (cd.op == "like" || cd.op == "not like") && cd.values[i].kind != tokString {
			return nil, badValue
		}
		c.Values[i] = val
	}
	return &Criteria{Cond: c}, nil
}

// userCriteria turns a condition on a user's attribute (Owner.email = '…') into the set of
// users it holds for: the lookup's column in those ids (none: a group matching nothing). Each
// user is matched in Go with the criteria tree's own Match, as text.
func (r *coqlResolver) userCriteria(f coqlField, op string, raw []string, badValue error) (*Criteria, error) {
	cond := &Condition{Field: "v", Operator: criteriaOps[op], Kind: KindText, Values: make([]any, len(raw))}
	for i, v := range raw {
		if v == "" {
			return nil, badValue
		}
		cond.Values[i] = strings.ToLower(v)
	}
	users, err := r.tx.Users(r.ctx, r.actor.Org.ID)
	if err != nil {
		return nil, err
	}
	out := &Criteria{Cond: &Condition{Field: f.f.APIName, Operator: OpIn, Kind: KindColumn, Column: f.op.Column}}
	for _, u := range users {
		data := map[string]any{}
		if v, _ := userAttr(u, f.user).(string); v != "" {
			data["v"] = v
		}
		if (&Criteria{Cond: cond}).Match(Record{Data: data}) {
			out.Cond.Values = append(out.Cond.Values, u.ID)
		}
	}
	if len(out.Cond.Values) == 0 {
		return &Criteria{Op: "or"}, nil // no kids: nothing matches
	}
	return out, nil
}

// userAttr is a user's attribute as COQL answers it.
func userAttr(u User, attr string) any {
	switch attr {
	case "first_name":
		return u.FirstName
	case "last_name":
		return u.LastName
	case "full_name":
		return u.FullName()
	case "email":
		return u.Email
	}
	return FormatID(u.ID)
}

// coqlPage reads limit and offset (see the top of coql.go for their errors).
func coqlPage(st *coqlStatement) (limit, offset int, err error) {
	limit = COQLDefaultLimit
	if st.limit != nil {
		n, err := strconv.Atoi(st.limit.text)
		switch {
		case st.limit.kind != tokNumber || err != nil:
			return 0, 0, errCOQLQuery(MsgCOQLBadLimit, map[string]any{"limit": st.limit.text})
		case n <= 0:
			return 0, 0, ErrInvalidData(MsgCOQLLimitZero, map[string]any{})
		case n > COQLMaxLimit:
			return 0, 0, errCOQLLimit("limit", COQLMaxLimit)
		}
		limit = n
	}
	if st.offset != nil {
		n, err := strconv.Atoi(st.offset.text)
		if st.offset.kind != tokNumber || err != nil || n < 0 || n+limit > COQLMaxRecords {
			return 0, 0, errCOQLQuery(MsgCOQLBadOffset, map[string]any{"offset": st.offset.text})
		}
		offset = n
	}
	return limit, offset, nil
}

func (r *coqlResolver) loadUsers(plan *coqlPlan) error {
	for _, c := range plan.cols {
		if c.ref.user != "" && r.users == nil {
			us, err := r.tx.Users(r.ctx, r.actor.Org.ID)
			if err != nil {
				return err
			}
			r.users = make(map[int64]User, len(us))
			for _, u := range us {
				r.users[u.ID] = u
			}
		}
	}
	return nil
}

// recordRow renders one record row: id, then each select column.
func (p *coqlPlan) recordRow(row COQLRow, users map[int64]User) map[string]any {
	out := map[string]any{"id": FormatID(row.Record.ID)}
	for _, c := range p.cols {
		rec := &row.Record
		if c.ref.op.Join > 0 {
			rec = row.Joined[c.ref.op.Join-1]
		}
		switch {
		case rec == nil:
			out[c.key] = nil
		case c.ref.user != "":
			u, ok := users[systemValue(*rec, c.ref.op.Column)]
			if !ok {
				out[c.key] = nil
				continue
			}
			out[c.key] = userAttr(u, c.ref.user)
		default:
			out[c.key] = coqlCell(*rec, c.ref.f)
		}
	}
	return out
}

// systemValue is the value of a records column of rec.
func systemValue(rec Record, column string) int64 {
	switch column {
	case "owner_id":
		return rec.OwnerID
	case "created_by":
		return rec.CreatedBy
	case "modified_by":
		return rec.ModifiedBy
	case "created_time":
		return rec.CreatedTime.UnixMilli()
	case "modified_time":
		return rec.ModifiedTime.UnixMilli()
	}
	return rec.ID
}

// coqlCell renders one field of a record as COQL answers it: lookups and users as {"id"}.
func coqlCell(rec Record, f catalog.Field) any {
	switch f.APIName {
	case "id":
		return FormatID(rec.ID)
	case "Owner", "Created_By", "Modified_By":
		return map[string]any{"id": FormatID(systemValue(rec, systemColumns[f.APIName]))}
	case "Created_Time", "Modified_Time":
		return FormatTime(time.UnixMilli(systemValue(rec, systemColumns[f.APIName])))
	}
	v, ok := rec.Data[f.APIName]
	if !ok {
		return nil
	}
	if f.DataType == "lookup" {
		if id, ok := refID(v); ok {
			return map[string]any{"id": FormatID(id)}
		}
		return nil
	}
	return v
}

// groupRow renders one row of a grouped query.
func (p *coqlPlan) groupRow(row []any) map[string]any {
	out := map[string]any{}
	for _, c := range p.cols {
		v := row[c.group]
		if c.fn == "" {
			out[c.key] = groupValue(c.ref, v)
		} else {
			out[c.key] = aggregateValue(c.fn, c.ref, v)
		}
	}
	return out
}

// groupValue renders a grouped value: a column's int64, or a field's JSON text.
func groupValue(f coqlField, v any) any {
	switch x := v.(type) {
	case int64:
		switch f.op.Column {
		case "id":
			return FormatID(x)
		case "created_time", "modified_time":
			return FormatTime(time.UnixMilli(x))
		}
		return map[string]any{"id": FormatID(x)}
	case string:
		dec := json.NewDecoder(bytes.NewReader([]byte(x)))
		dec.UseNumber()
		var out any
		if dec.Decode(&out) != nil || out == nil {
			return nil
		}
		if f.op.Kind == KindRef {
			return map[string]any{"id": out}
		}
		return out
	}
	return nil
}

// aggregateValue renders an aggregate: numbers as JSON numbers (whole when whole), a date or
// datetime as stored, a minimum or maximum record time as a record time.
func aggregateValue(fn string, f coqlField, v any) any {
	s, ok := v.(string)
	if !ok {
		return nil
	}
	if (fn == "MIN" || fn == "MAX") && f.op.Kind == KindString {
		return s
	}
	rat, ok := new(big.Rat).SetString(s)
	if !ok {
		return nil
	}
	if (fn == "MIN" || fn == "MAX") && f.op.Kind == KindColumn && rat.IsInt() {
		return FormatTime(time.Unix(rat.Num().Int64(), 0)) // a record time, compared in seconds
	}
	if rat.IsInt() {
		return json.Number(rat.Num().String())
	}
	fl, _ := rat.Float64()
	return json.Number(strconv.FormatFloat(fl, 'f', -1, 64))
}

// COQLBody reads the body of a COQL request: its select_query and whether include_meta asks for
// the fields' metadata. Errors are Zoho's examples (top of coql.go).
func COQLBody(body map[string]any) (query string, fields bool, err error) {
	raw, ok := body["select_query"]
	if !ok || raw == nil {
		return "", false, NewError(http.StatusBadRequest, "MANDATORY_NOT_FOUND", MsgMandatoryKeyMissing, map[string]any{"api_name": "select_query"})
	}
	query, ok = raw.(string)
	if !ok {
		return "", false, ErrInvalidData(MsgInvalidData, map[string]any{"expected_data_type": "text", "api_name": "select_query", "json_path": "$.select_query"})
	}
	meta, ok := body["include_meta"]
	if !ok || meta == nil {
		return query, false, nil
	}
	list, ok := meta.([]any)
	if !ok {
		return "", false, ErrInvalidData(MsgInvalidData, map[string]any{"expected_data_type": "jsonarray", "api_name": "include_meta", "json_path": "$.include_meta"})
	}
	for i, item := range list {
		path := "$.include_meta[" + strconv.Itoa(i) + "]"
		s, ok := item.(string)
		if !ok {
			return "", false, ErrInvalidData(MsgInvalidData, map[string]any{"expected_data_type": "text", "api_name": "include_meta", "json_path": path, "supported_values": []string{"fields"}})
		}
		if s != "fields" {
			return "", false, ErrInvalidData(MsgInvalidData, map[string]any{"api_name": "include_meta", "json_path": path, "supported_values": []string{"fields"}})
		}
		fields = true
	}
	return query, fields, nil
}
