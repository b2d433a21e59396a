package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sync"
)

// The token-paged walk (issue 18): a page deep into the contacts, reached with a page token, must
// cost what page 1 costs, because a token continues from its row through the index instead of
// counting past every row before it. The scenario times GET of page tokenPage (500 at N=100,000
// and 200 per page; the deepest there is on a smaller dataset) by its token, against page 1 of the
// same query, alternated like every scenario and its ceiling.

// TokenPage is the scenario's name.
const TokenPage = "token-page"

// ceilingPage1 is its "ceiling": the same list's first page.
const ceilingPage1 = "page-1"

// tokenWalk is the query walked and the token of its deep page, found once per run (untimed).
type tokenWalk struct {
	once  sync.Once
	query string // the list's path and query, without a token
	token string // the token of the deep page
	page  int
	err   error
}

// tokenQuery returns the walked list's query: 200 contacts a page, or fewer on a tiny dataset so
// that there are at least two pages.
func (r *sizeRun) tokenQuery() (string, int) {
	perPage := 200
	if r.ds.records < 2*perPage {
		perPage = max(1, r.ds.records/2)
	}
	pages := min(500, r.ds.records/perPage)
	return fmt.Sprintf("/crm/v8/Contacts?fields=Last_Name&per_page=%d", perPage), pages
}

// deepToken walks the list by its tokens to its deep page and returns that page's token.
func (r *sizeRun) deepToken(ctx context.Context) (*tokenWalk, error) {
	tw := &r.walk
	tw.once.Do(func() {
		tw.query, tw.page = r.tokenQuery()
		path := tw.query
		for page := 1; page < tw.page; page++ {
			ans, err := r.api.fetch(ctx, http.MethodGet, path, nil, http.StatusOK)
			if err != nil {
				tw.err = err
				return
			}
			var body struct {
				Info struct {
					Next *string `json:"next_page_token"`
				} `json:"info"`
			}
			if err := json.Unmarshal(ans.body, &body); err != nil || body.Info.Next == nil {
				tw.err = fmt.Errorf("page %d of %s has no next_page_token (%v)", page, tw.query, err)
				return
			}
			tw.token = *body.Info.Next
			path = tw.query + "&page_token=" + url.QueryEscape(tw.token)
		}
	})
	return tw, tw.err
}

// apiTokenPage gets the deep page by its token.
func (r *sizeRun) apiTokenPage(int) []step {
	return []step{{TokenPage, func(ctx context.Context) error {
		tw, err := r.deepToken(ctx)
		if err != nil {
			return err
		}
		return r.api.call(ctx, http.MethodGet, tw.query+"&page_token="+url.QueryEscape(tw.token), nil, http.StatusOK)
	}}}
}

// apiPage1 gets the same list's first page.
func (r *sizeRun) apiPage1(int) []step {
	return []step{{TokenPage, func(ctx context.Context) error {
		q, _ := r.tokenQuery()
		return r.api.call(ctx, http.MethodGet, q, nil, http.StatusOK)
	}}}
}
