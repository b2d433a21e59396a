// Package limits applies Zoho's API limits to zcrm's CRM calls (httpapi.Admitter) and tells the
// accounts server when its token limits apply (oauth.TokenLimiter). In mode zoho each app of an org
// gets as many concurrent calls as the org's edition allows, and the org a rolling 24-hour budget
// of API credits, both counted in the database so that every process on it shares them; past
// either the call is answered HTTP 429 TOO_MANY_REQUESTS, as Zoho does. An app is the OAuth client
// the call's token was issued to (tokens minted without one, by the CLI or zcrmtest, are one app).
// In mode off (the default) a call costs an atomic load and a comparison.
//
// The mode is server-wide (zcrm serve --limits, or PUT /__zcrm/limits) or per org, and an org's
// numbers can be overridden (internal/admin): settings live in the database and every process
// reads them again when the control generation moves (crm.Store.Control).
package limits

import (
	"context"
	"math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/httpapi"
)

// DefaultLease is how long a call holds its concurrency slot when its process dies before giving
// it back: past the longest a request may run (httpapi.DefaultLimits.WriteTimeout), with a margin.
const DefaultLease = 2 * time.Minute

// Limiter applies the limits of the settings in its store. It is safe for concurrent use.
type Limiter struct {
	store crm.Store
	// Lease bounds how long a call holds its slot if its process never gives it back; zero means
	// DefaultLease.
	Lease time.Duration

	mu  sync.Mutex            // held while loading settings
	cur atomic.Pointer[state] // the settings as of a control generation
}

// state is the settings as of a control generation.
type state struct {
	gen      int64
	settings crm.LimitSettings
	anyZoho  bool // some org may be in mode zoho: off everywhere is decided without a lookup
}

// New returns a Limiter on st.
func New(st crm.Store) *Limiter { return &Limiter{store: st} }

// Start returns a Limiter on st for zcrm serve, after recording mode ("off" or "zoho", the
// --limits flag) in the database as the server-wide mode the admin API has not overridden. Every
// process reads the server-wide mode from the database, so the last process started sets it for
// all of them.
func Start(ctx context.Context, st crm.Store, mode string) (*Limiter, error) {
	m, err := crm.ParseLimitMode(mode)
	if err != nil {
		return nil, err
	}
	var set crm.LimitSettings
	if err := st.Read(ctx, func(tx crm.Tx) (err error) { set, err = tx.LimitSettings(ctx); return err }); err != nil {
		return nil, err
	}
	if set.ServeMode == m { // a restart with the same flag writes nothing (no commit on the way to listening)
		return New(st), nil
	}
	if err := st.Write(ctx, func(tx crm.Tx) error { return tx.SetServeLimitMode(ctx, m) }); err != nil {
		return nil, err
	}
	if _, err := st.SyncControl(ctx); err != nil {
		return nil, err
	}
	return New(st), nil
}

// settings returns the settings as of the control generation the process holds, reading them in
// a transaction of their own when that moved (one caller reads; the others wait for it).
func (l *Limiter) settings(ctx context.Context) (*state, error) {
	gen := l.store.Control().Generation
	if s := l.cur.Load(); s != nil && s.gen == gen {
		return s, nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if s := l.cur.Load(); s != nil && s.gen == gen {
		return s, nil
	}
	var set crm.LimitSettings
	err := l.store.Read(ctx, func(tx crm.Tx) error {
		var err error
		set, err = tx.LimitSettings(ctx)
		return err
	})
	if err != nil {
		return nil, err
	}
	return l.keep(gen, set), nil
}

// settingsIn is settings for a caller inside a transaction: it reads them in tx, without waiting
// for another reader (which could be waiting for tx's connection).
func (l *Limiter) settingsIn(ctx context.Context, tx crm.Tx) (*state, error) {
	gen := l.store.Control().Generation
	if s := l.cur.Load(); s != nil && s.gen == gen {
		return s, nil
	}
	set, err := tx.LimitSettings(ctx)
	if err != nil {
		return nil, err
	}
	return l.keep(gen, set), nil
}

// keep makes set the settings as of gen.
func (l *Limiter) keep(gen int64, set crm.LimitSettings) *state {
	s := &state{gen: gen, settings: set, anyZoho: set.ServerMode() == crm.LimitsZoho}
	for _, o := range set.Orgs {
		s.anyZoho = s.anyZoho || o.Mode == crm.LimitsZoho
	}
	l.cur.Store(s)
	return s
}

// nothing is the release of a call that holds no slot.
func nothing() {}

// Admit takes one of the concurrent-call slots of the org's app (Call.ClientPK) and charges the
// call's credits (Credits), in one write transaction, when the org is in mode zoho; it answers 429
// TOO_MANY_REQUESTS when all slots are taken or the credits spent in the last 24 hours of the
// store's clock leave too few.
// A refused call costs nothing; a call already charged (Call.Paid: run again after a control
// change) takes a slot and is not charged again; Admit sets Paid on the call it admits in mode zoho.
// release gives the slot back.
func (l *Limiter) Admit(ctx context.Context, c *httpapi.Call) (release func(), err error) {
	s, err := l.settings(ctx)
	if err != nil {
		return nil, err
	}
	if !s.anyZoho || s.settings.ModeOf(c.OrgID) != crm.LimitsZoho {
		return nothing, nil
	}
	o, edition := s.settings.Org(c.OrgID), crm.Edition(c.Edition)
	slots, cost := o.Concurrency, Credits(c)
	if c.Paid {
		cost = 0 // a write run again after a control change: one call, charged once
	}
	if slots == crm.Unset {
		slots = edition.ConcurrentCalls()
	}
	lease := l.Lease
	if lease <= 0 {
		lease = DefaultLease
	}
	id := rand.Int64N(1<<62) + 1
	// A refusal commits nothing but is no error of the transaction: an error would roll back the
	// other calls of its group-commit batch on PostgreSQL and make them run again alone.
	var refused string
	err = l.store.Write(ctx, func(tx crm.Tx) error {
		refused = ""
		// Credits follow the store's clock, which the control plane moves; leases follow real
		// time, so that a clock moved back never keeps a dead process's slot taken.
		now, wall := tx.Now(), tx.RealNow()
		budget := o.CreditsPerDay
		if budget == crm.Unset {
			users, err := tx.ActiveUsers(ctx, c.OrgID)
			if err != nil {
				return err
			}
			budget = edition.DailyCredits(users)
		}
		from := now.Add(-crm.CreditWindow)
		if err := tx.PruneLimits(ctx, c.OrgID, wall, from); err != nil {
			return err
		}
		inFlight, err := tx.CallsInFlight(ctx, c.OrgID, c.ClientPK, wall)
		if err != nil {
			return err
		}
		if inFlight >= slots {
			refused = crm.MsgConcurrencyLimitExceeded
			return nil
		}
		spent, err := tx.CreditsSpent(ctx, c.OrgID, from, now)
		if err != nil {
			return err
		}
		if spent+cost > budget {
			refused = crm.MsgCreditLimitExceeded
			return nil
		}
		if err := tx.InsertLease(ctx, id, c.OrgID, c.ClientPK, wall.Add(lease)); err != nil {
			return err
		}
		if cost == 0 {
			return nil
		}
		return tx.SpendCredits(ctx, c.OrgID, now, cost)
	})
	if err != nil {
		return nil, err
	}
	if refused != "" {
		return nil, crm.NewError(http.StatusTooManyRequests, "TOO_MANY_REQUESTS", refused, map[string]any{})
	}
	c.Paid = true
	var once sync.Once
	return func() { once.Do(func() { l.release(ctx, id) }) }, nil
}

// release deletes a call's lease, whatever became of the call's context. If it fails the lease
// ends by itself (Lease).
func (l *Limiter) release(ctx context.Context, id int64) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	_ = l.store.Write(ctx, func(tx crm.Tx) error { return tx.DeleteLease(ctx, id) })
}

// TokenLimits reports whether the accounts server's token limits apply to the org (its mode is
// zoho), reading changed settings in tx.
func (l *Limiter) TokenLimits(ctx context.Context, tx crm.Tx, orgID int64) (bool, error) {
	s, err := l.settingsIn(ctx, tx)
	if err != nil {
		return false, err
	}
	return s.anyZoho && s.settings.ModeOf(orgID) == crm.LimitsZoho, nil
}
