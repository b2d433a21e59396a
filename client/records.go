package client

import (
	"context"
	"encoding/json"
	"iter"
	"net/http"
	"net/url"
	"strings"
)

// Record is one CRM record as Zoho sends it: field api names to values. Ids and lookups' ids are
// strings; numbers are json.Number.
type Record map[string]any

// ID returns the record's id ("" when absent).
func (r Record) ID() string { return detailString(r, "id") }

// String returns the field as a string: a string as is, a number in decimal, a lookup's name, ""
// when absent or null.
func (r Record) String(field string) string {
	switch v := r[field].(type) {
	case map[string]any:
		if n, ok := v["name"].(string); ok {
			return n
		}
	case nil:
		return ""
	}
	return detailString(r, field)
}

// Lookup returns a lookup field ({name, id}) such as Owner, Account_Name or Contact_Role.
func (r Record) Lookup(field string) (Ref, bool) {
	m, ok := r[field].(map[string]any)
	if !ok {
		return Ref{}, false
	}
	return Ref{Name: detailString(m, "name"), ID: detailString(m, "id")}, true
}

// RecordPage is one page of records: {"data":[…],"info":{…}}.
type RecordPage struct {
	Data []Record `json:"data"`
	Info Info     `json:"info"`
	// NotModified is true when the server answered 304 to ListOptions.ModifiedSince.
	NotModified bool `json:"-"`
}

// readPage reads a record page; 204 (nothing) is an empty page and 304 sets NotModified.
func (c *Client) readPage(ctx context.Context, path string, opts *ListOptions) (*RecordPage, error) {
	var p RecordPage
	status, err := c.read(ctx, path, opts.query(), opts.header(), &p)
	if err != nil {
		return nil, err
	}
	p.NotModified = status == http.StatusNotModified
	return &p, nil
}

// readOne reads {"data":[record]} by path; 204 is ErrNotFound.
func (c *Client) readOne(ctx context.Context, path string, q url.Values) (Record, error) {
	var p RecordPage
	status, err := c.read(ctx, path, q, nil, &p)
	if err != nil {
		return nil, err
	}
	if status != http.StatusOK || len(p.Data) == 0 {
		return nil, ErrNotFound
	}
	return p.Data[0], nil
}

func fieldsQuery(fields []string) url.Values {
	q := url.Values{}
	if len(fields) > 0 {
		q.Set("fields", strings.Join(fields, ","))
	}
	return q
}

// Records lists a module's records: GET /{module}. opts.Fields is mandatory for Zoho v7+. An
// empty listing (204) is an empty page.
func (c *Client) Records(ctx context.Context, module string, opts *ListOptions) (*RecordPage, error) {
	return c.readPage(ctx, pathOf(module), opts)
}

// RecordsAll walks a module's records past the 2,000 that page and per_page reach (up to Zoho's
// 100,000) with page tokens: GET /{module} with opts, then again with page_token set to each
// page's info.next_page_token until more_records is false. A token is bound to the query that
// produced it, so every request repeats opts (Fields is mandatory; opts.Page or opts.PageToken
// choose where the walk starts). It yields the records in the listing's order; on an error it
// yields (nil, err) and stops. An empty listing (204) or 304 to ModifiedSince yields nothing.
//
//	for rec, err := range c.RecordsAll(ctx, "Contacts", &client.ListOptions{Fields: []string{"Email"}}) {
//		if err != nil {
//			return err
//		}
//		…
//	}
func (c *Client) RecordsAll(ctx context.Context, module string, opts *ListOptions) iter.Seq2[Record, error] {
	return c.walk(ctx, pathOf(module), opts)
}

// walk is the page-token walk of the listing at path (RecordsAll).
func (c *Client) walk(ctx context.Context, path string, opts *ListOptions) iter.Seq2[Record, error] {
	return func(yield func(Record, error) bool) {
		var o ListOptions
		if opts != nil {
			o = *opts
		}
		for {
			p, err := c.readPage(ctx, path, &o)
			if err != nil {
				yield(nil, err)
				return
			}
			for _, r := range p.Data {
				if !yield(r, nil) {
					return
				}
			}
			if len(p.Data) == 0 || !p.Info.MoreRecords || p.Info.NextPageToken == "" {
				return
			}
			o.Page, o.PageToken = 0, p.Info.NextPageToken
		}
	}
}

// Record reads one record: GET /{module}/{id}. A missing record is ErrNotFound.
func (c *Client) Record(ctx context.Context, module, id string, fields ...string) (Record, error) {
	return c.readOne(ctx, pathOf(module, id), fieldsQuery(fields))
}

// InsertRecords creates records: POST /{module} with {"data":[…]} (at most 100). Items carry the
// new ids (Item.ID); HTTP 201 when all were added.
func (c *Client) InsertRecords(ctx context.Context, module string, records ...Record) (Results, error) {
	return c.items(ctx, http.MethodPost, pathOf(module), nil, map[string]any{"data": nonNilRecords(records)}, "data")
}

// InsertRecord creates one record and returns its id.
func (c *Client) InsertRecord(ctx context.Context, module string, record Record) (string, error) {
	it, err := c.item(ctx, http.MethodPost, pathOf(module), nil, map[string]any{"data": []Record{nonNilRecord(record)}}, "data")
	if err != nil {
		return "", err
	}
	return it.ID(), nil
}

// CloneRecord copies a record with fields applied over its values (nil: none) and returns the
// copy's id: POST /{module}/{id}/actions/clone (Zoho's Record Clone).
func (c *Client) CloneRecord(ctx context.Context, module, id string, fields Record) (string, error) {
	var body any
	if fields != nil {
		body = map[string]any{"data": []Record{fields}}
	}
	it, err := c.item(ctx, http.MethodPost, pathOf(module, id, "actions", "clone"), nil, body, "data")
	if err != nil {
		return "", err
	}
	return it.ID(), nil
}

// UpdateRecords updates records: PUT /{module}; every record needs its "id".
func (c *Client) UpdateRecords(ctx context.Context, module string, records ...Record) (Results, error) {
	return c.itemsFor(ctx, http.MethodPut, pathOf(module), nil, map[string]any{"data": nonNilRecords(records)}, "data", recordIDs(records))
}

// UpdateRecord updates the fields of one record: PUT /{module}/{id}.
func (c *Client) UpdateRecord(ctx context.Context, module, id string, fields Record) (Item, error) {
	return c.item(ctx, http.MethodPut, pathOf(module, id), nil, map[string]any{"data": []Record{nonNilRecord(fields)}}, "data")
}

// DeleteRecords deletes records: DELETE /{module}?ids=… (at most 100).
func (c *Client) DeleteRecords(ctx context.Context, module string, ids ...string) (Results, error) {
	return c.itemsFor(ctx, http.MethodDelete, pathOf(module), idsQuery(ids), nil, "data", ids)
}

// DeleteRecord deletes one record: DELETE /{module}/{id}.
func (c *Client) DeleteRecord(ctx context.Context, module, id string) (Item, error) {
	return c.item(ctx, http.MethodDelete, pathOf(module, id), nil, nil, "data")
}

// recordIDs returns the "id" of each record ("" where there is none).
func recordIDs(rs []Record) []string {
	ids := make([]string, len(rs))
	for i, r := range rs {
		ids[i] = r.ID()
	}
	return ids
}

func idsQuery(ids []string) url.Values {
	return url.Values{"ids": {strings.Join(ids, ",")}}
}

func nonNilRecord(r Record) Record {
	if r == nil {
		return Record{}
	}
	return r
}

func nonNilRecords(rs []Record) []Record {
	if rs == nil {
		return []Record{}
	}
	return rs
}

// MarshalJSON keeps a nil Record as {} rather than null.
func (r Record) MarshalJSON() ([]byte, error) {
	if r == nil {
		return []byte("{}"), nil
	}
	return json.Marshal(map[string]any(r))
}
