package admin

// The notes fixture section: [{"ref","org","parent","module",<note fields>}], each entry a note of
// its parent record made through crm.InsertNotes, as POST /{module}/{id}/Notes makes it.

import (
	"github.com/zcrm/zcrm/internal/crm"
)

// note applies one notes entry: parent is a record ref or id (module, the parent's module, is
// needed with an id); the other keys are the note's fields (Note_Title, Note_Content, …).
func (a *applier) note(e entry) error {
	parentID, org, m, err := a.parentOf(e)
	if err != nil {
		return err
	}
	if _, ok := m.RelatedList("Notes"); !ok {
		return fixtureErr(e.at("parent"), "%s records have no notes", m.APIName)
	}
	notes, err := crm.APIModule(a.ctx, a.tx, org, "Notes", 0)
	if err != nil {
		return err
	}
	item := map[string]any{}
	for k, v := range e.obj {
		switch k {
		case "ref", "org", "parent", "module":
		default:
			item[k] = crm.CloneJSON(v)
		}
	}
	actor, err := a.actor(org)
	if err != nil {
		return err
	}
	items, err := crm.InsertNotes(a.ctx, a.tx, actor, notes, []any{item}, &crm.NoteParent{Module: m.APIName, ID: parentID})
	if err != nil {
		return failAt(e.path, err)
	}
	if !items[0].OK() {
		return itemErr(items[0], e.path, nil)
	}
	id, _ := items[0].Details["id"].(string)
	n, _ := crm.ParseID(id)
	a.defineRef(e, &made{kind: kindRecord, id: n, org: org.ID, answer: id, module: "Notes"})
	return nil
}
