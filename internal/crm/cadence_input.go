package crm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
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

const msgDuplicateName = "A Cadences with the same name already exists"

// Errors of cadence bodies, worded as Zoho words them.

func errMandatoryField(api, path string) *Error {
	return ErrMandatory(MsgRequiredField, APIPath(api, path))
}

func errType(api, path, expected string) *Error {
	return ErrInvalidData("Invalid data type", map[string]any{"api_name": api, "expected_data_type": expected, "json_path": path})
}

func errSupported(api, path string, values []string) *Error {
	return ErrInvalidData(MsgInvalidData, map[string]any{"api_name": api, "json_path": path, "supported_values": values})
}

func errMaxLength(api, path string, n int) *Error {
	return ErrInvalidData(MsgInvalidData, map[string]any{"api_name": api, "json_path": path, "maximum_length": n})
}

func errDependentMissing(message, dependeeAPI, dependeePath, api, path string) *Error {
	return NewError(http.StatusBadRequest, "DEPENDENT_FIELD_MISSING", message, map[string]any{
		"dependee": APIPath(dependeeAPI, dependeePath), "api_name": api, "json_path": path})
}

func errExpectedField(path string, apis ...string) *Error {
	fields := make([]any, len(apis))
	for i, a := range apis {
		fields[i] = APIPath(a, path+"."+a)
	}
	return NewError(http.StatusBadRequest, "EXPECTED_FIELD_MISSING", "Specify atleast one field", map[string]any{"expected_fields": fields})
}

func errDuplicateName(base string) *Error {
	return NewError(http.StatusBadRequest, "DUPLICATE_DATA", msgDuplicateName, APIPath("name", base+".name"))
}

// jsonID reads an id given as a JSON string or number.
func jsonID(v any) (int64, bool) {
	switch x := v.(type) {
	case string:
		return ParseID(x)
	case json.Number:
		return ParseID(x.String())
	}
	return 0, false
}

func isIDType(v any) bool {
	switch v.(type) {
	case string, json.Number:
		return true
	}
	return false
}

// jsonInt reads an integral JSON number.
func jsonInt(v any) (int64, bool) {
	switch x := v.(type) {
	case json.Number:
		n, err := x.Int64()
		return n, err == nil
	case float64:
		return int64(x), x == float64(int64(x))
	}
	return 0, false
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

func (r *cadenceReader) path(keys ...string) string { return r.base + "." + strings.Join(keys, ".") }

// read validates item. target is nil for a create (name, module and type are mandatory) and the
// cadence being edited for an update (module and type are fixed; keys not given stay as they are).
// A broken rule is the *Error; err is a store failure.
func (r *cadenceReader) read(item map[string]any, target *Cadence) (in *cadenceInput, e *Error, err error) {
	in = &cadenceInput{}
	create := target == nil
	if v, ok := item["name"]; ok || create {
		name, e := r.name(v)
		if e != nil {
			return nil, e, nil
		}
		in.name = &name
	}
	if create {
		m, e, err := r.module(item["module"])
		if e != nil || err != nil {
			return nil, e, err
		}
		in.module = &m
		typ := item["type"]
		if typ == nil {
			return nil, errMandatoryField("type", r.path("type")), nil
		}
		s, ok := typ.(string)
		if !ok {
			return nil, errType("type", r.path("type"), "text"), nil
		}
		if !slices.Contains(cadenceTypes, s) {
			return nil, errSupported("type", r.path("type"), cadenceTypes), nil
		}
		in.typ = s
	} else {
		m, err := r.env.module(target.Module)
		if err != nil {
			return nil, nil, err
		}
		in.module, in.typ = &m, target.Type
	}
	cv, given := item["custom_view"]
	given = given && cv != nil
	switch {
	case in.typ == CadenceCustomView && (given || create):
		id, e, err := r.customView(cv, in.module.APIName)
		if e != nil || err != nil {
			return nil, e, err
		}
		in.customView = id
	case in.typ == CadenceManual && given:
		return nil, NewError(http.StatusBadRequest, "DEPENDENT_MISMATCH", "Dependent Field is not matching", map[string]any{
			"dependee": APIPath("type", r.path("type")), "api_name": "custom_view", "json_path": r.path("custom_view")}), nil
	}
	if v, ok := item["description"]; ok {
		desc := ""
		if v != nil {
			s, ok := v.(string)
			if !ok {
				return nil, errType("description", r.path("description"), "text"), nil
			}
			if utf8.RuneCountInString(s) > MaxCadenceDescription {
				return nil, errMaxLength("description", r.path("description"), MaxCadenceDescription), nil
			}
			desc = s
		}
		in.description = &desc
	}
	if v, ok := item["execution_details"]; ok {
		exec, e := r.execution(v)
		if e != nil {
			return nil, e, nil
		}
		in.exec, in.execGiven = exec, true
	}
	if v, ok := item["follow_ups"]; ok {
		var existing []map[string]any
		if target != nil {
			existing = target.FollowUps
		}
		fus, e := r.followUps(v, existing)
		if e != nil {
			return nil, e, nil
		}
		in.followUps, in.followUpsGiven = fus, true
	}
	return in, nil, nil
}

func (r *cadenceReader) name(v any) (string, *Error) {
	p := r.path("name")
	if v == nil {
		return "", errMandatoryField("name", p)
	}
	s, ok := v.(string)
	if !ok {
		return "", errType("name", p, "text")
	}
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return "", errMandatoryField("name", p)
	case utf8.RuneCountInString(s) > MaxCadenceName:
		return "", errMaxLength("name", p, MaxCadenceName)
	case strings.ContainsAny(s, "#%^"):
		return "", ErrInvalidData("Name should not contain the following special character : #%^", APIPath("name", p))
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

// module resolves {"api_name"} and/or {"id"} to a module that supports cadences.
func (r *cadenceReader) module(v any) (catalog.Module, *Error, error) {
	p := r.path("module")
	if v == nil {
		return catalog.Module{}, errMandatoryField("module", p), nil
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return catalog.Module{}, errType("module", p, "jsonobject"), nil
	}
	rawName, hasName := obj["api_name"]
	rawID, hasID := obj["id"]
	hasName, hasID = hasName && rawName != nil, hasID && rawID != nil
	if !hasName && !hasID {
		return catalog.Module{}, errExpectedField(p, "api_name", "id"), nil
	}
	var byName, byID catalog.Module
	if hasName {
		s, ok := rawName.(string)
		if !ok {
			return catalog.Module{}, errType("api_name", p+".api_name", "text"), nil
		}
		m, err := ResolveModule(r.ctx, r.tx, r.env.org, s)
		if errors.Is(err, ErrNotFound) {
			return catalog.Module{}, ErrInvalidData(MsgInvalidModule, APIPath("api_name", p+".api_name")), nil
		}
		if err != nil {
			return catalog.Module{}, nil, err
		}
		byName = m
	}
	if hasID {
		if !isIDType(rawID) {
			return catalog.Module{}, errType("id", p+".id", "bigint"), nil
		}
		id, _ := jsonID(rawID)
		m, err := r.env.moduleByID(id)
		if errors.Is(err, ErrNotFound) {
			return catalog.Module{}, ErrInvalidData(MsgID, APIPath("id", p+".id")), nil
		}
		if err != nil {
			return catalog.Module{}, nil, err
		}
		byID = m
	}
	m := byName
	switch {
	case !hasName:
		m = byID
	case hasID && byID.APIName != byName.APIName:
		return catalog.Module{}, NewError(http.StatusBadRequest, "AMBIGUITY_DURING_PROCESSING", "Ambiguity while processing the request",
			map[string]any{"ambiguity_due_to": []any{APIPath("api_name", p+".api_name"), APIPath("id", p+".id")}}), nil
	}
	if !m.Cadences || !m.APISupported {
		return catalog.Module{}, ErrInvalidData("Cadences are not supported for the given module", APIPath("module", p)), nil
	}
	return m, nil, nil
}

// customView checks {"id"} names a custom view of module.
func (r *cadenceReader) customView(v any, module string) (int64, *Error, error) {
	p := r.path("custom_view")
	if v == nil {
		return 0, errDependentMissing("Dependent Field missing", "type", r.path("type"), "custom_view", p), nil
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return 0, errType("custom_view", p, "jsonobject"), nil
	}
	raw, ok := obj["id"]
	if !ok || raw == nil {
		return 0, errMandatoryField("id", p+".id"), nil
	}
	if !isIDType(raw) {
		return 0, errType("id", p+".id", "bigint"), nil
	}
	id, _ := jsonID(raw)
	_, found, err := r.env.customView(module, id)
	if err != nil {
		return 0, nil, err
	}
	if !found {
		return 0, ErrInvalidData(MsgID, APIPath("id", p+".id")), nil
	}
	return id, nil, nil
}

// execution validates execution_details: execute_every {period, unit} and unenroll_properties
// [{type, details}], each type at most once. The result is stored as given (with an id added to
// every unenrol rule); null clears it.
func (r *cadenceReader) execution(v any) (map[string]any, *Error) {
	p := r.path("execution_details")
	if v == nil {
		return nil, nil
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, errType("execution_details", p, "jsonobject")
	}
	if ev, ok := obj["execute_every"]; ok && ev != nil {
		ep := p + ".execute_every"
		every, ok := ev.(map[string]any)
		if !ok {
			return nil, errType("execute_every", ep, "jsonobject")
		}
		period, ok := every["period"]
		if !ok || period == nil {
			return nil, errMandatoryField("period", ep+".period")
		}
		ps, ok := period.(string)
		if !ok {
			return nil, errType("period", ep+".period", "text")
		}
		if !slices.Contains(executePeriods, ps) {
			return nil, errSupported("period", ep+".period", executePeriods)
		}
		unit, ok := every["unit"]
		if (!ok || unit == nil) && ps != "immediately" {
			return nil, errDependentMissing("Dependent Field missing", "period", ep+".period", "unit", ep+".unit")
		}
		if ok && unit != nil {
			n, isInt := jsonInt(unit)
			if !isInt {
				return nil, errType("unit", ep+".unit", "integer")
			}
			if n < 1 || n > 99 {
				return nil, ErrInvalidData("unit value must be between 1 to 99", APIPath("unit", ep+".unit"))
			}
		}
	}
	if uv, ok := obj["unenroll_properties"]; ok && uv != nil {
		up := p + ".unenroll_properties"
		list, ok := uv.([]any)
		if !ok {
			return nil, errType("unenroll_properties", up, "jsonarray")
		}
		seen := map[string]bool{}
		for i, e := range list {
			ip := fmt.Sprintf("%s[%d]", up, i)
			prop, ok := e.(map[string]any)
			if !ok {
				return nil, errType("unenroll_properties", ip, "jsonobject")
			}
			t, ok := prop["type"]
			if !ok || t == nil {
				return nil, errMandatoryField("type", ip+".type")
			}
			ts, ok := t.(string)
			if !ok {
				return nil, errType("type", ip+".type", "text")
			}
			if !slices.Contains(unenrollTypes, ts) {
				return nil, errSupported("type", ip+".type", unenrollTypes)
			}
			if seen[ts] {
				return nil, NewError(http.StatusBadRequest, "LIMIT_EXCEEDED", "Given unenroll type limit is exceeded",
					map[string]any{"api_name": "type", "limit": 1, "json_path": ip + ".type"})
			}
			seen[ts] = true
			if e := unenrollDetails(prop, ts, ip); e != nil {
				return nil, e
			}
		}
	}
	return obj, nil
}

// unenrollDetails checks the details an unenrol rule of type t needs.
func unenrollDetails(prop map[string]any, t, ip string) *Error {
	if t == "automatic_unenroll" {
		return nil
	}
	details, ok := prop["details"].(map[string]any)
	if !ok {
		return errDependentMissing("Dependent Field missing", "type", ip+".type", "details", ip+".details")
	}
	switch t {
	case "end_date":
		dp := ip + ".details.unenroll_date"
		raw, ok := details["unenroll_date"]
		if !ok || raw == nil {
			return errDependentMissing("dependent field is missing", "type", ip+".type", "unenroll_date", dp)
		}
		s, _ := raw.(string)
		if _, err := time.Parse("01/02/2006", s); err != nil {
			if _, err := time.Parse(time.DateOnly, s); err != nil {
				return ErrInvalidData("the given format is invalid please provide the value as MM/DD/YYYY", APIPath("unenroll_date", dp))
			}
		}
	case "criteria":
		if c, ok := details["criteria"]; !ok || c == nil {
			return errDependentMissing("dependent field is missing", "type", ip+".type", "criteria", ip+".details.criteria")
		}
	}
	return nil
}

// followUps validates the follow-ups. existing are the follow-ups of the cadence being edited: a
// follow-up that gives an "id" keeps that existing follow-up's id; one without needs a reference_id.
// A parent_follow_up names another follow-up of the list by reference_id or id.
func (r *cadenceReader) followUps(v any, existing []map[string]any) ([]map[string]any, *Error) {
	p := r.path("follow_ups")
	if v == nil {
		return []map[string]any{}, nil
	}
	list, ok := v.([]any)
	if !ok {
		return nil, errType("follow_ups", p, "jsonarray")
	}
	if len(list) > MaxFollowUps {
		return nil, NewError(http.StatusBadRequest, "LIMIT_EXCEEDED", fmt.Sprintf("Limit Exceeded, You cannot give more than %d follow_ups", MaxFollowUps),
			map[string]any{"api_name": "follow_ups", "json_path": p, "limit": MaxFollowUps})
	}
	known := map[string]bool{}
	for _, fu := range existing {
		if id, ok := fu["id"].(string); ok {
			known[id] = true
		}
	}
	out := make([]map[string]any, len(list))
	refs := map[string]int{} // reference_id → index
	ids := map[string]int{}  // existing id → index
	for i, e := range list {
		fp := fmt.Sprintf("%s[%d]", p, i)
		fu, ok := e.(map[string]any)
		if !ok {
			return nil, errType("follow_ups", fp, "jsonobject")
		}
		if raw, ok := fu["id"]; ok && raw != nil {
			id, ok := jsonID(raw)
			if !ok || !known[FormatID(id)] {
				return nil, ErrInvalidData(MsgID, APIPath("id", fp+".id"))
			}
			if _, dup := ids[FormatID(id)]; dup {
				return nil, NewError(http.StatusBadRequest, "DUPLICATE_DATA", "duplicate data", APIPath("id", fp+".id"))
			}
			ids[FormatID(id)] = i
		}
		if raw, ok := fu["reference_id"]; ok && raw != nil {
			ref, ok := raw.(string)
			if !ok {
				return nil, errType("reference_id", fp+".reference_id", "text")
			}
			if _, dup := refs[ref]; dup {
				return nil, NewError(http.StatusBadRequest, "DUPLICATE_DATA", "duplicate data", APIPath("reference_id", fp+".reference_id"))
			}
			refs[ref] = i
		} else if _, hasID := fu["id"]; !hasID || fu["id"] == nil {
			return nil, errMandatoryField("reference_id", fp+".reference_id")
		}
		if e := followUpBody(fu, fp); e != nil {
			return nil, e
		}
		out[i] = fu
	}
	// Resolve parents, then refuse cycles.
	parent := make([]int, len(list))
	for i, fu := range out {
		parent[i] = -1
		raw, ok := fu["parent_follow_up"]
		if !ok || raw == nil {
			continue
		}
		pp := fmt.Sprintf("%s[%d].parent_follow_up", p, i)
		pf, ok := raw.(map[string]any)
		if !ok {
			return nil, errType("parent_follow_up", pp, "jsonobject")
		}
		ref, hasRef := pf["reference_id"]
		pid, hasID := pf["id"]
		hasRef, hasID = hasRef && ref != nil, hasID && pid != nil
		switch {
		case hasRef:
			s, _ := ref.(string)
			j, ok := refs[s]
			if !ok || j == i {
				return nil, ErrInvalidData(MsgID, APIPath("reference_id", pp+".reference_id"))
			}
			parent[i] = j
		case hasID:
			id, ok := jsonID(pid)
			j, found := ids[FormatID(id)]
			if !ok || !found || j == i {
				return nil, ErrInvalidData(MsgID, APIPath("id", pp+".id"))
			}
			parent[i] = j
		default:
			return nil, errExpectedField(pp, "reference_id", "id")
		}
	}
	for i := range parent {
		seen := map[int]bool{i: true}
		for j := parent[i]; j >= 0; j = parent[j] {
			if seen[j] {
				api := "reference_id"
				if pf, _ := out[i]["parent_follow_up"].(map[string]any); pf["reference_id"] == nil {
					api = "id"
				}
				return nil, ErrInvalidData(MsgID, APIPath(api, fmt.Sprintf("%s[%d].parent_follow_up.%s", p, i, api)))
			}
			seen[j] = true
		}
	}
	return out, nil
}

// followUpBody checks a follow-up's execute_after, action and triggers.
func followUpBody(fu map[string]any, fp string) *Error {
	if raw, ok := fu["execute_after"]; ok && raw != nil {
		ap := fp + ".execute_after"
		after, ok := raw.(map[string]any)
		if !ok {
			return errType("execute_after", ap, "jsonobject")
		}
		unit, ok := after["unit"]
		if !ok || unit == nil {
			return errMandatoryField("unit", ap+".unit")
		}
		if n, ok := jsonInt(unit); !ok || n < 1 || n > 99 {
			return ErrInvalidData("the value given seems to be invalid", APIPath("unit", ap+".unit"))
		}
		period, ok := after["period"]
		if !ok || period == nil {
			return errMandatoryField("period", ap+".period")
		}
		if s, ok := period.(string); !ok || !slices.Contains(followUpPeriods, s) {
			return errSupported("period", ap+".period", followUpPeriods)
		}
	}
	if raw, ok := fu["triggers"]; ok && raw != nil {
		if _, ok := raw.([]any); !ok {
			return errType("triggers", fp+".triggers", "jsonarray")
		}
	}
	raw, ok := fu["action"]
	if !ok || raw == nil {
		return errMandatoryField("action", fp+".action")
	}
	ap := fp + ".action"
	action, ok := raw.(map[string]any)
	if !ok {
		return errType("action", ap, "jsonobject")
	}
	t, ok := action["type"]
	if !ok || t == nil {
		return errMandatoryField("type", ap+".type")
	}
	if s, ok := t.(string); !ok || !slices.Contains(followUpActionTypes, s) {
		return errSupported("type", ap+".type", followUpActionTypes)
	}
	if id, ok := action["id"]; ok && id != nil {
		if _, ok := jsonID(id); !ok {
			return errType("id", ap+".id", "bigint")
		}
	}
	if d, ok := action["details"]; ok && d != nil {
		if _, ok := d.(map[string]any); !ok {
			return errType("details", ap+".details", "jsonobject")
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
