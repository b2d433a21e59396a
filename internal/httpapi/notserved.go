package httpapi

import (
	"context"
	"net/http"

	"github.com/zcrm/zcrm/internal/crm"
)

// APIs Zoho documents that zcrm does not serve yet. Each answers, once the call is authenticated,
// one honest 400 NOT_SUPPORTED naming the method and path, instead of the error its path would
// otherwise fall into (an invalid id for /deleted). They are Zoho's v8 OpenAPI paths
// (../shared/zoho-oas/v8.0); TestNotServed checks that every
// documented path and method is either served or listed here.
var notServedAPIs = []struct{ method, pattern string }{
	{http.MethodGet, "{module}/deleted/{id}/{related_list}"},
	{http.MethodGet, "{module}/actions/mass_update"},
	{http.MethodPost, "{module}/actions/mass_update"},
	{http.MethodPost, "{module}/actions/assign_territories"},
	{http.MethodPost, "{module}/actions/remove_territories"},
	{http.MethodGet, "{module}/actions/fetch_full_data"},
	{http.MethodPost, "{module}/{id}/actions/assign_territories"},
	{http.MethodPost, "{module}/{id}/actions/remove_territories"},
	{http.MethodGet, "{module}/{id}/actions/fetch_full_data"},
	{http.MethodGet, "{module}/{id}/photo"},
	{http.MethodPost, "{module}/{id}/photo"},
	{http.MethodDelete, "{module}/{id}/photo"},
	{http.MethodGet, "org/photo"},
	{http.MethodPost, "org/photo"},
	{http.MethodDelete, "org/photo"},
	{http.MethodPost, "users"},
	{http.MethodPut, "users"},
	{http.MethodPut, "users/{id}"},
	{http.MethodDelete, "users/{id}"},
	{http.MethodGet, "users/{id}/actions/associated_groups"},
	{http.MethodPost, "settings/modules"},
	{http.MethodPut, "settings/modules"},
	{http.MethodPut, "settings/modules/{module}"},
	{http.MethodPost, "settings/fields"},
	{http.MethodPatch, "settings/fields"},
	{http.MethodPatch, "settings/fields/{id}"},
	{http.MethodDelete, "settings/fields/{id}"},
}

// notServedRoutes are notServedAPIs as routes.
func (s *Server) notServedRoutes() []route {
	out := make([]route, len(notServedAPIs))
	for i, a := range notServedAPIs {
		out[i] = route{a.method, p(a.pattern), s.notServed}
	}
	return out
}

// notServed answers an API zcrm does not serve: 400 NOT_SUPPORTED with the method and path.
func (s *Server) notServed(_ context.Context, c *call) (int, any, error) {
	return 0, nil, crm.NewError(http.StatusBadRequest, "NOT_SUPPORTED", crm.MsgAPINotServed,
		map[string]any{"method": c.r.Method, "path": c.r.URL.Path})
}
