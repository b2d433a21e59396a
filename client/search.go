package client

import (
	"context"
	"net/url"
)

// SearchOptions selects the records of SearchRecords and CountRecords. Zoho takes one of
// Criteria, Email, Phone and Word, in that order of preference when several are given.
type SearchOptions struct {
	// Criteria is Zoho's criteria string, e.g. "((Last_Name:equals:Burns\\,B)and(Email:starts_with:b))":
	// parentheses, commas and a trailing backslash inside a value escaped with a backslash.
	Criteria string
	// Email finds records whose email fields equal it; Phone, whose phone fields do.
	Email, Phone string
	// Word finds records with it in any of their text fields.
	Word string
	// Approved is true, false or both (Search only).
	Approved string
	// ListOptions holds fields, paging, page token, sort and converted (Search only; IDs,
	// CustomViewID and ModifiedSince are not search parameters).
	ListOptions
}

func (o *SearchOptions) query() url.Values {
	if o == nil {
		return url.Values{}
	}
	q := o.ListOptions.query()
	setStr(q, "criteria", o.Criteria)
	setStr(q, "email", o.Email)
	setStr(q, "phone", o.Phone)
	setStr(q, "word", o.Word)
	setStr(q, "approved", o.Approved)
	return q
}

// SearchRecords searches a module: GET /{module}/search with opts. No match is an empty page
// (Zoho's 204); a bad criteria string is an *APIError such as INVALID_QUERY.
func (c *Client) SearchRecords(ctx context.Context, module string, opts *SearchOptions) (*RecordPage, error) {
	var p RecordPage
	if _, err := c.read(ctx, pathOf(module, "search"), opts.query(), nil, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// CountRecords counts a module's records, or those opts' Criteria, Email, Phone or Word select:
// GET /{module}/actions/count (only those four options are sent).
func (c *Client) CountRecords(ctx context.Context, module string, opts *SearchOptions) (int, error) {
	q := url.Values{}
	if opts != nil {
		setStr(q, "criteria", opts.Criteria)
		setStr(q, "email", opts.Email)
		setStr(q, "phone", opts.Phone)
		setStr(q, "word", opts.Word)
	}
	var out struct {
		Count int `json:"count"`
	}
	if _, err := c.read(ctx, pathOf(module, "actions", "count"), q, nil, &out); err != nil {
		return 0, err
	}
	return out.Count, nil
}
