package httpapi

import (
	"context"
	"net/http"
	"strings"

	"github.com/zcrm/zcrm/internal/catalog"
	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/oauth"
)

// Related records: /{module}/{id}/{related_list}[/{related_id}].
//
// Every handler checks, in order: the module (INVALID_MODULE), the token's scope on the parent
// module, the profile's permission on the parent module, the parent record (INVALID_DATA "the
// related id given seems to be invalid", index 1), the related list (INVALID_DATA "the relation name
// given seems to be invalid", index 2), the related record of the single forms (INVALID_DATA "the id
// given seems to be invalid", index 3), data sharing on the parent for writes (AUTHORIZATION_FAILED),
// then parameters and body. Writing a related list that is not a writable relation (Notes,
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
	var cadences struct {
		module catalog.Module
		record int64
	}
	err := c.read(func(tx crm.Tx) error {
		cadences.record = 0
		m, err := c.module(ctx, tx)
		if err != nil {
			return err
		}
		if err := c.needModuleScope(oauth.OpRead, m.APIName); err != nil {
			return err
		}
		if err := c.needPermission(crm.MsgPermission, crm.ModulePermission("View", m.Legacy)); err != nil {
			return err
		}
		parent, err := crm.PathRecord(ctx, tx, c.Org.ID, m.APIName, c.param("id"), crm.MsgRelatedID, 1)
		if err != nil {
			return err
		}
		t, err := crm.ResolveRelatedList(ctx, tx, c.Org, m, c.param("related_list"))
		if err != nil {
			return err
		}
		if !single && isCadenceList(t.List.APIName) {
			// The record's cadences: the cadences API answers, in its own transaction.
			cadences.module, cadences.record = m, parent.ID
			return nil
		}
		q, err := relQuery(c)
		if err != nil {
			return err
		}
		if single {
			id, ok := crm.ParseID(c.param("related_id"))
			if !ok {
				return crm.ErrPathID(crm.MsgID, 3)
			}
			q.IDs = []int64{id}
		}
		page, err := crm.ListRelated(ctx, tx, c.Org, t, parent.ID, q)
		if err != nil {
			return err
		}
		status, body = relPageAnswer(page)
		return nil
	})
	if err == nil && cadences.record != 0 {
		return s.listRecordCadences(ctx, c, cadences.module, cadences.record)
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
	return s.writeRelated(ctx, c, false)
}

func (s *Server) linkRelatedOne(ctx context.Context, c *call) (int, any, error) {
	return s.writeRelated(ctx, c, true)
}

// relatedChange is the checked target of a link or delink: the parent record, the writable
// related list, and (single-id forms) the related record named in the path.
type relatedChange struct {
	parent  crm.Record
	target  crm.RelatedTarget
	related crm.Record
}

// relatedAccess runs the checks every related-records write shares, in Zoho's order: module →
// scope (op) → profile permission (action) → parent id (index 1) → relation name (index 2) →
// related id in the path (index 3, single forms) → data sharing (AUTHORIZATION_FAILED denied).
func relatedAccess(ctx context.Context, c *call, tx crm.Tx, op, action, denied string, single bool) (relatedChange, error) {
	var rc relatedChange
	m, err := relatedModule(ctx, c, tx, op, action)
	if err != nil {
		return rc, err
	}
	if rc.parent, err = crm.PathRecord(ctx, tx, c.Org.ID, m.APIName, c.param("id"), crm.MsgRelatedID, 1); err != nil {
		return rc, err
	}
	if rc.target, err = crm.ResolveRelatedList(ctx, tx, c.Org, m, c.param("related_list")); err != nil {
		return rc, err
	}
	if !rc.target.Writable() {
		return rc, crm.ErrRelationNotWritable()
	}
	if single {
		if rc.related, err = crm.PathRecord(ctx, tx, c.Org.ID, rc.target.Related.APIName, c.param("related_id"), crm.MsgID, 3); err != nil {
			return rc, err
		}
	}
	if ok, err := crm.CanChange(ctx, tx, c.Actor, rc.parent); err != nil {
		return rc, err
	} else if !ok {
		return rc, crm.ErrAuthorizationFailed(denied)
	}
	return rc, nil
}

// relatedModule runs the checks of a related-records write that come before its parent record:
// module, scope (op), profile permission (action).
func relatedModule(ctx context.Context, c *call, tx crm.Tx, op, action string) (catalog.Module, error) {
	m, err := c.module(ctx, tx)
	if err != nil {
		return m, err
	}
	if err := c.needModuleScope(op, m.APIName); err != nil {
		return m, err
	}
	if err := c.needPermission(crm.MsgPermission, crm.ModulePermission(action, m.Legacy)); err != nil {
		return m, err
	}
	return m, nil
}

// delinkTarget resolves a multi-id delink's related list before looking at its parent record, so
// that crm.DelinkRelatedAs can check the parent in the same store call as the removal. ok is false
// when the answer depends on relatedAccess's order of checks (a malformed parent id, an unknown or
// read-only related list): the caller then takes that path.
func delinkTarget(ctx context.Context, c *call, tx crm.Tx) (t crm.RelatedTarget, parentID int64, ok bool, err error) {
	m, err := relatedModule(ctx, c, tx, oauth.OpDelete, "Delete")
	if err != nil {
		return t, 0, false, err
	}
	if parentID, ok = crm.ParseID(c.param("id")); !ok {
		return t, 0, false, nil
	}
	t, err = crm.ResolveRelatedList(ctx, tx, c.Org, m, c.param("related_list"))
	if err != nil || !t.Writable() {
		return t, 0, false, nil
	}
	return t, parentID, true, nil
}

func (s *Server) writeRelated(ctx context.Context, c *call, single bool) (int, any, error) {
	var status int
	var body any
	err := c.write(func(tx crm.Tx) error {
		rc, err := relatedAccess(ctx, c, tx, oauth.OpUpdate, "Edit", crm.MsgLinkAuth, single)
		if err != nil {
			return err
		}
		obj, err := c.body()
		if err != nil {
			return err
		}
		items, err := relBodyItems(obj, "data", single)
		if err != nil {
			return err
		}
		out, err := crm.LinkRelated(ctx, tx, c.Org, rc.target, rc.parent.ID, items, rc.related.ID)
		if err != nil {
			return err
		}
		status, body = crm.MultiStatus(out, http.StatusOK), map[string]any{"data": out}
		return nil
	})
	return status, body, err
}

func (s *Server) delinkRelated(ctx context.Context, c *call) (int, any, error) {
	return s.deleteRelated(ctx, c, false)
}

func (s *Server) delinkRelatedOne(ctx context.Context, c *call) (int, any, error) {
	return s.deleteRelated(ctx, c, true)
}

func (s *Server) deleteRelated(ctx context.Context, c *call, single bool) (int, any, error) {
	var status int
	var body any
	ids, idsErr := relIDsBeforeWrite(c, single)
	err := c.write(func(tx crm.Tx) error {
		if !single && idsErr == nil {
			t, parentID, ok, err := delinkTarget(ctx, c, tx)
			if err != nil {
				return err
			}
			if ok {
				items, err := crm.DelinkRelatedAs(ctx, tx, c.Actor, t, parentID, ids, crm.MsgDelinkAuth)
				if err != nil {
					return err
				}
				status, body = crm.MultiStatus(items, http.StatusOK), map[string]any{"data": items}
				return nil
			}
		}
		rc, err := relatedAccess(ctx, c, tx, oauth.OpDelete, "Delete", crm.MsgDelinkAuth, single)
		if err != nil {
			return err
		}
		if single {
			item, err := crm.DelinkRelatedOne(ctx, tx, c.Org, rc.target, rc.parent.ID, rc.related.ID)
			if err != nil {
				return err
			}
			status, body = http.StatusOK, map[string]any{"data": []crm.Item{item}}
			return nil
		}
		if idsErr != nil {
			return idsErr
		}
		items, err := crm.DelinkRelated(ctx, tx, c.Org, rc.target, rc.parent.ID, ids)
		if err != nil {
			return err
		}
		status, body = crm.MultiStatus(items, http.StatusOK), map[string]any{"data": items}
		return nil
	})
	return status, body, err
}

// relIDsBeforeWrite parses the ids of a multi-id delete before its write transaction, so the
// parsing does not hold SQLite's one writer; the caller reports its error where the house order of
// checks puts it (after access). The single forms have no ids.
func relIDsBeforeWrite(c *call, single bool) ([]int64, error) {
	if single {
		return nil, nil
	}
	return relIDsParam(c)
}

// relIDsParam reads the mandatory ids query parameter of a multi-id delete: REQUIRED_PARAM_MISSING
// when absent or empty, UNABLE_TO_PARSE_DATA_TYPE when an element is not an id, LIMIT_EXCEEDED
// beyond 100 elements (counted before duplicates are dropped). It returns the distinct ids in order.
func relIDsParam(c *call) ([]int64, error) {
	if !c.hasQuery("ids") {
		return nil, crm.ErrParamMissing("ids")
	}
	raw := crm.SplitIDs(c.query("ids"))
	if len(raw) == 0 {
		return nil, crm.ErrParamMissing("ids")
	}
	ids, ok := crm.ParseIDList(raw)
	if !ok {
		return nil, crm.ErrUnparsable()
	}
	if len(ids) > crm.MaxRelatedIDs {
		return nil, crm.ErrRelatedIDsLimit()
	}
	return crm.Dedupe(ids), nil
}

// relQuery reads the parameters of a related read as a record listing reads them: fields
// (mandatory), ids, page, per_page (default and at most 200), sort_by and sort_order.
func relQuery(c *call) (crm.ListQuery, error) {
	return crm.ParseListQuery(c.lookupQuery, true)
}

// relBodyItems returns the array under key of a write body: MANDATORY_NOT_FOUND when it is absent,
// null or empty, INVALID_DATA when it is not an array, LIMIT_EXCEEDED beyond 100 elements. The single
// forms use the first element only.
func relBodyItems(obj map[string]any, key string, single bool) ([]any, error) {
	v, ok := obj[key]
	if !ok || v == nil {
		return nil, crm.ErrMandatory(crm.MsgRequiredField, crm.APIPath(key, "$."+key))
	}
	arr, ok := v.([]any)
	if !ok {
		return nil, crm.ErrInvalidData(crm.MsgInvalidData, map[string]any{"api_name": key, "json_path": "$." + key, "expected_data_type": "jsonarray"})
	}
	if len(arr) == 0 {
		return nil, crm.ErrMandatory(crm.MsgRequiredField, crm.APIPath(key, "$."+key))
	}
	if len(arr) > crm.MaxRelatedIDs {
		return nil, crm.ErrBodyLimit(key)
	}
	if single {
		arr = arr[:1]
	}
	return arr, nil
}
