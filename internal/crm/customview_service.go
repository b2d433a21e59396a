package crm

// Custom views: the built-in "All <Plural>" view of each module (catalog.Module.CustomViews, ids in
// the org's metadata ids) and the views an org defines (CustomView, made by a fixture). A view
// selects records by its criteria (customview_criteria.go): cvid on Get Records, Search Records
// and Record Count (CheckCustomView), and the cadence engine's enrolment (CustomViewMatches), by
// one evaluator.
//
// Where Zoho is silent, zcrm settles:
//   - A view's name is 1 to 50 characters (Zoho's schema: maxLen 50), unique in its module
//     case-insensitively, the built-in view's name included.
//   - fields are field api names of the module (at most 250, Zoho's schema), none repeated.
//   - sort_by is Created_Time or Modified_Time (the fields zcrm's keyset pages can sort on besides
//     id), sort_order asc or desc (default desc). A list with cvid sorts by the view's sort_by
//     (Zoho forbids sort_by beside cvid because the view sorts); the request's sort_order, when
//     given, still orders it.

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/zcrm/zcrm/internal/catalog"
)

// Limits of a custom view's definition.
const (
	MaxViewName   = 50
	MaxViewFields = 250
)

// CustomViewInput is a view's definition as a fixture gives it.
type CustomViewInput struct {
	Name      string
	Criteria  any      // Zoho's criteria object; nil for none
	Fields    []string // field api names
	SortBy    string
	SortOrder string
}

// CreateCustomView checks in against m and stores it as a view of the actor's org made by the actor.
// A definition zcrm cannot use is a *CustomViewError naming its JSON path.
func CreateCustomView(ctx context.Context, tx Tx, actor Actor, m catalog.Module, in CustomViewInput) (CustomView, error) {
	name := strings.TrimSpace(in.Name)
	switch n := utf8.RuneCountInString(name); {
	case n == 0:
		return CustomView{}, viewErr("$.name", "name is required")
	case n > MaxViewName:
		return CustomView{}, viewErr("$.name", "name is longer than %d characters", MaxViewName)
	}
	existing, err := tx.CustomViews(ctx, actor.Org.ID, m.APIName)
	if err != nil {
		return CustomView{}, err
	}
	for _, cv := range m.CustomViews() {
		existing = append(existing, CustomView{Name: cv.Name})
	}
	for _, v := range existing {
		if strings.EqualFold(v.Name, name) {
			return CustomView{}, viewErr("$.name", "%s already has a view named %q", m.APIName, v.Name)
		}
	}
	_, kept, err := CompileViewCriteria(in.Criteria, m)
	if err != nil {
		return CustomView{}, err
	}
	v := CustomView{OrgID: actor.Org.ID, Module: m.APIName, Name: name, Criteria: kept, Fields: []string{},
		CreatedBy: actor.User.ID, CreatedTime: tx.Now()}
	if len(in.Fields) > MaxViewFields {
		return CustomView{}, viewErr("$.fields", "a view shows at most %d fields", MaxViewFields)
	}
	for i, name := range in.Fields {
		f, ok := viewField(m, name)
		if !ok {
			return CustomView{}, viewErr("$.fields["+strconv.Itoa(i)+"]", "%s has no field %q", m.APIName, name)
		}
		for _, have := range v.Fields {
			if have == f.APIName {
				return CustomView{}, viewErr("$.fields["+strconv.Itoa(i)+"]", "field %q is listed twice", f.APIName)
			}
		}
		v.Fields = append(v.Fields, f.APIName)
	}
	if in.SortBy != "" {
		for _, k := range []string{SortByCreatedTime, SortByModifiedTime} {
			if strings.EqualFold(in.SortBy, k) {
				v.SortBy = k
			}
		}
		if v.SortBy == "" {
			return CustomView{}, viewErr("$.sort_by", "sort_by must be %s or %s", SortByCreatedTime, SortByModifiedTime)
		}
		v.SortOrder = "desc"
	}
	if in.SortOrder != "" {
		switch o := strings.ToLower(in.SortOrder); {
		case v.SortBy == "":
			return CustomView{}, viewErr("$.sort_order", "sort_order needs sort_by")
		case o == "asc" || o == "desc":
			v.SortOrder = o
		default:
			return CustomView{}, viewErr("$.sort_order", `sort_order must be "asc" or "desc"`)
		}
	}
	if v.ID, err = tx.NewID(ctx); err != nil {
		return CustomView{}, err
	}
	return v, tx.InsertCustomView(ctx, v)
}

// ViewSelection is what a cvid selects: the view's criteria (nil: every record, as the built-in
// "All" views) and its sort (SortBy "" for the listing's default).
type ViewSelection struct {
	Criteria *Criteria
	SortBy   string
	Desc     bool
}

// And is the view's criteria and c together (either may be nil).
func (s ViewSelection) And(c *Criteria) *Criteria {
	switch {
	case s.Criteria == nil:
		return c
	case c == nil:
		return s.Criteria
	}
	return &Criteria{Op: "and", Kids: []*Criteria{s.Criteria, c}}
}

// Sort applies the view's sort to a listing without sort_by; sortOrderGiven keeps the request's
// sort_order.
func (s ViewSelection) Sort(q *ListQuery, sortOrderGiven bool) {
	if s.SortBy == "" {
		return
	}
	q.SortBy = s.SortBy
	if !sortOrderGiven {
		q.Desc = s.Desc
	}
}

// viewOf finds the view id of module m in the org: builtin when it is the built-in "All" view
// (every record), else the org's own view; ErrNotFound when the module has no such view.
func viewOf(ctx context.Context, tx Tx, org Org, m catalog.Module, id int64) (v CustomView, builtin bool, err error) {
	ids, err := LoadMetaIDs(ctx, tx, org.ID)
	if err != nil {
		return CustomView{}, false, err
	}
	for _, cv := range m.CustomViews() {
		if known, ok := ids.ids[catalog.KeyCustomView(m.APIName, cv.Key)]; ok && known == id {
			return CustomView{ID: id, OrgID: org.ID, Module: m.APIName, Name: cv.Name}, true, nil
		}
	}
	v, err = tx.CustomView(ctx, org.ID, id)
	if err == nil && v.Module != m.APIName {
		err = ErrNotFound
	}
	return v, false, err
}

// selection compiles a stored view's criteria (checked when the view was made).
func (v CustomView) selection(m catalog.Module) (ViewSelection, error) {
	var crit *Criteria
	if v.Criteria != nil {
		var err error
		if crit, _, err = CompileViewCriteria(v.Criteria, m); err != nil {
			return ViewSelection{}, err
		}
	}
	return ViewSelection{Criteria: crit, SortBy: v.SortBy, Desc: v.SortOrder != "asc"}, nil
}

// CustomViewMatches reports whether rec, a record of the org, is in the view with id viewID of its
// module, evaluated in Go (Criteria.Match: the same answer as the store's SQL for a listing with
// that cvid). ErrNotFound when the record's module has no such view. This is the cadence engine's
// test for enrolment by custom view.
func CustomViewMatches(ctx context.Context, tx Tx, org Org, viewID int64, rec Record) (bool, error) {
	m, err := ResolveModule(ctx, tx, org, rec.Module)
	if err != nil {
		return false, err
	}
	v, builtin, err := viewOf(ctx, tx, org, m, viewID)
	if err != nil || builtin {
		return err == nil, err
	}
	sel, err := v.selection(m)
	if err != nil {
		return false, err
	}
	return sel.Criteria.Match(rec), nil
}

// CustomViewName returns the name of the view id of module in the org (the built-in "All" view
// or the org's own): false when the module has none.
func CustomViewName(ctx context.Context, tx Tx, org Org, m catalog.Module, id int64) (string, bool, error) {
	v, _, err := viewOf(ctx, tx, org, m, id)
	if errors.Is(err, ErrNotFound) {
		return "", false, nil
	}
	return v.Name, err == nil, err
}
