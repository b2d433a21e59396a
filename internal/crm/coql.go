package crm

// COQL: Zoho's Query API, POST /coql with {"select_query": "select … from … where …"}.
//
// What Zoho documents (v8 COQL overview and limitations pages, and the executeCOQLQuery operation
// and examples of Zoho's crm-oas v8.0 repository), and what zcrm settles where Zoho is silent:
//   - Scopes: ZohoCRM.coql.READ and the read scope of the queried module (modules.ALL,
//     modules.READ, modules.{module}.READ …), as the operation lists them in pairs; the profile
//     needs the module's View permission. zcrm checks the coql scope first, then parses the
//     query, then the module (INVALID_MODULE), its scope and its permission.
//   - Clauses: select, from, where, group by, order by, limit, offset; keywords in any case. The
//     where clause is required: without it Zoho answers SYNTAX_ERROR "missing clause"
//     {"clause":"where"} (Zoho's example); "where id is not null" selects every record.
//   - Operators: = != < <= > >= like, not like, in, not in, between … and …, is null, is not
//     null, and/or with brackets. Zoho requires more than two criteria to be bracketed in pairs
//     ((A and B) and C); an unbracketed third is SYNTAX_ERROR "error occured while parsing the
//     query" {"near": the and/or} (Zoho's message, spelling included). "not" anywhere else is
//     SYNTAX_ERROR "operator not supported" {"operator":"not"}, as is any other operator (<>).
//     Any statement but select is SYNTAX_ERROR "given coql query not supported" {} (sub-queries
//     included); a token the grammar does not expect is SYNTAX_ERROR "unexpected token" with
//     line (from 1), column (from 0) and near (the token; "<EOF>" at the end).
//   - Operators by field type (Zoho's search table, extended with COQL's own): text, email,
//     phone, website and picklist take = != like, not like, in, not in, is null, is not null;
//     numbers, dates and datetimes = != < <= > >= between in, not in, is null, is not null;
//     lookups, owner lookups and id = != in, not in, is null, is not null; booleans = !=.
//     Another operator is INVALID_QUERY "Invalid query formed" {"reason":"invalid operator
//     found","column_name","operator"} (Zoho's example). Multi-line fields cannot be used in
//     criteria (Zoho's limitations): INVALID_QUERY "unsupported column in criteria"
//     {"cv_criteria":false,"column_name","value","operator"} (Zoho's example). A value that does
//     not parse as its field's type is INVALID_QUERY "Invalid query formed" {"reason":"invalid
//     value","column_name","operator"}, zcrm's choice in the example's form. Comparisons follow
//     criteria.go: text case-insensitively, an empty field matching no comparison (is null
//     aside); like's "%" stands for any run of characters.
//   - Fields: api names, case-insensitively, answered under their api name; "id"; one lookup
//     deep, "Account_Name.Account_Name" (the record the lookup points at, LEFT JOINed: null when
//     it is gone or data sharing hides it), and a user lookup's "Owner.first_name", last_name,
//     full_name, email or id. An unknown field (or a deeper path) is INVALID_QUERY "unsupported
//     column" {"column_name"} (Zoho's example); a user's field in group by or order by too.
//   - Select: at most 50 columns (Zoho), an alias with "as" (the answer's key); duplicates
//     answer Zoho's examples: DUPLICATE_DATA "duplicate select column" {"column_name"},
//     DUPLICATE_DATA "duplicate aggregate function" {"column_name","aggregate"}, DUPLICATE_ALIAS
//     "same alias cannot refer more than one column" {"referred_columns","alias"},
//     INVALID_ALIAS "alias name cannot be an empty string" {"column_name","alias":""}, and
//     INVALID_QUERY "column name or property name given in select columns without alias name
//     cannot be an alias name for other select columns" {"column_name","alias"}. A field
//     repeated in order by or group by is DUPLICATE_DATA (Zoho's limitations page) with
//     "duplicate data" {"column_name","clause"}, zcrm's message.
//   - Aggregates COUNT, SUM, MIN, MAX, AVG, at most five: an unknown function is INVALID_DATA
//     "invalid data" {"reason":"unsupported aggregate function","column": as written} (Zoho's
//     example); SUM and AVG of a non-number, MIN and MAX of anything but a number, date or
//     datetime answer the same (zcrm's reading). The key of an aggregate is FUNC(Field) in
//     upper case (e.g. "COUNT(id)") unless aliased. Group by takes at most four fields (Zoho);
//     with aggregates or group by, every plain select column must be grouped and every order by
//     field a grouped one, else INVALID_QUERY "Invalid query formed" {} (Zoho's empty-details
//     example). Rows of a grouped query have no id.
//   - Rows: "id" and each select column; values as stored, times as record times, lookups and
//     users as {"id"} (COQL does not expand them: select Owner.last_name for a name). Order:
//     order by's fields (at most 10, text case-insensitively, empty values first ascending and
//     last descending), then id ascending (Zoho: records sort by id when order by is absent).
//   - Paging: LIMIT n (default 200, at most 2,000), LIMIT offset, n or LIMIT n OFFSET m; Zoho's
//     v8 limitations page allows offset + limit up to 100,000 (the 10,000 of the older versions
//     no longer holds). A limit that is not a number is INVALID_QUERY "limit given seems to be
//     invalid" {"limit": as written} (Zoho's example), zero or less INVALID_DATA "limit should be
//     greater than 0" {} (Zoho's example); an offset that is not a whole number, or one with
//     offset + limit beyond 100,000, is INVALID_QUERY "offset given seems to be invalid"
//     {"offset": as written} (the details key of Zoho's operation; the message mirrors the
//     limit's). A limit over 2,000 is LIMIT_EXCEEDED "limit exceeded" {"clause":"limit",
//     "limit":2000}; more than 25 criteria (Zoho) LIMIT_EXCEEDED {"clause":"where","limit":25};
//     select, order by, group by and aggregates beyond theirs alike: Zoho names the code, not
//     its details. in and not in take at most 100 values: INVALID_QUERY 'Only 100 values are
//     allowed in "IN" criteria' {"column_name"}.
//   - Answer: 200 {"data":[rows],"info":{"count","more_records"}}, 204 when nothing matches.
//     include_meta ["fields"] adds "fields": the select columns' field metadata keyed by column
//     (as GET /settings/fields renders them). Body errors are Zoho's examples: no select_query
//     MANDATORY_NOT_FOUND "mandatory key not found" {"api_name":"select_query"}; a select_query
//     that is not a string INVALID_DATA "invalid data" {"expected_data_type":"text","api_name",
//     "json_path"}; include_meta not an array {"expected_data_type":"jsonarray",…}, an item
//     that is not a string {"expected_data_type":"text",…,"supported_values":["fields"]}, an
//     unknown item {…,"supported_values":["fields"]}.
//   - Data sharing: a non-administrator under private sharing sees only the records they own
//     (VisibleOwner), in the base module and in every lookup's module.

import (
	"context"
	"net/http"
)

// COQL limits (Zoho's v8 overview and limitations pages).
const (
	COQLDefaultLimit = 200
	COQLMaxLimit     = 2000
	COQLMaxRecords   = 100000
	COQLMaxCriteria  = 25
	COQLMaxColumns   = 50
	COQLMaxOrderBy   = 10
	COQLMaxGroupBy   = 4
	COQLMaxAggregate = 5
)

// Messages of the COQL errors (Zoho's examples; see the top of this file for zcrm's own).
const (
	MsgCOQLUnexpectedToken = "unexpected token"
	MsgCOQLMissingClause   = "missing clause"
	MsgCOQLNotSupported    = "given coql query not supported"
	MsgCOQLOperator        = "operator not supported"
	MsgCOQLParse           = "error occured while parsing the query"
	MsgCOQLBadColumn       = "unsupported column"
	MsgCOQLBadCriteria     = "unsupported column in criteria"
	MsgCOQLDupColumn       = "duplicate select column"
	MsgCOQLDupAggregate    = "duplicate aggregate function"
	MsgCOQLDupData         = "duplicate data"
	MsgCOQLDupAlias        = "same alias cannot refer more than one column"
	MsgCOQLEmptyAlias      = "alias name cannot be an empty string"
	MsgCOQLAliasIsColumn   = "column name or property name given in select columns without alias name cannot be an alias name for other select columns"
	MsgCOQLBadLimit        = "limit given seems to be invalid"
	MsgCOQLBadOffset       = "offset given seems to be invalid"
	MsgCOQLLimitZero       = "limit should be greater than 0"
	MsgCOQLLimitExceeded   = "limit exceeded"
	MsgCOQLModule          = "the given module is not supported in api"
	MsgMandatoryKeyMissing = "mandatory key not found"
	MsgCOQLInValues        = `Only 100 values are allowed in "IN" criteria`
)

func errCOQLSyntax(message string, details map[string]any) *Error {
	return NewError(http.StatusBadRequest, "SYNTAX_ERROR", message, details)
}

func errCOQLNotSupported() *Error { return errCOQLSyntax(MsgCOQLNotSupported, map[string]any{}) }

func errCOQLMissingClause(clause string) *Error {
	return errCOQLSyntax(MsgCOQLMissingClause, map[string]any{"clause": clause})
}

func errCOQLOperator(op string) *Error {
	return errCOQLSyntax(MsgCOQLOperator, map[string]any{"operator": op})
}

func errCOQLNear(near string) *Error {
	return errCOQLSyntax(MsgCOQLParse, map[string]any{"near": near})
}

func errCOQLQuery(message string, details map[string]any) *Error {
	return NewError(http.StatusBadRequest, "INVALID_QUERY", message, details)
}

func errCOQLColumn(name string) *Error {
	return errCOQLQuery(MsgCOQLBadColumn, map[string]any{"column_name": name})
}

func errCOQLLimit(clause string, limit int) *Error {
	return NewError(http.StatusBadRequest, "LIMIT_EXCEEDED", MsgCOQLLimitExceeded, map[string]any{"clause": clause, "limit": limit})
}

func errCOQLDuplicate(code, message string, details map[string]any) *Error {
	return NewError(http.StatusBadRequest, code, message, details)
}

// ErrCOQLModule is COQL's INVALID_MODULE: the from clause names no module the API serves.
func ErrCOQLModule() *Error {
	return NewError(http.StatusBadRequest, "INVALID_MODULE", MsgCOQLModule, map[string]any{})
}

// COQLOperand is a value the store reads from a COQL query's records: a field of the record
// (Join 0) or of the record its Join-th lookup points at, typed as criteria conditions are.
type COQLOperand struct {
	Join   int
	Field  string // the field's api name (data key)
	Column string // KindColumn: the records column
	Kind   CondKind
}

// COQLJoin is a lookup of the query's records whose target record is joined: Field is the
// lookup's api name, Module its target; OwnerID restricts the joined records (data sharing).
type COQLJoin struct {
	Field   string
	Module  string
	OwnerID int64
}

// COQLOutput is an aggregate of a grouped row: COUNT, SUM, MIN, MAX or AVG of an operand.
type COQLOutput struct {
	Func    string
	Operand COQLOperand
}

// COQLOrder is one sort key.
type COQLOrder struct {
	Operand COQLOperand
	Desc    bool
}

// COQLSelect is a resolved COQL query as the store runs it (store/coql.go): the records of
// Module in OrgID (owned by OwnerID when it is not 0) that Where matches, with the Joins' records.
// Grouped, it answers one row per distinct Group value (or one row when Group is empty): the
// group values, then the Outputs (aggregates); else records. Order applies in both (grouped, its
// operands are among Group); Offset and Limit page the rows.
type COQLSelect struct {
	OrgID   int64
	Module  string
	OwnerID int64
	Joins   []COQLJoin
	Where   *Criteria
	Grouped bool
	Group   []COQLOperand
	Outputs []COQLOutput
	Order   []COQLOrder
	Offset  int
	Limit   int
}

// COQLRow is one record row of an ungrouped query: the record and, per join, the record its
// lookup points at (nil when there is none or data sharing hides it).
type COQLRow struct {
	Record Record
	Joined []*Record
}

// COQLTx runs COQL selects.
type COQLTx interface {
	// COQLRecords returns the records of an ungrouped query, in its order and page.
	COQLRecords(ctx context.Context, q COQLSelect) ([]COQLRow, error)
	// COQLGroups returns the rows of a grouped query: per row, the Outputs' values in order.
	// A group value is its JSON text (a string; nil when empty) or, for a column, an int64; an
	// aggregate a decimal string (nil when it has no value).
	COQLGroups(ctx context.Context, q COQLSelect) ([][]any, error)
}
