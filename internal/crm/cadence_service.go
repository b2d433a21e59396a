package crm

// Cadences: definitions, their lifecycle and record enrolment. Where Zoho's documents are silent
// zcrm chooses, and the tests pin, the following:
//   - Create takes exactly one cadence; PUT /settings/automation/cadences up to 100 (one item each,
//     207 when mixed). Body-level problems (no "cadences" array, too many) are single errors;
//     problems with one cadence are error items under "cadences" (400 when all fail).
//   - A wrong JSON type is INVALID_DATA "Invalid data type" with expected_data_type and the real
//     JSON path ($.cadences[0].name, not Zoho's "$.cadences[*].cadences.name").
//   - Module and type are fixed at create (update ignores them); a manual cadence refuses a
//     custom_view (DEPENDENT_MISMATCH); a module without cadences is INVALID_DATA.
//   - Follow-ups are stored as given plus ids: every follow-up and every action without one gets an
//     id, and so does every unenrol rule. A parent_follow_up names another follow-up of the same
//     list by reference_id or id; cycles are INVALID_DATA. reference_id is needed unless the
//     follow-up gives the id of one the cadence already has.
//   - Editing a published cadence makes (then reuses) one draft copy; its name is checked against
//     the other cadences but only taken when publish merges it. Publish on the cadence or its copy
//     merges; publish on a published cadence without a copy is NOT_ALLOWED. Deleting a copy
//     discards the edit. Activating a cadence never published is NOT_ALLOWED "Only published
//     Cadences can be activated"; deactivating one that is not active is ALREADY_DEACTIVATED.
//   - The activation limits (30 per module, 150 per org) are checked on activate only: publish
//     leaves a first-time draft inactive and a merge keeps the cadence's state.
//   - Get Cadences: summary has exactly the seed's three counts (WhatsApp follow-ups count in
//     none); custom_view.id is a JSON number as in the seed and cadences.json, while Get a Cadence
//     writes ids as strings (v8 form); times are UTC in the seed's "-0700" layout; description is
//     listed only when set; the list form of execution_details is derived from the stored rules.
//   - Enrolment: see EnrolRecords. Enrolling needs an active cadence ("the given cadence is not
//     active", NOT_ALLOWED); un-enrolling works in any manual cadence. Data-sharing rules do not
//     apply: the Enroll/UnEnroll Series permissions govern enrolment.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Cadence types, as stored and as create and Get a Cadence spell them.
const (
	CadenceManual     = "manual_enrollment"
	CadenceCustomView = "custom_view"
)

// Cadence limits.
const (
	MaxCadenceName        = 100
	MaxCadenceDescription = 500
	MaxFollowUps          = 100
	MaxActivePerModule    = 30
	MaxActivePerOrg       = 150
	MaxEnrolCadences      = 5
	MaxEnrolRecords       = 100
)

// Cadence is a cadence definition. A published cadence being edited has a draft copy: a second row
// whose DraftOf is the published cadence's id, merged into it on publish.
type Cadence struct {
	ID           int64
	OrgID        int64
	Name         string
	Module       string // module api name
	Type         string // CadenceManual or CadenceCustomView
	CustomViewID int64  // 0 for manual cadences
	Description  string // "" when unset
	// ExecutionDetails is the stored execution_details object (execute_every, unenroll_properties
	// with ids), nil when unset.
	ExecutionDetails map[string]any
	// FollowUps are the follow-ups as given, each with its "id" and its action's "id".
	FollowUps    []map[string]any
	Active       bool
	Published    bool
	DraftOf      int64
	CreatedBy    int64
	ModifiedBy   int64
	CreatedTime  time.Time
	ModifiedTime time.Time
}

// Status is the cadence's status string: draft until published, then active or inactive.
func (c Cadence) Status() string {
	switch {
	case c.DraftOf != 0 || !c.Published:
		return "draft"
	case c.Active:
		return "active"
	}
	return "inactive"
}

// ErrCadenceID is 400 INVALID_DATA for an unknown cadence id in the path.
func ErrCadenceID() *Error { return ErrPathID(MsgGivenIDInvalid, 3) }

// lookupCadence returns the org's cadence id, or ErrCadenceID when it has none.
func lookupCadence(ctx context.Context, tx Tx, orgID, id int64) (Cadence, error) {
	c, err := tx.Cadence(ctx, orgID, id)
	if errors.Is(err, ErrNotFound) {
		return Cadence{}, ErrCadenceID()
	}
	return c, err
}

// GetCadence returns a cadence in Get a Cadence's form; found is false for an unknown id.
func GetCadence(ctx context.Context, tx Tx, org Org, id int64) (detail CadenceDetail, found bool, err error) {
	c, err := tx.Cadence(ctx, org.ID, id)
	if errors.Is(err, ErrNotFound) {
		return CadenceDetail{}, false, nil
	}
	if err != nil {
		return CadenceDetail{}, false, err
	}
	env := newCadenceEnv(ctx, tx, org)
	var draft, parent *CadenceRef
	if c.DraftOf != 0 {
		p, err := tx.Cadence(ctx, org.ID, c.DraftOf)
		if err != nil {
			return CadenceDetail{}, false, err
		}
		parent = &CadenceRef{Name: p.Name, ID: FormatID(p.ID)}
	} else if c.Published {
		d, err := tx.CadenceDraft(ctx, org.ID, c.ID)
		if err == nil {
			draft = &CadenceRef{Name: d.Name, ID: FormatID(d.ID)}
		} else if !errors.Is(err, ErrNotFound) {
			return CadenceDetail{}, false, err
		}
	}
	detail, err = env.detail(c, draft, parent)
	return detail, err == nil, err
}

// CadenceQuery holds Get Cadences' parameters.
type CadenceQuery struct {
	Module string // "" for every module
	Active *bool
	// Name is the name parameter: a criteria JSON such as
	// {"field":{"api_name":"name"},"comparator":"starts_with","value":"On"}; "" for none.
	Name string
	// Fields, when not empty, limits each listed cadence to these keys (and its id).
	Fields  []string
	Page    int
	PerPage int
	// StringIDs writes a custom view's id as a JSON string, as v8 does (listItem).
	StringIDs bool
}

var nameComparators = []string{"equal", "not_equal", "contains", "not_contains", "starts_with", "ends_with"}

// parseNameCriteria reads the name parameter: UNABLE_TO_PARSE_DATA_TYPE when it is not a JSON
// object, INVALID_DATA {"param_name":"name"} when it is not a criterion on name.
func parseNameCriteria(raw string) (*NameCriterion, error) {
	var c struct {
		Field struct {
			APIName string `json:"api_name"`
		} `json:"field"`
		Comparator string `json:"comparator"`
		Value      any    `json:"value"`
	}
	if err := json.Unmarshal([]byte(raw), &c); err != nil {
		return nil, ErrUnparsable()
	}
	v, ok := c.Value.(string)
	if !strings.EqualFold(c.Field.APIName, "name") || !slices.Contains(nameComparators, c.Comparator) || !ok {
		return nil, ErrInvalidData(MsgInvalidData, map[string]any{"param_name": "name"})
	}
	return &NameCriterion{Comparator: c.Comparator, Value: v}, nil
}

// onlyFields keeps the listed keys of a list item, and its id.
func onlyFields(item CadenceListItem, fields []string) (map[string]any, error) {
	b, err := json.Marshal(item)
	if err != nil {
		return nil, err
	}
	var all map[string]any
	if err := json.Unmarshal(b, &all); err != nil {
		return nil, err
	}
	out := map[string]any{"id": all["id"]}
	for _, f := range fields {
		if v, ok := all[f]; ok {
			out[f] = v
		}
	}
	return out, nil
}

// ListCadences returns one page of the org's cadences (draft copies aside), oldest first. An
// unknown module, or one without cadences, is 400 INVALID_DATA {"param_name":"module"}.
func ListCadences(ctx context.Context, tx Tx, org Org, q CadenceQuery) (CadencePage, error) {
	f := CadenceFilter{Active: q.Active}
	if q.Module != "" {
		m, err := ResolveModule(ctx, tx, org, q.Module)
		if errors.Is(err, ErrNotFound) || (err == nil && (!m.Cadences || !m.APISupported)) {
			return CadencePage{}, ErrInvalidData(MsgGivenModuleNotExist, map[string]any{"param_name": "module"})
		}
		if err != nil {
			return CadencePage{}, err
		}
		f.Module = m.APIName
	}
	if q.Name != "" {
		crit, err := parseNameCriteria(q.Name)
		if err != nil {
			return CadencePage{}, err
		}
		f.Name = crit
	}
	rows, err := tx.Cadences(ctx, org.ID, f, q.PerPage+1, (q.Page-1)*q.PerPage)
	if err != nil {
		return CadencePage{}, err
	}
	more := len(rows) > q.PerPage
	if more {
		rows = rows[:q.PerPage]
	}
	env := newCadenceEnv(ctx, tx, org)
	page := CadencePage{Cadences: make([]any, 0, len(rows)),
		Info: CadencePageInfo{PerPage: q.PerPage, Count: len(rows), Page: q.Page, MoreRecords: more}}
	for _, c := range rows {
		item, err := env.listItem(c, q.StringIDs)
		if err != nil {
			return CadencePage{}, err
		}
		if len(q.Fields) == 0 {
			page.Cadences = append(page.Cadences, item)
			continue
		}
		only, err := onlyFields(item, q.Fields)
		if err != nil {
			return CadencePage{}, err
		}
		page.Cadences = append(page.Cadences, only)
	}
	return page, nil
}

// CreateCadence creates the one cadence of a create body as a draft. Body-level problems are
// returned as the error; problems with the cadence itself as an error item (400 under "cadences").
func CreateCadence(ctx context.Context, tx Tx, actor Actor, body map[string]any) (Item, error) {
	list, err := cadenceItems(body, 1)
	if err != nil {
		return Item{}, err
	}
	const base = "$.cadences[0]"
	item, ok := list[0].(map[string]any)
	if !ok {
		return errType("cadences", base, "jsonobject").Item(), nil
	}
	r := &cadenceReader{ctx: ctx, tx: tx, env: newCadenceEnv(ctx, tx, actor.Org), base: base}
	in, e, err := r.read(item, nil)
	if e != nil || err != nil {
		return itemOf(e), err
	}
	if e, err := r.nameFree(*in.name, 0, 0); e != nil || err != nil {
		return itemOf(e), err
	}
	c, err := insertDraft(ctx, tx, r, actor, in)
	if err != nil {
		return Item{}, err
	}
	id := c.ID
	fus := make([]any, len(c.FollowUps))
	for i, fu := range c.FollowUps {
		action, _ := fu["action"].(map[string]any)
		fus[i] = map[string]any{"id": fu["id"], "action": map[string]any{"id": action["id"], "type": action["type"]}}
	}
	return Success(MsgCadenceCreated, map[string]any{"id": FormatID(id), "follow_ups": fus}), nil
}

// insertDraft stores a new draft cadence of actor's org made of a read create (or clone) body.
func insertDraft(ctx context.Context, tx Tx, r *cadenceReader, actor Actor, in *cadenceInput) (Cadence, error) {
	id, err := tx.NewID(ctx)
	if err != nil {
		return Cadence{}, err
	}
	now := tx.Now()
	c := Cadence{ID: id, OrgID: actor.Org.ID, Module: in.module.APIName, Type: in.typ, CreatedBy: actor.User.ID,
		ModifiedBy: actor.User.ID, CreatedTime: now, ModifiedTime: now}
	if err := r.apply(&c, in); err != nil {
		return Cadence{}, err
	}
	if err := tx.InsertCadence(ctx, c); err != nil {
		if errors.Is(err, ErrDuplicate) {
			// Only a concurrent create gets here (the name was checked before). The failed statement
			// has spoilt the transaction, so the whole request fails rather than one item.
			return Cadence{}, errDuplicateName(r.base)
		}
		return Cadence{}, err
	}
	return c, nil
}

// MaxCadenceUpdates is how many cadences one PUT /settings/automation/cadences may change.
const MaxCadenceUpdates = 100

// UpdateCadence applies the one cadence of a PUT /settings/automation/cadences/{id} body to the
// cadence id (400 INVALID_DATA, resource_path_index 3, when the org has none). Editing a published
// cadence edits its draft copy, made on the first edit; publish merges it back.
func UpdateCadence(ctx context.Context, tx Tx, actor Actor, body map[string]any, id int64) (Item, error) {
	c, err := lookupCadence(ctx, tx, actor.Org.ID, id)
	if err != nil {
		return Item{}, err
	}
	list, err := cadenceItems(body, 1)
	if err != nil {
		return Item{}, err
	}
	return updateOne(ctx, tx, actor, list[0], "$.cadences[0]", &c)
}

// UpdateCadences applies every element of a PUT /settings/automation/cadences body, each naming
// its cadence by "id", and answers one item per element, in order.
func UpdateCadences(ctx context.Context, tx Tx, actor Actor, body map[string]any) ([]Item, error) {
	list, err := cadenceItems(body, MaxCadenceUpdates)
	if err != nil {
		return nil, err
	}
	items := make([]Item, len(list))
	for i, raw := range list {
		if items[i], err = updateOne(ctx, tx, actor, raw, fmt.Sprintf("$.cadences[%d]", i), nil); err != nil {
			return nil, err
		}
	}
	return items, nil
}

// updateOne applies one update element at JSON path base to c, or, when c is nil, to the cadence
// the element names by "id".
func updateOne(ctx context.Context, tx Tx, actor Actor, raw any, base string, c *Cadence) (Item, error) {
	item, ok := raw.(map[string]any)
	if !ok {
		return errType("cadences", base, "jsonobject").Item(), nil
	}
	if c == nil {
		rawID, ok := item["id"]
		if !ok || rawID == nil {
			return errMandatoryField("id", base+".id").Item(), nil
		}
		id, ok := jsonID(rawID)
		var found Cadence
		if ok {
			var err error
			found, err = tx.Cadence(ctx, actor.Org.ID, id)
			if err != nil && !errors.Is(err, ErrNotFound) {
				return Item{}, err
			}
			ok = err == nil
		}
		if !ok {
			return ErrInvalidData(MsgGivenIDInvalid, APIPath("id", base+".id")).Item(), nil
		}
		c = &found
	}
	parentID := c.ID
	target := *c
	isNewDraft := false
	switch {
	case c.DraftOf != 0:
		parentID = c.DraftOf
	case c.Published:
		d, err := tx.CadenceDraft(ctx, actor.Org.ID, c.ID)
		switch {
		case err == nil:
			target = d
		case errors.Is(err, ErrNotFound):
			target.ID, target.DraftOf, target.Active, target.Published = 0, c.ID, false, false
			target.CreatedBy, target.CreatedTime = actor.User.ID, tx.Now()
			isNewDraft = true
		default:
			return Item{}, err
		}
	}
	r := &cadenceReader{ctx: ctx, tx: tx, env: newCadenceEnv(ctx, tx, actor.Org), base: base}
	in, e, err := r.read(item, &target)
	if e != nil || err != nil {
		return itemOf(e), err
	}
	if in.name != nil {
		if e, err := r.nameFree(*in.name, parentID, target.ID); e != nil || err != nil {
			return itemOf(e), err
		}
	}
	if err := r.apply(&target, in); err != nil {
		return Item{}, err
	}
	target.ModifiedBy, target.ModifiedTime = actor.User.ID, tx.Now()
	if isNewDraft {
		if target.ID, err = tx.NewID(ctx); err != nil {
			return Item{}, err
		}
		err = tx.InsertCadence(ctx, target)
	} else {
		err = tx.UpdateCadence(ctx, target)
	}
	if errors.Is(err, ErrDuplicate) {
		// As in CreateCadence: only a concurrent writer gets here, and the request fails whole.
		return Item{}, errDuplicateName(base)
	}
	if err != nil {
		return Item{}, err
	}
	details := map[string]any{"id": FormatID(target.ID)}
	if target.DraftOf != 0 {
		details = map[string]any{"draft_cadence": map[string]any{"id": FormatID(target.ID)}, "id": FormatID(target.DraftOf)}
	}
	return Success(MsgCadenceUpdated, details), nil
}

// DeleteCadence deletes a cadence with its draft copy and ends its live enrolments (the history
// stays). Deleting a draft copy discards the pending edit only.
func DeleteCadence(ctx context.Context, tx Tx, actor Actor, id int64) (Item, error) {
	c, err := lookupCadence(ctx, tx, actor.Org.ID, id)
	if err != nil {
		return Item{}, err
	}
	if c.DraftOf == 0 {
		if err := tx.EndCadenceEnrollments(ctx, actor.Org.ID, c.ID, EndCadenceDeleted, actor.User.ID); err != nil {
			return Item{}, err
		}
	}
	if err := tx.DeleteCadence(ctx, actor.Org.ID, c.ID); err != nil {
		return Item{}, err
	}
	return Success(MsgCadenceDeleted, map[string]any{"id": FormatID(c.ID)}), nil
}

// Cadence lifecycle actions.
const (
	ActionPublish    = "publish"
	ActionActivate   = "activate"
	ActionDeactivate = "deactivate"
)

// IsCadenceAction reports whether action names a lifecycle action (case-sensitive, as in the path).
func IsCadenceAction(action string) bool {
	return action == ActionPublish || action == ActionActivate || action == ActionDeactivate
}

// CadenceAction runs a lifecycle action: publish (a first-time draft becomes published and
// inactive; a published cadence's draft copy is merged into it), activate, deactivate.
func CadenceAction(ctx context.Context, tx Tx, actor Actor, id int64, action string, body map[string]any) (Item, error) {
	c, err := lookupCadence(ctx, tx, actor.Org.ID, id)
	if err != nil {
		return Item{}, err
	}
	switch action {
	case ActionPublish:
		item, err := publishCadence(ctx, tx, actor, c, body)
		if err != nil || !item.OK() {
			return item, err
		}
		return item, afterPublish(ctx, tx, actor.Org, c, body) // process_existing_records (engine_enrol.go)
	case ActionActivate:
		item, err := activateCadence(ctx, tx, actor, c)
		if err != nil || !item.OK() {
			return item, err
		}
		return item, afterActivate(ctx, tx, actor.Org, c.ID)
	case ActionDeactivate:
		if c.DraftOf != 0 || !c.Active {
			return Item{}, NewError(http.StatusBadRequest, "ALREADY_DEACTIVATED", MsgCadenceAlreadyDeactivated, nil)
		}
		c.Active = false
		return touchCadence(ctx, tx, actor, c, MsgCadenceDeactivated)
	}
	return Item{}, ErrURLPattern()
}

func touchCadence(ctx context.Context, tx Tx, actor Actor, c Cadence, message string) (Item, error) {
	c.ModifiedBy, c.ModifiedTime = actor.User.ID, tx.Now()
	if err := tx.UpdateCadence(ctx, c); err != nil {
		return Item{}, err
	}
	return Success(message, map[string]any{"id": FormatID(c.ID)}), nil
}

func errNotAllowed(message string) *Error {
	return NewError(http.StatusBadRequest, "NOT_ALLOWED", message, nil)
}

func publishCadence(ctx context.Context, tx Tx, actor Actor, c Cadence, body map[string]any) (Item, error) {
	if e := publishOptions(body, c); e != nil {
		return e.Item(), nil
	}
	draft, parent := c, c
	switch {
	case c.DraftOf != 0:
		p, err := tx.Cadence(ctx, actor.Org.ID, c.DraftOf)
		if err != nil {
			return Item{}, err
		}
		parent = p
	case c.Published:
		d, err := tx.CadenceDraft(ctx, actor.Org.ID, c.ID)
		if errors.Is(err, ErrNotFound) {
			return Item{}, errNotAllowed(MsgOnlyDraftsMerge)
		}
		if err != nil {
			return Item{}, err
		}
		draft = d
	}
	if len(draft.FollowUps) == 0 {
		return Item{}, errNotAllowed(MsgPublishNeedsFollowUp)
	}
	if draft.ID == parent.ID {
		c.Published, c.Active = true, false
		return touchCadence(ctx, tx, actor, c, MsgCadencePublished)
	}
	// Merge the draft copy into the published cadence; it keeps its id, state and enrolments.
	merged := parent
	merged.Name, merged.CustomViewID, merged.Description = draft.Name, draft.CustomViewID, draft.Description
	merged.ExecutionDetails, merged.FollowUps = draft.ExecutionDetails, draft.FollowUps
	if err := tx.DeleteCadence(ctx, actor.Org.ID, draft.ID); err != nil {
		return Item{}, err
	}
	item, err := touchCadence(ctx, tx, actor, merged, MsgCadencePublished)
	if errors.Is(err, ErrDuplicate) {
		return Item{}, NewError(http.StatusBadRequest, "DUPLICATE_DATA", MsgCadenceNameExists, APIPath("name", "$.cadences[0].name"))
	}
	return item, err
}

// publishOptions checks publish's optional body {"cadences":[{"process_existing_records":bool}]}.
// Manual cadences take no process_existing_records; nothing else is read from it.
func publishOptions(body map[string]any, c Cadence) *Error {
	list, _ := body["cadences"].([]any)
	if len(list) == 0 {
		return nil
	}
	item, _ := list[0].(map[string]any)
	v, ok := item["process_existing_records"]
	if !ok {
		return nil
	}
	const api, path = "process_existing_records", "$.cadences[0].process_existing_records"
	if c.Type == CadenceManual {
		return NewError(http.StatusBadRequest, "NOT_ALLOWED", MsgManualNoProcessExisting, APIPath(api, path))
	}
	if _, ok := v.(bool); !ok {
		return errType(api, path, "boolean")
	}
	return nil
}

func activateCadence(ctx context.Context, tx Tx, actor Actor, c Cadence) (Item, error) {
	if c.Active {
		return Item{}, NewError(http.StatusBadRequest, "ALREADY_ACTIVATED", MsgCadenceAlreadyActivated, map[string]any{"resource_path_index": 3})
	}
	if c.DraftOf != 0 || !c.Published {
		return Item{}, errNotAllowed(MsgOnlyPublishedActivate)
	}
	n, err := tx.CountActiveCadences(ctx, actor.Org.ID, c.Module)
	if err != nil {
		return Item{}, err
	}
	if n >= MaxActivePerModule {
		return Item{}, NewError(http.StatusBadRequest, "LIMIT_EXCEEDED", MsgActivePerModuleLimit, map[string]any{"limit": MaxActivePerModule})
	}
	if n, err = tx.CountActiveCadences(ctx, actor.Org.ID, ""); err != nil {
		return Item{}, err
	}
	if n >= MaxActivePerOrg {
		return Item{}, NewError(http.StatusBadRequest, "LIMIT_EXCEEDED", MsgActivePerOrgLimit, map[string]any{"limit": MaxActivePerOrg})
	}
	c.Active = true
	return touchCadence(ctx, tx, actor, c, MsgCadenceActivated)
}

// cadenceItems returns the elements of a body's "cadences" array: 1 to max of them.
func cadenceItems(body map[string]any, max int) ([]any, error) {
	raw, ok := body["cadences"]
	if !ok || raw == nil {
		return nil, ErrMandatory(MsgRequiredFieldNotFound, APIPath("cadences", "$.cadences"))
	}
	list, ok := raw.([]any)
	if !ok {
		return nil, errType("cadences", "$.cadences", "jsonarray")
	}
	if len(list) == 0 {
		return nil, ErrMandatory(MsgRequiredFieldNotFound, APIPath("cadences", "$.cadences"))
	}
	if len(list) > max {
		return nil, NewError(http.StatusBadRequest, "LIMIT_EXCEEDED", fmt.Sprintf("Limit Exceeded, You cannot give more than %d cadences", max),
			map[string]any{"limit": max, "api_name": "cadences", "json_path": "$.cadences"})
	}
	return list, nil
}

func itemOf(e *Error) Item {
	if e == nil {
		return Item{}
	}
	return e.Item()
}
