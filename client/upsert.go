package client

import (
	"context"
	"encoding/json"
	"net/http"
)

// UpsertResult is one element's answer to UpsertRecords: its item, and for a success what was
// done with it.
type UpsertResult struct {
	Item
	// Action is "insert" (no record matched: "record added") or "update" (the record that matched
	// was updated: "record updated"); "" for an error item.
	Action string
	// DuplicateField is the duplicate check field the element was matched on (for an insert, the
	// one it was checked on); "" when Zoho sends null.
	DuplicateField string
}

// UpsertResults is an upsert's answer: HTTP 200 when every element succeeded (inserts included),
// 207 when some did, 400 when none did; one result per element, in request order.
type UpsertResults struct {
	// StatusCode is the HTTP status of the answer.
	StatusCode int
	// Items is every element's result.
	Items []UpsertResult
}

// UpsertRecords inserts or updates records: POST /{module}/upsert. Each record updates the record
// it matches on the duplicate check fields (in order; the module's system-defined duplicate check
// field and unique fields when none are given) or is inserted when none matches. As with
// InsertRecords, a failed element makes the error an *ItemsError; the results are returned either
// way.
func (c *Client) UpsertRecords(ctx context.Context, module string, records []Record, duplicateCheckFields ...string) (UpsertResults, error) {
	body := map[string]any{"data": nonNilRecords(records)}
	if len(duplicateCheckFields) > 0 {
		body["duplicate_check_fields"] = duplicateCheckFields
	}
	res, err := c.call(ctx, http.MethodPost, pathOf(module, "upsert"), nil, body, nil)
	if err != nil {
		return UpsertResults{}, err
	}
	switch res.StatusCode {
	case http.StatusOK, http.StatusMultiStatus, http.StatusBadRequest:
	default:
		return UpsertResults{}, res.errorOf()
	}
	items, itemsErr := res.Items("data")
	if items.Items == nil {
		return UpsertResults{}, itemsErr
	}
	var extra struct {
		Data []struct {
			Action         string  `json:"action"`
			DuplicateField *string `json:"duplicate_field"`
		} `json:"data"`
	}
	if err := json.Unmarshal(res.Body, &extra); err != nil {
		return UpsertResults{}, err
	}
	out := UpsertResults{StatusCode: items.StatusCode, Items: make([]UpsertResult, len(items.Items))}
	for i, it := range items.Items {
		out.Items[i].Item = it
		if i < len(extra.Data) {
			out.Items[i].Action = extra.Data[i].Action
			if f := extra.Data[i].DuplicateField; f != nil {
				out.Items[i].DuplicateField = *f
			}
		}
	}
	return out, itemsErr
}
