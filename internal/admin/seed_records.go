package admin

// The fixture sections of CRM data: records, relations, contact roles and deal contact roles (see
// seed.go for the document).

import (
	"errors"
	"strings"

	"github.com/zcrm/zcrm/internal/catalog"
	"github.com/zcrm/zcrm/internal/crm"
)

// itemErr turns the error item of a call into a fixture error at the entry's path: a json_path
// "$.<array>[i].Field…" of the body the seed built becomes "<path>.Field…", the first key renamed
// as rename says.
func itemErr(it crm.Item, path string, rename map[string]string) *FixtureError {
	p := path
	if jp, ok := it.Details["json_path"].(string); ok {
		if _, rest, ok := strings.Cut(jp, "]"); ok && strings.HasPrefix(jp, "$.") && strings.Contains(jp[:len(jp)-len(rest)], "[") {
			rest = strings.TrimPrefix(rest, ".")
			end := strings.IndexAny(rest, ".[")
			if end < 0 {
				end = len(rest)
			}
			field, tail := rest[:end], rest[end:]
			if to, ok := rename[field]; ok {
				field = to
			}
			if field != "" {
				p = keyPath(path, field) + tail
			}
		}
	}
	return &FixtureError{Message: it.Code + ": " + it.Message, Path: p}
}

// insertModule inserts a module's records in order, in batches of up to crm.MaxRecordsPerCall of
// one org; a record whose lookup names a ref of the batch being built starts a new batch.
func (a *applier) insertModule(mr moduleRecords) error {
	var org crm.Org
	var m catalog.Module
	resolved := false
	var batch []entry
	var data []any
	pending := map[string]bool{}
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		actor, err := a.actor(org)
		if err != nil {
			return err
		}
		items, err := crm.InsertRecords(a.ctx, a.tx, actor, m, data)
		if err != nil {
			return failAt(mr.path, err)
		}
		for i, it := range items {
			if !it.OK() {
				return itemErr(it, batch[i].path, nil)
			}
			id, _ := it.Details["id"].(string)
			n, _ := crm.ParseID(id)
			a.defineRef(batch[i], &made{kind: kindRecord, id: n, org: org.ID, answer: id, module: m.APIName})
		}
		batch, data, pending = nil, nil, map[string]bool{}
		return nil
	}
	enter := func(o crm.Org) error { // the module in the org of the records that follow
		if err := flush(); err != nil {
			return err
		}
		var err error
		org, resolved = o, true
		m, err = crm.APIModule(a.ctx, a.tx, org, mr.name, 0)
		return failAt(mr.path, err)
	}
	if len(mr.entries) == 0 {
		return enter(a.def)
	}
	for _, e := range mr.entries {
		o, err := a.entryOrg(e, 0)
		if err != nil {
			return err
		}
		if !resolved || o.ID != org.ID {
			if err := enter(o); err != nil {
				return err
			}
		}
		rec := make(map[string]any, len(e.obj))
		for k, v := range e.obj {
			if k == "ref" || k == "org" {
				continue
			}
			if ref, ok := lookupRef(v); ok {
				if pending[ref] {
					if err := flush(); err != nil {
						return err
					}
				}
				target, err := a.use(ref, e.at(k)+".ref", kindRecord, kindUser)
				if err != nil {
					return err
				}
				v = map[string]any{"id": target.answer}
			}
			rec[k] = crm.CloneJSON(v)
		}
		if len(batch) == crm.MaxRecordsPerCall {
			if err := flush(); err != nil {
				return err
			}
		}
		batch, data = append(batch, e), append(data, rec)
		if ref, ok := e.obj["ref"].(string); ok {
			pending[ref] = true
		}
	}
	return flush()
}

// target resolves a ref or id naming a record of a fixture entry: its id and, for a ref, what it
// names (nil for an id).
func (a *applier) target(e entry, key string) (int64, *made, error) {
	p := e.at(key)
	v, ok := e.obj[key]
	if !ok || v == nil {
		return 0, nil, fixtureErr(p, "%s is required (a ref or a record id)", key)
	}
	if ref, ok := v.(string); ok {
		if _, isRef := a.f.defs[ref]; isRef || !isID(ref) {
			m, err := a.use(ref, p, kindRecord)
			if err != nil {
				return 0, nil, err
			}
			return m.id, m, nil
		}
	}
	id, ok := idOf(v)
	if !ok {
		return 0, nil, fixtureErr(p, "%s must be a ref or a record id", key)
	}
	return id, nil, nil
}

// orgOfRef is the org of what m names, 0 for nil.
func orgOfRef(m *made) int64 {
	if m == nil {
		return 0
	}
	return m.org
}

// exists checks that the record id of module is in the org.
func (a *applier) exists(org crm.Org, id int64, module, path string) error {
	_, err := a.tx.RecordHead(a.ctx, org.ID, module, id)
	if errors.Is(err, crm.ErrNotFound) {
		return fixtureErr(path, "no %s record %s", module, crm.FormatID(id))
	}
	return err
}

// parentOf resolves an entry's parent record — a record ref, or an id with "module" naming its
// module — to its id, org and module (relations and notes entries).
func (a *applier) parentOf(e entry) (int64, crm.Org, catalog.Module, error) {
	parentID, parent, err := a.target(e, "parent")
	if err != nil {
		return 0, crm.Org{}, catalog.Module{}, err
	}
	org, err := a.entryOrg(e, orgOfRef(parent))
	if err != nil {
		return 0, crm.Org{}, catalog.Module{}, err
	}
	module := ""
	if parent != nil {
		module = parent.module
	} else if module = e.str("module"); module == "" {
		return 0, crm.Org{}, catalog.Module{}, fixtureErr(e.at("module"), "module (the parent's module) is required when parent is a record id")
	}
	m, err := crm.APIModule(a.ctx, a.tx, org, module, 0)
	if err != nil {
		return 0, crm.Org{}, catalog.Module{}, failAt(e.at("module"), err)
	}
	if err := a.exists(org, parentID, m.APIName, e.at("parent")); err != nil {
		return 0, crm.Org{}, catalog.Module{}, err
	}
	return parentID, org, m, nil
}

// link applies one relations entry through crm.LinkRelated.
func (a *applier) link(e entry) error {
	parentID, org, m, err := a.parentOf(e)
	if err != nil {
		return err
	}
	lp := e.at("list")
	list := e.str("list")
	if list == "" {
		return fixtureErr(lp, "list (a related list api name) is required")
	}
	t, err := crm.ResolveRelatedList(a.ctx, a.tx, org, m, list)
	var zoho *crm.Error
	if errors.As(err, &zoho) {
		return fixtureErr(lp, "%s has no related list %q", m.APIName, list)
	}
	if err != nil {
		return err
	}
	if !t.Writable() {
		return fixtureErr(lp, "related list %s of %s cannot be linked", t.List.APIName, m.APIName)
	}
	relatedID, related, err := a.target(e, "related")
	if err != nil {
		return err
	}
	if related != nil && related.module != t.Related.APIName {
		return fixtureErr(e.at("related"), "%s lists %s records, not %s", t.List.APIName, t.Related.APIName, related.module)
	}
	item := map[string]any{}
	for k, v := range e.obj {
		switch k {
		case "org", "parent", "module", "list", "related":
		default:
			item[k] = crm.CloneJSON(v)
		}
	}
	item["id"] = crm.FormatID(relatedID)
	items, err := crm.LinkRelated(a.ctx, a.tx, org, t, parentID, []any{item}, 0)
	if err != nil {
		return failAt(e.path, err)
	}
	if !items[0].OK() {
		return itemErr(items[0], e.path, map[string]string{"id": "related"})
	}
	return nil
}

// contactRole applies one contact_roles entry through crm.CreateContactRoles.
func (a *applier) contactRole(e entry) error {
	org, err := a.entryOrg(e, 0)
	if err != nil {
		return err
	}
	item := map[string]any{}
	for _, k := range []string{"name", "sequence_number"} {
		if v, ok := e.obj[k]; ok {
			item[k] = crm.CloneJSON(v)
		}
	}
	items, err := crm.CreateContactRoles(a.ctx, a.tx, org.ID, []any{item})
	if err != nil {
		return failAt(e.path, err)
	}
	if !items[0].OK() {
		return itemErr(items[0], e.path, nil)
	}
	id, _ := items[0].Details["id"].(string)
	n, _ := crm.ParseID(id)
	a.defineRef(e, &made{kind: kindRole, id: n, org: org.ID, answer: id})
	return nil
}

// dealRole applies one deal_contact_roles entry through crm.PutDealContactRoles. Its role is a
// contact role's ref, or what the API takes: a role's name or id, or {"id"} or {"name"}.
func (a *applier) dealRole(e entry) error {
	dealID, deal, err := a.target(e, "deal")
	if err != nil {
		return err
	}
	dp := e.at("deal")
	if deal != nil && deal.module != "Deals" {
		return fixtureErr(dp, "deal must name a Deals record, not %s", deal.module)
	}
	org, err := a.entryOrg(e, orgOfRef(deal))
	if err != nil {
		return err
	}
	if err := a.exists(org, dealID, "Deals", dp); err != nil {
		return err
	}
	contactID, contact, err := a.target(e, "contact")
	if err != nil {
		return err
	}
	if contact != nil && contact.module != "Contacts" {
		return fixtureErr(e.at("contact"), "contact must name a Contacts record, not %s", contact.module)
	}
	item := map[string]any{"id": crm.FormatID(contactID)}
	if role, ok := e.obj["role"]; ok {
		item["Contact_Role"] = crm.CloneJSON(role)
		r, err := a.refNamed(e, "role", kindRole)
		if err != nil {
			return err
		}
		if r != nil {
			item["Contact_Role"] = map[string]any{"id": r.answer}
		}
	}
	items, err := crm.PutDealContactRoles(a.ctx, a.tx, org, dealID, []any{item}, 0)
	if err != nil {
		return failAt(e.path, err)
	}
	if !items[0].OK() {
		return itemErr(items[0], e.path, map[string]string{"id": "contact", "Contact_Role": "role"})
	}
	return nil
}
