package httpapi

import (
	"context"
	"errors"
	"net/http"

	"github.com/zcrm/zcrm/internal/catalog"
	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/oauth"
)

// Calls under a parent record: related records (/{module}/{id}/{related_list}[/{related_id}]) and
// a deal's contact roles (/Deals/{id}/Contact_Roles[/{related_id}]) are one pipeline with two sets
// of rules (parentRules). Zoho checks, in this order: the module (INVALID_MODULE), the token's
// scopes, the profile's permissions, the parent record (INVALID_DATA "the related id given seems to
// be invalid", index 1), the related list (INVALID_DATA "the relation name given seems to be
// invalid", index 2; a write to a list that is not a writable relation is 400 NOT_SUPPORTED), the
// related record of the single forms (INVALID_DATA "the id given seems to be invalid", index 3),
// data sharing on the parent for writes (AUTHORIZATION_FAILED), then parameters and body. A read
// sees through data sharing (crm.VisibleOwner): a parent or related record it may not view is
// answered as unknown, and the rows list only the related records it may view.
//
// A multi-id removal checks the parent in the same store call as the removal (crm.DelinkRelated,
// crm.RemoveDealContactRoles): when nothing else can fail first, the parent record is not read
// beforehand.

// parentRules are what differ between the families of calls under a parent record.
type parentRules struct {
	// modules returns the modules whose scopes (API names) and permissions (legacy names) a call
	// under m needs; ok is false when m has no such calls (INVALID_MODULE).
	modules func(m catalog.Module) (scopes, perms []string, ok bool)
	// list tells that the path names a related list (segment 2).
	list bool
	// related is the module of the single forms' {related_id}.
	related func(t crm.RelatedTarget) string
	// denied is the AUTHORIZATION_FAILED message of a write refused by data sharing, by action.
	denied map[string]string
}

// relatedRules: any module's related lists; the parent module's scope and permission.
var relatedRules = parentRules{
	modules: func(m catalog.Module) ([]string, []string, bool) {
		return []string{m.APIName}, []string{m.Legacy}, true
	},
	list:    true,
	related: func(t crm.RelatedTarget) string { return t.Related.APIName },
	denied:  map[string]string{"Edit": crm.MsgNoPrivilegeUpdateRelated, "Delete": crm.MsgNoPrivilegeDeleteRelated},
}

// dealRoleRules: Deals only; the Deals and Contacts scopes and permissions together.
var dealRoleRules = parentRules{
	modules: func(m catalog.Module) ([]string, []string, bool) {
		return []string{"Deals", "Contacts"}, []string{m.Legacy, "Contacts"}, m.APIName == "Deals"
	},
	related: func(crm.RelatedTarget) string { return "Contacts" },
	denied:  map[string]string{"Edit": crm.MsgNoPrivilegeUpdateContactRoles, "Delete": crm.MsgNoPrivilegeDeleteContactRoles},
}

// underParent is the place a call under a parent record acts on, as far as its checks have looked.
type underParent struct {
	module   catalog.Module
	parentID int64
	parent   crm.Record        // the parent's head, once settle has read it
	target   crm.RelatedTarget // the related list (parentRules.list)
	related  crm.Record        // the single forms' {related_id}, when settle looked it up
}

// enter runs the checks that come before the parent record: module, scopes (op), permissions
// (action) and the form of the parent id (index 1). It also resolves the related list; a list error
// (unknown, or not writable for a write) is returned as listErr, since it counts only once the
// parent record is known to exist.
func (r parentRules) enter(ctx context.Context, c *call, tx crm.Tx, op, action string) (p underParent, listErr, err error) {
	if p.module, err = c.module(ctx, tx); err != nil {
		return p, nil, err
	}
	scopes, perms, ok := r.modules(p.module)
	if !ok {
		return p, nil, crm.ErrInvalidModule(0)
	}
	if err := c.needModuleScope(op, scopes...); err != nil {
		return p, nil, err
	}
	need := make([]string, len(perms))
	for i, m := range perms {
		need[i] = crm.ModulePermission(action, m)
	}
	if err := c.needPermission(crm.MsgPermissionDenied, need...); err != nil {
		return p, nil, err
	}
	if p.parentID, ok = crm.ParseID(c.param("id")); !ok {
		return p, nil, crm.ErrPathID(crm.MsgRelatedIDGivenInvalid, 1)
	}
	if !r.list {
		return p, nil, nil
	}
	p.target, err = crm.ResolveRelatedList(ctx, tx, c.Org, p.module, c.param("related_list"))
	var zoho *crm.Error
	switch {
	case errors.As(err, &zoho):
		return p, err, nil
	case err != nil:
		return p, nil, err
	case op != oauth.OpRead && !p.target.Writable():
		return p, crm.ErrRelationNotWritable(), nil
	}
	return p, nil, nil
}

// settle runs the checks from the parent record on: the parent (index 1), the related list
// (listErr from enter), the single forms' related record (index 3) when lookupRelated, and data
// sharing on the parent when denied (a write's refusal message) is not empty. A read (denied empty)
// sees the parent and the related record through data sharing: one it may not view is as unknown
// (crm.ViewedPathRecord), as Zoho answers for records it hides.
func (r parentRules) settle(ctx context.Context, c *call, tx crm.Tx, p *underParent, listErr error, lookupRelated bool, denied string) error {
	pathRecord := func(module, param, message string, index int) (crm.Record, error) {
		if denied == "" {
			return crm.ViewedPathRecord(ctx, tx, c.Actor, module, c.param(param), message, index)
		}
		return crm.PathRecord(ctx, tx, c.Org.ID, module, c.param(param), message, index)
	}
	var err error
	if p.parent, err = pathRecord(p.module.APIName, "id", crm.MsgRelatedIDGivenInvalid, 1); err != nil {
		return err
	}
	if listErr != nil {
		return listErr
	}
	if lookupRelated {
		if p.related, err = pathRecord(r.related(p.target), "related_id", crm.MsgIDGivenInvalid, 3); err != nil {
			return err
		}
	}
	if denied == "" {
		return nil
	}
	if ok, err := crm.CanChange(ctx, tx, c.Actor, p.parent); err != nil {
		return err
	} else if !ok {
		return crm.ErrAuthorizationFailed(denied)
	}
	return nil
}

// putUnder answers a write whose body's data array names the related records (link related
// records, give contacts roles on a deal): put computes the items of the checked place.
func (s *Server) putUnder(ctx context.Context, c *call, r parentRules, single bool,
	put func(tx crm.Tx, p underParent, items []any) ([]crm.Item, error)) (int, any, error) {
	var out []crm.Item
	err := c.write(func(tx crm.Tx) error {
		p, listErr, err := r.enter(ctx, c, tx, oauth.OpUpdate, "Edit")
		if err != nil {
			return err
		}
		if err := r.settle(ctx, c, tx, &p, listErr, single, r.denied["Edit"]); err != nil {
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
		out, err = put(tx, p, items)
		return err
	})
	if err != nil {
		return 0, nil, err
	}
	return crm.MultiStatus(out, http.StatusOK), map[string]any{"data": out}, nil
}

// removeUnder answers a removal: of the ids in the ids parameter (removeAll, which checks the
// parent record and data sharing itself, in the same store call), or of the single form's
// {related_id} (removeOne, after every check).
func (s *Server) removeUnder(ctx context.Context, c *call, r parentRules, single bool,
	removeAll func(tx crm.Tx, p underParent, ids []int64, denied string) ([]crm.Item, error),
	removeOne func(tx crm.Tx, p underParent) (crm.Item, error)) (int, any, error) {
	var out []crm.Item
	ids, idsErr := relIDsBeforeWrite(c, single)
	denied := r.denied["Delete"]
	err := c.write(func(tx crm.Tx) error {
		p, listErr, err := r.enter(ctx, c, tx, oauth.OpDelete, "Delete")
		if err != nil {
			return err
		}
		if !single && listErr == nil && idsErr == nil {
			out, err = removeAll(tx, p, ids, denied)
			return err
		}
		if err := r.settle(ctx, c, tx, &p, listErr, single, denied); err != nil {
			return err
		}
		if !single {
			return idsErr
		}
		item, err := removeOne(tx, p)
		out = []crm.Item{item}
		return err
	})
	if err != nil {
		return 0, nil, err
	}
	return crm.MultiStatus(out, http.StatusOK), map[string]any{"data": out}, nil
}

// relIDsBeforeWrite parses the ids of a multi-id delete before its write transaction, so the
// parsing does not hold SQLite's one writer; the caller reports its error where Zoho's order of
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

// relQuery reads the parameters of a read under a parent as a record listing reads them: fields
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
		return nil, crm.ErrMandatory(crm.MsgRequiredFieldNotFound, crm.APIPath(key, "$."+key))
	}
	arr, ok := v.([]any)
	if !ok {
		return nil, crm.ErrInvalidData(crm.MsgInvalidData, map[string]any{"api_name": key, "json_path": "$." + key, "expected_data_type": "jsonarray"})
	}
	if len(arr) == 0 {
		return nil, crm.ErrMandatory(crm.MsgRequiredFieldNotFound, crm.APIPath(key, "$."+key))
	}
	if len(arr) > crm.MaxRelatedIDs {
		return nil, crm.ErrBodyLimit(key)
	}
	if single {
		arr = arr[:1]
	}
	return arr, nil
}
