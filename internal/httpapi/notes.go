package httpapi

import (
	"context"
	"net/http"
	"strings"

	"github.com/zcrm/zcrm/internal/catalog"
	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/oauth"
)

// Notes (crm/note_service.go): /Notes and /Notes/{id} are the records routes, which hand a note's
// create and update to the Notes API's rules (isNotes); a record's notes are its Notes related
// list (GET /{module}/{id}/Notes, underparent.go), and POST /{module}/{id}/Notes creates notes
// under it. POST on any other related list is 400 INVALID_REQUEST_METHOD, as the router answers a
// method a path does not serve (here after authentication, since the path's pattern takes POST).

// isNotes reports whether m is the Notes module.
func isNotes(m catalog.Module) bool { return m.APIName == "Notes" }

// notesUnderRules: the parent's module must have a Notes list; the Notes scope and permission.
var notesUnderRules = parentRules{
	modules: func(m catalog.Module) ([]string, []string, bool) {
		_, ok := m.RelatedList("Notes")
		return []string{"Notes"}, []string{"Notes"}, ok
	},
}

// createUnder serves POST /{module}/{id}/{related_list}: Create Notes under a record for the Notes
// list. The parent is checked as a read under it is (module, scope, permission, a record the
// caller may view); the notes are created with it as their Parent_Id (201, or 207 when some fail).
func (s *Server) createUnder(ctx context.Context, c *call) (int, any, error) {
	if !strings.EqualFold(c.param("related_list"), "Notes") {
		return 0, nil, crm.ErrRequestMethod()
	}
	var out []crm.Item
	err := c.write(func(tx crm.Tx) error {
		p, _, err := notesUnderRules.enter(ctx, c, tx, oauth.OpCreate, "Create")
		if err != nil {
			return err
		}
		if err := notesUnderRules.settle(ctx, c, tx, &p, nil, false, ""); err != nil {
			return err
		}
		data, err := c.recordsBody()
		if err != nil {
			return err
		}
		notes, err := crm.APIModule(ctx, tx, c.Org, "Notes", 0)
		if err != nil {
			return err
		}
		out, err = crm.InsertNotes(ctx, tx, c.Actor, notes, data, &crm.NoteParent{Module: p.module.APIName, ID: p.parentID})
		return err
	})
	if err != nil {
		return 0, nil, err
	}
	return crm.MultiStatus(out, http.StatusCreated), map[string]any{"data": out}, nil
}

// noteUnder serves PUT and DELETE /{module}/{id}/Notes/{note_id}: Zoho's Update and Delete a
// Specific Note of a record. The parent is checked as createUnder checks it, the note must be one
// of its notes (crm.NoteUnder), and then it is updated or deleted as PUT and DELETE /Notes/{id} do.
func (s *Server) noteUnder(ctx context.Context, c *call, update bool) (int, any, error) {
	op, action := oauth.OpDelete, "Delete"
	if update {
		op, action = oauth.OpUpdate, "Edit"
	}
	var out []crm.Item
	err := c.write(func(tx crm.Tx) error {
		p, _, err := notesUnderRules.enter(ctx, c, tx, op, action)
		if err != nil {
			return err
		}
		if err := notesUnderRules.settle(ctx, c, tx, &p, nil, false, ""); err != nil {
			return err
		}
		if err := crm.NoteUnder(ctx, tx, c.Org.ID, p.module.APIName, p.parentID, c.param("related_id")); err != nil {
			return err
		}
		notes, err := crm.APIModule(ctx, tx, c.Org, "Notes", 0)
		if err != nil {
			return err
		}
		if !update {
			out, err = crm.DeleteRecord(ctx, tx, c.Actor, notes, c.param("related_id"))
			return err
		}
		data, err := c.recordsBody()
		if err != nil {
			return err
		}
		out, err = crm.UpdateNote(ctx, tx, c.Actor, notes, c.param("related_id"), data)
		return err
	})
	if err != nil {
		return 0, nil, err
	}
	return crm.MultiStatus(out, http.StatusOK), map[string]any{"data": out}, nil
}
