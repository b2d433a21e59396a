package crm

import (
	"context"
	"time"
)

// FaultRule is a control-plane fault rule: requests it matches (method, path glob, org) fail or
// slow down as it says, with a probability, for a number of times. Rules live in the database, so
// every process on it applies the same ones.
type FaultRule struct {
	ID     int64  `json:"id,string"`
	Method string `json:"method"`        // "" or "*": any method
	Path   string `json:"path"`          // a path.Match glob over the request path, e.g. /crm/*/org
	OrgID  int64  `json:"org_id,string"` // 0: any org
	// Probability is the chance that a matching request is faulted, in (0, 1].
	Probability float64 `json:"probability"`
	// Times is how many requests the rule faults in all (0: no bound); Remaining is what is left of
	// it, shared by every process.
	Times     int64 `json:"times"`
	Remaining int64 `json:"remaining"`
	// Status, Code, Message and Details are the answer: Zoho's error envelope with that status.
	Status  int            `json:"status,omitempty"`
	Code    string         `json:"code,omitempty"`
	Message string         `json:"message,omitempty"`
	Details map[string]any `json:"details,omitempty"`
	// LatencyMS delays the request before anything else happens.
	LatencyMS int `json:"latency_ms,omitempty"`
	// Reset closes the connection instead of answering.
	Reset bool `json:"reset,omitempty"`
	// After lets the request take effect, then answers (or resets) in place of its result.
	After       bool      `json:"after,omitempty"`
	CreatedTime time.Time `json:"created_time"`
}

// FaultTx keeps the fault rules. Each change advances the control generation (ControlTx), so
// every process loads the rules again before its next request.
type FaultTx interface {
	InsertFaultRule(ctx context.Context, r FaultRule) error
	// FaultRules returns every rule, oldest first.
	FaultRules(ctx context.Context) ([]FaultRule, error)
	// DeleteFaultRule deletes one rule; ErrNotFound when there is none with the id.
	DeleteFaultRule(ctx context.Context, id int64) error
	// DeleteFaultRules deletes every rule and returns how many there were.
	DeleteFaultRules(ctx context.Context) (int64, error)
	// SpendFault takes one of a bounded rule's remaining times: false when none is left.
	SpendFault(ctx context.Context, id int64) (bool, error)
}
