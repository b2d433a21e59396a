package httpapi

import (
	"context"
	"net/http"

	"github.com/zcrm/zcrm/internal/catalog"
	"github.com/zcrm/zcrm/internal/crm"
)

// listDeletedRecords serves Get Deleted Records (GET /{module}/deleted, crm/deleted.go) in one read
// transaction: module (INVALID_MODULE) → scope (the module's READ) → profile permission (View, as
// Zoho's NO_PERMISSION example names Crm_Implied_View_Leads) → type, page, per_page → the page.
// A type Zoho does not take is PATTERN_NOT_MATCHED inside "data", as Zoho's example shows; no
// entries is 204.
func (s *Server) listDeletedRecords(ctx context.Context, c *call) (int, any, error) {
	status, body := http.StatusNoContent, any(nil)
	err := c.recordsRead(ctx, func(tx crm.Tx, m catalog.Module) error {
		q, err := crm.ParseDeletedQuery(c.lookupQuery)
		if e, ok := err.(*crm.Error); ok && e.Code == "PATTERN_NOT_MATCHED" {
			status, body = e.Status, map[string]any{"data": []crm.Item{e.Item()}}
			return nil
		}
		if err != nil {
			return err
		}
		q.ModifiedSince = c.modifiedSinceHeader()
		entries, info, err := crm.ListDeletedRecords(ctx, tx, c.Actor, m, q)
		if err != nil {
			return err
		}
		if len(entries) > 0 {
			status, body = http.StatusOK, map[string]any{"data": entries, "info": info}
		}
		return nil
	})
	return status, body, err
}
