package client

import (
	"context"
	"iter"
	"net/http"
)

// Note is a note to create: its title and/or content (Zoho refuses a note with neither).
type Note struct {
	Title   string
	Content string
}

func (n Note) record() Record {
	r := Record{}
	if n.Title != "" {
		r["Note_Title"] = n.Title
	}
	if n.Content != "" {
		r["Note_Content"] = n.Content
	}
	return r
}

// AddNotes creates notes under a record: POST /{module}/{id}/Notes (Zoho's Create Notes for a
// record). Items carry the new notes' ids; HTTP 201 when all were added.
func (c *Client) AddNotes(ctx context.Context, module, recordID string, notes ...Note) (Results, error) {
	rs := make([]Record, len(notes))
	for i, n := range notes {
		rs[i] = n.record()
	}
	return c.items(ctx, http.MethodPost, pathOf(module, recordID, "Notes"), nil, map[string]any{"data": rs}, "data")
}

// AddNote creates one note under a record and returns its id.
func (c *Client) AddNote(ctx context.Context, module, recordID string, note Note) (string, error) {
	it, err := c.item(ctx, http.MethodPost, pathOf(module, recordID, "Notes"), nil, map[string]any{"data": []Record{note.record()}}, "data")
	if err != nil {
		return "", err
	}
	return it.ID(), nil
}

// Notes reads one page of a record's notes: GET /{module}/{id}/Notes. A record without notes is an
// empty page.
func (c *Client) Notes(ctx context.Context, module, recordID string, opts *ListOptions) (*RecordPage, error) {
	return c.RelatedRecords(ctx, module, recordID, "Notes", opts)
}

// NotesAll walks every note of a record, page by page.
func (c *Client) NotesAll(ctx context.Context, module, recordID string, opts *ListOptions) iter.Seq2[Record, error] {
	return c.RelatedRecordsAll(ctx, module, recordID, "Notes", opts)
}

// UpdateNote changes a note's title and/or content: PUT /Notes/{id}.
func (c *Client) UpdateNote(ctx context.Context, id string, note Note) (Item, error) {
	return c.UpdateRecord(ctx, "Notes", id, note.record())
}

// DeleteNotes deletes notes: DELETE /Notes?ids=….
func (c *Client) DeleteNotes(ctx context.Context, ids ...string) (Results, error) {
	return c.DeleteRecords(ctx, "Notes", ids...)
}
