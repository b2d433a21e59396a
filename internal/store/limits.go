package store

import (
	"context"
	"fmt"
	"time"

	"github.com/zcrm/zcrm/internal/crm"
)

// Zoho's API limits (migration 0008; crm.LimitTx): the settings, and the bookkeeping that counts
// concurrent calls and credits across every process on the database. A change of settings
// advances the control generation (TouchControl), so every process reads them again.

// LimitSettings reads the server-wide mode and every org's overrides.
func (t *Tx) LimitSettings(ctx context.Context) (crm.LimitSettings, error) {
	var s crm.LimitSettings
	var serve, mode string
	if err := t.queryRow(ctx, `SELECT serve_mode, mode FROM limit_server WHERE id = 1`).Scan(&serve, &mode); err != nil {
		return s, fmt.Errorf("read limits: %w", err)
	}
	s.ServeMode, s.Mode = crm.LimitMode(serve), crm.LimitMode(mode)
	rows, err := t.query(ctx, `SELECT org_id, mode, concurrency, credits_per_day FROM limit_orgs`)
	if err != nil {
		return s, fmt.Errorf("read org limits: %w", err)
	}
	defer rows.Close()
	s.Orgs = map[int64]crm.OrgLimits{}
	for rows.Next() {
		var id int64
		var o crm.OrgLimits
		if err := rows.Scan(&id, &mode, &o.Concurrency, &o.CreditsPerDay); err != nil {
			return s, fmt.Errorf("read org limits: %w", err)
		}
		o.Mode = crm.LimitMode(mode)
		s.Orgs[id] = o
	}
	return s, rows.Err()
}

// SetServeLimitMode records the mode zcrm serve starts with; the generation advances only when it
// changed, so a restart with the same flag disturbs no cache.
func (t *Tx) SetServeLimitMode(ctx context.Context, m crm.LimitMode) error {
	res, err := t.exec(ctx, `UPDATE limit_server SET serve_mode = ? WHERE id = 1 AND serve_mode <> ?`, string(m), string(m))
	if err != nil {
		return fmt.Errorf("set serve limits mode: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return err
	}
	return t.TouchControl(ctx)
}

// SetLimitMode sets the server-wide mode ("" returns to the serve mode).
func (t *Tx) SetLimitMode(ctx context.Context, m crm.LimitMode) error {
	if _, err := t.exec(ctx, `UPDATE limit_server SET mode = ? WHERE id = 1`, string(m)); err != nil {
		return fmt.Errorf("set limits mode: %w", err)
	}
	return t.TouchControl(ctx)
}

// SetOrgLimits replaces the org's overrides; overrides that override nothing delete its row.
func (t *Tx) SetOrgLimits(ctx context.Context, orgID int64, o crm.OrgLimits) error {
	var err error
	if o.Empty() {
		_, err = t.exec(ctx, `DELETE FROM limit_orgs WHERE org_id = ?`, orgID)
	} else {
		_, err = t.exec(ctx, `INSERT INTO limit_orgs (org_id, mode, concurrency, credits_per_day) VALUES (?, ?, ?, ?)
			ON CONFLICT (org_id) DO UPDATE SET mode = excluded.mode, concurrency = excluded.concurrency, credits_per_day = excluded.credits_per_day`,
			orgID, string(o.Mode), o.Concurrency, o.CreditsPerDay)
	}
	if err != nil {
		return fmt.Errorf("set org limits: %w", err)
	}
	return t.TouchControl(ctx)
}

// ClearLimits deletes the admin API's settings (the serve mode stays) and all bookkeeping.
func (t *Tx) ClearLimits(ctx context.Context) error {
	for _, q := range []string{`UPDATE limit_server SET mode = ''`, `DELETE FROM limit_orgs`, `DELETE FROM limit_leases`,
		`DELETE FROM limit_credits`, `DELETE FROM limit_token_mints`} {
		if _, err := t.exec(ctx, q); err != nil {
			return fmt.Errorf("clear limits: %w", err)
		}
	}
	return t.TouchControl(ctx)
}

// ActiveUsers counts the org's active users.
func (t *Tx) ActiveUsers(ctx context.Context, orgID int64) (int, error) {
	var n int
	if err := t.queryRow(ctx, `SELECT COUNT(*) FROM users WHERE org_id = ? AND status = 'active'`, orgID).Scan(&n); err != nil {
		return 0, fmt.Errorf("count users: %w", err)
	}
	return n, nil
}

// PruneLimits deletes the org's leases ended by leasesEnd and credits of minutes before creditsFrom.
func (t *Tx) PruneLimits(ctx context.Context, orgID int64, leasesEnd, creditsFrom time.Time) error {
	if _, err := t.exec(ctx, `DELETE FROM limit_leases WHERE org_id = ? AND until_ms <= ?`, orgID, ms(leasesEnd)); err != nil {
		return fmt.Errorf("prune leases: %w", err)
	}
	if _, err := t.exec(ctx, `DELETE FROM limit_credits WHERE org_id = ? AND minute_ms <= ?`, orgID, ms(creditsFrom)); err != nil {
		return fmt.Errorf("prune credits: %w", err)
	}
	return nil
}

// CallsInFlight counts the leases of the org's app clientPK (crm.AnyApp: of all its apps) that end
// after at.
func (t *Tx) CallsInFlight(ctx context.Context, orgID, clientPK int64, at time.Time) (int64, error) {
	q, args := `SELECT COUNT(*) FROM limit_leases WHERE org_id = ? AND client_pk = ? AND until_ms > ?`, []any{orgID, clientPK, ms(at)}
	if clientPK == crm.AnyApp {
		q, args = `SELECT COUNT(*) FROM limit_leases WHERE org_id = ? AND until_ms > ?`, []any{orgID, ms(at)}
	}
	var n int64
	if err := t.queryRow(ctx, q, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count leases: %w", err)
	}
	return n, nil
}

// InsertLease records a call of the org's app clientPK in progress until until.
func (t *Tx) InsertLease(ctx context.Context, id, orgID, clientPK int64, until time.Time) error {
	if _, err := t.exec(ctx, `INSERT INTO limit_leases (id, org_id, client_pk, until_ms) VALUES (?, ?, ?, ?)`, id, orgID, clientPK, ms(until)); err != nil {
		return fmt.Errorf("insert lease: %w", err)
	}
	return nil
}

// DeleteLease ends a call's lease; one already gone is not an error.
func (t *Tx) DeleteLease(ctx context.Context, id int64) error {
	if _, err := t.exec(ctx, `DELETE FROM limit_leases WHERE id = ?`, id); err != nil {
		return fmt.Errorf("delete lease: %w", err)
	}
	return nil
}

// CreditsSpent sums the credits of the org's minutes that start in (from, to].
func (t *Tx) CreditsSpent(ctx context.Context, orgID int64, from, to time.Time) (int64, error) {
	var n int64
	if err := t.queryRow(ctx, `SELECT COALESCE(SUM(credits), 0) FROM limit_credits WHERE org_id = ? AND minute_ms > ? AND minute_ms <= ?`,
		orgID, ms(from), ms(to)).Scan(&n); err != nil {
		return 0, fmt.Errorf("sum credits: %w", err)
	}
	return n, nil
}

// SpendCredits adds credits to the org's minute that holds at.
func (t *Tx) SpendCredits(ctx context.Context, orgID int64, at time.Time, credits int64) error {
	minute := ms(at.Truncate(time.Minute))
	if _, err := t.exec(ctx, `INSERT INTO limit_credits (org_id, minute_ms, credits) VALUES (?, ?, ?)
		ON CONFLICT (org_id, minute_ms) DO UPDATE SET credits = limit_credits.credits + excluded.credits`, orgID, minute, credits); err != nil {
		return fmt.Errorf("spend credits: %w", err)
	}
	return nil
}

// TokenMints deletes the refresh token's mints before from and counts those in (from, to].
func (t *Tx) TokenMints(ctx context.Context, refreshID int64, from, to time.Time) (int, error) {
	if _, err := t.exec(ctx, `DELETE FROM limit_token_mints WHERE refresh_id = ? AND time_ms <= ?`, refreshID, ms(from)); err != nil {
		return 0, fmt.Errorf("prune token mints: %w", err)
	}
	var n int
	if err := t.queryRow(ctx, `SELECT COUNT(*) FROM limit_token_mints WHERE refresh_id = ? AND time_ms > ? AND time_ms <= ?`,
		refreshID, ms(from), ms(to)).Scan(&n); err != nil {
		return 0, fmt.Errorf("count token mints: %w", err)
	}
	return n, nil
}

// InsertTokenMint records an access token minted by the refresh token at at.
func (t *Tx) InsertTokenMint(ctx context.Context, refreshID int64, at time.Time) error {
	if _, err := t.exec(ctx, `INSERT INTO limit_token_mints (refresh_id, time_ms) VALUES (?, ?)`, refreshID, ms(at)); err != nil {
		return fmt.Errorf("insert token mint: %w", err)
	}
	return nil
}
