package httpapi

import (
	"context"
	"errors"
)

// The gate: what the control plane does to a CRM request once its caller is known and before its
// work runs — fault rules (faults.go) and Zoho's limits (Deps.Limits). It works from the control
// state the process holds (crm.Store.Control), which authentication keeps current: a control change
// bumps every org's version, so a read finds its cached token stale before the gate and looks it up
// again with the control state; a write trusting the token cache learns of it in its transaction
// (call.write), which then gives way with errControlMoved and the request passes the gate again,
// authenticated afresh.

// Admitter applies Zoho's API limits to CRM calls. Admit takes one of the concurrent-call slots of
// the org's app (Zoho counts them per org and app) and charges the call's credits, or answers 429
// TOO_MANY_REQUESTS (a *crm.Error); release gives the slot back once the work is done. nil admits
// everything.
type Admitter interface {
	Admit(ctx context.Context, c *Call) (release func(), err error)
}

// Call is what the gate knows of a CRM request: its caller's org, the route, and how many records
// its body carries (credits).
type Call struct {
	OrgID   int64
	Edition string
	// ClientPK is the app: the OAuth client the call's token was issued to (0: none).
	ClientPK int64
	Method   string
	Path     string
	// Records is the length of the body's "data" array on a record insert, update or upsert; 0
	// otherwise.
	Records int
	// Paid tells that the call's credits were charged on an earlier pass through the gate: a write
	// run again after a control change (errControlMoved) takes a concurrent-call slot again but is
	// one call, charged once. Admit sets it when it charges.
	Paid bool
}

// errControlMoved ends a write that learnt, in its transaction, of a control change its gate did
// not see; the router runs it again through the gate (crmRouter.serve).
var errControlMoved = errors.New("httpapi: the control state moved")

// passage is one request's way through the gate: what to undo when it leaves, and a fault that
// answers in place of its result once its work is done.
type passage struct {
	release func()
	after   *firing
	gen     int64 // the control generation the gate saw
}

// leave releases what the passage holds.
func (p *passage) leave() {
	if p != nil && p.release != nil {
		p.release()
	}
}

// enter runs c through the gate: a fault that answers before the work (or only delays it), then
// Zoho's limits.
func (rt *crmRouter) enter(ctx context.Context, c *call) (*passage, error) {
	p := &passage{gen: rt.s.store.Control().Generation}
	f, err := rt.s.faults.fire(ctx, c.r, c.Org.ID)
	if err != nil {
		return nil, err
	}
	if f != nil {
		if err := f.before(ctx); err != nil {
			return nil, err
		}
		if f.rule.After {
			p.after = f
		}
	}
	if rt.s.limits != nil {
		gc := &Call{OrgID: c.Org.ID, Edition: string(c.Org.Edition), ClientPK: c.ClientPK, Method: c.r.Method, Path: c.r.URL.Path,
			Records: c.records(), Paid: c.paid}
		release, err := rt.s.limits.Admit(ctx, gc)
		if err != nil {
			return nil, err
		}
		p.release, c.paid = release, gc.Paid
	}
	return p, nil
}

// records is the length of the body's "data" array, for credits.
func (c *call) records() int {
	if c.decoded == nil {
		return 0
	}
	data, _ := c.decoded["data"].([]any)
	return len(data)
}
