package crm

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/zcrm/zcrm/internal/catalog"
)

// Trigger names a waiting follow-up's event.
const (
	TriggerCompleted = "Completed"
	TriggerReplied   = "Replied"
)

// scheduleEnrolments schedules what new enrolments run first: each cadence's root follow-ups at
// the enrolment time (a custom-view cadence: its next evaluation tick, enrolStart) plus their execute_after, and its end-date step when it has that rule.
func scheduleEnrolments(ctx context.Context, tx Tx, cadences []Cadence, es []Enrollment) error {
	var steps []Step
	for _, c := range cadences {
		roots := rootFollowUps(c.FollowUps)
		end, hasEnd := endDate(c)
		for _, e := range es {
			if e.CadenceID != c.ID {
				continue
			}
			for _, fu := range roots {
				steps = append(steps, Step{OrgID: e.OrgID, EnrollmentID: e.ID, FollowUpID: followUpID(fu), CadenceID: c.ID,
					RecordID: e.RecordID, State: StepPending, Due: addPeriod(enrolStart(c, e), fu["execute_after"])})
			}
			if hasEnd {
				steps = append(steps, Step{OrgID: e.OrgID, EnrollmentID: e.ID, FollowUpID: StepEndDate, CadenceID: c.ID,
					RecordID: e.RecordID, State: StepPending, Due: end})
			}
		}
	}
	if len(steps) == 0 {
		return nil
	}
	return tx.InsertSteps(ctx, steps)
}

func followUpID(fu map[string]any) string { s, _ := fu["id"].(string); return s }

// rootFollowUps are the follow-ups without a parent.
func rootFollowUps(fus []map[string]any) []map[string]any {
	var out []map[string]any
	for _, fu := range fus {
		if p, _ := fu["parent_follow_up"].(map[string]any); p == nil {
			out = append(out, fu)
		}
	}
	return out
}

// childFollowUps are the follow-ups whose parent is fu (named by its id or its reference_id).
func childFollowUps(fus []map[string]any, fu map[string]any) []map[string]any {
	id, ref := followUpID(fu), fu["reference_id"]
	var out []map[string]any
	for _, c := range fus {
		p, _ := c["parent_follow_up"].(map[string]any)
		if p == nil {
			continue
		}
		if pid, ok := jsonID(p["id"]); ok && FormatID(pid) == id || ref != nil && p["reference_id"] == ref {
			out = append(out, c)
		}
	}
	return out
}

// endDate is the cadence's end_date unenrol rule's date, 00:00 UTC.
func endDate(c Cadence) (time.Time, bool) {
	props, _ := c.ExecutionDetails["unenroll_properties"].([]any)
	for _, p := range props {
		prop, _ := p.(map[string]any)
		if prop["type"] != "end_date" {
			continue
		}
		details, _ := prop["details"].(map[string]any)
		raw, _ := details["unenroll_date"].(string)
		for _, layout := range []string{"2006-01-02", "01/02/2006"} {
			if t, err := time.Parse(layout, raw); err == nil {
				return t, true
			}
		}
	}
	return time.Time{}, false
}

// hasRule reports whether the cadence has the unenrol rule of that type.
func hasRule(c Cadence, typ string) bool {
	props, _ := c.ExecutionDetails["unenroll_properties"].([]any)
	for _, p := range props {
		if prop, _ := p.(map[string]any); prop["type"] == typ {
			return true
		}
	}
	return false
}

// addPeriod is t plus a follow-up's {"unit","period"} (nil: t).
func addPeriod(t time.Time, after any) time.Time {
	a, _ := after.(map[string]any)
	if a == nil {
		return t
	}
	n := 0
	switch u := a["unit"].(type) {
	case float64:
		n = int(u)
	case string:
		n, _ = strconv.Atoi(u)
	default:
		if num, ok := numberOf(u); ok && num.IsInt() {
			n = int(num.Num().Int64())
		}
	}
	period, _ := a["period"].(string)
	switch period {
	case "minutes":
		return t.Add(time.Duration(n) * time.Minute)
	case "hours":
		return t.Add(time.Duration(n) * time.Hour)
	case "days":
		return t.AddDate(0, 0, n)
	case "weeks":
		return t.AddDate(0, 0, 7*n)
	case "months":
		return t.AddDate(0, n, 0)
	case "business_days":
		for n > 0 {
			t = t.AddDate(0, 0, 1)
			if wd := t.UTC().Weekday(); wd != time.Saturday && wd != time.Sunday {
				n--
			}
		}
		return t
	case "business_hours":
		return addBusinessHours(t, n)
	}
	return t
}

// addBusinessHours adds n hours counted 09:00–17:00 UTC, Monday to Friday.
func addBusinessHours(t time.Time, n int) time.Time {
	t = businessStart(t.UTC())
	left := time.Duration(n) * time.Hour
	for left > 0 {
		shut := midnight(t).Add(17 * time.Hour)
		step := min(left, shut.Sub(t))
		t, left = t.Add(step), left-step
		if left > 0 {
			t = businessStart(shut)
		}
	}
	return t
}

// businessStart is the first business moment at or after t.
func businessStart(t time.Time) time.Time {
	for {
		day := midnight(t)
		if wd := t.Weekday(); wd == time.Saturday || wd == time.Sunday || !t.Before(day.Add(17*time.Hour)) {
			t = day.AddDate(0, 0, 1).Add(9 * time.Hour)
			continue
		}
		if open := day.Add(9 * time.Hour); t.Before(open) {
			return open
		}
		return t
	}
}

func midnight(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// EngineOptions are how the engine runs: QueueMail marks email messages for SMTP delivery.
type EngineOptions struct {
	QueueMail bool
}

// engineRun is one batch of steps run in one transaction, with what they share.
type engineRun struct {
	ctx      context.Context
	tx       Tx
	opts     EngineOptions
	cadences map[int64]*Cadence // nil value: gone
	actors   map[int64]*Actor   // by org
	orgs     map[int64]Org
	records  map[int64]Record // the enrolled records of the batch's steps
	updates  []Step           // the batch's steps, run, failed or cancelled: written at its end
	next     []Step           // the children of the steps that ran, inserted at the batch's end
}

// RunDueSteps runs up to limit follow-ups due now, in due order, in the caller's transaction, and
// returns how many it ran. Each runs at its due time (tx.SetNow), so that what it makes is dated
// as if the engine had run then. Steps of ended enrolments and deleted cadences are never claimed;
// the engine marks them cancelled once per run (tx.CancelDeadSteps), not once per batch: that
// sweep reads every due step, which made a run of N due steps cost N²/limit.
//
// The batch's enrolled records are read at once, the steps of one follow-up due at one time (the
// enrolments of one enrol call) make their tasks or calls in one InsertRecords, their messages
// take their ids at once, and the steps' new states and their children are written at the end.
func RunDueSteps(ctx context.Context, tx Tx, limit int, opts EngineOptions) (int, error) {
	steps, err := tx.ClaimDueSteps(ctx, tx.Now(), limit)
	if err != nil || len(steps) == 0 {
		return 0, err
	}
	r := &engineRun{ctx: ctx, tx: tx, opts: opts, cadences: map[int64]*Cadence{}, actors: map[int64]*Actor{}, orgs: map[int64]Org{}}
	defer tx.SetNow(time.Time{})
	if err := r.loadRecords(steps); err != nil {
		return 0, err
	}
	for _, group := range stepGroups(steps) {
		if err := r.runGroup(group); err != nil {
			return 0, err
		}
	}
	if err := tx.UpdateSteps(ctx, r.updates); err != nil {
		return 0, err
	}
	if len(r.next) > 0 {
		if err := tx.InsertSteps(ctx, r.next); err != nil {
			return 0, err
		}
	}
	return len(steps), nil
}

// stepGroups splits due-ordered steps into runs of one follow-up of one cadence due at one time,
// in the order of their first step.
func stepGroups(steps []Step) [][]Step {
	type key struct {
		cadence int64
		fu      string
		due     int64
	}
	at := map[key]int{}
	var out [][]Step
	for _, s := range steps {
		k := key{s.CadenceID, s.FollowUpID, s.Due.UnixNano()}
		i, ok := at[k]
		if !ok {
			i = len(out)
			at[k] = i
			out = append(out, nil)
		}
		out[i] = append(out[i], s)
	}
	return out
}

// loadRecords reads the enrolled records of the steps, one query per org and module.
func (r *engineRun) loadRecords(steps []Step) error {
	type key struct {
		org    int64
		module string
	}
	ids := map[key][]int64{}
	var order []key
	for _, s := range steps {
		c, err := r.cadence(s.OrgID, s.CadenceID)
		if err != nil {
			return err
		}
		if c == nil || s.FollowUpID == StepEndDate {
			continue
		}
		k := key{s.OrgID, c.Module}
		if _, ok := ids[k]; !ok {
			order = append(order, k)
		}
		ids[k] = append(ids[k], s.RecordID)
	}
	r.records = map[int64]Record{}
	for _, k := range order {
		recs, err := r.tx.RecordsByID(r.ctx, k.org, k.module, ids[k])
		if err != nil {
			return err
		}
		for id, rec := range recs {
			r.records[id] = rec
		}
	}
	return nil
}

func (r *engineRun) cadence(orgID, id int64) (*Cadence, error) {
	if c, ok := r.cadences[id]; ok {
		return c, nil
	}
	c, err := r.tx.Cadence(r.ctx, orgID, id)
	if errors.Is(err, ErrNotFound) {
		r.cadences[id] = nil
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	r.cadences[id] = &c
	return &c, nil
}

// actor is who the engine acts as in the org: the cadence's creator when still active, else the
// org's first Administrator.
func (r *engineRun) actor(c *Cadence) (Actor, error) {
	if a, ok := r.actors[c.CreatedBy]; ok {
		return *a, nil
	}
	org, ok := r.orgs[c.OrgID]
	if !ok {
		var err error
		if org, err = r.tx.Org(r.ctx, c.OrgID); err != nil {
			return Actor{}, err
		}
		r.orgs[c.OrgID] = org
	}
	user, err := r.tx.User(r.ctx, c.OrgID, c.CreatedBy)
	if errors.Is(err, ErrNotFound) || err == nil && user.Status != "active" {
		user, err = r.tx.FirstAdmin(r.ctx, c.OrgID)
	}
	if err != nil {
		return Actor{}, err
	}
	prof, err := r.tx.Profile(r.ctx, c.OrgID, user.ProfileID)
	if err != nil {
		return Actor{}, err
	}
	a := Actor{Org: org, User: user, Profile: prof}
	r.actors[c.CreatedBy] = &a
	return a, nil
}

// cancel marks the steps cancelled.
func (r *engineRun) cancel(steps []Step) error {
	for _, s := range steps {
		s.State = StepCancelled
		r.updates = append(r.updates, s)
	}
	return nil
}

// runGroup runs claimed steps of one follow-up of one cadence due at one time.
func (r *engineRun) runGroup(group []Step) error {
	first := group[0]
	c, err := r.cadence(first.OrgID, first.CadenceID)
	if err != nil {
		return err
	}
	if c == nil {
		return r.cancel(group)
	}
	at := first.Due
	if c.ModifiedTime.After(at) {
		at = c.ModifiedTime // due while the cadence was inactive: it runs from the reactivation
	}
	if now := r.tx.Now(); at.After(now) {
		at = now
	}
	r.tx.SetNow(at)
	defer r.tx.SetNow(time.Time{})
	if first.FollowUpID == StepEndDate {
		for _, s := range group {
			s.State, s.Executed = StepDone, at
			if err := r.tx.UpdateStep(r.ctx, s); err != nil {
				return err
			}
			if err := r.tx.EndEnrollments(r.ctx, s.OrgID, []int64{s.CadenceID}, []int64{s.RecordID}, EndEndDate, c.CreatedBy); err != nil {
				return err
			}
		}
		return nil
	}
	i := slices.IndexFunc(c.FollowUps, func(fu map[string]any) bool { return followUpID(fu) == first.FollowUpID })
	if i < 0 { // the follow-up was edited away
		return r.cancel(group)
	}
	fu := c.FollowUps[i]
	var steps []Step
	var recs []Record
	for _, s := range group {
		rec, ok := r.records[s.RecordID]
		if !ok { // the record is gone
			if err := r.cancel([]Step{s}); err != nil {
				return err
			}
			continue
		}
		steps, recs = append(steps, s), append(recs, rec)
	}
	if len(steps) == 0 {
		return nil
	}
	actor, err := r.actor(c)
	if err != nil {
		return err
	}
	results, failures, err := r.act(c, fu, steps, recs, actor, at)
	if err != nil {
		return err
	}
	children := childFollowUps(c.FollowUps, fu)
	for k, s := range steps {
		s.Executed = at
		if failures[k] != "" {
			s.State, s.Error = StepFailed, failures[k]
			r.updates = append(r.updates, s)
			continue
		}
		s.State, s.ResultID = StepDone, results[k]
		r.updates = append(r.updates, s)
		for _, child := range children {
			n := Step{OrgID: s.OrgID, EnrollmentID: s.EnrollmentID, FollowUpID: followUpID(child), CadenceID: s.CadenceID,
				RecordID: s.RecordID, State: StepPending, Due: addPeriod(at, child["execute_after"])}
			if triggers, _ := child["triggers"].([]any); len(triggers) > 0 {
				n.State, n.Due, n.ParentResult = StepWaiting, at, results[k]
			}
			r.next = append(r.next, n)
		}
	}
	return nil
}

// act does what the follow-up's action says for each step (recs[k] is steps[k]'s record) and
// returns the id of what each made, or why it failed.
func (r *engineRun) act(c *Cadence, fu map[string]any, steps []Step, recs []Record, actor Actor, at time.Time) ([]int64, []string, error) {
	action, _ := fu["action"].(map[string]any)
	typ, _ := action["type"].(string)
	results, failures := make([]int64, len(steps)), make([]string, len(steps))
	switch typ {
	case "tasks":
		return r.activities(c, action, recs, actor, at, "Tasks")
	case "schedule_call":
		return r.activities(c, action, recs, actor, at, "Calls")
	case "email_notifications", "whatsapp_message_notification":
		ids, err := r.tx.NewIDs(r.ctx, len(steps))
		if err != nil {
			return nil, nil, err
		}
		for k, s := range steps {
			if failures[k], err = r.message(c, action, s, recs[k], at, typ == "email_notifications", ids[k]); err != nil {
				return nil, nil, err
			}
			if failures[k] == "" {
				results[k] = ids[k]
			}
		}
		return results, failures, nil
	}
	for k := range failures {
		failures[k] = fmt.Sprintf("action type %q is not one zcrm runs", typ)
	}
	return results, failures, nil
}

// fieldMappings are an action's field_mappings (on the action or in its details).
func fieldMappings(action map[string]any) []any {
	if fm, ok := action["field_mappings"].([]any); ok {
		return fm
	}
	details, _ := action["details"].(map[string]any)
	fm, _ := details["field_mappings"].([]any)
	return fm
}

// activities makes the Tasks or Calls records of a follow-up through InsertRecords, one linked to
// each of recs, 100 to a call; it returns each one's id, or why it failed.
func (r *engineRun) activities(c *Cadence, action map[string]any, recs []Record, actor Actor, at time.Time, module string) ([]int64, []string, error) {
	results, failures := make([]int64, len(recs)), make([]string, len(recs))
	m, ok := catalog.Standard(module)
	if !ok {
		for k := range failures {
			failures[k] = "zcrm has no " + module + " module"
		}
		return results, failures, nil
	}
	data := make([]any, len(recs))
	for k, rec := range recs {
		data[k] = activityData(c, action, rec, at, m)
	}
	for from := 0; from < len(data); from += 100 {
		to := min(from+100, len(data))
		items, err := InsertRecords(r.ctx, r.tx, actor, m, data[from:to])
		if err != nil {
			return nil, nil, err
		}
		for k, it := range items {
			if !it.OK() {
				failures[from+k] = it.Code + ": " + it.Message
				continue
			}
			results[from+k], _ = ParseID(fmt.Sprint(it.Details["id"]))
		}
	}
	return results, failures, nil
}

// activityData is the Tasks or Calls record (module m) a follow-up makes for rec, linked to it.
func activityData(c *Cadence, action map[string]any, rec Record, at time.Time, m catalog.Module) map[string]any {
	module := m.APIName
	data := map[string]any{}
	for _, raw := range fieldMappings(action) {
		fm, _ := raw.(map[string]any)
		field, _ := fm["field"].(map[string]any)
		name, _ := field["api_name"].(string)
		f, known := m.Field(name)
		if !known || f.ReadOnly {
			continue // a field zcrm's module does not have (Reminder, Call_Agenda, …) is left out
		}
		switch fm["type"] {
		case "execution_time":
			when := addPeriod(at, mappingPeriod(fm["value"]))
			if f.DataType == "date" {
				data[name] = when.UTC().Format("2006-01-02")
			} else {
				data[name] = FormatTime(when)
			}
		default:
			v := fm["value"]
			if name == "Owner" {
				owner, _ := v.(map[string]any)
				if id, ok := jsonID(owner["id"]); ok {
					v = map[string]any{"id": FormatID(id)}
				} else {
					continue // ${CURRENTUSER}: the cadence's creator, as without a mapping
				}
			}
			if str, ok := v.(string); ok {
				v = fill(str, c.Module, rec)
			}
			data[name] = v
		}
	}
	name, _ := action["name"].(string)
	if _, ok := data["Subject"]; !ok {
		data["Subject"] = firstNonEmpty(name, c.Name)
	}
	if _, ok := data["Status"]; !ok && module == "Tasks" {
		data["Status"] = "Not Started" // the Status picklist's default in Zoho
	}
	if module == "Calls" {
		if _, ok := data["Call_Type"]; !ok {
			data["Call_Type"] = "Outbound"
		}
		if _, ok := data["Call_Start_Time"]; !ok {
			data["Call_Start_Time"] = FormatTime(at)
		}
	}
	if c.Module == "Contacts" {
		data["Who_Id"] = map[string]any{"id": FormatID(rec.ID)}
	} else {
		data["What_Id"] = map[string]any{"id": FormatID(rec.ID)}
		data["$se_module"] = c.Module
	}
	return data
}

// mappingPeriod turns an execution_time value {"unit","period","sign"} into addPeriod's form.
func mappingPeriod(v any) map[string]any {
	m, _ := v.(map[string]any)
	if m == nil {
		return nil
	}
	unit := m["unit"]
	if m["sign"] == "minus" {
		n, _ := strconv.Atoi(fmt.Sprint(unit))
		unit = float64(-n)
	}
	return map[string]any{"unit": unit, "period": m["period"]}
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}

var placeholderRE = regexp.MustCompile(`\$\{!?([A-Za-z0-9_]+)\.([A-Za-z0-9_]+)\}`)

// fill replaces ${Module.Field} placeholders with the record's values ("" when unset).
func fill(s string, module string, rec Record) string {
	return placeholderRE.ReplaceAllStringFunc(s, func(p string) string {
		m := placeholderRE.FindStringSubmatch(p)
		if !strings.EqualFold(m[1], module) {
			return p
		}
		switch v := rec.Data[m[2]].(type) {
		case nil:
			return ""
		case string:
			return v
		case map[string]any:
			return fmt.Sprint(v["name"])
		default:
			return fmt.Sprint(v)
		}
	})
}

// message writes an email or WhatsApp follow-up to the outbox as message id.
func (r *engineRun) message(c *Cadence, action map[string]any, s Step, rec Record, at time.Time, email bool, id int64) (string, error) {
	details, _ := action["details"].(map[string]any)
	name, _ := action["name"].(string)
	subject, _ := details["subject"].(string)
	body, _ := details["body"].(string)
	m := Message{OrgID: s.OrgID, EnrollmentID: s.EnrollmentID, CadenceID: s.CadenceID, FollowUpID: s.FollowUpID,
		Module: c.Module, RecordID: rec.ID, Channel: "email", Sent: at, Delivery: DeliveryOutbox,
		Subject: fill(firstNonEmpty(subject, name, c.Name), c.Module, rec), Body: fill(body, c.Module, rec)}
	if email {
		m.To, _ = rec.Data["Email"].(string)
		if m.To == "" {
			return "the record has no Email", nil
		}
	} else {
		m.Channel = "whatsapp"
		m.To, _ = rec.Data["Mobile"].(string)
		if m.To == "" {
			m.To, _ = rec.Data["Phone"].(string)
		}
		if m.To == "" {
			return "the record has no Mobile or Phone", nil
		}
	}
	if r.opts.QueueMail && email {
		m.Delivery = DeliveryQueued
	}
	m.ID = id
	return "", r.tx.InsertMessage(r.ctx, m)
}
