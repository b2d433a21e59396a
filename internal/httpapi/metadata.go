package httpapi

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/zcrm/zcrm/internal/catalog"
	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/oauth"
)

// Metadata the official SDKs call on their own (org, users, modules, fields, related lists, custom
// views). Every key an SDK dereferences is present; keys Zoho's OpenAPI files mark required are
// present too, null where zcrm has nothing to say. Ids come from the org's metadata id table; an
// entity without one (added to the catalogue after the org was made) gets one on first sight.

// withMetaIDs runs fn in a read transaction with the org's metadata ids; when fn asked for ids that
// do not exist yet, it allocates them and runs fn again in a write transaction. fn must only assign
// its results (it may run twice).
func (c *call) withMetaIDs(ctx context.Context, fn func(tx crm.Tx, ids *crm.MetaIDs) error) error {
	var missing []string
	err := c.read(func(tx crm.Tx) error {
		ids, err := crm.LoadMetaIDs(ctx, tx, c.Org.ID)
		if err != nil {
			return err
		}
		if err := fn(tx, ids); err != nil {
			return err
		}
		missing = ids.Missing()
		return nil
	})
	if err != nil || len(missing) == 0 {
		return err
	}
	return c.write(func(tx crm.Tx) error {
		if err := crm.AllocateMetaIDs(ctx, tx, c.Org.ID, missing); err != nil {
			return err
		}
		ids, err := crm.LoadMetaIDs(ctx, tx, c.Org.ID)
		if err != nil {
			return err
		}
		return fn(tx, ids)
	})
}

// settingsModule resolves the mandatory module query parameter of a settings endpoint: missing is
// REQUIRED_PARAM_MISSING; unknown or not served by the API is INVALID_MODULE with details.
func (c *call) settingsModule(ctx context.Context, tx crm.Tx, details map[string]any) (catalog.Module, error) {
	name := strings.TrimSpace(c.query("module"))
	if name == "" {
		return catalog.Module{}, crm.ErrParamMissing("module")
	}
	m, err := crm.ResolveModule(ctx, tx, c.Org, name)
	if errors.Is(err, crm.ErrNotFound) {
		return m, crm.NewError(http.StatusBadRequest, "INVALID_MODULE", crm.MsgInvalidModule, details)
	}
	if err != nil {
		return m, err
	}
	if !m.APISupported {
		return m, crm.NewError(http.StatusBadRequest, "INVALID_MODULE", crm.MsgModuleNotInAPI, details)
	}
	return m, nil
}

func (s *Server) getOrg(ctx context.Context, c *call) (int, any, error) {
	if err := c.needScope(oauth.GroupNeed("org", oauth.OpRead)); err != nil {
		return 0, nil, err
	}
	var body map[string]any
	err := c.read(func(tx crm.Tx) error {
		admin, err := tx.FirstAdmin(ctx, c.Org.ID)
		if err != nil {
			return err
		}
		users, err := tx.Users(ctx, c.Org.ID)
		if err != nil {
			return err
		}
		body = map[string]any{"org": []any{orgJSON(c.Org, admin, len(users))}}
		return nil
	})
	return http.StatusOK, body, err
}

// userTypes are the type values of GET /users and which users each keeps.
var userTypes = map[string]func(u crm.User, p crm.Profile, current int64) bool{
	"AllUsers":              func(u crm.User, p crm.Profile, _ int64) bool { return true },
	"ActiveUsers":           func(u crm.User, p crm.Profile, _ int64) bool { return u.Status == "active" },
	"DeactiveUsers":         func(u crm.User, p crm.Profile, _ int64) bool { return u.Status != "active" },
	"ConfirmedUsers":        func(u crm.User, p crm.Profile, _ int64) bool { return true },
	"NotConfirmedUsers":     func(u crm.User, p crm.Profile, _ int64) bool { return false },
	"DeletedUsers":          func(u crm.User, p crm.Profile, _ int64) bool { return false },
	"ActiveConfirmedUsers":  func(u crm.User, p crm.Profile, _ int64) bool { return u.Status == "active" },
	"AdminUsers":            func(u crm.User, p crm.Profile, _ int64) bool { return p.Admin },
	"ActiveConfirmedAdmins": func(u crm.User, p crm.Profile, _ int64) bool { return p.Admin && u.Status == "active" },
	"CurrentUser":           func(u crm.User, p crm.Profile, current int64) bool { return u.ID == current },
}

var userTypeNames = []string{"AllUsers", "ActiveUsers", "DeactiveUsers", "ConfirmedUsers", "NotConfirmedUsers", "DeletedUsers",
	"ActiveConfirmedUsers", "AdminUsers", "ActiveConfirmedAdmins", "CurrentUser"}

func (s *Server) listUsers(ctx context.Context, c *call) (int, any, error) {
	if err := c.needScope(oauth.GroupNeed("users", oauth.OpRead)); err != nil {
		return 0, nil, err
	}
	typ := c.query("type")
	if typ == "" {
		typ = "AllUsers"
	}
	keep := userTypes[typ]
	for _, name := range userTypeNames {
		if keep == nil && strings.EqualFold(name, typ) {
			keep = userTypes[name]
		}
	}
	if keep == nil {
		return 0, nil, crm.ErrInvalidData(crm.MsgInvalidData, map[string]any{"param_name": "type", "supported_values": userTypeNames})
	}
	page, perPage := 1, crm.MaxPerPage
	for _, p := range []struct {
		name string
		dst  *int
	}{{"page", &page}, {"per_page", &perPage}} {
		if raw := c.query(p.name); raw != "" {
			n, err := strconv.Atoi(raw)
			if err != nil || n < 1 {
				return 0, nil, crm.ErrInvalidData(crm.MsgInvalidData, map[string]any{"param_name": p.name, "expected_data_type": "integer"})
			}
			*p.dst = n
		}
	}
	perPage = min(perPage, crm.MaxPerPage)
	var only map[int64]bool
	if c.hasQuery("ids") {
		ids, err := crm.ParseIDsParam(c.query("ids"), false)
		if err != nil {
			return 0, nil, err
		}
		only = map[int64]bool{}
		for _, id := range ids {
			only[id] = true
		}
	}
	var users []any
	more := false
	err := c.withMetaIDs(ctx, func(tx crm.Tx, ids *crm.MetaIDs) error {
		all, profiles, err := orgUsers(ctx, tx, c.Org.ID)
		if err != nil {
			return err
		}
		var kept []crm.User
		for _, u := range all {
			if keep(u, profiles[u.ProfileID], c.User.ID) && (only == nil || only[u.ID]) {
				kept = append(kept, u)
			}
		}
		users, more = nil, false
		start := (page - 1) * perPage
		if page > len(kept)/perPage+1 { // guards start against overflow
			start = len(kept)
		}
		for i := start; i < len(kept) && i < start+perPage; i++ {
			users = append(users, userJSON(kept[i], profiles[kept[i].ProfileID], all, ids))
		}
		more = start+perPage < len(kept)
		return nil
	})
	if err != nil || len(users) == 0 {
		return http.StatusNoContent, nil, err
	}
	return http.StatusOK, map[string]any{"users": users, "info": usersInfo(perPage, len(users), page, more)}, nil
}

func usersInfo(perPage, count, page int, more bool) map[string]any {
	return map[string]any{"per_page": perPage, "count": count, "page": page, "more_records": more}
}

func (s *Server) getUser(ctx context.Context, c *call) (int, any, error) {
	if err := c.needScope(oauth.GroupNeed("users", oauth.OpRead)); err != nil {
		return 0, nil, err
	}
	id, ok := crm.ParseID(c.param("id"))
	if !ok {
		return http.StatusNoContent, nil, nil
	}
	var user map[string]any
	err := c.withMetaIDs(ctx, func(tx crm.Tx, ids *crm.MetaIDs) error {
		all, profiles, err := orgUsers(ctx, tx, c.Org.ID)
		if err != nil {
			return err
		}
		user = nil
		for _, u := range all {
			if u.ID == id {
				user = userJSON(u, profiles[u.ProfileID], all, ids)
			}
		}
		return nil
	})
	if err != nil || user == nil {
		return http.StatusNoContent, nil, err
	}
	return http.StatusOK, map[string]any{"users": []any{user}, "info": usersInfo(crm.MaxPerPage, 1, 1, false)}, nil
}

// orgUsers returns the org's users and its profiles by id.
func orgUsers(ctx context.Context, tx crm.Tx, orgID int64) ([]crm.User, map[int64]crm.Profile, error) {
	users, err := tx.Users(ctx, orgID)
	if err != nil {
		return nil, nil, err
	}
	ps, err := tx.Profiles(ctx, orgID)
	if err != nil {
		return nil, nil, err
	}
	profiles := make(map[int64]crm.Profile, len(ps))
	for _, p := range ps {
		profiles[p.ID] = p
	}
	return users, profiles, nil
}

func (s *Server) listModules(ctx context.Context, c *call) (int, any, error) {
	if err := c.needScope(oauth.SettingsNeed("modules", oauth.OpRead)); err != nil {
		return 0, nil, err
	}
	var statuses map[string]bool
	if raw := c.query("status"); raw != "" {
		statuses = map[string]bool{}
		for _, st := range strings.Split(raw, ",") {
			statuses[strings.ToLower(strings.TrimSpace(st))] = true
		}
	}
	var mods []any
	err := c.withMetaIDs(ctx, func(tx crm.Tx, ids *crm.MetaIDs) error {
		mv, err := newModuleView(ctx, tx, c)
		if err != nil {
			return err
		}
		mods = nil
		for i, m := range mv.modules {
			if statuses == nil || statuses["visible"] {
				mods = append(mods, mv.module(m, i+1, ids, false))
			}
		}
		return nil
	})
	if err != nil || len(mods) == 0 {
		return http.StatusNoContent, nil, err
	}
	return http.StatusOK, map[string]any{"modules": mods}, nil
}

func (s *Server) getModule(ctx context.Context, c *call) (int, any, error) {
	if err := c.needScope(oauth.SettingsNeed("modules", oauth.OpRead)); err != nil {
		return 0, nil, err
	}
	name := c.param("module")
	var mod map[string]any
	err := c.withMetaIDs(ctx, func(tx crm.Tx, ids *crm.MetaIDs) error {
		mv, err := newModuleView(ctx, tx, c)
		if err != nil {
			return err
		}
		mod = nil
		_, numeric := crm.ParseID(name)
		for i, m := range mv.modules {
			if (numeric && ids.ID(catalog.KeyModule(m.APIName)) == name) || (!numeric && strings.EqualFold(m.APIName, name)) {
				mod = mv.module(m, i+1, ids, true)
				return nil
			}
		}
		if !numeric {
			return crm.NewError(http.StatusBadRequest, "INVALID_MODULE", crm.MsgInvalidModule, map[string]any{"resource_path_index": 2})
		}
		return nil
	})
	if err != nil || mod == nil {
		return http.StatusNoContent, nil, err
	}
	return http.StatusOK, map[string]any{"modules": []any{mod}}, nil
}

func (s *Server) listFields(ctx context.Context, c *call) (int, any, error) {
	if err := c.needScope(oauth.SettingsNeed("fields", oauth.OpRead)); err != nil {
		return 0, nil, err
	}
	var fields []any
	err := c.withMetaIDs(ctx, func(tx crm.Tx, ids *crm.MetaIDs) error {
		m, err := c.settingsModule(ctx, tx, map[string]any{})
		if err != nil {
			return err
		}
		switch typ := strings.ToLower(c.query("type")); typ {
		case "", "all", "used":
		case "unused":
			return nil
		default:
			return crm.ErrInvalidData(crm.MsgInvalidData, map[string]any{"param_name": "type", "supported_values": []string{"all", "used", "unused"}})
		}
		profiles, err := viewers(ctx, tx, c.Org.ID, m)
		if err != nil {
			return err
		}
		fields = fieldsJSON(m, ids, profiles)
		return nil
	})
	if err != nil || len(fields) == 0 {
		return http.StatusNoContent, nil, err
	}
	return http.StatusOK, map[string]any{"fields": fields}, nil
}

func (s *Server) listRelatedLists(ctx context.Context, c *call) (int, any, error) {
	if err := c.needScope(oauth.SettingsNeed("related_lists", oauth.OpRead)); err != nil {
		return 0, nil, err
	}
	var lists []any
	err := c.withMetaIDs(ctx, func(tx crm.Tx, ids *crm.MetaIDs) error {
		m, err := c.settingsModule(ctx, tx, map[string]any{"param": "module"})
		if err != nil {
			return err
		}
		lists = relatedListsJSON(m, ids)
		return nil
	})
	if err != nil || len(lists) == 0 {
		return http.StatusNoContent, nil, err
	}
	return http.StatusOK, map[string]any{"related_lists": lists}, nil
}

func (s *Server) listCustomViews(ctx context.Context, c *call) (int, any, error) {
	if err := c.needScope(oauth.SettingsNeed("custom_views", oauth.OpRead)); err != nil {
		return 0, nil, err
	}
	var views []any
	var def string
	err := c.withMetaIDs(ctx, func(tx crm.Tx, ids *crm.MetaIDs) error {
		m, err := c.settingsModule(ctx, tx, map[string]any{})
		if err != nil {
			return err
		}
		views = customViewsJSON(m, ids)
		def = ids.ID(catalog.KeyCustomView(m.APIName, m.CustomViews()[0].Key))
		return nil
	})
	if err != nil || len(views) == 0 {
		return http.StatusNoContent, nil, err
	}
	info := map[string]any{"per_page": crm.MaxPerPage, "count": len(views), "page": 1, "more_records": false, "default": def,
		"translation": map[string]any{"public_views": "Public Views", "other_users_views": "Other Users' Views",
			"shared_with_me": "Views shared with me", "created_by_me": "Created By Me"}}
	return http.StatusOK, map[string]any{"custom_views": views, "info": info}, nil
}

// moduleView is what rendering modules needs about the org and the caller.
type moduleView struct {
	caller   crm.Profile
	modules  []catalog.Module
	customs  map[string]crm.CustomModule
	users    map[int64]crm.User
	profiles []crm.Profile
}

func newModuleView(ctx context.Context, tx crm.Tx, c *call) (*moduleView, error) {
	mods, err := crm.AllModules(ctx, tx, c.Org)
	if err != nil {
		return nil, err
	}
	customs, err := tx.CustomModules(ctx, c.Org.ID)
	if err != nil {
		return nil, err
	}
	users, err := tx.Users(ctx, c.Org.ID)
	if err != nil {
		return nil, err
	}
	profiles, err := tx.Profiles(ctx, c.Org.ID)
	if err != nil {
		return nil, err
	}
	mv := &moduleView{caller: c.Profile, modules: mods, customs: map[string]crm.CustomModule{}, users: map[int64]crm.User{}, profiles: profiles}
	for _, cm := range customs {
		mv.customs[cm.APIName] = cm
	}
	for _, u := range users {
		mv.users[u.ID] = u
	}
	return mv, nil
}

// module renders one module; full adds its fields, related lists, layouts and default custom view
// (GET /settings/modules/{api_name}).
func (mv *moduleView) module(m catalog.Module, seq int, ids *crm.MetaIDs, full bool) map[string]any {
	can := func(action string) bool {
		return m.APISupported && mv.caller.Has(crm.ModulePermission(action, m.Legacy))
	}
	var profiles []any
	var viewing []crm.Profile
	for _, p := range mv.profiles {
		if p.Has(crm.ModulePermission("View", m.Legacy)) {
			viewing = append(viewing, p)
			profiles = append(profiles, map[string]any{"name": p.Name, "id": crm.FormatID(p.ID)})
		}
	}
	generated, moduleName := "default", m.Legacy
	var modifiedTime, modifiedBy any
	if m.Custom {
		generated, moduleName = "custom", m.APIName
		if cm, ok := mv.customs[m.APIName]; ok {
			modifiedTime = crm.FormatTime(cm.CreatedTime)
			by := map[string]any{"name": "", "id": crm.FormatID(cm.CreatedBy)}
			if u, ok := mv.users[cm.CreatedBy]; ok {
				by["name"] = u.FullName()
			}
			modifiedBy = by
		}
	}
	var displayField any
	if nf := m.NameField(); nf != "" {
		displayField = map[string]any{"api_name": nf, "id": ids.ID(catalog.KeyField(m.APIName, nf))}
	}
	out := map[string]any{
		"id": ids.ID(catalog.KeyModule(m.APIName)), "api_name": m.APIName, "module_name": moduleName,
		"singular_label": m.Singular, "plural_label": m.Plural, "api_supported": m.APISupported, "generated_type": generated,
		"creatable": can("Create"), "editable": can("Edit"), "deletable": can("Delete"), "viewable": can("View"),
		"visible": true, "visibility": 1, "status": "visible", "sequence_number": seq, "show_as_tab": true,
		"modified_time": modifiedTime, "modified_by": modifiedBy, "description": nil, "web_link": nil, "arguments": []any{},
		"parent_module": map[string]any{}, "profiles": profiles, "profile_count": len(profiles), "has_more_profiles": false,
		"convertable": m.APIName == "Leads", "quick_create": m.APISupported, "recycle_bin_on_delete": m.APISupported,
		"presence_sub_menu": false, "triggers_supported": m.APISupported, "chart_view": false, "chart_view_supported": m.APISupported,
		"isBlueprintSupported": m.APISupported, "emailTemplate_support": m.APISupported, "email_parser_supported": false,
		"filter_supported": m.APISupported, "feeds_required": false, "scoring_supported": m.APISupported,
		"webform_supported": m.APISupported, "inventory_template_supported": false, "business_card_field_limit": 5,
		"track_current_data": false, "activity_badge": nil, "$field_states": []any{}, "business_card_fields": []any{},
		"per_page": 10, "$properties": []any{}, "$on_demand_properties": []any{}, "search_layout_fields": []any{},
		"kanban_view_supported": m.APISupported, "kanban_view": false, "filter_status": m.APISupported, "zia_view": false,
		"lookup_field_properties": map[string]any{"fields": []any{}},
		"related_list_properties": map[string]any{"sort_by": nil, "fields": []any{}, "sort_order": nil},
		"display_field":           displayField, "default_mapping_fields": []any{}, "layout_associations": []any{},
		"territory": nil, "common.search_supported": m.APISupported,
		"fields": nil, "related_lists": nil, "layouts": nil, "custom_view": customViewsJSON(m, ids)[0],
	}
	if full && m.APISupported {
		out["fields"] = fieldsJSON(m, ids, viewing)
		out["related_lists"] = relatedListsJSON(m, ids)
		out["layouts"] = []any{map[string]any{"id": ids.ID(catalog.KeyLayout(m.APIName, catalog.StandardLayout)),
			"name": catalog.StandardLayout, "display_label": catalog.StandardLayout, "api_name": catalog.StandardLayout,
			"status": "active", "visible": true, "profiles": profiles}}
	}
	return out
}

// viewers returns the org's profiles that may view the module's records.
func viewers(ctx context.Context, tx crm.Tx, orgID int64, m catalog.Module) ([]crm.Profile, error) {
	all, err := tx.Profiles(ctx, orgID)
	if err != nil {
		return nil, err
	}
	var out []crm.Profile
	for _, p := range all {
		if p.Has(crm.ModulePermission("View", m.Legacy)) {
			out = append(out, p)
		}
	}
	return out, nil
}

// uiTypes are Zoho's ui_type numbers of the data types zcrm uses.
var uiTypes = map[string]int{
	"text": 1, "picklist": 2, "textarea": 3, "ownerlookup": 8, "website": 21, "date": 24, "email": 25,
	"integer": 32, "phone": 33, "currency": 36, "double": 38, "percent": 38, "bigint": 32, "lookup": 133,
	"boolean": 301, "datetime": 333,
}

func fieldsJSON(m catalog.Module, ids *crm.MetaIDs, profiles []crm.Profile) []any {
	out := make([]any, 0, len(m.Fields))
	for i, f := range m.Fields {
		out = append(out, fieldJSON(m, f, i+1, ids, profiles))
	}
	return out
}

// fieldJSON renders one field as GET /settings/fields does.
func fieldJSON(m catalog.Module, f catalog.Field, seq int, ids *crm.MetaIDs, profiles []crm.Profile) map[string]any {
	ro := f.ReadOnly
	id := ids.ID(catalog.KeyField(m.APIName, f.APIName))
	lookup := map[string]any{}
	if f.DataType == "lookup" {
		lookup = map[string]any{
			"display_label": f.Label, "api_name": f.APIName, "id": id,
			"module":        map[string]any{"api_name": f.Lookup, "id": ids.ID(catalog.KeyModule(f.Lookup))},
			"query_details": map[string]any{}, "revalidate_filter_during_edit": false, "show_fields": []any{},
		}
	}
	picks := []any{}
	for i, v := range f.PickValues() {
		picks = append(picks, map[string]any{
			"display_value": v, "actual_value": v, "reference_value": v, "sys_ref_name": v,
			"id": ids.ID(catalog.KeyPickValue(m.APIName, f.APIName, v)), "sequence_number": i + 1,
			"type": "used", "colour_code": nil, "expected_data_type": "string", "maps": []any{},
		})
	}
	perms := []any{}
	for _, p := range profiles {
		kind := "read_write"
		if ro {
			kind = "read_only"
		}
		perms = append(perms, map[string]any{"permission_type": kind, "name": p.Name, "id": crm.FormatID(p.ID)})
	}
	custom := m.Custom && !catalog.IsSystem(f.APIName)
	source := "default"
	if custom {
		source = "crm"
	}
	currency := map[string]any{}
	var decimals any
	switch f.DataType {
	case "currency":
		currency = map[string]any{"rounding_option": "normal", "precision": 2}
		decimals = 2
	case "double", "percent":
		decimals = 2
	}
	var textarea any
	if f.DataType == "textarea" {
		textarea = map[string]any{"type": "large"}
	}
	return map[string]any{
		"api_name": f.APIName, "id": id, "field_label": f.Label, "display_label": f.Label, "data_type": f.DataType,
		"json_type": f.JSONType(), "length": f.MaxLength(), "system_mandatory": f.Mandatory, "custom_field": custom,
		"read_only": ro, "field_read_only": ro, "visible": true, "type": "used", "sequence_number": seq,
		"quick_sequence_number": strconv.Itoa(seq), "lookup": lookup, "pick_list_values": picks,
		"pick_list_values_sorted_lexically": false, "enable_colour_code": false, "colour_code_enabled_by_system": false,
		"operation_type": map[string]any{"web_update": !ro, "api_create": !ro, "web_create": !ro, "api_update": !ro},
		"view_type":      map[string]any{"view": true, "edit": !ro, "quick_create": f.Mandatory, "create": !ro},
		"profiles":       perms, "layout_associations": []any{map[string]any{"api_name": catalog.StandardLayout,
			"name": catalog.StandardLayout, "id": ids.ID(catalog.KeyLayout(m.APIName, catalog.StandardLayout))}},
		"display_field": f.APIName == m.NameField(), "created_source": source, "webhook": true,
		"businesscard_supported": !ro, "filterable": true, "searchable": true, "sortable": true, "mass_update": !ro && !f.Mandatory,
		"available_in_user_layout": true, "blueprint_supported": false, "separator": false, "virtual_field": false, "static_field": false, "number_separator": false,
		"_update_existing_records": false, "hipaa_compliance_enabled": false, "customizable_properties": []any{},
		"file_upolad_optionlist": []any{}, "unique": map[string]any{}, "formula": map[string]any{}, "rollup_summary": map[string]any{},
		"currency": currency, "decimal_place": decimals, "multi_module_lookup": map[string]any{},
		"multiselectlookup": map[string]any{}, "multiuserlookup": nil, "auto_number": map[string]any{},
		"email_parser": map[string]any{"fields_update_supported": false, "record_operations_supported": false},
		"column_name":  strings.ToUpper(f.APIName), "display_type": -1, "ui_type": uiTypes[f.DataType], "show_type": 7, "category": 0,
		"textarea": textarea, "associated_module": nil, "tooltip": nil, "association_details": nil, "created_time": nil,
		"modified_time": nil, "refer_from_field": nil, "external": nil, "crypt": nil, "history_tracking": nil,
		"allowed_modules": nil, "hipaa_compliance": nil, "sub_module": nil, "subform": nil, "additional_column": nil,
		"convert_mapping": nil, "autonumber": nil, "sharing_properties": nil, "private": nil, "common.picklist": nil,
	}
}

// relatedListsJSON renders a module's related lists as GET /settings/related_lists does. href is
// always set (the SDKs refuse a list whose href is null); module is null for the cadences list.
func relatedListsJSON(m catalog.Module, ids *crm.MetaIDs) []any {
	out := make([]any, 0, len(m.RelatedLists))
	for i, rl := range m.RelatedLists {
		var module any
		if rl.Module != "" {
			module = map[string]any{"api_name": rl.Module, "id": ids.ID(catalog.KeyModule(rl.Module))}
		}
		out = append(out, map[string]any{
			"id": ids.ID(catalog.KeyRelatedList(m.APIName, rl.APIName)), "sequence_number": strconv.Itoa(i + 1),
			"api_name": rl.APIName, "name": rl.Name, "display_label": rl.Name, "module": module,
			"href": m.APIName + "/{ENTITYID}/" + rl.APIName, "type": rl.Type, "status": "visible", "visible": true,
			"action": nil, "connectedmodule": nil, "linkingmodule": nil, "customize_sort": false, "customize_fields": false,
			"customize_display_label": true, "sort_by": nil, "sort_order": nil, "fields": nil,
		})
	}
	return out
}

// customViewsJSON renders a module's built-in custom views; the first is the default.
func customViewsJSON(m catalog.Module, ids *crm.MetaIDs) []any {
	var out []any
	for i, cv := range m.CustomViews() {
		out = append(out, map[string]any{
			"id": ids.ID(catalog.KeyCustomView(m.APIName, cv.Key)), "name": cv.Name, "display_value": cv.Name,
			"system_name": "ALLVIEWS", "default": i == 0, "system_defined": true, "category": "public_views",
			"access_type": "public", "offline": true, "favorite": nil, "created_by": nil, "modified_by": nil,
			"created_time": nil, "modified_time": nil, "last_accessed_time": nil, "sort_by": nil, "sort_order": nil,
			"criteria": nil, "shared_to": nil,
			"module": map[string]any{"api_name": m.APIName, "id": ids.ID(catalog.KeyModule(m.APIName))},
		})
	}
	return out
}

// Roles: an org's administrators hold the top role, everyone else reports to it.
const (
	roleTop   = "CEO"
	roleOther = "Manager"
)

// userJSON renders one user as GET /users does.
func userJSON(u crm.User, p crm.Profile, all []crm.User, ids *crm.MetaIDs) map[string]any {
	role := roleOther
	if p.Admin {
		role = roleTop
	}
	var first any
	if u.FirstName != "" {
		first = u.FirstName
	}
	var creator any // the org's first user made everyone
	if len(all) > 0 {
		creator = map[string]any{"name": all[0].FullName(), "id": crm.FormatID(all[0].ID)}
	}
	return map[string]any{
		"id": crm.FormatID(u.ID), "zuid": crm.FormatID(u.ID), "email": u.Email, "first_name": first,
		"last_name": u.LastName, "full_name": u.FullName(), "status": u.Status, "confirm": true,
		"profile":      map[string]any{"name": p.Name, "id": crm.FormatID(p.ID)},
		"role":         map[string]any{"name": role, "id": ids.ID(catalog.KeyRole(role))},
		"created_time": crm.FormatTime(u.CreatedTime), "Modified_Time": crm.FormatTime(u.CreatedTime),
		"created_by": creator, "Modified_By": nil, "Reporting_To": nil,
		"language": "en_US", "locale": "en_US", "country_locale": "en_US", "country": nil, "time_zone": nil, "offset": 0,
		"time_format": "HH:mm", "date_format": "MMM d, yyyy", "decimal_separator": "Period", "number_separator": nil,
		"name_format__s": "Salutation,First Name,Last Name", "sort_order_preference__s": "First Name,Last Name",
		"status_reason__s": nil, "category": "regular_user", "microsoft": false, "sandboxDeveloper": false, "Isonline": false,
		"phone": nil, "mobile": nil, "fax": nil, "website": nil, "dob": nil, "alias": nil, "signature": nil,
		"street": nil, "city": nil, "state": nil, "zip": nil, "Currency": nil,
		"$shift_effective_from": nil, "$current_shift": nil, "$next_shift": nil,
		"customize_info": map[string]any{"notes_desc": nil, "show_right_panel": nil, "bc_view": nil,
			"unpin_recent_item": nil, "show_home": false, "show_detail_view": true},
		"theme": map[string]any{"normal_tab": map[string]any{"font_color": "#FFFFFF", "background": "#222222"},
			"selected_tab":   map[string]any{"font_color": "#FFFFFF", "background": "#222222"},
			"new_background": nil, "background": "#F3F0EB", "screen": "fixed", "type": "default"},
	}
}

// orgJSON renders the org as GET /org does. zcrm orgs keep UTC, US dollars and en_US.
func orgJSON(o crm.Org, admin crm.User, users int) map[string]any {
	zgid := crm.FormatID(o.ZGID)
	return map[string]any{
		"id": crm.FormatID(o.ID), "zgid": zgid, "ezgid": zgid, "zia_zgid": nil, "domain_name": "org" + zgid,
		"company_name": o.Name, "primary_email": admin.Email, "primary_zuid": crm.FormatID(admin.ID),
		"country_code": "US", "country": nil, "time_zone": "UTC", "currency": "US Dollar", "currency_symbol": "$",
		"currency_locale": "en_US", "iso_code": "USD", "type": "Production", "created_time": crm.FormatTime(o.CreatedTime),
		"license_details": map[string]any{
			"paid": o.Edition != crm.Free, "paid_type": string(o.Edition), "paid_expiry": nil,
			"users_license_purchased": users, "trial_type": nil, "trial_expiry": nil, "trial_action": nil,
		},
		"hierarchy_preferences": map[string]any{"type": "Role_Hierarchy", "strictly_reporting": false},
		"checkin_preferences":   map[string]any{"restricted_event_types": nil},
		"max_per_page":          crm.MaxPerPage, "employee_count": nil, "photo_id": nil, "city": nil, "description": nil,
		"street": nil, "state": nil, "zip": nil, "fax": nil, "mobile": nil, "phone": nil, "website": nil, "alias": nil,
		"zia_portal_id": nil, "call_icon": nil, "mc_status": false, "gapps_enabled": false, "translation_enabled": false,
		"deletable_org_account": false, "privacy_settings": false, "hipaa_compliance_enabled": false,
		"lite_users_enabled": false, "oauth_presence": false,
	}
}
