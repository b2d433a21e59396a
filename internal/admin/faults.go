package admin

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"path"
	"strings"

	"github.com/zcrm/zcrm/internal/crm"
)

// Fault rules: requests that match a rule (method, path glob over /crm/{version}/… and /oauth/…,
// optionally org) fail or slow down as it says — an error answer in Zoho's envelope with a status,
// latency, a connection reset, or the answer lost after the request took effect ("after") — with
// a probability, for a number of times. They live in the database, so every process applies the
// same rules; the server applies them (internal/httpapi faults.go) and marks faulted requests in
// the journal.

// maxFaultLatency bounds a rule's latency: past the server's write timeout no answer could come.
const maxFaultLatency = 60_000

// AddFault validates rule, stores it and returns it with its id.
func (s *Service) AddFault(ctx context.Context, rule crm.FaultRule) (crm.FaultRule, error) {
	if err := checkFault(&rule); err != nil {
		return crm.FaultRule{}, err
	}
	err := s.Store.Write(ctx, func(tx crm.Tx) error {
		if rule.OrgID != 0 {
			if _, err := tx.Org(ctx, rule.OrgID); errors.Is(err, crm.ErrNotFound) {
				return &Error{http.StatusNotFound, "NOT_FOUND", fmt.Sprintf("no org %d", rule.OrgID)}
			} else if err != nil {
				return err
			}
		}
		id, err := tx.NewID(ctx)
		if err != nil {
			return err
		}
		rule.ID, rule.Remaining, rule.CreatedTime = id, rule.Times, tx.Now()
		return tx.InsertFaultRule(ctx, rule)
	})
	if err != nil {
		return crm.FaultRule{}, err
	}
	_, err = s.Store.SyncControl(ctx)
	return rule, err
}

// Faults returns every fault rule, oldest first, with what is left of its times.
func (s *Service) Faults(ctx context.Context) ([]crm.FaultRule, error) {
	var rules []crm.FaultRule
	err := s.Store.Read(ctx, func(tx crm.Tx) error {
		var err error
		rules, err = tx.FaultRules(ctx)
		return err
	})
	if rules == nil {
		rules = []crm.FaultRule{}
	}
	return rules, err
}

// DeleteFault deletes one rule; crm.ErrNotFound when there is none with the id.
func (s *Service) DeleteFault(ctx context.Context, id int64) error {
	return s.controlWrite(ctx, func(tx crm.Tx) error { return tx.DeleteFaultRule(ctx, id) })
}

// ClearFaults deletes every rule and returns how many there were.
func (s *Service) ClearFaults(ctx context.Context) (int64, error) {
	var n int64
	err := s.controlWrite(ctx, func(tx crm.Tx) error {
		var err error
		n, err = tx.DeleteFaultRules(ctx)
		return err
	})
	return n, err
}

// controlWrite runs a write that changes the control state and makes the new state this process's.
func (s *Service) controlWrite(ctx context.Context, fn func(crm.Tx) error) error {
	if err := s.Store.Write(ctx, fn); err != nil {
		return err
	}
	_, err := s.Store.SyncControl(ctx)
	return err
}

// checkFault completes a rule's defaults (probability 1, a message from its code) and refuses one
// that cannot work, with a 400 INVALID_DATA naming the field.
func checkFault(r *crm.FaultRule) error {
	bad := func(format string, args ...any) error { return invalid(fmt.Sprintf(format, args...)) }
	r.Method = strings.ToUpper(r.Method)
	switch r.Method {
	case "", "*", http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodHead:
	default:
		return bad("method must be GET, POST, PUT, PATCH, DELETE, HEAD or * (any), not %q", r.Method)
	}
	if !strings.HasPrefix(r.Path, "/crm/") && !strings.HasPrefix(r.Path, "/oauth/") {
		return bad("path must be a glob over /crm/{version}/… or /oauth/…, e.g. /crm/*/org, not %q", r.Path)
	}
	if _, err := path.Match(r.Path, r.Path); err != nil {
		return bad("path %q is not a valid glob", r.Path)
	}
	if r.Probability == 0 {
		r.Probability = 1
	}
	if r.Probability < 0 || r.Probability > 1 {
		return bad("probability must be in (0, 1], not %v", r.Probability)
	}
	if r.Times < 0 {
		return bad("times must be 0 (no bound) or more, not %d", r.Times)
	}
	if r.LatencyMS < 0 || r.LatencyMS > maxFaultLatency {
		return bad("latency_ms must be between 0 and %d, not %d", maxFaultLatency, r.LatencyMS)
	}
	switch {
	case r.Status != 0 && (r.Status < 400 || r.Status > 599):
		return bad("status must be an error status, 400 to 599, not %d", r.Status)
	case r.Status != 0 && r.Code == "":
		return bad("code is required with status, e.g. INTERNAL_ERROR")
	case r.Status == 0 && (r.Code != "" || r.Message != "" || r.Details != nil):
		return bad("code, message and details need a status")
	case r.Status != 0 && r.Reset:
		return bad("a rule answers with status or resets the connection, not both")
	case r.After && r.Status == 0 && !r.Reset:
		return bad("after needs status or reset: the answer that replaces the request's own")
	case r.Status == 0 && !r.Reset && r.LatencyMS == 0:
		return bad("a rule needs status, latency_ms or reset")
	}
	if r.Status != 0 && r.Message == "" {
		r.Message = strings.ToLower(strings.ReplaceAll(r.Code, "_", " "))
	}
	return nil
}

// faultList answers GET /__zcrm/faults: {"faults": [rule, …]}, oldest first.
func (h *handler) faultList(w http.ResponseWriter, r *http.Request, _ map[string]string) error {
	rules, err := h.svc.Faults(r.Context())
	return answer(w, map[string]any{"faults": rules}, err)
}

// faultAdd answers POST /__zcrm/faults with {"id": "<id>"}.
func (h *handler) faultAdd(w http.ResponseWriter, r *http.Request, _ map[string]string) error {
	raw, err := readBody(r, "a fault rule")
	if err != nil {
		return err
	}
	var rule crm.FaultRule
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rule); err != nil {
		return invalid("the body must be a fault rule: " + strings.TrimPrefix(err.Error(), "json: "))
	}
	if rule.ID != 0 || rule.Remaining != 0 || !rule.CreatedTime.IsZero() {
		return invalid("id, remaining and created_time are set by zcrm")
	}
	rule, err = h.svc.AddFault(r.Context(), rule)
	return answer(w, map[string]string{"id": crm.FormatID(rule.ID)}, err)
}

// faultDelete answers DELETE /__zcrm/faults/{id} with {"deleted": 1}.
func (h *handler) faultDelete(w http.ResponseWriter, r *http.Request, params map[string]string) error {
	notFound := &Error{http.StatusNotFound, "NOT_FOUND", "no fault rule " + params["id"]}
	id, ok := crm.ParseID(params["id"])
	if !ok {
		return notFound
	}
	err := h.svc.DeleteFault(r.Context(), id)
	if errors.Is(err, crm.ErrNotFound) {
		return notFound
	}
	return answer(w, map[string]int{"deleted": 1}, err)
}

// faultClear answers DELETE /__zcrm/faults with {"deleted": n}.
func (h *handler) faultClear(w http.ResponseWriter, r *http.Request, _ map[string]string) error {
	n, err := h.svc.ClearFaults(r.Context())
	return answer(w, map[string]int64{"deleted": n}, err)
}
