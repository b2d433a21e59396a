package httpapi

import (
	"context"

	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/oauth"
)

// upsertRecords serves Upsert Records (POST /{module}/upsert, crm/upsert.go) in one transaction:
// module (INVALID_MODULE) → scope (OAUTH_SCOPE_MISMATCH; Zoho's scopes for it are the module's
// ALL, WRITE and CREATE) → profile permission (NO_PERMISSION: an upsert may create and may edit,
// so it needs both) → body (data, then duplicate_check_fields) → items. 200 when every element
// succeeded, 207 mixed, 400 none.
func (s *Server) upsertRecords(ctx context.Context, c *call) (int, any, error) {
	var items []crm.UpsertItem
	err := c.write(func(tx crm.Tx) error {
		m, err := c.module(ctx, tx)
		if err != nil {
			return err
		}
		if err := c.needModuleScope(oauth.OpCreate, m.APIName); err != nil {
			return err
		}
		if err := c.needPermission(crm.MsgPermissionDenied, crm.ModulePermission("Create", m.Legacy), crm.ModulePermission("Edit", m.Legacy)); err != nil {
			return err
		}
		body, err := c.body()
		if err != nil {
			return err
		}
		data, err := crm.RecordsFromBody(body)
		if err != nil {
			return err
		}
		check, err := crm.UpsertCheckFields(body, m)
		if err != nil {
			return err
		}
		items, err = crm.UpsertRecords(ctx, tx, c.Actor, m, data, check)
		return err
	})
	if err != nil {
		return 0, nil, err
	}
	return crm.UpsertStatus(items), map[string]any{"data": items}, nil
}
