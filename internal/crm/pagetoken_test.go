package crm

import (
	"strings"
	"testing"
	"time"
)

// testPager is a pager for the listing of Leads by actor with q, over a fixed key and clock.
func testPager(actor Actor, q ListQuery, now time.Time) *pager {
	return &pager{q: q, key: []byte("0123456789abcdef0123456789abcdef"), bind: binding(actor, q, []string{"records", "Leads"}), now: now}
}

// errCode is the Zoho code of err ("" for nil).
func errCode(err error) string {
	if err == nil {
		return ""
	}
	if e, ok := err.(*Error); ok {
		return e.Code
	}
	return "?"
}

// A token opens for the caller and query it was sealed for, and only while it is valid; a page
// beyond 100,000 rows answers PAGINATION_LIMIT_EXCEEDED; the binding ignores the order and case of
// fields and ids, and nothing else.
func TestPageTokenCodec(t *testing.T) {
	now := time.Date(2024, 7, 17, 20, 38, 22, 0, time.UTC)
	actor := Actor{Org: Org{ID: 7}, User: User{ID: 11}}
	q := ListQuery{Fields: []string{"Last_Name", "Email"}, IDs: []int64{3, 1}, Page: 1, PerPage: 200, SortBy: SortByCreatedTime, Desc: true}
	p := testPager(actor, q, now)
	expiry := now.Add(PageTokenTTL).Unix()
	cur := Cursor{Key: now.UnixMilli(), ID: 3652397000000624001, Before: true}
	tok := p.seal(500, cur, expiry)
	if len(tok) > maxPageTokenLen || strings.ContainsAny(tok, "+/=") {
		t.Fatalf("token %q: want unpadded base64url of at most %d characters", tok, maxPageTokenLen)
	}
	got, err := p.open(tok)
	if err != nil || got != (pageToken{page: 500, expiry: expiry, cursor: cur}) {
		t.Fatalf("open = %+v, %v", got, err)
	}

	same := q
	same.Fields, same.IDs = []string{"email", "LAST_NAME", "Email"}, []int64{1, 3, 3}
	if _, err := testPager(actor, same, now).open(tok); err != nil {
		t.Errorf("same query, fields and ids reordered: %v", err)
	}
	for name, change := range map[string]func(q *ListQuery, a *Actor){
		"user":           func(_ *ListQuery, a *Actor) { a.User.ID++ },
		"org":            func(_ *ListQuery, a *Actor) { a.Org.ID++ },
		"fields":         func(q *ListQuery, _ *Actor) { q.Fields = []string{"Last_Name"} },
		"ids":            func(q *ListQuery, _ *Actor) { q.IDs = nil },
		"no ids":         func(q *ListQuery, _ *Actor) { q.IDs = []int64{} },
		"per_page":       func(q *ListQuery, _ *Actor) { q.PerPage = 100 },
		"sort_by":        func(q *ListQuery, _ *Actor) { q.SortBy = SortByModifiedTime },
		"sort_order":     func(q *ListQuery, _ *Actor) { q.Desc = false },
		"modified since": func(q *ListQuery, _ *Actor) { q.ModifiedSince = now },
		"cvid":           func(q *ListQuery, _ *Actor) { q.Other = map[string]string{"cvid": "1"} },
	} {
		q2, a2 := q, actor
		change(&q2, &a2)
		if _, err := testPager(a2, q2, now).open(tok); errCode(err) != "TOKEN_BOUND_DATA_MISMATCH" {
			t.Errorf("another %s: %v, want TOKEN_BOUND_DATA_MISMATCH", name, err)
		}
	}
	other := &pager{q: q, key: []byte("another key, another database!!!"), bind: p.bind, now: now}
	if _, err := other.open(tok); errCode(err) != "TOKEN_BOUND_DATA_MISMATCH" {
		t.Errorf("another key: %v", err)
	}
	for _, bad := range []string{"", "abc", tok[:len(tok)-1], tok + "A", "!" + tok[1:], strings.Repeat("A", 97)} {
		if _, err := p.open(bad); errCode(err) != "TOKEN_BOUND_DATA_MISMATCH" {
			t.Errorf("open(%q): %v, want TOKEN_BOUND_DATA_MISMATCH", bad, err)
		}
	}

	p.now = now.Add(PageTokenTTL - time.Second)
	if _, err := p.open(tok); err != nil {
		t.Errorf("a second before expiry: %v", err)
	}
	p.now = now.Add(PageTokenTTL)
	if _, err := p.open(tok); errCode(err) != "EXPIRED_VALUE" {
		t.Errorf("at expiry: %v, want EXPIRED_VALUE", err)
	}
	p.now = now

	// 200 a page: page 500 ends at row 100,000, page 501 is beyond; one a page, page 100,001.
	if _, err := p.open(p.seal(501, cur, expiry)); errCode(err) != "PAGINATION_LIMIT_EXCEEDED" {
		t.Errorf("page 501 of 200: %v, want PAGINATION_LIMIT_EXCEEDED", err)
	}
	q1 := q
	q1.PerPage = 1
	p1 := testPager(actor, q1, now)
	if _, err := p1.open(p1.seal(MaxTokenRecords, cur, expiry)); err != nil {
		t.Errorf("row 100,000: %v", err)
	}
	if _, err := p1.open(p1.seal(MaxTokenRecords+1, cur, expiry)); errCode(err) != "PAGINATION_LIMIT_EXCEEDED" {
		t.Errorf("row 100,001: %v, want PAGINATION_LIMIT_EXCEEDED", err)
	}
	if got := ErrPageTokenLimit(); got.Message != "You can only get upto 100000 records using page_token param" || got.Details["param_name"] != "page_token" {
		t.Errorf("limit error = %+v", got)
	}
}
