package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/zcrm/zcrm/internal/catalog"
	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/oastest"
	"github.com/zcrm/zcrm/internal/store/storetest"
)

// metaID returns the org's metadata id of key as a wire string.
func (e *testEnv) metaID(orgID int64, key string) string {
	e.t.Helper()
	var id string
	e.write(func(ctx context.Context, tx crm.Tx) error {
		ids, err := tx.MetadataIDs(ctx, orgID)
		if err != nil {
			return err
		}
		v, ok := ids[key]
		if !ok {
			return fmt.Errorf("no metadata id for %s", key)
		}
		id = crm.FormatID(v)
		return nil
	})
	return id
}

// profiles returns the org's profiles by name.
func (e *testEnv) profiles(orgID int64) map[string]crm.Profile {
	e.t.Helper()
	out := map[string]crm.Profile{}
	e.write(func(ctx context.Context, tx crm.Tx) error {
		ps, err := tx.Profiles(ctx, orgID)
		for _, p := range ps {
			out[p.Name] = p
		}
		return err
	})
	return out
}

// oasRequired returns the property names schema (a components/schemas entry of a shared Zoho v8.0
// OpenAPI file) marks required, without the generator's dotted artefacts; none when oastest.Dir
// skips the OpenAPI checks.
func oasRequired(t *testing.T, file, schema string) []string {
	t.Helper()
	dir, ok := oastest.Dir(t)
	if !ok {
		return nil
	}
	raw, err := os.ReadFile(filepath.Join(dir, file))
	if err != nil {
		t.Fatalf("Zoho's OpenAPI file: %v", err)
	}
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Required []string `json:"required"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	s, ok := doc.Components.Schemas[schema]
	if !ok {
		t.Fatalf("%s has no schema %s", file, schema)
	}
	return s.Required
}

// assertKeys fails unless obj has every key the OpenAPI schema requires.
func assertKeys(t *testing.T, what string, obj map[string]any, file, schema string) {
	t.Helper()
	var missing []string
	for _, k := range oasRequired(t, file, schema) {
		if _, ok := obj[k]; !ok {
			missing = append(missing, k)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("%s lacks keys %s requires: %s", what, schema, strings.Join(missing, ", "))
	}
}

func TestGetOrg(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		tok := e.adminToken("ZohoCRM.org.READ")
		zgid := crm.FormatID(e.org.ZGID)
		res := e.do("GET", "/crm/v8/org", tok, "")
		res.expect(t, 200, `{"org":[{"id":"`+crm.FormatID(e.org.ID)+`","zgid":"`+zgid+`","ezgid":"`+zgid+`","zia_zgid":null,
			"domain_name":"org`+zgid+`","company_name":"zcrm","primary_email":"admin@zcrm.local","primary_zuid":"`+crm.FormatID(e.admin.ID)+`",
			"country_code":"US","country":null,"time_zone":"UTC","currency":"US Dollar","currency_symbol":"$","currency_locale":"en_US",
			"iso_code":"USD","type":"Production","created_time":"`+now+`",
			"license_details":{"paid":true,"paid_type":"enterprise","paid_expiry":null,"users_license_purchased":1,"trial_type":null,"trial_expiry":null,"trial_action":null},
			"hierarchy_preferences":{"type":"Role_Hierarchy","strictly_reporting":false},"checkin_preferences":{"restricted_event_types":null},
			"max_per_page":200,"employee_count":null,"photo_id":null,"city":null,"description":null,"street":null,"state":null,"zip":null,
			"fax":null,"mobile":null,"phone":null,"website":null,"alias":null,"zia_portal_id":null,"call_icon":null,"mc_status":false,
			"gapps_enabled":false,"translation_enabled":false,"deletable_org_account":false,"privacy_settings":false,
			"hipaa_compliance_enabled":false,"lite_users_enabled":false,"oauth_presence":false}]}`)
		var body struct{ Org []map[string]any }
		res.decode(t, &body)
		assertKeys(t, "org", body.Org[0], "org.json", "Org")
		assertKeys(t, "license_details", body.Org[0]["license_details"].(map[string]any), "org.json", "License_Details")

		free, freeAdmin := e.newOrg("Tiny Co", crm.Free)
		e.do("GET", "/crm/v2/org", e.token(freeAdmin, "ZohoCRM.org.ALL"), "").expect(t, 200, `{"org":[{"id":"`+crm.FormatID(free.ID)+`",
			"zgid":"`+crm.FormatID(free.ZGID)+`","ezgid":"`+crm.FormatID(free.ZGID)+`","zia_zgid":null,"domain_name":"org`+crm.FormatID(free.ZGID)+`",
			"company_name":"Tiny Co","primary_email":"admin@tiny-co.zcrm.local","primary_zuid":"`+crm.FormatID(freeAdmin.ID)+`",
			"country_code":"US","country":null,"time_zone":"UTC","currency":"US Dollar","currency_symbol":"$","currency_locale":"en_US",
			"iso_code":"USD","type":"Production","created_time":"`+now+`",
			"license_details":{"paid":false,"paid_type":"free","paid_expiry":null,"users_license_purchased":1,"trial_type":null,"trial_expiry":null,"trial_action":null},
			"hierarchy_preferences":{"type":"Role_Hierarchy","strictly_reporting":false},"checkin_preferences":{"restricted_event_types":null},
			"max_per_page":200,"employee_count":null,"photo_id":null,"city":null,"description":null,"street":null,"state":null,"zip":null,
			"fax":null,"mobile":null,"phone":null,"website":null,"alias":null,"zia_portal_id":null,"call_icon":null,"mc_status":false,
			"gapps_enabled":false,"translation_enabled":false,"deletable_org_account":false,"privacy_settings":false,
			"hipaa_compliance_enabled":false,"lite_users_enabled":false,"oauth_presence":false}]}`)
		e.do("GET", "/crm/v8/org", e.adminToken("ZohoCRM.users.ALL", "ZohoCRM.settings.ALL", "ZohoCRM.modules.ALL"), "").expect(t, 401, errScope)
	})
}

// userWant is a user as GET /users renders it.
func userWant(e *testEnv, u crm.User, profile crm.Profile, role string) string {
	first := "null"
	if u.FirstName != "" {
		first = fmt.Sprintf("%q", u.FirstName)
	}
	return fmt.Sprintf(`{"id":"%d","zuid":"%d","email":%q,"first_name":%s,"last_name":%q,"full_name":%q,"status":"active","confirm":true,
		"profile":{"name":%q,"id":"%d"},"role":{"name":%q,"id":%q},"created_time":%q,"Modified_Time":%q,
		"created_by":{"name":"Administrator","id":"%d"},"Modified_By":null,"Reporting_To":null,"language":"en_US","locale":"en_US",
		"country_locale":"en_US","country":null,"time_zone":null,"offset":0,"time_format":"HH:mm","date_format":"MMM d, yyyy",
		"decimal_separator":"Period","number_separator":null,"name_format__s":"Salutation,First Name,Last Name",
		"sort_order_preference__s":"First Name,Last Name","status_reason__s":null,"category":"regular_user","microsoft":false,
		"sandboxDeveloper":false,"Isonline":false,"phone":null,"mobile":null,"fax":null,"website":null,"dob":null,"alias":null,
		"signature":null,"street":null,"city":null,"state":null,"zip":null,"Currency":null,"$shift_effective_from":null,
		"$current_shift":null,"$next_shift":null,
		"customize_info":{"notes_desc":null,"show_right_panel":null,"bc_view":null,"unpin_recent_item":null,"show_home":false,"show_detail_view":true},
		"theme":{"normal_tab":{"font_color":"#FFFFFF","background":"#222222"},"selected_tab":{"font_color":"#FFFFFF","background":"#222222"},
		"new_background":null,"background":"#F3F0EB","screen":"fixed","type":"default"}}`,
		u.ID, u.ID, u.Email, first, u.LastName, u.FullName(), profile.Name, profile.ID, role, e.metaID(u.OrgID, catalog.KeyRole(role)),
		now, now, e.admin.ID)
}

func TestUsers(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		tok := e.adminToken("ZohoCRM.users.READ")
		std := e.newUser(e.org.ID, "std@zcrm.local", crm.ProfileStandard)
		_, otherAdmin := e.newOrg("Other", crm.Enterprise)
		ps := e.profiles(e.org.ID)
		// Roles get their ids on first sight.
		if res := e.do("GET", "/crm/v8/users", tok, ""); res.status != 200 {
			t.Fatalf("status %d: %s", res.status, res.body)
		}
		admin := userWant(e, e.admin, ps[crm.ProfileAdministrator], "CEO")
		stdWant := userWant(e, std, ps[crm.ProfileStandard], "Manager")
		info := func(perPage, count, page int, more bool) string {
			return fmt.Sprintf(`{"per_page":%d,"count":%d,"page":%d,"more_records":%t}`, perPage, count, page, more)
		}
		e.do("GET", "/crm/v8/users?type=CurrentUser&", tok, "").expect(t, 200, `{"users":[`+admin+`],"info":`+info(200, 1, 1, false)+`}`)
		e.do("GET", "/crm/v8/users", tok, "").expect(t, 200, `{"users":[`+admin+`,`+stdWant+`],"info":`+info(200, 2, 1, false)+`}`)
		e.do("GET", "/crm/v8/users?type=AdminUsers", tok, "").expect(t, 200, `{"users":[`+admin+`],"info":`+info(200, 1, 1, false)+`}`)
		e.do("GET", "/crm/v8/users?type=ActiveUsers&per_page=1&page=2", tok, "").expect(t, 200, `{"users":[`+stdWant+`],"info":`+info(1, 1, 2, false)+`}`)
		e.do("GET", "/crm/v8/users?type=ActiveUsers&per_page=1", tok, "").expect(t, 200, `{"users":[`+admin+`],"info":`+info(1, 1, 1, true)+`}`)
		e.do("GET", "/crm/v8/users?type=DeactiveUsers", tok, "").expect(t, 204, "")
		e.do("GET", "/crm/v8/users?ids="+crm.FormatID(std.ID), tok, "").expect(t, 200, `{"users":[`+stdWant+`],"info":`+info(200, 1, 1, false)+`}`)
		e.do("GET", "/crm/v8/users?type=Everyone", tok, "").expect(t, 400, `{"code":"INVALID_DATA","details":{"param_name":"type",
			"supported_values":["AllUsers","ActiveUsers","DeactiveUsers","ConfirmedUsers","NotConfirmedUsers","DeletedUsers","ActiveConfirmedUsers","AdminUsers","ActiveConfirmedAdmins","CurrentUser"]},
			"message":"invalid data","status":"error"}`)
		e.do("GET", "/crm/v8/users/"+crm.FormatID(std.ID), tok, "").expect(t, 200, `{"users":[`+stdWant+`],"info":`+info(200, 1, 1, false)+`}`)
		e.do("GET", "/crm/v8/users/"+crm.FormatID(otherAdmin.ID), tok, "").expect(t, 204, "")
		e.do("GET", "/crm/v8/users/nobody", tok, "").expect(t, 204, "")
		e.do("GET", "/crm/v8/users?type=CurrentUser", e.token(std, "ZohoCRM.users.ALL"), "").expect(t, 200, `{"users":[`+stdWant+`],"info":`+info(200, 1, 1, false)+`}`)
		e.do("GET", "/crm/v8/users", e.adminToken("ZohoCRM.org.ALL", "ZohoCRM.modules.ALL"), "").expect(t, 401, errScope)
		e.do("GET", "/crm/v8/users/"+crm.FormatID(std.ID), e.adminToken("ZohoCRM.settings.ALL"), "").expect(t, 401, errScope)

		// Users Count: {"count": N} as Zoho's page shows it, by the types Get Users takes; the org's
		// users only (another org's admin is not counted).
		for typ, n := range map[string]int{"": 2, "AllUsers": 2, "ActiveUsers": 2, "AdminUsers": 1, "CurrentUser": 1, "DeactiveUsers": 0} {
			e.do("GET", "/crm/v8/users/actions/count?type="+typ, tok, "").expect(t, 200, fmt.Sprintf(`{"count":%d}`, n))
		}
		e.do("GET", "/crm/v8/users/actions/count?type=Everyone", tok, "").expect(t, 400, `{"code":"INVALID_DATA","details":{"param_name":"type",
			"supported_values":["AllUsers","ActiveUsers","DeactiveUsers","ConfirmedUsers","NotConfirmedUsers","DeletedUsers","ActiveConfirmedUsers","AdminUsers","ActiveConfirmedAdmins","CurrentUser"]},
			"message":"invalid data","status":"error"}`)
		e.do("GET", "/crm/v8/users/actions/count", e.adminToken("ZohoCRM.settings.ALL"), "").expect(t, 401, errScope)
		e.do("POST", "/crm/v8/users/actions/count", tok, "").expect(t, 400,
			`{"code":"INVALID_REQUEST_METHOD","details":{},"message":"The http request method type is not a valid one","status":"error"}`)
	})
}

// modulesOf decodes a modules answer.
func modulesOf(t *testing.T, r response) []map[string]any {
	t.Helper()
	var body struct{ Modules []map[string]any }
	r.decode(t, &body)
	return body.Modules
}

func TestListModules(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		e.write(func(ctx context.Context, tx crm.Tx) error {
			_, err := crm.CreateCustomModule(ctx, tx, e.org, e.admin.ID, "Properties", "Property", "Properties")
			if err != nil {
				return err
			}
			_, err = crm.CreateProfile(ctx, tx, e.org.ID, "No Deals", []string{"Crm_Implied_View_Potentials", "Crm_Implied_Delete_Leads"})
			return err
		})
		clerk := e.newUser(e.org.ID, "clerk@zcrm.local", "No Deals")
		res := e.do("GET", "/crm/v8/settings/modules", e.token(clerk, "ZohoCRM.settings.modules.READ"), "")
		if res.status != 200 {
			t.Fatalf("status %d: %s", res.status, res.body)
		}
		mods := modulesOf(t, res)
		byName := map[string]map[string]any{}
		var names []string
		for _, m := range mods {
			byName[m["api_name"].(string)] = m
			names = append(names, m["api_name"].(string))
			assertKeys(t, "module "+m["api_name"].(string), m, "modules.json", "modules")
			if m["api_supported"] == true && m["generated_type"] == nil {
				t.Errorf("%s: api_supported without generated_type", m["api_name"])
			}
		}
		if got, want := strings.Join(names, ","), "Leads,Contacts,Accounts,Deals,Campaigns,Products,Price_Books,Vendors,Tasks,Calls,Events,Cases,Solutions,Notes,Appointments__s,Services__s,Home,Feeds,Reports,Dashboards,Documents,Projects,Properties"; got != want {
			t.Errorf("modules = %s, want %s", got, want)
		}
		ps := e.profiles(e.org.ID)
		pj := func(names ...string) string {
			var out []string
			for _, n := range names {
				out = append(out, fmt.Sprintf(`{"name":%q,"id":"%d"}`, n, ps[n].ID))
			}
			return "[" + strings.Join(out, ",") + "]"
		}
		leads, _ := json.Marshal(map[string]any{
			"id": byName["Leads"]["id"], "api_name": byName["Leads"]["api_name"], "module_name": byName["Leads"]["module_name"],
			"creatable": byName["Leads"]["creatable"], "deletable": byName["Leads"]["deletable"], "generated_type": byName["Leads"]["generated_type"],
			"sequence_number": byName["Leads"]["sequence_number"], "profiles": byName["Leads"]["profiles"], "convertable": byName["Leads"]["convertable"],
			"display_field": byName["Leads"]["display_field"],
		})
		assertJSON(t, string(leads), `{"id":"`+e.metaID(e.org.ID, catalog.KeyModule("Leads"))+`","api_name":"Leads","module_name":"Leads",
			"creatable":true,"deletable":false,"generated_type":"default","sequence_number":1,"profiles":`+pj("Administrator", "Standard", "No Deals")+`,
			"convertable":true,"display_field":{"api_name":"Last_Name","id":"`+e.metaID(e.org.ID, catalog.KeyField("Leads", "Last_Name"))+`"}}`)
		deals := byName["Deals"]
		if deals["module_name"] != "Potentials" || deals["viewable"] != false || deals["creatable"] != true {
			t.Errorf("Deals for a profile without View: module_name %v viewable %v creatable %v", deals["module_name"], deals["viewable"], deals["creatable"])
		}
		props := byName["Properties"]
		if props["generated_type"] != "custom" || props["module_name"] != "Properties" || props["singular_label"] != "Property" ||
			props["modified_time"] != now || props["id"] != e.metaID(e.org.ID, catalog.KeyModule("Properties")) {
			t.Errorf("custom module: %v", props)
		}
		if docs := byName["Documents"]; docs["api_supported"] != false || docs["viewable"] != false {
			t.Errorf("Documents: api_supported %v viewable %v", docs["api_supported"], docs["viewable"])
		}
		e.do("GET", "/crm/v8/settings/modules?status=user_hidden", e.adminToken("ZohoCRM.settings.ALL"), "").expect(t, 204, "")
		e.do("GET", "/crm/v8/settings/modules", e.adminToken("ZohoCRM.settings.fields.ALL", "ZohoCRM.modules.ALL"), "").expect(t, 401, errScope)
	})
}

func TestGetModule(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		tok := e.adminToken("ZohoCRM.settings.ALL")
		res := e.do("GET", "/crm/v7/settings/modules/price_books", tok, "")
		if res.status != 200 {
			t.Fatalf("status %d: %s", res.status, res.body)
		}
		mods := modulesOf(t, res)
		if len(mods) != 1 || mods[0]["api_name"] != "Price_Books" || mods[0]["module_name"] != "PriceBooks" {
			t.Fatalf("modules = %v", mods)
		}
		m := mods[0]
		assertKeys(t, "module", m, "modules.json", "modules")
		fields, _ := m["fields"].([]any)
		lists, _ := m["related_lists"].([]any)
		if len(fields) != len(mustStandard(t, "Price_Books").Fields) || len(lists) != 3 {
			t.Errorf("fields %d, related lists %d", len(fields), len(lists))
		}
		layout := e.metaID(e.org.ID, catalog.KeyLayout("Price_Books", "Standard"))
		got, _ := json.Marshal(map[string]any{"layouts": m["layouts"], "custom_view": m["custom_view"]})
		ps := e.profiles(e.org.ID)
		assertJSON(t, string(got), fmt.Sprintf(`{"layouts":[{"id":%q,"name":"Standard","display_label":"Standard","api_name":"Standard",
			"status":"active","visible":true,"profiles":[{"name":"Administrator","id":"%d"},{"name":"Standard","id":"%d"}]}],
			"custom_view":{"id":%q,"name":"All Price Books","display_value":"All Price Books","system_name":"ALLVIEWS","default":true,
			"system_defined":true,"category":"public_views","access_type":"public","offline":true,"favorite":null,"created_by":null,
			"modified_by":null,"created_time":null,"modified_time":null,"last_accessed_time":null,"sort_by":null,"sort_order":null,
			"criteria":null,"shared_to":null,"module":{"api_name":"Price_Books","id":%q}}}`,
			layout, ps["Administrator"].ID, ps["Standard"].ID, e.metaID(e.org.ID, catalog.KeyCustomView("Price_Books", "All")),
			e.metaID(e.org.ID, catalog.KeyModule("Price_Books"))))

		byID := modulesOf(t, e.do("GET", "/crm/v8/settings/modules/"+e.metaID(e.org.ID, catalog.KeyModule("Leads")), tok, ""))
		if len(byID) != 1 || byID[0]["api_name"] != "Leads" {
			t.Errorf("by id: %v", byID)
		}
		if docs := modulesOf(t, e.do("GET", "/crm/v8/settings/modules/Documents", tok, "")); docs[0]["api_supported"] != false || docs[0]["fields"] != nil {
			t.Errorf("Documents: %v", docs[0])
		}
		e.do("GET", "/crm/v8/settings/modules/Nothing", tok, "").expect(t, 400, `{"code":"INVALID_MODULE","details":{"resource_path_index":2},"message":"the module name given seems to be invalid","status":"error"}`)
		e.do("GET", "/crm/v8/settings/modules/1234", tok, "").expect(t, 204, "")
		e.do("GET", "/crm/v8/settings/modules/Leads", e.adminToken("ZohoCRM.settings.fields.READ"), "").expect(t, 401, errScope)
	})
}

func mustStandard(t *testing.T, name string) catalog.Module {
	t.Helper()
	m, ok := catalog.Standard(name)
	if !ok {
		t.Fatalf("no module %s", name)
	}
	return m
}

// fieldsOf decodes a fields answer keyed by api name, checking each field has the keys the SDKs
// dereference and Zoho's OpenAPI file requires.
func fieldsOf(t *testing.T, r response) (map[string]map[string]any, []string) {
	t.Helper()
	if r.status != 200 {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	var body struct{ Fields []map[string]any }
	r.decode(t, &body)
	out := map[string]map[string]any{}
	var names []string
	for _, f := range body.Fields {
		name, _ := f["api_name"].(string)
		if _, ok := f["data_type"].(string); !ok || name == "" {
			t.Fatalf("field without api_name or data_type: %v", f)
		}
		assertKeys(t, "field "+name, f, "fields.json", "fields")
		out[name] = f
		names = append(names, name)
	}
	return out, names
}

func TestListFields(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		tok := e.adminToken("ZohoCRM.settings.fields.READ")
		fields, names := fieldsOf(t, e.do("GET", "/crm/v8/settings/fields?module=Leads&", tok, ""))
		if len(names) != len(mustStandard(t, "Leads").Fields) || names[0] != "Owner" {
			t.Errorf("fields: %v", names)
		}
		org := e.org.ID
		ps := e.profiles(org)
		layout := e.metaID(org, catalog.KeyLayout("Leads", "Standard"))
		got, _ := json.Marshal(fields["Last_Name"])
		assertJSON(t, string(got), fmt.Sprintf(`{"api_name":"Last_Name","id":%q,"field_label":"Last Name","display_label":"Last Name",
			"data_type":"text","json_type":"string","length":80,"system_mandatory":true,"custom_field":false,"read_only":false,
			"field_read_only":false,"visible":true,"type":"used","sequence_number":3,"quick_sequence_number":"3","lookup":{},
			"pick_list_values":[],"pick_list_values_sorted_lexically":false,"enable_colour_code":false,"colour_code_enabled_by_system":false,
			"operation_type":{"web_update":true,"api_create":true,"web_create":true,"api_update":true},
			"view_type":{"view":true,"edit":true,"quick_create":true,"create":true},
			"profiles":[{"permission_type":"read_write","name":"Administrator","id":"%d"},{"permission_type":"read_write","name":"Standard","id":"%d"}],
			"layout_associations":[{"api_name":"Standard","name":"Standard","id":%q}],"display_field":true,"created_source":"default",
			"webhook":true,"businesscard_supported":true,"filterable":true,"searchable":true,"sortable":true,"mass_update":false,
			"available_in_user_layout":true,"blueprint_supported":false,"separator":false,"virtual_field":false,"static_field":false,"number_separator":false,"_update_existing_records":false,
			"hipaa_compliance_enabled":false,"customizable_properties":[],"file_upolad_optionlist":[],"unique":{},"formula":{},
			"rollup_summary":{},"currency":{},"decimal_place":null,"multi_module_lookup":{},"multiselectlookup":{},"multiuserlookup":null,
			"auto_number":{},"email_parser":{"fields_update_supported":false,"record_operations_supported":false},"column_name":"LAST_NAME",
			"display_type":-1,"ui_type":1,"show_type":7,"category":0,"textarea":null,"associated_module":null,"tooltip":null,
			"association_details":null,"created_time":null,"modified_time":null,"refer_from_field":null,"external":null,"crypt":null,
			"history_tracking":null,"allowed_modules":null,"hipaa_compliance":null,"sub_module":null,"subform":null,"additional_column":null,
			"convert_mapping":null,"autonumber":null,"sharing_properties":null,"private":null,"common.picklist":null}`,
			e.metaID(org, catalog.KeyField("Leads", "Last_Name")), ps["Administrator"].ID, ps["Standard"].ID, layout))
		status, _ := json.Marshal(fields["Lead_Status"]["pick_list_values"])
		pick := func(v string, seq int) string {
			return fmt.Sprintf(`{"display_value":%q,"actual_value":%q,"reference_value":%q,"sys_ref_name":%q,"id":%q,"sequence_number":%d,
				"type":"used","colour_code":null,"expected_data_type":"string","maps":[]}`, v, v, v, v, e.metaID(org, catalog.KeyPickValue("Leads", "Lead_Status", v)), seq)
		}
		assertJSON(t, string(status), `[`+pick("-None-", 1)+`,`+pick("Not Contacted", 2)+`,`+pick("Attempted to Contact", 3)+`,`+
			pick("Contacted", 4)+`,`+pick("Qualified", 5)+`]`)
		if f := fields["Created_Time"]; f["read_only"] != true || f["data_type"] != "datetime" {
			t.Errorf("Created_Time: %v", f)
		}

		deals, _ := fieldsOf(t, e.do("GET", "/crm/v8/settings/fields?module=deals", tok, ""))
		lookup, _ := json.Marshal(deals["Account_Name"]["lookup"])
		assertJSON(t, string(lookup), fmt.Sprintf(`{"display_label":"Account Name","api_name":"Account_Name","id":%q,
			"module":{"api_name":"Accounts","id":%q},"query_details":{},"revalidate_filter_during_edit":false,"show_fields":[]}`,
			e.metaID(org, catalog.KeyField("Deals", "Account_Name")), e.metaID(org, catalog.KeyModule("Accounts"))))
		if owner, _ := json.Marshal(deals["Owner"]["lookup"]); string(owner) != "{}" {
			t.Errorf("Owner lookup = %s, want {}", owner)
		}

		e.do("GET", "/crm/v8/settings/fields?module=Leads&type=unused", tok, "").expect(t, 204, "")
		e.do("GET", "/crm/v8/settings/fields", tok, "").expect(t, 400, `{"code":"REQUIRED_PARAM_MISSING","details":{"param_name":"module"},"message":"One of the expected parameter is missing","status":"error"}`)
		e.do("GET", "/crm/v8/settings/fields?module=&", tok, "").expect(t, 400, `{"code":"REQUIRED_PARAM_MISSING","details":{"param_name":"module"},"message":"One of the expected parameter is missing","status":"error"}`)
		e.do("GET", "/crm/v8/settings/fields?module=Nothing", tok, "").expect(t, 400, `{"code":"INVALID_MODULE","details":{},"message":"the module name given seems to be invalid","status":"error"}`)
		e.do("GET", "/crm/v8/settings/fields?module=Documents", tok, "").expect(t, 400, `{"code":"INVALID_MODULE","details":{},"message":"The given module is not supported in API","status":"error"}`)
		e.do("GET", "/crm/v8/settings/fields?module=Leads", e.adminToken("ZohoCRM.settings.modules.ALL", "ZohoCRM.modules.ALL"), "").expect(t, 401, errScope)
	})
}

// Catalogue entries added after an org was made get their metadata ids on first sight, once.
func TestFieldIDsAllocatedLazily(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		if _, err := e.db.SQL().Exec(e.db.Rebind(`DELETE FROM metadata_ids WHERE key = ?`), catalog.KeyField("Vendors", "Website")); err != nil {
			t.Fatal(err)
		}
		tok := e.adminToken("ZohoCRM.settings.ALL")
		first, _ := fieldsOf(t, e.do("GET", "/crm/v8/settings/fields?module=Vendors", tok, ""))
		second, _ := fieldsOf(t, e.do("GET", "/crm/v8/settings/fields?module=Vendors", tok, ""))
		id := e.metaID(e.org.ID, catalog.KeyField("Vendors", "Website"))
		if first["Website"]["id"] != id || second["Website"]["id"] != id {
			t.Errorf("Website ids %v, %v, want %s", first["Website"]["id"], second["Website"]["id"], id)
		}
	})
}

func TestListRelatedLists(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		tok := e.adminToken("ZohoCRM.settings.related_lists.READ")
		org := e.org.ID
		var rlLabel func(m, api, name, label, module string, seq int) string
		rl := func(m, api, name, module string, seq int) string {
			return rlLabel(m, api, name, name, module, seq)
		}
		rlLabel = func(m, api, name, label, module string, seq int) string {
			mod := "null"
			if module != "" {
				mod = fmt.Sprintf(`{"api_name":%q,"id":%q}`, module, e.metaID(org, catalog.KeyModule(module)))
			}
			return fmt.Sprintf(`{"id":%q,"sequence_number":"%d","api_name":%q,"name":%q,"display_label":%q,"module":%s,
				"href":"%s/{ENTITYID}/%s","type":"default","status":"visible","visible":true,"action":null,"connectedmodule":null,
				"linkingmodule":null,"customize_sort":false,"customize_fields":false,"customize_display_label":true,"sort_by":null,
				"sort_order":null,"fields":null}`, e.metaID(org, catalog.KeyRelatedList(m, api)), seq, api, name, label, mod, m, api)
		}
		// Zoho's grouped chronological lists (its related lists metadata example): no module, no
		// href, parent_related_lists null.
		grouped := func(m, api, name string, seq int) string {
			return fmt.Sprintf(`{"id":%q,"sequence_number":"%d","api_name":%q,"name":%q,"display_label":%q,"module":null,
				"href":null,"type":"grouped","status":"visible","visible":true,"action":null,"connectedmodule":null,
				"linkingmodule":null,"customize_sort":false,"customize_fields":false,"customize_display_label":true,"sort_by":null,
				"sort_order":null,"fields":null,"parent_related_lists":null}`, e.metaID(org, catalog.KeyRelatedList(m, api)), seq, api, name, name)
		}
		res := e.do("GET", "/crm/v8/settings/related_lists?module=Leads&", tok, "")
		res.expect(t, 200, `{"related_lists":[`+rl("Leads", "Notes", "Notes", "Notes", 1)+`,`+rl("Leads", "Attachments", "Attachments", "Attachments", 2)+`,`+
			rl("Leads", "Products", "Products", "Products", 3)+`,`+rl("Leads", "Campaigns", "Campaigns", "Campaigns", 4)+`,`+
			grouped("Leads", "Activities_Chronological_View", "ChronologicalView", 5)+`,`+
			grouped("Leads", "Activities_Chronological_View_History", "ChronologicalView History", 6)+`,`+
			rlLabel("Leads", "Calls", "Calls", "Open Calls", "Calls", 7)+`,`+rlLabel("Leads", "Events", "Events", "Open Meetings", "Events", 8)+`,`+
			rlLabel("Leads", "Tasks", "Tasks", "Open Tasks", "Tasks", 9)+`,`+
			rl("Leads", "Entity_Cadences_leads", "Cadences", "", 10)+`]}`)
		var body struct {
			RelatedLists []map[string]any `json:"related_lists"`
		}
		res.decode(t, &body)
		for _, l := range body.RelatedLists {
			assertKeys(t, "related list "+l["api_name"].(string), l, "related_lists.json", "related_list")
		}
		e.do("GET", "/crm/v8/settings/related_lists?module=Tasks", e.adminToken("ZohoCRM.settings.ALL"), "").expect(t, 200,
			`{"related_lists":[`+rl("Tasks", "Notes", "Notes", "Notes", 1)+`,`+rl("Tasks", "Attachments", "Attachments", "Attachments", 2)+`]}`)
		e.do("GET", "/crm/v8/settings/related_lists", tok, "").expect(t, 400, `{"code":"REQUIRED_PARAM_MISSING","details":{"param_name":"module"},"message":"One of the expected parameter is missing","status":"error"}`)
		e.do("GET", "/crm/v8/settings/related_lists?module=Nothing", tok, "").expect(t, 400, `{"code":"INVALID_MODULE","details":{"param":"module"},"message":"the module name given seems to be invalid","status":"error"}`)
		e.do("GET", "/crm/v8/settings/related_lists?module=Leads", e.adminToken("ZohoCRM.settings.fields.ALL"), "").expect(t, 401, errScope)
	})
}

func TestListCustomViews(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		tok := e.adminToken("ZohoCRM.settings.custom_views.READ")
		cv := e.metaID(e.org.ID, catalog.KeyCustomView("Deals", "All"))
		// The list's items have the keys of Zoho's getCustomViews example (no criteria, fields or
		// sort: GET /settings/custom_views/{id} has them, internal/admin's TestCustomViewsFromFixture).
		e.do("GET", "/crm/v8/settings/custom_views?module=Deals", tok, "").expect(t, 200, `{"custom_views":[{"id":"`+cv+`","name":"All Deals",
			"display_value":"All Deals","system_name":"ALLVIEWS","default":true,"system_defined":true,"category":"public_views",
			"access_type":"public","locked":false,"created_by":null,"modified_by":null,"created_time":null,
			"modified_time":null,"last_accessed_time":null}],
			"info":{"per_page":200,"count":1,"page":1,"more_records":false,"default":"`+cv+`","translation":{"public_views":"Public Views",
			"other_users_views":"Other User's Views","shared_with_me":"Shared With Me","created_by_me":"Created By Me"}}}`)
		e.do("GET", "/crm/v8/settings/custom_views/"+cv+"?module=Deals", e.adminToken("ZohoCRM.settings.modules.ALL"), "").expect(t, 401, errScope)
		e.do("GET", "/crm/v8/settings/custom_views/"+cv+"?module=Nope", tok, "").expect(t, 400, `{"code":"INVALID_MODULE","details":{},"message":"the module name given seems to be invalid","status":"error"}`)
		e.do("GET", "/crm/v8/settings/custom_views", tok, "").expect(t, 400, `{"code":"REQUIRED_PARAM_MISSING","details":{"param_name":"module"},"message":"One of the expected parameter is missing","status":"error"}`)
		e.do("GET", "/crm/v8/settings/custom_views?module=Nope", tok, "").expect(t, 400, `{"code":"INVALID_MODULE","details":{},"message":"the module name given seems to be invalid","status":"error"}`)
		e.do("GET", "/crm/v8/settings/custom_views?module=Deals", e.adminToken("ZohoCRM.settings.modules.ALL"), "").expect(t, 401, errScope)
	})
}

// GET /settings/fields/{id}?module= and /settings/related_lists/{id}?module= (the official SDKs
// expose both) answer the one item of the module's list with that id, or 204; the list's errors
// and scopes apply.
func TestGetFieldAndRelatedList(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		tok := e.adminToken("ZohoCRM.settings.ALL")
		for _, c := range []struct{ list, key, id string }{
			{"fields", "fields", e.metaID(e.org.ID, catalog.KeyField("Leads", "Last_Name"))},
			{"related_lists", "related_lists", e.metaID(e.org.ID, catalog.KeyRelatedList("Leads", "Campaigns"))},
		} {
			var all map[string][]map[string]any
			e.do("GET", "/crm/v8/settings/"+c.list+"?module=Leads", tok, "").decode(t, &all)
			var want map[string]any
			for _, it := range all[c.key] {
				if it["id"] == c.id {
					want = it
				}
			}
			if want == nil {
				t.Fatalf("%s: no item %s in the list", c.list, c.id)
			}
			one, _ := json.Marshal(map[string]any{c.key: []any{want}})
			e.do("GET", "/crm/v8/settings/"+c.list+"/"+c.id+"?module=Leads", tok, "").expect(t, 200, string(one))
			e.do("GET", "/crm/v8/settings/"+c.list+"/111111111111111111?module=Leads", tok, "").expect(t, 204, "")
			e.do("GET", "/crm/v8/settings/"+c.list+"/"+c.id+"?module=Contacts", tok, "").expect(t, 204, "")
			e.do("GET", "/crm/v8/settings/"+c.list+"/"+c.id, tok, "").expect(t, 400, `{"code":"REQUIRED_PARAM_MISSING","details":{"param_name":"module"},"message":"One of the expected parameter is missing","status":"error"}`)
			e.do("GET", "/crm/v8/settings/"+c.list+"/"+c.id+"?module=Leads", e.adminToken("ZohoCRM.settings.custom_views.READ"), "").expect(t, 401, errScope)
		}
	})
}
