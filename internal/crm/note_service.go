package crm

// Notes: records of the Notes module (Note_Title, Note_Content, Parent_Id: activity.go) with the
// rules of Zoho's v8 Notes API (crm-oas v8.0/notes) on top of the records API's:
//   - Each note of a create or an update gives Note_Title or Note_Content (not both empty):
//     otherwise EXPECTED_FIELD_MISSING "should contain either content or title" with both fields'
//     api_name and json_path (Zoho's 207 examples).
//   - A note created through POST /Notes names its parent in Parent_Id; zcrm answers one without
//     it MANDATORY_NOT_FOUND "required field not found" (Zoho's older pages call it mandatory; its
//     v8 page lists no answer). One created under a record (POST /{module}/{id}/Notes) gets that
//     record as its parent, whatever Parent_Id it carries.
//   - A created note's details are id, Created/Modified Time and By, without the $approval_state
//     records carry (Zoho's Create Notes examples); list, get, update and delete answer as records do
//     ("record updated", "record deleted", "record not deleted").

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/zcrm/zcrm/internal/catalog"
)

// MsgNoteContentOrTitle is the message of a note without title and content.
const MsgNoteContentOrTitle = "should contain either content or title"

// NoteParent is the record a note is created under.
type NoteParent struct {
	Module string
	ID     int64
}

// errNoteEmpty is the item error of element i without Note_Title and Note_Content.
func errNoteEmpty(i int) *Error {
	base := "$.data[" + strconv.Itoa(i) + "]."
	return NewError(http.StatusBadRequest, "EXPECTED_FIELD_MISSING", MsgNoteContentOrTitle, map[string]any{"expected_fields": []any{
		APIPath("Note_Content", base+"Note_Content"), APIPath("Note_Title", base+"Note_Title")}})
}

// noteItems checks each element of data before the records API runs: title or content, and on
// create a parent. A failing element is left out (nil: the records API then writes nothing for it)
// and gets its error in the returned items. parent, when not nil, becomes each note's Parent_Id.
func noteItems(data []any, create bool, parent *NoteParent) ([]any, []*Error) {
	out := make([]any, len(data))
	errs := make([]*Error, len(data))
	for i, raw := range data {
		obj, ok := raw.(map[string]any)
		if !ok {
			out[i] = raw // the records API reports it
			continue
		}
		if blank(obj["Note_Title"]) && blank(obj["Note_Content"]) {
			errs[i] = errNoteEmpty(i)
			continue
		}
		cp := make(map[string]any, len(obj)+1)
		for k, v := range obj {
			cp[k] = v
		}
		if parent != nil {
			cp["Parent_Id"] = map[string]any{"module": map[string]any{"api_name": parent.Module}, "id": FormatID(parent.ID)}
		} else if create && cp["Parent_Id"] == nil {
			errs[i] = ErrMandatory(MsgRequiredFieldNotFound, APIPath("Parent_Id", "$.data["+strconv.Itoa(i)+"].Parent_Id"))
			continue
		}
		out[i] = cp
	}
	return out, errs
}

// withNoteErrors puts the checks' errors in place of the records API's items.
func withNoteErrors(items []Item, errs []*Error) []Item {
	for i, e := range errs {
		if e != nil {
			items[i] = e.Item()
		}
	}
	return items
}

// InsertNotes creates the notes of data (Notes module m), one item per element, under parent when
// it is not nil.
func InsertNotes(ctx context.Context, tx Tx, actor Actor, m catalog.Module, data []any, parent *NoteParent) ([]Item, error) {
	checked, errs := noteItems(data, true, parent)
	items, err := InsertRecords(ctx, tx, actor, m, checked)
	if err != nil {
		return nil, err
	}
	for _, it := range items {
		delete(it.Details, "$approval_state")
	}
	return withNoteErrors(items, errs), nil
}

// UpdateNotes updates the notes each element's id names (PUT /Notes).
func UpdateNotes(ctx context.Context, tx Tx, actor Actor, m catalog.Module, data []any) ([]Item, error) {
	checked, errs := noteItems(data, false, nil)
	items, err := UpdateRecords(ctx, tx, actor, m, checked)
	if err != nil {
		return nil, err
	}
	return withNoteErrors(items, errs), nil
}

// UpdateNote updates the note named in the path (PUT /Notes/{id}).
func UpdateNote(ctx context.Context, tx Tx, actor Actor, m catalog.Module, rawID string, data []any) ([]Item, error) {
	checked, errs := noteItems(data, false, nil)
	items, err := UpdateRecord(ctx, tx, actor, m, rawID, checked)
	if err != nil {
		return nil, err
	}
	return withNoteErrors(items, errs), nil
}

// NoteUnder checks that the note noteID (the path's, resource_path_index 3) is one of the notes of
// the parent record: 400 INVALID_DATA "the id given seems to be invalid" otherwise, as for an id
// that names nothing (Zoho's Update and Delete a Specific Note under a record).
func NoteUnder(ctx context.Context, tx Tx, orgID int64, parentModule string, parentID int64, rawNoteID string) error {
	bad := ErrPathID(MsgIDGivenInvalid, 3)
	id, ok := ParseID(rawNoteID)
	if !ok {
		return bad
	}
	note, err := tx.Record(ctx, orgID, "Notes", id)
	if errors.Is(err, ErrNotFound) {
		return bad
	} else if err != nil {
		return err
	}
	p, _ := note.Data["Parent_Id"].(map[string]any)
	if p["id"] != FormatID(parentID) || p["module"] != parentModule {
		return bad
	}
	return nil
}
