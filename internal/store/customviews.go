package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/zcrm/zcrm/internal/crm"
)

// Custom views defined per org (crm.CustomViewTx): one row each, criteria and fields as JSON text.

const customViewCols = `id, org_id, module, name, criteria, fields, sort_by, sort_order, created_by, created_time`

// InsertCustomView stores a new view and bumps the org's version (a cached answer may name views).
func (t *Tx) InsertCustomView(ctx context.Context, v crm.CustomView) error {
	crit, err := json.Marshal(v.Criteria) // nil: "null"
	if err != nil {
		return fmt.Errorf("encode custom view %d criteria: %w", v.ID, err)
	}
	fields := v.Fields
	if fields == nil {
		fields = []string{}
	}
	fb, err := json.Marshal(fields)
	if err != nil {
		return fmt.Errorf("encode custom view %d fields: %w", v.ID, err)
	}
	var sortBy, sortOrder any
	if v.SortBy != "" {
		sortBy, sortOrder = v.SortBy, v.SortOrder
	}
	if _, err := t.exec(ctx, `INSERT INTO custom_views (`+customViewCols+`, name_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		v.ID, v.OrgID, v.Module, v.Name, string(crit), string(fb), sortBy, sortOrder, v.CreatedBy, ms(v.CreatedTime),
		strings.ToLower(v.Name)); err != nil {
		return dupErr(err)
	}
	return t.bumpOrgVersion(ctx, v.OrgID)
}

// CustomViews returns the org's views of module ("" for every module), oldest first (ids grow).
func (t *Tx) CustomViews(ctx context.Context, orgID int64, module string) ([]crm.CustomView, error) {
	q, args := `SELECT `+customViewCols+` FROM custom_views WHERE org_id = ? ORDER BY id`, []any{orgID}
	if module != "" {
		q, args = `SELECT `+customViewCols+` FROM custom_views WHERE org_id = ? AND module = ? ORDER BY id`, []any{orgID, module}
	}
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []crm.CustomView
	for rows.Next() {
		v, err := scanCustomView(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// CustomView returns one of the org's views: crm.ErrNotFound when it has none with that id.
func (t *Tx) CustomView(ctx context.Context, orgID, id int64) (crm.CustomView, error) {
	return scanCustomView(t.queryRow(ctx, `SELECT `+customViewCols+` FROM custom_views WHERE org_id = ? AND id = ?`, orgID, id))
}

func scanCustomView(row interface{ Scan(...any) error }) (crm.CustomView, error) {
	var v crm.CustomView
	var crit, fields string
	var sortBy, sortOrder sql.NullString
	var created int64
	if err := row.Scan(&v.ID, &v.OrgID, &v.Module, &v.Name, &crit, &fields, &sortBy, &sortOrder, &v.CreatedBy, &created); err != nil {
		return crm.CustomView{}, notFound(err)
	}
	v.SortBy, v.SortOrder, v.CreatedTime = sortBy.String, sortOrder.String, fromMS(created)
	if err := decodeJSON(crit, &v.Criteria); err != nil {
		return crm.CustomView{}, fmt.Errorf("decode custom view %d criteria: %w", v.ID, err)
	}
	if err := decodeJSON(fields, &v.Fields); err != nil {
		return crm.CustomView{}, fmt.Errorf("decode custom view %d fields: %w", v.ID, err)
	}
	return v, nil
}
