package httpapi

import (
	"context"
	"fmt"
	"github.com/zcrm/zcrm/internal/catalog"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/oastest"
	"github.com/zcrm/zcrm/internal/store/storetest"
)

// Page tokens (crm/pagetoken.go) on record lists, related lists and deal contact roles: walks by
// token in the listing's order, back by previous_page_token, past the 2,000 rows discrete paging
// reaches, under private sharing, and every way a token is refused.

// bulkRecords stores n records of module owned by owner in one transaction: record i has field =
// prefix and i (zero-padded to four digits), and Created_Time and Modified_Time at(i). It returns
// the records in insertion order.
func (e *testEnv) bulkRecords(owner crm.User, n int, module, field, prefix string, at func(i int) time.Time) []crm.Record {
	e.t.Helper()
	recs := make([]crm.Record, n)
	e.write(func(ctx context.Context, tx crm.Tx) error {
		ids, err := tx.NewIDs(ctx, n)
		if err != nil {
			return err
		}
		for i := range recs {
			recs[i] = crm.Record{ID: ids[i], OrgID: owner.OrgID, Module: module, OwnerID: owner.ID, CreatedBy: owner.ID, ModifiedBy: owner.ID,
				CreatedTime: at(i), ModifiedTime: at(i), Data: map[string]any{field: fmt.Sprintf("%s%04d", prefix, i)}}
		}
		return tx.InsertRecords(ctx, recs)
	})
	return recs
}

// inOrder returns recs sorted as a listing by sortBy (id, Created_Time or Modified_Time) orders
// them: by that key, ties by id, both descending when desc.
func inOrder(recs []crm.Record, sortBy string, desc bool) []crm.Record {
	out := slices.Clone(recs)
	key := func(r crm.Record) int64 {
		switch sortBy {
		case crm.SortByCreatedTime:
			return r.CreatedTime.UnixMilli()
		case crm.SortByModifiedTime:
			return r.ModifiedTime.UnixMilli()
		}
		return r.ID
	}
	slices.SortFunc(out, func(a, b crm.Record) int {
		c := cmpInt(key(a), key(b))
		if c == 0 {
			c = cmpInt(a.ID, b.ID)
		}
		if desc {
			c = -c
		}
		return c
	})
	return out
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// rowsJSON renders recs as a listing's data rows with field (and id); extra adds more keys to each.
func rowsJSON(recs []crm.Record, field string, extra string) string {
	rows := make([]string, len(recs))
	for i, r := range recs {
		rows[i] = fmt.Sprintf(`{"id":"%d",%q:%q%s}`, r.ID, field, r.Data[field], extra)
	}
	return "[" + strings.Join(rows, ",") + "]"
}

// tokensOf returns the page tokens of a listing's answer ("" for null).
func (r response) tokensOf(t *testing.T) (next, prev string) {
	t.Helper()
	var body struct {
		Info struct {
			Next *string `json:"next_page_token"`
			Prev *string `json:"previous_page_token"`
		} `json:"info"`
	}
	r.decode(t, &body)
	if body.Info.Next != nil {
		next = *body.Info.Next
	}
	if body.Info.Prev != nil {
		prev = *body.Info.Prev
	}
	return next, prev
}

// recordsInfo is the info object of a record listing read at now.
func recordsInfo(now time.Time, perPage, count, page int, sortBy string, desc, more bool) string {
	order := "asc"
	if desc {
		order = "desc"
	}
	return fmt.Sprintf(`{"per_page":%d,"count":%d,"page":%d,"sort_by":%q,"sort_order":%q,"more_records":%t,%s,"call":false,"email":false}`,
		perPage, count, page, sortBy, order, more, pageTokens(now, page, more))
}

// relatedInfo is the info object of a related-records or deal-contact-roles read at now.
func relatedInfo(now time.Time, perPage, count, page int, more bool) string {
	return fmt.Sprintf(`{"per_page":%d,"count":%d,"page":%d,"more_records":%t,%s}`, perPage, count, page, more, pageTokens(now, page, more))
}

// tokenWalk walks the listing at query (without page_token) by next_page_token: page i's answer
// must be want(i), and a page's previous_page_token must lead to the page before it, answered
// the same as when it was reached going forward. It returns the tokens that led to each page
// ("" for the first).
func (e *testEnv) tokenWalk(t *testing.T, tok, query string, pages int, want func(page int) string) []string {
	t.Helper()
	var bodies []string
	var via []string
	token := ""
	for page := 1; page <= pages; page++ {
		path := query
		if token != "" {
			path += "&page_token=" + url.QueryEscape(token)
		}
		res := e.do("GET", path, tok, "")
		res.expect(t, 200, want(page))
		bodies, via = append(bodies, want(page)), append(via, token)
		next, prev := res.tokensOf(t)
		if page > 1 {
			e.do("GET", query+"&page_token="+url.QueryEscape(prev), tok, "").expect(t, 200, bodies[page-2])
		}
		if page == pages && next != "" {
			t.Fatalf("page %d of %d has a next_page_token", page, pages)
		}
		token = next
	}
	return via
}

// A 450-record module walked by tokens in pages of 200: three pages in the listing's order, ids
// disjoint and every record seen, in the default order and by Created_Time (many ties) and
// Modified_Time; previous_page_token leads back; a discrete page hands out tokens too; records
// added mid-walk do not shift a token's page (keyset, not offset).
func TestPageTokenRecordsWalk(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		tok := e.adminToken("ZohoCRM.modules.ALL")
		recs := e.bulkRecords(e.admin, 450, "Leads", "Last_Name", "L", func(i int) time.Time {
			return testStart.Add(-time.Duration(i%7) * time.Minute) // seven Created_Times, ids in between
		})
		for _, c := range []struct {
			params string
			sortBy string
			desc   bool
		}{
			{"", crm.SortByID, true},
			{"&sort_by=Created_Time&sort_order=asc", crm.SortByCreatedTime, false},
			{"&sort_by=Modified_Time", crm.SortByModifiedTime, true},
			{"&sort_by=id&sort_order=asc", crm.SortByID, false},
		} {
			t.Run(c.sortBy+"/"+fmt.Sprint(c.desc), func(t *testing.T) {
				all := inOrder(recs, c.sortBy, c.desc)
				query := "/crm/v8/Leads?fields=Last_Name&per_page=200" + c.params
				seen := map[int64]bool{}
				e.tokenWalk(t, tok, query, 3, func(page int) string {
					rows := all[(page-1)*200 : min(page*200, len(all))]
					for _, r := range rows {
						seen[r.ID] = true
					}
					return `{"data":` + rowsJSON(rows, "Last_Name", "") + `,"info":` + recordsInfo(e.clock.now, 200, len(rows), page, c.sortBy, c.desc, page < 3) + `}`
				})
				if len(seen) != 450 {
					t.Fatalf("walk saw %d records, want 450", len(seen))
				}
			})
		}

		t.Run("Zoho's schema", func(t *testing.T) {
			query := "/crm/v8/Leads?fields=Last_Name&per_page=200"
			next, _ := e.do("GET", query, tok, "").tokensOf(t)
			oastest.ValidateResponse(t, "record.json", "GET", query, 200, e.do("GET", query+"&page_token="+next, tok, "").body)
		})

		t.Run("discrete page hands out tokens", func(t *testing.T) {
			all := inOrder(recs, crm.SortByID, true)
			page2 := `{"data":` + rowsJSON(all[200:400], "Last_Name", "") + `,"info":` + recordsInfo(e.clock.now, 200, 200, 2, "id", true, true) + `}`
			res := e.do("GET", "/crm/v8/Leads?fields=Last_Name&per_page=200&page=2", tok, "")
			res.expect(t, 200, page2)
			next, prev := res.tokensOf(t)
			e.do("GET", "/crm/v8/Leads?fields=Last_Name&per_page=200&page_token="+prev, tok, "").
				expect(t, 200, `{"data":`+rowsJSON(all[:200], "Last_Name", "")+`,"info":`+recordsInfo(e.clock.now, 200, 200, 1, "id", true, true)+`}`)
			e.do("GET", "/crm/v8/Leads?fields=Last_Name&per_page=200&page_token="+next, tok, "").
				expect(t, 200, `{"data":`+rowsJSON(all[400:], "Last_Name", "")+`,"info":`+recordsInfo(e.clock.now, 200, 50, 3, "id", true, false)+`}`)
		})

		t.Run("rows added mid-walk", func(t *testing.T) {
			all := inOrder(recs, crm.SortByID, true)
			query := "/crm/v8/Leads?fields=Last_Name&per_page=200"
			next, _ := e.do("GET", query, tok, "").tokensOf(t)
			added := e.bulkRecords(e.admin, 5, "Leads", "Last_Name", "New", func(int) time.Time { return testStart })
			// With offsets page 2 would start five rows early; the token's page starts after page 1's last row.
			res := e.do("GET", query+"&page_token="+next, tok, "")
			res.expect(t, 200, `{"data":`+rowsJSON(all[200:400], "Last_Name", "")+`,"info":`+recordsInfo(e.clock.now, 200, 200, 2, "id", true, true)+`}`)
			// Going back: the 200 rows before page 2, and before them the new rows, a page of their own.
			_, prev := res.tokensOf(t)
			expiry := crm.FormatTime(e.clock.now.Add(crm.PageTokenTTL))
			res = e.do("GET", query+"&page_token="+prev, tok, "")
			res.expect(t, 200, `{"data":`+rowsJSON(all[:200], "Last_Name", "")+`,"info":{"per_page":200,"count":200,"page":1,"sort_by":"id","sort_order":"desc","more_records":true,`+
				`"next_page_token":"<token>","previous_page_token":"<token>","page_token_expiry":"`+expiry+`","call":false,"email":false}}`)
			_, prev = res.tokensOf(t)
			e.do("GET", query+"&page_token="+prev, tok, "").
				expect(t, 200, `{"data":`+rowsJSON(inOrder(added, crm.SortByID, true), "Last_Name", "")+`,"info":`+recordsInfo(e.clock.now, 200, 5, 1, "id", true, true)+`}`)
			e.write(func(ctx context.Context, tx crm.Tx) error {
				return tx.DeleteRecords(ctx, e.org.ID, "Leads", []int64{added[0].ID, added[1].ID, added[2].ID, added[3].ID, added[4].ID})
			})
		})
	})
}

// Tokens reach past the 2,000 rows discrete paging reaches: page 11 of 200 answers Zoho's
// DISCRETE_PAGINATION_LIMIT_EXCEEDED while a token walk reaches the 2,100th record.
func TestPageTokenBeyond2000(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		tok := e.adminToken("ZohoCRM.modules.ALL")
		all := inOrder(e.bulkRecords(e.admin, 2100, "Contacts", "Last_Name", "C", func(int) time.Time { return testStart }), crm.SortByID, true)
		query := "/crm/v8/Contacts?fields=Last_Name&per_page=200"
		e.do("GET", query+"&page=11", tok, "").expect(t, 400,
			`{"code":"DISCRETE_PAGINATION_LIMIT_EXCEEDED","details":{"limit":2000},"message":"You can only get the first 2000 records without using page_token param","status":"error"}`)
		page := func(n int) string {
			rows := all[(n-1)*200 : min(n*200, len(all))]
			return `{"data":` + rowsJSON(rows, "Last_Name", "") + `,"info":` + recordsInfo(e.clock.now, 200, len(rows), n, "id", true, n < 11) + `}`
		}
		e.tokenWalk(t, tok, query, 11, page)
		// The last discrete page's next token leads on to page 11.
		res := e.do("GET", query+"&page=10", tok, "")
		res.expect(t, 200, page(10))
		next, _ := res.tokensOf(t)
		e.do("GET", query+"&page_token="+next, tok, "").expect(t, 200, page(11))
	})
}

// A related list walked by tokens: the Contacts of a campaign, with their Member_Status.
func TestPageTokenRelatedWalk(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		tok := e.adminToken("ZohoCRM.modules.ALL")
		campaign := e.newRecord(e.admin, "Campaigns", map[string]any{"Campaign_Name": "Spring"})
		other := e.newRecord(e.admin, "Campaigns", map[string]any{"Campaign_Name": "Autumn"})
		contacts := e.bulkRecords(e.admin, 30, "Contacts", "Last_Name", "C", func(int) time.Time { return testStart })
		items := make([]string, len(contacts))
		for i, c := range contacts {
			items[i] = fmt.Sprintf(`{"id":"%d","Member_Status":"Invited"}`, c.ID)
		}
		for _, id := range []int64{campaign, other} {
			if res := e.do("PUT", fmt.Sprintf("/crm/v8/Campaigns/%d/Contacts", id), tok, `{"data":[`+strings.Join(items, ",")+`]}`); res.status != 200 {
				t.Fatalf("link: %d %s", res.status, res.body)
			}
		}
		all := inOrder(contacts, crm.SortByID, true)
		query := fmt.Sprintf("/crm/v8/Campaigns/%d/Contacts?fields=Last_Name&per_page=12", campaign)
		via := e.tokenWalk(t, tok, query, 3, func(page int) string {
			rows := all[(page-1)*12 : min(page*12, len(all))]
			return `{"data":` + rowsJSON(rows, "Last_Name", `,"Member_Status":"Invited"`) + `,"info":` + relatedInfo(e.clock.now, 12, len(rows), page, page < 3) + `}`
		})
		page2 := query + "&page_token=" + via[1]
		oastest.ValidateResponse(t, "related_records.json", "GET", page2, 200, e.do("GET", page2, tok, "").body)
		mismatch := `{"code":"TOKEN_BOUND_DATA_MISMATCH","details":{"param_name":"page_token"},"message":"The page_token given seems to be invalid or input param is added or altered or deleted","status":"error"}`
		for name, path := range map[string]string{
			"another parent":       fmt.Sprintf("/crm/v8/Campaigns/%d/Contacts?fields=Last_Name&per_page=12", other),
			"another related list": fmt.Sprintf("/crm/v8/Campaigns/%d/Leads?fields=Last_Name&per_page=12", campaign),
			"the module's list":    "/crm/v8/Contacts?fields=Last_Name&per_page=12",
			"another sort":         query + "&sort_order=asc",
		} {
			t.Run(name, func(t *testing.T) {
				e.do("GET", path+"&page_token="+via[1], tok, "").expect(t, 400, mismatch)
			})
		}
	})
}

// A deal's contact roles walked by tokens.
func TestPageTokenDealContactRolesWalk(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		tok := e.adminToken("ZohoCRM.modules.ALL")
		role := crRoles(t, e, e.org.ID)["Purchasing"]
		deal := e.newRecord(e.admin, "Deals", map[string]any{"Deal_Name": "Big One", "Stage": "Qualification"})
		other := e.newRecord(e.admin, "Deals", map[string]any{"Deal_Name": "Small One", "Stage": "Qualification"})
		contacts := e.bulkRecords(e.admin, 25, "Contacts", "Last_Name", "C", func(int) time.Time { return testStart })
		items := make([]string, len(contacts))
		for i, c := range contacts {
			items[i] = fmt.Sprintf(`{"id":"%d","Contact_Role":{"id":"%d"}}`, c.ID, role.ID)
		}
		for _, id := range []int64{deal, other} {
			if res := e.do("PUT", fmt.Sprintf("/crm/v8/Deals/%d/Contact_Roles", id), tok, `{"data":[`+strings.Join(items, ",")+`]}`); res.status != 200 {
				t.Fatalf("assign: %d %s", res.status, res.body)
			}
		}
		all := inOrder(contacts, crm.SortByID, true)
		roleJSON := fmt.Sprintf(`,"Contact_Role":{"name":"Purchasing","id":"%d"}`, role.ID)
		query := fmt.Sprintf("/crm/v8/Deals/%d/Contact_Roles?fields=Last_Name&per_page=10", deal)
		via := e.tokenWalk(t, tok, query, 3, func(page int) string {
			rows := all[(page-1)*10 : min(page*10, len(all))]
			return `{"data":` + rowsJSON(rows, "Last_Name", roleJSON) + `,"info":` + relatedInfo(e.clock.now, 10, len(rows), page, page < 3) + `}`
		})
		page2 := query + "&page_token=" + via[1]
		// Zoho's files document the deal's contact roles as a related list of the deal.
		oastest.ValidateResponse(t, "related_records.json", "GET", page2, 200, e.do("GET", page2, tok, "").body)
		e.do("GET", fmt.Sprintf("/crm/v8/Deals/%d/Contact_Roles?fields=Last_Name&per_page=10&page_token=%s", other, via[1]), tok, "").expect(t, 400,
			`{"code":"TOKEN_BOUND_DATA_MISMATCH","details":{"param_name":"page_token"},"message":"The page_token given seems to be invalid or input param is added or altered or deleted","status":"error"}`)
	})
}

// Every way a token is refused, with Zoho's answers: malformed, too long, tampered with, bound to
// another module, sort, fields, per_page, ids, If-Modified-Since, user or org; expired after 24
// hours of the store's clock; given with page. The binding is on what selects the rows: the same
// fields in another order or case are the same query.
func TestPageTokenErrors(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		tok := e.adminToken("ZohoCRM.modules.ALL")
		recs := e.bulkRecords(e.admin, 5, "Leads", "Last_Name", "L", func(int) time.Time { return testStart })
		e.bulkRecords(e.admin, 5, "Contacts", "Last_Name", "C", func(int) time.Time { return testStart })
		all := inOrder(recs, crm.SortByID, true)
		query := "/crm/v8/Leads?fields=Last_Name,Email&per_page=2"
		next, _ := e.do("GET", query, tok, "").tokensOf(t)
		if next == "" || len(next) > 96 {
			t.Fatalf("next_page_token = %q, want a token of at most 96 characters", next)
		}
		page2 := `{"data":[{"id":"` + fmt.Sprint(all[2].ID) + `","Last_Name":"L0002","Email":null},{"id":"` + fmt.Sprint(all[3].ID) +
			`","Last_Name":"L0001","Email":null}],"info":` + recordsInfo(e.clock.now, 2, 2, 2, "id", true, true) + `}`
		e.do("GET", query+"&page_token="+next, tok, "").expect(t, 200, page2)
		e.do("GET", "/crm/v8/Leads?fields=email,LAST_NAME,Email&per_page=2&page_token="+next, tok, "").expect(t, 200, page2)

		mismatch := `{"code":"TOKEN_BOUND_DATA_MISMATCH","details":{"param_name":"page_token"},"message":"The page_token given seems to be invalid or input param is added or altered or deleted","status":"error"}`
		tampered := []byte(next)
		if tampered[10] == 'A' {
			tampered[10] = 'B'
		} else {
			tampered[10] = 'A'
		}
		other := e.userToken("other@zcrm.test", "Administrator")
		_, foreignAdmin := e.newOrg("Other", crm.Enterprise)
		foreign := e.token(foreignAdmin, "ZohoCRM.modules.ALL")
		cases := []struct {
			name, path, token string
			headers           []string
		}{
			{"malformed", query + "&page_token=abc", tok, nil},
			{"not base64url", query + "&page_token=" + url.QueryEscape("c85+/0=="), tok, nil},
			{"too long", query + "&page_token=" + next + strings.Repeat("A", 97-len(next)), tok, nil},
			{"tampered", query + "&page_token=" + string(tampered), tok, nil},
			{"another module", "/crm/v8/Contacts?fields=Last_Name,Email&per_page=2&page_token=" + next, tok, nil},
			{"another sort_by", query + "&sort_by=Created_Time&page_token=" + next, tok, nil},
			{"another sort_order", query + "&sort_order=asc&page_token=" + next, tok, nil},
			{"fewer fields", "/crm/v8/Leads?fields=Last_Name&per_page=2&page_token=" + next, tok, nil},
			{"another per_page", "/crm/v8/Leads?fields=Last_Name,Email&per_page=3&page_token=" + next, tok, nil},
			{"no per_page", "/crm/v8/Leads?fields=Last_Name,Email&page_token=" + next, tok, nil},
			{"ids added", query + fmt.Sprintf("&ids=%d,%d", all[0].ID, all[3].ID) + "&page_token=" + next, tok, nil},
			{"cvid added", query + "&cvid=" + e.metaID(e.org.ID, catalog.KeyCustomView("Leads", "All")) + "&page_token=" + next, tok, nil},
			{"If-Modified-Since added", query + "&page_token=" + next, tok, []string{"If-Modified-Since", "2024-01-01T00:00:00+00:00"}},
			{"another user", query + "&page_token=" + next, other, nil},
			{"another org", query + "&page_token=" + next, foreign, nil},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				e.doWith("GET", c.path, c.token, "", c.headers...).expect(t, 400, mismatch)
			})
		}

		t.Run("with page", func(t *testing.T) {
			e.do("GET", query+"&page=2&page_token="+next, tok, "").expect(t, 400,
				`{"code":"AMBIGUITY_DURING_PROCESSING","details":{"ambiguity_due_to":[{"param_name":"page"},{"param_name":"page_token"}]},"message":"Ambiguity while processing the request","status":"error"}`)
		})

		t.Run("expired", func(t *testing.T) {
			issued := e.clock.now
			defer func() { e.clock.now = issued }()
			// The access token expires within the hour; the page token is the user's, not the access token's.
			e.clock.now = issued.Add(24*time.Hour - time.Second)
			e.do("GET", query+"&page_token="+next, e.adminToken("ZohoCRM.modules.ALL"), "").expect(t, 200,
				strings.Replace(page2, crm.FormatTime(issued.Add(24*time.Hour)), crm.FormatTime(e.clock.now.Add(24*time.Hour)), 1))
			e.clock.now = issued.Add(24 * time.Hour)
			e.do("GET", query+"&page_token="+next, e.adminToken("ZohoCRM.modules.ALL"), "").expect(t, 400,
				`{"code":"EXPIRED_VALUE","details":{"api_name":"page_token","json_path":"$.query.page_token"},"message":"Page token expired","status":"error"}`)
		})
	})
}

// Data sharing applies to token pages as to discrete ones: under private sharing a Standard user
// walks only their own records, in pages that count only those; the administrator's token is not
// theirs to use.
func TestPageTokenPrivateSharing(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		e.setSharing("Leads", crm.SharingPrivate)
		adm := e.adminToken("ZohoCRM.modules.ALL")
		user := e.newUser(e.org.ID, "std@zcrm.test", "Standard")
		std := e.token(user, "ZohoCRM.modules.ALL")
		var mine, everyone []crm.Record
		for i := 0; i < 3; i++ { // interleaved owners: the user's records are every third
			theirs := e.bulkRecords(e.admin, 100, "Leads", "Last_Name", fmt.Sprintf("A%d-", i), func(int) time.Time { return testStart })
			own := e.bulkRecords(user, 50, "Leads", "Last_Name", fmt.Sprintf("U%d-", i), func(int) time.Time { return testStart })
			mine, everyone = append(mine, own...), append(append(everyone, theirs...), own...)
		}
		mineSorted := inOrder(mine, crm.SortByID, true)
		query := "/crm/v8/Leads?fields=Last_Name&per_page=60"
		e.tokenWalk(t, std, query, 3, func(page int) string {
			rows := mineSorted[(page-1)*60 : min(page*60, len(mineSorted))]
			return `{"data":` + rowsJSON(rows, "Last_Name", "") + `,"info":` + recordsInfo(e.clock.now, 60, len(rows), page, "id", true, page < 3) + `}`
		})
		all := inOrder(everyone, crm.SortByID, true)
		via := e.tokenWalk(t, adm, "/crm/v8/Leads?fields=Last_Name&per_page=200", 3, func(page int) string {
			rows := all[(page-1)*200 : min(page*200, len(all))]
			return `{"data":` + rowsJSON(rows, "Last_Name", "") + `,"info":` + recordsInfo(e.clock.now, 200, len(rows), page, "id", true, page < 3) + `}`
		})
		e.do("GET", "/crm/v8/Leads?fields=Last_Name&per_page=200&page_token="+via[1], std, "").expect(t, 400,
			`{"code":"TOKEN_BOUND_DATA_MISMATCH","details":{"param_name":"page_token"},"message":"The page_token given seems to be invalid or input param is added or altered or deleted","status":"error"}`)
	})
}
