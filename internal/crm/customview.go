package crm

import (
	"context"
	"time"
)

// CustomView is a custom view an org defines on a module (a fixture's custom_views section), beside
// the built-in "All <Plural>" views of the catalogue. Criteria is Zoho's criteria object as the view
// was created with it (customview_criteria.go), nil when the view selects every record.
type CustomView struct {
	ID          int64
	OrgID       int64
	Module      string
	Name        string
	Criteria    map[string]any
	Fields      []string // field api names, in the view's order
	SortBy      string   // "" when the view names no sort
	SortOrder   string   // "asc" or "desc"; "" with no SortBy
	CreatedBy   int64
	CreatedTime time.Time
}

// CustomViewTx is the store's view of custom views. Lookups return ErrNotFound when nothing
// matches; another org's view is indistinguishable from a missing one.
type CustomViewTx interface {
	// InsertCustomView stores a new view (ErrDuplicate when the module has a view of that name,
	// case-insensitively) and bumps the org's cache version.
	InsertCustomView(ctx context.Context, v CustomView) error
	// CustomViews returns the org's views of module (of every module when module is ""), oldest
	// first.
	CustomViews(ctx context.Context, orgID int64, module string) ([]CustomView, error)
	// CustomView returns one of the org's views.
	CustomView(ctx context.Context, orgID, id int64) (CustomView, error)
}
