package crm

// Multi-module lookups: an activity's What_Id with $se_module, and a note's Parent_Id.
//
// What Zoho documents, and what zcrm settles where it is silent:
//   - An activity (Tasks, Calls, Events) names the record it is about with What_Id ("Related
//     To") and "$se_module" naming that record's module: {"What_Id":{"id":"…"},"$se_module":
//     "Deals"}, or a bare id as Zoho's own samples send it. A lead is linked this way (Who_Id,
//     "Contact Name", names a contact). A read answers What_Id as {"name","id"} with "$se_module"
//     beside it, as Zoho's records do.
//   - A note's Parent_Id is {"module":{"api_name":"Leads","id":"…"},"id":"…"} (Zoho's v8 Create
//     Notes example; the module's id may be left out); the older form, a bare or {"id"} Parent_Id
//     with "$se_module", is read too. A read answers {"module":{"api_name","id"},"name","id"} (Zoho's
//     v8 Get Notes example). Any module with a Notes related list may be a note's parent.
//   - Zoho documents no error of its own for these keys; zcrm answers as for any lookup: INVALID_DATA
//     "invalid data" {"api_name","json_path"} naming the lookup for an id that is no record of the
//     module given and for a What_Id without "$se_module", and naming "$se_module" (or
//     Parent_Id.module) for a module the lookup cannot name.
//   - The value is stored as {"id":"…","module":"<api name>"}, so that criteria on the lookup
//     compare its id as they compare any lookup's (KindRef).
//   - Deleting a record deletes the notes whose Parent_Id names it and the activities whose What_Id
//     names it (Zoho moves a record's notes and activities to the recycle bin with it); an
//     activity whose Who_Id contact is deleted keeps its What_Id and reads Who_Id as null.

import (
	"context"
	"errors"
	"strings"

	"github.com/zcrm/zcrm/internal/catalog"
)

// seModuleKey is the key that names the module of an activity's What_Id.
const seModuleKey = "$se_module"

// multiLookup validates the multi-module lookup f of element in (raw is its value, path its JSON
// path) and returns it in stored form, {"id","module"}; nil clears it.
func (w *writer) multiLookup(in map[string]any, raw any, f catalog.Field, base string) (any, *Error, error) {
	path := base + "." + f.APIName
	if raw == nil {
		return nil, nil, nil
	}
	id, ok := refID(raw)
	if !ok {
		return nil, typeError(f, path), nil
	}
	invalid := ErrInvalidData(MsgInvalidData, APIPath(f.APIName, path))
	var name string
	modPath, modAPI := base+"."+seModuleKey, seModuleKey
	if obj, isObj := raw.(map[string]any); isObj && obj["module"] != nil {
		mod, ok := obj["module"].(map[string]any)
		if !ok {
			d := APIPath("module", path+".module")
			d["expected_data_type"] = "jsonobject"
			return nil, ErrInvalidData(MsgInvalidData, d), nil
		}
		name, _ = mod["api_name"].(string)
		modPath, modAPI = path+".module.api_name", "api_name"
	} else if se, given := in[seModuleKey]; given && se != nil {
		if name, ok = se.(string); !ok {
			return nil, ErrInvalidData(MsgInvalidData, APIPath(modAPI, modPath)), nil
		}
	} else {
		return nil, invalid, nil
	}
	target, err := ResolveModule(w.ctx, w.tx, w.actor.Org, strings.TrimSpace(name))
	if errors.Is(err, ErrNotFound) || (err == nil && !canName(f, target)) {
		return nil, ErrInvalidData(MsgInvalidData, APIPath(modAPI, modPath)), nil
	}
	if err != nil {
		return nil, nil, err
	}
	if _, err := w.tx.RecordHead(w.ctx, w.actor.Org.ID, target.APIName, id); errors.Is(err, ErrNotFound) {
		return nil, invalid, nil
	} else if err != nil {
		return nil, nil, err
	}
	return map[string]any{"id": FormatID(id), "module": target.APIName}, nil, nil
}

// canName reports whether the multi-module lookup f may name a record of m: one of its Modules, or
// for a note's Parent_Id (no Modules listed) any module with a Notes related list.
func canName(f catalog.Field, m catalog.Module) bool {
	if !m.APISupported {
		return false
	}
	if len(f.Modules) == 0 {
		_, ok := m.RelatedList("Notes")
		return ok
	}
	for _, name := range f.Modules {
		if strings.EqualFold(name, m.APIName) {
			return true
		}
	}
	return false
}

// storedModule is the module of a stored multi-module lookup value, "" when it has none.
func storedModule(v any) string {
	obj, _ := v.(map[string]any)
	s, _ := obj["module"].(string)
	return s
}

// multiCell renders a stored multi-module lookup: Parent_Id as Zoho's notes show it, with the
// parent's module; any other ({"name","id"}) as a lookup. It is nil when the record is gone.
func (r *renderer) multiCell(v any, f catalog.Field, names map[string]map[int64]string) any {
	id, ok := refID(v)
	module := storedModule(v)
	if !ok || module == "" {
		return nil
	}
	name, ok := names[module][id]
	if !ok {
		return nil
	}
	if f.APIName != "Parent_Id" {
		return map[string]any{"name": name, "id": FormatID(id)}
	}
	modID := "0"
	if r.meta != nil {
		modID = r.meta.ID(catalog.KeyModule(module))
	}
	return map[string]any{"module": map[string]any{"api_name": module, "id": modID}, "name": name, "id": FormatID(id)}
}

// multiExtras adds what a multi-module lookup brings beside it to a rendered row: "$se_module"
// with What_Id (null when What_Id is).
func multiExtras(row map[string]any, rec Record, f catalog.Field) {
	if f.APIName != "What_Id" {
		return
	}
	if m := storedModule(rec.Data[f.APIName]); m != "" && row[f.APIName] != nil {
		row[seModuleKey] = m
	} else {
		row[seModuleKey] = nil
	}
}

// loadMeta loads the org's metadata ids once, for Parent_Id's module id.
func (r *renderer) loadMeta() error {
	if r.meta != nil {
		return nil
	}
	meta, err := LoadMetaIDs(r.ctx, r.tx, r.org.ID)
	r.meta = meta
	return err
}

// attachedTo is the criteria of the records whose fields (lookups) name the record id.
func attachedTo(fields []string, id int64) *Criteria {
	c := &Criteria{Op: "or"}
	for _, f := range fields {
		c.Kids = append(c.Kids, &Criteria{Cond: &Condition{Field: f, Operator: OpEquals, Kind: KindRef, Values: []any{FormatID(id)}}})
	}
	return c
}

// deleteAttached deletes, with records of module m being deleted by the user by (ids), the notes
// whose Parent_Id names one of them and the activities whose What_Id does: to the recycle bin.
func deleteAttached(ctx context.Context, tx Tx, org, by int64, m catalog.Module, ids []int64) error {
	if len(ids) == 0 || m.APIName == "Notes" {
		return nil
	}
	vals := make([]any, len(ids))
	for i, id := range ids {
		vals[i] = FormatID(id)
	}
	for _, att := range []struct{ module, field string }{{"Notes", "Parent_Id"}, {"Tasks", "What_Id"}, {"Calls", "What_Id"}, {"Events", "What_Id"}} {
		crit := &Criteria{Cond: &Condition{Field: att.field, Operator: OpIn, Kind: KindRef, Values: vals}}
		recs, err := tx.ListRecords(ctx, RecordQuery{OrgID: org, Module: att.module, Criteria: crit, SortBy: SortByID, Limit: 1 << 30})
		if err != nil {
			return err
		}
		if len(recs) == 0 {
			continue
		}
		gone := make([]int64, len(recs))
		for i, r := range recs {
			gone[i] = r.ID
		}
		// The activities' own notes go with them.
		if err := deleteAttached(ctx, tx, org, by, catalog.Module{APIName: att.module}, gone); err != nil {
			return err
		}
		if err := tx.DeleteRelationsOf(ctx, org, gone); err != nil {
			return err
		}
		if err := recycle(ctx, tx, org, by, att.module, gone); err != nil {
			return err
		}
	}
	return nil
}
