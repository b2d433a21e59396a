package httpapi

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/store/storetest"
)

// searchEnv is a server with an account and three deals of known field values.
type searchEnv struct {
	*testEnv
	tok                string
	acct               int64
	alpha, beta, gamma int64
}

func newSearchEnv(t *testing.T, b storetest.Backend) *searchEnv {
	e := newEnv(t, b)
	s := &searchEnv{testEnv: e, tok: e.adminToken("ZohoCRM.modules.deals.READ", "ZohoCRM.modules.leads.READ")}
	s.acct = e.newRecord(e.admin, "Accounts", map[string]any{"Account_Name": "Zylker"})
	s.alpha = e.newRecord(e.admin, "Deals", map[string]any{"Deal_Name": "Alpha", "Stage": "Qualification", "Amount": json.Number("100"),
		"Closing_Date": "2024-01-05", "Account_Name": map[string]any{"id": crm.FormatID(s.acct)}, "Description": "first (one)"})
	s.beta = e.newRecord(e.admin, "Deals", map[string]any{"Deal_Name": "Beta (B), Inc", "Stage": "Closed Won", "Amount": json.Number("2500.5"),
		"Closing_Date": "2024-03-01"})
	s.gamma = e.newRecord(e.admin, "Deals", map[string]any{"Deal_Name": `Gamma\`, "Stage": "Qualification", "Amount": json.Number("-3")})
	return s
}

// deals is the answer of a search for these deals (by id, in the order given) with fields=Deal_Name
// and sort_order=asc, on one page.
func (s *searchEnv) deals(ids ...int64) string {
	names := map[int64]string{s.alpha: "Alpha", s.beta: "Beta (B), Inc", s.gamma: `Gamma\`}
	rows := make([]string, len(ids))
	for i, id := range ids {
		rows[i] = fmt.Sprintf(`{"id":"%d","Deal_Name":%q}`, id, names[id])
	}
	return `{"data":[` + strings.Join(rows, ",") + `],"info":{"per_page":200,"count":` + fmt.Sprint(len(ids)) +
		`,"page":1,"sort_by":"id","sort_order":"asc","more_records":false,` + pageTokens(testStart, 1, false) + `,"call":false,"email":false}}`
}

func (s *searchEnv) search(criteria string) response {
	s.t.Helper()
	return s.do("GET", "/crm/v8/Deals/search?fields=Deal_Name&sort_order=asc&criteria="+url.QueryEscape(criteria), s.tok, "")
}

// Every operator on text, picklist, number, date, datetime, lookup, owner and id fields, and/or and
// nesting, escapes: full answers, 204 when nothing matches.
func TestSearchRecordsCriteria(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		s := newSearchEnv(t, b)
		all := []int64{s.alpha, s.beta, s.gamma}
		admin := crm.FormatID(s.admin.ID)
		for _, c := range []struct {
			criteria string
			want     []int64
		}{
			{`(Deal_Name:equals:alpha)`, []int64{s.alpha}},
			{`Deal_Name:equals:Alpha`, []int64{s.alpha}},
			{`(Deal_Name:not_equal:Alpha)`, []int64{s.beta, s.gamma}},
			{`(Deal_Name:starts_with:beta \(b\)\,)`, []int64{s.beta}},
			{`(Deal_Name:equals:Gamma\\)`, []int64{s.gamma}},
			{`(Deal_Name:in:Gamma\\,Alpha,Nobody)`, []int64{s.alpha, s.gamma}},
			{`(Description:starts_with:first \(o)`, []int64{s.alpha}},
			{`(Stage:equals:qualification)`, []int64{s.alpha, s.gamma}},
			{`(Stage:in:Closed Won,Negotiation/Review)`, []int64{s.beta}},
			{`(Amount:greater_than:100)`, []int64{s.beta}},
			{`(Amount:greater_equal:100)`, []int64{s.alpha, s.beta}},
			{`(Amount:less_than:100)`, []int64{s.gamma}},
			{`(Amount:less_equal:-3)`, []int64{s.gamma}},
			{`(Amount:between:0,2500.5)`, []int64{s.alpha, s.beta}},
			{`(Amount:in:-3,2500.5)`, []int64{s.beta, s.gamma}},
			{`(Amount:not_equal:100)`, []int64{s.beta, s.gamma}},
			{`(Closing_Date:less_than:2024-02-01)`, []int64{s.alpha}},
			{`(Closing_Date:between:2024-01-05,2024-03-01)`, []int64{s.alpha, s.beta}},
			{`(Closing_Date:not_equal:2024-01-05)`, []int64{s.beta}}, // an empty field matches nothing
			{`(Account_Name:equals:` + crm.FormatID(s.acct) + `)`, []int64{s.alpha}},
			{`(Account_Name:in:1,` + crm.FormatID(s.acct) + `)`, []int64{s.alpha}},
			{`(Created_Time:equals:` + now + `)`, all},
			{`(Created_Time:greater_than:` + now + `)`, nil},
			{`(Modified_Time:between:2024-07-17T00:00:00+00:00,2024-07-18T05:00:00+05:30)`, all},
			{`(Owner:equals:` + admin + `)`, all},
			{`(Owner:not_equal:` + admin + `)`, nil},
			{`(id:in:` + crm.FormatID(s.beta) + `,` + crm.FormatID(s.gamma) + `)`, []int64{s.beta, s.gamma}},
			{`((Stage:equals:Qualification)and(Amount:greater_than:0))`, []int64{s.alpha}},
			{`((Stage:equals:Closed Won)or(Amount:less_than:0))`, []int64{s.beta, s.gamma}},
			{`(((Deal_Name:starts_with:a)or(Deal_Name:starts_with:b))and(Closing_Date:greater_than:2024-02-01))`, []int64{s.beta}},
			{`((Deal_Name:equals:Nobody)or(Stage:equals:Lost))`, nil},
		} {
			res := s.search(c.criteria)
			if len(c.want) == 0 {
				res.expect(t, 204, "")
				continue
			}
			t.Run(c.criteria, func(t *testing.T) { res.expect(t, 200, s.deals(c.want...)) })
		}
		// A datetime written with an unencoded "+" (a space once decoded) is read as meant.
		s.do("GET", "/crm/v8/Deals/search?fields=Deal_Name&sort_order=asc&criteria=(Created_Time:equals:2024-07-17T20:38:22+00:00)", s.tok, "").
			expect(t, 200, s.deals(all...))
	})
}

// Every documented error, with its exact answer.
func TestSearchRecordsErrors(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		s := newSearchEnv(t, b)
		query := func(details string) string {
			return `{"code":"INVALID_QUERY","details":` + details + `,"message":"Invalid query formed","status":"error"}`
		}
		for _, c := range []struct{ criteria, want string }{
			{`(Deal_Name:equals:Alpha`, query(`{"reason":"invalid criteria","near":23}`)},
			{`((Deal_Name:equals:a)(Stage:equals:b))`, query(`{"reason":"invalid criteria","near":21}`)},
			{`(Nope:equals:1)`, query(`{"reason":"the field is not available for search","api_name":"Nope"}`)},
			{`(Deal_Name:greater_than:a)`, query(`{"reason":"invalid operator found","api_name":"Deal_Name","operator":"greater_than"}`)},
			{`(Stage:starts_with:Q)`, query(`{"reason":"invalid operator found","api_name":"Stage","operator":"starts_with"}`)},
			{`(Deal_Name:not_in:a)`, query(`{"reason":"invalid operator found","api_name":"Deal_Name","operator":"not_in"}`)},
			{`(Amount:equals:lots)`, query(`{"reason":"invalid value","api_name":"Amount"}`)},
			{`(Closing_Date:between:2024-01-01)`, query(`{"reason":"invalid value","api_name":"Closing_Date"}`)},
			{`(Amount:in:` + strings.Repeat("1,", 100) + `1)`, `{"code":"INVALID_QUERY","details":{"api_name":"Amount"},"message":"Only 100 values are allowed in \"IN\" criteria","status":"error"}`},
			{`(` + strings.Repeat(`(Amount:equals:1)and`, 10) + `(Amount:equals:1))`,
				`{"code":"LIMIT_EXCEEDED","details":{"limit":10,"param_name":"criteria"},"message":"Criteria limit exceeded","status":"error"}`},
		} {
			s.search(c.criteria).expect(t, 400, c.want)
		}
		missing := `{"code":"EXPECTED_PARAM_MISSING","details":{"param_names":["criteria","email","phone","word"]},"message":"mandatory param missing","status":"error"}`
		s.do("GET", "/crm/v8/Deals/search?fields=Deal_Name", s.tok, "").expect(t, 400, missing)
		s.do("GET", "/crm/v8/Deals/search?criteria=&word=", s.tok, "").expect(t, 400, missing)
		s.do("GET", "/crm/v8/Deals/search?word=alpha&page=11&per_page=200", s.tok, "").
			expect(t, 400, `{"code":"LIMIT_REACHED","details":{"limit":2000},"message":"Maximum response iteration limit reached","status":"error"}`)
		s.do("GET", "/crm/v8/Deals/search?word=alpha&converted=maybe", s.tok, "").
			expect(t, 400, `{"code":"INVALID_DATA","details":{"param_name":"converted","supported_values":["true","false","both"]},"message":"invalid data","status":"error"}`)
		// The record list's scopes: another module's scope does not reach Deals.
		s.do("GET", "/crm/v8/Deals/search?word=alpha", s.adminToken("ZohoCRM.modules.leads.READ"), "").expect(t, 401, errScope)
		s.do("GET", "/crm/v8/Deals/actions/count", s.adminToken("ZohoCRM.modules.leads.ALL"), "").expect(t, 401, errScope)
	})
}

// email and phone search the module's email and phone fields, word its text fields; converted and
// approved select nothing or everything (zcrm converts no lead and approves every record).
func TestSearchRecordsEmailPhoneWord(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		s := newSearchEnv(t, b)
		ann := s.newRecord(s.admin, "Leads", map[string]any{"Last_Name": "Ann", "Email": "ann@zylker.com", "Phone": "555-0100"})
		bob := s.newRecord(s.admin, "Leads", map[string]any{"Last_Name": "Bob", "Company": "Ann Arbor Ltd", "Mobile": "555-0199"})
		leads := func(ids ...int64) string {
			names := map[int64]string{ann: "Ann", bob: "Bob"}
			rows := make([]string, len(ids))
			for i, id := range ids {
				rows[i] = fmt.Sprintf(`{"id":"%d","Last_Name":%q}`, id, names[id])
			}
			return `{"data":[` + strings.Join(rows, ",") + `],"info":{"per_page":200,"count":` + fmt.Sprint(len(ids)) +
				`,"page":1,"sort_by":"id","sort_order":"asc","more_records":false,` + pageTokens(testStart, 1, false) + `,"call":false,"email":false}}`
		}
		get := func(q string) response {
			return s.do("GET", "/crm/v8/Leads/search?fields=Last_Name&sort_order=asc&"+q, s.tok, "")
		}
		get("email=ANN%40zylker.com").expect(t, 200, leads(ann))
		get("email=ann%40zylker").expect(t, 204, "")
		get("phone=555-0199").expect(t, 200, leads(bob))
		get("phone=555-01").expect(t, 204, "")
		get("word=ann").expect(t, 200, leads(ann, bob))
		get("word=arbor").expect(t, 200, leads(bob))
		// criteria wins over email, email over phone (Zoho's order of preference).
		get("criteria=(Last_Name:equals:Bob)&email=ann%40zylker.com").expect(t, 200, leads(bob))
		get("email=ann%40zylker.com&phone=555-0199").expect(t, 200, leads(ann))
		get("word=ann&converted=true").expect(t, 204, "")
		get("word=ann&approved=false").expect(t, 204, "")
		get("word=ann&converted=both&approved=both").expect(t, 200, leads(ann, bob))
		// Without fields, every field comes back as on a single-record read.
		res := s.do("GET", "/crm/v8/Leads/search?phone=555-0100", s.tok, "")
		var body struct {
			Data []map[string]any `json:"data"`
		}
		res.decode(t, &body)
		if len(body.Data) != 1 || body.Data[0]["Email"] != "ann@zylker.com" || body.Data[0]["Company"] != nil {
			t.Errorf("all-fields search = %s", res.body)
		}
	})
}

// Search pages as the record list does: page/per_page and page tokens bound to the search.
func TestSearchRecordsPaging(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		s := newSearchEnv(t, b)
		base := "/crm/v8/Deals/search?fields=Deal_Name&sort_order=asc&per_page=1&criteria=" + url.QueryEscape("(Stage:equals:Qualification)")
		page := func(id int64, name string, n int, more bool) string {
			return fmt.Sprintf(`{"data":[{"id":"%d","Deal_Name":%q}],"info":{"per_page":1,"count":1,"page":%d,"sort_by":"id","sort_order":"asc","more_records":%t,%s,"call":false,"email":false}}`,
				id, name, n, more, pageTokens(testStart, n, more))
		}
		first := s.do("GET", base, s.tok, "")
		first.expect(t, 200, page(s.alpha, "Alpha", 1, true))
		s.do("GET", base+"&page=2", s.tok, "").expect(t, 200, page(s.gamma, `Gamma\`, 2, false))
		s.do("GET", base+"&page=3", s.tok, "").expect(t, 204, "")
		var info struct {
			Info struct {
				Next string `json:"next_page_token"`
			} `json:"info"`
		}
		first.decode(t, &info)
		tok := url.QueryEscape(info.Info.Next)
		s.do("GET", base+"&page_token="+tok, s.tok, "").expect(t, 200, page(s.gamma, `Gamma\`, 2, false))
		mismatch := `{"code":"TOKEN_BOUND_DATA_MISMATCH","details":{"param_name":"page_token"},"message":"The page_token given seems to be invalid or input param is added or altered or deleted","status":"error"}`
		// Bound to the criteria, and to the search: the list does not take it.
		s.do("GET", strings.Replace(base, "Qualification", "Closed%20Won", 1)+"&page_token="+tok, s.tok, "").expect(t, 400, mismatch)
		s.do("GET", "/crm/v8/Deals?fields=Deal_Name&sort_order=asc&per_page=1&page_token="+tok, s.tok, "").expect(t, 400, mismatch)
	})
}

// Record Count: {"count":N} for all records, or those criteria, email, phone or word select; the
// criteria errors as Search answers them.
func TestCountRecords(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		s := newSearchEnv(t, b)
		for q, want := range map[string]string{
			"": `{"count":3}`,
			"?criteria=" + url.QueryEscape("(Stage:equals:Qualification)"): `{"count":2}`,
			"?criteria=" + url.QueryEscape("(Amount:greater_than:1000)"):   `{"count":1}`,
			"?criteria=" + url.QueryEscape("(Amount:greater_than:10000)"):  `{"count":0}`,
			"?word=alpha":    `{"count":1}`,
			"?email=a%40b.c": `{"count":0}`, // Deals have no email field
		} {
			s.do("GET", "/crm/v8/Deals/actions/count"+q, s.tok, "").expect(t, 200, want)
		}
		s.do("GET", "/crm/v8/Deals/actions/count?criteria="+url.QueryEscape("(Nope:equals:1)"), s.tok, "").
			expect(t, 400, `{"code":"INVALID_QUERY","details":{"reason":"the field is not available for search","api_name":"Nope"},"message":"Invalid query formed","status":"error"}`)
		s.do("GET", "/crm/v8/Leads/actions/count", s.tok, "").expect(t, 200, `{"count":0}`)
	})
}

// Under private sharing a Standard user's search and count reach only their own records; an
// administrator's reach every record.
func TestSearchAndCountPrivate(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newSharingEnv(t, b)
		mine := e.newRecord(e.std, "Properties", map[string]any{"Name": "Oak House"})
		theirs := e.newRecord(e.admin, "Properties", map[string]any{"Name": "Oak Lodge"})
		e.setSharing("Properties", crm.SharingPrivate)
		page := func(ids ...int64) string {
			names := map[int64]string{mine: "Oak House", theirs: "Oak Lodge"}
			rows := make([]string, len(ids))
			for i, id := range ids {
				rows[i] = fmt.Sprintf(`{"id":"%d","Name":%q}`, id, names[id])
			}
			return `{"data":[` + strings.Join(rows, ",") + `],"info":{"per_page":200,"count":` + fmt.Sprint(len(ids)) +
				`,"page":1,"sort_by":"id","sort_order":"asc","more_records":false,` + pageTokens(testStart, 1, false) + `,"call":false,"email":false}}`
		}
		path := "/crm/v8/Properties/search?fields=Name&sort_order=asc&criteria=" + url.QueryEscape("(Name:starts_with:oak)")
		e.do("GET", path, e.stdTok, "").expect(t, 200, page(mine))
		e.do("GET", path, e.admTok, "").expect(t, 200, page(mine, theirs))
		e.do("GET", "/crm/v8/Properties/search?criteria="+url.QueryEscape("(Name:equals:Oak Lodge)"), e.stdTok, "").expect(t, 204, "")
		e.do("GET", "/crm/v8/Properties/actions/count", e.stdTok, "").expect(t, 200, `{"count":1}`)
		e.do("GET", "/crm/v8/Properties/actions/count?word=oak", e.admTok, "").expect(t, 200, `{"count":2}`)
	})
}
