package store

import (
	"database/sql"
	"regexp"
	"slices"

	"github.com/zcrm/zcrm/internal/catalog"
)

// Expression indexes on record fields (migration 0016, one file per database: the two read JSON
// with different functions). A record's field values live in its JSON data column, so a search by
// email or phone, a unique field's duplicate check, a count with criteria or a COQL where clause
// on a field would read every record of the org's module. For the fields those lookups use, each
// database has an index on (org_id, module, the field's text comparison form): exactly the
// expression criteriaOperand emits for a KindText condition (lower-cased, NULL unless the value
// is a JSON string), partial on that expression IS NOT NULL — which every comparison with it
// implies, and which keeps the records without the field (most of them, for most fields) out of
// the index.
//
// A parameter can match no index, so for these fields criteriaOperand writes the field's name into
// the SQL as a literal. The name written is never text from a request: a condition's field has
// been resolved against the module's catalogue (crm.Criteria.Resolve, the COQL resolver, or the
// duplicate check's own catalogue field) before it gets here, and indexedLiteral writes a name
// only when it equals an entry of indexedFields, built here from the catalogue and checked to be
// a plain identifier. Every other field keeps its name in a parameter.
//
// PostgreSQL keeps data as TEXT: the index evaluates data::jsonb when a record is written, and a
// lookup casts only the rows the index finds. Holding data as JSONB would make those writes cheaper
// (BENCHMARKS.md, "Indexes for finding records", has the measurements and the choice).

// indexedFields are the record fields migration 0016 indexes, derived from the catalogue: every
// unique field (the duplicate check: Account_Name, Campaign_Name, Product_Name, Price_Book_Name,
// Vendor_Name, Email), every email and phone field (search by email or phone: Email, Phone,
// Mobile) and Last_Name (the name most searches and views filter on). A field added to the
// catalogue that belongs here needs a new migration: TestIndexedFieldsHaveIndexes fails until it
// has one.
var indexedFields = func() []string {
	var out []string
	add := func(name string) {
		if plainName.MatchString(name) && !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	add("Last_Name")
	for _, m := range catalog.Modules() {
		for _, f := range m.Fields {
			if f.Unique || f.DataType == "email" || f.DataType == "phone" {
				add(f.APIName)
			}
		}
	}
	slices.Sort(out)
	return out
}()

// plainName is what a field name must look like to be written into SQL as a literal.
var plainName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)

// indexedLiteral returns, for a field of indexedFields, the SQL literal criteriaOperand writes in
// place of its name parameter: PostgreSQL's jsonb key ('Email'), SQLite's JSON path ('$."Email"').
// The text comes from indexedFields' entry; ok is false for every other field.
func indexedLiteral(d Dialect, field string) (lit string, ok bool) {
	i, found := slices.BinarySearch(indexedFields, field)
	if !found {
		return "", false
	}
	name := indexedFields[i]
	if d == Postgres {
		return "'" + name + "'", true
	}
	return `'$."` + name + `"'`, true
}

// textOperand is a KindText field's comparison form on data (the column, with its alias), the
// field named by ref: "?" (its parameter, given twice) or its literal (indexedLiteral).
func textOperand(d Dialect, data, ref string) string {
	if d == Postgres {
		j := "(" + data + "::jsonb -> " + ref + ")"
		return "lower(CASE WHEN jsonb_typeof(" + j + ") = 'string' THEN " + j + " #>> '{}' END)"
	}
	return "lower(CASE WHEN json_type(" + data + ", " + ref + ") = 'text' THEN json_extract(" + data + ", " + ref + ") END)"
}

// IndexedFields returns the record fields with an expression index (migration 0016), sorted.
func IndexedFields() []string { return slices.Clone(indexedFields) }

// IndexedTextOperand returns the comparison form criteriaOperand writes for a KindText condition
// on field, an indexed field, over prefix's records ("" or an alias and a dot): the expression its
// index holds. ok is false for a field without an index. For tools that issue the store's SQL
// directly (the benchmark's query ceilings).
func (db *DB) IndexedTextOperand(prefix, field string) (expr string, ok bool) {
	lit, ok := indexedLiteral(db.dialect, field)
	if !ok {
		return "", false
	}
	return textOperand(db.dialect, prefix+"data", lit), true
}

// ReadSQL returns the reader handle (SQLite: the reader pool; PostgreSQL: the one pool), for tools
// that issue reads directly (the benchmark's query ceilings), as SQL returns the writer.
func (db *DB) ReadSQL() *sql.DB { return db.read }
