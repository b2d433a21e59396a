package client

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
)

// Module describes a CRM module (GET /settings/modules). Raw holds every key of the answer.
type Module struct {
	ID            string `json:"id"`
	APIName       string `json:"api_name"`
	ModuleName    string `json:"module_name"`
	SingularLabel string `json:"singular_label"`
	PluralLabel   string `json:"plural_label"`
	APISupported  bool   `json:"api_supported"`
	// GeneratedType is default, custom, web, linking or subform.
	GeneratedType string `json:"generated_type"`
	Creatable     bool   `json:"creatable"`
	Editable      bool   `json:"editable"`
	Deletable     bool   `json:"deletable"`
	Viewable      bool   `json:"viewable"`
	Status        string `json:"status"`
	// Fields and RelatedLists come with Module (one module), not with Modules.
	Fields       []Field        `json:"fields,omitempty"`
	RelatedLists []RelatedList  `json:"related_lists,omitempty"`
	Raw          map[string]any `json:"-"`
}

// UnmarshalJSON fills the typed fields and Raw.
func (m *Module) UnmarshalJSON(b []byte) error {
	type plain Module
	if err := json.Unmarshal(b, (*plain)(m)); err != nil {
		return err
	}
	return decodeJSON(b, &m.Raw)
}

// Field describes a module's field (GET /settings/fields). Raw holds every key of the answer.
type Field struct {
	ID           string `json:"id"`
	APIName      string `json:"api_name"`
	FieldLabel   string `json:"field_label"`
	DisplayLabel string `json:"display_label"`
	// DataType is text, email, lookup, picklist, datetime, …
	DataType        string          `json:"data_type"`
	JSONType        string          `json:"json_type"`
	Length          int             `json:"length"`
	SystemMandatory bool            `json:"system_mandatory"`
	CustomField     bool            `json:"custom_field"`
	ReadOnly        bool            `json:"read_only"`
	Lookup          *FieldLookup    `json:"lookup,omitempty"`
	PickListValues  []PickListValue `json:"pick_list_values,omitempty"`
	Raw             map[string]any  `json:"-"`
}

// UnmarshalJSON fills the typed fields and Raw.
func (f *Field) UnmarshalJSON(b []byte) error {
	type plain Field
	if err := json.Unmarshal(b, (*plain)(f)); err != nil {
		return err
	}
	return decodeJSON(b, &f.Raw)
}

// FieldLookup is a lookup field's target; empty for other fields.
type FieldLookup struct {
	APIName      string     `json:"api_name,omitempty"`
	DisplayLabel string     `json:"display_label,omitempty"`
	ID           string     `json:"id,omitempty"`
	Module       *ModuleRef `json:"module,omitempty"`
}

// PickListValue is one choice of a picklist field.
type PickListValue struct {
	DisplayValue string `json:"display_value"`
	ActualValue  string `json:"actual_value"`
	ID           string `json:"id,omitempty"`
}

// RelatedList describes a related list of a module (GET /settings/related_lists). Raw holds every
// key of the answer.
type RelatedList struct {
	ID           string `json:"id"`
	APIName      string `json:"api_name"`
	Name         string `json:"name"`
	DisplayLabel string `json:"display_label"`
	// Module is the related module; nil for lists that are not a module (e.g. cadences).
	Module *ModuleRef `json:"module"`
	// Href is the list's path pattern, e.g. Leads/{ENTITYID}/Notes.
	Href   string         `json:"href"`
	Type   string         `json:"type"`
	Status string         `json:"status"`
	Raw    map[string]any `json:"-"`
}

// UnmarshalJSON fills the typed fields and Raw.
func (r *RelatedList) UnmarshalJSON(b []byte) error {
	type plain RelatedList
	if err := json.Unmarshal(b, (*plain)(r)); err != nil {
		return err
	}
	return decodeJSON(b, &r.Raw)
}

// CustomView describes a module's list view (GET /settings/custom_views). Raw holds every key of
// the answer.
type CustomView struct {
	ID            string         `json:"id"`
	Name          string         `json:"name"`
	DisplayValue  string         `json:"display_value"`
	SystemName    string         `json:"system_name"`
	Default       bool           `json:"default"`
	SystemDefined bool           `json:"system_defined"`
	Category      string         `json:"category"`
	AccessType    string         `json:"access_type"`
	Module        *ModuleRef     `json:"module,omitempty"`
	Raw           map[string]any `json:"-"`
}

// UnmarshalJSON fills the typed fields and Raw.
func (v *CustomView) UnmarshalJSON(b []byte) error {
	type plain CustomView
	if err := json.Unmarshal(b, (*plain)(v)); err != nil {
		return err
	}
	return decodeJSON(b, &v.Raw)
}

// User is a CRM user (GET /users). Raw holds every key of the answer.
type User struct {
	ID        string         `json:"id"`
	Email     string         `json:"email"`
	FirstName string         `json:"first_name"`
	LastName  string         `json:"last_name"`
	FullName  string         `json:"full_name"`
	Status    string         `json:"status"`
	Profile   Ref            `json:"profile"`
	Role      Ref            `json:"role"`
	Raw       map[string]any `json:"-"`
}

// UnmarshalJSON fills the typed fields and Raw.
func (u *User) UnmarshalJSON(b []byte) error {
	type plain User
	if err := json.Unmarshal(b, (*plain)(u)); err != nil {
		return err
	}
	return decodeJSON(b, &u.Raw)
}

// Org is the caller's organisation (GET /org). Raw holds every key of the answer.
type Org struct {
	ID           string         `json:"id"`
	ZGID         string         `json:"zgid"`
	CompanyName  string         `json:"company_name"`
	PrimaryEmail string         `json:"primary_email"`
	TimeZone     string         `json:"time_zone"`
	Type         string         `json:"type"`
	Raw          map[string]any `json:"-"`
}

// UnmarshalJSON fills the typed fields and Raw.
func (o *Org) UnmarshalJSON(b []byte) error {
	type plain Org
	if err := json.Unmarshal(b, (*plain)(o)); err != nil {
		return err
	}
	return decodeJSON(b, &o.Raw)
}

// Modules lists the org's modules: GET /settings/modules (scope ZohoCRM.settings.modules.READ).
func (c *Client) Modules(ctx context.Context) ([]Module, error) {
	var w struct {
		Modules []Module `json:"modules"`
	}
	_, err := c.read(ctx, "settings/modules", nil, nil, &w)
	return w.Modules, err
}

// Module describes one module with its fields and related lists: GET /settings/modules/{api_name}.
// An unknown module is an *APIError (INVALID_MODULE).
func (c *Client) Module(ctx context.Context, apiName string) (*Module, error) {
	var w struct {
		Modules []Module `json:"modules"`
	}
	status, err := c.read(ctx, "settings/modules/"+pathOf(apiName), nil, nil, &w)
	if err != nil {
		return nil, err
	}
	if status != http.StatusOK || len(w.Modules) == 0 {
		return nil, ErrNotFound
	}
	return &w.Modules[0], nil
}

// Fields lists a module's fields: GET /settings/fields?module=… (scope
// ZohoCRM.settings.fields.READ).
func (c *Client) Fields(ctx context.Context, module string) ([]Field, error) {
	var w struct {
		Fields []Field `json:"fields"`
	}
	_, err := c.read(ctx, "settings/fields", url.Values{"module": {module}}, nil, &w)
	return w.Fields, err
}

// RelatedLists lists a module's related lists: GET /settings/related_lists?module=… (scope
// ZohoCRM.settings.related_lists.READ).
func (c *Client) RelatedLists(ctx context.Context, module string) ([]RelatedList, error) {
	var w struct {
		RelatedLists []RelatedList `json:"related_lists"`
	}
	_, err := c.read(ctx, "settings/related_lists", url.Values{"module": {module}}, nil, &w)
	return w.RelatedLists, err
}

// CustomViews lists a module's list views: GET /settings/custom_views?module=… (scope
// ZohoCRM.settings.custom_views.READ).
func (c *Client) CustomViews(ctx context.Context, module string) ([]CustomView, error) {
	var w struct {
		CustomViews []CustomView `json:"custom_views"`
	}
	_, err := c.read(ctx, "settings/custom_views", url.Values{"module": {module}}, nil, &w)
	return w.CustomViews, err
}

// UserListOptions filter GET /users. Zero values are left out.
type UserListOptions struct {
	// Type is AllUsers (default), ActiveUsers, AdminUsers, CurrentUser, …
	Type string
	// IDs restricts the answer to these users.
	IDs []string
	// Page and PerPage select a page.
	Page, PerPage int
}

// UserPage is one page of users: {"users":[…],"info":{…}}.
type UserPage struct {
	Users []User `json:"users"`
	Info  Info   `json:"info"`
}

// Users lists the org's users: GET /users (scope ZohoCRM.users.READ). None (HTTP 204) is an empty
// page.
func (c *Client) Users(ctx context.Context, opts *UserListOptions) (*UserPage, error) {
	q := url.Values{}
	if opts != nil {
		setStr(q, "type", opts.Type)
		if len(opts.IDs) > 0 {
			q.Set("ids", strings.Join(opts.IDs, ","))
		}
		setInt(q, "page", opts.Page)
		setInt(q, "per_page", opts.PerPage)
	}
	var p UserPage
	if _, err := c.read(ctx, "users", q, nil, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// CountUsers counts the org's users of a type (as Users takes it; "" is every user): GET
// /users/actions/count.
func (c *Client) CountUsers(ctx context.Context, typ string) (int, error) {
	q := url.Values{}
	setStr(q, "type", typ)
	var out struct {
		Count int `json:"count"`
	}
	if _, err := c.read(ctx, "users/actions/count", q, nil, &out); err != nil {
		return 0, err
	}
	return out.Count, nil
}

// User reads one user: GET /users/{id}. An unknown id is ErrNotFound.
func (c *Client) User(ctx context.Context, id string) (*User, error) {
	return c.oneUser(ctx, "users/"+pathOf(id), nil)
}

// CurrentUser returns the user the token acts as: GET /users?type=CurrentUser.
func (c *Client) CurrentUser(ctx context.Context) (*User, error) {
	return c.oneUser(ctx, "users", url.Values{"type": {"CurrentUser"}})
}

func (c *Client) oneUser(ctx context.Context, path string, q url.Values) (*User, error) {
	var p UserPage
	status, err := c.read(ctx, path, q, nil, &p)
	if err != nil {
		return nil, err
	}
	if status != http.StatusOK || len(p.Users) == 0 {
		return nil, ErrNotFound
	}
	return &p.Users[0], nil
}

// Org returns the caller's organisation: GET /org (scope ZohoCRM.org.READ).
func (c *Client) Org(ctx context.Context) (*Org, error) {
	var w struct {
		Org []Org `json:"org"`
	}
	status, err := c.read(ctx, "org", nil, nil, &w)
	if err != nil {
		return nil, err
	}
	if status != http.StatusOK || len(w.Org) == 0 {
		return nil, ErrNotFound
	}
	return &w.Org[0], nil
}
