package crm

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/zcrm/zcrm/internal/catalog"
)

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
	if err := w.tx.UpdateRecords(w.ctx, out); err != nil {
		return err
	}
	// A completed task or call releases the cadence follow-ups waiting on it (engine_events.go);
	// custom-view cadences enrol, criteria rules un-enrol (engine_enrol.go).
	if err := cadenceRecordsWritten(w.ctx, w.tx, w.actor.Org, w.m, out, false); err != nil {
		return err
	}
	return activitiesCompleted(w.ctx, w.tx, w.actor.Org.ID, w.m.APIName, out)
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
			return ErrMandatory(MsgRequiredFieldNotFound, APIPath(f.APIName, base+"."+f.APIName)), nil
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
		var v any
		var e *Error
		var err error
		if f.MultiModule() {
			v, e, err = w.multiLookup(in, in[k], f, base) // activity.go
		} else {
			v, e, err = w.value(in[k], f, path)
		}
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
	case "picklist":
		s, e := pickValue(f, v, path)
		return s, e, nil
	case "text", "textarea", "email", "phone", "website":
		s, ok := v.(string)
		if !ok {
			return nil, typeError(f, path), nil
		}
		if strings.TrimSpace(s) == "" {
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
