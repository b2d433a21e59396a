package crm

// A record's activities in chronological order: the grouped related lists
// Activities_Chronological_View (open calls, tasks and meetings) and
// Activities_Chronological_View_History (closed ones), GET /{module}/{id}/{list}.
//
// What Zoho documents (Get Related Records, "Response JSON for Activities_Chronological_View"; the
// Related Lists Metadata note that these "grouped" lists came in v5), and what zcrm settles where
// Zoho is silent:
//   - Each row is the activity with the requested fields its own module has, id, and "$module"
//     naming that module (Zoho's example: fields=Call_Start_Time answers a call as
//     {"Call_Start_Time","id","$module":"Calls"}); a requested field another activity module has
//     is left out of the row.
//   - The activities are the Tasks, Calls and Events whose What_Id or Who_Id names the record — the
//     ones the record's Tasks, Calls and Events lists show — under each module's data sharing.
//   - Open or closed, as Zoho files them: a task is closed once its Status is Completed; a meeting
//     once its End_DateTime has passed (the store's clock, which the control plane moves); a call
//     once it is logged — Call_Type Inbound or Missed, a Call_Duration given, or its
//     Outgoing_Call_Status or Call_Status Completed or Cancelled. A scheduled outbound call stays
//     open, overdue or not.
//   - Chronological: by the task's Due_Date (its midnight, in the org's time zone), the call's
//     Call_Start_Time or the meeting's Start_DateTime, then by id; the open list soonest first, the
//     history latest first; an activity with no time (a task with no due date) comes last.
//   - Zoho's examples hand out no page tokens on these lists (next_page_token null): they page by
//     page and per_page only, within the 2,000 discrete rows, and sort_by does not reorder them.

import (
	"context"
	"slices"
	"time"

	"github.com/zcrm/zcrm/internal/catalog"
)

// timelineItem is one activity of a chronological list and the time that places it.
type timelineItem struct {
	rec  Record
	when time.Time // zero: undated
}

// listTimeline is ListRelated for a grouped chronological list (catalog.RelatedList.Timeline).
// It reads every activity linked to the parent, since the order mixes three modules' fields; a
// record's activities are few beside its module's records.
func listTimeline(ctx context.Context, tx Tx, actor Actor, t RelatedTarget, parentID int64, q ListQuery) (RelatedPage, error) {
	closed := t.List.Timeline == catalog.TimelineClosed
	now := tx.Now()
	modules := map[string]catalog.Module{}
	var items []timelineItem
	for _, name := range catalog.TimelineModules {
		m, err := ResolveModule(ctx, tx, actor.Org, name)
		if err != nil {
			return RelatedPage{}, err
		}
		modules[name] = m
		owner, err := VisibleOwner(ctx, tx, actor, name)
		if err != nil {
			return RelatedPage{}, err
		}
		recs, err := tx.ListRecords(ctx, RecordQuery{OrgID: actor.Org.ID, Module: name, IDs: q.IDs, OwnerID: owner,
			Criteria: attachedTo(t.List.By, parentID), SortBy: SortByID, Limit: 1 << 30})
		if err != nil {
			return RelatedPage{}, err
		}
		for _, r := range recs {
			if activityClosed(r, now) == closed {
				items = append(items, timelineItem{rec: r, when: activityTime(r)})
			}
		}
	}
	slices.SortFunc(items, func(a, b timelineItem) int {
		switch {
		case a.when.IsZero() != b.when.IsZero():
			if a.when.IsZero() {
				return 1
			}
			return -1
		case !a.when.Equal(b.when):
			if closed {
				return b.when.Compare(a.when)
			}
			return a.when.Compare(b.when)
		case a.rec.ID < b.rec.ID:
			return -1
		case a.rec.ID > b.rec.ID:
			return 1
		}
		return 0
	})
	p, err := newPager(tx, actor, q, "related", t.Parent.APIName, FormatID(parentID), t.List.APIName)
	if err != nil {
		return RelatedPage{}, err
	}
	p.noTokens = true
	page, pi, err := keysetPage(p, func(cur *Cursor, offset, limit int) ([]timelineItem, error) {
		if cur != nil || offset >= len(items) {
			return nil, nil // no tokens are handed out here, so no cursor reaches this list
		}
		return items[offset:min(len(items), offset+limit)], nil
	}, func(it timelineItem) Record { return it.rec })
	if err != nil {
		return RelatedPage{}, err
	}
	rows := make([]map[string]any, len(page))
	r := newRenderer(ctx, tx, actor.Org)
	for _, name := range catalog.TimelineModules {
		var at []int
		var recs []Record
		for i, it := range page {
			if it.rec.Module == name {
				at, recs = append(at, i), append(recs, it.rec)
			}
		}
		if len(recs) == 0 {
			continue
		}
		out, err := r.rows(modules[name], recs, q.Fields)
		if err != nil {
			return RelatedPage{}, err
		}
		for j, i := range at {
			out[j]["$module"] = name
			rows[i] = out[j]
		}
	}
	return RelatedPage{Data: rows, Info: relatedInfo(q, len(rows), pi)}, nil
}

// activityClosed reports whether the activity rec is a closed one at now (the package comment's
// rules).
func activityClosed(rec Record, now time.Time) bool {
	str := func(k string) string { s, _ := rec.Data[k].(string); return s }
	switch rec.Module {
	case "Tasks":
		return str("Status") == "Completed"
	case "Events":
		end, ok := ParseTime(str("End_DateTime"))
		return ok && !end.After(now)
	case "Calls":
		if t := str("Call_Type"); t == "Inbound" || t == "Missed" || !blank(rec.Data["Call_Duration"]) {
			return true
		}
		for _, k := range []string{"Outgoing_Call_Status", "Call_Status"} {
			if s := str(k); s == "Completed" || s == "Cancelled" {
				return true
			}
		}
	}
	return false
}

// activityTime is the time that places the activity rec in a chronological list; zero when it has
// none.
func activityTime(rec Record) time.Time {
	switch rec.Module {
	case "Tasks":
		s, _ := rec.Data["Due_Date"].(string)
		if d, err := time.ParseInLocation(time.DateOnly, s, TimeZone); err == nil {
			return d
		}
	case "Calls", "Events":
		k := map[string]string{"Calls": "Call_Start_Time", "Events": "Start_DateTime"}[rec.Module]
		s, _ := rec.Data[k].(string)
		if t, ok := ParseTime(s); ok {
			return t
		}
	}
	return time.Time{}
}
