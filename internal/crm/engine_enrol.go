package crm

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/zcrm/zcrm/internal/catalog"
)

// Enrolment by custom view and un-enrolment by criteria (engine.go's package comment has the
// rules): the record hook InsertRecords and the update path call, the publish and activate
// hooks, and execute_every's evaluation ticks.

// EndCriteria is the end reason of an enrolment its cadence's criteria unenrol rule ended.
const EndCriteria = "criteria"

// weekAnchor is the Monday that weekly evaluation ticks count from (the Unix epoch was a Thursday).
var weekAnchor = time.Date(1970, 1, 5, 0, 0, 0, 0, time.UTC)

// evaluationTick is the first evaluation tick of a custom-view cadence at or after t: its
// execute_every {unit, period} counted from 00:00 UTC (hours, days) or Monday 00:00 UTC (weeks)
// of the epoch. "immediately", no execute_every and manual cadences: t itself.
func evaluationTick(c Cadence, t time.Time) time.Time {
	if c.Type != CadenceCustomView {
		return t
	}
	every, _ := c.ExecutionDetails["execute_every"].(map[string]any)
	period, _ := every["period"].(string)
	n := max(periodUnit(every["unit"]), 1)
	anchor, step := time.Unix(0, 0).UTC(), time.Duration(0)
	switch period {
	case "hours":
		step = time.Duration(n) * time.Hour
	case "days":
		step = time.Duration(n) * 24 * time.Hour
	case "weeks":
		anchor, step = weekAnchor, time.Duration(n)*7*24*time.Hour
	default:
		return t
	}
	k := (t.Sub(anchor) + step - 1) / step
	return anchor.Add(k * step)
}

// periodUnit reads a stored unit: a JSON number (json.Number once stored) or numeric text.
func periodUnit(v any) int {
	switch u := v.(type) {
	case float64:
		return int(u)
	case string:
		n, _ := strconv.Atoi(u)
		return n
	}
	if num, ok := numberOf(v); ok && num.IsInt() {
		return int(num.Num().Int64())
	}
	return 0
}

// enrolStart is when an enrolment's first follow-ups count from: its enrolment time, or for a
// custom-view cadence the evaluation tick after it (execute_every).
func enrolStart(c Cadence, e Enrollment) time.Time { return evaluationTick(c, e.EnrolledTime) }

// unenrolCriteria is the cadence's criteria unenrol rule compiled for module m, nil when it has
// none or its criteria object does not compile (a rule zcrm cannot read never un-enrols).
func unenrolCriteria(c Cadence, m catalog.Module) *Criteria {
	props, _ := c.ExecutionDetails["unenroll_properties"].([]any)
	for _, p := range props {
		prop, _ := p.(map[string]any)
		if prop["type"] != "criteria" {
			continue
		}
		details, _ := prop["details"].(map[string]any)
		crit, _, err := CompileViewCriteria(details["criteria"], m)
		if err != nil || crit == nil {
			return nil
		}
		return crit
	}
	return nil
}

// viewCriteria is the criteria of the cadence's custom view of m (nil for the built-in "All"
// view); ok is false when the view is gone.
func viewCriteria(ctx context.Context, tx Tx, org Org, m catalog.Module, viewID int64) (crit *Criteria, ok bool, err error) {
	v, builtin, err := viewOf(ctx, tx, org, m, viewID)
	if errors.Is(err, ErrNotFound) {
		return nil, false, nil
	}
	if err != nil || builtin {
		return nil, err == nil, err
	}
	sel, err := v.selection(m)
	if err != nil {
		return nil, false, err
	}
	return sel.Criteria, true, nil
}

// cadenceRecordsWritten is the engine's hook on record writes: recs are records of m just
// inserted (inserted) or updated, as stored. For each published, active cadence of m, an update
// that leaves a record matching the cadence's criteria unenrol rule ends its live enrolment, and a
// custom-view cadence enrols each record in its view that was never enrolled in it and does not
// match that rule. A module without such cadences costs one indexed query (EngineCadences).
func cadenceRecordsWritten(ctx context.Context, tx Tx, org Org, m catalog.Module, recs []Record, inserted bool) error {
	if !m.Cadences || len(recs) == 0 {
		return nil
	}
	cads, err := tx.EngineCadences(ctx, org.ID, m.APIName)
	if err != nil || len(cads) == 0 {
		return err
	}
	for _, c := range cads {
		out := unenrolCriteria(c, m)
		if out != nil && !inserted {
			var hit []int64
			for _, r := range recs {
				if out.Match(r) {
					hit = append(hit, r.ID)
				}
			}
			if err := tx.EndEnrollments(ctx, org.ID, []int64{c.ID}, hit, EndCriteria, c.CreatedBy); err != nil {
				return err
			}
		}
		if c.Type != CadenceCustomView {
			continue
		}
		in, ok, err := viewCriteria(ctx, tx, org, m, c.CustomViewID)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		var entered []int64
		for _, r := range recs {
			if in.Match(r) && (out == nil || !out.Match(r)) {
				entered = append(entered, r.ID)
			}
		}
		if len(entered) == 0 {
			continue
		}
		ever, err := tx.EverEnrolled(ctx, org.ID, c.ID, entered)
		if err != nil {
			return err
		}
		fresh := entered[:0]
		for _, id := range entered {
			if !ever[id] {
				fresh = append(fresh, id)
			}
		}
		if err := enrolByEngine(ctx, tx, c, fresh); err != nil {
			return err
		}
	}
	return nil
}

// enrolByEngine enrols the records in the cadence now, as the cadence's creator, and schedules
// their first follow-ups.
func enrolByEngine(ctx context.Context, tx Tx, c Cadence, recordIDs []int64) error {
	if len(recordIDs) == 0 {
		return nil
	}
	ids, err := tx.NewIDs(ctx, len(recordIDs))
	if err != nil {
		return err
	}
	now := tx.Now()
	es := make([]Enrollment, len(recordIDs))
	for i, r := range recordIDs {
		es[i] = Enrollment{ID: ids[i], OrgID: c.OrgID, CadenceID: c.ID, CadenceName: c.Name, Module: c.Module, RecordID: r,
			EnrolledTime: now, EnrolledBy: c.CreatedBy}
	}
	started, err := tx.Enroll(ctx, es)
	if err != nil {
		return err
	}
	return scheduleEnrolments(ctx, tx, []Cadence{c}, started)
}

// processExisting enrols the records already in an active custom-view cadence's view that were
// never enrolled in it and do not match its criteria unenrol rule: one SQL pass (ViewRecordIDs)
// in the caller's transaction.
func processExisting(ctx context.Context, tx Tx, org Org, c Cadence) error {
	if c.Type != CadenceCustomView || !c.Active {
		return nil
	}
	m, err := ResolveModule(ctx, tx, org, c.Module)
	if err != nil {
		return err
	}
	in, ok, err := viewCriteria(ctx, tx, org, m, c.CustomViewID)
	if err != nil || !ok {
		return err
	}
	ids, err := tx.ViewRecordIDs(ctx, org.ID, c.Module, c.ID, in, unenrolCriteria(c, m))
	if err != nil {
		return err
	}
	return enrolByEngine(ctx, tx, c, ids)
}

// afterPublish applies publish's process_existing_records: true enrols the records already in
// the view now when the published cadence is active (a merged edit of an active cadence), and at
// its next activation otherwise (a first publish leaves the cadence inactive).
func afterPublish(ctx context.Context, tx Tx, org Org, c Cadence, body map[string]any) error {
	list, _ := body["cadences"].([]any)
	if len(list) == 0 {
		return nil
	}
	item, _ := list[0].(map[string]any)
	if want, _ := item["process_existing_records"].(bool); !want {
		return nil
	}
	id := c.ID
	if c.DraftOf != 0 {
		id = c.DraftOf
	}
	pub, err := tx.Cadence(ctx, org.ID, id)
	if err != nil || pub.Type != CadenceCustomView {
		return err
	}
	if pub.Active {
		return processExisting(ctx, tx, org, pub)
	}
	return tx.MarkProcessExisting(ctx, org.ID, pub.ID)
}

// afterActivate enrols the records already in the view when the cadence's publish asked for it.
func afterActivate(ctx context.Context, tx Tx, org Org, id int64) error {
	marked, err := tx.TakeProcessExisting(ctx, org.ID, id)
	if err != nil || !marked {
		return err
	}
	c, err := tx.Cadence(ctx, org.ID, id)
	if err != nil {
		return err
	}
	return processExisting(ctx, tx, org, c)
}
