package httpapi

import (
	"net/http"
	"strings"

	"github.com/zcrm/zcrm/internal/crm"
)

func p(path string) []string { return strings.Split(path, "/") }

// crmRoutes is the whole CRM API surface: every path after /crm/{version}/ and its methods, in
// groups that share the name of their 500 answer.
func (s *Server) crmRoutes() []routeGroup {
	const get, post, put, del = http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete
	routes := []route{
		// Org, users, metadata.
		{get, p("org"), s.getOrg},
		{get, p("users"), s.listUsers},
		{get, p("users/{id}"), s.getUser},
		{get, p("users/actions/count"), s.countUsers},
		{get, p("settings/modules"), s.listModules},
		{get, p("settings/modules/{module}"), s.getModule},
		{get, p("settings/fields"), s.listFields},
		{get, p("settings/related_lists"), s.listRelatedLists},
		{get, p("settings/fields/{id}"), s.getField},
		{get, p("settings/related_lists/{id}"), s.getRelatedList},
		{get, p("settings/custom_views"), s.listCustomViews},
		{get, p("settings/custom_views/{id}"), s.getCustomView},

		// Contact role definitions.
		{get, p("Contacts/roles"), s.listContactRoles},
		{post, p("Contacts/roles"), s.createContactRoles},
		{put, p("Contacts/roles"), s.updateContactRoles},
		{del, p("Contacts/roles"), s.deleteContactRoles},
		{get, p("Contacts/roles/{id}"), s.getContactRole},
		{put, p("Contacts/roles/{id}"), s.updateContactRole},
		{del, p("Contacts/roles/{id}"), s.deleteContactRole},

		// Contacts' roles on a deal ({module} must be Deals).
		{get, p("{module}/{id}/Contact_Roles"), s.listDealContactRoles},
		{put, p("{module}/{id}/Contact_Roles"), s.putDealContactRoles},
		{del, p("{module}/{id}/Contact_Roles"), s.deleteDealContactRoles},
		{get, p("{module}/{id}/Contact_Roles/{related_id}"), s.getDealContactRole},
		{put, p("{module}/{id}/Contact_Roles/{related_id}"), s.putDealContactRole},
		{del, p("{module}/{id}/Contact_Roles/{related_id}"), s.deleteDealContactRole},

		// Records.
		{get, p("{module}"), s.listRecords},
		{get, p("{module}/search"), s.searchRecords},
		{get, p("{module}/actions/count"), s.countRecords},
		{get, p("{module}/deleted"), s.listDeletedRecords}, // the recycle bin: deleted.go
		{post, p("coql"), s.coql},
		{post, p("{module}"), s.insertRecords},
		{post, p("{module}/upsert"), s.upsertRecords},
		{put, p("{module}"), s.updateRecords},
		{del, p("{module}"), s.deleteRecords},
		{get, p("{module}/{id}"), s.getRecord},
		{put, p("{module}/{id}"), s.updateRecord},
		{del, p("{module}/{id}"), s.deleteRecord},
		{post, p("{module}/{id}/actions/convert"), s.convertLead}, // Convert Lead: convert.go
		{post, p("{module}/{id}/actions/clone"), s.cloneRecord},

		// Related records.
		{get, p("{module}/{id}/{related_list}"), s.listRelated},
		{post, p("{module}/{id}/{related_list}"), s.createUnder}, // notes under a record (notes.go)
		{put, p("{module}/{id}/{related_list}"), s.linkRelated},
		{del, p("{module}/{id}/{related_list}"), s.delinkRelated},
		{get, p("{module}/{id}/{related_list}/{related_id}"), s.getRelated},
		{put, p("{module}/{id}/{related_list}/{related_id}"), s.linkRelatedOne},
		{del, p("{module}/{id}/{related_list}/{related_id}"), s.delinkRelatedOne},
	}

	// Cadences: definitions, lifecycle actions, enrolment. Their documents name a 500
	// INTERNAL_SERVER_ERROR (the records APIs' is INTERNAL_ERROR).
	cadences := []route{
		{get, p("settings/automation/cadences"), s.listCadences},
		{post, p("settings/automation/cadences"), s.createCadences},
		{put, p("settings/automation/cadences"), s.updateCadences},
		{get, p("settings/automation/cadences/{id}"), s.getCadence},
		{put, p("settings/automation/cadences/{id}"), s.updateCadence},
		{del, p("settings/automation/cadences/{id}"), s.deleteCadence},
		{post, p("settings/automation/cadences/{id}/actions/{action}"), s.cadenceAction},
		{get, p("settings/automation/cadences/{id}/actions/analytics"), s.cadenceAnalytics}, // cadence_analytics.go
		{post, p("{module}/actions/enrol_in_cadences"), s.enrolInCadences},
		{post, p("{module}/actions/unenrol_from_cadences"), s.unenrolFromCadences},
	}
	return []routeGroup{{append(routes, s.notServedRoutes()...), crm.ErrInternal}, {cadences, crm.ErrCadenceInternal}}
}
