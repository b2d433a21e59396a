package crm

import (
	"context"
	"strconv"
	"strings"

	"github.com/zcrm/zcrm/internal/catalog"
)

// The metadata the official SDKs read on their own (org, users, modules, fields, related lists,
// custom views), rendered as Zoho renders it. Every key an SDK dereferences is present; keys Zoho's
// OpenAPI files mark required are present too, null where zcrm has nothing to say. Ids come from
// the org's MetaIDs: whoever asks for them allocates the missing ones and renders again.

// GetOrg returns the org as GET /org renders it. zcrm orgs keep UTC, US dollars and en_US.
func GetOrg(ctx context.Context, tx Tx, org Org) (map[string]any, error) {
	admin, err := tx.FirstAdmin(ctx, org.ID)
	if err != nil {
		return nil, err
	}
	users, err := tx.Users(ctx, org.ID)
	if err != nil {
		return nil, err
	}
	return orgJSON(org, admin, len(users)), nil
}

func orgJSON(o Org, admin User, users int) map[string]any {
	zgid := FormatID(o.ZGID)
	return map[string]any{
		"id": FormatID(o.ID), "zgid": zgid, "ezgid": zgid, "zia_zgid": nil, "domain_name": "org" + zgid,
		"company_name": o.Name, "primary_email": admin.Email, "primary_zuid": FormatID(admin.ID),
		"country_code": "US", "country": nil, "time_zone": "UTC", "currency": "US Dollar", "currency_symbol": "$",
		"currency_locale": "en_US", "iso_code": "USD", "type": "Production", "created_time": FormatTime(o.CreatedTime),
		"license_details": map[string]any{
			"paid": o.Edition != Free, "paid_type": string(o.Edition), "paid_expiry": nil,
			"users_license_purchased": users, "trial_type": nil, "trial_expiry": nil, "trial_action": nil,
		},
		"hierarchy_preferences": map[string]any{"type": "Role_Hierarchy", "strictly_reporting": false},
		"checkin_preferences":   map[string]any{"restricted_event_types": nil},
		"max_per_page":          MaxPerPage, "employee_count": nil, "photo_id": nil, "city": nil, "description": nil,
		"street": nil, "state": nil, "zip": nil, "fax": nil, "mobile": nil, "phone": nil, "website": nil, "alias": nil,
		"zia_portal_id": nil, "call_icon": nil, "mc_status": false, "gapps_enabled": false, "translation_enabled": false,
		"deletable_org_account": false, "privacy_settings": false, "hipaa_compliance_enabled": false,
		"lite_users_enabled": false, "oauth_presence": false,
	}
}

// userTypes are the type values of GET /users, in the order Zoho lists them, and which users each
// keeps (current is the caller's id). zcrm users are all confirmed and none is deleted.
var userTypes = []struct {
	name string
	keep func(u User, p Profile, current int64) bool
}{
	{"AllUsers", func(u User, p Profile, _ int64) bool { return true }},
	{"ActiveUsers", func(u User, p Profile, _ int64) bool { return u.Status == "active" }},
	{"DeactiveUsers", func(u User, p Profile, _ int64) bool { return u.Status != "active" }},
	{"ConfirmedUsers", func(u User, p Profile, _ int64) bool { return true }},
	{"NotConfirmedUsers", func(u User, p Profile, _ int64) bool { return false }},
	{"DeletedUsers", func(u User, p Profile, _ int64) bool { return false }},
	{"ActiveConfirmedUsers", func(u User, p Profile, _ int64) bool { return u.Status == "active" }},
	{"AdminUsers", func(u User, p Profile, _ int64) bool { return p.Admin }},
	{"ActiveConfirmedAdmins", func(u User, p Profile, _ int64) bool { return p.Admin && u.Status == "active" }},
	{"CurrentUser", func(u User, p Profile, current int64) bool { return u.ID == current }},
}

// userType returns the filter of the type value s: its exact name first, else the first name equal
// to it ignoring case; "" is AllUsers. An unknown value is 400 INVALID_DATA with the supported values.
func userType(s string) (func(u User, p Profile, current int64) bool, error) {
	if s == "" {
		s = "AllUsers"
	}
	for _, t := range userTypes {
		if t.name == s {
			return t.keep, nil
		}
	}
	names := make([]string, 0, len(userTypes))
	for _, t := range userTypes {
		if strings.EqualFold(t.name, s) {
			return t.keep, nil
		}
		names = append(names, t.name)
	}
	return nil, ErrInvalidData(MsgInvalidData, map[string]any{"param_name": "type", "supported_values": names})
}

// UsersQuery is a parsed GET /users request.
type UsersQuery struct {
	Type          string  // the type parameter as given ("" for AllUsers)
	IDs           []int64 // the ids parameter's ids; nil when it is absent (present but blank keeps no user)
	Page, PerPage int
}

// ParseUsersQuery reads GET /users' parameters through get (value, present), in Zoho's order: an
// unknown type, then a page or per_page that is not a positive integer, are 400 INVALID_DATA; ids
// fails as ParseIDsParam does. per_page is at most MaxPerPage, its default.
func ParseUsersQuery(get func(name string) (string, bool)) (UsersQuery, error) {
	q := UsersQuery{Page: 1, PerPage: MaxPerPage}
	q.Type, _ = get("type")
	if _, err := userType(q.Type); err != nil {
		return q, err
	}
	for _, p := range []struct {
		name string
		dst  *int
	}{{"page", &q.Page}, {"per_page", &q.PerPage}} {
		if raw, _ := get(p.name); raw != "" {
			n, err := strconv.Atoi(raw)
			if err != nil || n < 1 {
				return q, ErrInvalidData(MsgInvalidData, map[string]any{"param_name": p.name, "expected_data_type": "integer"})
			}
			*p.dst = n
		}
	}
	q.PerPage = min(q.PerPage, MaxPerPage)
	if raw, ok := get("ids"); ok {
		ids, err := ParseIDsParam(raw, false)
		if err != nil {
			return q, err
		}
		q.IDs = append([]int64{}, ids...)
	}
	return q, nil
}

// ListUsers returns the page of the org's users that q asks for, rendered as GET /users does, and
// the answer's "info" object; no users means 204 for the caller. An unknown q.Type is INVALID_DATA.
func ListUsers(ctx context.Context, tx Tx, actor Actor, ids *MetaIDs, q UsersQuery) ([]any, map[string]any, error) {
	keep, err := userType(q.Type)
	if err != nil {
		return nil, nil, err
	}
	all, profiles, err := orgUsers(ctx, tx, actor.Org.ID)
	if err != nil {
		return nil, nil, err
	}
	var only map[int64]bool
	if q.IDs != nil {
		only = make(map[int64]bool, len(q.IDs))
		for _, id := range q.IDs {
			only[id] = true
		}
	}
	var kept []User
	for _, u := range all {
		if keep(u, profiles[u.ProfileID], actor.User.ID) && (only == nil || only[u.ID]) {
			kept = append(kept, u)
		}
	}
	var users []any
	start := (q.Page - 1) * q.PerPage
	if q.Page > len(kept)/q.PerPage+1 { // guards start against overflow
		start = len(kept)
	}
	for i := start; i < len(kept) && i < start+q.PerPage; i++ {
		users = append(users, userJSON(kept[i], profiles[kept[i].ProfileID], all, ids))
	}
	return users, usersInfo(q.PerPage, len(users), q.Page, start+q.PerPage < len(kept)), nil
}

// CountUsers counts the org's users of the type typ (GET /users/actions/count: Zoho's Users Count
// takes the types Get Users takes; "" is AllUsers, CurrentUser is always 1); an unknown type is
// INVALID_DATA as for Get Users.
func CountUsers(ctx context.Context, tx Tx, actor Actor, typ string) (int, error) {
	keep, err := userType(typ)
	if err != nil {
		return 0, err
	}
	all, profiles, err := orgUsers(ctx, tx, actor.Org.ID)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, u := range all {
		if keep(u, profiles[u.ProfileID], actor.User.ID) {
			n++
		}
	}
	return n, nil
}

// GetUser returns the org's user id rendered as GET /users/{id} does, and the answer's "info"
// object (a page of one); a nil user (204 for the caller) when the org has no such user.
func GetUser(ctx context.Context, tx Tx, org Org, ids *MetaIDs, id int64) (map[string]any, map[string]any, error) {
	all, profiles, err := orgUsers(ctx, tx, org.ID)
	if err != nil {
		return nil, nil, err
	}
	var user map[string]any
	for _, u := range all {
		if u.ID == id {
			user = userJSON(u, profiles[u.ProfileID], all, ids)
		}
	}
	return user, usersInfo(MaxPerPage, 1, 1, false), nil
}

func usersInfo(perPage, count, page int, more bool) map[string]any {
	return map[string]any{"per_page": perPage, "count": count, "page": page, "more_records": more}
}

// orgUsers returns the org's users and its profiles by id.
func orgUsers(ctx context.Context, tx Tx, orgID int64) ([]User, map[int64]Profile, error) {
	users, err := tx.Users(ctx, orgID)
	if err != nil {
		return nil, nil, err
	}
	ps, err := tx.Profiles(ctx, orgID)
	if err != nil {
		return nil, nil, err
	}
	profiles := make(map[int64]Profile, len(ps))
	for _, p := range ps {
		profiles[p.ID] = p
	}
	return users, profiles, nil
}

// Roles: an org's administrators hold the top role, everyone else reports to it.
const (
	roleTop   = "CEO"
	roleOther = "Manager"
)

// userJSON renders one user as GET /users does; all are the org's users, the first of whom made
// everyone.
func userJSON(u User, p Profile, all []User, ids *MetaIDs) map[string]any {
	role := roleOther
	if p.Admin {
		role = roleTop
	}
	var first any
	if u.FirstName != "" {
		first = u.FirstName
	}
	var creator any
	if len(all) > 0 {
		creator = map[string]any{"name": all[0].FullName(), "id": FormatID(all[0].ID)}
	}
	return map[string]any{
		"id": FormatID(u.ID), "zuid": FormatID(u.ID), "email": u.Email, "first_name": first,
		"last_name": u.LastName, "full_name": u.FullName(), "status": u.Status, "confirm": true,
		"profile":      map[string]any{"name": p.Name, "id": FormatID(p.ID)},
		"role":         map[string]any{"name": role, "id": ids.ID(catalog.KeyRole(role))},
		"created_time": FormatTime(u.CreatedTime), "Modified_Time": FormatTime(u.CreatedTime),
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

// ListModules returns the org's modules rendered as GET /settings/modules does for the actor's
// profile. status is the status parameter as given: comma-separated, any case, "" for every
// module; every zcrm module is visible, so a status list without "visible" keeps none.
func ListModules(ctx context.Context, tx Tx, actor Actor, ids *MetaIDs, status string) ([]any, error) {
	var statuses map[string]bool
	if status != "" {
		statuses = map[string]bool{}
		for _, st := range strings.Split(status, ",") {
			statuses[strings.ToLower(strings.TrimSpace(st))] = true
		}
	}
	mv, err := newModuleView(ctx, tx, actor)
	if err != nil {
		return nil, err
	}
	var mods []any
	for i, m := range mv.modules {
		if statuses == nil || statuses["visible"] {
			mods = append(mods, mv.module(m, i+1, ids, false))
		}
	}
	return mods, nil
}

// GetModule returns the org's module named name, its API name in any case or its id, rendered in
// full as GET /settings/modules/{api_name} does. An unknown id gives nil (204 for the caller); an
// unknown API name is INVALID_MODULE at path segment index.
func GetModule(ctx context.Context, tx Tx, actor Actor, ids *MetaIDs, name string, index int) (map[string]any, error) {
	mv, err := newModuleView(ctx, tx, actor)
	if err != nil {
		return nil, err
	}
	_, numeric := ParseID(name)
	for i, m := range mv.modules {
		if (numeric && ids.ID(catalog.KeyModule(m.APIName)) == name) || (!numeric && strings.EqualFold(m.APIName, name)) {
			return mv.module(m, i+1, ids, true), nil
		}
	}
	if !numeric {
		return nil, ErrInvalidModule(index)
	}
	return nil, nil
}

// moduleView is what rendering modules needs about the org and the caller.
type moduleView struct {
	caller   Profile
	modules  []catalog.Module
	customs  map[string]CustomModule
	users    map[int64]User
	profiles []Profile
}

func newModuleView(ctx context.Context, tx Tx, actor Actor) (*moduleView, error) {
	mods, err := AllModules(ctx, tx, actor.Org)
	if err != nil {
		return nil, err
	}
	customs, err := tx.CustomModules(ctx, actor.Org.ID)
	if err != nil {
		return nil, err
	}
	users, err := tx.Users(ctx, actor.Org.ID)
	if err != nil {
		return nil, err
	}
	profiles, err := tx.Profiles(ctx, actor.Org.ID)
	if err != nil {
		return nil, err
	}
	mv := &moduleView{caller: actor.Profile, modules: mods, customs: map[string]CustomModule{}, users: map[int64]User{}, profiles: profiles}
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
func (mv *moduleView) module(m catalog.Module, seq int, ids *MetaIDs, full bool) map[string]any {
	can := func(action string) bool {
		return m.APISupported && mv.caller.Has(ModulePermission(action, m.Legacy))
	}
	viewing := viewers(mv.profiles, m)
	var profiles []any
	for _, p := range viewing {
		profiles = append(profiles, map[string]any{"name": p.Name, "id": FormatID(p.ID)})
	}
	generated, moduleName := "default", m.Legacy
	var modifiedTime, modifiedBy any
	if m.Custom {
		generated, moduleName = "custom", m.APIName
		if cm, ok := mv.customs[m.APIName]; ok {
			modifiedTime = FormatTime(cm.CreatedTime)
			by := map[string]any{"name": "", "id": FormatID(cm.CreatedBy)}
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
		out["related_lists"] = ListRelatedLists(m, ids)
		out["layouts"] = []any{map[string]any{"id": ids.ID(catalog.KeyLayout(m.APIName, catalog.StandardLayout)),
			"name": catalog.StandardLayout, "display_label": catalog.StandardLayout, "api_name": catalog.StandardLayout,
			"status": "active", "visible": true, "profiles": profiles}}
	}
	return out
}

// viewers returns the profiles of profiles that may view the module's records.
func viewers(profiles []Profile, m catalog.Module) []Profile {
	var out []Profile
	for _, p := range profiles {
		if p.Has(ModulePermission("View", m.Legacy)) {
			out = append(out, p)
		}
	}
	return out
}

// ListFields returns the module's fields rendered as GET /settings/fields does, each with the org's
// profiles that may view the module. typ is the type parameter: all, used or unused in any case,
// "" for all; zcrm has no unused fields, so unused gives none. Another value is INVALID_DATA.
func ListFields(ctx context.Context, tx Tx, org Org, m catalog.Module, ids *MetaIDs, typ string) ([]any, error) {
	switch strings.ToLower(typ) {
	case "", "all", "used":
	case "unused":
		return nil, nil
	default:
		return nil, ErrInvalidData(MsgInvalidData, map[string]any{"param_name": "type", "supported_values": []string{"all", "used", "unused"}})
	}
	profiles, err := tx.Profiles(ctx, org.ID)
	if err != nil {
		return nil, err
	}
	return fieldsJSON(m, ids, viewers(profiles, m)), nil
}

// uiTypes are Zoho's ui_type numbers of the data types zcrm uses.
var uiTypes = map[string]int{
	"text": 1, "picklist": 2, "textarea": 3, "ownerlookup": 8, "website": 21, "date": 24, "email": 25,
	"integer": 32, "phone": 33, "currency": 36, "double": 38, "percent": 38, "bigint": 32, "lookup": 133,
	"boolean": 301, "datetime": 333,
}

// fieldsJSON renders the module's fields; profiles are those that may view the module.
func fieldsJSON(m catalog.Module, ids *MetaIDs, profiles []Profile) []any {
	out := make([]any, 0, len(m.Fields))
	for i, f := range m.Fields {
		out = append(out, fieldJSON(m, f, i+1, ids, profiles))
	}
	return out
}

// fieldJSON renders one field as GET /settings/fields does.
func fieldJSON(m catalog.Module, f catalog.Field, seq int, ids *MetaIDs, profiles []Profile) map[string]any {
	ro := f.ReadOnly
	id := ids.ID(catalog.KeyField(m.APIName, f.APIName))
	lookup := map[string]any{}
	if f.DataType == "lookup" && !f.MultiModule() { // a multi-module lookup names no one module
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
		perms = append(perms, map[string]any{"permission_type": kind, "name": p.Name, "id": FormatID(p.ID)})
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
		"file_upolad_optionlist": []any{}, "unique": uniqueJSON(f), "formula": map[string]any{}, "rollup_summary": map[string]any{},
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

// ListRelatedLists returns the module's related lists rendered as GET /settings/related_lists does.
// href is always set (the SDKs refuse a list whose href is null); module is null for the cadences
// list.
func ListRelatedLists(m catalog.Module, ids *MetaIDs) []any {
	out := make([]any, 0, len(m.RelatedLists))
	for i, rl := range m.RelatedLists {
		var module any
		if rl.Module != "" {
			module = map[string]any{"api_name": rl.Module, "id": ids.ID(catalog.KeyModule(rl.Module))}
		}
		label := rl.Name
		if rl.Label != "" {
			label = rl.Label
		}
		item := map[string]any{
			"id": ids.ID(catalog.KeyRelatedList(m.APIName, rl.APIName)), "sequence_number": strconv.Itoa(i + 1),
			"api_name": rl.APIName, "name": rl.Name, "display_label": label, "module": module,
			"href": m.APIName + "/{ENTITYID}/" + rl.APIName, "type": rl.Type, "status": "visible", "visible": true,
			"action": nil, "connectedmodule": nil, "linkingmodule": nil, "customize_sort": false, "customize_fields": false,
			"customize_display_label": true, "sort_by": nil, "sort_order": nil, "fields": nil,
		}
		if rl.Timeline != "" {
			// Zoho's grouped chronological lists: no module, no href, parent_related_lists null.
			item["href"], item["parent_related_lists"] = nil, nil
		}
		out = append(out, item)
	}
	return out
}

// customViewsJSON renders a module's built-in custom views as a module's custom_view (Get Modules)
// shows the first, its default.
func customViewsJSON(m catalog.Module, ids *MetaIDs) []any {
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

// uniqueJSON is a field's "unique" metadata as Zoho writes it: {} for a field that allows
// duplicates, {"casesensitive": "false"} for a unique one (duplicate.go compares case-insensitively;
// the fields OAS types casesensitive as a string).
func uniqueJSON(f catalog.Field) map[string]any {
	if !f.Unique {
		return map[string]any{}
	}
	return map[string]any{"casesensitive": "false"}
}
