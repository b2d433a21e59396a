package console

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/zcrm/zcrm/internal/admin"
	"github.com/zcrm/zcrm/internal/crm"
)

// The control page: the clock (now, frozen, advance by), fault rules (add, remove) and Zoho's
// limits' mode, through the admin service the admin API uses (clock.go, faults.go, limits.go).

// controlData is the control page.
type controlData struct {
	Clock  admin.ClockState
	Faults []crm.FaultRule
	Limits admin.LimitsState
	Modes  []string
}

func (c *Console) controlPage(w http.ResponseWriter, r *http.Request) {
	v := c.newView("Time, faults and limits", "control")
	d := &controlData{Modes: []string{"off", "zoho"}}
	v.Data = d
	ctx := r.Context()
	var err error
	if d.Clock, err = c.cfg.Admin.Clock(ctx); err == nil {
		if d.Faults, err = c.cfg.Admin.Faults(ctx); err == nil {
			d.Limits, err = c.cfg.Admin.Limits(ctx)
		}
	}
	if err == nil {
		err = c.cfg.Admin.Store.Read(ctx, func(tx crm.Tx) error {
			var err error
			v.Orgs, err = tx.Orgs(ctx)
			return err
		})
	}
	if err != nil {
		c.pages.error(w, r, http.StatusInternalServerError, c.fail(r, err))
		return
	}
	c.pages.render(w, r, http.StatusOK, "control", v)
}

// setClock freezes the clock (now, or at a time), lets it run again, returns it to real time or
// advances it by a duration, as the form's action says.
func (c *Console) setClock(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	var st admin.ClockState
	var err error
	switch r.PostFormValue("action") {
	case "advance":
		var d time.Duration
		if d, err = time.ParseDuration(strings.TrimSpace(r.PostFormValue("by"))); err != nil || d <= 0 {
			done(w, r, "/console/control", "", "Advance by a positive duration such as 90m, 2h or 24h.")
			return
		}
		st, err = c.cfg.Admin.AdvanceClock(ctx, d)
	case "freeze":
		st, err = c.cfg.Admin.SetClock(ctx, nil, true)
	case "set":
		t, perr := time.Parse(time.RFC3339, strings.TrimSpace(r.PostFormValue("at")))
		if perr != nil {
			done(w, r, "/console/control", "", "Give the time as RFC 3339, such as 2026-01-02T09:00:00Z.")
			return
		}
		st, err = c.cfg.Admin.SetClock(ctx, &t, r.PostFormValue("frozen") != "")
	case "run":
		var cur admin.ClockState
		if cur, err = c.cfg.Admin.Clock(ctx); err == nil {
			st, err = c.cfg.Admin.SetClock(ctx, &cur.Now, false)
		}
	default:
		st, err = c.cfg.Admin.SetClock(ctx, nil, false)
	}
	if err != nil {
		done(w, r, "/console/control", "", c.fail(r, err))
		return
	}
	state := "running"
	if st.Frozen {
		state = "frozen"
	}
	done(w, r, "/console/control", "The clock reads "+st.Now.UTC().Format(time.RFC3339)+", "+state+".", "")
}

// addFault adds a fault rule from the form (admin.Service.AddFault validates it).
func (c *Console) addFault(w http.ResponseWriter, r *http.Request) {
	rule := crm.FaultRule{Method: strings.TrimSpace(r.PostFormValue("method")), Path: strings.TrimSpace(r.PostFormValue("path")),
		Code: strings.TrimSpace(r.PostFormValue("code")), Message: strings.TrimSpace(r.PostFormValue("message")),
		Reset: r.PostFormValue("reset") != "", After: r.PostFormValue("after") != "", Probability: 1}
	bad := func(what string) { done(w, r, "/console/control", "", what) }
	num := func(name string, dst *int64) bool {
		s := strings.TrimSpace(r.PostFormValue(name))
		if s == "" {
			return true
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			bad(name + " must be a whole number.")
			return false
		}
		*dst = n
		return true
	}
	var status, latency, times, org int64
	if !num("status", &status) || !num("latency_ms", &latency) || !num("times", &times) || !num("org_id", &org) {
		return
	}
	if s := strings.TrimSpace(r.PostFormValue("probability")); s != "" {
		p, err := strconv.ParseFloat(s, 64)
		if err != nil {
			bad("probability must be a number in (0, 1].")
			return
		}
		rule.Probability = p
	}
	if s := strings.TrimSpace(r.PostFormValue("details")); s != "" {
		if err := json.Unmarshal([]byte(s), &rule.Details); err != nil {
			bad("details must be a JSON object.")
			return
		}
	}
	rule.Status, rule.LatencyMS, rule.Times, rule.OrgID = int(status), int(latency), times, org
	added, err := c.cfg.Admin.AddFault(r.Context(), rule)
	if err != nil {
		done(w, r, "/console/control", "", c.fail(r, err))
		return
	}
	done(w, r, "/console/control", "Fault rule "+crm.FormatID(added.ID)+" added.", "")
}

// deleteFault removes one fault rule.
func (c *Console) deleteFault(w http.ResponseWriter, r *http.Request) {
	id, ok := crm.ParseID(r.PathValue("id"))
	if !ok {
		done(w, r, "/console/control", "", "No such fault rule.")
		return
	}
	if err := c.cfg.Admin.DeleteFault(r.Context(), id); err != nil {
		done(w, r, "/console/control", "", c.fail(r, err))
		return
	}
	done(w, r, "/console/control", "Fault rule removed.", "")
}

// setLimits sets the server-wide mode of Zoho's limits, or one org's.
func (c *Console) setLimits(w http.ResponseWriter, r *http.Request) {
	mode := crm.LimitMode(r.PostFormValue("mode"))
	change := admin.LimitsChange{Mode: &mode}
	if s := r.PostFormValue("org_id"); s != "" {
		id, ok := crm.ParseID(s)
		if !ok {
			done(w, r, "/console/control", "", "No such org.")
			return
		}
		change.OrgID = id
	}
	if _, err := c.cfg.Admin.SetLimits(r.Context(), change); err != nil {
		done(w, r, "/console/control", "", c.fail(r, err))
		return
	}
	done(w, r, "/console/control", "Limits mode set.", "")
}
