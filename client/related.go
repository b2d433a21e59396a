package client

import (
	"context"
	"iter"
	"net/http"
)

// RelatedRecords lists the records of a related list of a record:
// GET /{module}/{id}/{related_list} (opts.Fields is mandatory in v7+). Related-list api names come
// from RelatedLists (e.g. Campaigns → Leads, Contacts; Contacts → Entity_Cadences_contacts). An
// empty list (HTTP 204) is an empty page.
func (c *Client) RelatedRecords(ctx context.Context, module, recordID, relatedList string, opts *ListOptions) (*RecordPage, error) {
	return c.readPage(ctx, pathOf(module, recordID, relatedList), opts)
}

// RelatedRecordsAll walks a related list with page tokens, as RecordsAll walks a module:
// GET /{module}/{id}/{related_list} with opts, then with each page's next_page_token.
func (c *Client) RelatedRecordsAll(ctx context.Context, module, recordID, relatedList string, opts *ListOptions) iter.Seq2[Record, error] {
	return c.walk(ctx, pathOf(module, recordID, relatedList), opts)
}

// RelatedRecord reads one record of a related list: GET /{module}/{id}/{related_list}/{related_id}.
// A record that is not related (HTTP 204) is ErrNotFound.
func (c *Client) RelatedRecord(ctx context.Context, module, recordID, relatedList, relatedID string, fields ...string) (Record, error) {
	return c.readOne(ctx, pathOf(module, recordID, relatedList, relatedID), fieldsQuery(fields))
}

// LinkRelatedRecords relates records to a record: PUT /{module}/{id}/{related_list} with
// {"data":[{"id":…, relation fields…}]} (at most 100). Each link needs its "id"; relation fields
// are e.g. Member_Status (Campaigns) or list_price (Price_Books ↔ Products). Items are
// "relation added".
func (c *Client) LinkRelatedRecords(ctx context.Context, module, recordID, relatedList string, links ...Record) (Results, error) {
	return c.itemsFor(ctx, http.MethodPut, pathOf(module, recordID, relatedList), nil, map[string]any{"data": nonNilRecords(links)}, "data", recordIDs(links))
}

// LinkRelatedRecord relates one record: PUT /{module}/{id}/{related_list}/{related_id}, with
// optional relation fields.
func (c *Client) LinkRelatedRecord(ctx context.Context, module, recordID, relatedList, relatedID string, fields Record) (Item, error) {
	return c.item(ctx, http.MethodPut, pathOf(module, recordID, relatedList, relatedID), nil, map[string]any{"data": []Record{nonNilRecord(fields)}}, "data")
}

// DelinkRelatedRecords removes relations between a record and related records:
// DELETE /{module}/{id}/{related_list}?ids=… (at most 100; scope ZohoCRM.modules.ALL or
// ZohoCRM.modules.{module}.ALL|WRITE|DELETE). Supported relations: Campaigns ↔ Leads, Contacts;
// Products ↔ Leads, Accounts, Contacts, Deals, Price_Books; Appointments__s ↔ Services__s.
//
// One item per distinct id, in request order: "relation removed", or INVALID_DATA "relation not
// found" (details {"id":…}) for an id that was not related; HTTP 207 when mixed, 400 when every
// id failed, and then the error is an *ItemsError as well. A bad parent id, relation name or
// module fails the whole request with an *APIError.
func (c *Client) DelinkRelatedRecords(ctx context.Context, module, recordID, relatedList string, ids ...string) (Results, error) {
	return c.itemsFor(ctx, http.MethodDelete, pathOf(module, recordID, relatedList), idsQuery(ids), nil, "data", ids)
}

// DelinkRelatedRecord removes one relation:
// DELETE /{module}/{id}/{related_list}/{related_id}. It returns the "relation removed" item, or
// an *APIError (the failed item's, or the request's).
func (c *Client) DelinkRelatedRecord(ctx context.Context, module, recordID, relatedList, relatedID string) (Item, error) {
	return c.item(ctx, http.MethodDelete, pathOf(module, recordID, relatedList, relatedID), nil, nil, "data")
}
