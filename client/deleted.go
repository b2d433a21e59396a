package client

import (
	"context"
	"net/url"
	"strconv"
)

// Types of deleted records DeletedRecords lists.
const (
	DeletedAll       = "all"       // both below
	DeletedRecycle   = "recycle"   // in the recycle bin (deleted less than 60 days ago)
	DeletedPermanent = "permanent" // deleted for good: only id and deleted_time are left
)

// DeletedRecord is one entry of Get Deleted Records. DeletedBy, CreatedBy and DisplayName are
// nil for a permanent entry.
type DeletedRecord struct {
	ID          string  `json:"id"`
	DisplayName *string `json:"display_name"`
	Type        string  `json:"type"`
	DeletedBy   *Ref    `json:"deleted_by"`
	CreatedBy   *Ref    `json:"created_by"`
	DeletedTime string  `json:"deleted_time"`
}

// DeletedPage is one page of a module's deleted records; no Data when there are none (HTTP 204).
type DeletedPage struct {
	Data []DeletedRecord `json:"data"`
	Info Info            `json:"info"`
}

// DeletedRecords lists a module's deleted records of type typ (DeletedAll, DeletedRecycle or
// DeletedPermanent; "" is all): GET /{module}/deleted, newest deletion first. page and perPage
// (at most 200) select the page; 0 leaves them to the server (1 and 200).
func (c *Client) DeletedRecords(ctx context.Context, module, typ string, page, perPage int) (*DeletedPage, error) {
	q := url.Values{}
	if typ != "" {
		q.Set("type", typ)
	}
	if page > 0 {
		q.Set("page", strconv.Itoa(page))
	}
	if perPage > 0 {
		q.Set("per_page", strconv.Itoa(perPage))
	}
	var p DeletedPage
	if _, err := c.read(ctx, pathOf(module, "deleted"), q, nil, &p); err != nil {
		return nil, err
	}
	return &p, nil
}
