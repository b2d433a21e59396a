package store

import (
	"context"
	"fmt"
	"time"

	"github.com/zcrm/zcrm/internal/crm"
)

// The control plane's shared state (migration 0006): the clock and a generation that every control
// change advances. Each process keeps the state it last read (DB.ctl). A control change also bumps
// every org's version, so a process that cached anything (a token, a cadence list) finds its
// version stale at its next request and looks the token up again, reading the control state in the
// same transaction (Tx.RefreshControl, from oauth's lookup): no request whose cache is current pays
// a read for it.

// controlCols are the control row's columns, in crm.Control's order.
const controlCols = `generation, clock_offset_ms, clock_frozen, clock_frozen_ms`

// scanControl reads one control row.
func scanControl(row interface{ Scan(...any) error }) (crm.Control, error) {
	var c crm.Control
	var offset, frozen, frozenAt int64
	if err := row.Scan(&c.Generation, &offset, &frozen, &frozenAt); err != nil {
		return crm.Control{}, fmt.Errorf("read control state: %w", err)
	}
	c.ClockOffset, c.Frozen = time.Duration(offset)*time.Millisecond, frozen == 1
	if c.Frozen {
		c.FrozenAt = time.UnixMilli(frozenAt)
	}
	return c, nil
}

// publish makes c the process's control state unless it already holds a newer one.
func (db *DB) publish(c crm.Control) {
	for {
		cur := db.ctl.Load()
		if cur != nil && cur.Generation >= c.Generation {
			return
		}
		if db.ctl.CompareAndSwap(cur, &c) {
			return
		}
	}
}

// Control returns the control state this process last read.
func (db *DB) Control() crm.Control {
	if c := db.ctl.Load(); c != nil {
		return *c
	}
	return crm.Control{}
}

// SyncControl reads the control state from the database, makes it the process's and returns it.
func (db *DB) SyncControl(ctx context.Context) (crm.Control, error) {
	c, err := scanControl(db.read.QueryRowContext(ctx, `SELECT `+controlCols+` FROM control WHERE id = 1`))
	if err != nil {
		return crm.Control{}, err
	}
	db.publish(c)
	return db.Control(), nil
}

// now reads the clock: real time moved by the control state's offset, or where it stands frozen.
func (db *DB) now() time.Time {
	c := db.ctl.Load()
	switch {
	case c == nil:
		return db.real()
	case c.Frozen:
		return c.FrozenAt
	default:
		return db.real().Add(c.ClockOffset)
	}
}

// Control reads the control state in this transaction.
func (t *Tx) Control(ctx context.Context) (crm.Control, error) {
	return scanControl(t.queryRow(ctx, `SELECT `+controlCols+` FROM control WHERE id = 1`))
}

// RefreshControl reads the control state in this transaction and makes it the process's, unless
// the process holds a newer one.
func (t *Tx) RefreshControl(ctx context.Context) error {
	c, err := t.Control(ctx)
	if err == nil {
		t.db.publish(c)
	}
	return err
}

// SetClock sets the clock to real time plus offset, or frozen at frozenAt when frozen, advancing
// the generation and every org's version.
func (t *Tx) SetClock(ctx context.Context, offset time.Duration, frozen bool, frozenAt time.Time) error {
	f, at := 0, int64(0)
	if frozen {
		f, at = 1, frozenAt.UnixMilli()
	}
	if _, err := t.exec(ctx, `UPDATE control SET clock_offset_ms = ?, clock_frozen = ?, clock_frozen_ms = ? WHERE id = 1`,
		offset.Milliseconds(), f, at); err != nil {
		return fmt.Errorf("set clock: %w", err)
	}
	return t.TouchControl(ctx)
}

// RealNow returns real time as the store reads it (the clock before the control state's offset).
func (t *Tx) RealNow() time.Time { return t.db.real() }

// TouchControl advances the control generation and every org's version: every process reads the
// control state again and looks again at what it cached, before its next request.
func (t *Tx) TouchControl(ctx context.Context) error {
	clear(t.versions)
	if _, err := t.exec(ctx, `UPDATE control SET generation = generation + 1 WHERE id = 1`); err != nil {
		return fmt.Errorf("advance control generation: %w", err)
	}
	if _, err := t.exec(ctx, `UPDATE org_versions SET version = version + 1`); err != nil {
		return fmt.Errorf("bump org versions: %w", err)
	}
	return nil
}
