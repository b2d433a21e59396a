package zcrmtest

import (
	"context"
	"time"

	"github.com/zcrm/zcrm/internal/crm"
)

// The control plane's clock and fault rules, as the admin API's /__zcrm/clock and /__zcrm/faults
// set them: they live in the server's database, so every process on it sees them.

// SetClock sets the server's clock at t, standing still there when frozen, or running on from
// there. Token and grant-code expiry, Created_Time and Modified_Time and cadence timestamps follow
// it; Client's token refresh does too.
func (s *Server) SetClock(t time.Time, frozen bool) {
	if s.tb != nil {
		s.tb.Helper()
	}
	if _, err := s.admin.SetClock(context.Background(), &t, frozen); err != nil {
		s.fail(err)
	}
}

// AdvanceClock moves the server's clock forward by d, frozen or running, and returns its reading.
func (s *Server) AdvanceClock(d time.Duration) time.Time {
	if s.tb != nil {
		s.tb.Helper()
	}
	st, err := s.admin.AdvanceClock(context.Background(), d)
	if err != nil {
		s.fail(err)
	}
	return st.Now
}

// RealClock returns the server's clock to real time (WithClock's, when given).
func (s *Server) RealClock() {
	if s.tb != nil {
		s.tb.Helper()
	}
	if _, err := s.admin.SetClock(context.Background(), nil, false); err != nil {
		s.fail(err)
	}
}

// Fault is a fault rule (POST /__zcrm/faults): requests it matches fail or slow down as it says.
type Fault struct {
	Method string // "" or "*": any
	Path   string // a glob over the request path, e.g. /crm/*/Contacts or /oauth/v2/token
	OrgID  string // "": any org
	// Probability is the chance a matching request is faulted (0 means 1); Times how many requests
	// it faults in all (0: no bound).
	Probability float64
	Times       int
	// Status, Code, Message and Details are the answer, in Zoho's error envelope.
	Status  int
	Code    string
	Message string
	Details map[string]any
	Latency time.Duration // delays the request first (millisecond precision)
	Reset   bool          // closes the connection instead of answering
	After   bool          // the request takes effect, then its answer is replaced (or reset)
}

// AddFault adds a fault rule and returns its id; an invalid rule fails the test.
func (s *Server) AddFault(f Fault) string {
	if s.tb != nil {
		s.tb.Helper()
	}
	var org int64
	if f.OrgID != "" {
		var err error
		if org, err = parseID("org", f.OrgID); err != nil {
			s.fail(err)
		}
	}
	rule, err := s.admin.AddFault(context.Background(), crm.FaultRule{Method: f.Method, Path: f.Path, OrgID: org,
		Probability: f.Probability, Times: int64(f.Times), Status: f.Status, Code: f.Code, Message: f.Message,
		Details: f.Details, LatencyMS: int(f.Latency.Milliseconds()), Reset: f.Reset, After: f.After})
	if err != nil {
		s.fail(err)
	}
	return crm.FormatID(rule.ID)
}

// ClearFaults deletes every fault rule.
func (s *Server) ClearFaults() {
	if s.tb != nil {
		s.tb.Helper()
	}
	if _, err := s.admin.ClearFaults(context.Background()); err != nil {
		s.fail(err)
	}
}
