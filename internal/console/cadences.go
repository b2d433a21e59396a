package console

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/zcrm/zcrm/internal/catalog"
	"github.com/zcrm/zcrm/internal/crm"
)

// Cadence pages go through the cadences API's services (crm cadence_service.go,
// enrolment_service.go): Get Cadences' list with its summary counts, Get a Cadence's follow-ups as
// a timeline, the publish/activate/deactivate actions and enrolment, as the org's first
// Administrator.

// cadencesData is the cadences page.
type cadencesData struct {
	Cadences []crm.CadenceListItem
	Modules  []catalog.Module // modules cadences may target, for the create form
	Actions  []string
	Periods  []string
	Steps    []int
}

// followUpActions and followUpPeriods are what the create form offers (Zoho's values).
var (
	followUpActions = []string{"tasks", "email_notifications", "schedule_call"}
	followUpPeriods = []string{"minutes", "hours", "days", "business_days", "months"}
)

func (c *Console) cadencesPage(w http.ResponseWriter, r *http.Request) {
	v := c.newView("Cadences", "cadences")
	d := &cadencesData{Actions: followUpActions, Periods: followUpPeriods, Steps: []int{1, 2, 3}}
	v.Data = d
	c.read(w, r, "cadences", v, func(ctx context.Context, tx crm.Tx) error {
		if err := orgView(ctx, tx, r, v); err != nil {
			return err
		}
		d.Cadences, d.Modules = nil, nil
		for page := 1; ; page++ {
			p, err := crm.ListCadences(ctx, tx, v.Org, crm.CadenceQuery{Page: page, PerPage: 200})
			if err != nil {
				return err
			}
			for _, it := range p.Cadences {
				if item, ok := it.(crm.CadenceListItem); ok {
					d.Cadences = append(d.Cadences, item)
				}
			}
			if !p.Info.MoreRecords {
				break
			}
		}
		mods, err := crm.AllModules(ctx, tx, v.Org)
		if err != nil {
			return err
		}
		for _, m := range mods {
			if m.Cadences && m.APISupported {
				d.Modules = append(d.Modules, m)
			}
		}
		return nil
	})
}

// createCadence creates a manual-enrolment cadence from the form (crm.CreateCadence): a name, a
// module, a description and up to three follow-ups, each an action after a wait.
func (c *Console) createCadence(w http.ResponseWriter, r *http.Request) {
	target := orgPath(r) + "/cadences"
	var fus []any
	for i := 1; i <= 3; i++ {
		n := strconv.Itoa(i)
		action := r.PostForm.Get("action" + n)
		if action == "" {
			continue
		}
		fu := map[string]any{"reference_id": n, "action": map[string]any{"type": action}}
		if unit := strings.TrimSpace(r.PostForm.Get("after" + n)); unit != "" {
			fu["execute_after"] = map[string]any{"unit": jsonNumber(unit), "period": r.PostForm.Get("period" + n)}
		}
		fus = append(fus, fu)
	}
	body := map[string]any{"name": r.PostForm.Get("name"), "module": map[string]any{"api_name": r.PostForm.Get("module")}, "type": crm.CadenceManual}
	if desc := strings.TrimSpace(r.PostForm.Get("description")); desc != "" {
		body["description"] = desc
	}
	if len(fus) > 0 {
		body["follow_ups"] = fus
	}
	var item crm.Item
	err := c.write(r, func(ctx context.Context, tx crm.Tx, actor crm.Actor, _ catalog.Module) error {
		var err error
		item, err = crm.CreateCadence(ctx, tx, actor, map[string]any{"cadences": []any{body}})
		return err
	})
	if err != nil || !item.OK() {
		c.itemsDone(w, r, target, "", []crm.Item{item}, err)
		return
	}
	id, _ := item.Details["id"].(string)
	done(w, r, target+"/"+id, "Cadence created as a draft: publish it, then activate it.", "")
}

// cadenceData is a cadence's page.
type cadenceData struct {
	Cadence   crm.CadenceDetail
	FollowUps []followUp
	// Enrolments are the cadence's newest enrolments (crm.CadenceTx.CadenceEnrollments), live and
	// ended; More says there are older ones than the page shows.
	Enrolments []enrolmentRow
	More       bool
	Module     catalog.Module
}

// maxEnrolments is how many of a cadence's enrolments its page lists.
const maxEnrolments = 200

// followUp is one step of the timeline.
type followUp struct {
	ID, Action, After, Parent string
}

// enrolmentRow is one record's enrolment in the cadence, with its progress.
type enrolmentRow struct {
	RecordID, Name  string
	Live            bool
	Enrolled, Ended string
	EndReason       string
	Progress        progress
}

func (c *Console) cadencePage(w http.ResponseWriter, r *http.Request) {
	v := c.newView("Cadence", "cadences")
	d := &cadenceData{}
	v.Data = d
	c.read(w, r, "cadence", v, func(ctx context.Context, tx crm.Tx) error {
		if err := orgView(ctx, tx, r, v); err != nil {
			return err
		}
		id, ok := crm.ParseID(r.PathValue("id"))
		if !ok {
			return crm.ErrNotFound
		}
		detail, found, err := crm.GetCadence(ctx, tx, v.Org, id)
		if err != nil {
			return err
		}
		if !found {
			return crm.ErrNotFound
		}
		*d = cadenceData{Cadence: detail}
		v.Title = "Cadence: " + detail.Name
		for _, fu := range detail.FollowUps {
			d.FollowUps = append(d.FollowUps, timelineStep(fu))
		}
		m, err := crm.ResolveModule(ctx, tx, v.Org, detail.Module.APIName)
		if err != nil {
			return err
		}
		d.Module = m
		es, err := tx.CadenceEnrollments(ctx, v.Org.ID, id, maxEnrolments+1, 0)
		if err != nil {
			return err
		}
		if d.More = len(es) > maxEnrolments; d.More {
			es = es[:maxEnrolments]
		}
		rids := make([]int64, len(es))
		for i, e := range es {
			rids[i] = e.RecordID
		}
		names, err := recordNames(ctx, tx, v.Org, m, rids)
		if err != nil {
			return err
		}
		prog, err := progressOf(ctx, tx, v.Org.ID, es, followUpWords(detail.FollowUps))
		if err != nil {
			return err
		}
		for _, e := range es {
			rid := crm.FormatID(e.RecordID)
			row := enrolmentRow{RecordID: rid, Name: names[e.RecordID], Live: e.Live(), Enrolled: e.EnrolledTime.UTC().Format(crm.RecordCadenceTimeLayout),
				EndReason: e.EndReason, Progress: prog[e.ID]}
			if row.Name == "" {
				row.Name = rid // deleted since
			}
			if !e.Live() {
				row.Ended = e.EndedTime.UTC().Format(crm.RecordCadenceTimeLayout)
			}
			d.Enrolments = append(d.Enrolments, row)
		}
		return nil
	})
}

// recordNames reads the names of records of module m through the records service (one listing
// by ids, as the org's first Administrator); a record deleted since has none.
func recordNames(ctx context.Context, tx crm.Tx, org crm.Org, m catalog.Module, recordIDs []int64) (map[int64]string, error) {
	out := make(map[int64]string, len(recordIDs))
	if len(recordIDs) == 0 {
		return out, nil
	}
	actor, err := actorOf(ctx, tx, org)
	if err != nil {
		return nil, err
	}
	seen := make(map[int64]bool, len(recordIDs))
	var ids []int64
	for _, id := range recordIDs {
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	for len(ids) > 0 {
		n := min(len(ids), crm.MaxPerPage)
		fields := []string{"First_Name", "Full_Name"}
		if nf := m.NameField(); nf != "" {
			fields = append(fields, nf)
		}
		rows, _, err := crm.ListRecords(ctx, tx, actor, m, crm.ListQuery{Fields: fields, IDs: ids[:n], Page: 1, PerPage: n, SortBy: crm.SortByID, Desc: true}, nil)
		if err != nil {
			return nil, err
		}
		for _, rec := range rows {
			if rid, ok := crm.ParseID(show(rec["id"])); ok {
				out[rid] = recordName(m, rec)
			}
		}
		ids = ids[n:]
	}
	return out, nil
}

// timelineStep words a stored follow-up: its action, its wait and the step it follows.
func timelineStep(fu map[string]any) followUp {
	s := followUp{ID: show(fu["id"])}
	if a, ok := fu["action"].(map[string]any); ok {
		s.Action = strings.ReplaceAll(show(a["type"]), "_", " ")
	}
	if after, ok := fu["execute_after"].(map[string]any); ok {
		unit, period := show(after["unit"]), strings.ReplaceAll(show(after["period"]), "_", " ")
		if unit == "1" {
			period = strings.TrimSuffix(period, "s") // "1 day", "1 business day"
		}
		s.After = unit + " " + period
	}
	if p, ok := fu["parent_follow_up"].(map[string]any); ok {
		s.Parent = show(p["id"])
		if s.Parent == "" {
			s.Parent = show(p["reference_id"])
		}
	}
	return s
}

// cadenceAction publishes, activates or deactivates the cadence (crm.CadenceAction).
func (c *Console) cadenceAction(w http.ResponseWriter, r *http.Request) {
	target := orgPath(r) + "/cadences/" + r.PathValue("id")
	action := r.PathValue("action")
	if !crm.IsCadenceAction(action) {
		done(w, r, target, "", "Unknown action "+action+".")
		return
	}
	id, _ := crm.ParseID(r.PathValue("id"))
	var item crm.Item
	err := c.write(r, func(ctx context.Context, tx crm.Tx, actor crm.Actor, _ catalog.Module) error {
		var err error
		item, err = crm.CadenceAction(ctx, tx, actor, id, action, map[string]any{})
		return err
	})
	if err == nil && item.OK() {
		done(w, r, target, item.Message+".", "")
		return
	}
	c.itemsDone(w, r, target, "", []crm.Item{item}, err)
}

// cadenceEnrol enrols record ids (one per line or comma) in the cadence, or un-enrols them
// (crm.EnrolRecords in the cadence's module).
func (c *Console) cadenceEnrol(w http.ResponseWriter, r *http.Request) {
	target := orgPath(r) + "/cadences/" + r.PathValue("id")
	enrol := r.PostFormValue("action") != "unenrol"
	var ids []any
	for _, s := range strings.FieldsFunc(r.PostFormValue("ids"), func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\r' }) {
		ids = append(ids, s)
	}
	var items []crm.Item
	err := c.write(r, func(ctx context.Context, tx crm.Tx, actor crm.Actor, _ catalog.Module) error {
		id, ok := crm.ParseID(r.PathValue("id"))
		if !ok {
			return crm.ErrNotFound
		}
		cad, err := tx.Cadence(ctx, actor.Org.ID, id)
		if err != nil {
			return err
		}
		m, err := crm.ResolveModule(ctx, tx, actor.Org, cad.Module)
		if err != nil {
			return err
		}
		items, err = crm.EnrolRecords(ctx, tx, actor, m, map[string]any{"cadences_ids": []any{r.PathValue("id")}, "ids": ids}, enrol)
		return err
	})
	if errors.Is(err, crm.ErrNotFound) {
		done(w, r, target, "", "No such cadence.")
		return
	}
	note := "Enrolled."
	if !enrol {
		note = "Un-enrolled."
	}
	c.itemsDone(w, r, target, note, items, err)
}
