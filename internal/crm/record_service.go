package crm

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/zcrm/zcrm/internal/catalog"
)

// The records API's rules where Zoho is silent, as zcrm settles them:
//   - Keys that name no field of the module are stored and returned verbatim (Zoho keeps custom
//     keys its clients send); "id", "$"-prefixed keys and system-managed fields are ignored on input.
//     Field names match the catalogue case-insensitively and are stored in their canonical case.
//   - "" and null clear a field (and are "missing" for a mandatory one); "-None-" clears a picklist.
//     Every picklist follows one rule, pickValue (picklist.go): any string, offered or not.
//   - Datetimes must carry a numeric offset and no fraction ("Z" is refused, as Zoho refuses it) and
//     are stored in the org's time zone (UTC); dates are YYYY-MM-DD; integers are 32-bit, bigints
//     64-bit; lookups take {"id":"…"} or a bare id of an existing record of the target module.
//   - The single-id forms (PUT/DELETE /{module}/{id}) answer an unknown or malformed path id and a
//     data-sharing refusal with a top-level error; the bulk forms answer them per item.
//   - A lookup whose target has been deleted reads as null.
//   - A record data sharing hides from the reader (private, access.go) reads as one that does not
//     exist; a change to it keeps the AUTHORIZATION_FAILED answer that public_read_only gives too.
//   - If-Modified-Since on GET /{module}/{id} compares with Modified_Time as the list does (to the
//     millisecond): 304 with no body when the record did not change after it.

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

// ApprovalApproved is the $approval_state of every inserted record (zcrm has no approval processes).
const ApprovalApproved = "approved"

// ListRecords returns one page of the module's records that actor may read (data sharing:
// VisibleOwner, applied in the query so that pages count only those) and view matches (a cvid's
// criteria: CheckCustomView; nil for every record) rendered with the requested fields (and id), by
// page or by page token (pagetoken.go, which binds the cvid). No rows means 204 (or 304 with
// If-Modified-Since) for the caller.
func ListRecords(ctx context.Context, tx Tx, actor Actor, m catalog.Module, q ListQuery, view *Criteria) ([]map[string]any, ListInfo, error) {
	return listRecords(ctx, tx, actor, m, q, view, "records")
}

// SearchRecords is ListRecords over the records crit matches (Search Records: criteria.go): the
// same paging, page tokens (bound to the search's own parameters, q.Other, and to the listing
// "search"), data sharing and rendering.
func SearchRecords(ctx context.Context, tx Tx, actor Actor, m catalog.Module, q ListQuery, crit *Criteria) ([]map[string]any, ListInfo, error) {
	return listRecords(ctx, tx, actor, m, q, crit, "search")
}

// CountRecords counts the module's records that actor may read (data sharing, as lists apply it)
// and crit matches (all of them when crit is nil).
func CountRecords(ctx context.Context, tx Tx, actor Actor, m catalog.Module, crit *Criteria) (int, error) {
	owner, err := VisibleOwner(ctx, tx, actor, m.APIName)
	if err != nil {
		return 0, err
	}
	return tx.CountRecords(ctx, RecordQuery{OrgID: actor.Org.ID, Module: m.APIName, OwnerID: owner, Criteria: crit})
}

func listRecords(ctx context.Context, tx Tx, actor Actor, m catalog.Module, q ListQuery, crit *Criteria, listing string) ([]map[string]any, ListInfo, error) {
	owner, err := VisibleOwner(ctx, tx, actor, m.APIName)
	if err != nil {
		return nil, ListInfo{}, err
	}
	p, err := newPager(tx, actor, q, listing, m.APIName)
	if err != nil {
		return nil, ListInfo{}, err
	}
	base := RecordQuery{OrgID: actor.Org.ID, Module: convertedModule(m, q), AlsoModule: convertedAlso(m, q), IDs: q.IDs, ModifiedSince: q.ModifiedSince, OwnerID: owner,
		SortBy: q.SortBy, Desc: q.Desc, Criteria: crit}
	sortBy := q.SortBy
	if q.SortField != "" {
		f, ok := m.Field(q.SortField)
		if !ok {
			return nil, ListInfo{}, ErrInvalidData(MsgInvalidData, map[string]any{"param_name": "sort_by"})
		}
		col := systemColumns[f.APIName]
		base.SortField, p.noTokens, sortBy = &Condition{Field: f.APIName, Column: col, Kind: fieldKind(f, col)}, true, f.APIName
	}
	recs, pi, err := keysetPage(p, func(cur *Cursor, offset, limit int) ([]Record, error) {
		rq := base
		rq.Cursor, rq.Offset, rq.Limit = cur, offset, limit
		return tx.ListRecords(ctx, rq)
	}, func(r Record) Record { return r })
	if err != nil {
		return nil, ListInfo{}, err
	}
	order := "desc"
	if !q.Desc {
		order = "asc"
	}
	info := ListInfo{PerPage: q.PerPage, Count: len(recs), Page: pi.Page, SortBy: sortBy, SortOrder: order, MoreRecords: pi.More,
		NextPageToken: pi.Next, PreviousPageToken: pi.Previous, PageTokenExpiry: pi.Expiry}
	r := newRenderer(ctx, tx, actor.Org)
	rows, err := r.rows(m, recs, q.Fields)
	return rows, info, err
}

// RecordRead is what a single-record read found.
type RecordRead int

const (
	// RecordMissing: no record id of the module in the org that the reader may see; Zoho answers
	// 204 alike for a record that does not exist and one data sharing hides.
	RecordMissing RecordRead = iota
	// RecordUnchanged: the record was not modified after the If-Modified-Since time (Zoho's 304).
	RecordUnchanged
	// RecordFound: the record, rendered.
	RecordFound
)

// GetRecord returns one record with every field (RecordFound), or why there is none: RecordMissing
// when the module has no record id in the org or data sharing hides it from actor (CanView), and
// RecordUnchanged when since is not zero and the record was not modified after it (compared as
// the list's If-Modified-Since compares).
func GetRecord(ctx context.Context, tx Tx, actor Actor, m catalog.Module, id int64, since time.Time) (map[string]any, RecordRead, error) {
	rec, err := tx.Record(ctx, actor.Org.ID, m.APIName, id)
	if errors.Is(err, ErrNotFound) {
		return nil, RecordMissing, nil
	}
	if err != nil {
		return nil, RecordMissing, err
	}
	if ok, err := CanView(ctx, tx, actor, rec); err != nil || !ok {
		return nil, RecordMissing, err
	}
	if !since.IsZero() && rec.ModifiedTime.UnixMilli() <= since.UnixMilli() { // the list's modified_time > since, in ms
		return nil, RecordUnchanged, nil
	}
	rows, err := newRenderer(ctx, tx, actor.Org).rows(m, []Record{rec}, nil)
	if err != nil {
		return nil, RecordMissing, err
	}
	return rows[0], RecordFound, nil
}

// InsertRecords validates and stores each element of data as a new record owned by the actor
// (unless it names another Owner), one item per element in order.
func InsertRecords(ctx context.Context, tx Tx, actor Actor, m catalog.Module, data []any) ([]Item, error) {
	return insertRecords(ctx, tx, actor, m, len(data), func(w *writer, i int, rec *Record) (*Error, error) {
		return w.apply(i, data[i], rec, true)
	})
}

// CloneRecord serves Record Clone (POST /{module}/{id}/actions/clone, Zoho's v7 and later): a new
// record of m with the field values and owner of the record rawID names, the first element of data
// (when there is one) applied over them as an update applies its fields, then checked and inserted
// as InsertRecords inserts (unique fields, enrolment by custom view): one item, "record added".
// Only the fields are copied, not notes, activities or links. A source the module does not have,
// or that data sharing hides from actor, is the path's invalid id.
func CloneRecord(ctx context.Context, tx Tx, actor Actor, m catalog.Module, rawID string, data []any) ([]Item, error) {
	id, ok := ParseID(rawID)
	if !ok {
		return nil, ErrPathID(MsgIDGivenInvalid, 1)
	}
	src, err := tx.Record(ctx, actor.Org.ID, m.APIName, id)
	if errors.Is(err, ErrNotFound) {
		return nil, ErrPathID(MsgIDGivenInvalid, 1)
	}
	if err != nil {
		return nil, err
	}
	if ok, err := CanView(ctx, tx, actor, src); err != nil || !ok {
		if err == nil {
			err = ErrPathID(MsgIDGivenInvalid, 1)
		}
		return nil, err
	}
	return insertRecords(ctx, tx, actor, m, 1, func(w *writer, i int, rec *Record) (*Error, error) {
		rec.OwnerID, rec.Data = src.OwnerID, CloneJSON(src.Data).(map[string]any)
		if len(data) == 0 {
			return nil, nil
		}
		return w.apply(i, data[0], rec, false)
	})
}

// insertRecords inserts n new records of m, the ith built on a fresh record by build (nil *Error:
// it is to be inserted), one item each: checked for unique fields in order, then written in one
// statement, then handed to the cadence engine's enrolment by view.
func insertRecords(ctx context.Context, tx Tx, actor Actor, m catalog.Module, n int, build func(w *writer, i int, rec *Record) (*Error, error)) ([]Item, error) {
	w, err := newWriter(ctx, tx, actor, m)
	if err != nil {
		return nil, err
	}
	now := tx.Now()
	items := make([]Item, n)
	var recs []Record
	var slots []int
	for i := range n {
		rec := Record{OrgID: actor.Org.ID, Module: m.APIName, OwnerID: actor.User.ID, CreatedBy: actor.User.ID,
			ModifiedBy: actor.User.ID, CreatedTime: now, ModifiedTime: now, Data: map[string]any{}}
		if e, err := build(w, i, &rec); err != nil {
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
	// Unique fields (duplicate.go), checked in order once the records have their ids.
	dup := newDupIndex(ctx, tx, actor.Org.ID, m, m.UniqueFields())
	if err := dup.prefetch(recordData(recs)); err != nil {
		return nil, err
	}
	kept := make([]Record, 0, len(recs))
	for j := range recs {
		recs[j].ID = ids[j]
		if e, err := dup.conflict(w, slots[j], recs[j], Record{}); err != nil {
			return nil, err
		} else if e != nil {
			items[slots[j]] = e.Item()
			continue
		}
		dup.put(recs[j])
		d := w.details(recs[j])
		d["$approval_state"] = ApprovalApproved
		items[slots[j]] = Success(MsgRecordAdded, d)
		kept = append(kept, recs[j])
	}
	if err := tx.InsertRecords(ctx, kept); err != nil {
		return nil, err
	}
	return items, cadenceRecordsWritten(ctx, tx, actor.Org, m, kept, true) // enrolment by custom view (engine_enrol.go)
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
			items[i] = ErrMandatory(MsgRequiredFieldNotFound, APIPath("id", path)).Item()
			continue
		}
		id, ok := idValue(v)
		if !ok {
			items[i] = ErrInvalidData(MsgIDGivenInvalid, APIPath("id", path)).Item()
			continue
		}
		ids[i] = id
		want = append(want, id)
	}
	found, err := tx.RecordsByID(ctx, actor.Org.ID, m.APIName, Dedupe(want))
	if err != nil {
		return nil, err
	}
	dup, err := updateDupIndex(ctx, tx, actor, m, data)
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
				items[i] = ErrInvalidData(MsgIDGivenInvalid, APIPath("id", "$.data["+strconv.Itoa(i)+"].id")).Item()
				continue
			}
			allowed, err := CanChange(ctx, tx, actor, rec)
			if err != nil {
				return nil, err
			}
			if !allowed {
				items[i] = NewError(http.StatusBadRequest, "AUTHORIZATION_FAILED", MsgNoPrivilegeUpdateRecords, map[string]any{"id": FormatID(rec.ID)}).Item()
				continue
			}
		}
		rec := found[ids[i]]
		it, err := w.update(i, raw, &rec)
		if err == nil && it.OK() {
			it, err = dup.check(w, i, rec, found[ids[i]], it)
		}
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
	rec, err := recordToChange(ctx, tx, actor, m, rawID, MsgNoPrivilegeUpdateRecords)
	if err != nil {
		return nil, err
	}
	w, err := newWriter(ctx, tx, actor, m)
	if err != nil {
		return nil, err
	}
	dup, err := updateDupIndex(ctx, tx, actor, m, data)
	if err != nil {
		return nil, err
	}
	items := make([]Item, len(data))
	changed := false
	for i, raw := range data {
		before := rec
		if items[i], err = w.update(i, raw, &rec); err == nil && items[i].OK() {
			items[i], err = dup.check(w, i, rec, before, items[i])
		}
		if err != nil {
			return nil, err
		}
		if !items[i].OK() {
			rec = before
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
			items[i] = NewError(http.StatusBadRequest, "AUTHORIZATION_FAILED", MsgNoPrivilegeDeleteRecords, details).Item()
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
	rec, err := recordToChange(ctx, tx, actor, m, rawID, MsgNoPrivilegeDeleteRecords)
	if err != nil {
		return nil, err
	}
	if err := deleteCascade(ctx, tx, actor, m, []int64{rec.ID}); err != nil {
		return nil, err
	}
	return []Item{Success(MsgRecordDeleted, map[string]any{"id": FormatID(rec.ID)})}, nil
}

// deleteCascade deletes records with what hangs off them: relations, live cadence enrolments
// (ended as record_deleted by the actor) and deal contact roles; the records, their notes and
// their activities go to the recycle bin (deleted.go).
func deleteCascade(ctx context.Context, tx Tx, actor Actor, m catalog.Module, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	org := actor.Org.ID
	if err := deleteAttached(ctx, tx, org, actor.User.ID, m, ids); err != nil { // notes and activities: activity.go
		return err
	}
	if err := tx.DeleteRelationsOf(ctx, org, ids); err != nil {
		return err
	}
	if err := tx.EndEnrollmentsOf(ctx, org, ids, EndRecordDeleted, actor.User.ID); err != nil {
		return err
	}
	if err := tx.DeleteDealContactRolesOf(ctx, org, ids); err != nil {
		return err
	}
	return recycle(ctx, tx, org, actor.User.ID, m.APIName, ids) // to the recycle bin: deleted.go
}

// recordToChange resolves the {id} path segment of a single-record write and checks data sharing.
func recordToChange(ctx context.Context, tx Tx, actor Actor, m catalog.Module, rawID, denied string) (Record, error) {
	id, ok := ParseID(rawID)
	if !ok {
		return Record{}, ErrPathID(MsgIDGivenInvalid, 1)
	}
	rec, err := tx.Record(ctx, actor.Org.ID, m.APIName, id)
	if errors.Is(err, ErrNotFound) {
		return Record{}, ErrPathID(MsgIDGivenInvalid, 1)
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
