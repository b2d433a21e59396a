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
// the enrolment time plus their execute_after, and its end-date step when it has that rule.
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
					RecordID: e.RecordID, State: StepPending, Due: addPeriod(e.EnrolledTime, fu["execute_after"])})
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
}

// RunDueSteps runs up to limit follow-ups due now, in due order, in the caller's transaction, and
// returns how many it ran. Each runs at its due time (tx.SetNow), so that what it makes is dated
// as if the engine had run then.
func RunDueSteps(ctx context.Context, tx Tx, limit int, opts EngineOptions) (int, error) {
	now := tx.Now()
	if err := tx.CancelDeadSteps(ctx, now); err != nil {
		return 0, err
	}
	steps, err := tx.ClaimDueSteps(ctx, now, limit)
	if err != nil || len(steps) == 0 {
		return 0, err
	}
	r := &engineRun{ctx: ctx, tx: tx, opts: opts, cadences: map[int64]*Cadence{}, actors: map[int64]*Actor{}, orgs: map[int64]Org{}}
	defer tx.SetNow(time.Time{})
	for _, s := range steps {
		if err := r.run(s); err != nil {
			return 0, err
		}
	}
	return len(steps), nil
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

// run runs one claimed step.
func (r *engineRun) run(s Step) error {
	c, err := r.cadence(s.OrgID, s.CadenceID)
	if err != nil {
		return err
	}
	if c == nil {
		s.State = StepCancelled
		return r.tx.UpdateStep(r.ctx, s)
	}
	at := s.Due
	if c.ModifiedTime.After(at) {
		at = c.ModifiedTime // due while the cadence was inactive: it runs from the reactivation
	}
	if now := r.tx.Now(); at.After(now) {
		at = now
	}
	r.tx.SetNow(at)
	defer r.tx.SetNow(time.Time{})
	if s.FollowUpID == StepEndDate {
		s.State, s.Executed = StepDone, at
		if err := r.tx.UpdateStep(r.ctx, s); err != nil {
			return err
		}
		return r.tx.EndEnrollments(r.ctx, s.OrgID, []int64{s.CadenceID}, []int64{s.RecordID}, EndEndDate, c.CreatedBy)
	}
	i := slices.IndexFunc(c.FollowUps, func(fu map[string]any) bool { return followUpID(fu) == s.FollowUpID })
	if i < 0 { // the follow-up was edited away
		s.State = StepCancelled
		return r.tx.UpdateStep(r.ctx, s)
	}
	fu := c.FollowUps[i]
	rec, err := r.tx.Record(r.ctx, s.OrgID, c.Module, s.RecordID)
	if errors.Is(err, ErrNotFound) {
		s.State = StepCancelled
		return r.tx.UpdateStep(r.ctx, s)
	} else if err != nil {
		return err
	}
	actor, err := r.actor(c)
	if err != nil {
		return err
	}
	result, failure, err := r.act(c, fu, s, rec, actor, at)
	if err != nil {
		return err
	}
	s.Executed = at
	if failure != "" {
		s.State, s.Error = StepFailed, failure
		return r.tx.UpdateStep(r.ctx, s)
	}
	s.State, s.ResultID = StepDone, result
	if err := r.tx.UpdateStep(r.ctx, s); err != nil {
		return err
	}
	var next []Step
	for _, child := range childFollowUps(c.FollowUps, fu) {
		n := Step{OrgID: s.OrgID, EnrollmentID: s.EnrollmentID, FollowUpID: followUpID(child), CadenceID: s.CadenceID,
			RecordID: s.RecordID, State: StepPending, Due: addPeriod(at, child["execute_after"])}
		if triggers, _ := child["triggers"].([]any); len(triggers) > 0 {
			n.State, n.Due, n.ParentResult = StepWaiting, at, result
		}
		next = append(next, n)
	}
	if len(next) == 0 {
		return nil
	}
	return r.tx.InsertSteps(r.ctx, next)
}

// act does what the follow-up's action says and returns the id of what it made, or why it failed.
func (r *engineRun) act(c *Cadence, fu map[string]any, s Step, rec Record, actor Actor, at time.Time) (int64, string, error) {
	action, _ := fu["action"].(map[string]any)
	typ, _ := action["type"].(string)
	switch typ {
	case "tasks":
		return r.activity(c, action, rec, actor, at, "Tasks")
	case "schedule_call":
		return r.activity(c, action, rec, actor, at, "Calls")
	case "email_notifications", "whatsapp_message_notification":
		return r.message(c, action, s, rec, at, typ == "email_notifications")
	}
	return 0, fmt.Sprintf("action type %q is not one zcrm runs", typ), nil
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

// activity makes the Tasks or Calls record of a follow-up through InsertRecords, linked to rec.
func (r *engineRun) activity(c *Cadence, action map[string]any, rec Record, actor Actor, at time.Time, module string) (int64, string, error) {
	m, ok := catalog.Standard(module)
	if !ok {
		return 0, "zcrm has no " + module + " module", nil
	}
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
	items, err := InsertRecords(r.ctx, r.tx, actor, m, []any{data})
	if err != nil {
		return 0, "", err
	}
	if it := items[0]; !it.OK() {
		return 0, it.Code + ": " + it.Message, nil
	}
	id, _ := ParseID(fmt.Sprint(items[0].Details["id"]))
	return id, "", nil
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

// message writes an email or WhatsApp follow-up to the outbox.
func (r *engineRun) message(c *Cadence, action map[string]any, s Step, rec Record, at time.Time, email bool) (int64, string, error) {
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
			return 0, "the record has no Email", nil
		}
	} else {
		m.Channel = "whatsapp"
		m.To, _ = rec.Data["Mobile"].(string)
		if m.To == "" {
			m.To, _ = rec.Data["Phone"].(string)
		}
		if m.To == "" {
			return 0, "the record has no Mobile or Phone", nil
		}
	}
	if r.opts.QueueMail && email {
		m.Delivery = DeliveryQueued
	}
	id, err := r.tx.NewID(r.ctx)
	if err != nil {
		return 0, "", err
	}
	m.ID = id
	return id, "", r.tx.InsertMessage(r.ctx, m)
}
