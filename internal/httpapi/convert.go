package httpapi

import (
	"context"
	"errors"
	"net/http"

	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/oauth"
)

// errConvertRejected discards a conversion's transaction when an element was refused: the answer
// is that element's error, and nothing the conversion had made stays.
var errConvertRejected = errors.New("convert lead: element rejected")

// convertLead serves Convert Lead (POST /Leads/{id}/actions/convert, crm/convert.go) in one
// transaction: module (Leads only: another module is INVALID_MODULE) → scope (the module's CREATE,
// as Zoho's page lists ZohoCRM.modules.ALL or ZohoCRM.modules.leads.CREATE) → profile permission
// (editing leads and creating contacts) → body → the conversion. 200 with Zoho's one-element answer;
// an element error is 400 with that element and changes nothing.
func (s *Server) convertLead(ctx context.Context, c *call) (int, any, error) {
	var res *crm.ConvertResult
	var rejected crm.Item
	err := c.write(func(tx crm.Tx) error {
		m, err := c.module(ctx, tx)
		if err != nil {
			return err
		}
		if m.APIName != "Leads" {
			return crm.ErrInvalidModule(0)
		}
		if err := c.needModuleScope(oauth.OpCreate, m.APIName); err != nil {
			return err
		}
		if err := c.needPermission(crm.MsgPermissionDenied, crm.ModulePermission("Edit", m.Legacy), crm.ModulePermission("Create", "Contacts")); err != nil {
			return err
		}
		data, err := c.recordsBody()
		if err != nil {
			return err
		}
		res, rejected, err = crm.ConvertLead(ctx, tx, c.Actor, c.param("id"), data)
		if err == nil && res == nil {
			return errConvertRejected
		}
		return err
	})
	if errors.Is(err, errConvertRejected) {
		return http.StatusBadRequest, map[string]any{"data": []crm.Item{rejected}}, nil
	}
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]any{"data": []*crm.ConvertResult{res}}, nil
}
