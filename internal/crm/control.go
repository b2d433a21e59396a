package crm

import (
	"context"
	"time"
)

// Control is the control plane's state shared by every process on a database, as a process last
// read it: the clock, and a generation that every control change (clock, fault rules, limits)
// advances.
type Control struct {
	Generation int64
	// ClockOffset is added to real time while the clock runs.
	ClockOffset time.Duration
	// Frozen stops the clock at FrozenAt.
	Frozen   bool
	FrozenAt time.Time
}

// ControlTx changes the control state.
type ControlTx interface {
	// Control reads the control state in the transaction.
	Control(ctx context.Context) (Control, error)
	// RefreshControl reads it and makes it the process's (crm.Store.Control), unless the process
	// holds a newer one. Token lookups do, since every control change bumps every org's version.
	RefreshControl(ctx context.Context) error
	// SetClock sets the clock: real time plus offset, or standing at frozenAt when frozen.
	SetClock(ctx context.Context, offset time.Duration, frozen bool, frozenAt time.Time) error
	// RealNow is real time, before the clock's offset.
	RealNow() time.Time
	// TouchControl advances the generation and every org's cache version, so that every process
	// reads the control state again before its next request.
	TouchControl(ctx context.Context) error
}
