package crm

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/zcrm/zcrm/internal/catalog"
)

// Values Zoho accepts in cadence definitions.
var (
	cadenceTypes        = []string{CadenceCustomView, CadenceManual}
	executePeriods      = []string{"immediately", "hours", "days", "weeks"}
	unenrollTypes       = []string{"automatic_unenroll", "end_date", "criteria", "followup_criteria"}
	followUpPeriods     = []string{"minutes", "hours", "business_hours", "days", "business_days", "months"}
	followUpActionTypes = []string{"tasks", "email_notifications", "schedule_call", "whatsapp_message_notification"}
)

func errDuplicateName(base string) *Error {
	return NewError(http.StatusBadRequest, "DUPLICATE_DATA", MsgCadenceNameExists, APIPath("name", base+".name"))
}

// cadenceInput is a validated cadence item; nil pointers and false flags mean "not given".
type cadenceInput struct {
	name           *string
	module         *catalog.Module
	typ            string
	customView     int64 // 0 when not given
	description    *string
	exec           map[string]any
	execGiven      bool
	followUps      []map[string]any
	followUpsGiven bool
}

// cadenceReader validates one cadence item of a create or update body.
type cadenceReader struct {
	ctx  context.Context
	tx   Tx
	env  *cadenceEnv
	base string // JSON path of the item, "$.cadences[0]"
}

// read validates item. target is nil for a create (name, module and type are mandatory) and the
// cadence being edited for an update (module and type are fixed; keys not given stay as they are).
// A broken rule is the *Error; err is a store failure.
func (r *cadenceReader) read(raw map[string]any, target *Cadence) (in *cadenceInput, e *Error, err error) {
	in = &cadenceInput{}
	item := jsonObject{m: raw, path: r.base}
	create := target == nil
	if f := item.field("name"); f.sent || create {
		name, e := cadenceName(f)
		if e != nil {
			return nil, e, nil
		}
		in.name = &name
	}
	typ := item.field("type")
	if create {
		m, e, err := r.module(item.field("module"))
		if e != nil || err != nil {
			return nil, e, err
		}
		if in.typ, e = typ.textOneOf(cadenceTypes); e != nil {
			return nil, e, nil
		}
		in.module = &m
	} else {
		m, err := r.env.module(target.Module)
		if err != nil {
			return nil, nil, err
		}
		in.module, in.typ = &m, target.Type
	}
	switch cv := item.field("custom_view"); {
	case in.typ == CadenceCustomView && (cv.given() || create):
		if in.customView, e, err = r.customView(cv, typ, in.module.APIName); e != nil || err != nil {
			return nil, e, err
		}
	case in.typ == CadenceManual && cv.given():
		return nil, cv.dependent("DEPENDENT_MISMATCH", MsgDependentFieldNotMatching, typ), nil
	}
	if f := item.field("description"); f.sent {
		var desc string // null clears it
		if f.given() {
			if desc, e = f.text(); e == nil && utf8.RuneCountInString(desc) > MaxCadenceDescription {
				e = f.tooLong(MaxCadenceDescription)
			}
			if e != nil {
				return nil, e, nil
			}
		}
		in.description = &desc
	}
	if f := item.field("execution_details"); f.sent {
		if in.exec, e = execution(f); e != nil {
			return nil, e, nil
		}
		in.execGiven = true
	}
	if f := item.field("follow_ups"); f.sent {
		var existing []map[string]any
		if target != nil {
			existing = target.FollowUps
		}
		if in.followUps, e = followUps(f, existing); e != nil {
			return nil, e, nil
		}
		in.followUpsGiven = true
	}
	return in, nil, nil
}

// cadenceName reads a name: trimmed, not blank, at most MaxCadenceName characters, none of #%^.
func cadenceName(f jsonField) (string, *Error) {
	s, e := f.text()
	if e != nil {
		return "", e
	}
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return "", f.missing()
	case utf8.RuneCountInString(s) > MaxCadenceName:
		return "", f.tooLong(MaxCadenceName)
	case strings.ContainsAny(s, "#%^"):
		return "", f.invalid(MsgNameSpecialCharacters)
	}
	return s, nil
}

// nameFree reports DUPLICATE_DATA when another cadence (not parentID nor selfID) has the name.
func (r *cadenceReader) nameFree(name string, parentID, selfID int64) (*Error, error) {
	other, err := r.tx.CadenceByName(r.ctx, r.env.org.ID, name)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if other.ID == parentID || other.ID == selfID {
		return nil, nil
	}
	return errDuplicateName(r.base), nil
}

// module resolves {"api_name"} and/or {"id"} to a module that supports cadences. Zoho checks
// api_name (type, then the module) before id, and both must name the same module.
func (r *cadenceReader) module(f jsonField) (catalog.Module, *Error, error) {
	obj, e := f.object()
	if e != nil {
		return catalog.Module{}, e, nil
	}
	name, id := obj.field("api_name"), obj.field("id")
	if !name.given() && !id.given() {
		return catalog.Module{}, errExpectedOne(name, id), nil
	}
	var byName, byID catalog.Module
	if name.given() {
		s, e := name.text()
		if e != nil {
			return catalog.Module{}, e, nil
		}
		m, err := ResolveModule(r.ctx, r.tx, r.env.org, s)
		if errors.Is(err, ErrNotFound) {
			return catalog.Module{}, name.invalid(MsgModuleNameInvalid), nil
		}
		if err != nil {
			return catalog.Module{}, nil, err
		}
		byName = m
	}
	if id.given() {
		n, e := id.id()
		if e != nil {
			return catalog.Module{}, e, nil
		}
		m, err := r.env.moduleByID(n)
		if errors.Is(err, ErrNotFound) {
			return catalog.Module{}, id.invalid(MsgIDGivenInvalid), nil
		}
		if err != nil {
			return catalog.Module{}, nil, err
		}
		byID = m
	}
	m := byName
	switch {
	case !name.given():
		m = byID
	case id.given() && byID.APIName != byName.APIName:
		return catalog.Module{}, NewError(http.StatusBadRequest, "AMBIGUITY_DURING_PROCESSING", MsgAmbiguity,
			map[string]any{"ambiguity_due_to": []any{name.apiPath(), id.apiPath()}}), nil
	}
	if !m.Cadences || !m.APISupported {
		return catalog.Module{}, f.invalid(MsgCadencesNotSupportedForModule), nil
	}
	return m, nil, nil
}

// customView checks f, {"id"}, names a custom view of module; a custom_view cadence (typ) needs it.
func (r *cadenceReader) customView(f, typ jsonField, module string) (int64, *Error, error) {
	if !f.given() {
		return 0, f.dependsOn(typ, MsgDependentFieldMissing), nil
	}
	obj, e := f.object()
	if e != nil {
		return 0, e, nil
	}
	idf := obj.field("id")
	id, e := idf.id()
	if e != nil {
		return 0, e, nil
	}
	_, found, err := r.env.customView(module, id)
	if err != nil {
		return 0, nil, err
	}
	if !found {
		return 0, idf.invalid(MsgIDGivenInvalid), nil
	}
	return id, nil, nil
}

// execution validates execution_details: execute_every {period, unit} and unenroll_properties
// [{type, details}], each type at most once. The result is stored as given (with an id added to
// every unenrol rule); null clears it.
func execution(f jsonField) (map[string]any, *Error) {
	if !f.given() {
		return nil, nil
	}
	obj, e := f.object()
	if e != nil {
		return nil, e
	}
	if f := obj.field("execute_every"); f.given() {
		if e := executeEvery(f); e != nil {
			return nil, e
		}
	}
	if f := obj.field("unenroll_properties"); f.given() {
		list, e := f.array()
		if e != nil {
			return nil, e
		}
		seen := map[string]bool{}
		for _, el := range list {
			prop, e := el.object()
			if e != nil {
				return nil, e
			}
			typ := prop.field("type")
			t, e := typ.textOneOf(unenrollTypes)
			if e != nil {
				return nil, e
			}
			if seen[t] {
				return nil, typ.tooMany(MsgUnenrollTypeLimit, 1)
			}
			seen[t] = true
			if e := unenrollDetails(prop, typ, t); e != nil {
				return nil, e
			}
		}
	}
	return obj.m, nil
}

// executeEvery checks {period, unit}: unit, 1 to 99, may be left out only when period is "immediately".
func executeEvery(f jsonField) *Error {
	every, e := f.object()
	if e != nil {
		return e
	}
	period, unit := every.field("period"), every.field("unit")
	p, e := period.textOneOf(executePeriods)
	if e != nil {
		return e
	}
	if !unit.given() {
		if p != "immediately" {
			return unit.dependsOn(period, MsgDependentFieldMissing)
		}
		return nil
	}
	n, e := unit.integer()
	if e == nil && (n < 1 || n > 99) {
		e = unit.invalid(MsgUnitBetween1And99)
	}
	return e
}

// unenrollDetails checks the details an unenrol rule of type t needs. Zoho calls details that are
// not an object missing.
func unenrollDetails(prop jsonObject, typ jsonField, t string) *Error {
	if t == "automatic_unenroll" {
		return nil
	}
	f := prop.field("details")
	details, e := f.object()
	if e != nil {
		return f.dependsOn(typ, MsgDependentFieldMissing)
	}
	switch t {
	case "end_date":
		date := details.field("unenroll_date")
		if !date.given() {
			return date.dependsOn(typ, MsgDependentFieldIsMissing)
		}
		s, _ := date.v.(string)
		if _, err := time.Parse("01/02/2006", s); err != nil {
			if _, err := time.Parse(time.DateOnly, s); err != nil {
				return date.invalid(MsgDateFormatMMDDYYYY)
			}
		}
	case "criteria":
		if c := details.field("criteria"); !c.given() {
			return c.dependsOn(typ, MsgDependentFieldIsMissing)
		}
	}
	return nil
}

// followUps validates the follow-ups. existing are the follow-ups of the cadence being edited: a
// follow-up that gives an "id" keeps that existing follow-up's id; one without needs a reference_id.
// A parent_follow_up names another follow-up of the list by reference_id or id.
func followUps(f jsonField, existing []map[string]any) ([]map[string]any, *Error) {
	if !f.given() {
		return []map[string]any{}, nil
	}
	list, e := f.array()
	if e != nil {
		return nil, e
	}
	if len(list) > MaxFollowUps {
		return nil, f.tooMany(fmt.Sprintf("Limit Exceeded, You cannot give more than %d follow_ups", MaxFollowUps), MaxFollowUps)
	}
	known := map[string]bool{}
	for _, fu := range existing {
		if id, ok := fu["id"].(string); ok {
			known[id] = true
		}
	}
	items := make([]jsonObject, len(list))
	refs := map[string]int{} // reference_id → index
	ids := map[string]int{}  // existing id → index
	for i, el := range list {
		fu, e := el.object()
		if e != nil {
			return nil, e
		}
		idf, ref := fu.field("id"), fu.field("reference_id")
		if idf.given() {
			id, ok := jsonID(idf.v)
			if !ok || !known[FormatID(id)] {
				return nil, idf.invalid(MsgIDGivenInvalid)
			}
			if _, dup := ids[FormatID(id)]; dup {
				return nil, idf.duplicate()
			}
			ids[FormatID(id)] = i
		}
		if ref.given() {
			s, e := ref.text()
			if e != nil {
				return nil, e
			}
			if _, dup := refs[s]; dup {
				return nil, ref.duplicate()
			}
			refs[s] = i
		} else if !idf.given() {
			return nil, ref.missing()
		}
		if e := followUpBody(fu); e != nil {
			return nil, e
		}
		items[i] = fu
	}
	// Resolve parents, then refuse cycles, naming the key that made the parent.
	parent := make([]int, len(items))
	via := make([]jsonField, len(items))
	for i, fu := range items {
		parent[i] = -1
		f := fu.field("parent_follow_up")
		if !f.given() {
			continue
		}
		pf, e := f.object()
		if e != nil {
			return nil, e
		}
		ref, id := pf.field("reference_id"), pf.field("id")
		j, ok := -1, false
		switch {
		case ref.given():
			s, _ := ref.v.(string)
			j, ok = refs[s]
			via[i] = ref
		case id.given():
			n, isID := jsonID(id.v)
			j, ok = ids[FormatID(n)]
			ok = ok && isID
			via[i] = id
		default:
			return nil, errExpectedOne(ref, id)
		}
		if !ok || j == i {
			return nil, via[i].invalid(MsgIDGivenInvalid)
		}
		parent[i] = j
	}
	for i := range parent {
		seen := map[int]bool{i: true}
		for j := parent[i]; j >= 0; j = parent[j] {
			if seen[j] {
				return nil, via[i].invalid(MsgIDGivenInvalid)
			}
			seen[j] = true
		}
	}
	out := make([]map[string]any, len(items))
	for i, fu := range items {
		out[i] = fu.m
	}
	return out, nil
}

// followUpBody checks a follow-up's execute_after, triggers and action. Zoho answers a wrong
// execute_after unit with one message whatever is wrong with it.
func followUpBody(fu jsonObject) *Error {
	if f := fu.field("execute_after"); f.given() {
		after, e := f.object()
		if e != nil {
			return e
		}
		unit := after.field("unit")
		if !unit.given() {
			return unit.missing()
		}
		if n, ok := jsonInt(unit.v); !ok || n < 1 || n > 99 {
			return unit.invalid(MsgValueGivenInvalid)
		}
		if _, e := after.field("period").oneOf(followUpPeriods); e != nil {
			return e
		}
	}
	if f := fu.field("triggers"); f.given() {
		if _, e := f.array(); e != nil {
			return e
		}
	}
	action, e := fu.field("action").object()
	if e != nil {
		return e
	}
	if _, e := action.field("type").oneOf(followUpActionTypes); e != nil {
		return e
	}
	if f := action.field("id"); f.given() {
		if _, ok := jsonID(f.v); !ok {
			return f.wrongType("bigint")
		}
	}
	if f := action.field("details"); f.given() {
		if _, e := f.object(); e != nil {
			return e
		}
	}
	return nil
}

// apply writes a validated input into c, allocating ids for new follow-ups, actions without one
// and unenrol rules without one.
func (r *cadenceReader) apply(c *Cadence, in *cadenceInput) error {
	if in.name != nil {
		c.Name = *in.name
	}
	if in.customView != 0 {
		c.CustomViewID = in.customView
	}
	if in.description != nil {
		c.Description = *in.description
	}
	need := 0
	var props []any
	if in.execGiven && in.exec != nil {
		props, _ = in.exec["unenroll_properties"].([]any)
		for _, p := range props {
			if _, ok := jsonID(p.(map[string]any)["id"]); !ok {
				need++
			}
		}
	}
	for _, fu := range in.followUps {
		if fu["id"] == nil {
			need++
		}
		if fu["action"].(map[string]any)["id"] == nil {
			need++
		}
	}
	ids, err := r.tx.NewIDs(r.ctx, need)
	if err != nil {
		return err
	}
	next := func() string { id := ids[0]; ids = ids[1:]; return FormatID(id) }
	if in.execGiven {
		for _, p := range props {
			prop := p.(map[string]any)
			if id, ok := jsonID(prop["id"]); ok {
				prop["id"] = FormatID(id)
			} else {
				prop["id"] = next()
			}
		}
		c.ExecutionDetails = in.exec
	}
	if in.followUpsGiven {
		for _, fu := range in.followUps {
			if id, ok := jsonID(fu["id"]); ok {
				fu["id"] = FormatID(id)
			} else {
				fu["id"] = next()
			}
			action := fu["action"].(map[string]any)
			if action["id"] == nil {
				action["id"] = next()
			}
		}
		c.FollowUps = in.followUps
	}
	return nil
}
