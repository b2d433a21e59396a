package crm

// Custom views as GET /settings/custom_views?module= and GET /settings/custom_views/{id}?module=
// answer them, with the keys of Zoho's v8 examples (zoho/crm-oas v8.0/custom_views: getCustomViews
// and getCustomViewById): the list's items carry no criteria, fields or sort, the one view does.
// zcrm's views are public to the org (access_type "public", category "public_views"), never
// locked, favourite or accessed, and not shared to anyone in particular (shared_to null); the
// built-in "All <Plural>" view is the module's default, system-defined, named ALLVIEWS, without
// criteria, fields or creator.

import (
	"context"
	"errors"
	"strings"

	"github.com/zcrm/zcrm/internal/catalog"
)

// viewTranslation is the info.translation of Zoho's custom view answers (its v8 examples).
var viewTranslation = map[string]any{"public_views": "Public Views", "other_users_views": "Other User's Views",
	"shared_with_me": "Shared With Me", "created_by_me": "Created By Me"}

// viewRenderer renders the views of one module of one org.
type viewRenderer struct {
	ctx   context.Context
	tx    Tx
	org   Org
	m     catalog.Module
	ids   *MetaIDs
	users map[int64]any
}

// ListCustomViews returns the module's custom views (the built-in one first, then the org's in the
// order they were made) as GET /settings/custom_views lists them, and the answer's info object.
func ListCustomViews(ctx context.Context, tx Tx, org Org, m catalog.Module, ids *MetaIDs) ([]any, map[string]any, error) {
	r := &viewRenderer{ctx: ctx, tx: tx, org: org, m: m, ids: ids, users: map[int64]any{}}
	views, err := r.all()
	if err != nil {
		return nil, nil, err
	}
	out := make([]any, len(views))
	for i, v := range views {
		if out[i], err = r.summary(v, i == 0); err != nil {
			return nil, nil, err
		}
	}
	info := map[string]any{"per_page": MaxPerPage, "count": len(out), "page": 1, "more_records": false,
		"default": r.builtinID(), "translation": viewTranslation}
	return out, info, nil
}

// GetCustomView returns the module's view with id rawID as GET /settings/custom_views/{id} answers
// it, and the answer's info; nil when the module has no such view (Zoho: 204).
func GetCustomView(ctx context.Context, tx Tx, org Org, m catalog.Module, ids *MetaIDs, rawID string) (map[string]any, map[string]any, error) {
	id, ok := ParseID(rawID)
	if !ok {
		return nil, nil, ErrPathID(MsgIDGivenInvalid, 2)
	}
	r := &viewRenderer{ctx: ctx, tx: tx, org: org, m: m, ids: ids, users: map[int64]any{}}
	v, builtin, err := viewOf(ctx, tx, org, m, id)
	if errors.Is(err, ErrNotFound) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	item, err := r.summary(v, builtin)
	if err != nil {
		return nil, nil, err
	}
	item["criteria"] = r.criteria(v.Criteria)
	item["$modified_criteria"] = false
	item["favorite"] = nil
	item["shared_to"] = nil
	item["sort_by"], item["sort_order"] = nil, nil
	if v.SortBy != "" {
		item["sort_by"] = map[string]any{"api_name": v.SortBy, "id": ids.ID(catalog.KeyField(m.APIName, v.SortBy))}
		item["sort_order"] = v.SortOrder
	}
	fields := make([]any, len(v.Fields))
	for i, f := range v.Fields {
		fields[i] = map[string]any{"api_name": f, "id": ids.ID(catalog.KeyField(m.APIName, f)), "_pin": false}
	}
	item["fields"] = fields
	return item, map[string]any{"translation": viewTranslation}, nil
}

func (r *viewRenderer) builtinID() string {
	return r.ids.ID(catalog.KeyCustomView(r.m.APIName, r.m.CustomViews()[0].Key))
}

// all is the module's views: the built-in one, then the org's.
func (r *viewRenderer) all() ([]CustomView, error) {
	own, err := r.tx.CustomViews(r.ctx, r.org.ID, r.m.APIName)
	if err != nil {
		return nil, err
	}
	out := []CustomView{{Module: r.m.APIName, Name: r.m.CustomViews()[0].Name}}
	return append(out, own...), nil
}

// summary renders a view with the keys of Zoho's list example; builtin for the module's "All" view.
func (r *viewRenderer) summary(v CustomView, builtin bool) (map[string]any, error) {
	item := map[string]any{"name": v.Name, "display_value": v.Name, "access_type": "public", "category": "public_views",
		"default": builtin, "system_defined": builtin, "locked": false, "last_accessed_time": nil}
	if builtin {
		item["id"], item["system_name"] = r.builtinID(), "ALLVIEWS"
		item["created_time"], item["modified_time"], item["created_by"], item["modified_by"] = nil, nil, nil, nil
		return item, nil
	}
	by, err := r.user(v.CreatedBy)
	if err != nil {
		return nil, err
	}
	item["id"], item["system_name"] = FormatID(v.ID), nil
	item["created_time"], item["modified_time"] = FormatTime(v.CreatedTime), FormatTime(v.CreatedTime)
	item["created_by"], item["modified_by"] = by, by
	return item, nil
}

// user is {"name","id"} of a user of the org (null when the user is gone).
func (r *viewRenderer) user(id int64) (any, error) {
	if u, ok := r.users[id]; ok {
		return u, nil
	}
	var out any
	u, err := r.tx.User(r.ctx, r.org.ID, id)
	switch {
	case err == nil:
		out = map[string]any{"name": u.FullName(), "id": FormatID(id)}
	case !errors.Is(err, ErrNotFound):
		return nil, err
	}
	r.users[id] = out
	return out, nil
}

// criteria renders a kept criteria object as Zoho's Get Custom View does: each condition's field
// with its api_name and id, "type":"value", and group operators in upper case.
func (r *viewRenderer) criteria(c map[string]any) any {
	if c == nil {
		return nil
	}
	if group, ok := c["group"].([]any); ok {
		kids := make([]any, len(group))
		for i, k := range group {
			kc, _ := k.(map[string]any)
			kids[i] = r.criteria(kc)
		}
		op, _ := c["group_operator"].(string)
		return map[string]any{"group_operator": strings.ToUpper(op), "group": kids}
	}
	f, _ := c["field"].(map[string]any)
	name, _ := f["api_name"].(string)
	return map[string]any{"comparator": c["comparator"], "type": "value", "value": c["value"],
		"field": map[string]any{"api_name": name, "id": r.ids.ID(catalog.KeyField(r.m.APIName, name))}}
}
