package httpapi

import (
	"context"
	"net/http"
	"strings"

	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/oauth"
)

// Related records: /{module}/{id}/{related_list}[/{related_id}], checked as every call under a
// parent record is (underparent.go). Writing a related list that is not a writable relation (Notes,
// Attachments, lookup-based lists, the cadence list, ...) is 400 NOT_SUPPORTED with
// {"resource_path_index":2}. Reading a record's cadence list (Entity_Cadences_<module>) hands over,
// after the parent record's checks, to the cadences API (listRecordCadences).

func (s *Server) listRelated(ctx context.Context, c *call) (int, any, error) {
	return s.readRelated(ctx, c, false)
}

func (s *Server) getRelated(ctx context.Context, c *call) (int, any, error) {
	return s.readRelated(ctx, c, true)
}

// isCadenceList reports whether a related list is a record's cadence list
// (catalog.CadenceListName: "Entity_Cadences_" and the module, matched case-insensitively).
func isCadenceList(name string) bool {
	return strings.HasPrefix(strings.ToLower(name), "entity_cadences_")
}

func (s *Server) readRelated(ctx context.Context, c *call, single bool) (int, any, error) {
	var status int
	var body any
	var cadences underParent // the record whose cadences the cadences API answers, if any
	err := c.read(func(tx crm.Tx) error {
		cadences = underParent{}
		p, listErr, err := relatedRules.enter(ctx, c, tx, oauth.OpRead, "View")
		if err != nil {
			return err
		}
		if err := relatedRules.settle(ctx, c, tx, &p, listErr, false, ""); err != nil {
			return err
		}
		if !single && isCadenceList(p.target.List.APIName) {
			// The record's cadences: the cadences API answers, in its own transaction.
			cadences = p
			return nil
		}
		q, err := relQuery(c)
		if err != nil {
			return err
		}
		if single {
			// The related record is not looked up: one that is not linked reads as no rows.
			id, ok := crm.ParseID(c.param("related_id"))
			if !ok {
				return crm.ErrPathID(crm.MsgIDGivenInvalid, 3)
			}
			q.IDs = []int64{id}
		}
		page, err := crm.ListRelated(ctx, tx, c.Actor, p.target, p.parentID, q)
		if err != nil {
			return err
		}
		status, body = relPageAnswer(page)
		return nil
	})
	if err == nil && cadences.parentID != 0 {
		return s.listRecordCadences(ctx, c, cadences.module, cadences.parentID)
	}
	return status, body, err
}

// relPageAnswer is 200 with the page, or 204 when it has no rows.
func relPageAnswer(page crm.RelatedPage) (int, any) {
	if len(page.Data) == 0 {
		return http.StatusNoContent, nil
	}
	return http.StatusOK, page
}

func (s *Server) linkRelated(ctx context.Context, c *call) (int, any, error) {
	return s.link(ctx, c, false)
}

func (s *Server) linkRelatedOne(ctx context.Context, c *call) (int, any, error) {
	if strings.EqualFold(c.param("related_list"), "Notes") {
		return s.noteUnder(ctx, c, true) // a note is updated, not linked (notes.go)
	}
	return s.link(ctx, c, true)
}

// link links the parent to the records the body's items name (the single form: to {related_id}).
func (s *Server) link(ctx context.Context, c *call, single bool) (int, any, error) {
	return s.putUnder(ctx, c, relatedRules, single, func(tx crm.Tx, p underParent, items []any) ([]crm.Item, error) {
		return crm.LinkRelated(ctx, tx, c.Org, p.target, p.parentID, items, p.related.ID)
	})
}

func (s *Server) delinkRelated(ctx context.Context, c *call) (int, any, error) {
	return s.delink(ctx, c, false)
}

func (s *Server) delinkRelatedOne(ctx context.Context, c *call) (int, any, error) {
	if strings.EqualFold(c.param("related_list"), "Notes") {
		return s.noteUnder(ctx, c, false) // a note is deleted, not delinked (notes.go)
	}
	return s.delink(ctx, c, true)
}

// delink removes the parent's links to the ids parameter's records (the single form: to {related_id}).
func (s *Server) delink(ctx context.Context, c *call, single bool) (int, any, error) {
	return s.removeUnder(ctx, c, relatedRules, single,
		func(tx crm.Tx, p underParent, ids []int64, denied string) ([]crm.Item, error) {
			return crm.DelinkRelated(ctx, tx, c.Actor, p.target, p.parentID, ids, denied)
		},
		func(tx crm.Tx, p underParent) (crm.Item, error) {
			return crm.DelinkRelatedOne(ctx, tx, c.Org, p.target, p.parentID, p.related.ID)
		})
}
