package crm

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/zcrm/zcrm/internal/catalog"
)

// The records API's rules where Zoho is silent, as zcrm settles them:
//   - Keys that name no field of the module are stored and returned verbatim (Zoho keeps custom
//     keys its clients send); "id", "$"-prefixed keys and system-managed fields are ignored on input.
//     Field names match the catalogue case-insensitively and are stored in their canonical case.
//   - "" and null clear a field (and are "missing" for a mandatory one); "-None-" clears a picklist.
//     Picklists accept any string, as Zoho's unrestricted picklists do.
//   - Datetimes must carry a numeric offset and no fraction ("Z" is refused, as Zoho refuses it) and
//     are stored in the org's time zone (UTC); dates are YYYY-MM-DD; integers are 32-bit, bigints
//     64-bit; lookups take {"id":"…"} or a bare id of an existing record of the target module.
//   - The single-id forms (PUT/DELETE /{module}/{id}) answer an unknown or malformed path id and a
//     data-sharing refusal with a top-level error; the bulk forms answer them per item.
//   - A lookup whose target has been deleted reads as null.

// Limits of the records API.
const (
	// MaxRecordsPerCall bounds the records of one insert or update and the ids of one delete or get.
	MaxRecordsPerCall = 100
	// MaxFieldsParam bounds the names in a listing's fields parameter.
	MaxFieldsParam = 50
	// MaxPerPage is the largest (and default) page of a listing.
	MaxPerPage = 200
	// MaxDiscreteRecords is how deep page/per_page navigation reaches without a page token.
	MaxDiscreteRecords = 2000
)

// Messages of the records API, exactly as Zoho words them (the privilege messages follow the
// pattern of Zoho's related-records ones; Zoho documents none for records).
const (
	MsgRecordAdded        = "record added"
	MsgRecordUpdated      = "record updated"
	MsgRecordDeleted      = "record deleted"
	MsgRecordNotDeleted   = "record not deleted"
	MsgRecordUpdateDenied = "User does not have sufficient privilege to update records"
	MsgRecordDeleteDenied = "User does not have sufficient privilege to delete records"
	MsgRecordLimit        = "Limit Exceeded, You cannot give more than 100 records"
	MsgRecordIDsLimit     = "Limit Exceeded, You cannot give more than 100 record ids"
	MsgFieldsLimit        = "Fields limit exceeded"
	MsgDiscretePagination = "You can only get the first 2000 records without using page_token param"
)

// ApprovalApproved is the $approval_state of every inserted record (zcrm has no approval processes).
const ApprovalApproved = "approved"

func errLimit(message string, details map[string]any) *Error {
	return NewError(http.StatusBadRequest, "LIMIT_EXCEEDED", message, details)
}

// RecordsFromBody returns the "data" array of an insert or update body. A missing or empty array is
// MANDATORY_NOT_FOUND, a non-array INVALID_DATA, more than MaxRecordsPerCall elements LIMIT_EXCEEDED.
func RecordsFromBody(body map[string]any) ([]any, error) {
	raw, ok := body["data"]
	if !ok || raw == nil {
		return nil, ErrMandatory(MsgRequiredField, APIPath("data", "$.data"))
	}
	arr, ok := raw.([]any)
	if !ok {
		d := APIPath("data", "$.data")
		d["expected_data_type"] = "jsonarray"
		return nil, ErrInvalidData(MsgInvalidData, d)
	}
	if len(arr) == 0 {
		return nil, ErrMandatory(MsgRequiredField, APIPath("data", "$.data"))
	}
	if len(arr) > MaxRecordsPerCall {
		d := APIPath("data", "$.data")
		d["limit"] = MaxRecordsPerCall
		return nil, errLimit(MsgRecordLimit, d)
	}
	return arr, nil
}

// ParseIDsParam parses an ids query parameter: comma-separated ids (a trailing comma or blanks are
// ignored). Absent or blank is REQUIRED_PARAM_MISSING when required, nil otherwise; more than
// MaxRecordsPerCall elements is LIMIT_EXCEEDED; a non-id element is UNABLE_TO_PARSE_DATA_TYPE. The
// ids come back de-duplicated, first occurrence first.
func ParseIDsParam(raw string, required bool) ([]int64, error) {
	parts := SplitIDs(raw)
	if len(parts) == 0 {
		if required {
			return nil, ErrParamMissing("ids")
		}
		return nil, nil
	}
	if len(parts) > MaxRecordsPerCall {
		return nil, errLimit(MsgRecordIDsLimit, map[string]any{"limit": MaxRecordsPerCall, "param_name": "ids"})
	}
	ids, ok := ParseIDList(parts)
	if !ok {
		return nil, ErrUnparsable()
	}
	return Dedupe(ids), nil
}

// ListQuery is a parsed record listing request.
type ListQuery struct {
	Fields        []string // requested names, as given; id is always returned
	IDs           []int64  // nil for all records
	Page, PerPage int
	SortBy        string // SortByID, SortByCreatedTime or SortByModifiedTime
	Desc          bool
	ModifiedSince time.Time // zero for no If-Modified-Since
}

var sortKeys = []string{SortByID, SortByCreatedTime, SortByModifiedTime}

// ParseListQuery reads a listing's parameters through get (value, present). requireFields is true
// for the listing, false for a single-record read.
func ParseListQuery(get func(name string) (string, bool), requireFields bool) (ListQuery, error) {
	q := ListQuery{Page: 1, PerPage: MaxPerPage, SortBy: SortByID, Desc: true}
	if raw, _ := get("fields"); strings.TrimSpace(raw) != "" {
		for _, f := range strings.Split(raw, ",") {
			if f = strings.TrimSpace(f); f != "" {
				q.Fields = append(q.Fields, f)
			}
		}
	}
	if len(q.Fields) == 0 && requireFields {
		return q, ErrParamMissing("fields")
	}
	if len(q.Fields) > MaxFieldsParam {
		return q, errLimit(MsgFieldsLimit, map[string]any{"limit": MaxFieldsParam, "param_name": "fields"})
	}
	var err error
	if raw, ok := get("ids"); ok {
		if q.IDs, err = ParseIDsParam(raw, false); err != nil {
			return q, err
		}
	}
	for _, p := range []struct {
		name string
		dst  *int
	}{{"page", &q.Page}, {"per_page", &q.PerPage}} {
		raw, ok := get(p.name)
		if !ok || raw == "" {
			continue
		}
		n, err := strconv.Atoi(strings.TrimSpace(raw))
		if err != nil || n < 1 {
			return q, ErrInvalidData(MsgInvalidData, map[string]any{"param_name": p.name, "expected_data_type": "integer"})
		}
		*p.dst = n
	}
	q.PerPage = min(q.PerPage, MaxPerPage)
	if raw, ok := get("sort_by"); ok && raw != "" {
		q.SortBy = ""
		for _, k := range sortKeys {
			if strings.EqualFold(raw, k) {
				q.SortBy = k
			}
		}
		if q.SortBy == "" {
			return q, ErrInvalidData(MsgInvalidData, map[string]any{"param_name": "sort_by", "supported_values": sortKeys})
		}
	}
	if raw, ok := get("sort_order"); ok && raw != "" {
		switch strings.ToLower(raw) {
		case "asc":
			q.Desc = false
		case "desc":
			q.Desc = true
		default:
			return q, ErrInvalidData(MsgInvalidData, map[string]any{"param_name": "sort_order", "supported_values": []string{"asc", "desc"}})
		}
	}
	if q.Page > MaxDiscreteRecords/q.PerPage { // page*per_page > 2000, without overflow

		return q, NewError(http.StatusBadRequest, "DISCRETE_PAGINATION_LIMIT_EXCEEDED", MsgDiscretePagination, map[string]any{"limit": MaxDiscreteRecords})
	}
	return q, nil
}

// ListInfo is the "info" object of a record listing.
type ListInfo struct {
	PerPage           int     `json:"per_page"`
	Count             int     `json:"count"`
	Page              int     `json:"page"`
	SortBy            string  `json:"sort_by"`
	SortOrder         string  `json:"sort_order"`
	MoreRecords       bool    `json:"more_records"`
	NextPageToken     *string `json:"next_page_token"`
	PreviousPageToken *string `json:"previous_page_token"`
	PageTokenExpiry   *string `json:"page_token_expiry"`
	Call              bool    `json:"call"`
	Email             bool    `json:"email"`
}

// ListRecords returns one page of the module's records rendered with the requested fields (and id).
// No rows means 204 (or 304 with If-Modified-Since) for the caller.
func ListRecords(ctx context.Context, tx Tx, actor Actor, m catalog.Module, q ListQuery) ([]map[string]any, ListInfo, error) {
	recs, err := tx.ListRecords(ctx, RecordQuery{
		OrgID: actor.Org.ID, Module: m.APIName, IDs: q.IDs, ModifiedSince: q.ModifiedSince,
		SortBy: q.SortBy, Desc: q.Desc, Offset: (q.Page - 1) * q.PerPage, Limit: q.PerPage + 1,
	})
	if err != nil {
		return nil, ListInfo{}, err
	}
	more := len(recs) > q.PerPage
	if more {
		recs = recs[:q.PerPage]
	}
	order := "desc"
	if !q.Desc {
		order = "asc"
	}
	info := ListInfo{PerPage: q.PerPage, Count: len(recs), Page: q.Page, SortBy: q.SortBy, SortOrder: order, MoreRecords: more}
	r := newRenderer(ctx, tx, actor.Org)
	rows, err := r.rows(m, recs, q.Fields)
	return rows, info, err
}

// GetRecord returns one record with every field, or ok=false when the module has no record id
// in the org.
func GetRecord(ctx context.Context, tx Tx, actor Actor, m catalog.Module, id int64) (row map[string]any, ok bool, err error) {
	rec, err := tx.Record(ctx, actor.Org.ID, m.APIName, id)
	if errors.Is(err, ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	rows, err := newRenderer(ctx, tx, actor.Org).rows(m, []Record{rec}, nil)
	if err != nil {
		return nil, false, err
	}
	return rows[0], true, nil
}

// InsertRecords validates and stores each element of data as a new record owned by the actor
// (unless it names another Owner), one item per element in order.
func InsertRecords(ctx context.Context, tx Tx, actor Actor, m catalog.Module, data []any) ([]Item, error) {
	w, err := newWriter(ctx, tx, actor, m)
	if err != nil {
		return nil, err
	}
	now := tx.Now()
	items := make([]Item, len(data))
	var recs []Record
	var slots []int
	for i, raw := range data {
		rec := Record{OrgID: actor.Org.ID, Module: m.APIName, OwnerID: actor.User.ID, CreatedBy: actor.User.ID,
			ModifiedBy: actor.User.ID, CreatedTime: now, ModifiedTime: now, Data: map[string]any{}}
		if e, err := w.apply(i, raw, &rec, true); err != nil {
			return nil, err
		} else if e != nil {
			items[i] = e.Item()
			continue
		}
		recs = append(recs, rec)
		slots = append(slots, i)
	}
	ids, err := tx.NewIDs(ctx, len(recs))
	if err != nil {
		return nil, err
	}
	for j := range recs {
		recs[j].ID = ids[j]
		d := w.details(recs[j])
		d["$approval_state"] = ApprovalApproved
		items[slots[j]] = Success(MsgRecordAdded, d)
	}
	if err := tx.InsertRecords(ctx, recs); err != nil {
		return nil, err
	}
	return items, nil
}

// UpdateRecords applies each element of data to the record its "id" names, one item per element:
// MANDATORY_NOT_FOUND without id, INVALID_DATA for an id the module does not have in the org,
// AUTHORIZATION_FAILED when data sharing forbids the change.
func UpdateRecords(ctx context.Context, tx Tx, actor Actor, m catalog.Module, data []any) ([]Item, error) {
	w, err := newWriter(ctx, tx, actor, m)
	if err != nil {
		return nil, err
	}
	items := make([]Item, len(data))
	ids := make([]int64, len(data))
	var want []int64
	for i, raw := range data {
		obj, ok := raw.(map[string]any)
		if !ok {
			continue // apply reports it
		}
		path := "$.data[" + strconv.Itoa(i) + "].id"
		v, present := obj["id"]
		if !present || v == nil || v == "" {
			items[i] = ErrMandatory(MsgRequiredField, APIPath("id", path)).Item()
			continue
		}
		id, ok := idValue(v)
		if !ok {
			items[i] = ErrInvalidData(MsgID, APIPath("id", path)).Item()
			continue
		}
		ids[i] = id
		want = append(want, id)
	}
	found, err := tx.RecordsByID(ctx, actor.Org.ID, m.APIName, Dedupe(want))
	if err != nil {
		return nil, err
	}
	changed := map[int64]bool{}
	for i, raw := range data {
		if items[i].Code != "" {
			continue
		}
		if _, ok := raw.(map[string]any); ok {
			rec, ok := found[ids[i]]
			if !ok {
				items[i] = ErrInvalidData(MsgID, APIPath("id", "$.data["+strconv.Itoa(i)+"].id")).Item()
				continue
			}
			allowed, err := CanChange(ctx, tx, actor, rec)
			if err != nil {
				return nil, err
			}
			if !allowed {
				items[i] = NewError(http.StatusBadRequest, "AUTHORIZATION_FAILED", MsgRecordUpdateDenied, map[string]any{"id": FormatID(rec.ID)}).Item()
				continue
			}
		}
		rec := found[ids[i]]
		it, err := w.update(i, raw, &rec)
		if err != nil {
			return nil, err
		}
		items[i] = it
		if it.OK() {
			found[rec.ID] = rec
			changed[rec.ID] = true
		}
	}
	return items, w.store(found, changed)
}

// UpdateRecord applies each element of data to the record named in the path (segment 1). An id
// the module does not have is a top-level INVALID_DATA, a change data sharing forbids a top-level
// AUTHORIZATION_FAILED; the elements' own errors are items.
func UpdateRecord(ctx context.Context, tx Tx, actor Actor, m catalog.Module, rawID string, data []any) ([]Item, error) {
	rec, err := pathRecord(ctx, tx, actor, m, rawID, MsgRecordUpdateDenied)
	if err != nil {
		return nil, err
	}
	w, err := newWriter(ctx, tx, actor, m)
	if err != nil {
		return nil, err
	}
	items := make([]Item, len(data))
	changed := false
	for i, raw := range data {
		if items[i], err = w.update(i, raw, &rec); err != nil {
			return nil, err
		}
		changed = changed || items[i].OK()
	}
	return items, w.store(map[int64]Record{rec.ID: rec}, map[int64]bool{rec.ID: changed})
}

// DeleteRecords deletes the module's records among ids, one item per id: INVALID_DATA "record not
// deleted" for an id the module does not have in the org, AUTHORIZATION_FAILED when data sharing
// forbids it. Relations, live cadence enrolments and deal contact roles of the deleted records go
// in the same transaction.
func DeleteRecords(ctx context.Context, tx Tx, actor Actor, m catalog.Module, ids []int64) ([]Item, error) {
	found, err := tx.RecordsByID(ctx, actor.Org.ID, m.APIName, ids)
	if err != nil {
		return nil, err
	}
	items := make([]Item, len(ids))
	var gone []int64
	for i, id := range ids {
		details := map[string]any{"id": FormatID(id)}
		rec, ok := found[id]
		if !ok {
			items[i] = ErrInvalidData(MsgRecordNotDeleted, details).Item()
			continue
		}
		allowed, err := CanChange(ctx, tx, actor, rec)
		if err != nil {
			return nil, err
		}
		if !allowed {
			items[i] = NewError(http.StatusBadRequest, "AUTHORIZATION_FAILED", MsgRecordDeleteDenied, details).Item()
			continue
		}
		items[i] = Success(MsgRecordDeleted, details)
		gone = append(gone, id)
	}
	return items, deleteCascade(ctx, tx, actor, m, gone)
}

// DeleteRecord deletes the record named in the path (segment 1): a top-level INVALID_DATA for an id
// the module does not have, a top-level AUTHORIZATION_FAILED when data sharing forbids it.
func DeleteRecord(ctx context.Context, tx Tx, actor Actor, m catalog.Module, rawID string) ([]Item, error) {
	rec, err := pathRecord(ctx, tx, actor, m, rawID, MsgRecordDeleteDenied)
	if err != nil {
		return nil, err
	}
	if err := deleteCascade(ctx, tx, actor, m, []int64{rec.ID}); err != nil {
		return nil, err
	}
	return []Item{Success(MsgRecordDeleted, map[string]any{"id": FormatID(rec.ID)})}, nil
}

// deleteCascade deletes records with what hangs off them: relations, live cadence enrolments
// (ended as record_deleted by the actor) and deal contact roles.
func deleteCascade(ctx context.Context, tx Tx, actor Actor, m catalog.Module, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	org := actor.Org.ID
	if err := tx.DeleteRelationsOf(ctx, org, ids); err != nil {
		return err
	}
	if err := tx.EndEnrollmentsOf(ctx, org, ids, EndRecordDeleted, actor.User.ID); err != nil {
		return err
	}
	if err := tx.DeleteDealContactRolesOf(ctx, org, ids); err != nil {
		return err
	}
	return tx.DeleteRecords(ctx, org, m.APIName, ids)
}

// pathRecord resolves the {id} path segment of a single-record write and checks data sharing.
func pathRecord(ctx context.Context, tx Tx, actor Actor, m catalog.Module, rawID, denied string) (Record, error) {
	id, ok := ParseID(rawID)
	if !ok {
		return Record{}, ErrPathID(MsgID, 1)
	}
	rec, err := tx.Record(ctx, actor.Org.ID, m.APIName, id)
	if errors.Is(err, ErrNotFound) {
		return Record{}, ErrPathID(MsgID, 1)
	}
	if err != nil {
		return Record{}, err
	}
	allowed, err := CanChange(ctx, tx, actor, rec)
	if err != nil {
		return Record{}, err
	}
	if !allowed {
		return Record{}, ErrAuthorizationFailed(denied)
	}
	return rec, nil
}

// writer validates record input for one request, caching what it looks up.
type writer struct {
	ctx   context.Context
	tx    Tx
	actor Actor
	m     catalog.Module
	users map[int64]User
}

func newWriter(ctx context.Context, tx Tx, actor Actor, m catalog.Module) (*writer, error) {
	us, err := tx.Users(ctx, actor.Org.ID)
	if err != nil {
		return nil, err
	}
	w := &writer{ctx: ctx, tx: tx, actor: actor, m: m, users: make(map[int64]User, len(us))}
	for _, u := range us {
		w.users[u.ID] = u
	}
	return w, nil
}

// update applies element i to rec (an existing record) and stamps the modification.
func (w *writer) update(i int, raw any, rec *Record) (Item, error) {
	next := *rec
	next.Data = make(map[string]any, len(rec.Data))
	for k, v := range rec.Data {
		next.Data[k] = v
	}
	if e, err := w.apply(i, raw, &next, false); err != nil || e != nil {
		if err != nil {
			return Item{}, err
		}
		return e.Item(), nil
	}
	next.ModifiedBy, next.ModifiedTime = w.actor.User.ID, w.tx.Now()
	*rec = next
	return Success(MsgRecordUpdated, w.details(next)), nil
}

// store writes the changed records.
func (w *writer) store(recs map[int64]Record, changed map[int64]bool) error {
	var out []Record
	for id, ok := range changed {
		if ok {
			out = append(out, recs[id])
		}
	}
	sort.Slice(out, func(a, b int) bool { return out[a].ID < out[b].ID })
	return w.tx.UpdateRecords(w.ctx, out)
}

// details is a write item's details: the record's id and who and when created and modified it.
func (w *writer) details(rec Record) map[string]any {
	return map[string]any{
		"id":            FormatID(rec.ID),
		"Created_Time":  FormatTime(rec.CreatedTime),
		"Modified_Time": FormatTime(rec.ModifiedTime),
		"Created_By":    w.minUser(rec.CreatedBy),
		"Modified_By":   w.minUser(rec.ModifiedBy),
	}
}

func (w *writer) minUser(id int64) map[string]any {
	name := ""
	if id == w.actor.User.ID {
		name = w.actor.User.FullName()
	} else if u, ok := w.users[id]; ok {
		name = u.FullName()
	}
	return map[string]any{"name": name, "id": FormatID(id)}
}

// activeUser reports whether id is an active user of the org.
func (w *writer) activeUser(id int64) bool {
	u, ok := w.users[id]
	return ok && u.Status == "active"
}

// apply validates element i of a body's data array and merges it into rec: mandatory fields first
// (on insert every one; on update those set to null or ""), then each known field's type in
// catalogue order. Unknown keys are kept verbatim; "id", "$"-prefixed keys and system-managed
// fields are ignored. It returns the element's error, or a non-nil error for a failed lookup.
func (w *writer) apply(i int, raw any, rec *Record, insert bool) (*Error, error) {
	base := "$.data[" + strconv.Itoa(i) + "]"
	in, ok := raw.(map[string]any)
	if !ok {
		d := APIPath("data", base)
		d["expected_data_type"] = "jsonobject"
		return ErrInvalidData(MsgInvalidData, d), nil
	}
	// Field names match the catalogue case-insensitively; the canonical name wins on a clash.
	known := map[string]string{} // canonical api name → input key
	keys := make([]string, 0, len(in))
	for k := range in {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var unknown []string
	for _, k := range keys {
		f, ok := w.m.Field(k)
		switch {
		case strings.EqualFold(k, "id") || strings.HasPrefix(k, "$"):
		case ok:
			if prev, dup := known[f.APIName]; !dup || prev != f.APIName {
				known[f.APIName] = k
			}
		default:
			unknown = append(unknown, k)
		}
	}
	for _, f := range w.m.Fields {
		if !f.Mandatory {
			continue
		}
		k, given := known[f.APIName]
		if (insert && !given) || (given && blank(in[k])) {
			return ErrMandatory(MsgRequiredField, APIPath(f.APIName, base+"."+f.APIName)), nil
		}
	}
	for _, f := range w.m.Fields {
		k, given := known[f.APIName]
		if !given || f.ReadOnly {
			continue
		}
		path := base + "." + f.APIName
		if f.DataType == "ownerlookup" {
			owner, e := w.owner(in[k], f, path)
			if e != nil {
				return e, nil
			}
			if owner != 0 {
				rec.OwnerID = owner
			}
			continue
		}
		v, e, err := w.value(in[k], f, path)
		if err != nil || e != nil {
			return e, err
		}
		if v == nil {
			delete(rec.Data, f.APIName)
		} else {
			rec.Data[f.APIName] = v
		}
	}
	for _, k := range unknown {
		if in[k] == nil {
			delete(rec.Data, k)
		} else {
			rec.Data[k] = in[k]
		}
	}
	return nil, nil
}

func blank(v any) bool {
	s, isString := v.(string)
	return v == nil || (isString && strings.TrimSpace(s) == "")
}

func typeError(f catalog.Field, path string) *Error {
	d := APIPath(f.APIName, path)
	d["expected_data_type"] = f.DataType
	return ErrInvalidData(MsgInvalidData, d)
}

// value validates a field value and returns it in stored form; nil clears the field.
func (w *writer) value(v any, f catalog.Field, path string) (any, *Error, error) {
	if v == nil {
		return nil, nil, nil
	}
	switch f.DataType {
	case "text", "textarea", "email", "phone", "website", "picklist":
		s, ok := v.(string)
		if !ok {
			return nil, typeError(f, path), nil
		}
		if strings.TrimSpace(s) == "" || (f.DataType == "picklist" && s == catalog.NoneValue) {
			return nil, nil, nil
		}
		if utf8.RuneCountInString(s) > f.MaxLength() {
			d := APIPath(f.APIName, path)
			d["maximum_length"] = f.MaxLength()
			return nil, ErrInvalidData(MsgInvalidData, d), nil
		}
		if f.DataType == "email" && !validEmail(s) {
			return nil, typeError(f, path), nil
		}
		return s, nil, nil
	case "integer", "bigint":
		n, ok := v.(json.Number)
		if !ok {
			return nil, typeError(f, path), nil
		}
		i, err := strconv.ParseInt(n.String(), 10, 64)
		if err != nil || (f.DataType == "integer" && (i > math.MaxInt32 || i < math.MinInt32)) {
			return nil, typeError(f, path), nil
		}
		return json.Number(strconv.FormatInt(i, 10)), nil, nil
	case "double", "currency", "percent", "decimal":
		n, ok := v.(json.Number)
		if !ok {
			return nil, typeError(f, path), nil
		}
		x, err := n.Float64()
		if err != nil || math.IsInf(x, 0) || math.IsNaN(x) {
			return nil, typeError(f, path), nil
		}
		return n, nil, nil
	case "boolean":
		if _, ok := v.(bool); !ok {
			return nil, typeError(f, path), nil
		}
		return v, nil, nil
	case "date":
		s, ok := v.(string)
		if !ok {
			return nil, typeError(f, path), nil
		}
		if _, err := time.Parse("2006-01-02", s); err != nil {
			return nil, typeError(f, path), nil
		}
		return s, nil, nil
	case "datetime":
		s, ok := v.(string)
		if !ok {
			return nil, typeError(f, path), nil
		}
		t, ok := ParseTime(s)
		if !ok {
			return nil, typeError(f, path), nil
		}
		return FormatTime(t), nil, nil
	case "lookup":
		id, ok := refID(v)
		if !ok {
			return nil, typeError(f, path), nil
		}
		target, err := ResolveModule(w.ctx, w.tx, w.actor.Org, f.Lookup)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return nil, nil, err
		}
		if err == nil {
			_, err = w.tx.Record(w.ctx, w.actor.Org.ID, target.APIName, id)
		}
		if errors.Is(err, ErrNotFound) {
			return nil, ErrInvalidData(MsgInvalidData, APIPath(f.APIName, path)), nil
		}
		if err != nil {
			return nil, nil, err
		}
		return map[string]any{"id": FormatID(id)}, nil, nil
	}
	return v, nil, nil
}

// owner validates an Owner value: {"id":"…"} (or a bare id) of an active user of the org. A null
// Owner keeps the current one (0).
func (w *writer) owner(v any, f catalog.Field, path string) (int64, *Error) {
	if v == nil {
		return 0, nil
	}
	id, ok := refID(v)
	if !ok {
		return 0, typeError(f, path)
	}
	if !w.activeUser(id) {
		return 0, ErrInvalidData(MsgInvalidData, APIPath(f.APIName, path))
	}
	return id, nil
}

// refID reads the id of a lookup value: {"id":"…"}, or a bare id string or number.
func refID(v any) (int64, bool) {
	if obj, ok := v.(map[string]any); ok {
		v = obj["id"]
	}
	return idValue(v)
}

// idValue reads an id given as a JSON string or number.
func idValue(v any) (int64, bool) {
	switch x := v.(type) {
	case string:
		return ParseID(strings.TrimSpace(x))
	case json.Number:
		return ParseID(x.String())
	}
	return 0, false
}

// renderer turns stored records into Zoho's record rows.
type renderer struct {
	ctx   context.Context
	tx    Tx
	org   Org
	users map[int64]User
}

func newRenderer(ctx context.Context, tx Tx, org Org) *renderer {
	return &renderer{ctx: ctx, tx: tx, org: org}
}

// column is one key of a rendered row.
type column struct {
	name  string
	field catalog.Field
	known bool // a catalogue field (else a key stored verbatim)
}

// rows renders recs with the named fields (nil: every catalogue field plus the stored unknown keys)
// and always id. Catalogue fields are rendered null when unset; lookups as {"name","id"} (null when
// the target is gone); users as {"name","id","email"}; times with FormatTime.
func (r *renderer) rows(m catalog.Module, recs []Record, fields []string) ([]map[string]any, error) {
	var cols []column
	seen := map[string]bool{"id": true}
	add := func(c column) {
		if !seen[c.name] {
			seen[c.name] = true
			cols = append(cols, c)
		}
	}
	if fields == nil {
		for _, f := range m.Fields {
			add(column{name: f.APIName, field: f, known: true})
		}
	} else {
		for _, name := range fields {
			if f, ok := m.Field(name); ok {
				add(column{name: f.APIName, field: f, known: true})
			} else if !strings.EqualFold(name, "id") {
				add(column{name: name})
			}
		}
	}
	names, err := r.lookupNames(recs, cols)
	if err != nil {
		return nil, err
	}
	if err := r.loadUsers(); err != nil {
		return nil, err
	}
	out := make([]map[string]any, len(recs))
	for i, rec := range recs {
		row := map[string]any{"id": FormatID(rec.ID)}
		for _, c := range cols {
			if !c.known {
				if v, ok := rec.Data[c.name]; ok {
					row[c.name] = v
				}
				continue
			}
			row[c.name] = r.cell(rec, c.field, names)
		}
		if fields == nil {
			for k, v := range rec.Data {
				if !seen[k] {
					row[k] = v
				}
			}
		}
		out[i] = row
	}
	return out, nil
}

// cell renders one catalogue field of a record.
func (r *renderer) cell(rec Record, f catalog.Field, names map[string]map[int64]string) any {
	switch f.APIName {
	case "Owner":
		return r.userRef(rec.OwnerID)
	case "Created_By":
		return r.userRef(rec.CreatedBy)
	case "Modified_By":
		return r.userRef(rec.ModifiedBy)
	case "Created_Time":
		return FormatTime(rec.CreatedTime)
	case "Modified_Time":
		return FormatTime(rec.ModifiedTime)
	}
	v, ok := rec.Data[f.APIName]
	if !ok {
		return nil
	}
	if f.DataType == "lookup" {
		id, ok := refID(v)
		if !ok {
			return nil
		}
		name, ok := names[f.Lookup][id]
		if !ok {
			return nil
		}
		return map[string]any{"name": name, "id": FormatID(id)}
	}
	return v
}

func (r *renderer) loadUsers() error {
	if r.users != nil {
		return nil
	}
	us, err := r.tx.Users(r.ctx, r.org.ID)
	if err != nil {
		return err
	}
	r.users = make(map[int64]User, len(us))
	for _, u := range us {
		r.users[u.ID] = u
	}
	return nil
}

func (r *renderer) userRef(id int64) map[string]any {
	u, ok := r.users[id]
	if !ok {
		return map[string]any{"name": "", "id": FormatID(id), "email": ""}
	}
	return map[string]any{"name": u.FullName(), "id": FormatID(id), "email": u.Email}
}

// lookupNames loads the names of the records the lookup columns point at: target module → id → name.
func (r *renderer) lookupNames(recs []Record, cols []column) (map[string]map[int64]string, error) {
	want := map[string][]int64{}
	for _, c := range cols {
		if !c.known || c.field.DataType != "lookup" {
			continue
		}
		for _, rec := range recs {
			if id, ok := refID(rec.Data[c.name]); ok {
				want[c.field.Lookup] = append(want[c.field.Lookup], id)
			}
		}
	}
	out := make(map[string]map[int64]string, len(want))
	for target, ids := range want {
		tm, err := ResolveModule(r.ctx, r.tx, r.org, target)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		found, err := r.tx.RecordsByID(r.ctx, r.org.ID, tm.APIName, Dedupe(ids))
		if err != nil {
			return nil, err
		}
		out[target] = make(map[int64]string, len(found))
		for id, rec := range found {
			out[target][id] = RecordName(tm, rec)
		}
	}
	return out, nil
}

// RecordName is the name a lookup shows for rec: "First Last" for people, else the value of the
// module's name field.
func RecordName(m catalog.Module, rec Record) string {
	nf := m.NameField()
	name, _ := rec.Data[nf].(string)
	if nf == "Last_Name" {
		if first, _ := rec.Data["First_Name"].(string); first != "" {
			name = strings.TrimSpace(first + " " + name)
		}
	}
	return name
}
