package crm

// Cadence analytics: GET /settings/automation/cadences/{id}/actions/analytics, as Zoho's v8
// getCadenceAnalytics (zoho/crm-oas v8.0/cadences/mds/examples/getCadenceAnalytics.md): one
// cadence with its follow-ups, each with an analytics object whose keys depend on its action type.
// Counts come from the engine's steps (engine.go), the Tasks and Calls records the steps made (as
// they are now) and the outbox. What zcrm settles where Zoho does not say:
//   - tasks: tasks_count the tasks made, completed_tasks_count those whose Status is Completed,
//     open_tasks_count the others still in the CRM, failed_tasks_count the runs that could not make
//     one; subject the task's Subject as the follow-up maps it (placeholders unfilled), else the
//     action's name.
//   - calls: calls_count the calls made; completed (Status, Call_Status or Outgoing_Call_Status
//     Completed), cancelled (Outgoing_Call_Status Cancelled), missed (Call_Type Missed), then
//     scheduled (Call_Start_Time not yet past) or overdue (past); failed the runs that could not
//     make one. created_calls_count counts calls a follow-up logged rather than scheduled: zcrm's
//     call follow-ups only schedule, so it is 0.
//   - emails: email_count and sent_email_count the emails sent (to the outbox), replied_email_count
//     those the record replied to, opened_email_count the same (a reply means it was opened; zcrm
//     sees no other opening), clicked_email_count 0, bounced_email_count those SMTP delivery
//     refused, unsent_email_count the runs without an address.
//   - WhatsApp: whatsapp_count and delivered_whatsapp_count the messages sent, failed the runs
//     without a number.
//   - follow_ups_executed_from and _till (ISO 8601, both or neither, from not after till) keep the
//     runs whose execution time is in [from, till]; filters {"field":{"api_name":
//     "follow_ups.action.type"},"comparator":"equal","value":<type>} keeps that type's follow-ups.
//     A filters value that is not a JSON object is INVALID_DATA {"param_name":"filters"}.
//   - A draft (never run) answers its follow-ups with zero counts; an unknown id is the sibling
//     actions' INVALID_DATA {"resource_path_index":3}.

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Analytics filter names and messages (getCadenceAnalytics' examples).
const (
	ParamExecutedFrom = "follow_ups_executed_from"
	ParamExecutedTill = "follow_ups_executed_till"
	ParamFilters      = "filters"

	filterField = "follow_ups.action.type"

	msgDependentParamMissing = "Dependent Param missing"
	msgFromParamInvalid      = "The given from param is invalid"
	msgInvalidDataType       = "invalid data type"
	msgValueGivenInvalid     = "The value given seems to be invalid"
)

// analyticsActionTypes are the action types filters takes, in its supported_values order.
var analyticsActionTypes = []string{"tasks", "schedule_call", "email_notifications", "whatsapp_message_notification"}

// AnalyticsQuery selects what analytics count: runs executed in [From, Till] (zero: no bound),
// follow-ups of ActionType ("" for all).
type AnalyticsQuery struct {
	From, Till time.Time
	ActionType string
}

// ParseAnalyticsQuery reads the query parameters of getCadenceAnalytics (get returns a
// parameter's value and whether it was given), in the order Zoho's examples suggest: the date
// pair, then filters.
func ParseAnalyticsQuery(get func(string) (string, bool)) (AnalyticsQuery, error) {
	var q AnalyticsQuery
	from, hasFrom := get(ParamExecutedFrom)
	till, hasTill := get(ParamExecutedTill)
	switch {
	case hasFrom && !hasTill:
		return q, NewError(http.StatusBadRequest, "DEPENDENT_PARAM_MISSING", msgDependentParamMissing,
			map[string]any{"dependee": map[string]any{"param_name": ParamExecutedTill}, "param_name": ParamExecutedFrom})
	case hasTill && !hasFrom:
		return q, NewError(http.StatusBadRequest, "DEPENDENT_PARAM_MISSING", msgDependentParamMissing,
			map[string]any{"dependee": map[string]any{"param_name": ParamExecutedFrom}, "param_name": ParamExecutedTill})
	case hasFrom:
		var err error
		if q.From, err = analyticsTime(ParamExecutedFrom, from); err != nil {
			return q, err
		}
		if q.Till, err = analyticsTime(ParamExecutedTill, till); err != nil {
			return q, err
		}
		if q.From.After(q.Till) {
			return q, ErrInvalidData(msgFromParamInvalid, map[string]any{"param_name": ParamExecutedFrom})
		}
	}
	if raw, ok := get(ParamFilters); ok {
		typ, err := analyticsFilter(raw)
		if err != nil {
			return q, err
		}
		q.ActionType = typ
	}
	return q, nil
}

// analyticsTime parses an ISO 8601 datetime parameter (with an offset, as Zoho writes them).
func analyticsTime(param, raw string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05-0700"} {
		if t, err := time.Parse(layout, raw); err == nil {
			return t, nil
		}
	}
	return time.Time{}, ErrInvalidData(msgInvalidDataType, map[string]any{"expected_data_type": "datetime", "param_name": param})
}

// analyticsFilter checks a filters object and returns the action type it keeps.
func analyticsFilter(raw string) (string, error) {
	var f map[string]any
	if err := json.Unmarshal([]byte(raw), &f); err != nil || f == nil {
		return "", ErrInvalidData(MsgInvalidData, map[string]any{"param_name": ParamFilters})
	}
	fieldPath := map[string]any{"api_name": "field", "json_path": "$.field"}
	apiPath := map[string]any{"api_name": "api_name", "json_path": "$.field.api_name"}
	field, ok := f["field"]
	if !ok {
		return "", NewError(http.StatusBadRequest, "EXPECTED_FIELD_MISSING", MsgSpecifyAtLeastOneField,
			map[string]any{"expected_fields": []any{fieldPath}})
	}
	fobj, _ := field.(map[string]any)
	name, present := fobj["api_name"]
	if !present || name == nil {
		return "", ErrMandatory(MsgRequiredFieldNotFound, map[string]any{"api_name": "api_name", "json_path": "$.field.api_name", "param_name": ParamFilters})
	}
	if s, _ := name.(string); s != filterField {
		return "", ErrInvalidData(MsgInvalidData, map[string]any{"expected_data_type": "text", "api_name": "api_name",
			"json_path": "$.field.api_name", "supported_values": []string{filterField}, "param_name": ParamFilters})
	}
	for _, k := range []string{"comparator", "value"} {
		if _, ok := f[k]; !ok {
			return "", NewError(http.StatusBadRequest, "DEPENDENT_FIELD_MISSING", MsgDependentFieldIsMissing,
				map[string]any{"dependee": fieldPath, "api_name": k, "json_path": "$." + k, "param_name": ParamFilters})
		}
	}
	mismatch := func(key string, supported []string) error {
		return NewError(http.StatusBadRequest, "DEPENDENT_MISMATCH", msgValueGivenInvalid, map[string]any{"dependee": apiPath,
			"api_name": key, "json_path": "$." + key, "supported_values": supported, "param_name": ParamFilters})
	}
	if f["comparator"] != "equal" {
		return "", mismatch("comparator", []string{"equal"})
	}
	value, _ := f["value"].(string)
	if !slices.Contains(analyticsActionTypes, value) {
		return "", mismatch("value", analyticsActionTypes)
	}
	return value, nil
}

// CadenceAnalyticsOut is one cadence of the analytics answer.
type CadenceAnalyticsOut struct {
	Module    ModuleRef           `json:"module"`
	Name      string              `json:"name"`
	FollowUps []FollowUpAnalytics `json:"follow_ups"`
	ID        string              `json:"id"`
	CreatedBy UserRef             `json:"created_by"`
}

// FollowUpAnalytics is one follow-up with its counts.
type FollowUpAnalytics struct {
	Analytics      any             `json:"analytics"`
	ParentFollowUp *FollowUpParent `json:"parent_follow_up"`
	Action         AnalyticsAction `json:"action"`
	ID             string          `json:"id"`
}

// FollowUpParent names a follow-up's parent: its id and action type.
type FollowUpParent struct {
	ID   string `json:"id"`
	Type string `json:"type"`
}

// AnalyticsAction is a follow-up's action as analytics show it: its template (emails) or message
// template (WhatsApp) when it names one, its name and type; WhatsApp actions also show their id,
// as in Zoho's example.
type AnalyticsAction struct {
	Template        any    `json:"template,omitempty"`
	MessageTemplate any    `json:"message_template,omitempty"`
	Name            string `json:"name"`
	ID              string `json:"id,omitempty"`
	Type            string `json:"type"`
}

// TaskAnalytics are a task follow-up's counts.
type TaskAnalytics struct {
	Open      int    `json:"open_tasks_count"`
	Failed    int    `json:"failed_tasks_count"`
	Subject   string `json:"subject"`
	Completed int    `json:"completed_tasks_count"`
	Tasks     int    `json:"tasks_count"`
}

// CallAnalytics are a call follow-up's counts.
type CallAnalytics struct {
	Created   int    `json:"created_calls_count"`
	Cancelled int    `json:"cancelled_calls_count"`
	Failed    int    `json:"failed_calls_count"`
	Completed int    `json:"completed_calls_count"`
	Scheduled int    `json:"scheduled_calls_count"`
	Subject   string `json:"subject"`
	Calls     int    `json:"calls_count"`
	Overdue   int    `json:"overdue_calls_count"`
	Missed    int    `json:"missed_calls_count"`
}

// EmailAnalytics are an email follow-up's counts.
type EmailAnalytics struct {
	Emails  int `json:"email_count"`
	Bounced int `json:"bounced_email_count"`
	Clicked int `json:"clicked_email_count"`
	Replied int `json:"replied_email_count"`
	Sent    int `json:"sent_email_count"`
	Unsent  int `json:"unsent_email_count"`
	Opened  int `json:"opened_email_count"`
}

// WhatsAppAnalytics are a WhatsApp follow-up's counts.
type WhatsAppAnalytics struct {
	Messages  int `json:"whatsapp_count"`
	Delivered int `json:"delivered_whatsapp_count"`
	Failed    int `json:"failed_whatsapp_count"`
}

// CadenceAnalytics returns the analytics of the org's cadence id: 400 INVALID_DATA
// {"resource_path_index":3} when the org has no such cadence.
func CadenceAnalytics(ctx context.Context, tx Tx, org Org, id int64, q AnalyticsQuery) (CadenceAnalyticsOut, error) {
	c, err := lookupCadence(ctx, tx, org.ID, id)
	if err != nil {
		return CadenceAnalyticsOut{}, err
	}
	env := newCadenceEnv(ctx, tx, org)
	out := CadenceAnalyticsOut{Name: c.Name, ID: FormatID(c.ID), FollowUps: []FollowUpAnalytics{}}
	if out.Module, err = env.moduleRef(c.Module); err != nil {
		return out, err
	}
	if out.CreatedBy, err = env.user(c.CreatedBy); err != nil {
		return out, err
	}
	steps, err := tx.CadenceSteps(ctx, org.ID, c.ID)
	if err != nil {
		return out, err
	}
	// The runs in the window, by follow-up, and what they made.
	runs := map[string][]Step{}
	var tasks, calls, messages []int64
	for _, s := range steps {
		if s.State != StepDone && s.State != StepFailed {
			continue
		}
		if !q.From.IsZero() && (s.Executed.Before(q.From) || s.Executed.After(q.Till)) {
			continue
		}
		runs[s.FollowUpID] = append(runs[s.FollowUpID], s)
	}
	for _, fu := range c.FollowUps {
		typ := actionType(fu)
		for _, s := range runs[followUpID(fu)] {
			if s.State != StepDone || s.ResultID == 0 {
				continue
			}
			switch typ {
			case "tasks":
				tasks = append(tasks, s.ResultID)
			case "schedule_call":
				calls = append(calls, s.ResultID)
			default:
				messages = append(messages, s.ResultID)
			}
		}
	}
	made, err := activityRecords(ctx, tx, org.ID, "Tasks", tasks)
	if err != nil {
		return out, err
	}
	callRecs, err := activityRecords(ctx, tx, org.ID, "Calls", calls)
	if err != nil {
		return out, err
	}
	maps := []map[int64]Record{made, callRecs}
	msgs, err := tx.MessagesByID(ctx, org.ID, messages)
	if err != nil {
		return out, err
	}
	now := tx.Now()
	for _, fu := range c.FollowUps {
		typ := actionType(fu)
		if q.ActionType != "" && typ != q.ActionType {
			continue
		}
		out.FollowUps = append(out.FollowUps, followUpAnalytics(c, fu, typ, runs[followUpID(fu)], maps, msgs, now))
	}
	return out, nil
}

func actionType(fu map[string]any) string {
	action, _ := fu["action"].(map[string]any)
	typ, _ := action["type"].(string)
	return typ
}

// activityRecords reads the org's Tasks or Calls records among ids, keyed by id (deleted ones are
// absent).
func activityRecords(ctx context.Context, tx Tx, orgID int64, module string, ids []int64) (map[int64]Record, error) {
	out := make(map[int64]Record, len(ids))
	for len(ids) > 0 {
		n := min(len(ids), 500)
		recs, err := tx.ListRecords(ctx, RecordQuery{OrgID: orgID, Module: module, IDs: ids[:n], Limit: n})
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			out[r.ID] = r
		}
		ids = ids[n:]
	}
	return out, nil
}

// followUpAnalytics counts one follow-up's runs. maps holds the Tasks and the Calls records made.
func followUpAnalytics(c Cadence, fu map[string]any, typ string, runs []Step, maps []map[int64]Record, msgs map[int64]Message, now time.Time) FollowUpAnalytics {
	action, _ := fu["action"].(map[string]any)
	details, _ := action["details"].(map[string]any)
	name, _ := action["name"].(string)
	out := FollowUpAnalytics{ID: followUpID(fu), Action: AnalyticsAction{Name: name, Type: typ}}
	if p := parentOf(c.FollowUps, fu); p != nil {
		out.ParentFollowUp = &FollowUpParent{ID: followUpID(p), Type: actionType(p)}
	}
	switch typ {
	case "email_notifications":
		out.Action.Template = firstPresent(action["template"], details["template"])
	case "whatsapp_message_notification":
		out.Action.MessageTemplate = firstPresent(action["message_template"], details["message_template"])
		out.Action.ID, _ = action["id"].(string)
	}
	done, failed := 0, 0
	for _, s := range runs {
		if s.State == StepDone {
			done++
		} else {
			failed++
		}
	}
	switch typ {
	case "tasks":
		a := TaskAnalytics{Tasks: done, Failed: failed, Subject: mappedSubject(action, c)}
		for _, s := range runs {
			if r, ok := maps[0][s.ResultID]; ok && s.State == StepDone {
				if r.Data["Status"] == "Completed" {
					a.Completed++
				} else {
					a.Open++
				}
			}
		}
		out.Analytics = a
	case "schedule_call":
		a := CallAnalytics{Calls: done, Failed: failed, Subject: mappedSubject(action, c)}
		for _, s := range runs {
			r, ok := maps[1][s.ResultID]
			if !ok || s.State != StepDone {
				continue
			}
			switch {
			case r.Data["Status"] == "Completed" || r.Data["Call_Status"] == "Completed" || r.Data["Outgoing_Call_Status"] == "Completed":
				a.Completed++
			case r.Data["Outgoing_Call_Status"] == "Cancelled":
				a.Cancelled++
			case r.Data["Call_Type"] == "Missed":
				a.Missed++
			default:
				start, _ := r.Data["Call_Start_Time"].(string)
				if t, err := time.Parse(time.RFC3339, start); err == nil && t.Before(now) {
					a.Overdue++
				} else {
					a.Scheduled++
				}
			}
		}
		out.Analytics = a
	case "email_notifications":
		a := EmailAnalytics{Emails: done, Sent: done, Unsent: failed}
		for _, s := range runs {
			m, ok := msgs[s.ResultID]
			if !ok || s.State != StepDone {
				continue
			}
			if !m.Replied.IsZero() {
				a.Replied++
				a.Opened++
			}
			if strings.HasPrefix(m.Delivery, "failed") {
				a.Bounced++
			}
		}
		out.Analytics = a
	default:
		out.Analytics = WhatsAppAnalytics{Messages: done, Delivered: done, Failed: failed}
	}
	return out
}

// mappedSubject is the Subject a task or call follow-up maps (static), else its action's name,
// else the cadence's name, as the engine names what it makes.
func mappedSubject(action map[string]any, c Cadence) string {
	for _, raw := range fieldMappings(action) {
		fm, _ := raw.(map[string]any)
		field, _ := fm["field"].(map[string]any)
		if v, ok := fm["value"].(string); ok && field["api_name"] == "Subject" {
			return v
		}
	}
	name, _ := action["name"].(string)
	return firstNonEmpty(name, c.Name)
}

func firstPresent(vs ...any) any {
	for _, v := range vs {
		if v != nil {
			return v
		}
	}
	return nil
}

// parentOf is the follow-up fu's parent_follow_up names (by id or reference_id, as
// childFollowUps reads it), nil for a root.
func parentOf(fus []map[string]any, fu map[string]any) map[string]any {
	p, _ := fu["parent_follow_up"].(map[string]any)
	if p == nil {
		return nil
	}
	for _, cand := range fus {
		if pid, ok := jsonID(p["id"]); ok && FormatID(pid) == followUpID(cand) ||
			p["reference_id"] != nil && p["reference_id"] == cand["reference_id"] {
			return cand
		}
	}
	return nil
}
