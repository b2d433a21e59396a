package httpapi

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/store/storetest"
)

// coqlEnv is a server with two accounts, three contacts and three deals of known values.
type coqlEnv struct {
	*testEnv
	tok                string
	zylker, acme       int64
	ann, bob, jones    int64
	alpha, beta, gamma int64
}

func newCOQLEnv(t *testing.T, b storetest.Backend) *coqlEnv {
	e := newEnv(t, b)
	s := &coqlEnv{testEnv: e, tok: e.adminToken("ZohoCRM.coql.READ", "ZohoCRM.modules.ALL")}
	s.zylker = e.newRecord(e.admin, "Accounts", map[string]any{"Account_Name": "Zylker", "Industry": "Technology", "Annual_Revenue": json.Number("1000")})
	s.acme = e.newRecord(e.admin, "Accounts", map[string]any{"Account_Name": "Acme", "Industry": "Finance", "Annual_Revenue": json.Number("500")})
	s.ann = e.newRecord(e.admin, "Contacts", map[string]any{"Last_Name": "Smith", "First_Name": "Ann", "Email": "ann@zylker.com",
		"Account_Name": map[string]any{"id": crm.FormatID(s.zylker)}, "Email_Opt_Out": true, "Date_of_Birth": "1990-01-02"})
	s.bob = e.newRecord(e.admin, "Contacts", map[string]any{"Last_Name": "smithers", "First_Name": "Bob", "Email": "bob@acme.com",
		"Account_Name": map[string]any{"id": crm.FormatID(s.acme)}, "Date_of_Birth": "1985-06-30"})
	s.jones = e.newRecord(e.admin, "Contacts", map[string]any{"Last_Name": "Jones", "Description": "a (b)"})
	s.alpha = e.newRecord(e.admin, "Deals", map[string]any{"Deal_Name": "Alpha", "Stage": "Qualification", "Amount": json.Number("100"),
		"Closing_Date": "2024-01-05", "Account_Name": map[string]any{"id": crm.FormatID(s.zylker)}})
	s.beta = e.newRecord(e.admin, "Deals", map[string]any{"Deal_Name": "Beta", "Stage": "Closed Won", "Amount": json.Number("2500.5"),
		"Closing_Date": "2024-03-01"})
	s.gamma = e.newRecord(e.admin, "Deals", map[string]any{"Deal_Name": "Gamma", "Stage": "Qualification", "Amount": json.Number("-3")})
	return s
}

// query posts a select_query with the env's token.
func (s *coqlEnv) query(q string) response {
	s.t.Helper()
	return s.queryAs(s.tok, q)
}

func (s *coqlEnv) queryAs(tok, q string) response {
	s.t.Helper()
	body, _ := json.Marshal(map[string]any{"select_query": q})
	return s.do("POST", "/crm/v8/coql", tok, string(body))
}

// answer is a COQL 200 body with these rows, more_records as given.
func answer(more bool, rows ...string) string {
	return `{"data":[` + strings.Join(rows, ",") + `],"info":{"count":` + fmt.Sprint(len(rows)) + `,"more_records":` + fmt.Sprint(more) + `}}`
}

// Every construct of the grammar, with full answers: comparisons, like, in, between, null tests,
// and/or with brackets, lookups one level deep, users, aliases, order by, paging, aggregates and
// group by; 204 when nothing matches.
func TestCOQLQueries(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		s := newCOQLEnv(t, b)
		id := crm.FormatID
		name := func(rid int64, last string) string { return fmt.Sprintf(`{"id":"%s","Last_Name":%q}`, id(rid), last) }
		ann, bob, jones := name(s.ann, "Smith"), name(s.bob, "smithers"), name(s.jones, "Jones")
		admin := id(s.admin.ID)
		for _, c := range []struct{ query, want string }{
			{`select Last_Name, Email from Contacts where Email = 'ANN@zylker.com'`,
				answer(false, `{"id":"`+id(s.ann)+`","Last_Name":"Smith","Email":"ann@zylker.com"}`)},
			{`SELECT last_name FROM contacts WHERE last_name != 'smith'`, answer(false, bob, jones)},
			{`select Last_Name from Contacts where Last_Name like 'smith%'`, answer(false, ann, bob)},
			{`select Last_Name from Contacts where Last_Name like '%ERS'`, answer(false, bob)},
			{`select Last_Name from Contacts where Last_Name like '%mit%'`, answer(false, ann, bob)},
			{`select Last_Name from Contacts where Last_Name like 'smith'`, answer(false, ann)},
			{`select Last_Name from Contacts where Last_Name not like 's%'`, answer(false, jones)},
			{`select Last_Name from Contacts where Last_Name in ('Jones', 'SMITH', 'Nobody')`, answer(false, ann, jones)},
			{`select Last_Name from Contacts where Last_Name not in ('Jones')`, answer(false, ann, bob)},
			{`select Last_Name from Contacts where Date_of_Birth between '1985-01-01' and '1989-12-31'`, answer(false, bob)},
			{`select Last_Name from Contacts where Date_of_Birth > '1985-06-30'`, answer(false, ann)},
			{`select Last_Name from Contacts where Date_of_Birth <= '1985-06-30'`, answer(false, bob)},
			{`select Last_Name from Contacts where Email is null`, answer(false, jones)},
			{`select Last_Name from Contacts where Email is not null`, answer(false, ann, bob)},
			{`select Last_Name from Contacts where Email_Opt_Out = true`, answer(false, ann)},
			{`select Last_Name from Contacts where Email_Opt_Out != 'true'`, answer(false, bob, jones)},
			{`select Last_Name from Contacts where (Last_Name like 'smith%' and Email_Opt_Out = false) or Last_Name = 'Jones'`, answer(false, bob, jones)},
			{`select Last_Name from Contacts where ((Last_Name like 'smith%' and Email_Opt_Out = false) or (Last_Name = 'Jones' and id is not null))`, answer(false, bob, jones)},
			{`select Last_Name from Contacts where id = ` + id(s.bob), answer(false, bob)},
			{`select Last_Name from Contacts where Account_Name = '` + id(s.acme) + `'`, answer(false, bob)},
			{`select Last_Name from Contacts where Account_Name is null`, answer(false, jones)},
			{`select Last_Name, Account_Name, Account_Name.Account_Name, Account_Name.Industry from Contacts where Account_Name.Annual_Revenue > 600`,
				answer(false, `{"id":"`+id(s.ann)+`","Last_Name":"Smith","Account_Name":{"id":"`+id(s.zylker)+`"},"Account_Name.Account_Name":"Zylker","Account_Name.Industry":"Technology"}`)},
			{`select Last_Name, Account_Name.Account_Name from Contacts where Account_Name.Account_Name like 'a%' or Account_Name.id = ` + id(s.zylker),
				answer(false, `{"id":"`+id(s.ann)+`","Last_Name":"Smith","Account_Name.Account_Name":"Zylker"}`,
					`{"id":"`+id(s.bob)+`","Last_Name":"smithers","Account_Name.Account_Name":"Acme"}`)},
			{`select Last_Name, Account_Name.Account_Name from Contacts where Last_Name = 'Jones'`,
				answer(false, `{"id":"`+id(s.jones)+`","Last_Name":"Jones","Account_Name.Account_Name":null}`)},
			{`select Last_Name from Contacts where id is not null order by Account_Name.Annual_Revenue desc`, answer(false, ann, bob, jones)},
			{`select Owner, Owner.last_name, Owner.EMAIL, Created_Time from Contacts where Owner.email = 'ADMIN@zcrm.local' and Last_Name = 'Jones'`,
				answer(false, `{"id":"`+id(s.jones)+`","Owner":{"id":"`+admin+`"},"Owner.last_name":"Administrator","Owner.email":"admin@zcrm.local","Created_Time":"2024-07-17T20:38:22+00:00"}`)},
			{`select Last_Name from Contacts where Owner.last_name like 'nobody%'`, ""},
			{`select Last_Name from Contacts where Owner = '` + admin + `' and Created_Time = '2024-07-17T20:38:22+00:00'`, answer(false, ann, bob, jones)},
			{`select Last_Name as Surname, First_Name as "given" from Contacts where id is not null order by Last_Name desc limit 2`,
				answer(true, `{"id":"`+id(s.bob)+`","Surname":"smithers","given":"Bob"}`, `{"id":"`+id(s.ann)+`","Surname":"Smith","given":"Ann"}`)},
			{`select 'Last_Name' from Contacts where 'Last_Name' = 'Jones'`, answer(false, jones)},
			{`select Last_Name from Contacts where id is not null order by Last_Name`, answer(false, jones, ann, bob)},
			{`select Last_Name from Contacts where id is not null order by Email asc, Last_Name desc`, answer(false, jones, ann, bob)},
			{`select Last_Name from Contacts where id is not null limit 1, 1`, answer(true, bob)},
			{`select Last_Name from Contacts where id is not null limit 1 offset 2`, answer(false, jones)},
			{`select Last_Name from Contacts where id is not null limit 2000 offset 98000`, ""},
			{`select Last_Name from Contacts where Last_Name = 'Nobody'`, ""},
			{`select COUNT(id) from Deals where id is not null`, answer(false, `{"COUNT(id)":3}`)},
			{`select count(Closing_Date) as dated, sum(Amount), min(Closing_Date), max(Created_Time) from Deals where id is not null`,
				answer(false, `{"dated":2,"SUM(Amount)":2597.5,"MIN(Closing_Date)":"2024-01-05","MAX(Created_Time)":"2024-07-17T20:38:22+00:00"}`)},
			{`select Stage, SUM(Amount), MAX(Amount), AVG(Amount) from Deals where id is not null group by Stage order by Stage desc`,
				answer(false, `{"Stage":"Qualification","SUM(Amount)":97,"MAX(Amount)":100,"AVG(Amount)":48.5}`,
					`{"Stage":"Closed Won","SUM(Amount)":2500.5,"MAX(Amount)":2500.5,"AVG(Amount)":2500.5}`)},
			{`select Account_Name, COUNT(id) from Deals where id is not null group by Account_Name`,
				answer(false, `{"Account_Name":null,"COUNT(id)":2}`, `{"Account_Name":{"id":"`+id(s.zylker)+`"},"COUNT(id)":1}`)},
			{`select Account_Name.Industry, Owner, COUNT(id) from Deals where Amount > 0 group by Account_Name.Industry, Owner limit 1`,
				answer(true, `{"Account_Name.Industry":null,"Owner":{"id":"`+admin+`"},"COUNT(id)":1}`)},
			{`select COUNT(id) from Deals where Stage = 'Lost' group by Stage`, ""},
		} {
			t.Run(c.query, func(t *testing.T) {
				res := s.query(c.query)
				if c.want == "" {
					res.expect(t, 204, "")
					return
				}
				res.expect(t, 200, c.want)
			})
		}
	})
}

// include_meta ["fields"] adds each select column's field as GET /settings/fields renders it.
func TestCOQLFieldsMeta(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		s := newCOQLEnv(t, b)
		body := `{"select_query":"select Last_Name, Account_Name.Industry, COUNT(id) from Contacts where Last_Name = 'Jones' group by Last_Name, Account_Name.Industry","include_meta":["fields"]}`
		var got struct {
			Data   []map[string]any          `json:"data"`
			Fields map[string]map[string]any `json:"fields"`
		}
		res := s.do("POST", "/crm/v8/coql", s.tok, body)
		if res.status != 200 {
			t.Fatalf("status %d: %s", res.status, res.body)
		}
		res.decode(t, &got)
		fieldOf := func(module, apiName string) map[string]any {
			var list struct {
				Fields []map[string]any `json:"fields"`
			}
			s.do("GET", "/crm/v8/settings/fields?module="+module, s.adminToken("ZohoCRM.settings.fields.READ"), "").decode(t, &list)
			for _, f := range list.Fields {
				if f["api_name"] == apiName {
					return f
				}
			}
			t.Fatalf("no field %s.%s", module, apiName)
			return nil
		}
		want := map[string]map[string]any{"Last_Name": fieldOf("Contacts", "Last_Name"), "Account_Name.Industry": fieldOf("Accounts", "Industry")}
		gotJSON, _ := json.Marshal(got.Fields)
		wantJSON, _ := json.Marshal(want)
		assertJSON(t, string(gotJSON), string(wantJSON))
		rows, _ := json.Marshal(got.Data)
		assertJSON(t, string(rows), `[{"Last_Name":"Jones","Account_Name.Industry":null,"COUNT(id)":1}]`)
	})
}

// Every error: the body's, the query's syntax, the module, fields and operators, select columns
// and aliases, aggregates, paging and limits, each with Zoho's full answer.
func TestCOQLErrors(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		s := newCOQLEnv(t, b)
		e := func(code, message, details string) string {
			return `{"code":"` + code + `","details":` + details + `,"message":"` + message + `","status":"error"}`
		}
		syntax := func(message, details string) string { return e("SYNTAX_ERROR", message, details) }
		query := func(message, details string) string { return e("INVALID_QUERY", message, details) }
		invalidData := func(message, details string) string { return e("INVALID_DATA", message, details) }
		limit := func(clause string, n int) string {
			return e("LIMIT_EXCEEDED", "limit exceeded", fmt.Sprintf(`{"clause":%q,"limit":%d}`, clause, n))
		}
		many := func(n int, item string) string {
			parts := make([]string, n)
			for i := range parts {
				parts[i] = fmt.Sprintf(item, i)
			}
			return strings.Join(parts, ", ")
		}
		criteria := "Last_Name = 'x0'"
		for i := 1; i < 26; i++ {
			criteria = "(" + criteria + fmt.Sprintf(" or Last_Name = 'x%d')", i)
		}
		for _, c := range []struct{ body, want string }{
			{`{}`, e("MANDATORY_NOT_FOUND", "mandatory key not found", `{"api_name":"select_query"}`)},
			{`{"select_query":5}`, invalidData("invalid data", `{"expected_data_type":"text","api_name":"select_query","json_path":"$.select_query"}`)},
			{`{"select_query":"select id from Leads where id is not null","include_meta":"fields"}`,
				invalidData("invalid data", `{"expected_data_type":"jsonarray","api_name":"include_meta","json_path":"$.include_meta"}`)},
			{`{"select_query":"select id from Leads where id is not null","include_meta":["layouts"]}`,
				invalidData("invalid data", `{"api_name":"include_meta","json_path":"$.include_meta[0]","supported_values":["fields"]}`)},
			{`{"select_query":"select id from Leads where id is not null","include_meta":["fields",1]}`,
				invalidData("invalid data", `{"expected_data_type":"text","api_name":"include_meta","json_path":"$.include_meta[1]","supported_values":["fields"]}`)},
			{`[1]`, e("UNABLE_TO_PARSE_DATA_TYPE", "either the request body or parameters is in wrong format", `{}`)},
		} {
			t.Run(c.body, func(t *testing.T) { s.do("POST", "/crm/v8/coql", s.tok, c.body).expect(t, 400, c.want) })
		}
		for _, c := range []struct{ query, want string }{
			{`select Last_Name FROM`, syntax("unexpected token", `{"line":1,"column":21,"near":"<EOF>"}`)},
			{"select Last_Name,\n from Leads where id is not null", syntax("unexpected token", `{"line":2,"column":1,"near":"from"}`)},
			{`select Last_Name from Leads where Last_Name = 'open`, syntax("unexpected token", `{"line":1,"column":46,"near":"'open"}`)},
			{`select Last_Name from Leads where Last_Name = #`, syntax("unexpected token", `{"line":1,"column":46,"near":"#"}`)},
			{`select Last_Name from Leads where Last_Name = Smith`, syntax("unexpected token", `{"line":1,"column":46,"near":"Smith"}`)},
			{`select Last_Name from Leads order by Last_Name`, syntax("missing clause", `{"clause":"where"}`)},
			{`select Last_Name from Leads`, syntax("missing clause", `{"clause":"where"}`)},
			{`delete from Leads where id is not null`, syntax("given coql query not supported", `{}`)},
			{`select Last_Name from Leads where id in (select id from Contacts where id is not null)`, syntax("given coql query not supported", `{}`)},
			{`select Last_Name from Leads where not Last_Name = 'a'`, syntax("operator not supported", `{"operator":"not"}`)},
			{`select Last_Name from Leads where Last_Name <> 'a'`, syntax("operator not supported", `{"operator":"<>"}`)},
			{`select Last_Name from Leads where Last_Name = 'a' and Last_Name = 'b' or Last_Name = 'c'`, syntax("error occured while parsing the query", `{"near":"or"}`)},
			{`select Last_Name from Nope where id is not null`, e("INVALID_MODULE", "the given module is not supported in api", `{}`)},
			{`select Nope from Leads where id is not null`, query("unsupported column", `{"column_name":"Nope"}`)},
			{`select Account_Name.Parent_Account.Account_Name from Contacts where id is not null`, query("unsupported column", `{"column_name":"Account_Name.Parent_Account.Account_Name"}`)},
			{`select Last_Name.First_Name from Contacts where id is not null`, query("unsupported column", `{"column_name":"Last_Name.First_Name"}`)},
			{`select Last_Name from Contacts where Account_Name.Nope = 'a'`, query("unsupported column", `{"column_name":"Account_Name.Nope"}`)},
			{`select Last_Name from Contacts where id is not null order by Owner.email`, query("unsupported column", `{"column_name":"Owner.email"}`)},
			{`select Last_Name from Leads where First_Name > 'a'`, query("Invalid query formed", `{"reason":"invalid operator found","column_name":"First_Name","operator":">"}`)},
			{`select Last_Name from Leads where Email_Opt_Out is null`, query("Invalid query formed", `{"reason":"invalid operator found","column_name":"Email_Opt_Out","operator":"is null"}`)},
			{`select Last_Name from Leads where Annual_Revenue like '1%'`, query("Invalid query formed", `{"reason":"invalid operator found","column_name":"Annual_Revenue","operator":"like"}`)},
			{`select Last_Name from Leads where Description != 'x'`, query("unsupported column in criteria", `{"cv_criteria":false,"column_name":"Description","value":"x","operator":"!="}`)},
			{`select Last_Name from Leads where Annual_Revenue > 'lots'`, query("Invalid query formed", `{"reason":"invalid value","column_name":"Annual_Revenue","operator":">"}`)},
			{`select Last_Name from Contacts where Date_of_Birth = '2024-13-01'`, query("Invalid query formed", `{"reason":"invalid value","column_name":"Date_of_Birth","operator":"="}`)},
			{`select Last_Name from Leads where Last_Name like 5`, query("Invalid query formed", `{"reason":"invalid value","column_name":"Last_Name","operator":"like"}`)},
			{`select Last_Name from Leads where Last_Name in (` + many(101, "'n%d'") + `)`, query(`Only 100 values are allowed in \"IN\" criteria`, `{"column_name":"Last_Name"}`)},
			{`select First_Name, First_Name from Leads where id is not null`, e("DUPLICATE_DATA", "duplicate select column", `{"column_name":"First_Name"}`)},
			{`select MAX(Annual_Revenue), max(Annual_Revenue) as m from Leads where id is not null`, e("DUPLICATE_DATA", "duplicate aggregate function", `{"column_name":"Annual_Revenue","aggregate":"MAX"}`)},
			{`select id from Contacts where id is not null order by id, id`, e("DUPLICATE_DATA", "duplicate data", `{"column_name":"id","clause":"order by"}`)},
			{`select COUNT(id) from Leads where id is not null group by Industry, industry`, e("DUPLICATE_DATA", "duplicate data", `{"column_name":"Industry","clause":"group by"}`)},
			{`select First_Name as Name, Last_Name as name from Leads where id is not null`, e("DUPLICATE_ALIAS", "same alias cannot refer more than one column", `{"referred_columns":["First_Name","Last_Name"],"alias":"Name"}`)},
			{`select First_Name as '' from Leads where id is not null`, e("INVALID_ALIAS", "alias name cannot be an empty string", `{"column_name":"First_Name","alias":""}`)},
			{`select First_Name as Last_Name, Last_Name from Leads where id is not null`,
				query("column name or property name given in select columns without alias name cannot be an alias name for other select columns", `{"column_name":"First_Name","alias":"Last_Name"}`)},
			{`select TestFunction(Last_Name) from Leads where id is not null`, invalidData("invalid data", `{"reason":"unsupported aggregate function","column":"TestFunction(Last_Name)"}`)},
			{`select SUM(Last_Name) from Leads where id is not null`, invalidData("invalid data", `{"reason":"unsupported aggregate function","column":"SUM(Last_Name)"}`)},
			{`select Last_Name, COUNT(id) from Leads where id is not null`, query("Invalid query formed", `{}`)},
			{`select Industry, COUNT(id) from Leads where id is not null group by Industry order by Last_Name`, query("Invalid query formed", `{}`)},
			{`select Last_Name from Leads where id is not null limit s`, query("limit given seems to be invalid", `{"limit":"s"}`)},
			{`select Last_Name from Leads where id is not null limit 1.5`, query("limit given seems to be invalid", `{"limit":"1.5"}`)},
			{`select Last_Name from Leads where id is not null limit 0`, invalidData("limit should be greater than 0", `{}`)},
			{`select Last_Name from Leads where id is not null limit -5`, invalidData("limit should be greater than 0", `{}`)},
			{`select Last_Name from Leads where id is not null limit 2001`, limit("limit", 2000)},
			{`select Last_Name from Leads where id is not null limit 2000 offset 98001`, query("offset given seems to be invalid", `{"offset":"98001"}`)},
			{`select Last_Name from Leads where id is not null limit x, 10`, query("offset given seems to be invalid", `{"offset":"x"}`)},
			{`select Last_Name from Leads where ` + criteria, limit("where", 25)},
			{`select ` + many(51, "Last_Name as a%d") + ` from Leads where id is not null`, limit("select", 50)},
			{`select id from Leads where id is not null order by ` + strings.TrimSuffix(strings.Repeat("Last_Name, ", 11), ", "), limit("order by", 10)},
			{`select COUNT(id) from Leads where id is not null group by ` + strings.TrimSuffix(strings.Repeat("Last_Name, ", 5), ", "), limit("group by", 4)},
			{`select COUNT(id), COUNT(Last_Name), COUNT(First_Name), COUNT(Email), COUNT(Company), COUNT(City) from Leads where id is not null`, limit("aggregate", 5)},
		} {
			t.Run(c.query, func(t *testing.T) { s.query(c.query).expect(t, 400, c.want) })
		}
	})
}

// Scopes and permission: the coql scope, then the module's read scope, then View permission.
func TestCOQLAccess(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		s := newCOQLEnv(t, b)
		mismatch := `{"code":"OAUTH_SCOPE_MISMATCH","details":{},"message":"invalid oauth scope to access this URL","status":"error"}`
		q := `select Last_Name from Contacts where Last_Name = 'Jones'`
		s.queryAs(s.adminToken("ZohoCRM.modules.ALL"), q).expect(t, 401, mismatch)
		s.queryAs(s.adminToken("ZohoCRM.coql.READ", "ZohoCRM.modules.leads.READ"), q).expect(t, 401, mismatch)
		s.queryAs(s.adminToken("ZohoCRM.coql.READ", "ZohoCRM.modules.contacts.CREATE"), q).expect(t, 401, mismatch)
		ok := answer(false, `{"id":"`+crm.FormatID(s.jones)+`","Last_Name":"Jones"}`)
		s.queryAs(s.adminToken("ZohoCRM.coql.READ", "ZohoCRM.modules.contacts.READ"), q).expect(t, 200, ok)
		s.queryAs(s.adminToken("ZohoCRM.coql.ALL", "ZohoCRM.modules.READ"), q).expect(t, 200, ok)
		// A syntax error is found before the module's scope is asked for.
		s.queryAs(s.adminToken("ZohoCRM.coql.READ"), `select`).expect(t, 400,
			`{"code":"SYNTAX_ERROR","details":{"line":1,"column":6,"near":"<EOF>"},"message":"unexpected token","status":"error"}`)
		profile := s.newProfile("No Contacts", crm.ModulePermission("View", "Contacts"))
		u := s.newUser(s.org.ID, "nocontacts@zcrm.local", profile)
		s.queryAs(s.token(u, "ZohoCRM.coql.READ", "ZohoCRM.modules.ALL"), q).expect(t, 403,
			`{"code":"NO_PERMISSION","details":{"permissions":["Crm_Implied_View_Contacts"]},"message":"permission denied","status":"error"}`)
		// Another org's records are not there.
		other, otherAdmin := s.newOrg("Other", crm.Enterprise)
		_ = other
		s.queryAs(s.token(otherAdmin, "ZohoCRM.coql.READ", "ZohoCRM.modules.ALL"), q).expect(t, 204, "")
	})
}

// Private sharing: a Standard user reads only their own records, and a lookup's record they may
// not see reads as null; an administrator sees everything.
func TestCOQLDataSharing(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		s := newCOQLEnv(t, b)
		u := s.newUser(s.org.ID, "rep@zcrm.local", "Standard")
		tok := s.token(u, "ZohoCRM.coql.READ", "ZohoCRM.modules.ALL")
		own := s.newRecord(u, "Contacts", map[string]any{"Last_Name": "Own", "Account_Name": map[string]any{"id": crm.FormatID(s.zylker)}})
		q := `select Last_Name, Account_Name.Account_Name from Contacts where id is not null order by Last_Name`
		row := func(id int64, last, account string) string {
			return fmt.Sprintf(`{"id":"%s","Last_Name":%q,"Account_Name.Account_Name":%s}`, crm.FormatID(id), last, account)
		}
		everyone := answer(false, row(s.jones, "Jones", "null"), row(own, "Own", `"Zylker"`), row(s.ann, "Smith", `"Zylker"`), row(s.bob, "smithers", `"Acme"`))
		s.queryAs(tok, q).expect(t, 200, everyone)
		s.setSharing("Contacts", crm.SharingPrivate)
		s.queryAs(tok, q).expect(t, 200, answer(false, row(own, "Own", `"Zylker"`)))
		s.queryAs(tok, `select COUNT(id) from Contacts where id is not null`).expect(t, 200, answer(false, `{"COUNT(id)":1}`))
		s.setSharing("Accounts", crm.SharingPrivate)
		s.queryAs(tok, q).expect(t, 200, answer(false, row(own, "Own", "null")))
		s.queryAs(tok, `select Last_Name from Contacts where Account_Name.Account_Name = 'Zylker'`).expect(t, 204, "")
		s.query(q).expect(t, 200, everyone)
	})
}
