package crm

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/zcrm/zcrm/internal/catalog"
)

// EnrolRecords enrols (enrol true) or un-enrols the records of a {"cadences_ids":[…],"ids":[…]}
// body in module. The whole request is checked first, in this order: MANDATORY_NOT_FOUND (a key
// missing, null or empty), INVALID_DATA for a key that is not an array or an element that is not an
// id string or number, LIMIT_EXCEEDED (more than 5 cadence ids and/or 100 record ids: limit_due_to
// lists every overflowing array and limit is the first one's limit), then every cadence id: unknown
// (or a draft copy) or of another module → INVALID_DATA, not a manual-enrolment cadence →
// NOT_ALLOWED, and for enrolment not active → NOT_ALLOWED. Then each distinct record id, in request
// order, gets one item: SUCCESS, or INVALID_DATA for an id that is not a record of module in the org.
// Both directions are idempotent.
func EnrolRecords(ctx context.Context, tx Tx, actor Actor, module catalog.Module, body map[string]any, enrol bool) ([]Item, error) {
	cadRaw, idsRaw, err := enrolArrays(body)
	if err != nil {
		return nil, err
	}
	cadences, err := enrolCadences(ctx, tx, actor.Org, module, cadRaw, enrol)
	if err != nil {
		return nil, err
	}
	refs := make([]any, len(cadences))
	cadIDs := make([]int64, len(cadences))
	for i, c := range cadences {
		refs[i] = map[string]any{"name": c.Name, "id": FormatID(c.ID)}
		cadIDs[i] = c.ID
	}

	// One slot per distinct id, in request order; unparsable ids are distinct by their text.
	type slot struct {
		index int
		id    int64 // 0 when not an id
	}
	var slots []slot
	seen := map[string]bool{}
	var parsed []int64
	for i, raw := range idsRaw {
		id, ok := jsonID(raw)
		key := fmt.Sprint(raw)
		if ok {
			key = FormatID(id)
		}
		if seen[key] {
			continue
		}
		seen[key] = true
		slots = append(slots, slot{i, id})
		if ok {
			parsed = append(parsed, id)
		}
	}
	found, err := tx.ExistingRecordIDs(ctx, actor.Org.ID, module.APIName, parsed)
	if err != nil {
		return nil, err
	}
	message := MsgRecordsUnenrolled
	if enrol {
		message = MsgRecordsEnrolled
	}
	items := make([]Item, len(slots))
	var records []int64
	for n, s := range slots {
		if _, ok := found[s.id]; !ok || s.id == 0 {
			items[n] = ErrInvalidData(MsgGivenIDInvalidItem, APIPath("ids", fmt.Sprintf("$.ids[%d]", s.index))).Item()
			continue
		}
		records = append(records, s.id)
		items[n] = Success(message, map[string]any{"cadences": refs, "id": FormatID(s.id)})
	}
	if len(records) == 0 {
		return items, nil
	}
	if !enrol {
		return items, tx.EndEnrollments(ctx, actor.Org.ID, cadIDs, records, EndManual, actor.User.ID)
	}
	ids, err := tx.NewIDs(ctx, len(records)*len(cadences))
	if err != nil {
		return nil, err
	}
	now := tx.Now()
	es := make([]Enrollment, 0, len(ids))
	for _, c := range cadences {
		for _, r := range records {
			es = append(es, Enrollment{ID: ids[len(es)], OrgID: actor.Org.ID, CadenceID: c.ID, CadenceName: c.Name,
				Module: module.APIName, RecordID: r, EnrolledTime: now, EnrolledBy: actor.User.ID})
		}
	}
	started, err := tx.Enroll(ctx, es)
	if err != nil {
		return nil, err
	}
	return items, scheduleEnrolments(ctx, tx, cadences, started)
}

// enrolArrays returns the two arrays of an enrolment body once their presence, types and sizes
// are right.
func enrolArrays(body map[string]any) (cads, ids []any, err error) {
	type key struct{ api, missing string }
	keys := []key{{"cadences_ids", MsgCadenceIDsNotFound}, {"ids", MsgRecordIDsNotFound}}
	arrays := make([][]any, len(keys))
	for _, k := range keys {
		raw := body[k.api]
		if list, ok := raw.([]any); raw == nil || (ok && len(list) == 0) {
			return nil, nil, ErrMandatory(k.missing, APIPath(k.api, "$."+k.api))
		}
	}
	for n, k := range keys {
		list, ok := body[k.api].([]any)
		if !ok {
			return nil, nil, ErrInvalidData(k.missing, map[string]any{"expected_data_type": "jsonarray", "api_name": k.api, "json_path": "$." + k.api})
		}
		for i, v := range list {
			if !isIDType(v) {
				return nil, nil, ErrInvalidData(MsgGivenIDInvalid, map[string]any{"expected_data_type": "bigint", "api_name": k.api,
					"json_path": fmt.Sprintf("$.%s[%d]", k.api, i)})
			}
		}
		arrays[n] = list
	}
	cads, ids = arrays[0], arrays[1]
	var due []any
	limit := 0
	var over []string
	if len(cads) > MaxEnrolCadences {
		due = append(due, APIPath("cadences_ids", "$.cadences_ids"))
		limit = MaxEnrolCadences
		over = append(over, fmt.Sprintf("%d cadences ids", MaxEnrolCadences)) // sic, Zoho's v8 example
	}
	if len(ids) > MaxEnrolRecords {
		due = append(due, APIPath("ids", "$.ids"))
		if limit == 0 {
			limit = MaxEnrolRecords
		}
		over = append(over, fmt.Sprintf("%d record ids", MaxEnrolRecords))
	}
	if len(due) > 0 {
		msg := "Limit Exceeded, You cannot give more than " + over[0]
		if len(over) > 1 {
			msg += " and " + over[1]
		}
		return nil, nil, NewError(http.StatusBadRequest, "LIMIT_EXCEEDED", msg, map[string]any{"limit": limit, "limit_due_to": due})
	}
	return cads, ids, nil
}

// enrolCadences resolves the distinct cadence ids, in request order, checking each rule over all
// of them before the next rule.
func enrolCadences(ctx context.Context, tx Tx, org Org, module catalog.Module, raw []any, enrol bool) ([]Cadence, error) {
	var ids []int64
	for _, v := range raw {
		if id, ok := jsonID(v); ok {
			ids = append(ids, id)
		}
	}
	byID, err := tx.CadencesByID(ctx, org.ID, Dedupe(ids))
	if err != nil {
		return nil, err
	}
	at := func(i int) map[string]any { return APIPath("cadences_ids", fmt.Sprintf("$.cadences_ids[%d]", i)) }
	cads := make([]Cadence, len(raw))
	for i, v := range raw {
		id, _ := jsonID(v)
		c, ok := byID[id]
		if !ok || c.DraftOf != 0 {
			return nil, ErrInvalidData(MsgGivenIDInvalid, at(i))
		}
		cads[i] = c
	}
	for i, c := range cads {
		if c.Module != module.APIName {
			return nil, ErrInvalidData(MsgGivenIDInvalid, at(i))
		}
	}
	for i, c := range cads {
		if c.Type != CadenceManual {
			return nil, NewError(http.StatusBadRequest, "NOT_ALLOWED", MsgNotManualEnrolmentCadence, at(i))
		}
	}
	if enrol {
		for i, c := range cads {
			if !c.Active {
				return nil, NewError(http.StatusBadRequest, "NOT_ALLOWED", MsgCadenceNotActive, at(i))
			}
		}
	}
	out := make([]Cadence, 0, len(cads))
	seen := map[int64]bool{}
	for _, c := range cads {
		if !seen[c.ID] {
			seen[c.ID] = true
			out = append(out, c)
		}
	}
	return out, nil
}

// RecordCadenceTimeLayout is how a record's cadence rows write times: the records' ISO 8601 form
// with a colon in the offset, in UTC.
const RecordCadenceTimeLayout = "2006-01-02T15:04:05-07:00"

// RecordCadenceRow is one row of a record's Entity_Cadences_<module> related list: one enrolment.
// id and name are the cadence's; status is "enrolled" while it lasts, then "unenrolled".
// next_follow_up (null when none) and follow_ups are zcrm's additions: the enrolment's progress
// (engine_progress.go).
type RecordCadenceRow struct {
	ID             string         `json:"id"`
	Name           string         `json:"name"`
	Status         string         `json:"status"`
	EnrolledTime   string         `json:"enrolled_time"`
	UnenrolledTime *string        `json:"unenrolled_time"`
	NextFollowUp   *NextFollowUp  `json:"next_follow_up"`
	FollowUps      *FollowUpTally `json:"follow_ups"`
}

// RecordCadences returns one page of the record's enrolments, newest first, and whether more
// follow. An unknown record is 400 INVALID_DATA "the related id given seems to be invalid"
// (resource_path_index 1); a module without cadences has no such list (INVALID_DATA, index 2).
func RecordCadences(ctx context.Context, tx Tx, org Org, module catalog.Module, recordID int64, page, perPage int) ([]RecordCadenceRow, bool, error) {
	if !module.Cadences {
		return nil, false, ErrPathID(MsgRelationNameGivenInvalid, 2)
	}
	if _, err := tx.Record(ctx, org.ID, module.APIName, recordID); err != nil {
		if errors.Is(err, ErrNotFound) {
			return nil, false, ErrPathID(MsgRelatedIDGivenInvalid, 1)
		}
		return nil, false, err
	}
	es, err := tx.RecordEnrollments(ctx, org.ID, recordID, perPage+1, (page-1)*perPage)
	if err != nil {
		return nil, false, err
	}
	more := len(es) > perPage
	if more {
		es = es[:perPage]
	}
	rows := make([]RecordCadenceRow, len(es))
	for i, e := range es {
		rows[i] = RecordCadenceRow{ID: FormatID(e.CadenceID), Name: e.CadenceName, Status: "enrolled",
			EnrolledTime: e.EnrolledTime.UTC().Format(RecordCadenceTimeLayout)}
		if !e.Live() {
			t := e.EndedTime.UTC().Format(RecordCadenceTimeLayout)
			rows[i].Status, rows[i].UnenrolledTime = "unenrolled", &t
		}
	}
	return rows, more, enrolmentProgress(ctx, tx, org.ID, es, rows)
}
