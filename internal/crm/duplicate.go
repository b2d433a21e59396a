package crm

import (
	"context"
	"math"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/zcrm/zcrm/internal/catalog"
)

// Duplicate checks, as Zoho makes them ("Duplicates are checked for every insert record API call
// based on unique fields"; Update and Upsert Records answer the same error):
//   - A unique field's value (catalog.Field.Unique) that another record of the module already has
//     answers the item DUPLICATE_DATA "duplicate data". Values compare case-insensitively, as the
//     fields metadata says ("unique": {"casesensitive": "false"}), and through the criteria's
//     comparison form (store/criteria.go criteriaOperand), so that this lookup and search by email
//     use one SQL expression (and, once it exists, one index).
//   - details are those of Zoho's Upsert example for a system field (Email): api_name, json_path,
//     duplicate_record {Owner {name, id, zuid}, module {api_name, id}, id} and more_records (more
//     than one record has the value); duplicate_record is the oldest of them.
//   - An update is checked on the unique fields whose value it changes only: a record keeps a
//     value it already had.
//   - Items of one request are checked in order against the records as the earlier items left
//     them (zcrm's choice; Zoho documents no order): of two items that carry one new value, the
//     first is written and the second answers DUPLICATE_DATA naming the first's record.
//   - The check reads the org's records in the write's own transaction, so two concurrent writes
//     of one value cannot both pass: SQLite has one writer; on PostgreSQL (SERIALIZABLE) the
//     second to commit fails its serialization check and runs again (store.rerun), seeing the
//     first's record.

// dupIndex answers which records of a module hold a value of a field, overlaying what the
// request has written so far on what the store holds.
type dupIndex struct {
	ctx    context.Context
	tx     Tx
	org    int64
	m      catalog.Module
	fields []catalog.Field
	// loaded: field → comparison key → read from the store already.
	loaded map[string]map[string]bool
	// ids: field → comparison key → ids of records that held the value in the store or took it
	// in this request (recs says whether they still hold it).
	ids map[string]map[string][]int64
	// recs is each record seen, in its latest state (the request's writes win over the store).
	recs map[int64]Record
	meta map[string]int64
}

func newDupIndex(ctx context.Context, tx Tx, org int64, m catalog.Module, fields []catalog.Field) *dupIndex {
	x := &dupIndex{ctx: ctx, tx: tx, org: org, m: m, loaded: map[string]map[string]bool{}, ids: map[string]map[string][]int64{}, recs: map[int64]Record{}}
	x.track(fields...)
	return x
}

// track adds fields to those the index keeps.
func (x *dupIndex) track(fields ...catalog.Field) {
	for _, f := range fields {
		if _, ok := x.loaded[f.APIName]; ok {
			continue
		}
		x.fields = append(x.fields, f)
		x.loaded[f.APIName] = map[string]bool{}
		x.ids[f.APIName] = map[string][]int64{}
	}
}

// dupKey is the comparison form of a value: the lower-cased string (criteria's KindText), or
// false for a value that is not a non-blank string (no field holds it).
func dupKey(v any) (string, bool) {
	s, ok := v.(string)
	if !ok || strings.TrimSpace(s) == "" {
		return "", false
	}
	return strings.ToLower(s), true
}

// load reads the module's records whose f value is one of keys not read yet: one query through
// the criteria path (an equality, or in, on the field's comparison expression).
func (x *dupIndex) load(f catalog.Field, keys []string) error {
	seen := x.loaded[f.APIName]
	var todo []any
	for _, k := range keys {
		if !seen[k] {
			seen[k] = true
			todo = append(todo, k)
		}
	}
	if len(todo) == 0 {
		return nil
	}
	op := OpIn
	if len(todo) == 1 {
		op = OpEquals
	}
	crit := &Criteria{Cond: &Condition{Field: f.APIName, Operator: op, Kind: KindText, Values: todo}}
	recs, err := x.tx.ListRecords(x.ctx, RecordQuery{OrgID: x.org, Module: x.m.APIName,
		Criteria: crit, SortBy: SortByID, Limit: math.MaxInt32})
	if err != nil {
		return err
	}
	for _, r := range recs {
		if _, mine := x.recs[r.ID]; !mine {
			x.put(r)
		}
	}
	return nil
}

// prefetch loads, one query per field, the values recs carry.
func (x *dupIndex) prefetch(recs []map[string]any) error {
	for _, f := range x.fields {
		var keys []string
		for _, data := range recs {
			if k, ok := dupKey(data[f.APIName]); ok {
				keys = append(keys, k)
			}
		}
		if err := x.load(f, keys); err != nil {
			return err
		}
	}
	return nil
}

// put records rec's latest state.
func (x *dupIndex) put(rec Record) {
	x.recs[rec.ID] = rec
	for _, f := range x.fields {
		if k, ok := dupKey(rec.Data[f.APIName]); ok && !contains64(x.ids[f.APIName][k], rec.ID) {
			x.ids[f.APIName][k] = append(x.ids[f.APIName][k], rec.ID)
		}
	}
}

func contains64(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// matches returns the ids of the records other than self that hold key in f, oldest first.
func (x *dupIndex) matches(f catalog.Field, key string, self int64) ([]int64, error) {
	x.track(f)
	if err := x.load(f, []string{key}); err != nil {
		return nil, err
	}
	var out []int64
	for _, id := range x.ids[f.APIName][key] {
		if k, ok := dupKey(x.recs[id].Data[f.APIName]); ok && k == key && id != self {
			out = append(out, id)
		}
	}
	sort.Slice(out, func(a, b int) bool { return out[a] < out[b] })
	return out, nil
}

// conflict returns the DUPLICATE_DATA error of rec, element i of the request, when a unique field
// it sets (differently from before, the record as it was; zero for an insert) holds a value
// another record has.
func (x *dupIndex) conflict(w *writer, i int, rec, before Record) (*Error, error) {
	for _, f := range x.m.UniqueFields() {
		k, ok := dupKey(rec.Data[f.APIName])
		if !ok {
			continue
		}
		if old, had := dupKey(before.Data[f.APIName]); had && old == k {
			continue
		}
		ids, err := x.matches(f, k, rec.ID)
		if err != nil || len(ids) == 0 {
			if err != nil {
				return nil, err
			}
			continue
		}
		e, err := x.duplicate(w, f, i, ids)
		return e, err
	}
	return nil, nil
}

// duplicate is DUPLICATE_DATA for field f of element i, whose value the records ids hold.
func (x *dupIndex) duplicate(w *writer, f catalog.Field, i int, ids []int64) (*Error, error) {
	if x.meta == nil {
		meta, err := x.tx.MetadataIDs(x.ctx, x.org)
		if err != nil {
			return nil, err
		}
		x.meta = meta
	}
	dup := x.recs[ids[0]]
	owner := w.minUser(dup.OwnerID)
	owner["zuid"] = FormatID(dup.OwnerID)
	return NewError(http.StatusBadRequest, "DUPLICATE_DATA", MsgDuplicateData, map[string]any{
		"api_name":  f.APIName,
		"json_path": "$.data[" + strconv.Itoa(i) + "]." + f.APIName,
		"duplicate_record": map[string]any{
			"Owner":  owner,
			"module": map[string]any{"api_name": x.m.APIName, "id": FormatID(x.meta[catalog.KeyModule(x.m.APIName)])},
			"id":     FormatID(dup.ID),
		},
		"more_records": len(ids) > 1,
	}), nil
}

// uniqueInputs returns the data of the raw elements, for prefetch: the values each gives for the
// module's fields, keyed by canonical api name (unknown keys and non-objects are skipped).
func uniqueInputs(m catalog.Module, data []any) []map[string]any {
	out := make([]map[string]any, 0, len(data))
	for _, raw := range data {
		obj, ok := raw.(map[string]any)
		if !ok {
			continue
		}
		vals := map[string]any{}
		for k, v := range obj {
			if f, ok := m.Field(k); ok {
				vals[f.APIName] = v
			}
		}
		out = append(out, vals)
	}
	return out
}

// recordData returns the field values of recs, for prefetch.
func recordData(recs []Record) []map[string]any {
	out := make([]map[string]any, len(recs))
	for i, r := range recs {
		out[i] = r.Data
	}
	return out
}

// updateDupIndex is the index an update of data is checked against, the values it gives
// prefetched.
func updateDupIndex(ctx context.Context, tx Tx, actor Actor, m catalog.Module, data []any) (*dupIndex, error) {
	x := newDupIndex(ctx, tx, actor.Org.ID, m, m.UniqueFields())
	return x, x.prefetch(uniqueInputs(m, data))
}

// check returns it, the item of element i's successful change of before into rec, or the
// change's DUPLICATE_DATA error instead; a change that stands counts for the elements after it.
func (x *dupIndex) check(w *writer, i int, rec, before Record, it Item) (Item, error) {
	e, err := x.conflict(w, i, rec, before)
	if err != nil {
		return Item{}, err
	}
	if e != nil {
		return e.Item(), nil
	}
	x.put(rec)
	return it, nil
}
