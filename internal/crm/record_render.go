package crm

import (
	"context"
	"errors"
	"strings"

	"github.com/zcrm/zcrm/internal/catalog"
)

// renderer turns stored records into Zoho's record rows.
type renderer struct {
	ctx   context.Context
	tx    Tx
	org   Org
	users map[int64]User
	meta  *MetaIDs // loaded for a note's Parent_Id (activity.go)
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
			if c.field.MultiModule() {
				multiExtras(row, rec, c.field)
			}
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
	if f.MultiModule() {
		return r.multiCell(v, f, names)
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
		if c.field.APIName == "Parent_Id" && c.field.MultiModule() {
			if err := r.loadMeta(); err != nil {
				return nil, err
			}
		}
		for _, rec := range recs {
			if id, ok := refID(rec.Data[c.name]); ok {
				target := c.field.Lookup
				if c.field.MultiModule() {
					target = storedModule(rec.Data[c.name]) // activity.go
				}
				want[target] = append(want[target], id)
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
