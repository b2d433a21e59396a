package client

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Ref is a {name, id} reference: a user (created_by, modified_by, Owner), a custom view, a
// contact role, a draft or parent cadence.
type Ref struct {
	Name string `json:"name,omitempty"`
	ID   string `json:"id,omitempty"`
}

// UnmarshalJSON accepts the id as a string or as a bare JSON number (Zoho's v7 Get Cadences sends
// custom_view.id unquoted).
func (r *Ref) UnmarshalJSON(b []byte) error {
	var raw struct {
		Name string          `json:"name"`
		ID   json.RawMessage `json:"id"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	id, err := flexString(raw.ID)
	if err != nil {
		return fmt.Errorf("ref id: %w", err)
	}
	*r = Ref{Name: raw.Name, ID: id}
	return nil
}

// ModuleRef is a {api_name, id} module reference.
type ModuleRef struct {
	APIName string `json:"api_name,omitempty"`
	ID      string `json:"id,omitempty"`
}

// UnmarshalJSON accepts the id as a string or a bare JSON number.
func (m *ModuleRef) UnmarshalJSON(b []byte) error {
	var raw struct {
		APIName string          `json:"api_name"`
		ID      json.RawMessage `json:"id"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	id, err := flexString(raw.ID)
	if err != nil {
		return fmt.Errorf("module id: %w", err)
	}
	*m = ModuleRef{APIName: raw.APIName, ID: id}
	return nil
}

// flexString reads a JSON string, number or null as a string.
func flexString(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	if raw[0] == '"' {
		var s string
		err := json.Unmarshal(raw, &s)
		return s, err
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err != nil {
		return "", err
	}
	return n.String(), nil
}

// Info is the paging block of a list answer. Fields a given endpoint does not send stay zero.
type Info struct {
	PerPage           int    `json:"per_page"`
	Count             int    `json:"count"`
	Page              int    `json:"page"`
	MoreRecords       bool   `json:"more_records"`
	NextPageToken     string `json:"next_page_token,omitempty"`
	PreviousPageToken string `json:"previous_page_token,omitempty"`
	PageTokenExpiry   string `json:"page_token_expiry,omitempty"`
	SortBy            string `json:"sort_by,omitempty"`
	SortOrder         string `json:"sort_order,omitempty"`
}

// ListOptions are the query parameters of record, related-record and deal-contact-role reads.
// Zero values are left out.
type ListOptions struct {
	// Fields names the fields to return (mandatory for lists in v7+; at most 50).
	Fields []string
	// IDs restricts the answer to these ids.
	IDs []string
	// Page and PerPage select a page (defaults 1 and 200).
	Page, PerPage int
	// PageToken continues a listing beyond 2,000 records: a page's Info.NextPageToken (or
	// PreviousPageToken), sent with the same other options, without Page. RecordsAll walks them.
	PageToken string
	// SortBy is id, Created_Time or Modified_Time; SortOrder asc or desc.
	SortBy, SortOrder string
	// Converted is true, false or both (Leads and the like).
	Converted string
	// CustomViewID lists a custom view's records (cvid).
	CustomViewID string
	// ModifiedSince sends If-Modified-Since; the server answers 304 when nothing changed.
	ModifiedSince time.Time
}

func (o *ListOptions) query() url.Values {
	q := url.Values{}
	if o == nil {
		return q
	}
	if len(o.Fields) > 0 {
		q.Set("fields", strings.Join(o.Fields, ","))
	}
	if len(o.IDs) > 0 {
		q.Set("ids", strings.Join(o.IDs, ","))
	}
	setInt(q, "page", o.Page)
	setInt(q, "per_page", o.PerPage)
	setStr(q, "page_token", o.PageToken)
	setStr(q, "sort_by", o.SortBy)
	setStr(q, "sort_order", o.SortOrder)
	setStr(q, "converted", o.Converted)
	setStr(q, "cvid", o.CustomViewID)
	return q
}

func (o *ListOptions) header() map[string][]string {
	if o == nil || o.ModifiedSince.IsZero() {
		return nil
	}
	return map[string][]string{"If-Modified-Since": {o.ModifiedSince.Format(zohoTimeLayout)}}
}

func setInt(q url.Values, k string, v int) {
	if v != 0 {
		q.Set(k, strconv.Itoa(v))
	}
}

func setStr(q url.Values, k, v string) {
	if v != "" {
		q.Set(k, v)
	}
}

// zohoTimeLayout is how Zoho writes record times: ISO 8601 to the second with a colon offset.
const zohoTimeLayout = "2006-01-02T15:04:05-07:00"

// ParseTime parses a Zoho time: record times ("2024-07-17T20:38:22+05:30"), cadence times
// ("2024-07-17T20:38:22-0700", no colon in the offset) and RFC 3339.
func ParseTime(s string) (time.Time, error) {
	for _, layout := range []string{zohoTimeLayout, "2006-01-02T15:04:05-0700", time.RFC3339Nano} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("zcrm client: %q is not a Zoho time", s)
}

// FormatTime renders t as Zoho expects datetime values on input: "2024-07-17T20:38:22+05:30".
func FormatTime(t time.Time) string { return t.Format(zohoTimeLayout) }
