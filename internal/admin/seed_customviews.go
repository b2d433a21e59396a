package admin

// The fixture section of custom views (see seed.go for the document):
//
//	custom_views  [{"ref","org","module","name","criteria","fields":[…],"sort_by","sort_order"}]
//
// Each entry makes one view of its module in its org, as made by the org's first Administrator
// (crm.CreateCustomView): criteria is Zoho's criteria object (crm/customview_criteria.go), fields
// the columns' api names, sort_by Created_Time or Modified_Time. The view's ref answers its id,
// which cvid takes on record lists, search and count, and a cadence's custom_view.id; a cadences
// entry may name its view {"ref": "<view ref>"} (viewRef).

import (
	"errors"
	"strings"

	"github.com/zcrm/zcrm/internal/crm"
)

const kindView = "a custom view"

// customViewSection is the custom_views section's entries.
var customViewSection = section{"custom_views", "a custom view", []fieldSpec{refField, orgField, {"module", vString},
	{"name", vString}, {"criteria", vAny}, {"fields", vStrings}, {"sort_by", vString}, {"sort_order", vString}}, false}

// customView applies one custom_views entry.
func (a *applier) customView(e entry) error {
	org, err := a.entryOrg(e, 0)
	if err != nil {
		return err
	}
	if !e.has("module") {
		return fixtureErr(e.at("module"), "module is required")
	}
	m, err := crm.APIModule(a.ctx, a.tx, org, e.str("module"), 0)
	if err != nil {
		return failAt(e.at("module"), err)
	}
	actor, err := a.actor(org)
	if err != nil {
		return err
	}
	in := crm.CustomViewInput{Name: e.str("name"), Criteria: crm.CloneJSON(e.obj["criteria"]), SortBy: e.str("sort_by"), SortOrder: e.str("sort_order")}
	fields, _ := e.obj["fields"].([]any)
	for _, f := range fields {
		in.Fields = append(in.Fields, f.(string))
	}
	v, err := crm.CreateCustomView(a.ctx, a.tx, actor, m, in)
	var ve *crm.CustomViewError
	if errors.As(err, &ve) {
		return &FixtureError{Message: ve.Message, Path: e.path + strings.TrimPrefix(ve.Path, "$"), cause: err}
	}
	if err != nil {
		return err
	}
	id := crm.FormatID(v.ID)
	a.defineRef(e, &made{kind: kindView, id: v.ID, org: org.ID, answer: id, module: m.APIName})
	return nil
}

// viewRef lets a cadences entry name its view by ref: "custom_view": {"ref": "hot"} becomes
// {"id": "<hot's id>"} in the body the cadences API is given.
func (a *applier) viewRef(body map[string]any, e entry) error {
	ref, ok := lookupRef(body["custom_view"])
	if !ok {
		return nil
	}
	m, err := a.use(ref, e.at("custom_view")+".ref", kindView)
	if err != nil {
		return err
	}
	body["custom_view"] = map[string]any{"id": m.answer}
	return nil
}
