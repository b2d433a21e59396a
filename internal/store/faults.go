package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/zcrm/zcrm/internal/crm"
)

// Fault rules (migration 0007; crm.FaultTx). Inserting or deleting one advances the control
// generation (TouchControl), so every process loads them again.

const faultCols = `id, method, path, org_id, probability, times, remaining, status, code, message, details, latency_ms, reset, after_effect, created_ms`

// InsertFaultRule stores a rule with its remaining times set to its times.
func (t *Tx) InsertFaultRule(ctx context.Context, r crm.FaultRule) error {
	details := ""
	if r.Details != nil {
		b, err := json.Marshal(r.Details)
		if err != nil {
			return fmt.Errorf("fault rule details: %w", err)
		}
		details = string(b)
	}
	if _, err := t.exec(ctx, `INSERT INTO fault_rules (`+faultCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.ID, r.Method, r.Path, r.OrgID, r.Probability, r.Times, r.Times, r.Status, r.Code, r.Message, details,
		r.LatencyMS, boolInt(r.Reset), boolInt(r.After), ms(r.CreatedTime)); err != nil {
		return fmt.Errorf("insert fault rule: %w", err)
	}
	return t.TouchControl(ctx)
}

// FaultRules returns every rule, oldest first.
func (t *Tx) FaultRules(ctx context.Context) ([]crm.FaultRule, error) {
	rows, err := t.query(ctx, `SELECT `+faultCols+` FROM fault_rules ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("fault rules: %w", err)
	}
	defer rows.Close()
	var out []crm.FaultRule
	for rows.Next() {
		var r crm.FaultRule
		var details string
		var reset, after int
		var created int64
		if err := rows.Scan(&r.ID, &r.Method, &r.Path, &r.OrgID, &r.Probability, &r.Times, &r.Remaining, &r.Status,
			&r.Code, &r.Message, &details, &r.LatencyMS, &reset, &after, &created); err != nil {
			return nil, fmt.Errorf("fault rules: %w", err)
		}
		if details != "" {
			if err := json.Unmarshal([]byte(details), &r.Details); err != nil {
				return nil, fmt.Errorf("fault rule %d details: %w", r.ID, err)
			}
		}
		r.Reset, r.After, r.CreatedTime = reset == 1, after == 1, time.UnixMilli(created)
		out = append(out, r)
	}
	return out, rows.Err()
}

// DeleteFaultRule deletes one rule; crm.ErrNotFound when there is none with the id.
func (t *Tx) DeleteFaultRule(ctx context.Context, id int64) error {
	res, err := t.exec(ctx, `DELETE FROM fault_rules WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("delete fault rule: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return crm.ErrNotFound
	}
	return t.TouchControl(ctx)
}

// DeleteFaultRules deletes every rule and returns how many there were.
func (t *Tx) DeleteFaultRules(ctx context.Context) (int64, error) {
	res, err := t.exec(ctx, `DELETE FROM fault_rules`)
	if err != nil {
		return 0, fmt.Errorf("delete fault rules: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, err
	}
	return n, t.TouchControl(ctx)
}

// SpendFault takes one of a bounded rule's remaining times: false when none is left (or the rule
// is gone).
func (t *Tx) SpendFault(ctx context.Context, id int64) (bool, error) {
	res, err := t.exec(ctx, `UPDATE fault_rules SET remaining = remaining - 1 WHERE id = ? AND remaining > 0`, id)
	if err != nil {
		return false, fmt.Errorf("spend fault: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
