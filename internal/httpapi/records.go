package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/zcrm/zcrm/internal/catalog"
	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/oauth"
)

// Records: GET/POST/PUT/DELETE /{module} and GET/PUT/DELETE /{module}/{id}, the same in every API
// version. Each handler runs in one transaction: module (INVALID_MODULE) → scope
// (OAUTH_SCOPE_MISMATCH) → profile permission (NO_PERMISSION) → parameters and body (400) → items.

// recordAccess resolves the module and checks the token's scope op and the profile's action
// permission (View, Create, Edit or Delete) on it.
func (c *call) recordAccess(ctx context.Context, tx crm.Tx, op, action string) (catalog.Module, error) {
	m, err := c.module(ctx, tx)
	if err != nil {
		return m, err
	}
	if err := c.needModuleScope(op, m.APIName); err != nil {
		return m, err
	}
	return m, c.needPermission(crm.MsgPermissionDenied, crm.ModulePermission(action, m.Legacy))
}

// lookupQuery reads a query parameter and whether it was given.
func (c *call) lookupQuery(name string) (string, bool) {
	q := c.queryValues()
	return q.Get(name), q.Has(name)
}

// recordsBody decodes an insert/update body and returns its data array.
func (c *call) recordsBody() ([]any, error) {
	obj, err := c.body()
	if err != nil {
		return nil, err
	}
	return crm.RecordsFromBody(obj)
}

// modifiedSinceHeader parses the If-Modified-Since header (ISO 8601 as Zoho documents it, or an HTTP
// date); zero when absent or unreadable.
func (c *call) modifiedSinceHeader() time.Time {
	h := c.r.Header.Get("If-Modified-Since")
	if h == "" {
		return time.Time{}
	}
	for _, layout := range []string{time.RFC3339, http.TimeFormat} {
		if t, err := time.Parse(layout, h); err == nil {
			return t
		}
	}
	return time.Time{}
}

// checkCustomView checks the cvid parameter, when given, against the module's custom views and
// returns what the view selects (crm.CheckCustomView; every record without cvid).
func (c *call) checkCustomView(ctx context.Context, tx crm.Tx, m catalog.Module) (crm.ViewSelection, error) {
	if !c.hasQuery("cvid") {
		return crm.ViewSelection{}, nil
	}
	return crm.CheckCustomView(ctx, tx, c.Org, m, c.query("cvid"), c.query("sort_by") != "")
}

func (s *Server) listRecords(ctx context.Context, c *call) (int, any, error) {
	status, body := http.StatusNoContent, any(nil)
	err := c.recordsRead(ctx, func(tx crm.Tx, m catalog.Module) error {
		q, err := crm.ParseListQueryAs(c.lookupQuery, !isNotes(m), c.api) // Get Notes: fields optional (notes.go)
		if err != nil {
			return err
		}
		view, err := c.checkCustomView(ctx, tx, m)
		if err != nil {
			return err
		}
		view.Sort(&q, c.query("sort_order") != "")
		q.ModifiedSince = c.modifiedSinceHeader()
		if q.Converted, err = crm.ParseConverted(c.lookupQuery); err != nil { // converted leads: crm/convert_query.go
			return err
		}
		rows, info, err := crm.ListRecords(ctx, tx, c.Actor, m, q, view.Criteria)
		if err != nil {
			return err
		}
		switch {
		case len(rows) > 0:
			status, body = http.StatusOK, map[string]any{"data": rows, "info": info}
		case !q.ModifiedSince.IsZero():
			status = http.StatusNotModified
		}
		return nil
	})
	return status, body, err
}

// searchRecords serves Search Records (GET /{module}/search): the record list's paging, tokens,
// fields and sharing over the records criteria, email, phone or word select (crm/criteria.go);
// 204 when none matches.
func (s *Server) searchRecords(ctx context.Context, c *call) (int, any, error) {
	status, body := http.StatusNoContent, any(nil)
	err := c.recordsRead(ctx, func(tx crm.Tx, m catalog.Module) error {
		crit, err := crm.SearchCriteria(c.lookupQuery, m)
		if err != nil {
			return err
		}
		if crit == nil {
			return crm.ErrSearchParamMissing()
		}
		q, err := crm.ParseSearchQuery(c.lookupQuery)
		if err != nil {
			return err
		}
		view, err := c.checkCustomView(ctx, tx, m)
		if err != nil {
			return err
		}
		view.Sort(&q, c.query("sort_order") != "")
		none, err := crm.SearchSelectsNothing(c.lookupQuery)
		if err != nil || none {
			return err
		}
		if q.Converted, err = crm.ParseConverted(c.lookupQuery); err != nil { // converted leads: crm/convert_query.go
			return err
		}
		rows, info, err := crm.SearchRecords(ctx, tx, c.Actor, m, q, view.And(crit))
		if err != nil {
			return err
		}
		if len(rows) > 0 {
			status, body = http.StatusOK, map[string]any{"data": rows, "info": info}
		}
		return nil
	})
	return status, body, err
}

// countRecords serves Record Count (GET /{module}/actions/count): {"count":N} over the records
// criteria, email, phone or word select, or all of them, as the reader may see them. Zoho's
// page shows the count as a JSON number ({"count": 694}); its OAS types it as a string, and the
// page's example wins. A cvid counts the records its view selects, as the list does (checkCustomView).
func (s *Server) countRecords(ctx context.Context, c *call) (int, any, error) {
	var n int
	err := c.recordsRead(ctx, func(tx crm.Tx, m catalog.Module) error {
		crit, err := crm.SearchCriteria(c.lookupQuery, m)
		if err != nil {
			return err
		}
		view, err := c.checkCustomView(ctx, tx, m)
		if err != nil {
			return err
		}
		n, err = crm.CountRecords(ctx, tx, c.Actor, m, view.And(crit))
		return err
	})
	return http.StatusOK, map[string]any{"count": n}, err
}

func (s *Server) getRecord(ctx context.Context, c *call) (int, any, error) {
	status, body := http.StatusNoContent, any(nil)
	err := c.recordsRead(ctx, func(tx crm.Tx, m catalog.Module) error {
		id, ok := crm.ParseID(c.param("id"))
		if !ok {
			return crm.ErrPathID(crm.MsgIDGivenInvalid, 1)
		}
		// As the list does, If-Modified-Since answers 304 with no body when the record did not
		// change after it; an unknown record, or one data sharing hides, stays 204.
		row, read, err := crm.GetRecord(ctx, tx, c.Actor, m, id, c.modifiedSinceHeader())
		switch {
		case err != nil:
			return err
		case read == crm.RecordUnchanged:
			status = http.StatusNotModified
		case read == crm.RecordFound:
			status, body = http.StatusOK, map[string]any{"data": []any{row}}
		}
		return nil
	})
	return status, body, err
}

// recordsRead runs a records read (a listing, a search, a count, one record): recordAccess for
// viewing, then read, its statements free of one snapshot (call.readEach).
func (c *call) recordsRead(ctx context.Context, read func(tx crm.Tx, m catalog.Module) error) error {
	return c.readEach(func(tx crm.Tx) error {
		m, err := c.recordAccess(ctx, tx, oauth.OpRead, "View")
		if err != nil {
			return err
		}
		return read(tx, m)
	})
}

// recordsChange runs a records write in one transaction: recordAccess with op and action, then
// change. The answer is {"data":[items]}, allOK when every item succeeded (crm.MultiStatus).
func (c *call) recordsChange(ctx context.Context, op, action string, allOK int,
	change func(tx crm.Tx, m catalog.Module) ([]crm.Item, error)) (int, any, error) {
	var items []crm.Item
	err := c.write(func(tx crm.Tx) error {
		m, err := c.recordAccess(ctx, tx, op, action)
		if err != nil {
			return err
		}
		items, err = change(tx, m)
		return err
	})
	if err != nil {
		return 0, nil, err
	}
	return crm.MultiStatus(items, allOK), map[string]any{"data": items}, nil
}

func (s *Server) insertRecords(ctx context.Context, c *call) (int, any, error) {
	return c.recordsChange(ctx, oauth.OpCreate, "Create", http.StatusCreated, func(tx crm.Tx, m catalog.Module) ([]crm.Item, error) {
		data, err := c.recordsBody()
		if err != nil {
			return nil, err
		}
		if isNotes(m) {
			return crm.InsertNotes(ctx, tx, c.Actor, m, data, nil) // notes.go
		}
		return crm.InsertRecords(ctx, tx, c.Actor, m, data)
	})
}

// cloneRecord serves Record Clone (crm.CloneRecord): the module's create scope and permission, as
// an insert; the body, with its "data" array of field values for the copy, may be left out.
func (s *Server) cloneRecord(ctx context.Context, c *call) (int, any, error) {
	return c.recordsChange(ctx, oauth.OpCreate, "Create", http.StatusCreated, func(tx crm.Tx, m catalog.Module) ([]crm.Item, error) {
		body, err := c.body()
		if err != nil {
			return nil, err
		}
		var data []any
		if _, given := body["data"]; given {
			if data, err = crm.RecordsFromBody(body); err != nil {
				return nil, err
			}
		}
		return crm.CloneRecord(ctx, tx, c.Actor, m, c.param("id"), data)
	})
}

func (s *Server) updateRecords(ctx context.Context, c *call) (int, any, error) {
	return c.recordsChange(ctx, oauth.OpUpdate, "Edit", http.StatusOK, func(tx crm.Tx, m catalog.Module) ([]crm.Item, error) {
		data, err := c.recordsBody()
		if err != nil {
			return nil, err
		}
		if isNotes(m) {
			return crm.UpdateNotes(ctx, tx, c.Actor, m, data) // notes.go
		}
		return crm.UpdateRecords(ctx, tx, c.Actor, m, data)
	})
}

func (s *Server) updateRecord(ctx context.Context, c *call) (int, any, error) {
	return c.recordsChange(ctx, oauth.OpUpdate, "Edit", http.StatusOK, func(tx crm.Tx, m catalog.Module) ([]crm.Item, error) {
		data, err := c.recordsBody()
		if err != nil {
			return nil, err
		}
		if isNotes(m) {
			return crm.UpdateNote(ctx, tx, c.Actor, m, c.param("id"), data) // notes.go
		}
		return crm.UpdateRecord(ctx, tx, c.Actor, m, c.param("id"), data)
	})
}

func (s *Server) deleteRecords(ctx context.Context, c *call) (int, any, error) {
	return c.recordsChange(ctx, oauth.OpDelete, "Delete", http.StatusOK, func(tx crm.Tx, m catalog.Module) ([]crm.Item, error) {
		ids, err := crm.ParseIDsParam(c.query("ids"), true)
		if err != nil {
			return nil, err
		}
		return crm.DeleteRecords(ctx, tx, c.Actor, m, ids)
	})
}

func (s *Server) deleteRecord(ctx context.Context, c *call) (int, any, error) {
	return c.recordsChange(ctx, oauth.OpDelete, "Delete", http.StatusOK, func(tx crm.Tx, m catalog.Module) ([]crm.Item, error) {
		return crm.DeleteRecord(ctx, tx, c.Actor, m, c.param("id"))
	})
}
