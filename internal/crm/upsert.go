package crm

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/zcrm/zcrm/internal/catalog"
)

// Upsert Records (POST /{module}/upsert), as Zoho documents it (v8 upsertRecords operation and
// examples; the Kaizen #56 post for the rules the examples leave out):
//   - Each element is matched on the duplicate check fields, in order: the request's
//     duplicate_check_fields, else the module's system-defined field then its unique fields
//     (catalog.Module.DuplicateCheckFields). The first field the element gives a value for that
//     some record holds decides: one record → that record is updated ("action":"update",
//     "record updated", duplicate_field naming the field); more than one → DUPLICATE_DATA with
//     more_records true (the DuplicateDataError of Zoho's upsert operation, which carries
//     more_records for exactly this). No match → the element is inserted ("action":"insert",
//     "record added" with $approval_state); duplicate_field then names the first check field the
//     element gave a value for (Zoho's example shows the field on an insert too), null when it
//     gave none.
//   - An update follows Update Records (data sharing: AUTHORIZATION_FAILED "…update…" with the
//     record's id; unique fields checked as duplicate.go says), an insert Insert Records.
//     Elements are handled in order: an element matching a record an earlier element inserted
//     updates it.
//   - duplicate_check_fields may name only the module's system-defined duplicate check field and
//     its unique fields (Zoho: "You can add only the system-defined duplicate check fields and
//     user-defined unique fields"); anything else — an unknown field, another field, a
//     non-string — answers a top-level INVALID_DATA "invalid data" {api_name, json_path} naming
//     the element (zcrm's reading; Zoho's pages show no example). Not an array: INVALID_DATA
//     with expected_data_type jsonarray, as for data. An empty array is the default.
//   - The answer is 200 when every element succeeded (Zoho's Success example has an insert and
//     an update under 200), 207 mixed, 400 none.

// UpsertItem is one element's answer: a SUCCESS with its action and duplicate field, or an error
// item (Action "").
type UpsertItem struct {
	Item
	Action         string // "insert" | "update"; "" for an error
	DuplicateField string // "" is null
}

// Upsert actions.
const (
	UpsertInsert = "insert"
	UpsertUpdate = "update"
)

// MarshalJSON writes a success in Zoho's key order (code, duplicate_field, action, details,
// message, status) and an error as any item.
func (u UpsertItem) MarshalJSON() ([]byte, error) {
	if u.Action == "" {
		return u.Item.MarshalJSON()
	}
	var dupField *string
	if u.DuplicateField != "" {
		dupField = &u.DuplicateField
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	err := enc.Encode(struct {
		Code           string         `json:"code"`
		DuplicateField *string        `json:"duplicate_field"`
		Action         string         `json:"action"`
		Details        map[string]any `json:"details"`
		Message        string         `json:"message"`
		Status         string         `json:"status"`
	}{u.Code, dupField, u.Action, u.Details, u.Message, u.Status})
	return bytes.TrimRight(buf.Bytes(), "\n"), err
}

// UpsertStatus is the HTTP status of an upsert's answer: 200 when every element succeeded, 207
// when some did, 400 when none did (crm.MultiStatus).
func UpsertStatus(items []UpsertItem) int {
	plain := make([]Item, len(items))
	for i, it := range items {
		plain[i] = it.Item
	}
	return MultiStatus(plain, http.StatusOK)
}

// UpsertCheckFields reads duplicate_check_fields from an upsert body: the module's fields it
// names, in order, or the module's defaults when it is absent, null or empty.
func UpsertCheckFields(body map[string]any, m catalog.Module) ([]catalog.Field, error) {
	raw, ok := body["duplicate_check_fields"]
	if !ok || raw == nil {
		return m.DuplicateCheckFields(), nil
	}
	arr, ok := raw.([]any)
	if !ok {
		d := APIPath("duplicate_check_fields", "$.duplicate_check_fields")
		d["expected_data_type"] = "jsonarray"
		return nil, ErrInvalidData(MsgInvalidData, d)
	}
	if len(arr) == 0 {
		return m.DuplicateCheckFields(), nil
	}
	allowed := m.DuplicateCheckFields()
	var out []catalog.Field
	for i, v := range arr {
		name, _ := v.(string)
		var f catalog.Field
		found := false
		for _, a := range allowed {
			if name != "" && strings.EqualFold(a.APIName, name) {
				f, found = a, true
			}
		}
		if !found {
			return nil, ErrInvalidData(MsgInvalidData, APIPath("duplicate_check_fields", "$.duplicate_check_fields["+strconv.Itoa(i)+"]"))
		}
		if !containsField(out, f.APIName) {
			out = append(out, f)
		}
	}
	return out, nil
}

func containsField(fs []catalog.Field, apiName string) bool {
	for _, f := range fs {
		if f.APIName == apiName {
			return true
		}
	}
	return false
}

// UpsertRecords inserts or updates each element of data as the file comment says, matching on
// check (UpsertCheckFields), one item per element in order.
func UpsertRecords(ctx context.Context, tx Tx, actor Actor, m catalog.Module, data []any, check []catalog.Field) ([]UpsertItem, error) {
	w, err := newWriter(ctx, tx, actor, m)
	if err != nil {
		return nil, err
	}
	dup := newDupIndex(ctx, tx, actor.Org.ID, m, append(append([]catalog.Field{}, check...), m.UniqueFields()...))
	if err := dup.prefetch(uniqueInputs(m, data)); err != nil {
		return nil, err
	}
	// One id per element, so that a record an element inserts is matched by the elements after it.
	newIDs, err := tx.NewIDs(ctx, len(data))
	if err != nil {
		return nil, err
	}
	now := tx.Now()
	items := make([]UpsertItem, len(data))
	var inserted []Record
	at := map[int64]int{} // id of a record this request inserts → its index in inserted
	stored := map[int64]Record{}
	changed := map[int64]bool{}
	for i, raw := range data {
		field, ids, err := upsertMatch(dup, raw, check)
		if err != nil {
			return nil, err
		}
		switch {
		case len(ids) > 1:
			e, err := dup.duplicate(w, field, i, ids)
			if err != nil {
				return nil, err
			}
			items[i] = UpsertItem{Item: e.Item()}
		case len(ids) == 1:
			before := dup.recs[ids[0]]
			if _, mine := at[before.ID]; !mine {
				allowed, err := CanChange(ctx, tx, actor, before)
				if err != nil {
					return nil, err
				}
				if !allowed {
					items[i] = UpsertItem{Item: NewError(http.StatusBadRequest, "AUTHORIZATION_FAILED", MsgNoPrivilegeUpdateRecords,
						map[string]any{"id": FormatID(before.ID)}).Item()}
					continue
				}
			}
			rec := before
			it, err := w.update(i, raw, &rec)
			if err == nil && it.OK() {
				it, err = dup.check(w, i, rec, before, it)
			}
			if err != nil {
				return nil, err
			}
			items[i] = UpsertItem{Item: it}
			if !it.OK() {
				continue
			}
			items[i].Action, items[i].DuplicateField = UpsertUpdate, field.APIName
			if j, mine := at[rec.ID]; mine {
				inserted[j] = rec
			} else {
				stored[rec.ID], changed[rec.ID] = rec, true
			}
		default:
			rec := Record{ID: newIDs[i], OrgID: actor.Org.ID, Module: m.APIName, OwnerID: actor.User.ID, CreatedBy: actor.User.ID,
				ModifiedBy: actor.User.ID, CreatedTime: now, ModifiedTime: now, Data: map[string]any{}}
			e, err := w.apply(i, raw, &rec, true)
			if err != nil {
				return nil, err
			}
			if e == nil {
				e, err = dup.conflict(w, i, rec, Record{})
				if err != nil {
					return nil, err
				}
			}
			if e != nil {
				items[i] = UpsertItem{Item: e.Item()}
				continue
			}
			dup.put(rec)
			at[rec.ID] = len(inserted)
			inserted = append(inserted, rec)
			d := w.details(rec)
			d["$approval_state"] = ApprovalApproved
			items[i] = UpsertItem{Item: Success(MsgRecordAdded, d), Action: UpsertInsert, DuplicateField: field.APIName}
		}
	}
	if err := tx.InsertRecords(ctx, inserted); err != nil {
		return nil, err
	}
	if err := cadenceRecordsWritten(ctx, tx, actor.Org, m, inserted, true); err != nil { // engine_enrol.go
		return nil, err
	}
	return items, w.store(stored, changed)
}

// upsertMatch finds the records element raw matches: the first check field it gives a value for
// that some record holds, with their ids (oldest first); with no match, the first check field it
// gives a value for (zero when none) and no ids.
func upsertMatch(dup *dupIndex, raw any, check []catalog.Field) (catalog.Field, []int64, error) {
	obj, ok := raw.(map[string]any)
	if !ok {
		return catalog.Field{}, nil, nil
	}
	var first catalog.Field
	for _, f := range check {
		key, given := dupKey(inputValue(obj, f.APIName))
		if !given {
			continue
		}
		if first.APIName == "" {
			first = f
		}
		ids, err := dup.matches(f, key, 0)
		if err != nil || len(ids) > 0 {
			return f, ids, err
		}
	}
	return first, nil, nil
}

// inputValue is the value obj gives for the field apiName: under its canonical name, else under
// the last other spelling of it in key order, as apply reads names case-insensitively.
func inputValue(obj map[string]any, apiName string) any {
	if v, ok := obj[apiName]; ok {
		return v
	}
	var keys []string
	for k := range obj {
		if strings.EqualFold(k, apiName) {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return nil
	}
	sort.Strings(keys)
	return obj[keys[len(keys)-1]]
}
