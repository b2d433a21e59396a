package httpapi

import (
	"context"
	"net/http"
	"strconv"

	"github.com/zcrm/zcrm/internal/catalog"
	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/oauth"
)

// Cadence settings endpoints: scope ZohoCRM.settings.cadences.<op> (READ for reads; CREATE, UPDATE,
// DELETE for changes; ALL only for the lifecycle actions), Enterprise edition and above, and the
// profile permission Crm_Implied_View_Cadences (reads) or Crm_Implied_Manage_Cadences (changes).

// cadenceAccess runs the checks every cadence settings endpoint shares, in the house order.
func (c *call) cadenceAccess(op, perm string) error {
	if err := c.needScope(oauth.SettingsNeed("cadences", op)); err != nil {
		return err
	}
	if err := c.needEdition(crm.Enterprise); err != nil {
		return err
	}
	return c.needPermission(crm.MsgNoPermission, perm)
}

// cadenceIntParam reads a positive integer query parameter: def when absent, 400
// UNABLE_TO_PARSE_DATA_TYPE when not an integer, 400 INVALID_DATA {"param_name"} outside 1..max.
func (c *call) cadenceIntParam(name string, def, max int) (int, error) {
	raw := c.query(name)
	if raw == "" {
		return def, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil {
		return 0, crm.ErrUnparsable()
	}
	if n < 1 || n > max {
		return 0, crm.ErrInvalidData(crm.MsgInvalidData, map[string]any{"param_name": name})
	}
	return n, nil
}

// cadencePage reads page and per_page.
func (c *call) cadencePage(defPerPage int) (page, perPage int, err error) {
	if page, err = c.cadenceIntParam("page", 1, 1<<20); err != nil {
		return 0, 0, err
	}
	perPage, err = c.cadenceIntParam("per_page", defPerPage, 200)
	return page, perPage, err
}

// listCadences serves GET /settings/automation/cadences: filters module, active and name (a
// criteria JSON), fields, page and per_page (default 50, at most 200); 204 when nothing matches.
// Answers come from the list cache while the org's cache version stands (cadence_cache.go).
func (s *Server) listCadences(ctx context.Context, c *call) (int, any, error) {
	if err := c.cadenceAccess(oauth.OpRead, crm.PermViewCadences); err != nil {
		return 0, nil, err
	}
	key := listKey{org: c.Org.ID, version: c.api.Name, query: c.r.URL.RawQuery}
	if a, ok := s.cadenceLists.get(key, c.Version); ok {
		return a.status, a.body, nil
	}
	var a listAnswer
	err := c.read(func(tx crm.Tx) error {
		var err error
		if a.orgVersion, err = tx.OrgVersion(ctx, c.Org.ID); err != nil {
			return err
		}
		a.status, a.body = http.StatusNoContent, nil
		q := crm.CadenceQuery{Module: c.query("module"), Name: c.query("name"), Fields: crm.SplitIDs(c.query("fields")),
			StringIDs: !c.api.CustomViewIDNumber} // the cache key holds the version
		if c.hasQuery("active") {
			switch c.query("active") {
			case "true":
				q.Active = new(true)
			case "false":
				q.Active = new(false)
			default:
				return crm.ErrUnparsable()
			}
		}
		if q.Page, q.PerPage, err = c.cadencePage(50); err != nil {
			return err
		}
		page, err := crm.ListCadences(ctx, tx, c.Org, q)
		if err != nil || len(page.Cadences) == 0 {
			return err
		}
		a.status = http.StatusOK
		a.body, err = encodeJSON(page)
		return err
	})
	if err != nil {
		return 0, nil, err
	}
	s.cadenceLists.put(key, a)
	return a.status, a.body, nil
}

// getCadence serves GET /settings/automation/cadences/{id}; 204 for an unknown id.
func (s *Server) getCadence(ctx context.Context, c *call) (int, any, error) {
	var body any
	status := http.StatusNoContent
	err := c.read(func(tx crm.Tx) error {
		if err := c.cadenceAccess(oauth.OpRead, crm.PermViewCadences); err != nil {
			return err
		}
		id, ok := crm.ParseID(c.param("id"))
		if !ok {
			return nil
		}
		d, found, err := crm.GetCadence(ctx, tx, c.Org, id)
		if err != nil || !found {
			return err
		}
		status, body = http.StatusOK, map[string]any{"cadences": []crm.CadenceDetail{d}}
		return nil
	})
	return status, body, err
}

// cadenceWrite runs one cadence change: access checks, then fn with the decoded body; the item it
// returns is answered under "cadences" with allOK when it succeeded and 400 when it did not.
func (c *call) cadenceWrite(op string, allOK int, fn func(tx crm.Tx, body map[string]any) (crm.Item, error)) (int, any, error) {
	var item crm.Item
	err := c.write(func(tx crm.Tx) error {
		if err := c.cadenceAccess(op, crm.PermManageCadences); err != nil {
			return err
		}
		body, err := c.body()
		if err != nil {
			return err
		}
		item, err = fn(tx, body)
		return err
	})
	if err != nil {
		return 0, nil, err
	}
	items := []crm.Item{item}
	return crm.MultiStatus(items, allOK), map[string]any{"cadences": items}, nil
}

// cadencePathID reads the {id} path parameter of a change: 400 INVALID_DATA (index 3) when it is
// not an id.
func (c *call) cadencePathID() (int64, error) {
	id, ok := crm.ParseID(c.param("id"))
	if !ok {
		return 0, crm.ErrCadenceID()
	}
	return id, nil
}

// createCadences serves POST /settings/automation/cadences: 201 with the new draft's id.
func (s *Server) createCadences(ctx context.Context, c *call) (int, any, error) {
	return c.cadenceWrite(oauth.OpCreate, http.StatusCreated, func(tx crm.Tx, body map[string]any) (crm.Item, error) {
		return crm.CreateCadence(ctx, tx, c.Actor, body)
	})
}

// updateCadences serves PUT /settings/automation/cadences: up to 100 cadences, each naming itself
// by "id"; one item each, 200 when all succeed, 207 when some do, 400 when none do.
func (s *Server) updateCadences(ctx context.Context, c *call) (int, any, error) {
	var items []crm.Item
	err := c.write(func(tx crm.Tx) error {
		if err := c.cadenceAccess(oauth.OpUpdate, crm.PermManageCadences); err != nil {
			return err
		}
		body, err := c.body()
		if err != nil {
			return err
		}
		items, err = crm.UpdateCadences(ctx, tx, c.Actor, body)
		return err
	})
	if err != nil {
		return 0, nil, err
	}
	return crm.MultiStatus(items, http.StatusOK), map[string]any{"cadences": items}, nil
}

// updateCadence serves PUT /settings/automation/cadences/{id}.
func (s *Server) updateCadence(ctx context.Context, c *call) (int, any, error) {
	return c.cadenceWrite(oauth.OpUpdate, http.StatusOK, func(tx crm.Tx, body map[string]any) (crm.Item, error) {
		id, err := c.cadencePathID()
		if err != nil {
			return crm.Item{}, err
		}
		return crm.UpdateCadence(ctx, tx, c.Actor, body, id)
	})
}

// deleteCadence serves DELETE /settings/automation/cadences/{id}.
func (s *Server) deleteCadence(ctx context.Context, c *call) (int, any, error) {
	return c.cadenceWrite(oauth.OpDelete, http.StatusOK, func(tx crm.Tx, _ map[string]any) (crm.Item, error) {
		id, err := c.cadencePathID()
		if err != nil {
			return crm.Item{}, err
		}
		return crm.DeleteCadence(ctx, tx, c.Actor, id)
	})
}

// cadenceAction serves POST /settings/automation/cadences/{id}/actions/{action} for publish,
// activate, deactivate and clone; any other action is 404 INVALID_URL_PATTERN, like an unknown path.
func (s *Server) cadenceAction(ctx context.Context, c *call) (int, any, error) {
	action := c.param("action")
	if !crm.IsCadenceAction(action) && action != crm.ActionClone {
		return 0, nil, crm.ErrURLPattern()
	}
	var item crm.Item
	err := c.write(func(tx crm.Tx) error {
		if err := c.cadenceAccess(oauth.OpAll, crm.PermManageCadences); err != nil {
			return err
		}
		id, err := c.cadencePathID()
		if err != nil {
			return err
		}
		body := map[string]any{}
		if action == crm.ActionPublish || action == crm.ActionClone {
			if body, err = c.body(); err != nil {
				return err
			}
		}
		if action == crm.ActionClone {
			item, err = crm.CloneCadence(ctx, tx, c.Actor, id, body)
		} else {
			item, err = crm.CadenceAction(ctx, tx, c.Actor, id, action, body)
		}
		return err
	})
	if err != nil {
		return 0, nil, err
	}
	items := []crm.Item{item}
	ok := http.StatusOK
	if action == crm.ActionClone {
		ok = http.StatusCreated // Zoho's clone answers 201, as create does
	}
	return crm.MultiStatus(items, ok), map[string]any{"cadences": items}, nil
}

// enrolInCadences serves POST /{module}/actions/enrol_in_cadences.
func (s *Server) enrolInCadences(ctx context.Context, c *call) (int, any, error) {
	return s.enrolment(ctx, c, true)
}

// unenrolFromCadences serves POST /{module}/actions/unenrol_from_cadences.
func (s *Server) unenrolFromCadences(ctx context.Context, c *call) (int, any, error) {
	return s.enrolment(ctx, c, false)
}

// enrolment runs enrol or un-enrol: module (INVALID_MODULE, also for a module without cadences) →
// scope ZohoCRM.modules[.{module}].CREATE (ALL and WRITE grant it) → Enterprise edition →
// Crm_Implied_Manage_Enroll_Series / Crm_Implied_Manage_UnEnroll_Series → body → one item per
// distinct record under "data": 200 all succeed, 207 mixed, 400 none.
func (s *Server) enrolment(ctx context.Context, c *call, enrol bool) (int, any, error) {
	perm := crm.PermUnenrollSeries
	if enrol {
		perm = crm.PermEnrollSeries
	}
	var items []crm.Item
	err := c.write(func(tx crm.Tx) error {
		m, err := c.module(ctx, tx)
		if err != nil {
			return err
		}
		if !m.Cadences {
			return crm.ErrInvalidModule(0)
		}
		if err := c.needModuleScope(oauth.OpCreate, m.APIName); err != nil {
			return err
		}
		if err := c.needEdition(crm.Enterprise); err != nil {
			return err
		}
		if err := c.needPermission(crm.MsgNoPermission, perm); err != nil {
			return err
		}
		body, err := c.body()
		if err != nil {
			return err
		}
		items, err = crm.EnrolRecords(ctx, tx, c.Actor, m, body, enrol)
		return err
	})
	if err != nil {
		return 0, nil, err
	}
	return crm.MultiStatus(items, http.StatusOK), map[string]any{"data": items}, nil
}

// recordCadencesInfo is the related-records info object of a record's cadence list.
type recordCadencesInfo struct {
	PerPage           int  `json:"per_page"`
	NextPageToken     any  `json:"next_page_token"`
	Count             int  `json:"count"`
	Page              int  `json:"page"`
	PreviousPageToken any  `json:"previous_page_token"`
	PageTokenExpiry   any  `json:"page_token_expiry"`
	MoreRecords       bool `json:"more_records"`
}

// listRecordCadences answers GET /{module}/{id}/Entity_Cadences_<module>: the record's enrolments,
// newest first, one row each {id, name, status, enrolled_time, unenrolled_time} (id and name are the
// cadence's; unenrolled_time is null while enrolled), paged with page and per_page (default and
// most 200) in the related-records answer shape; 204 when the record has none. The caller has
// checked the module and the modules scope; this adds the cadence checks: Enterprise edition and
// Crm_Implied_View_Cadences, then the record must exist (400 INVALID_DATA, resource_path_index 1).
func (s *Server) listRecordCadences(ctx context.Context, c *call, module catalog.Module, recordID int64) (int, any, error) {
	var body any
	status := http.StatusNoContent
	err := c.read(func(tx crm.Tx) error {
		if err := c.needEdition(crm.Enterprise); err != nil {
			return err
		}
		if err := c.needPermission(crm.MsgNoPermission, crm.PermViewCadences); err != nil {
			return err
		}
		page, perPage, err := c.cadencePage(200)
		if err != nil {
			return err
		}
		rows, more, err := crm.RecordCadences(ctx, tx, c.Org, module, recordID, page, perPage)
		if err != nil || len(rows) == 0 {
			return err
		}
		status, body = http.StatusOK, map[string]any{"data": rows, "info": recordCadencesInfo{
			PerPage: perPage, Count: len(rows), Page: page, MoreRecords: more}}
		return nil
	})
	return status, body, err
}
