package crm

// Page tokens: page_token on Get Records (GET /{module}), Get Related Records
// (GET /{module}/{id}/{related_list}) and Get Deal Contact Roles (GET /Deals/{id}/Contact_Roles).
//
// What Zoho documents (record.json, Zoho's own getRecords examples, reference §1.8/§7.1), and what
// zcrm settles where Zoho is silent:
//   - info.next_page_token is a string when more_records is true and null otherwise;
//     info.previous_page_token is a string on every page after the first and null on the first;
//     info.page_token_expiry is when they expire, written as record times are
//     ("2022-11-11T15:08:14+05:30", the org's time zone), null when both tokens are. Zoho's example
//     hands out a next_page_token on page 1 of a discrete listing, so every page with rows hands out
//     its tokens, whether it was reached by page or by token.
//   - Discrete paging reaches the first 2,000 rows: page × per_page beyond that answers
//     DISCRETE_PAGINATION_LIMIT_EXCEEDED (record_query.go). Tokens reach 100,000 rows: a token
//     leading past them answers PAGINATION_LIMIT_EXCEEDED "You can only get upto 100000 records
//     using page_token param" {"param_name":"page_token"} (Zoho's example). Tokens are handed out
//     up to there, so a client walking them learns the limit from Zoho's own error.
//   - A token is valid for 24 hours (Zoho: "24 h validity") from the answer that handed it out; a
//     later use answers EXPIRED_VALUE "Page token expired" {"api_name":"page_token",
//     "json_path":"$.query.page_token"} (Zoho's example, verbatim). The clock is the store's
//     (Tx.Now), which the control plane moves.
//   - A token is bound to its user (Zoho: "user-bound") and to the query that produced it; Zoho
//     answers any difference TOKEN_BOUND_DATA_MISMATCH "The page_token given seems to be invalid
//     or input param is added or altered or deleted" {"param_name":"page_token"} (Zoho's example).
//     zcrm binds the org and user; the listing (module; parent module, record and related list;
//     deal); fields (as a set, case-insensitively: order and case do not change the rows); ids;
//     per_page; sort_by and sort_order (as resolved, so a default given explicitly is the same
//     query); If-Modified-Since; and the raw values of cvid, converted, filters, territory_id,
//     include_child, approved, uid, startDateTime and endDateTime (ListQuery.Other), which select
//     rows in Zoho, so that a token never outlives a change to them.
//   - Zoho's TOKEN_BOUND_DATA_MISMATCH message says "seems to be invalid" too, and zcrm answers it
//     for every token it cannot honour: one that does not decode, is longer than Zoho's 96
//     characters, or whose MAC does not verify (tampered with, or bound to another query: a MAC
//     cannot tell the two apart). The reference's "INVALID_DATA (bad page_token)" is an older
//     digest's reading; Zoho's own examples outrank it (reference §0.1).
//   - page and page_token together: Zoho lists AMBIGUITY_DURING_PROCESSING for the pair but
//     documents no message; zcrm answers Zoho's general wording for that code, "Ambiguity while
//     processing the request", with details {"ambiguity_due_to":[{"param_name":"page"},
//     {"param_name":"page_token"}]}, the shape of Zoho's schema for this error.
//   - info.page on a token's page is the page number the token leads to (page 1's next token leads
//     to page 2), as if the walk had gone by page.
//   - Data sharing (VisibleOwner) applies to every page as it stands when the page is read.
//
// Underneath is keyset pagination, so that page 500 costs what page 1 costs: a token carries the
// sort key and id of the row its page starts after (next) or ends before (previous), and the
// store's query continues from there through the index on (org_id, module, id) (the default sort)
// instead of skipping rows with OFFSET. The token is the unpadded base64url form of
//
//	version (1) | flags (bit 0: previous) | uvarint page | varint expiry (unix s) | varint sort key | varint id | MAC (16)
//
// MAC is HMAC-SHA256 under the database's page-token key (a random secret created with the schema,
// migration 0010, shared by every process, kept across resets, never in a snapshot) over the
// bytes before it followed by the binding above; the binding is recomputed from the request, not
// carried, so a token presented with any other caller or query fails the MAC. Nothing decoded is
// used before the MAC verifies, and even then the cursor only positions a query that applies the
// caller's org, module, parent and data sharing itself.

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"math"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Page-token limits.
const (
	// PageTokenTTL is how long a page token stays valid after the answer that handed it out.
	PageTokenTTL = 24 * time.Hour
	// MaxTokenRecords is how deep page tokens reach.
	MaxTokenRecords = 100000
	// maxPageTokenLen is the longest page_token Zoho accepts (its OAS: maxLength 96).
	maxPageTokenLen = 96
	// pageTokenVersion is the first byte of every token this code hands out.
	pageTokenVersion = 1
	// pageTokenMACLen is the length of a token's truncated HMAC-SHA256.
	pageTokenMACLen = 16
)

// Messages of the page-token errors (Zoho's examples, verbatim).
const (
	MsgPageTokenMismatch      = "The page_token given seems to be invalid or input param is added or altered or deleted"
	MsgPageTokenExpired       = "Page token expired"
	MsgPageTokenLimitExceeded = "You can only get upto 100000 records using page_token param"
)

// ErrPageTokenMismatch is 400 TOKEN_BOUND_DATA_MISMATCH: a page_token zcrm did not hand out for this
// caller and query (malformed, tampered with, or used with other parameters).
func ErrPageTokenMismatch() *Error {
	return NewError(http.StatusBadRequest, "TOKEN_BOUND_DATA_MISMATCH", MsgPageTokenMismatch, map[string]any{"param_name": "page_token"})
}

// ErrPageTokenExpired is 400 EXPIRED_VALUE: a page_token used after its 24 hours.
func ErrPageTokenExpired() *Error {
	return NewError(http.StatusBadRequest, "EXPIRED_VALUE", MsgPageTokenExpired, map[string]any{"api_name": "page_token", "json_path": "$.query.page_token"})
}

// ErrPageTokenLimit is 400 PAGINATION_LIMIT_EXCEEDED: a page_token leading past 100,000 rows.
func ErrPageTokenLimit() *Error {
	return NewError(http.StatusBadRequest, "PAGINATION_LIMIT_EXCEEDED", MsgPageTokenLimitExceeded, map[string]any{"param_name": "page_token"})
}

// ErrPageAndPageToken is 400 AMBIGUITY_DURING_PROCESSING: page and page_token in one request.
func ErrPageAndPageToken() *Error { return ErrAmbiguity("page", "page_token") }

// ErrAmbiguity is 400 AMBIGUITY_DURING_PROCESSING naming the parameters that exclude each other.
func ErrAmbiguity(params ...string) *Error {
	due := make([]any, len(params))
	for i, p := range params {
		due[i] = map[string]any{"param_name": p}
	}
	return NewError(http.StatusBadRequest, "AMBIGUITY_DURING_PROCESSING", MsgAmbiguity, map[string]any{"ambiguity_due_to": due})
}

// Cursor positions a keyset page: the sort key and id of a row of the listing, and on which side
// of that row the page lies.
type Cursor struct {
	// Key is the row's value of the sort column: its id, or its Created_Time or Modified_Time in
	// unix milliseconds.
	Key int64
	ID  int64
	// Before selects the rows before the cursor in the listing's order (a previous page), which
	// the store returns nearest first; otherwise the rows after it, in the listing's order.
	Before bool
}

// sortKey is rec's value of the listing's sort column, as a Cursor holds it.
func sortKey(rec Record, sortBy string) int64 {
	switch sortBy {
	case SortByCreatedTime:
		return rec.CreatedTime.UnixMilli()
	case SortByModifiedTime:
		return rec.ModifiedTime.UnixMilli()
	}
	return rec.ID
}

// pageToken is a decoded, verified token.
type pageToken struct {
	page   int
	expiry int64 // unix seconds
	cursor Cursor
}

// PageInfo is the paging half of a listing's info.
type PageInfo struct {
	Page     int
	More     bool
	Next     *string // info.next_page_token
	Previous *string // info.previous_page_token
	Expiry   *string // info.page_token_expiry
}

// pager pages one listing by keyset for one caller: q's page or page token, bound to the caller,
// the listing and q's parameters.
type pager struct {
	q     ListQuery
	key   []byte // the database's page-token key
	bind  []byte // what the tokens are bound to (binding)
	now   time.Time
	token *pageToken // q.PageToken decoded and verified; nil for discrete paging
	// noTokens: the listing's order is not one a cursor can hold (a field sort: APIVersion's
	// SortByAnyField), so it pages by number only.
	noTokens bool
}

// newPager binds q to actor and the listing (its kind and identity, e.g. "records", "Leads") and
// opens q's page token, if any: TOKEN_BOUND_DATA_MISMATCH, EXPIRED_VALUE or
// PAGINATION_LIMIT_EXCEEDED when it cannot be honoured.
func newPager(tx Tx, actor Actor, q ListQuery, listing ...string) (*pager, error) {
	p := &pager{q: q, key: tx.PageTokenKey(), bind: binding(actor, q, listing), now: tx.Now()}
	if q.PageToken == "" {
		return p, nil
	}
	tok, err := p.open(q.PageToken)
	if err != nil {
		return nil, err
	}
	p.token = &tok
	return p, nil
}

// binding is the canonical bytes of what a token is bound to: the caller, the listing and every
// parameter that selects or shapes the rows (see the file comment). Each value is length-prefixed
// so that no two bindings share their bytes.
func binding(actor Actor, q ListQuery, listing []string) []byte {
	var b []byte
	str := func(s string) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	num := func(n int64) { b = binary.AppendVarint(b, n) }
	str("zcrm page token")
	num(actor.Org.ID)
	num(actor.User.ID)
	num(int64(len(listing)))
	for _, s := range listing {
		str(s)
	}
	fields := make([]string, len(q.Fields))
	for i, f := range q.Fields {
		fields[i] = strings.ToLower(f)
	}
	slices.Sort(fields)
	fields = slices.Compact(fields)
	num(int64(len(fields)))
	for _, f := range fields {
		str(f)
	}
	if q.IDs == nil {
		num(-1)
	} else {
		ids := slices.Clone(q.IDs)
		slices.Sort(ids)
		ids = slices.Compact(ids)
		num(int64(len(ids)))
		for _, id := range ids {
			num(id)
		}
	}
	num(int64(q.PerPage))
	str(q.SortBy)
	str(q.SortField)
	if q.Desc {
		num(1)
	} else {
		num(0)
	}
	if q.ModifiedSince.IsZero() {
		num(0)
	} else {
		num(q.ModifiedSince.UnixMilli())
	}
	names := make([]string, 0, len(q.Other))
	for k := range q.Other {
		names = append(names, k)
	}
	slices.Sort(names)
	num(int64(len(names)))
	for _, k := range names {
		str(k)
		str(q.Other[k])
	}
	return b
}

// mac is the truncated HMAC of a token's payload and the binding.
func (p *pager) mac(payload []byte) []byte {
	h := hmac.New(sha256.New, p.key)
	h.Write(payload)
	h.Write(p.bind)
	return h.Sum(nil)[:pageTokenMACLen]
}

// seal returns the token of a page of this listing: page is the page number it leads to, cur the
// row it starts after (or ends before), expiry its end of validity.
func (p *pager) seal(page int, cur Cursor, expiry int64) string {
	b := []byte{pageTokenVersion, 0}
	if cur.Before {
		b[1] = 1
	}
	b = binary.AppendUvarint(b, uint64(page))
	b = binary.AppendVarint(b, expiry)
	b = binary.AppendVarint(b, cur.Key)
	b = binary.AppendVarint(b, cur.ID)
	b = append(b, p.mac(b)...)
	return base64.RawURLEncoding.EncodeToString(b)
}

// open decodes and verifies a token presented with this listing and query.
func (p *pager) open(raw string) (pageToken, error) {
	if len(raw) > maxPageTokenLen {
		return pageToken{}, ErrPageTokenMismatch()
	}
	b, err := base64.RawURLEncoding.DecodeString(raw)
	if err != nil || len(b) < 2+pageTokenMACLen || b[0] != pageTokenVersion || b[1] > 1 {
		return pageToken{}, ErrPageTokenMismatch()
	}
	payload, sum := b[:len(b)-pageTokenMACLen], b[len(b)-pageTokenMACLen:]
	if !hmac.Equal(sum, p.mac(payload)) {
		return pageToken{}, ErrPageTokenMismatch()
	}
	// Verified: these are the bytes seal wrote for this caller and query.
	r := bytes.NewReader(payload[2:])
	page, err1 := binary.ReadUvarint(r)
	expiry, err2 := binary.ReadVarint(r)
	key, err3 := binary.ReadVarint(r)
	id, err4 := binary.ReadVarint(r)
	if err1 != nil || err2 != nil || err3 != nil || err4 != nil || r.Len() != 0 || page < 1 || page > math.MaxInt32 {
		return pageToken{}, ErrPageTokenMismatch()
	}
	tok := pageToken{page: int(page), expiry: expiry, cursor: Cursor{Key: key, ID: id, Before: payload[1] == 1}}
	if !p.now.Before(time.Unix(expiry, 0)) {
		return pageToken{}, ErrPageTokenExpired()
	}
	if (tok.page-1)*p.q.PerPage >= MaxTokenRecords {
		return pageToken{}, ErrPageTokenLimit()
	}
	return tok, nil
}

// cursorAt is the cursor of the page that follows rec (or, before, precedes it).
func (p *pager) cursorAt(rec Record, before bool) Cursor {
	return Cursor{Key: sortKey(rec, p.q.SortBy), ID: rec.ID, Before: before}
}

// keysetPage reads the pager's page through fetch and returns its items (at most q.PerPage, in
// the listing's order) with the paging half of info. fetch(cur, offset, limit) returns up to
// limit items: with cur nil, those of the listing from offset on, in order; with cur, those after
// it in order or, cur.Before, those before it nearest first (Cursor). record is an item's record,
// whose sort key and id position the tokens.
func keysetPage[T any](p *pager, fetch func(cur *Cursor, offset, limit int) ([]T, error), record func(T) Record) ([]T, PageInfo, error) {
	q := p.q
	info := PageInfo{Page: q.Page}
	var items []T
	var prev bool // a page precedes this one
	switch tok := p.token; {
	case tok == nil:
		got, err := fetch(nil, (q.Page-1)*q.PerPage, q.PerPage+1)
		if err != nil {
			return nil, PageInfo{}, err
		}
		items, info.More, prev = trimPage(got, q.PerPage), len(got) > q.PerPage, q.Page > 1
	case !tok.cursor.Before:
		got, err := fetch(&tok.cursor, 0, q.PerPage+1)
		if err != nil {
			return nil, PageInfo{}, err
		}
		items, info.More, info.Page, prev = trimPage(got, q.PerPage), len(got) > q.PerPage, tok.page, true
	default:
		got, err := fetch(&tok.cursor, 0, q.PerPage+1)
		if err != nil {
			return nil, PageInfo{}, err
		}
		items, prev, info.Page = trimPage(got, q.PerPage), len(got) > q.PerPage, tok.page
		slices.Reverse(items)
		if !prev {
			info.Page = 1 // nothing before it: the first page, however the rows moved since
		}
		if len(items) > 0 {
			// The page the token came from followed this one, but its rows may be gone since.
			after := p.cursorAt(record(items[len(items)-1]), false)
			next, err := fetch(&after, 0, 1)
			if err != nil {
				return nil, PageInfo{}, err
			}
			info.More = len(next) > 0
		}
	}
	if len(items) == 0 {
		return nil, info, nil
	}
	if p.noTokens {
		return items, info, nil
	}
	expiry := p.now.Add(PageTokenTTL).Unix()
	if info.More {
		t := p.seal(info.Page+1, p.cursorAt(record(items[len(items)-1]), false), expiry)
		info.Next = &t
	}
	if prev {
		t := p.seal(max(1, info.Page-1), p.cursorAt(record(items[0]), true), expiry)
		info.Previous = &t
	}
	if info.Next != nil || info.Previous != nil {
		e := FormatTime(time.Unix(expiry, 0))
		info.Expiry = &e
	}
	return items, info, nil
}

// trimPage is items without the one beyond the page that tells whether more follow.
func trimPage[T any](items []T, perPage int) []T {
	if len(items) > perPage {
		return items[:perPage]
	}
	return items
}
