package crm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/zcrm/zcrm/internal/catalog"
)

// MaxRelatedIDs bounds the ids of one delink, link or contact-role call.
const MaxRelatedIDs = 100

// ErrRelatedIDsLimit is 400 LIMIT_EXCEEDED for more than 100 ids in the ids parameter; Zoho gives the
// limit as a string here.
func ErrRelatedIDsLimit() *Error {
	return NewError(http.StatusBadRequest, "LIMIT_EXCEEDED", MsgMoreThan100RecordIDs,
		map[string]any{"limit": fmt.Sprint(MaxRelatedIDs), "param_name": "ids"})
}

// ErrBodyLimit is 400 LIMIT_EXCEEDED for a body array (under key) of more than 100 elements.
func ErrBodyLimit(key string) *Error {
	return NewError(http.StatusBadRequest, "LIMIT_EXCEEDED", MsgMoreThan100Records,
		map[string]any{"limit": MaxRelatedIDs, "api_name": key, "json_path": "$." + key})
}

// ErrRelationNotWritable is 400 NOT_SUPPORTED: the related list exists but cannot be written
// through the related-records API (Notes, Attachments, lookup-based lists, ...).
func ErrRelationNotWritable() *Error {
	return NewError(http.StatusBadRequest, "NOT_SUPPORTED", MsgRelationNotSupported, map[string]any{"resource_path_index": 2})
}

// ErrRelationNotFound is the top-level 400 MANDATORY_NOT_FOUND of a single-id delink whose records
// are not linked.
func ErrRelationNotFound() *Error {
	return ErrMandatory(MsgRelationNotFound, nil)
}

// RelatedTarget is a related list resolved against its parent module.
type RelatedTarget struct {
	Parent catalog.Module
	List   catalog.RelatedList
	// Relation is the writable relation behind the list; its Kind is "" when the list is read-only.
	Relation catalog.Relation
	// Related is the module the list shows; its APIName is "" when the list does not show a module.
	Related catalog.Module
	// ParentIsA tells whether the parent module is the relation's A side.
	ParentIsA bool
}

// Writable reports whether links can be added to and removed from the list.
func (t RelatedTarget) Writable() bool { return t.Relation.Kind != "" }

// End returns the parent record's end of the relation.
func (t RelatedTarget) End(orgID, parentID int64) RelationEnd {
	return RelationEnd{OrgID: orgID, Kind: t.Relation.Kind, IsA: t.ParentIsA, ID: parentID}
}

// ResolveRelatedList finds the related list name of parent: INVALID_DATA "the relation name given
// seems to be invalid" (path segment 2) when the module has no such list.
func ResolveRelatedList(ctx context.Context, tx Tx, org Org, parent catalog.Module, name string) (RelatedTarget, error) {
	rl, ok := parent.RelatedList(name)
	if !ok {
		return RelatedTarget{}, ErrPathID(MsgRelationNameGivenInvalid, 2)
	}
	t := RelatedTarget{Parent: parent, List: rl}
	if rl.Module != "" {
		m, err := ResolveModule(ctx, tx, org, rl.Module)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return RelatedTarget{}, err
		}
		if err == nil && m.APISupported {
			t.Related = m
		}
	}
	if rl.Relation != "" && t.Related.APIName != "" {
		rel, ok := catalog.RelationByKind(rl.Relation)
		if !ok {
			return RelatedTarget{}, fmt.Errorf("catalog: related list %s.%s names unknown relation %q", parent.APIName, rl.APIName, rl.Relation)
		}
		t.Relation = rel
		t.ParentIsA = strings.EqualFold(rel.A, parent.APIName)
	}
	return t, nil
}

// ViewedPathRecord is PathRecord for a read by actor: a record data sharing hides from actor
// (CanView) fails as a missing one, since Zoho answers a record you may not see as unknown.
func ViewedPathRecord(ctx context.Context, tx Tx, actor Actor, module, raw, message string, index int) (Record, error) {
	rec, err := PathRecord(ctx, tx, actor.Org.ID, module, raw, message, index)
	if err != nil {
		return Record{}, err
	}
	if ok, err := CanView(ctx, tx, actor, rec); err != nil {
		return Record{}, err
	} else if !ok {
		return Record{}, ErrPathID(message, index)
	}
	return rec, nil
}

// PathRecord loads the head (no field values) of the record of module whose id is the path segment
// raw; a malformed id or a missing record is 400 INVALID_DATA with message and the segment's
// resource_path_index.
func PathRecord(ctx context.Context, tx Tx, orgID int64, module, raw, message string, index int) (Record, error) {
	id, ok := ParseID(raw)
	if !ok {
		return Record{}, ErrPathID(message, index)
	}
	rec, err := tx.RecordHead(ctx, orgID, module, id)
	if errors.Is(err, ErrNotFound) {
		return Record{}, ErrPathID(message, index)
	}
	return rec, err
}

// RelatedInfo is the info object of a related-records or deal-contact-roles read.
type RelatedInfo struct {
	PerPage           int     `json:"per_page"`
	NextPageToken     *string `json:"next_page_token"`
	Count             int     `json:"count"`
	Page              int     `json:"page"`
	PreviousPageToken *string `json:"previous_page_token"`
	PageTokenExpiry   *string `json:"page_token_expiry"`
	MoreRecords       bool    `json:"more_records"`
}

// RelatedPage is one page of rows with its info; no rows means 204.
type RelatedPage struct {
	Data []map[string]any `json:"data"`
	Info RelatedInfo      `json:"info"`
}

// visibleSlice is the slice of q over records of module that actor may read (VisibleOwner); the
// pager (keysetPage) sets its page bounds.
func visibleSlice(ctx context.Context, tx Tx, actor Actor, module string, q ListQuery) (RelatedSlice, error) {
	owner, err := VisibleOwner(ctx, tx, actor, module)
	if err != nil {
		return RelatedSlice{}, err
	}
	return RelatedSlice{Only: q.IDs, OwnerID: owner, SortBy: q.SortBy, Desc: q.Desc}, nil
}

// pagedSlice reads the page of sl that p selects, by page or page token, through fetch (the
// store's read of one slice); record is an item's record.
func pagedSlice[T any](p *pager, sl RelatedSlice, fetch func(RelatedSlice) ([]T, error), record func(T) Record) ([]T, PageInfo, error) {
	return keysetPage(p, func(cur *Cursor, offset, limit int) ([]T, error) {
		s := sl
		s.Cursor, s.Offset, s.Limit = cur, offset, limit
		return fetch(s)
	}, record)
}

// ListRelated returns one page of the records linked to parentID through t (q as parsed by
// ParseListQuery) that actor may read under the related module's data sharing (VisibleOwner), each
// rendered like a record listing with the requested fields and id, plus the relation fields; by
// page or by page token (pagetoken.go: the token is bound to the parent module, record and
// related list). A list of the records whose lookup names the parent (catalog.RelatedList.By: notes,
// activities) lists them (listAttached), a chronological one the parent's activities
// (listTimeline); other read-only lists have no rows.
func ListRelated(ctx context.Context, tx Tx, actor Actor, t RelatedTarget, parentID int64, q ListQuery) (RelatedPage, error) {
	if t.List.Timeline != "" {
		return listTimeline(ctx, tx, actor, t, parentID, q)
	}
	if t.List.By != nil && t.Related.APIName != "" {
		return listAttached(ctx, tx, actor, t, parentID, q)
	}
	if !t.Writable() {
		return RelatedPage{}, nil
	}
	sl, err := visibleSlice(ctx, tx, actor, t.Related.APIName, q)
	if err != nil {
		return RelatedPage{}, err
	}
	p, err := newPager(tx, actor, q, "related", t.Parent.APIName, FormatID(parentID), t.List.APIName)
	if err != nil {
		return RelatedPage{}, err
	}
	linked, pi, err := pagedSlice(p, sl, func(s RelatedSlice) ([]LinkedRecord, error) {
		return tx.LinkedRecords(ctx, t.End(actor.Org.ID, parentID), t.Related.APIName, s)
	}, func(lr LinkedRecord) Record { return lr.Record })
	if err != nil {
		return RelatedPage{}, err
	}
	return renderRelatedPage(ctx, tx, actor.Org, t.Related, q, linked, pi,
		func(lr LinkedRecord) Record { return lr.Record },
		func(lr LinkedRecord, row map[string]any) {
			for _, f := range t.Relation.Fields {
				row[f.APIName] = lr.Link.Data[f.APIName]
			}
		})
}

// renderRelatedPage turns the items of a page (pagedSlice) into the answer: each item's record
// rendered with q's fields of module m, then given the item's own keys (relation fields,
// Contact_Role) by decorate, with pi as info.
func renderRelatedPage[T any](ctx context.Context, tx Tx, org Org, m catalog.Module, q ListQuery, items []T, pi PageInfo,
	record func(T) Record, decorate func(T, map[string]any)) (RelatedPage, error) {
	recs := make([]Record, len(items))
	for i, it := range items {
		recs[i] = record(it)
	}
	rows, err := newRenderer(ctx, tx, org).rows(m, recs, q.Fields)
	if err != nil {
		return RelatedPage{}, err
	}
	for i, it := range items {
		decorate(it, rows[i])
	}
	return RelatedPage{Data: rows, Info: relatedInfo(q, len(rows), pi)}, nil
}

// relatedInfo is the info of a page of count related rows that pi describes.
func relatedInfo(q ListQuery, count int, pi PageInfo) RelatedInfo {
	return RelatedInfo{PerPage: q.PerPage, Count: count, Page: pi.Page, MoreRecords: pi.More,
		NextPageToken: pi.Next, PreviousPageToken: pi.Previous, PageTokenExpiry: pi.Expiry}
}

// relItemPath is the JSON path of element i of the body array key, optionally of one of its keys.
func relItemPath(key string, i int, field string) string {
	p := fmt.Sprintf("$.%s[%d]", key, i)
	if field != "" {
		p += "." + field
	}
	return p
}

// relItemID reads the id an item names (a string or a number). present is false when it has none.
func relItemID(v any) (id int64, present, ok bool) {
	switch x := v.(type) {
	case nil:
		return 0, false, false
	case string:
		id, ok = ParseID(strings.TrimSpace(x))
	case json.Number:
		id, ok = ParseID(x.String())
	}
	return id, true, ok
}

// relBodyItem reads element i of a link body's data array: the object and the related id, which is
// pathID when that is not 0. A non-object is INVALID_DATA {"expected_data_type":"jsonobject"}, a
// missing id MANDATORY_NOT_FOUND, a malformed one INVALID_DATA "the id given seems to be invalid".
func relBodyItem(raw any, i int, pathID int64) (map[string]any, int64, *Error) {
	obj, ok := raw.(map[string]any)
	if !ok {
		return nil, 0, ErrInvalidData(MsgInvalidData, map[string]any{"api_name": "data", "json_path": relItemPath("data", i, ""), "expected_data_type": "jsonobject"})
	}
	if pathID != 0 {
		return obj, pathID, nil
	}
	id, present, ok := relItemID(obj["id"])
	if !present {
		return nil, 0, ErrMandatory(MsgRequiredFieldNotFound, APIPath("id", relItemPath("data", i, "id")))
	}
	if !ok {
		return nil, 0, ErrInvalidData(MsgIDGivenInvalid, APIPath("id", relItemPath("data", i, "id")))
	}
	return obj, id, nil
}

// namedItem is a readable element of a write body's data array under a parent record: its index,
// the related record it names and what the call makes of the rest of it.
type namedItem[T any] struct {
	i  int
	id int64
	v  T
}

// readNamedItems reads the elements of a write body's data array under a parent record: each names
// a related record (relBodyItem; pathID, when not 0, replaces the ids) and carries what read makes
// of it. An element that fails gets its error in out. It returns the readable elements in order
// and the distinct ids they name.
func readNamedItems[T any](items []any, pathID int64, out []Item, read func(obj map[string]any, i int) (T, *Error)) ([]namedItem[T], []int64) {
	var todo []namedItem[T]
	var ids []int64
	for i, raw := range items {
		obj, id, ierr := relBodyItem(raw, i, pathID)
		if ierr != nil {
			out[i] = ierr.Item()
			continue
		}
		v, ierr := read(obj, i)
		if ierr != nil {
			out[i] = ierr.Item()
			continue
		}
		todo = append(todo, namedItem[T]{i: i, id: id, v: v})
		ids = append(ids, id)
	}
	return todo, Dedupe(ids)
}

// errRelatedItemID is the item error of an element naming a record that does not exist.
func errRelatedItemID(i int) Item {
	return ErrInvalidData(MsgIDGivenInvalid, APIPath("id", relItemPath("data", i, "id"))).Item()
}

// LinkRelated links parent to the records of t.Related that items name, with the relation fields
// they carry. items are the elements of the body's data array. pathID, when not 0, is the related
// record named in the path (already checked to exist); it replaces the items' ids. One item per
// element, in order; an element naming an id already named earlier updates the same link.
func LinkRelated(ctx context.Context, tx Tx, org Org, t RelatedTarget, parentID int64, items []any, pathID int64) ([]Item, error) {
	out := make([]Item, len(items))
	todo, ids := readNamedItems(items, pathID, out, func(obj map[string]any, i int) (map[string]any, *Error) {
		return linkFields(t.Relation, obj, i)
	})
	end := t.End(org.ID, parentID)
	// Clearing a field (a null value) needs the stored fields; otherwise the store merges the new
	// fields over them without reading them first.
	clears := false
	for _, p := range todo {
		for _, v := range p.v {
			clears = clears || v == nil
		}
	}
	var existing map[int64]Link
	if clears {
		var err error
		if existing, err = tx.Links(ctx, end, ids); err != nil {
			return nil, err
		}
	}
	now := tx.Now()
	merged := make(map[int64]map[string]any)
	var order []int64
	for _, p := range todo {
		data, seen := merged[p.id]
		if !seen {
			data = map[string]any{}
			if l, ok := existing[p.id]; ok {
				for k, v := range l.Data {
					data[k] = v
				}
			}
			order = append(order, p.id)
		}
		for k, v := range p.v {
			if v == nil {
				delete(data, k)
			} else {
				data[k] = v
			}
		}
		merged[p.id] = data
	}
	links := make([]Link, 0, len(order))
	for _, id := range order {
		links = append(links, end.LinkTo(id, merged[id], now))
	}
	linked, err := tx.LinkRecords(ctx, end, t.Related.APIName, links, clears)
	if err != nil {
		return nil, err
	}
	for _, p := range todo {
		if linked[p.id] {
			out[p.i] = Success(MsgRelationAdded, map[string]any{"id": FormatID(p.id)})
		} else {
			out[p.i] = errRelatedItemID(p.i)
		}
	}
	return out, nil
}

// linkFields validates the relation fields an item carries: a mandatory one must be present;
// list_price is a number; Member_Status a picklist value (pickValue, the rule every picklist
// follows). A nil value clears an optional field.
func linkFields(rel catalog.Relation, obj map[string]any, i int) (map[string]any, *Error) {
	data := map[string]any{}
	for _, f := range rel.Fields {
		v, present := obj[f.APIName]
		path := func() string { return relItemPath("data", i, f.APIName) }
		if !present || v == nil {
			if f.Mandatory {
				return nil, ErrMandatory(MsgRequiredFieldNotFound, APIPath(f.APIName, path()))
			}
			if present {
				data[f.APIName] = nil
			}
			continue
		}
		switch f.DataType {
		case "double":
			n, ok := v.(json.Number)
			if !ok {
				return nil, ErrInvalidData(MsgInvalidData, map[string]any{"api_name": f.APIName, "json_path": path(), "expected_data_type": "double"})
			}
			x, err := n.Float64()
			if err != nil {
				return nil, ErrInvalidData(MsgInvalidData, map[string]any{"api_name": f.APIName, "json_path": path(), "expected_data_type": "double"})
			}
			data[f.APIName] = x
		case "picklist":
			s, e := pickValue(f.Field(), v, path())
			if e != nil {
				return nil, e
			}
			data[f.APIName] = s
		default:
			data[f.APIName] = v
		}
	}
	return data, nil
}

// DelinkRelated removes the links between parentID and each of ids (distinct) as actor, under a
// parent record not looked up yet (changeUnder: a missing parent fails as the path's parent id,
// INVALID_DATA index 1; an actor who may not change it with AUTHORIZATION_FAILED denied): "relation
// removed" for a linked id, INVALID_DATA "relation not found" {"id"} for any other. An
// administrator's delink is one DELETE, which reads the parent only when it removed nothing.
func DelinkRelated(ctx context.Context, tx Tx, actor Actor, t RelatedTarget, parentID int64, ids []int64, denied string) ([]Item, error) {
	end := t.End(actor.Org.ID, parentID)
	gone, err := changeUnder(ctx, tx, actor, t.Parent.APIName, parentID, denied,
		func() (map[int64]bool, error) { return tx.DeleteLinks(ctx, end, ids) })
	if err != nil {
		return nil, err
	}
	return delinkItems(ids, gone), nil
}

// delinkItems answers a delink of ids that removed gone.
func delinkItems(ids []int64, gone map[int64]bool) []Item {
	items := make([]Item, len(ids))
	for i, id := range ids {
		if gone[id] {
			items[i] = SuccessFor(MsgRelationRemoved, id)
		} else {
			items[i] = ErrInvalidData(MsgRelationNotFound, nil).ItemFor(id)
		}
	}
	return items
}

// DelinkRelatedOne removes the link between parentID and relatedID; when they are not linked it
// fails with the top-level MANDATORY_NOT_FOUND "relation not found".
func DelinkRelatedOne(ctx context.Context, tx Tx, org Org, t RelatedTarget, parentID, relatedID int64) (Item, error) {
	gone, err := tx.DeleteLinks(ctx, t.End(org.ID, parentID), []int64{relatedID})
	if err != nil {
		return Item{}, err
	}
	if !gone[relatedID] {
		return Item{}, ErrRelationNotFound()
	}
	return Success(MsgRelationRemoved, map[string]any{"id": FormatID(relatedID)}), nil
}

// listAttached is ListRelated for a list of the related module's records whose lookup fields
// (t.List.By) name the parent: a record listing narrowed by that criteria, with the record list's
// data sharing, paging and page tokens (bound to the parent and list as ListRelated's are).
func listAttached(ctx context.Context, tx Tx, actor Actor, t RelatedTarget, parentID int64, q ListQuery) (RelatedPage, error) {
	owner, err := VisibleOwner(ctx, tx, actor, t.Related.APIName)
	if err != nil {
		return RelatedPage{}, err
	}
	p, err := newPager(tx, actor, q, "related", t.Parent.APIName, FormatID(parentID), t.List.APIName)
	if err != nil {
		return RelatedPage{}, err
	}
	base := RecordQuery{OrgID: actor.Org.ID, Module: t.Related.APIName, IDs: q.IDs, OwnerID: owner, SortBy: q.SortBy, Desc: q.Desc,
		Criteria: attachedTo(t.List.By, parentID)}
	self := func(r Record) Record { return r }
	recs, pi, err := keysetPage(p, func(cur *Cursor, offset, limit int) ([]Record, error) {
		rq := base
		rq.Cursor, rq.Offset, rq.Limit = cur, offset, limit
		return tx.ListRecords(ctx, rq)
	}, self)
	if err != nil {
		return RelatedPage{}, err
	}
	return renderRelatedPage(ctx, tx, actor.Org, t.Related, q, recs, pi, self, func(Record, map[string]any) {})
}
