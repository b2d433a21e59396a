package crm

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/zcrm/zcrm/internal/catalog"
)

// dumpCOQL writes a parsed statement back in one canonical form: keywords in lower case,
// brackets around every and/or, values tagged with their kind.
func dumpCOQL(st *coqlStatement) string {
	var b strings.Builder
	b.WriteString("select ")
	for i, c := range st.columns {
		if i > 0 {
			b.WriteString(", ")
		}
		if c.fn != "" {
			b.WriteString(c.fn + "(" + c.ref.String() + ")")
		} else {
			b.WriteString(c.ref.String())
		}
		if c.alias != nil {
			b.WriteString(" as [" + *c.alias + "]")
		}
	}
	b.WriteString(" from " + st.module.text + " where " + dumpExpr(st.where))
	for i, g := range st.groupBy {
		if i == 0 {
			b.WriteString(" group by ")
		} else {
			b.WriteString(", ")
		}
		b.WriteString(g.String())
	}
	for i, o := range st.orderBy {
		if i == 0 {
			b.WriteString(" order by ")
		} else {
			b.WriteString(", ")
		}
		b.WriteString(o.ref.String())
		if o.desc {
			b.WriteString(" desc")
		}
	}
	if st.limit != nil {
		b.WriteString(" limit " + st.limit.raw)
	}
	if st.offset != nil {
		b.WriteString(" offset " + st.offset.raw)
	}
	return b.String()
}

func dumpExpr(e *coqlExpr) string {
	if e.cond == nil {
		return "(" + dumpExpr(e.kids[0]) + " " + e.op + " " + dumpExpr(e.kids[1]) + ")"
	}
	s := e.cond.ref.String() + " " + e.cond.op
	for i, v := range e.cond.values {
		if i > 0 {
			s += ","
		}
		switch v.kind {
		case tokString:
			s += " s:" + v.text
		case tokNumber:
			s += " n:" + v.text
		default:
			s += " k:" + v.text
		}
	}
	return s
}

// The parser reads every construct of the grammar; what it refuses is Zoho's SYNTAX_ERROR.
func TestParseCOQL(t *testing.T) {
	for _, c := range []struct{ query, want string }{
		{"select Last_Name, Email from Contacts where Email = 'a@b.c' order by Last_Name limit 0, 200",
			"select Last_Name, Email from Contacts where Email = s:a@b.c order by Last_Name limit 200 offset 0"},
		{"SELECT a FROM Leads WHERE b != 'x''y' LIMIT 5 OFFSET 10", "select a from Leads where b != s:x'y limit 5 offset 10"},
		{"select a from Leads where b like '%x%'", "select a from Leads where b like s:%x%"},
		{"select a from Leads where b not like 'x%'", "select a from Leads where b not like s:x%"},
		{"select a from Leads where b in ('x', 2, true)", "select a from Leads where b in s:x, n:2, k:true"},
		{"select a from Leads where b not in (1)", "select a from Leads where b not in n:1"},
		{"select a from Leads where b between -1.5 and '9'", "select a from Leads where b between n:-1.5, s:9"},
		{"select a from Leads where b is null", "select a from Leads where b is null"},
		{"select a from Leads where b IS NOT NULL", "select a from Leads where b is not null"},
		{"select a from Leads where b<=1 and c>=2", "select a from Leads where (b <= n:1 and c >= n:2)"},
		{"select a from Leads where (b < 1 or (c > 2 and d = 3))", "select a from Leads where (b < n:1 or (c > n:2 and d = n:3))"},
		{"select a from Leads where ((b < 1 or c > 2) and d = 3)", "select a from Leads where ((b < n:1 or c > n:2) and d = n:3)"},
		{"select Account_Name.Account_Name as \"Acc\", 'External' from Contacts where Owner.email = \"x\"",
			"select Account_Name.Account_Name as [Acc], External from Contacts where Owner.email = s:x"},
		{"select Stage, count(id), SUM(Amount) as total from Deals where id is not null group by Stage order by Stage desc, x asc",
			"select Stage, count(id), SUM(Amount) as [total] from Deals where id is not null group by Stage order by Stage desc, x"},
		{"select\n\ta\nfrom\tLeads\r\nwhere b = 1", "select a from Leads where b = n:1"},
		{"select a from 'Leads' where b = 'é'", "select a from Leads where b = s:é"},
	} {
		t.Run(c.query, func(t *testing.T) {
			st, err := parseCOQL(c.query)
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			if got := dumpCOQL(st); got != c.want {
				t.Fatalf("got  %s\nwant %s", got, c.want)
			}
		})
	}
	for _, c := range []struct{ query, code, message, details string }{
		{"", "SYNTAX_ERROR", MsgCOQLNotSupported, `{}`},
		{"update Leads set a = 1", "SYNTAX_ERROR", MsgCOQLNotSupported, `{}`},
		{"select", "SYNTAX_ERROR", MsgCOQLUnexpectedToken, `{"column":6,"line":1,"near":"<EOF>"}`},
		{"select a from Leads", "SYNTAX_ERROR", MsgCOQLMissingClause, `{"clause":"where"}`},
		{"select a from Leads limit 5", "SYNTAX_ERROR", MsgCOQLMissingClause, `{"clause":"where"}`},
		{"select a from Leads where", "SYNTAX_ERROR", MsgCOQLUnexpectedToken, `{"column":25,"line":1,"near":"<EOF>"}`},
		{"select a from Leads where b = 1 c", "SYNTAX_ERROR", MsgCOQLUnexpectedToken, `{"column":32,"line":1,"near":"c"}`},
		{"select a from Leads where b = 1 and c = 2 and d = 3", "SYNTAX_ERROR", MsgCOQLParse, `{"near":"and"}`},
		{"select a from Leads where (b = 1", "SYNTAX_ERROR", MsgCOQLUnexpectedToken, `{"column":32,"line":1,"near":"<EOF>"}`},
		{"select a from Leads where b == 1", "SYNTAX_ERROR", MsgCOQLOperator, `{"operator":"=="}`},
		{"select a from Leads where b not between 1 and 2", "SYNTAX_ERROR", MsgCOQLOperator, `{"operator":"not"}`},
		{"select a from Leads where b in (select id from Leads where id is not null)", "SYNTAX_ERROR", MsgCOQLNotSupported, `{}`},
		{"select a from Leads where b in ()", "SYNTAX_ERROR", MsgCOQLUnexpectedToken, `{"column":32,"line":1,"near":")"}`},
		{"select from from Leads where b = 1", "SYNTAX_ERROR", MsgCOQLUnexpectedToken, `{"column":7,"line":1,"near":"from"}`},
		{"select * from Leads where b = 1", "SYNTAX_ERROR", MsgCOQLUnexpectedToken, `{"column":7,"line":1,"near":"*"}`},
		{"select a from Leads where b = 'x", "SYNTAX_ERROR", MsgCOQLUnexpectedToken, `{"column":30,"line":1,"near":"'x"}`},
		{"select a,\nb from Leads where c = ;", "SYNTAX_ERROR", MsgCOQLUnexpectedToken, `{"column":23,"line":2,"near":";"}`},
		{"select a from Leads where b is 1", "SYNTAX_ERROR", MsgCOQLUnexpectedToken, `{"column":31,"line":1,"near":"1"}`},
		{"select a from Leads where b = 1 limit", "SYNTAX_ERROR", MsgCOQLUnexpectedToken, `{"column":37,"line":1,"near":"<EOF>"}`},
		{"select a from Leads where b = 1 order a", "SYNTAX_ERROR", MsgCOQLUnexpectedToken, `{"column":38,"line":1,"near":"a"}`},
	} {
		t.Run(c.query, func(t *testing.T) {
			_, err := parseCOQL(c.query)
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v, want %s", err, c.code)
			}
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			_ = enc.Encode(ce.Details)
			details := strings.TrimSpace(buf.String())
			if ce.Status != http.StatusBadRequest || ce.Code != c.code || ce.Message != c.message || details != c.details {
				t.Fatalf("got %d %s %q %s, want %s %q %s", ce.Status, ce.Code, ce.Message, details, c.code, c.message, c.details)
			}
		})
	}
}

// likeMatch agrees with SQL LIKE over lower-cased text, "%" anywhere.
func TestLikeMatch(t *testing.T) {
	for _, c := range []struct {
		s, pattern string
		want       bool
	}{
		{"smith", "smith", true}, {"smith", "smit", false}, {"smith", "smith%", true}, {"smithers", "smith%", true},
		{"smithers", "%ers", true}, {"smith", "%ers", false}, {"smith", "%mit%", true}, {"smith", "s%h", true},
		{"sh", "s%h", true}, {"s", "s%s", false}, {"abcabc", "a%c%c", true}, {"abc", "%", true}, {"", "%", true},
		{"a_b", "a_b", true}, {"axb", "a_b", false}, {"aaa", "a%a%a", true}, {"aa", "a%a%a", false},
	} {
		if got := likeMatch(c.s, c.pattern); got != c.want {
			t.Errorf("likeMatch(%q, %q) = %v, want %v", c.s, c.pattern, got, c.want)
		}
	}
}

// COQL's where clause becomes the one criteria tree, which Match evaluates as the store does.
func TestCOQLWhereIsCriteria(t *testing.T) {
	m, _ := catalog.Standard("Contacts")
	st, err := parseCOQL("select Last_Name from Contacts where ((Last_Name like 'SM%' or Email is null) and Date_of_Birth between '1980-01-01' and '1990-12-31')")
	if err != nil {
		t.Fatal(err)
	}
	r := &coqlResolver{m: m}
	crit, err := r.where(st.where)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		data map[string]any
		want bool
	}{
		{map[string]any{"Last_Name": "Smith", "Email": "a@b.c", "Date_of_Birth": "1985-01-01"}, true},
		{map[string]any{"Last_Name": "Jones", "Date_of_Birth": "1985-01-01"}, true},
		{map[string]any{"Last_Name": "Jones", "Email": "a@b.c", "Date_of_Birth": "1985-01-01"}, false},
		{map[string]any{"Last_Name": "Smith", "Date_of_Birth": "1991-01-01"}, false},
		{map[string]any{"Last_Name": "Smith"}, false},
	} {
		if got := crit.Match(Record{Data: c.data}); got != c.want {
			t.Errorf("Match(%v) = %v, want %v", c.data, got, c.want)
		}
	}
}

// FuzzParseCOQL: the parser never panics, every refusal is a 400 *Error, and what parses is a
// complete statement.
func FuzzParseCOQL(f *testing.F) {
	for _, seed := range []string{
		"", "select", "select a from Leads where b = 1",
		"select Last_Name, Email from Contacts where Email = 'a@b.c' order by Last_Name limit 0, 200",
		"select a from Leads where ((b < 1 or c > 2) and d in ('x', 'y''z'))", "select a from Leads where b is not null limit 5 offset 10",
		"select COUNT(id), Stage as s from Deals where id is not null group by Stage order by Stage desc",
		"select a.b.c from Leads where not b", "select a from Leads where b = 'unterminated", "select a from Leads where b <> 1",
		"select a from Leads where b between -1 and +2.5.5", "select \"a\" from 'Leads' where 'b' like '%'", "\x00\xff", "select a,\n b",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, q string) {
		st, err := parseCOQL(q)
		if err != nil {
			var ce *Error
			if !errors.As(err, &ce) || ce.Status != http.StatusBadRequest {
				t.Fatalf("parseCOQL(%q): %v", q, err)
			}
			return
		}
		if st.where == nil || len(st.columns) == 0 {
			t.Fatalf("parseCOQL(%q): incomplete statement", q)
		}
	})
}
