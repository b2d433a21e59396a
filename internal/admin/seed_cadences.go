package admin

// The fixture sections of cadences and their enrolments (see seed.go for the document).

import (
	"errors"
	"strings"

	"github.com/zcrm/zcrm/internal/crm"
)

// cadence applies one cadences entry as the cadences API does, as the org's first Administrator:
// crm.CreateCadence with the entry (less ref, org, published and active) as the body's one
// cadence, then the publish and activate actions (crm.CadenceAction) when the entry says so.
// Cadences need the Enterprise edition or above, as in the API.
func (a *applier) cadence(e entry) error {
	org, err := a.entryOrg(e, 0)
	if err != nil {
		return err
	}
	if !org.Edition.AtLeast(crm.Enterprise) {
		return failAt(e.path, crm.ErrFeatureNotEnabled())
	}
	actor, err := a.actor(org)
	if err != nil {
		return err
	}
	body := map[string]any{}
	for k, v := range e.obj {
		switch k {
		case "ref", "org", "published", "active":
		default:
			body[k] = crm.CloneJSON(v)
		}
	}
	if err := a.viewRef(body, e); err != nil {
		return err
	}
	item, err := crm.CreateCadence(a.ctx, a.tx, actor, map[string]any{"cadences": []any{body}})
	if err != nil {
		return zohoItemErr(err, e.path)
	}
	if !item.OK() {
		return itemErr(item, e.path, nil)
	}
	raw, _ := item.Details["id"].(string)
	id, _ := crm.ParseID(raw)
	c, err := a.tx.Cadence(a.ctx, org.ID, id)
	if err != nil {
		return err
	}
	for _, step := range []struct{ key, action string }{{"published", crm.ActionPublish}, {"active", crm.ActionActivate}} {
		if on, _ := e.obj[step.key].(bool); !on {
			continue
		}
		item, err := crm.CadenceAction(a.ctx, a.tx, actor, id, step.action, map[string]any{})
		if err != nil {
			return failAt(e.at(step.key), err)
		}
		if !item.OK() {
			return fixtureErr(e.at(step.key), "%s: %s", item.Code, item.Message)
		}
	}
	a.defineRef(e, &made{kind: kindCadence, id: id, org: org.ID, answer: raw, module: c.Module})
	return nil
}

// zohoItemErr words a Zoho error about the body's one element at the path its json_path names
// under the entry's path (itemErr); other errors as failAt does.
func zohoItemErr(err error, path string) error {
	var zoho *crm.Error
	if !errors.As(err, &zoho) {
		return failAt(path, err)
	}
	fe := itemErr(zoho.Item(), path, nil)
	fe.cause = err
	return fe
}

// enrol applies one enrolments entry as POST /{module}/actions/enrol_in_cadences does, as the org's
// first Administrator (crm.EnrolRecords): the records (refs or ids) into the cadence (a ref or an
// id). The module defaults to the cadence's when the cadence is a ref.
func (a *applier) enrol(e entry) error {
	cp := e.at("cadence")
	var cadID int64
	var cad *made
	switch v := e.obj["cadence"].(type) {
	case nil:
		return fixtureErr(cp, "cadence is required (a ref or a cadence id)")
	case string:
		if _, isRef := a.f.defs[v]; isRef || !isID(v) {
			m, err := a.use(v, cp, kindCadence)
			if err != nil {
				return err
			}
			cadID, cad = m.id, m
			break
		}
		cadID, _ = crm.ParseID(v)
	default:
		cadID, _ = idOf(v)
	}
	org, err := a.entryOrg(e, orgOfRef(cad))
	if err != nil {
		return err
	}
	module := e.str("module")
	if module == "" {
		if cad == nil {
			return fixtureErr(e.at("module"), "module is required when cadence is a cadence id")
		}
		module = cad.module
	}
	m, err := crm.APIModule(a.ctx, a.tx, org, module, 0)
	if err != nil {
		return failAt(e.at("module"), err)
	}
	var ids []any
	list, _ := e.obj["records"].([]any)
	for i, v := range list {
		if s, ok := v.(string); ok {
			if _, isRef := a.f.defs[s]; isRef || !isID(s) {
				r, err := a.use(s, indexPath(e.at("records"), i), kindRecord)
				if err != nil {
					return err
				}
				v = r.answer
			}
		}
		ids = append(ids, v)
	}
	actor, err := a.actor(org)
	if err != nil {
		return err
	}
	body := map[string]any{"cadences_ids": []any{crm.FormatID(cadID)}, "ids": ids}
	items, err := crm.EnrolRecords(a.ctx, a.tx, actor, m, body, true)
	if err != nil {
		var zoho *crm.Error
		if errors.As(err, &zoho) {
			return &FixtureError{Message: zoho.Code + ": " + zoho.Message, Path: enrolPath(e, zoho.Details), cause: err}
		}
		return err
	}
	for _, it := range items {
		if !it.OK() {
			return fixtureErr(enrolPath(e, it.Details), "%s: %s", it.Code, it.Message)
		}
	}
	return nil
}

// enrolPath maps the json_path of an enrolment error (in details, or the first of limit_due_to)
// to the entry: $.cadences_ids… is its cadence, $.ids… its records.
func enrolPath(e entry, details map[string]any) string {
	jp, _ := details["json_path"].(string)
	if due, ok := details["limit_due_to"].([]any); ok && jp == "" && len(due) > 0 {
		first, _ := due[0].(map[string]any)
		jp, _ = first["json_path"].(string)
	}
	switch {
	case strings.HasPrefix(jp, "$.cadences_ids"):
		return e.at("cadence")
	case strings.HasPrefix(jp, "$.ids"):
		return e.at("records") + strings.TrimPrefix(jp, "$.ids")
	}
	return e.path
}
