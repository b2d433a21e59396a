package client

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Cadence types as create and get-by-id spell them (the list spells them "Manual enrollment" and
// "Custom view").
const (
	CadenceManualEnrollment = "manual_enrollment"
	CadenceCustomView       = "custom_view"
)

// Cadence is a cadence definition as Get Cadences (list form) and Get a Cadence (by id) return it.
type Cadence struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Description string    `json:"description,omitempty"`
	Module      ModuleRef `json:"module"`
	// Type is "Manual enrollment" or "Custom view" in lists, manual_enrollment or custom_view by id.
	Type string `json:"type"`
	// CustomView is the view a custom-view cadence enrols from; nil for manual enrolment.
	CustomView *Ref `json:"custom_view"`
	// Active says whether the cadence currently runs; Published whether a live version exists.
	Active    bool `json:"active"`
	Published bool `json:"published"`
	// Status is active, inactive or draft.
	Status           string            `json:"status"`
	Summary          *CadenceSummary   `json:"summary,omitempty"`
	ExecutionDetails *ExecutionDetails `json:"execution_details"`
	// FollowUps, DraftCadence and ParentCadence come with Get a Cadence.
	FollowUps     []FollowUp `json:"follow_ups,omitempty"`
	DraftCadence  *Ref       `json:"draft_cadence,omitempty"`
	ParentCadence *Ref       `json:"parent_cadence,omitempty"`
	// CreatedTime and ModifiedTime are Zoho times (see ParseTime).
	CreatedTime  string `json:"created_time,omitempty"`
	ModifiedTime string `json:"modified_time,omitempty"`
	CreatedBy    *Ref   `json:"created_by,omitempty"`
	ModifiedBy   *Ref   `json:"modified_by,omitempty"`
}

// CadenceSummary counts a cadence's follow-ups by kind.
type CadenceSummary struct {
	TaskFollowUpCount     int `json:"task_follow_up_count"`
	CallFollowUpCount     int `json:"call_follow_up_count"`
	EmailFollowUpCount    int `json:"email_follow_up_count"`
	WhatsappFollowUpCount int `json:"whatsapp_follow_up_count,omitempty"`
}

// ExecutionDetails says how often a cadence runs and when records leave it.
type ExecutionDetails struct {
	ExecuteEvery      *Interval `json:"execute_every,omitempty"`
	AutomaticUnenroll bool      `json:"automatic_unenroll,omitempty"`
	EndDate           string    `json:"end_date,omitempty"`
	Type              string    `json:"type,omitempty"`
	// UnenrollProperties are the un-enrolment rules. The list form's single object
	// {"end_date","type"} is read as one property whose Details hold end_date.
	UnenrollProperties []UnenrollProperty `json:"unenroll_properties,omitempty"`
}

// UnmarshalJSON reads unenroll_properties in both of Zoho's shapes (object and array).
func (e *ExecutionDetails) UnmarshalJSON(b []byte) error {
	type plain ExecutionDetails
	var raw struct {
		plain
		Type               *string         `json:"type"`
		UnenrollProperties json.RawMessage `json:"unenroll_properties"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*e = ExecutionDetails(raw.plain)
	if raw.Type != nil {
		e.Type = *raw.Type
	}
	up := strings.TrimSpace(string(raw.UnenrollProperties))
	switch {
	case up == "" || up == "null":
	case up[0] == '{':
		var one struct {
			EndDate string  `json:"end_date"`
			Type    *string `json:"type"`
		}
		if err := json.Unmarshal(raw.UnenrollProperties, &one); err != nil {
			return err
		}
		p := UnenrollProperty{Details: map[string]any{"end_date": one.EndDate}}
		if one.Type != nil {
			p.Type = *one.Type
		}
		e.UnenrollProperties = []UnenrollProperty{p}
	default:
		if err := json.Unmarshal(raw.UnenrollProperties, &e.UnenrollProperties); err != nil {
			return err
		}
	}
	return nil
}

// UnenrollProperty is one un-enrolment rule: type automatic_unenroll, end_date (details
// {"unenroll_date":…}), criteria or followup_criteria.
type UnenrollProperty struct {
	ID      string         `json:"id,omitempty"`
	Type    string         `json:"type"`
	Details map[string]any `json:"details,omitempty"`
}

// Interval is a {unit, period} duration, e.g. {1, "days"}.
type Interval struct {
	Unit   int    `json:"unit"`
	Period string `json:"period"`
	ID     string `json:"id,omitempty"`
}

// FollowUp is one step of a cadence.
type FollowUp struct {
	ID string `json:"id,omitempty"`
	// ReferenceID names the step within a create or update request so others can follow it.
	ReferenceID    string          `json:"reference_id,omitempty"`
	ParentFollowUp *FollowUpRef    `json:"parent_follow_up,omitempty"`
	ExecuteAfter   *Interval       `json:"execute_after,omitempty"`
	Action         *FollowUpAction `json:"action,omitempty"`
	Triggers       []any           `json:"triggers,omitempty"`
}

// FollowUpRef points at the step a follow-up comes after, by id or by reference_id.
type FollowUpRef struct {
	ID          string `json:"id,omitempty"`
	ReferenceID string `json:"reference_id,omitempty"`
	Type        string `json:"type,omitempty"`
}

// FollowUpAction is what a step does: type tasks, email_notifications, schedule_call or
// whatsapp_message_notification.
type FollowUpAction struct {
	Type    string         `json:"type"`
	ID      string         `json:"id,omitempty"`
	Details map[string]any `json:"details,omitempty"`
}

// CadenceInput is a cadence to create or the changes to make to one. Zero fields are left out.
type CadenceInput struct {
	// ID names the cadence in UpdateCadences (bulk); leave it empty elsewhere.
	ID          string     `json:"id,omitempty"`
	Name        string     `json:"name,omitempty"`
	Description string     `json:"description,omitempty"`
	Module      *ModuleRef `json:"module,omitempty"`
	// Type is CadenceManualEnrollment or CadenceCustomView.
	Type             string            `json:"type,omitempty"`
	CustomView       *Ref              `json:"custom_view,omitempty"`
	ExecutionDetails *ExecutionDetails `json:"execution_details,omitempty"`
	FollowUps        []FollowUp        `json:"follow_ups,omitempty"`
}

// CadenceListOptions filter Get Cadences. Zero values are left out.
type CadenceListOptions struct {
	// Module keeps cadences of this module (api name).
	Module string
	// Active, when set, keeps active (true) or inactive (false) cadences.
	Active *bool
	// Name is a criteria JSON on the name; see NameCriteria.
	Name string
	// Fields names the keys to return, e.g. name.
	Fields []string
	// Page and PerPage select a page (default per_page 50).
	Page, PerPage int
}

// NameCriteria builds the name filter of CadenceListOptions: comparator is equal, not_equal,
// contains, not_contains, starts_with or ends_with.
func NameCriteria(comparator, value string) string {
	b, _ := json.Marshal(map[string]any{"field": map[string]string{"api_name": "name"}, "comparator": comparator, "value": value})
	return string(b)
}

func (o *CadenceListOptions) query() url.Values {
	q := url.Values{}
	if o == nil {
		return q
	}
	setStr(q, "module", o.Module)
	if o.Active != nil {
		q.Set("active", strconv.FormatBool(*o.Active))
	}
	setStr(q, "name", o.Name)
	if len(o.Fields) > 0 {
		q.Set("fields", strings.Join(o.Fields, ","))
	}
	setInt(q, "page", o.Page)
	setInt(q, "per_page", o.PerPage)
	return q
}

// CadencePage is one page of Get Cadences: {"cadences":[…],"info":{…}}.
type CadencePage struct {
	Cadences []Cadence `json:"cadences"`
	Info     Info      `json:"info"`
}

const cadencesPath = "settings/automation/cadences"

// Cadences lists the org's cadences: GET /settings/automation/cadences (scope
// ZohoCRM.settings.cadences.READ; Enterprise edition and above). No cadences (HTTP 204) is an
// empty page.
func (c *Client) Cadences(ctx context.Context, opts *CadenceListOptions) (*CadencePage, error) {
	var p CadencePage
	if _, err := c.read(ctx, cadencesPath, opts.query(), nil, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// Cadence reads one cadence with its follow-ups: GET /settings/automation/cadences/{id}. An
// unknown id (HTTP 204) is ErrNotFound.
func (c *Client) Cadence(ctx context.Context, id string) (*Cadence, error) {
	var p CadencePage
	status, err := c.read(ctx, cadencesPath+"/"+pathOf(id), nil, nil, &p)
	if err != nil {
		return nil, err
	}
	if status != http.StatusOK || len(p.Cadences) == 0 {
		return nil, ErrNotFound
	}
	return &p.Cadences[0], nil
}

// CreateCadence creates a draft cadence: POST /settings/automation/cadences. The item's ID is
// the new cadence's id.
func (c *Client) CreateCadence(ctx context.Context, in CadenceInput) (Item, error) {
	return c.item(ctx, http.MethodPost, cadencesPath, nil, map[string]any{"cadences": []CadenceInput{in}}, "cadences")
}

// UpdateCadence changes a cadence: PUT /settings/automation/cadences/{id}. Editing a published
// cadence creates a draft copy (details.draft_cadence).
func (c *Client) UpdateCadence(ctx context.Context, id string, in CadenceInput) (Item, error) {
	in.ID = ""
	return c.item(ctx, http.MethodPut, cadencesPath+"/"+pathOf(id), nil, map[string]any{"cadences": []CadenceInput{in}}, "cadences")
}

// UpdateCadences changes cadences named by their ID: PUT /settings/automation/cadences.
func (c *Client) UpdateCadences(ctx context.Context, in ...CadenceInput) (Results, error) {
	if in == nil {
		in = []CadenceInput{}
	}
	ids := make([]string, len(in))
	for i, x := range in {
		ids[i] = x.ID
	}
	return c.itemsFor(ctx, http.MethodPut, cadencesPath, nil, map[string]any{"cadences": in}, "cadences", ids)
}

// DeleteCadence deletes a cadence: DELETE /settings/automation/cadences/{id}.
func (c *Client) DeleteCadence(ctx context.Context, id string) (Item, error) {
	return c.item(ctx, http.MethodDelete, cadencesPath+"/"+pathOf(id), nil, nil, "cadences")
}

// PublishCadence publishes a draft: POST …/cadences/{id}/actions/publish. processExisting asks a
// custom-view cadence to enrol the view's existing records too (manual cadences refuse the key,
// so false sends none). A first publication leaves the cadence published but inactive.
func (c *Client) PublishCadence(ctx context.Context, id string, processExisting bool) (Item, error) {
	body := map[string]any{"cadences": []any{}}
	if processExisting {
		body["cadences"] = []any{map[string]bool{"process_existing_records": true}}
	}
	return c.cadenceAction(ctx, id, "publish", body)
}

// ActivateCadence starts a published cadence: POST …/cadences/{id}/actions/activate.
// An active one is ErrAlreadyActivated.
func (c *Client) ActivateCadence(ctx context.Context, id string) (Item, error) {
	return c.cadenceAction(ctx, id, "activate", map[string]any{})
}

// DeactivateCadence stops a cadence: POST …/cadences/{id}/actions/deactivate. An inactive one is
// ErrAlreadyDeactivated.
func (c *Client) DeactivateCadence(ctx context.Context, id string) (Item, error) {
	return c.cadenceAction(ctx, id, "deactivate", nil)
}

func (c *Client) cadenceAction(ctx context.Context, id, action string, body any) (Item, error) {
	return c.item(ctx, http.MethodPost, cadencesPath+"/"+pathOf(id)+"/actions/"+action, nil, body, "cadences")
}

// enrolment is the body of enrol and un-enrol.
type enrolment struct {
	CadencesIDs []string `json:"cadences_ids"`
	IDs         []string `json:"ids"`
}

// EnrolInCadences enrols records of module in manual-enrolment cadences:
// POST /{module}/actions/enrol_in_cadences (at most 5 cadences and 100 records). One item per
// record id; Item.Refs("cadences") names the cadences it joined.
func (c *Client) EnrolInCadences(ctx context.Context, module string, cadenceIDs, recordIDs []string) (Results, error) {
	return c.itemsFor(ctx, http.MethodPost, pathOf(module)+"/actions/enrol_in_cadences", nil, enrolment{nonNilIDs(cadenceIDs), nonNilIDs(recordIDs)}, "data", recordIDs)
}

// UnenrolFromCadences un-enrols records of module from manual-enrolment cadences:
// POST /{module}/actions/unenrol_from_cadences (at most 5 cadences and 100 records; scope
// ZohoCRM.modules.ALL or .CREATE). One item per record id, "records manually unenrolled" with
// Item.Refs("cadences") naming the cadences it left; an unknown record id is an INVALID_DATA item
// ({"api_name":"ids","json_path":"$.ids[i]"}) and makes the answer 207 (or 400 if none succeeded).
// An unknown cadence id fails the whole request with an *APIError.
func (c *Client) UnenrolFromCadences(ctx context.Context, module string, cadenceIDs, recordIDs []string) (Results, error) {
	return c.itemsFor(ctx, http.MethodPost, pathOf(module)+"/actions/unenrol_from_cadences", nil, enrolment{nonNilIDs(cadenceIDs), nonNilIDs(recordIDs)}, "data", recordIDs)
}

func nonNilIDs(ids []string) []string {
	if ids == nil {
		return []string{}
	}
	return ids
}

// Refs reads details[key] as a list of {name, id} references, such as the cadences of an enrol
// or un-enrol item.
func (it Item) Refs(key string) []Ref {
	list, _ := it.Details[key].([]any)
	var out []Ref
	for _, v := range list {
		if m, ok := v.(map[string]any); ok {
			out = append(out, Ref{Name: detailString(m, "name"), ID: detailString(m, "id")})
		}
	}
	return out
}
