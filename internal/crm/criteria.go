package crm

// Criteria: the search criteria of Search Records (GET /{module}/search) and Record Count
// (GET /{module}/actions/count), one representation for SQL (the store) and Go (Match).
//
// What Zoho documents (v7/v8 search-records and module_record_count pages), and what zcrm settles
// where Zoho is silent:
//   - The grammar is (field:operator:value) conditions joined by and/or in parentheses, nested at
//     will; a lone condition may go without parentheses (Zoho's Campaign_Name:equals:CRM example).
//     zcrm reads "and" and "or" case-insensitively and lets "and" bind tighter than "or" when one
//     group mixes them. The value is everything after the second colon (datetimes hold colons);
//     "\(", "\)", "\," and "\\" stand for the character itself (Zoho: escape parentheses, commas
//     and a trailing backslash), and an unescaped comma separates the values of in and between.
//   - At most 10 conditions (Zoho: "a maximum of 10 criteria"), and at most 100 values for in
//     (Zoho: "The in operator supports upto 100 values").
//   - Operators by field type, as Zoho's table lists them: date, datetime and the numbers
//     (integer, bigint, currency, decimal, double, percent): equals, not_equal, greater_than,
//     greater_equal, less_than, less_equal, between, in; boolean: equals, not_equal; textarea:
//     equals, not_equal, starts_with; text, email, phone, website: equals, not_equal, starts_with,
//     in; picklist, lookups (by id), owner lookups and id: equals, not_equal, in. Zoho lists no
//     not_in for Search, so zcrm refuses it as it refuses any other operator.
//   - Errors are 400 INVALID_QUERY "Invalid query formed" (the message as Zoho's answers spell it;
//     its page writes it in lower case) with details {"reason":…} and, about one condition,
//     {"api_name":…}: "the field is not available for search" for an unknown field (Zoho's own
//     answer), "invalid operator found" with "operator" (the reason of Zoho's COQL example),
//     "invalid value" for a value that does not parse as the field's type, and "invalid criteria"
//     with "near" (the offending position, counted from 0) for a string that does not parse. Too
//     many conditions is LIMIT_EXCEEDED "Criteria limit exceeded" {"limit":10,"param_name":
//     "criteria"} and too many in values INVALID_QUERY 'Only 100 values are allowed in "IN"
//     criteria' {"api_name":…} (the message of Zoho's COQL example): Zoho documents neither answer
//     for Search.
//   - Matching: Zoho documents equals on text as behaving like "contains" in its search index;
//     zcrm compares text and picklists exactly but case-insensitively, so that a criteria means the
//     same here and in the cadence engine (Match), and starts_with is a case-insensitive prefix. A
//     condition on an empty field matches nothing, not_equal included (Zoho's search does not
//     report records whose field is null); an absent boolean reads as false. Datetimes are
//     compared to the second in UTC; dates as YYYY-MM-DD.

import (
	"math/big"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/zcrm/zcrm/internal/catalog"
)

// Criteria limits (Zoho's search documents).
const (
	MaxCriteria       = 10
	MaxCriteriaValues = 100
)

// Messages of the criteria errors.
const (
	MsgInvalidQuery          = "Invalid query formed"
	MsgCriteriaLimitExceeded = "Criteria limit exceeded"
	MsgInValuesLimit         = `Only 100 values are allowed in "IN" criteria`
	MsgMandatoryParamMissing = "mandatory param missing"
)

// Criteria operators. OpContains is internal (word search) and not accepted in a criteria string.
const (
	OpEquals       = "equals"
	OpNotEqual     = "not_equal"
	OpStartsWith   = "starts_with"
	OpIn           = "in"
	OpGreaterThan  = "greater_than"
	OpGreaterEqual = "greater_equal"
	OpLessThan     = "less_than"
	OpLessEqual    = "less_equal"
	OpBetween      = "between"
	OpContains     = "contains"
)

// Operators of custom views' criteria objects (customview_criteria.go) beyond Search's: Zoho's
// comparators not_in, ends_with, not_contains and not_between, and equal's ${EMPTY} and
// ${NOTEMPTY} values. As with every operator, a comparison with an empty field matches nothing;
// OpEmpty matches exactly the empty fields (an absent boolean reads as false, so never empty).
const (
	OpNotIn       = "not_in"
	OpEndsWith    = "ends_with"
	OpNotContains = "not_contains"
	OpNotBetween  = "not_between"
	OpEmpty       = "${EMPTY}"
	OpNotEmpty    = "${NOTEMPTY}"
)

// Operators of COQL's where clause (coql.go) beyond the above: like and not like with a pattern
// whose "%" stand for any run of characters anywhere (Values[0], lower-cased; "_" is literal).
const (
	OpLike    = "like"
	OpNotLike = "not_like"
)

// CondKind is how a condition's field is stored and compared.
type CondKind int

// The kinds of condition.
const (
	// KindText is a JSON string compared case-insensitively (text, picklist, email, …).
	KindText CondKind = iota
	// KindNumber is a JSON number.
	KindNumber
	// KindString is a JSON string compared exactly and in byte order: dates, datetimes (stored
	// in UTC, so byte order is time order).
	KindString
	// KindBool is a JSON boolean; absent reads as false.
	KindBool
	// KindRef is a lookup stored as {"id":"…"}: its id compared exactly.
	KindRef
	// KindColumn is an integer column of the records table: id, owner_id, created_by,
	// modified_by, or created_time/modified_time in unix seconds (Column says which).
	KindColumn
)

// Criteria is a node of a criteria tree: a group (Op "and" or "or" over Kids) or a condition
// (Op ""). Parse gives raw conditions; Resolve types them against a module.
type Criteria struct {
	Op   string
	Kids []*Criteria
	Cond *Condition
}

// Condition is one (field:operator:value).
type Condition struct {
	Field    string // as given, then the field's api name once resolved
	Operator string
	Raw      []string // the values, unescaped (one, or the comma-separated ones of in/between)
	// Set by Resolve.
	Kind   CondKind
	Column string // KindColumn: the records column
	// Join is the record the field is read from: 0 the record itself, n the record its query's
	// nth lookup points at (COQL's Account_Name.Account_Name; Match reads only 0).
	Join int
	// Values are the comparison values in stored form: lower-cased strings (KindText), *big.Rat
	// (KindNumber), strings (KindString, KindRef), bool (KindBool), int64 (KindColumn).
	Values []any
}

func errQuery(details map[string]any) *Error {
	return NewError(http.StatusBadRequest, "INVALID_QUERY", MsgInvalidQuery, details)
}

func errSyntax(pos int) *Error {
	return errQuery(map[string]any{"reason": "invalid criteria", "near": pos})
}

// ParseCriteria parses a criteria string into a tree of raw conditions: INVALID_QUERY when it
// does not parse, LIMIT_EXCEEDED beyond MaxCriteria conditions.
func ParseCriteria(s string) (*Criteria, error) {
	p := &critParser{s: s}
	p.space()
	c, err := p.exprOrCond(true)
	if err != nil {
		return nil, err
	}
	p.space()
	if p.i != len(p.s) {
		return nil, errSyntax(p.i)
	}
	if n := c.count(); n > MaxCriteria {
		return nil, NewError(http.StatusBadRequest, "LIMIT_EXCEEDED", MsgCriteriaLimitExceeded, map[string]any{"limit": MaxCriteria, "param_name": "criteria"})
	}
	return c, nil
}

// count is the number of conditions in the tree.
func (c *Criteria) count() int {
	if c.Cond != nil {
		return 1
	}
	n := 0
	for _, k := range c.Kids {
		n += k.count()
	}
	return n
}

type critParser struct {
	s string
	i int
}

func (p *critParser) peek() byte {
	if p.i < len(p.s) {
		return p.s[p.i]
	}
	return 0
}

func (p *critParser) space() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t' || p.s[p.i] == '\n' || p.s[p.i] == '\r') {
		p.i++
	}
}

// expr := term {("and"|"or") term}, "and" binding tighter.
func (p *critParser) expr() (*Criteria, error) {
	var ors []*Criteria
	var ands []*Criteria
	for {
		t, err := p.term()
		if err != nil {
			return nil, err
		}
		ands = append(ands, t)
		p.space()
		switch {
		case p.keyword("and"):
			continue
		case p.keyword("or"):
			ors = append(ors, group("and", ands))
			ands = nil
			continue
		}
		break
	}
	ors = append(ors, group("and", ands))
	return group("or", ors), nil
}

func group(op string, kids []*Criteria) *Criteria {
	if len(kids) == 1 {
		return kids[0]
	}
	return &Criteria{Op: op, Kids: kids}
}

// keyword consumes kw (case-insensitively) when it comes next, followed by space or "(".
func (p *critParser) keyword(kw string) bool {
	if len(p.s)-p.i < len(kw) || !strings.EqualFold(p.s[p.i:p.i+len(kw)], kw) {
		return false
	}
	j := p.i + len(kw)
	if j < len(p.s) && p.s[j] != '(' && p.s[j] != ' ' {
		return false
	}
	p.i = j
	p.space()
	return true
}

// term := "(" (expr | cond) ")"
func (p *critParser) term() (*Criteria, error) {
	p.space()
	if p.peek() != '(' {
		return nil, errSyntax(p.i)
	}
	p.i++
	p.space()
	c, err := p.exprOrCond(false)
	if err != nil {
		return nil, err
	}
	p.space()
	if p.peek() != ')' {
		return nil, errSyntax(p.i)
	}
	p.i++
	return c, nil
}

// exprOrCond reads an expression when a "(" comes next, else one condition (bare: not enclosed
// in parentheses, as a whole criteria string may be).
func (p *critParser) exprOrCond(bare bool) (*Criteria, error) {
	if p.peek() == '(' {
		return p.expr()
	}
	return p.cond(bare)
}

// cond reads field:operator:value up to an unescaped ")" (or the end, when bare).
func (p *critParser) cond(bare bool) (*Criteria, error) {
	start := p.i
	var raw strings.Builder
	for p.i < len(p.s) {
		ch := p.s[p.i]
		if ch == '\\' && p.i+1 < len(p.s) {
			raw.WriteByte(ch)
			raw.WriteByte(p.s[p.i+1])
			p.i += 2
			continue
		}
		if ch == ')' && !bare {
			break
		}
		if ch == '(' {
			return nil, errSyntax(p.i)
		}
		raw.WriteByte(ch)
		p.i++
	}
	if !bare && p.peek() != ')' {
		return nil, errSyntax(p.i)
	}
	text := raw.String()
	parts := strings.SplitN(text, ":", 3)
	if len(parts) != 3 || strings.TrimSpace(parts[0]) == "" || strings.TrimSpace(parts[1]) == "" {
		return nil, errSyntax(start)
	}
	c := &Condition{Field: strings.TrimSpace(parts[0]), Operator: strings.ToLower(strings.TrimSpace(parts[1]))}
	if c.Operator == OpIn || c.Operator == OpBetween {
		c.Raw = splitValues(parts[2])
	} else {
		c.Raw = []string{unescape(strings.TrimSpace(parts[2]))}
	}
	return &Criteria{Cond: c}, nil
}

// splitValues splits a raw value on unescaped commas and unescapes each piece.
func splitValues(raw string) []string {
	var out []string
	var cur strings.Builder
	for i := 0; i < len(raw); i++ {
		switch {
		case raw[i] == '\\' && i+1 < len(raw):
			cur.WriteByte(raw[i])
			cur.WriteByte(raw[i+1])
			i++
		case raw[i] == ',':
			out = append(out, unescape(strings.TrimSpace(cur.String())))
			cur.Reset()
		default:
			cur.WriteByte(raw[i])
		}
	}
	return append(out, unescape(strings.TrimSpace(cur.String())))
}

// unescape replaces each backslash pair "\x" with x.
func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// operatorsByType are the operators Zoho's search accepts for each data type.
var operatorsByType = func() map[string][]string {
	ordered := []string{OpEquals, OpNotEqual, OpGreaterThan, OpGreaterEqual, OpLessThan, OpLessEqual, OpBetween, OpIn}
	text := []string{OpEquals, OpNotEqual, OpStartsWith, OpIn}
	ref := []string{OpEquals, OpNotEqual, OpIn}
	m := map[string][]string{
		"boolean":  {OpEquals, OpNotEqual},
		"textarea": {OpEquals, OpNotEqual, OpStartsWith},
		"text":     text, "email": text, "phone": text, "website": text,
		"picklist": ref, "lookup": ref, "ownerlookup": ref, "id": ref,
	}
	for _, t := range []string{"date", "datetime", "integer", "bigint", "currency", "decimal", "double", "percent"} {
		m[t] = ordered
	}
	return m
}()

// systemColumns are the fields stored in records columns rather than in data.
var systemColumns = map[string]string{
	"id": "id", "Owner": "owner_id", "Created_By": "created_by", "Modified_By": "modified_by",
	"Created_Time": "created_time", "Modified_Time": "modified_time",
}

// Resolve types every condition against the module's fields: INVALID_QUERY for an unknown field,
// an operator the field's type does not take, or a value that does not parse as its type.
func (c *Criteria) Resolve(m catalog.Module) error {
	if c.Cond == nil {
		for _, k := range c.Kids {
			if err := k.Resolve(m); err != nil {
				return err
			}
		}
		return nil
	}
	cd := c.Cond
	f, ok := catalog.Field{APIName: "id", DataType: "id"}, strings.EqualFold(cd.Field, "id")
	if !ok {
		for _, mf := range m.Fields {
			if strings.EqualFold(mf.APIName, cd.Field) {
				f, ok = mf, true
				break
			}
		}
	}
	if !ok {
		return errQuery(map[string]any{"reason": "the field is not available for search", "api_name": cd.Field})
	}
	cd.Field = f.APIName
	allowed := operatorsByType[f.DataType]
	if !contains(allowed, cd.Operator) {
		return errQuery(map[string]any{"reason": "invalid operator found", "api_name": f.APIName, "operator": cd.Operator})
	}
	switch {
	case cd.Operator == OpBetween && len(cd.Raw) != 2:
		return errValue(f)
	case cd.Operator == OpIn && len(cd.Raw) > MaxCriteriaValues:
		return NewError(http.StatusBadRequest, "INVALID_QUERY", MsgInValuesLimit, map[string]any{"api_name": f.APIName})
	}
	cd.Column = systemColumns[f.APIName]
	cd.Values = make([]any, len(cd.Raw))
	for i, raw := range cd.Raw {
		v, kind, ok := conditionValue(f, cd.Column, raw)
		if !ok {
			return errValue(f)
		}
		cd.Kind, cd.Values[i] = kind, v
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func errValue(f catalog.Field) *Error {
	return errQuery(map[string]any{"reason": "invalid value", "api_name": f.APIName})
}

// fieldKind is the criteria kind of a field (column: its records column, if any), as
// conditionValue types its values: search, custom views and COQL compare a field this way.
func fieldKind(f catalog.Field, column string) CondKind {
	if column != "" {
		return KindColumn
	}
	switch f.DataType {
	case "integer", "bigint", "currency", "decimal", "double", "percent":
		return KindNumber
	case "boolean":
		return KindBool
	case "date", "datetime":
		return KindString
	case "lookup":
		return KindRef
	}
	return KindText
}

// conditionValue parses one criteria value for field f (column: its records column, if any).
func conditionValue(f catalog.Field, column, raw string) (any, CondKind, bool) {
	if column != "" {
		if f.DataType == "datetime" {
			t, ok := parseCriteriaTime(raw)
			return t.Unix(), KindColumn, ok
		}
		id, ok := ParseID(raw)
		return id, KindColumn, ok
	}
	switch f.DataType {
	case "integer", "bigint", "currency", "decimal", "double", "percent":
		r, ok := new(big.Rat).SetString(raw)
		return r, KindNumber, ok && raw != "" && !strings.ContainsAny(raw, "/eE")
	case "boolean":
		b, err := strconv.ParseBool(raw)
		return b, KindBool, err == nil && (raw == "true" || raw == "false")
	case "date":
		_, err := time.Parse("2006-01-02", raw)
		return raw, KindString, err == nil
	case "datetime":
		t, ok := parseCriteriaTime(raw)
		return FormatTime(t), KindString, ok
	case "lookup":
		id, ok := ParseID(raw)
		return FormatID(id), KindRef, ok
	}
	return strings.ToLower(raw), KindText, raw != ""
}

// parseCriteriaTime parses a datetime value; a "+" that URL decoding turned into a space is
// taken back (an unencoded criteria such as 2024-02-01T18:52:56+05:30).
func parseCriteriaTime(raw string) (time.Time, bool) {
	if t, ok := ParseTime(raw); ok {
		return t, true
	}
	return ParseTime(strings.Replace(raw, " ", "+", 1))
}

// SearchCriteria is the criteria of a search or count request: criteria, else email, else phone,
// else word (Zoho: "preference will be given in the order criteria, email, phone, and word"),
// resolved against m. nil when none is given. email and phone are equals on each of the module's
// email or phone fields; word is a case-insensitive "contains" on each of its text, textarea,
// email, phone, website and picklist fields (zcrm's reading of Zoho's "global search by word").
func SearchCriteria(get func(string) (string, bool), m catalog.Module) (*Criteria, error) {
	if raw, _ := get("criteria"); strings.TrimSpace(raw) != "" {
		c, err := ParseCriteria(raw)
		if err != nil {
			return nil, err
		}
		return c, c.Resolve(m)
	}
	for _, p := range []struct {
		param string
		types []string
		op    string
	}{
		{"email", []string{"email"}, OpEquals},
		{"phone", []string{"phone"}, OpEquals},
		{"word", []string{"text", "textarea", "email", "phone", "website", "picklist"}, OpContains},
	} {
		raw, _ := get(p.param)
		if raw = strings.TrimSpace(raw); raw == "" {
			continue
		}
		g := &Criteria{Op: "or"}
		for _, f := range m.Fields {
			if contains(p.types, f.DataType) {
				g.Kids = append(g.Kids, &Criteria{Cond: &Condition{Field: f.APIName, Operator: p.op, Raw: []string{raw},
					Kind: KindText, Values: []any{strings.ToLower(raw)}}})
			}
		}
		return g, nil
	}
	return nil, nil
}

// ErrSearchParamMissing is 400 EXPECTED_PARAM_MISSING: a search without criteria, email, phone
// or word (Zoho's code and message; the details name the parameters, zcrm's choice).
func ErrSearchParamMissing() *Error {
	return NewError(http.StatusBadRequest, "EXPECTED_PARAM_MISSING", MsgMandatoryParamMissing,
		map[string]any{"param_names": []any{"criteria", "email", "phone", "word"}})
}

// Match reports whether rec satisfies the resolved criteria, as the store's SQL does.
func (c *Criteria) Match(rec Record) bool {
	if c == nil {
		return true
	}
	if c.Cond == nil {
		if c.Op == "and" {
			for _, k := range c.Kids {
				if !k.Match(rec) {
					return false
				}
			}
			return true
		}
		for _, k := range c.Kids {
			if k.Match(rec) {
				return true
			}
		}
		return false
	}
	return c.Cond.match(rec)
}

func (cd *Condition) match(rec Record) bool {
	if cd.Join != 0 {
		return false // a joined record's field: only the store reads it (COQL)
	}
	var v any // the record's value in the form of cd.Values; nil when empty
	switch cd.Kind {
	case KindColumn:
		switch cd.Column {
		case "id":
			v = rec.ID
		case "owner_id":
			v = rec.OwnerID
		case "created_by":
			v = rec.CreatedBy
		case "modified_by":
			v = rec.ModifiedBy
		case "created_time":
			v = rec.CreatedTime.UnixMilli() / 1000
		case "modified_time":
			v = rec.ModifiedTime.UnixMilli() / 1000
		}
	case KindText:
		if s, ok := rec.Data[cd.Field].(string); ok {
			v = strings.ToLower(s)
		}
	case KindString:
		if s, ok := rec.Data[cd.Field].(string); ok {
			v = s
		}
	case KindNumber:
		if n, ok := numberOf(rec.Data[cd.Field]); ok {
			v = n
		}
	case KindBool:
		b, _ := rec.Data[cd.Field].(bool)
		v = b
	case KindRef:
		if obj, ok := rec.Data[cd.Field].(map[string]any); ok {
			if s, ok := obj["id"].(string); ok {
				v = s
			}
		}
	}
	switch cd.Operator {
	case OpEmpty:
		return v == nil
	case OpNotEmpty:
		return v != nil
	}
	if v == nil {
		return false
	}
	cmp := func(w any) int { return compareValues(v, w) }
	switch cd.Operator {
	case OpEquals:
		return cmp(cd.Values[0]) == 0
	case OpNotEqual:
		return cmp(cd.Values[0]) != 0
	case OpIn:
		for _, w := range cd.Values {
			if cmp(w) == 0 {
				return true
			}
		}
		return false
	case OpGreaterThan:
		return cmp(cd.Values[0]) > 0
	case OpGreaterEqual:
		return cmp(cd.Values[0]) >= 0
	case OpLessThan:
		return cmp(cd.Values[0]) < 0
	case OpLessEqual:
		return cmp(cd.Values[0]) <= 0
	case OpBetween:
		return cmp(cd.Values[0]) >= 0 && cmp(cd.Values[1]) <= 0
	case OpStartsWith:
		return strings.HasPrefix(v.(string), cd.Values[0].(string))
	case OpContains:
		return strings.Contains(v.(string), cd.Values[0].(string))
	case OpNotIn:
		for _, w := range cd.Values {
			if cmp(w) == 0 {
				return false
			}
		}
		return true
	case OpNotBetween:
		return cmp(cd.Values[0]) < 0 || cmp(cd.Values[1]) > 0
	case OpEndsWith:
		return strings.HasSuffix(v.(string), cd.Values[0].(string))
	case OpNotContains:
		return !strings.Contains(v.(string), cd.Values[0].(string))
	case OpLike:
		return likeMatch(v.(string), cd.Values[0].(string))
	case OpNotLike:
		return !likeMatch(v.(string), cd.Values[0].(string))
	}
	return false
}

// likeMatch reports whether s matches a COQL like pattern: "%" is any run of characters, every
// other character itself.
func likeMatch(s, pattern string) bool {
	parts := strings.Split(pattern, "%")
	if len(parts) == 1 {
		return s == pattern
	}
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	for _, mid := range parts[1 : len(parts)-1] {
		i := strings.Index(s, mid)
		if i < 0 {
			return false
		}
		s = s[i+len(mid):]
	}
	return strings.HasSuffix(s, parts[len(parts)-1])
}

// numberOf reads a stored number (json.Number, or a Go number) as a rational.
func numberOf(v any) (*big.Rat, bool) {
	var s string
	switch x := v.(type) {
	case interface{ String() string }:
		s = x.String()
	case float64:
		s = strconv.FormatFloat(x, 'g', -1, 64)
	case int64:
		s = strconv.FormatInt(x, 10)
	case int:
		s = strconv.Itoa(x)
	default:
		return nil, false
	}
	r, ok := new(big.Rat).SetString(s)
	return r, ok
}

// compareValues orders two values of the same kind.
func compareValues(a, b any) int {
	switch x := a.(type) {
	case string:
		return strings.Compare(x, b.(string))
	case int64:
		y := b.(int64)
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	case *big.Rat:
		return x.Cmp(b.(*big.Rat))
	case bool:
		if x == b.(bool) {
			return 0
		}
		return 1
	}
	return 1
}

// SearchSelectsNothing reads Search's converted and approved parameters: true when they select
// no record, since zcrm has no approval process (every record is approved; converted leads are
// selected by ParseConverted, convert_query.go). converted is true, false or both (Zoho's default
// false), approved true, false or both (default true); any other value is INVALID_DATA with the
// supported values.
func SearchSelectsNothing(get func(string) (string, bool)) (bool, error) {
	none := false
	for _, p := range []struct{ name, empty string }{{"converted", ""}, {"approved", "false"}} {
		raw, ok := get(p.name)
		if !ok || raw == "" {
			continue
		}
		switch strings.ToLower(raw) {
		case p.empty:
			none = true
		case "true", "false", "both":
		default:
			return false, ErrInvalidData(MsgInvalidData, map[string]any{"param_name": p.name, "supported_values": []string{"true", "false", "both"}})
		}
	}
	return none, nil
}

// MsgSearchLimitReached is Zoho's message for a search page beyond its first 2,000 records.
const MsgSearchLimitReached = "Maximum response iteration limit reached"

// ParseSearchQuery reads a search's paging and fields as ParseListQuery does (fields optional),
// binds page tokens to its criteria, email, phone and word as well, and answers page × per_page
// beyond 2,000 with Zoho's LIMIT_REACHED (its search page: "returns only 2000 records").
func ParseSearchQuery(get func(string) (string, bool)) (ListQuery, error) {
	q, err := ParseListQuery(get, false)
	if e, ok := err.(*Error); ok && e.Code == "DISCRETE_PAGINATION_LIMIT_EXCEEDED" {
		return q, NewError(http.StatusBadRequest, "LIMIT_REACHED", MsgSearchLimitReached, map[string]any{"limit": MaxDiscreteRecords})
	}
	if err != nil {
		return q, err
	}
	for _, name := range []string{"criteria", "email", "phone", "word"} {
		if raw, ok := get(name); ok {
			if q.Other == nil {
				q.Other = map[string]string{}
			}
			q.Other[name] = raw
		}
	}
	return q, nil
}
