package httpapi

import (
	"context"
	"net/http"

	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/oauth"
)

// cadenceAnalytics serves GET /settings/automation/cadences/{id}/actions/analytics (Zoho's v8
// getCadenceAnalytics): the cadence's follow-ups with their counts (crm/cadence_analytics.go).
// Checks in the house order: scope ZohoCRM.settings.cadences.READ, Enterprise edition,
// Crm_Implied_View_Cadences; then the path id (400 INVALID_DATA, resource_path_index 3), then the
// query parameters follow_ups_executed_from/_till and filters.
func (s *Server) cadenceAnalytics(ctx context.Context, c *call) (int, any, error) {
	var out crm.CadenceAnalyticsOut
	err := c.read(func(tx crm.Tx) error {
		if err := c.cadenceAccess(oauth.OpRead, crm.PermViewCadences); err != nil {
			return err
		}
		id, err := c.cadencePathID()
		if err != nil {
			return err
		}
		q, err := crm.ParseAnalyticsQuery(func(name string) (string, bool) { return c.query(name), c.hasQuery(name) })
		if err != nil {
			return err
		}
		out, err = crm.CadenceAnalytics(ctx, tx, c.Org, id, q)
		return err
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]any{"cadences": []crm.CadenceAnalyticsOut{out}}, nil
}
