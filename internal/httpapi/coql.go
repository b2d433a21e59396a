package httpapi

import (
	"context"
	"net/http"

	"github.com/zcrm/zcrm/internal/catalog"
	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/oauth"
)

// coql serves Zoho's Query API (POST /coql, crm/coql.go): the coql scope, then the body and the
// query's syntax, then the from clause's module (INVALID_MODULE), its read scope and View
// permission, then the query itself, in one read transaction (two when include_meta asks for
// field metadata whose ids the org has yet to be given: withMetaIDs). 200 {"data","info"} or 204.
func (s *Server) coql(ctx context.Context, c *call) (int, any, error) {
	if err := c.needScope(oauth.GroupNeed("coql", oauth.OpRead)); err != nil {
		return 0, nil, err
	}
	body, err := c.body()
	if err != nil {
		return 0, nil, err
	}
	text, withMeta, err := crm.COQLBody(body)
	if err != nil {
		return 0, nil, err
	}
	q, err := crm.ParseCOQL(text)
	if err != nil {
		return 0, nil, err
	}
	var res crm.COQLResult
	run := func(tx crm.Tx, ids *crm.MetaIDs) error {
		m, err := crm.COQLModule(ctx, tx, c.Org, q)
		if err != nil {
			return err
		}
		if err := c.coqlAccess(m); err != nil {
			return err
		}
		res, err = crm.RunCOQL(ctx, tx, c.Actor, m, q, ids)
		return err
	}
	if withMeta {
		err = c.withMetaIDs(ctx, run)
	} else {
		err = c.readEach(func(tx crm.Tx) error { return run(tx, nil) }) // one query, its sharing and users
	}
	if err != nil {
		return 0, nil, err
	}
	if len(res.Rows) == 0 {
		return http.StatusNoContent, nil, nil
	}
	out := map[string]any{"data": res.Rows, "info": map[string]any{"count": len(res.Rows), "more_records": res.More}}
	if res.Fields != nil {
		out["fields"] = res.Fields
	}
	return http.StatusOK, out, nil
}

// coqlAccess checks the queried module's read scope and View permission.
func (c *call) coqlAccess(m catalog.Module) error {
	if err := c.needModuleScope(oauth.OpRead, m.APIName); err != nil {
		return err
	}
	return c.needPermission(crm.MsgPermissionDenied, crm.ModulePermission("View", m.Legacy))
}
