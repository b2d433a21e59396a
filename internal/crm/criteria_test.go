package crm

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/zcrm/zcrm/internal/catalog"
)

// show renders a raw criteria tree: groups as op(kids…), conditions as field:op:[values].
func show(c *Criteria) string {
	if c.Cond != nil {
		return fmt.Sprintf("%s:%s:%q", c.Cond.Field, c.Cond.Operator, c.Cond.Raw)
	}
	parts := make([]string, len(c.Kids))
	for i, k := range c.Kids {
		parts[i] = show(k)
	}
	return c.Op + "(" + strings.Join(parts, " ") + ")"
}

func TestParseCriteriaValid(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`Campaign_Name:equals:CRM`, `Campaign_Name:equals:["CRM"]`},
		{`(Last_Name:equals:Burns)`, `Last_Name:equals:["Burns"]`},
		{`((Last_Name:equals:Burns\,B)and(First_Name:starts_with:M))`, `and(Last_Name:equals:["Burns,B"] First_Name:starts_with:["M"])`},
		{`(Last_Name:equals:K\\)`, `Last_Name:equals:["K\\"]`},
		{`(Company:equals:A\(B\))`, `Company:equals:["A(B)"]`},
		{`(Full_Name:in:Patricia,Boyle,Kate)`, `Full_Name:in:["Patricia" "Boyle" "Kate"]`},
		{`(Full_Name:in:a\,b,c)`, `Full_Name:in:["a,b" "c"]`},
		{`(Created_Time:between:2024-02-01T18:52:56+00:00,2024-02-20T18:52:56+00:00)`,
			`Created_Time:between:["2024-02-01T18:52:56+00:00" "2024-02-20T18:52:56+00:00"]`},
		{`((a:equals:1) AND (b:equals:2) or (c:equals:3))`, `or(and(a:equals:["1"] b:equals:["2"]) c:equals:["3"])`},
		{`(((a:equals:1)or(b:equals:2))and(c:EQUALS:3))`, `and(or(a:equals:["1"] b:equals:["2"]) c:equals:["3"])`},
		{` ( (a:equals:1) and ( (b:equals:2) ) ) `, `and(a:equals:["1"] b:equals:["2"])`},
	} {
		got, err := ParseCriteria(c.in)
		if err != nil {
			t.Errorf("%s: %v", c.in, err)
			continue
		}
		if s := show(got); s != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.in, s, c.want)
		}
	}
}

func errJSON(err error) string {
	e, ok := err.(*Error)
	if !ok {
		return fmt.Sprint(err)
	}
	b, _ := json.Marshal(map[string]any{"code": e.Code, "details": e.Details, "message": e.Message, "status": e.Status})
	return string(b)
}

func TestParseCriteriaInvalid(t *testing.T) {
	syntax := func(near int) string {
		return fmt.Sprintf(`{"code":"INVALID_QUERY","details":{"near":%d,"reason":"invalid criteria"},"message":"Invalid query formed","status":400}`, near)
	}
	for _, c := range []struct{ in, want string }{
		{`(Last_Name:equals:Burns`, syntax(23)},
		{`(Last_Name:equals:Burns))`, syntax(24)},
		{`(Last_Name:equals)`, syntax(1)},
		{`(:equals:x)`, syntax(1)},
		{`Last_Name`, syntax(0)},
		{`((a:equals:1)(b:equals:2))`, syntax(13)},
		{`((a:equals:1)xor(b:equals:2))`, syntax(13)},
		{`(a:equals:1)and`, syntax(15)},
		{`(a:equals:x(y)`, syntax(11)},
		{`()`, syntax(1)},
		{`(` + strings.Repeat(`(a:equals:1)and`, 10) + `(a:equals:1))`,
			`{"code":"LIMIT_EXCEEDED","details":{"limit":10,"param_name":"criteria"},"message":"Criteria limit exceeded","status":400}`},
	} {
		_, err := ParseCriteria(c.in)
		if got := errJSON(err); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.in, got, c.want)
		}
	}
	// Ten conditions are allowed.
	if _, err := ParseCriteria(`(` + strings.Repeat(`(a:equals:1)and`, 9) + `(a:equals:1))`); err != nil {
		t.Errorf("ten conditions: %v", err)
	}
}

func TestResolveCriteriaErrors(t *testing.T) {
	deals, _ := catalog.Standard("Deals")
	q := func(details string) string {
		return `{"code":"INVALID_QUERY","details":` + details + `,"message":"Invalid query formed","status":400}`
	}
	for _, c := range []struct{ in, want string }{
		{`(Nope:equals:1)`, q(`{"api_name":"Nope","reason":"the field is not available for search"}`)},
		{`(Deal_Name:greater_than:a)`, q(`{"api_name":"Deal_Name","operator":"greater_than","reason":"invalid operator found"}`)},
		{`(Deal_Name:not_in:a)`, q(`{"api_name":"Deal_Name","operator":"not_in","reason":"invalid operator found"}`)},
		{`(Description:in:a)`, q(`{"api_name":"Description","operator":"in","reason":"invalid operator found"}`)},
		{`(Stage:starts_with:Q)`, q(`{"api_name":"Stage","operator":"starts_with","reason":"invalid operator found"}`)},
		{`(Account_Name:starts_with:1)`, q(`{"api_name":"Account_Name","operator":"starts_with","reason":"invalid operator found"}`)},
		{`(Amount:like:1)`, q(`{"api_name":"Amount","operator":"like","reason":"invalid operator found"}`)},
		{`(Amount:equals:abc)`, q(`{"api_name":"Amount","reason":"invalid value"}`)},
		{`(Amount:between:1)`, q(`{"api_name":"Amount","reason":"invalid value"}`)},
		{`(Closing_Date:equals:2024-13-01)`, q(`{"api_name":"Closing_Date","reason":"invalid value"}`)},
		{`(Created_Time:greater_than:2024-01-01)`, q(`{"api_name":"Created_Time","reason":"invalid value"}`)},
		{`(Account_Name:equals:abc)`, q(`{"api_name":"Account_Name","reason":"invalid value"}`)},
		{`(Owner:equals:x)`, q(`{"api_name":"Owner","reason":"invalid value"}`)},
		{`(Amount:in:` + strings.Repeat("1,", 100) + `1)`, `{"code":"INVALID_QUERY","details":{"api_name":"Amount"},"message":"Only 100 values are allowed in \"IN\" criteria","status":400}`},
	} {
		c2, err := ParseCriteria(c.in)
		if err == nil {
			err = c2.Resolve(deals)
		}
		if got := errJSON(err); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.in, got, c.want)
		}
	}
}
