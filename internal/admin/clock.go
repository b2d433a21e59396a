package admin

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/zcrm/zcrm/internal/crm"
)

// The clock: one time for everything time-dependent (token and grant-code expiry, Created_Time and
// Modified_Time, cadence timestamps, rate-limit windows). It lives in the database (store's control
// row), so every process and every CLI command on the same database reads the same time. It runs
// from where it was set, or stands frozen; a full reset returns it to real time.

// ClockState is what the clock endpoints answer: {"now": "<RFC 3339>", "frozen": bool}.
type ClockState struct {
	Now    time.Time `json:"now"`
	Frozen bool      `json:"frozen"`
}

// Clock reads the clock as every process on the database reads it.
func (s *Service) Clock(ctx context.Context) (ClockState, error) {
	c, err := s.Store.SyncControl(ctx)
	if err != nil {
		return ClockState{}, err
	}
	return ClockState{Now: s.Store.Now().UTC().Truncate(time.Millisecond), Frozen: c.Frozen}, nil
}

// SetClock sets the clock at now (nil: real time), frozen there or running from there.
func (s *Service) SetClock(ctx context.Context, now *time.Time, frozen bool) (ClockState, error) {
	return s.moveClock(ctx, func(tx crm.Tx, _ crm.Control) (time.Duration, bool, time.Time) {
		switch {
		case now == nil && frozen:
			return 0, true, tx.RealNow()
		case now == nil:
			return 0, false, time.Time{}
		case frozen:
			return 0, true, *now
		default: // whole milliseconds, as stored, so the clock never reads before now
			return time.Duration(now.UnixMilli()-tx.RealNow().UnixMilli()) * time.Millisecond, false, time.Time{}
		}
	})
}

// AdvanceClock moves the clock forward by d, frozen or running.
func (s *Service) AdvanceClock(ctx context.Context, d time.Duration) (ClockState, error) {
	return s.moveClock(ctx, func(tx crm.Tx, c crm.Control) (time.Duration, bool, time.Time) {
		if c.Frozen {
			return 0, true, c.FrozenAt.Add(d)
		}
		return c.ClockOffset + d, false, time.Time{}
	})
}

// moveClock sets the clock to what set makes of the current setting, in one transaction, then runs
// the cadence follow-ups that became due, so that the answer comes after them.
func (s *Service) moveClock(ctx context.Context, set func(crm.Tx, crm.Control) (time.Duration, bool, time.Time)) (ClockState, error) {
	err := s.Store.Write(ctx, func(tx crm.Tx) error {
		c, err := tx.Control(ctx)
		if err != nil {
			return err
		}
		offset, frozen, at := set(tx, c)
		return tx.SetClock(ctx, offset, frozen, at)
	})
	if err != nil {
		return ClockState{}, err
	}
	if err := s.runDue(ctx); err != nil {
		return ClockState{}, err
	}
	return s.Clock(ctx)
}

// clock answers GET and PUT /__zcrm/clock.
func (h *handler) clock(w http.ResponseWriter, r *http.Request, _ map[string]string) error {
	ctx := r.Context()
	if r.Method == http.MethodGet {
		st, err := h.svc.Clock(ctx)
		return answer(w, st, err)
	}
	raw, err := readBody(r, "a clock setting")
	if err != nil {
		return err
	}
	var body struct {
		Now    *string `json:"now"`
		Frozen *bool   `json:"frozen"`
	}
	if err := json.Unmarshal(raw, &body); err != nil {
		return invalid("the body must be {\"now\": \"<RFC 3339>\" or null, \"frozen\": true|false}")
	}
	var now *time.Time
	if body.Now != nil {
		t, err := time.Parse(time.RFC3339Nano, *body.Now)
		if err != nil {
			return invalid(fmt.Sprintf("now must be an RFC 3339 time such as 2030-01-01T09:00:00Z, not %q", *body.Now))
		}
		now = &t
	}
	// {"now": null} is real time; without "now" the clock is set where it stands, so
	// {"frozen": true} stops it and {"frozen": false} lets it run on from there.
	if body.Now == nil && !hasKey(raw, "now") {
		st, err := h.svc.Clock(ctx)
		if err != nil {
			return err
		}
		now = &st.Now
		if body.Frozen == nil {
			body.Frozen = &st.Frozen
		}
	}
	frozen := body.Frozen != nil && *body.Frozen
	st, err := h.svc.SetClock(ctx, now, frozen)
	return answer(w, st, err)
}

// advanceClock answers POST /__zcrm/clock/advance {"by": "<Go duration>"}.
func (h *handler) advanceClock(w http.ResponseWriter, r *http.Request, _ map[string]string) error {
	raw, err := readBody(r, "a clock advance")
	if err != nil {
		return err
	}
	var body struct {
		By string `json:"by"`
	}
	if err := json.Unmarshal(raw, &body); err != nil || body.By == "" {
		return invalid(`the body must be {"by": "<duration>"}, e.g. {"by": "36h"}`)
	}
	d, err := time.ParseDuration(body.By)
	if err != nil || d < 0 {
		return invalid(fmt.Sprintf("by must be a non-negative Go duration such as 90m or 36h, not %q", body.By))
	}
	st, err := h.svc.AdvanceClock(r.Context(), d)
	return answer(w, st, err)
}

// hasKey reports whether the JSON object raw has the key.
func hasKey(raw []byte, key string) bool {
	var m map[string]json.RawMessage
	_ = json.Unmarshal(raw, &m)
	_, ok := m[key]
	return ok
}

// invalid is a 400 INVALID_DATA.
func invalid(message string) error {
	return &Error{http.StatusBadRequest, "INVALID_DATA", message}
}

// answer writes v as a 200, or returns err.
func answer(w http.ResponseWriter, v any, err error) error {
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}
