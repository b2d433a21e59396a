package crm

import (
	"strings"
	"unicode/utf8"
)

// The COQL lexer and recursive-descent parser: select_query text → coqlStatement (names as
// written, nothing resolved). Grammar (keywords case-insensitive):
//
//	query   := SELECT column {"," column} FROM name WHERE expr [GROUP BY ref {"," ref}]
//	           [ORDER BY ref [ASC|DESC] {"," ref [ASC|DESC]}] [LIMIT limit] [OFFSET number]
//	limit   := number ["," number]          (LIMIT offset, count when two)
//	column  := (func "(" ref ")" | ref) [AS alias]
//	ref     := name {"." name}              (a name is an identifier or a quoted string)
//	expr    := term [(AND|OR) term]         (Zoho: more than two criteria must be bracketed)
//	term    := "(" expr ")" | cond
//	cond    := ref ("="|"!="|"<"|"<="|">"|">=") value | ref [NOT] LIKE value
//	         | ref [NOT] IN "(" value {"," value} ")" | ref BETWEEN value AND value
//	         | ref IS [NOT] NULL
//	value   := number | string | TRUE | FALSE

type tokKind int

const (
	tokEOF tokKind = iota
	tokIdent
	tokNumber
	tokString // '…' or "…", a doubled quote standing for itself
	tokPunct  // ( ) , . *
	tokOp     // = != < <= > >= and anything else made of ! < > =
)

type token struct {
	kind tokKind
	text string // the token's text (a string's content, unquoted)
	raw  string // the token as written
	pos  int    // byte offset in the query
}

// is reports whether t is the keyword kw (case-insensitively).
func (t token) is(kw string) bool { return t.kind == tokIdent && strings.EqualFold(t.text, kw) }

// lexCOQL splits a query into tokens; an unterminated string or a character no token starts
// with is a SYNTAX_ERROR at its position.
func lexCOQL(s string) ([]token, error) {
	var out []token
	i := 0
	for i < len(s) {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case isIdentStart(c):
			j := i + 1
			for j < len(s) && isIdentPart(s[j]) {
				j++
			}
			out = append(out, token{kind: tokIdent, text: s[i:j], raw: s[i:j], pos: i})
			i = j
		case c >= '0' && c <= '9' || (c == '-' || c == '+') && i+1 < len(s) && (s[i+1] >= '0' && s[i+1] <= '9' || s[i+1] == '.'):
			j := i + 1
			for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == '.') {
				j++
			}
			out = append(out, token{kind: tokNumber, text: s[i:j], raw: s[i:j], pos: i})
			i = j
		case c == '\'' || c == '"':
			var b strings.Builder
			j := i + 1
			closed := false
			for j < len(s) {
				if s[j] == c {
					if j+1 < len(s) && s[j+1] == c {
						b.WriteByte(c)
						j += 2
						continue
					}
					closed = true
					j++
					break
				}
				b.WriteByte(s[j])
				j++
			}
			if !closed {
				return nil, coqlUnexpected(s, token{raw: s[i:], pos: i})
			}
			out = append(out, token{kind: tokString, text: b.String(), raw: s[i:j], pos: i})
			i = j
		case strings.IndexByte("(),.*", c) >= 0:
			out = append(out, token{kind: tokPunct, text: s[i : i+1], raw: s[i : i+1], pos: i})
			i++
		case strings.IndexByte("=!<>", c) >= 0:
			j := i + 1
			for j < len(s) && strings.IndexByte("=!<>", s[j]) >= 0 {
				j++
			}
			out = append(out, token{kind: tokOp, text: s[i:j], raw: s[i:j], pos: i})
			i = j
		default:
			_, n := utf8.DecodeRuneInString(s[i:])
			return nil, coqlUnexpected(s, token{raw: s[i : i+n], pos: i})
		}
	}
	return append(out, token{kind: tokEOF, raw: "<EOF>", pos: len(s)}), nil
}

func isIdentStart(c byte) bool {
	return c == '_' || c == '$' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

func isIdentPart(c byte) bool { return isIdentStart(c) || c >= '0' && c <= '9' }

// coqlStatement is a parsed query, its names as written.
type coqlStatement struct {
	columns []coqlColumn
	module  token
	where   *coqlExpr
	groupBy []coqlRef
	orderBy []coqlOrder
	limit   *token // nil: the default
	offset  *token
}

// coqlRef is a field reference: one name, or a lookup and a field of its record.
type coqlRef struct {
	path []string
	pos  int
}

func (r coqlRef) String() string { return strings.Join(r.path, ".") }

// coqlColumn is one select column: a field or an aggregate function of one.
type coqlColumn struct {
	fn       string // as written; "" for a plain field
	ref      coqlRef
	alias    *string
	text     string // the column as written, e.g. "max(Amount)"
	aliasPos int
}

type coqlOrder struct {
	ref  coqlRef
	desc bool
}

// coqlExpr is a where node: a condition, or two operands joined by and/or.
type coqlExpr struct {
	op   string // "and", "or", or "" for a condition
	kids []*coqlExpr
	cond *coqlCond
}

type coqlCond struct {
	ref    coqlRef
	op     string // "=", "!=", "<", "<=", ">", ">=", "like", "not like", "in", "not in", "between", "is null", "is not null"
	values []token
}

func (e *coqlExpr) count() int {
	if e == nil {
		return 0
	}
	if e.cond != nil {
		return 1
	}
	n := 0
	for _, k := range e.kids {
		n += k.count()
	}
	return n
}

type coqlParser struct {
	src  string
	toks []token
	i    int
}

// parseCOQL parses a select_query. Errors are Zoho's SYNTAX_ERROR answers (coql.go).
func parseCOQL(s string) (*coqlStatement, error) {
	toks, err := lexCOQL(s)
	if err != nil {
		return nil, err
	}
	p := &coqlParser{src: s, toks: toks}
	if !p.peek().is("select") {
		return nil, errCOQLNotSupported()
	}
	p.i++
	st := &coqlStatement{}
	for {
		c, err := p.column()
		if err != nil {
			return nil, err
		}
		st.columns = append(st.columns, c)
		if !p.punct(",") {
			break
		}
	}
	if err := p.keyword("from"); err != nil {
		return nil, err
	}
	if t := p.next(); t.kind == tokIdent || t.kind == tokString {
		st.module = t
	} else {
		return nil, p.unexpected(t)
	}
	if !p.peek().is("where") {
		if t := p.peek(); t.kind != tokEOF && !t.is("group") && !t.is("order") && !t.is("limit") && !t.is("offset") {
			return nil, p.unexpected(t)
		}
		return nil, errCOQLMissingClause("where")
	}
	p.i++
	if st.where, err = p.expr(); err != nil {
		return nil, err
	}
	if p.peek().is("group") {
		p.i++
		if err := p.keyword("by"); err != nil {
			return nil, err
		}
		for {
			r, err := p.ref()
			if err != nil {
				return nil, err
			}
			st.groupBy = append(st.groupBy, r)
			if !p.punct(",") {
				break
			}
		}
	}
	if p.peek().is("order") {
		p.i++
		if err := p.keyword("by"); err != nil {
			return nil, err
		}
		for {
			r, err := p.ref()
			if err != nil {
				return nil, err
			}
			o := coqlOrder{ref: r}
			if t := p.peek(); t.is("asc") || t.is("desc") {
				o.desc = t.is("desc")
				p.i++
			}
			st.orderBy = append(st.orderBy, o)
			if !p.punct(",") {
				break
			}
		}
	}
	if p.peek().is("limit") {
		p.i++
		a := p.next()
		if a.kind == tokEOF {
			return nil, p.unexpected(a)
		}
		st.limit = &a
		if p.punct(",") {
			b := p.next()
			if b.kind == tokEOF {
				return nil, p.unexpected(b)
			}
			st.offset, st.limit = &a, &b
		}
	}
	if st.offset == nil && p.peek().is("offset") {
		p.i++
		o := p.next()
		if o.kind == tokEOF {
			return nil, p.unexpected(o)
		}
		st.offset = &o
	}
	if t := p.peek(); t.kind != tokEOF {
		return nil, p.unexpected(t)
	}
	return st, nil
}

func (p *coqlParser) peek() token { return p.toks[p.i] }

func (p *coqlParser) next() token {
	t := p.toks[p.i]
	if t.kind != tokEOF {
		p.i++
	}
	return t
}

func (p *coqlParser) punct(s string) bool {
	if t := p.peek(); t.kind == tokPunct && t.text == s {
		p.i++
		return true
	}
	return false
}

func (p *coqlParser) keyword(kw string) error {
	if t := p.peek(); !t.is(kw) {
		return p.unexpected(t)
	}
	p.i++
	return nil
}

func (p *coqlParser) unexpected(t token) error { return coqlUnexpected(p.src, t) }

// name reads an identifier or a quoted name (Zoho: a reserved word used as a field name is
// written in quotes).
func (p *coqlParser) name() (token, error) {
	t := p.next()
	if t.kind != tokIdent && t.kind != tokString || t.kind == tokIdent && coqlReserved[strings.ToLower(t.text)] {
		return t, p.unexpected(t)
	}
	return t, nil
}

// coqlReserved are the keywords that name no field unless quoted.
var coqlReserved = map[string]bool{
	"select": true, "from": true, "where": true, "and": true, "or": true, "not": true, "like": true, "in": true,
	"between": true, "is": true, "null": true, "group": true, "order": true, "by": true, "limit": true,
	"offset": true, "as": true, "asc": true, "desc": true, "true": true, "false": true,
}

func (p *coqlParser) ref() (coqlRef, error) {
	t, err := p.name()
	if err != nil {
		return coqlRef{}, err
	}
	r := coqlRef{path: []string{t.text}, pos: t.pos}
	for p.punct(".") {
		t, err := p.name()
		if err != nil {
			return coqlRef{}, err
		}
		r.path = append(r.path, t.text)
	}
	return r, nil
}

func (p *coqlParser) column() (coqlColumn, error) {
	start := p.peek()
	var c coqlColumn
	if start.kind == tokIdent && p.toks[p.i+1].kind == tokPunct && p.toks[p.i+1].text == "(" {
		c.fn = start.text
		p.i += 2
		r, err := p.ref()
		if err != nil {
			return c, err
		}
		c.ref = r
		if t := p.next(); t.kind != tokPunct || t.text != ")" {
			return c, p.unexpected(t)
		}
	} else {
		r, err := p.ref()
		if err != nil {
			return c, err
		}
		c.ref = r
	}
	c.text = p.src[start.pos : p.toks[p.i-1].pos+len(p.toks[p.i-1].raw)]
	if p.peek().is("as") {
		p.i++
		t, err := p.name()
		if err != nil {
			return c, err
		}
		alias := t.text
		c.alias, c.aliasPos = &alias, t.pos
	}
	return c, nil
}

// expr := term [(and|or) term]; a third operand without brackets is Zoho's parse error.
func (p *coqlParser) expr() (*coqlExpr, error) {
	left, err := p.term()
	if err != nil {
		return nil, err
	}
	t := p.peek()
	if !t.is("and") && !t.is("or") {
		return left, nil
	}
	p.i++
	right, err := p.term()
	if err != nil {
		return nil, err
	}
	if t2 := p.peek(); t2.is("and") || t2.is("or") {
		return nil, errCOQLNear(t2.raw)
	}
	return &coqlExpr{op: strings.ToLower(t.text), kids: []*coqlExpr{left, right}}, nil
}

func (p *coqlParser) term() (*coqlExpr, error) {
	if p.punct("(") {
		e, err := p.expr()
		if err != nil {
			return nil, err
		}
		if t := p.next(); t.kind != tokPunct || t.text != ")" {
			return nil, p.unexpected(t)
		}
		return e, nil
	}
	if t := p.peek(); t.is("not") {
		return nil, errCOQLOperator("not")
	}
	return p.cond()
}

func (p *coqlParser) cond() (*coqlExpr, error) {
	r, err := p.ref()
	if err != nil {
		return nil, err
	}
	c := &coqlCond{ref: r}
	t := p.next()
	switch {
	case t.kind == tokOp:
		switch t.text {
		case "=", "!=", "<", "<=", ">", ">=":
			c.op = t.text
		default:
			return nil, errCOQLOperator(t.text)
		}
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		c.values = []token{v}
	case t.is("not"):
		n := p.next()
		switch {
		case n.is("like"):
			c.op = "not like"
			v, err := p.value()
			if err != nil {
				return nil, err
			}
			c.values = []token{v}
		case n.is("in"):
			c.op = "not in"
			if c.values, err = p.list(); err != nil {
				return nil, err
			}
		default:
			return nil, errCOQLOperator("not")
		}
	case t.is("like"):
		c.op = "like"
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		c.values = []token{v}
	case t.is("in"):
		c.op = "in"
		if c.values, err = p.list(); err != nil {
			return nil, err
		}
	case t.is("between"):
		c.op = "between"
		a, err := p.value()
		if err != nil {
			return nil, err
		}
		if err := p.keyword("and"); err != nil {
			return nil, err
		}
		b, err := p.value()
		if err != nil {
			return nil, err
		}
		c.values = []token{a, b}
	case t.is("is"):
		c.op = "is null"
		if p.peek().is("not") {
			p.i++
			c.op = "is not null"
		}
		if err := p.keyword("null"); err != nil {
			return nil, err
		}
	default:
		return nil, p.unexpected(t)
	}
	return &coqlExpr{cond: c}, nil
}

// value reads a literal: a number, a string, true or false. A sub-query is not supported.
func (p *coqlParser) value() (token, error) {
	t := p.next()
	switch {
	case t.kind == tokNumber, t.kind == tokString, t.is("true"), t.is("false"):
		return t, nil
	case t.is("select"):
		return t, errCOQLNotSupported()
	}
	return t, p.unexpected(t)
}

func (p *coqlParser) list() ([]token, error) {
	if t := p.next(); t.kind != tokPunct || t.text != "(" {
		return nil, p.unexpected(t)
	}
	var out []token
	for {
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		out = append(out, v)
		if !p.punct(",") {
			break
		}
	}
	if t := p.next(); t.kind != tokPunct || t.text != ")" {
		return nil, p.unexpected(t)
	}
	return out, nil
}

// coqlUnexpected is SYNTAX_ERROR "unexpected token" at t: its line (from 1), its column in the
// line (from 0, as Zoho's parser counts) and its text.
func coqlUnexpected(src string, t token) error {
	line, col := 1, t.pos
	if nl := strings.LastIndexByte(src[:t.pos], '\n'); nl >= 0 {
		line, col = 1+strings.Count(src[:t.pos], "\n"), t.pos-nl-1
	}
	return errCOQLSyntax(MsgCOQLUnexpectedToken, map[string]any{"line": line, "column": col, "near": t.raw})
}
