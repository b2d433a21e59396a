package admin

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"

	"github.com/zcrm/zcrm/internal/crm"
)

// Zoho's API limits (internal/limits) as the control plane sets them: the server-wide mode, and
// per org a mode and overrides of the edition's concurrency and daily credits, so that a test
// reaches a limit in a few calls. Settings live in the database: every process on it applies the
// same ones from its next request on. `zcrm serve --limits` records the server-wide mode at
// start; a server-wide mode set here wins over it until set back (null) or a full reset.

// LimitsState is what GET and PUT /__zcrm/limits answer.
type LimitsState struct {
	// Mode is the server-wide mode, "off" or "zoho".
	Mode crm.LimitMode `json:"mode"`
	// Orgs holds every org by id.
	Orgs map[string]OrgLimitsState `json:"orgs"`
}

// OrgLimitsState is one org's limits: what applies to it, its use of them, and its overrides.
type OrgLimitsState struct {
	Edition crm.Edition `json:"edition"`
	// Mode applies to the org: its own, or the server-wide mode.
	Mode crm.LimitMode `json:"mode"`
	// Concurrency (per app) and CreditsPerDay apply in mode zoho: the overrides, or the edition's
	// numbers.
	Concurrency   int64 `json:"concurrency"`
	CreditsPerDay int64 `json:"credits_per_day"`
	// InFlight counts the org's calls in progress (all its apps') and CreditsUsed the credits it spent in the
	// last 24 hours (both kept in mode zoho only).
	InFlight    int64 `json:"in_flight"`
	CreditsUsed int64 `json:"credits_used"`
	// Overrides is what PUT set for the org ({} when nothing).
	Overrides LimitOverrides `json:"overrides"`
}

// LimitOverrides are an org's settings made through the admin API.
type LimitOverrides struct {
	Mode          crm.LimitMode `json:"mode,omitempty"`
	Concurrency   *int64        `json:"concurrency,omitempty"`
	CreditsPerDay *int64        `json:"credits_per_day,omitempty"`
}

// LimitsChange is a PUT /__zcrm/limits: nil fields stay as they are.
type LimitsChange struct {
	// OrgID names the org whose settings change; 0 changes the server-wide mode.
	OrgID int64
	// Mode is the new mode; "" sets it back (an org's to the server-wide mode, the server-wide
	// one to zcrm serve's).
	Mode *crm.LimitMode
	// Concurrency and CreditsPerDay are the org's new overrides (≥ 0); crm.Unset sets one back to
	// the edition's number.
	Concurrency, CreditsPerDay *int64
}

// Limits reads the limits and every org's use of them, in one transaction.
func (s *Service) Limits(ctx context.Context) (LimitsState, error) {
	var st LimitsState
	err := s.Store.Read(ctx, func(tx crm.Tx) error {
		var err error
		st, err = limitsState(ctx, tx)
		return err
	})
	return st, err
}

// limitsState reads LimitsState in tx.
func limitsState(ctx context.Context, tx crm.Tx) (LimitsState, error) {
	set, err := tx.LimitSettings(ctx)
	if err != nil {
		return LimitsState{}, err
	}
	orgs, err := tx.Orgs(ctx)
	if err != nil {
		return LimitsState{}, err
	}
	st := LimitsState{Mode: set.ServerMode(), Orgs: map[string]OrgLimitsState{}}
	now, wall := tx.Now(), tx.RealNow()
	for _, org := range orgs {
		o := set.Org(org.ID)
		ol := OrgLimitsState{Edition: org.Edition, Mode: set.ModeOf(org.ID), Concurrency: o.Concurrency, CreditsPerDay: o.CreditsPerDay,
			Overrides: LimitOverrides{Mode: o.Mode}}
		if o.Concurrency == crm.Unset {
			ol.Concurrency = org.Edition.ConcurrentCalls()
		} else {
			ol.Overrides.Concurrency = &o.Concurrency
		}
		if o.CreditsPerDay == crm.Unset {
			users, err := tx.ActiveUsers(ctx, org.ID)
			if err != nil {
				return LimitsState{}, err
			}
			ol.CreditsPerDay = org.Edition.DailyCredits(users)
		} else {
			ol.Overrides.CreditsPerDay = &o.CreditsPerDay
		}
		if ol.InFlight, err = tx.CallsInFlight(ctx, org.ID, crm.AnyApp, wall); err != nil {
			return LimitsState{}, err
		}
		if ol.CreditsUsed, err = tx.CreditsSpent(ctx, org.ID, now.Add(-crm.CreditWindow), now); err != nil {
			return LimitsState{}, err
		}
		st.Orgs[crm.FormatID(org.ID)] = ol
	}
	return st, nil
}

// SetLimits applies a change and returns the limits as they then are, in one transaction;
// crm.ErrNotFound when the org does not exist.
func (s *Service) SetLimits(ctx context.Context, c LimitsChange) (LimitsState, error) {
	var st LimitsState
	err := s.Store.Write(ctx, func(tx crm.Tx) error {
		if c.OrgID == 0 {
			if c.Mode != nil {
				if err := tx.SetLimitMode(ctx, *c.Mode); err != nil {
					return err
				}
			}
		} else {
			if _, err := tx.Org(ctx, c.OrgID); err != nil {
				return err
			}
			set, err := tx.LimitSettings(ctx)
			if err != nil {
				return err
			}
			o := set.Org(c.OrgID)
			if c.Mode != nil {
				o.Mode = *c.Mode
			}
			if c.Concurrency != nil {
				o.Concurrency = *c.Concurrency
			}
			if c.CreditsPerDay != nil {
				o.CreditsPerDay = *c.CreditsPerDay
			}
			if err := tx.SetOrgLimits(ctx, c.OrgID, o); err != nil {
				return err
			}
		}
		var err error
		st, err = limitsState(ctx, tx)
		return err
	})
	if err == nil {
		_, err = s.Store.SyncControl(ctx)
	}
	return st, err
}

// limits answers GET and PUT /__zcrm/limits.
//
// GET answers LimitsState:
//
//	{"mode": "off",
//	 "orgs": {"5725767000000100001": {"edition": "enterprise", "mode": "zoho", "concurrency": 2,
//	   "credits_per_day": 51000, "in_flight": 0, "credits_used": 3,
//	   "overrides": {"mode": "zoho", "concurrency": 2}}}}
//
// "mode" is the server-wide mode; each org has the mode that applies to it, the concurrency and
// daily credits it gets in mode zoho (its overrides, else its edition's), its calls in progress
// and credits spent in the last 24 hours of the store's clock, and the overrides set for it.
//
// PUT takes {"mode": "off"|"zoho", "org_id": "<id>", "concurrency": N, "credits_per_day": N}, every
// key optional but one change needed, and answers as GET. Without org_id it sets the server-wide
// mode, and only that (the numbers are per org); with it, the org's mode and overrides. A key set
// to null sets the setting back: an org's mode to the server-wide one, the server-wide mode to
// `zcrm serve --limits`'s, a number to the edition's. Errors: 400 INVALID_DATA for a body that is
// not such an object, 404 NOT_FOUND for an org that does not exist.
func (h *handler) limits(w http.ResponseWriter, r *http.Request, _ map[string]string) error {
	if r.Method == http.MethodGet {
		st, err := h.svc.Limits(r.Context())
		return answer(w, st, err)
	}
	raw, err := readBody(r, "a limits setting")
	if err != nil {
		return err
	}
	c, err := parseLimitsChange(raw)
	if err != nil {
		return err
	}
	st, err := h.svc.SetLimits(r.Context(), c)
	if errors.Is(err, crm.ErrNotFound) {
		return &Error{http.StatusNotFound, "NOT_FOUND", "no org " + crm.FormatID(c.OrgID)}
	}
	return answer(w, st, err)
}

// parseLimitsChange reads a PUT /__zcrm/limits body.
func parseLimitsChange(raw []byte) (LimitsChange, error) {
	var c LimitsChange
	var body map[string]json.RawMessage
	if err := json.Unmarshal(raw, &body); err != nil || body == nil {
		return c, invalid(`the body must be a JSON object such as {"mode": "zoho", "org_id": "<id>", "concurrency": 2, "credits_per_day": 100}`)
	}
	keys := make([]string, 0, len(body))
	for k := range body {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v, null := body[k], bytes.Equal(bytes.TrimSpace(body[k]), []byte("null"))
		switch k {
		case "mode":
			m := crm.LimitMode("")
			if !null {
				var s string
				if json.Unmarshal(v, &s) != nil {
					return c, invalid(fmt.Sprintf(`mode must be "off", "zoho" or null, not %s`, v))
				}
				var err error
				if m, err = crm.ParseLimitMode(s); err != nil {
					return c, invalid(fmt.Sprintf(`mode must be "off", "zoho" or null, not %q`, s))
				}
			}
			c.Mode = &m
		case "org_id":
			var s string // ids are strings on the wire; a number is taken too
			if json.Unmarshal(v, &s) != nil {
				var n json.Number
				if json.Unmarshal(v, &n) == nil {
					s = n.String()
				}
			}
			id, ok := crm.ParseID(s)
			if !ok {
				return c, invalid(fmt.Sprintf("org_id must be an org id such as \"5725767000000100001\", not %s", v))
			}
			c.OrgID = id
		case "concurrency", "credits_per_day":
			n := int64(crm.Unset)
			if !null {
				var err error
				if n, err = strconv.ParseInt(string(bytes.TrimSpace(v)), 10, 64); err != nil || n < 0 {
					return c, invalid(fmt.Sprintf("%s must be a whole number ≥ 0, or null for the edition's, not %s", k, v))
				}
			}
			if k == "concurrency" {
				c.Concurrency = &n
			} else {
				c.CreditsPerDay = &n
			}
		default:
			return c, invalid(fmt.Sprintf("unknown key %q: the keys are mode, org_id, concurrency and credits_per_day", k))
		}
	}
	switch {
	case c.OrgID == 0 && (c.Concurrency != nil || c.CreditsPerDay != nil):
		return c, invalid("concurrency and credits_per_day are set per org: give org_id")
	case c.OrgID == 0 && c.Mode == nil:
		return c, invalid(`give the server-wide mode ({"mode": "off"|"zoho"|null}) or an org_id with what to change`)
	case c.Mode == nil && c.Concurrency == nil && c.CreditsPerDay == nil:
		return c, invalid("nothing to change: give mode, concurrency or credits_per_day")
	}
	return c, nil
}
