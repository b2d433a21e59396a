package httpapi

import (
	"context"
	"errors"
	"math/rand/v2"
	"net"
	"net/http"
	"path"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/zcrm/zcrm/internal/crm"
)

// Fault rules (crm.FaultRule, set through the admin API) as a process applies them: the rules are
// loaded from the database whenever the control generation moved, matched against each CRM request
// once its caller is known (gate.go) and each accounts request on arrival, and a rule bounded in
// times takes one from the database before it fires, so processes never fault more than its times
// between them.

// faultSet is the rules this process applies, as of a control generation.
type faultSet struct {
	store crm.Store
	mu    sync.Mutex // held while loading
	cur   atomic.Pointer[faultRules]
}

// faultRules are the rules as of a control generation.
type faultRules struct {
	gen   int64
	rules []crm.FaultRule
}

func newFaultSet(st crm.Store) *faultSet { return &faultSet{store: st} }

// current returns the rules as of the control generation the process holds: an atomic load while
// it has not moved, one read of the rules (by one caller; the others wait for it) when it has.
func (fs *faultSet) current(ctx context.Context) ([]crm.FaultRule, error) {
	gen := fs.store.Control().Generation
	if c := fs.cur.Load(); c != nil && c.gen == gen {
		return c.rules, nil
	}
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if c := fs.cur.Load(); c != nil && c.gen == gen {
		return c.rules, nil
	}
	var rules []crm.FaultRule
	if err := fs.store.Read(ctx, func(tx crm.Tx) error {
		var err error
		rules, err = tx.FaultRules(ctx)
		return err
	}); err != nil {
		return nil, err
	}
	fs.cur.Store(&faultRules{gen: gen, rules: rules})
	return rules, nil
}

// firing is a rule that matched a request and fires on it.
type firing struct {
	rule  crm.FaultRule
	oauth bool // an accounts request: errors answer as the accounts server's
}

// fire returns the first rule that matches r (of org orgID; 0 when unknown) and fires: its
// probability came up and, when it is bounded, a time was left to take. nil when none.
func (fs *faultSet) fire(ctx context.Context, r *http.Request, orgID int64) (*firing, error) {
	if fs == nil {
		return nil, nil
	}
	rules, err := fs.current(ctx)
	if err != nil || len(rules) == 0 {
		return nil, err
	}
	for _, rule := range rules {
		if !matches(rule, r, orgID) || (rule.Probability < 1 && rand.Float64() >= rule.Probability) {
			continue
		}
		if rule.Times > 0 {
			var left bool
			if err := fs.store.Write(ctx, func(tx crm.Tx) error {
				var err error
				left, err = tx.SpendFault(ctx, rule.ID)
				return err
			}); err != nil {
				return nil, err
			}
			if !left {
				continue
			}
		}
		if st := requestState(nil, r); st != nil && st.capture != nil {
			st.capture.SetFaulted()
		}
		return &firing{rule: rule, oauth: strings.HasPrefix(r.URL.Path, "/oauth/")}, nil
	}
	return nil, nil
}

// matches reports whether the rule applies to r of org orgID.
func matches(rule crm.FaultRule, r *http.Request, orgID int64) bool {
	if rule.Method != "" && rule.Method != "*" && !strings.EqualFold(rule.Method, r.Method) {
		return false
	}
	if rule.OrgID != 0 && rule.OrgID != orgID {
		return false
	}
	ok, _ := path.Match(rule.Path, r.URL.Path)
	return ok
}

// errReset answers a request by resetting its connection (crmRouter.ServeHTTP, resetConn).
var errReset = errors.New("httpapi: fault: reset the connection")

// before applies what the rule does before the request's work: its latency, then, unless it
// answers after the work, its answer. nil lets the work run.
func (f *firing) before(ctx context.Context) error {
	if f.rule.LatencyMS > 0 {
		t := time.NewTimer(time.Duration(f.rule.LatencyMS) * time.Millisecond)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
		}
	}
	if f.rule.After {
		return nil
	}
	return f.answer()
}

// answer is the rule's answer: a reset, an error envelope with its status, or nil when the rule
// only delays.
func (f *firing) answer() error {
	switch {
	case f.rule.Reset:
		return errReset
	case f.rule.Status == 0:
		return nil
	case f.oauth:
		return &accountsFault{status: f.rule.Status, code: f.rule.Code}
	}
	return crm.NewError(f.rule.Status, f.rule.Code, f.rule.Message, f.rule.Details)
}

// accountsFault is a fault's answer to an accounts request: the accounts server's {"error": code}
// with the rule's status.
type accountsFault struct {
	status int
	code   string
}

func (e *accountsFault) Error() string { return "fault: " + e.code }

// resetConn closes the request's connection with a TCP reset (no answer at all), or, where the
// connection cannot be taken over, aborts the answer.
func resetConn(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	conn.Close()
}

// faultAccounts applies the fault rules to an accounts request (/oauth/…) before h serves it. The
// control state is read first: accounts requests carry no org version to bring it along.
func (s *Server) faultAccounts(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := context.WithoutCancel(r.Context())
		f, err := s.accountsFault(ctx, r)
		if err != nil || f == nil { // rules that cannot be read fault nothing: the request fails on its own
			h.ServeHTTP(w, r)
			return
		}
		if err := f.before(ctx); err != nil {
			s.writeAccountsFault(w, r, err)
			return
		}
		if !f.rule.After {
			h.ServeHTTP(w, r)
			return
		}
		h.ServeHTTP(discard{w.Header()}, r) // the work takes effect; its answer is lost
		s.writeAccountsFault(w, r, f.answer())
	})
}

// accountsFault reads the control state and finds the rule that fires on r, if any.
func (s *Server) accountsFault(ctx context.Context, r *http.Request) (*firing, error) {
	if _, err := s.store.SyncControl(ctx); err != nil {
		return nil, err
	}
	return s.faults.fire(ctx, r, 0)
}

// writeAccountsFault answers an accounts request with a fault's answer (a reset or an error).
func (s *Server) writeAccountsFault(w http.ResponseWriter, r *http.Request, err error) {
	var af *accountsFault
	switch {
	case errors.Is(err, errReset):
		resetConn(w)
	case errors.As(err, &af):
		writeJSON(w, af.status, map[string]string{"error": af.code})
	default:
		writeError(w, r, err)
	}
}

// discard is a ResponseWriter that drops the answer.
type discard struct{ h http.Header }

func (d discard) Header() http.Header         { return d.h }
func (d discard) Write(b []byte) (int, error) { return len(b), nil }
func (d discard) WriteHeader(int)             {}
