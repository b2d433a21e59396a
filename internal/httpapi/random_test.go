package httpapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand"
	"net/http"
	"net/url"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zcrm/zcrm/internal/catalog"
	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/store/storetest"
)

// Randomized requests over real HTTP: every route of routes.go (and the accounts endpoints,
// /healthz and paths no route matches) with real and junk path ids, real tokens of random scopes
// and junk, expired or missing ones, junk query strings, and bodies that are valid, mutated,
// malformed, nested 10,000 deep, several MB large, of the wrong types or carrying 100+ ids. Valid
// writes create records, cadences and roles that later requests hit.
//
// The rule (envelope.go, middleware.go): every answer is Zoho's JSON with Zoho's content type, or
// an empty 204/304 — never a 5xx. A panic is answered 500 by the middleware, so the 5xx check
// catches those too. (A path with an empty, "." or ".." segment gets ServeMux's redirect to the
// clean path instead, as server.go's dispatch intends; that answer only needs a Location.)
//
// Each worker's request sequence is fixed by randomSeed (ZCRM_RANDOM_SEED overrides it); the
// interleaving of the workers is not, and the ids the server hands out differ between runs.
func TestRandomRequestsAnswerJSONNever5xx(t *testing.T) {
	seed := int64(randomSeed)
	if s := os.Getenv("ZCRM_RANDOM_SEED"); s != "" {
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			t.Fatalf("ZCRM_RANDOM_SEED=%q: %v", s, err)
		}
		seed = v
	}
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		n := 20000
		if b == storetest.Postgres {
			n = 4000
		}
		if testing.Short() {
			n /= 5
		}
		t.Logf("seed %d, %d requests", seed, n)
		rndRun(t, newRndEnv(t, b), seed, n)
	})
}

const (
	randomSeed    = 20240717
	randomWorkers = 6
)

// rndEnv is a server with fixtures and the pools a request generator draws from.
type rndEnv struct {
	e       *testEnv
	client  *http.Client
	routes  []route
	admin   string     // the admin's token, every scope
	tokens  []rndToken // real tokens of other users and scopes
	expired string

	writable []rndList // the related lists that links can be made in

	mu     sync.Mutex
	ids    map[string][]string // pools of real ids: a module's api name, "cadence", "live:<module>", "role", "keep:role", "user", "foreign"
	links  []rndLink           // links made (related records, deal contact roles), at most 400
	linkAt int                 // the next of links to replace once it is full

	huge [][]byte // bodies of several MB, built once
	deep [][]byte // bodies nested beyond encoding/json's 10,000 levels, built once

	sentHuge, sentDeep atomic.Int64 // how many of each were sent
}

// rndList is a module's related list.
type rndList struct {
	module catalog.Module
	list   catalog.RelatedList
}

// rndLink is a link a request made: parent module and id, related list, related id.
type rndLink struct{ module, id, list, related string }

// rndToken is a real access token and what it is, for failure messages.
type rndToken struct{ kind, tok string }

// rndCadenceModules are the modules cadences may target.
var rndCadenceModules = []string{"Leads", "Contacts", "Deals"}

// rndScopes are the scopes random tokens draw from: valid ones at every level, and strings that do
// not parse (stored as they are; they grant nothing).
var rndScopes = []string{
	"ZohoCRM.modules.ALL", "ZohoCRM.modules.READ", "ZohoCRM.modules.CREATE", "ZohoCRM.modules.UPDATE",
	"ZohoCRM.modules.DELETE", "ZohoCRM.modules.WRITE", "ZohoCRM.modules.contacts.ALL", "ZohoCRM.modules.leads.READ",
	"ZohoCRM.modules.deals.UPDATE", "ZohoCRM.modules.campaigns.CREATE", "ZohoCRM.modules.Contacts.DELETE",
	"ZohoCRM.settings.ALL", "ZohoCRM.settings.READ", "ZohoCRM.settings.cadences.ALL", "ZohoCRM.settings.cadences.READ",
	"ZohoCRM.settings.cadences.CREATE", "ZohoCRM.settings.modules.READ", "ZohoCRM.settings.fields.ALL",
	"ZohoCRM.settings.related_lists.READ", "ZohoCRM.settings.custom_views.READ", "ZohoCRM.users.ALL",
	"ZohoCRM.users.READ", "ZohoCRM.org.ALL", "ZohoCRM.org.READ", "ZohoCRM.coql.READ", "ZohoCRM.bulk.ALL",
	"ZohoCRM.modules.custom.ALL", "ZohoCRM.modules.contacts.CUSTOM", "garbage", "ZohoCRM.", "ZohoCRM.modules.x.y.ALL",
	"zohocrm.MODULES.all", "AaaServer.profile.READ", "",
}

// newRndEnv starts a server on a fresh store of backend b and creates fixtures: users in three
// orgs, tokens, records of several modules, live and draft cadences; it fills the id pools.
func newRndEnv(t *testing.T, b storetest.Backend) *rndEnv {
	e := newEnv(t, b)
	r := &rndEnv{e: e, ids: map[string][]string{}}
	for _, g := range (&Server{}).crmRoutes() {
		r.routes = append(r.routes, g.routes...)
	}
	for _, m := range rndAPIModules() {
		for _, rl := range m.RelatedLists {
			if rl.Relation != "" {
				r.writable = append(r.writable, rndList{m, rl})
			}
		}
	}
	tr := &http.Transport{MaxIdleConnsPerHost: 2 * randomWorkers}
	t.Cleanup(tr.CloseIdleConnections)
	r.client = &http.Client{Transport: tr, Timeout: time.Minute,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	r.admin = e.adminToken("ZohoCRM.modules.ALL", "ZohoCRM.settings.ALL", "ZohoCRM.users.ALL", "ZohoCRM.org.ALL", "ZohoCRM.coql.READ")

	// A token minted two hours ago has expired.
	now := e.clock.now
	e.clock.now = now.Add(-2 * time.Hour)
	r.expired = e.adminToken("ZohoCRM.modules.ALL", "ZohoCRM.settings.ALL")
	e.clock.now = now

	rng := rand.New(rand.NewSource(1))
	for i := 0; i < 24; i++ {
		var scopes []string
		for j := 0; j < 1+rng.Intn(4); j++ {
			scopes = append(scopes, rndScopes[rng.Intn(len(rndScopes))])
		}
		r.tokens = append(r.tokens, rndToken{"admin " + strings.Join(scopes, ","), e.adminToken(scopes...)})
	}
	std := e.newUser(e.org.ID, "std@zcrm.local", "Standard")
	r.tokens = append(r.tokens, rndToken{"standard user", e.token(std, "ZohoCRM.modules.ALL", "ZohoCRM.settings.ALL", "ZohoCRM.users.ALL", "ZohoCRM.org.ALL")})
	_, freeAdmin := e.newOrg("Free org", crm.Free)
	r.tokens = append(r.tokens, rndToken{"free-edition admin", e.token(freeAdmin, "ZohoCRM.modules.ALL", "ZohoCRM.settings.ALL", "ZohoCRM.users.ALL", "ZohoCRM.org.ALL")})
	_, otherAdmin := e.newOrg("Other org", crm.Enterprise)
	r.tokens = append(r.tokens, rndToken{"other-org admin", e.token(otherAdmin, "ZohoCRM.modules.ALL", "ZohoCRM.settings.ALL", "ZohoCRM.users.ALL", "ZohoCRM.org.ALL")})
	for _, u := range []crm.User{e.admin, std, freeAdmin, otherAdmin} {
		r.add("user", crm.FormatID(u.ID))
	}
	// GET settings/custom_views/{id} and settings/related_lists/{id}: a view and a list of Contacts.
	r.add("view", e.metaID(e.org.ID, catalog.KeyCustomView("Contacts", "All")))
	r.add("rlist", e.metaID(e.org.ID, catalog.KeyRelatedList("Contacts", "Notes")))
	for _, id := range []int64{e.newRecord(otherAdmin, "Contacts", map[string]any{"Last_Name": "Foreign"}),
		e.newRecord(otherAdmin, "Deals", map[string]any{"Deal_Name": "Foreign", "Stage": "Qualification"})} {
		r.add("foreign", crm.FormatID(id))
	}

	// Records of every module the API takes, through the API, as a client would make them.
	for _, m := range catalog.Modules() {
		if !m.APISupported {
			continue
		}
		for i := 0; i < 3; i++ {
			body, _ := json.Marshal(map[string]any{"data": []any{r.mandatory(rng, m), r.mandatory(rng, m)}})
			res := r.send(rndReq{method: "POST", path: "/crm/v8/" + m.APIName, auth: r.admin, body: body})
			if res.status != 201 {
				t.Fatalf("fixture: POST %s %s = %d %s", m.APIName, body, res.status, res.body)
			}
			r.learn("POST", []string{m.APIName}, res)
		}
	}
	// Cadences: live ones on every module they may target (enrolment needs them), and a draft.
	tok := e.adminToken(cadAll...)
	for _, m := range rndCadenceModules {
		for i := 0; i < 2; i++ {
			// Kept out of the "cadence" pool, so that no request deletes or deactivates them.
			r.add("live:"+m, crm.FormatID(e.cadLive(tok, fmt.Sprintf("Random %s %d", m, i), m)))
		}
	}
	r.add("cadence", crm.FormatID(e.cadCreate(tok, cadManual("Random draft", "Contacts"))))
	// The default contact roles.
	res := r.send(rndReq{method: "GET", path: "/crm/v8/Contacts/roles", auth: r.admin})
	var roles struct {
		ContactRoles []struct{ ID string } `json:"contact_roles"`
	}
	if err := json.Unmarshal([]byte(res.body), &roles); err != nil || len(roles.ContactRoles) == 0 {
		t.Fatalf("fixture: contact roles = %d %s", res.status, res.body)
	}
	for _, ro := range roles.ContactRoles {
		// Kept out of the "role" pool, so that no request deletes or renames them.
		r.add("keep:role", ro.ID)
	}

	// Large bodies, built once: a 3 MB name, 150,000 records, 400,000 ids, and 9 MB (over maxBody).
	r.huge = [][]byte{
		[]byte(`{"data":[{"Last_Name":"` + strings.Repeat("x", 3<<20) + `"}]}`),
		[]byte(`{"data":[` + strings.TrimSuffix(strings.Repeat(`{"Last_Name":"a"},`, 150000), ",") + `]}`),
		[]byte(`{"cadences_ids":["1"],"ids":[` + strings.TrimSuffix(strings.Repeat(`"5725767000000100001",`, 400000), ",") + `]}`),
		[]byte(`{"data":[{"Last_Name":"` + strings.Repeat("é", 9<<19) + `"}]}`),
	}
	r.deep = [][]byte{
		[]byte(strings.Repeat("[", 10000)),
		[]byte(strings.Repeat("[", 10001) + strings.Repeat("]", 10001)),
		[]byte(`{"data":` + strings.Repeat("[", 100000)),
		[]byte(strings.Repeat(`{"a":`, 10000) + "1" + strings.Repeat("}", 10000)),
		[]byte(`{"data":[{"Last_Name":` + strings.Repeat("[", 9990) + strings.Repeat("]", 9990) + `}]}`),
		[]byte(`{"cadences":[{"name":"n","module":` + strings.Repeat(`{"api_name":`, 5000) + `"Leads"` + strings.Repeat("}", 5000) + `}]}`),
	}
	return r
}

// add puts a real id into the pool kind.
func (r *rndEnv) add(kind, id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.ids[kind]) < 400 {
		r.ids[kind] = append(r.ids[kind], id)
	}
}

// realID returns a random id of pool kind, or of any pool when kind has none.
func (r *rndEnv) realID(rng *rand.Rand, kind string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	ids := r.ids[kind]
	if len(ids) == 0 {
		for _, k := range []string{"Contacts", "Deals", "cadence"} {
			ids = append(ids, r.ids[k]...)
		}
	}
	if len(ids) == 0 {
		return "5725767000000100001"
	}
	return ids[rng.Intn(len(ids))]
}

// learn adds to the pools what a successful write answered: the ids of the records, cadences and
// roles it created, and the links it made.
func (r *rndEnv) learn(method string, segs []string, res rndRes) {
	if res.status != 200 && res.status != 201 && res.status != 207 || len(segs) == 0 {
		return
	}
	var v map[string][]struct {
		Status  string `json:"status"`
		Details struct {
			ID string `json:"id"`
		} `json:"details"`
	}
	if json.Unmarshal([]byte(res.body), &v) != nil {
		return
	}
	var ids []string
	for _, items := range v {
		for _, it := range items {
			if it.Status == "success" && it.Details.ID != "" {
				ids = append(ids, it.Details.ID)
			}
		}
	}
	m, isModule := catalog.Standard(segs[0])
	switch {
	case method == "POST" && len(segs) == 1 && isModule:
		for _, id := range ids {
			r.add(m.APIName, id)
		}
	case method == "POST" && len(segs) == 3 && strings.EqualFold(segs[2], "cadences"):
		for _, id := range ids {
			r.add("cadence", id)
		}
	case method == "POST" && len(segs) == 2 && strings.EqualFold(segs[1], "roles"):
		for _, id := range ids {
			r.add("role", id)
		}
	case method == "PUT" && (len(segs) == 3 || len(segs) == 4) && isModule:
		if _, ok := crm.ParseID(segs[1]); !ok {
			return
		}
		r.mu.Lock()
		defer r.mu.Unlock()
		for _, id := range ids {
			l := rndLink{m.APIName, segs[1], segs[2], id}
			if len(r.links) < 400 {
				r.links = append(r.links, l)
			} else { // the oldest goes: links made late are the likeliest to be there still
				r.links[r.linkAt%len(r.links)] = l
				r.linkAt++
			}
		}
	case method == "DELETE" && len(segs) == 4 && isModule:
		// A link removed by the single form is gone: later reads and deletes aim at live ones.
		r.mu.Lock()
		defer r.mu.Unlock()
		r.links = slices.DeleteFunc(r.links, func(l rndLink) bool {
			return l.module == m.APIName && l.id == segs[1] && strings.EqualFold(l.list, segs[2]) && l.related == segs[3]
		})
	}
}

// link returns a random link made earlier: a deal's contact role (roles) or related records.
func (r *rndEnv) link(rng *rand.Rand, roles bool) (rndLink, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for range 10 {
		if len(r.links) == 0 {
			break
		}
		l := r.links[rng.Intn(len(r.links))]
		if strings.EqualFold(l.list, "Contact_Roles") == roles {
			return l, true
		}
	}
	return rndLink{}, false
}

// rndReq is one generated request.
type rndReq struct {
	method, path string // path with its query string
	auth         string // the token, or a whole Authorization header when rawAuth is set
	rawAuth      bool
	noAuth       bool
	authKind     string
	body         []byte
	header       map[string]string
	route        string // the route the request aims at, for coverage ("" for none)
}

// rndRes is an answer.
type rndRes struct {
	status   int
	ctype    string
	location string
	body     string
	err      error
}

// send makes one request.
func (r *rndEnv) send(q rndReq) rndRes {
	var rd io.Reader
	if q.body != nil {
		rd = bytes.NewReader(q.body)
	}
	req, err := http.NewRequest(q.method, r.e.srv.URL+q.path, rd)
	if err != nil {
		return rndRes{err: fmt.Errorf("build request: %w", err)}
	}
	switch {
	case q.noAuth:
	case q.rawAuth:
		req.Header.Set("Authorization", q.auth)
	default:
		req.Header.Set("Authorization", "Zoho-oauthtoken "+q.auth)
	}
	for k, v := range q.header {
		req.Header.Set(k, v)
	}
	res, err := r.client.Do(req)
	if err != nil {
		return rndRes{err: err}
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return rndRes{status: res.StatusCode, ctype: res.Header.Get("Content-Type"), location: res.Header.Get("Location"), body: string(b), err: err}
}

// check returns why an answer breaks the rule, or "".
func (q rndReq) check(res rndRes) string {
	switch {
	case res.err != nil:
		// The server may close the connection on a body over maxBody before it is all sent.
		if len(q.body) > maxBody {
			return ""
		}
		return "transport error: " + res.err.Error()
	case res.status >= 500:
		return fmt.Sprintf("status %d", res.status)
	case res.status >= 300 && res.status < 400 && res.status != http.StatusNotModified && rndUnclean(q.path):
		// server.go's dispatch leaves an unclean path (//, /./, /../) to ServeMux, which redirects
		// it to the clean one: net/http's answer, not an API answer.
		if res.location == "" {
			return fmt.Sprintf("status %d without a Location", res.status)
		}
		return ""
	case res.status < 200 || res.status >= 300 && res.status < 400 && res.status != http.StatusNotModified:
		return fmt.Sprintf("status %d is neither 2xx, 304 nor 4xx", res.status)
	case q.method == http.MethodHead:
		return ""
	case rndConsentPage(q):
		// The browser consent step answers people: an HTML page, or a redirect to a client's URI.
		if !strings.HasPrefix(res.ctype, "text/html") && res.status != http.StatusFound {
			return fmt.Sprintf("consent step answered %d %q", res.status, res.ctype)
		}
		return ""
	case res.status == http.StatusNoContent || res.status == http.StatusNotModified:
		if res.body != "" {
			return fmt.Sprintf("status %d with a body", res.status)
		}
	case res.body == "":
		return fmt.Sprintf("status %d with an empty body", res.status)
	case !json.Valid([]byte(res.body)):
		return "body is not JSON"
	}
	// net/http drops the Content-Type writeJSON sets on a 304 (RFC 9110 allows it there).
	if res.ctype != contentType && res.status != http.StatusNotModified {
		return fmt.Sprintf("Content-Type %q", res.ctype)
	}
	return ""
}

// rndConsentPage reports whether the request reached the browser consent step (GET /oauth/v2/auth,
// POST /oauth/v2/auth/consent), which answers HTML rather than JSON.
func rndConsentPage(q rndReq) bool {
	p, _, _ := strings.Cut(q.path, "?")
	return p == "/oauth/v2/auth" && q.method == http.MethodGet || p == "/oauth/v2/auth/consent" && q.method == http.MethodPost
}

// rndUnclean reports whether a request target's path has an empty, "." or ".." segment.
func rndUnclean(target string) bool {
	p, _, _ := strings.Cut(target, "?")
	p, err := url.PathUnescape(p)
	if err != nil {
		return false
	}
	return strings.Contains(p, "//") || strings.Contains(p, "/./") || strings.Contains(p, "/../") ||
		strings.HasSuffix(p, "/.") || strings.HasSuffix(p, "/..")
}

// rndPrefix returns s cut to n bytes, with its length when cut.
func rndPrefix(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return fmt.Sprintf("%s… (%d bytes)", s[:n], len(s))
}

// rndFailure is one broken answer, compactly.
type rndFailure struct {
	why string
	req rndReq
	res rndRes
}

func (f rndFailure) String() string {
	auth := f.req.authKind
	return fmt.Sprintf("%s: %s %s [auth: %s] body %q → %d %s", f.why, f.req.method, rndPrefix(f.req.path, 300), auth,
		rndPrefix(string(f.req.body), 200), f.res.status, rndPrefix(f.res.body, 300))
}

// rndRun sends n generated requests from randomWorkers goroutines and fails the test with the
// first broken answers; it also checks that every route was aimed at and that some of each
// route's requests got through to a 2xx.
func rndRun(t *testing.T, r *rndEnv, seed int64, n int) {
	start := time.Now()
	var mu sync.Mutex
	var failures []rndFailure
	failed := 0
	hits := map[string][2]int{} // route → requests, 2xx answers
	statuses := map[int]int{}
	one := func(q rndReq, segs []string) {
		res := r.send(q)
		r.learn(q.method, segs, res)
		why := q.check(res)
		mu.Lock()
		defer mu.Unlock()
		statuses[res.status]++
		if q.route != "" {
			h := hits[q.route]
			h[0]++
			if res.status >= 200 && res.status < 300 {
				h[1]++
			}
			hits[q.route] = h
		}
		if why != "" {
			failed++
			if len(failures) < 12 {
				failures = append(failures, rndFailure{why, q, res})
			}
		}
	}
	var wg sync.WaitGroup
	for w := 0; w < randomWorkers; w++ {
		count := n / randomWorkers
		if w < n%randomWorkers {
			count++
		}
		wg.Go(func() {
			rng := rand.New(rand.NewSource(seed*1000 + int64(w)))
			for i := 0; i < count; i++ {
				one(r.gen(rng))
			}
		})
	}
	wg.Wait()
	// The workers interleave differently on every run, so a route whose successes are rare (a link
	// deleted once, a lead converted once) may see none by chance: such a route gets up to 400
	// more requests of the same generator, aimed at it, before the run judges its reach.
	if n >= 10000 {
		rng := rand.New(rand.NewSource(seed))
		for _, ro := range r.routes {
			k := ro.method + " " + strings.Join(ro.pattern, "/")
			for extra := 0; extra < 400 && hits[k][1] == 0 && !notServedRoute(k); extra++ {
				one(r.genRoute(rng, ro))
			}
		}
	}
	t.Logf("%d requests in %v (%d of several MB, %d nested past 10,000 levels); statuses %v", n,
		time.Since(start).Round(time.Millisecond), r.sentHuge.Load(), r.sentDeep.Load(), statuses)
	if failed > 0 {
		var b strings.Builder
		for _, f := range failures {
			b.WriteString("\n  " + f.String())
		}
		t.Errorf("%d of %d answers break the rule (JSON or an empty 204/304, never 5xx); the first ones:%s", failed, n, b.String())
	}
	var missing, never2xx, few2xx []string
	for _, ro := range r.routes {
		k := ro.method + " " + strings.Join(ro.pattern, "/")
		switch h := hits[k]; {
		case h[0] == 0:
			missing = append(missing, k)
		case h[1] == 0 && !notServedRoute(k):
			never2xx = append(never2xx, k)
		case h[1] < 5 && !notServedRoute(k):
			few2xx = append(few2xx, fmt.Sprintf("%s (%d of %d)", k, h[1], h[0]))
		}
	}
	if len(few2xx) > 0 {
		t.Logf("routes that answered 2xx fewer than 5 times (topped up when none): %v", few2xx)
	}
	if len(missing) > 0 {
		t.Errorf("routes never aimed at: %v", missing)
	}
	// With fewer requests a route may get no 2xx by chance; the full run must reach every handler's
	// success path.
	if n >= 10000 && (len(never2xx) > 0 || r.sentHuge.Load() == 0 || r.sentDeep.Load() == 0) {
		t.Errorf("the run missed what it is for: routes that never answered 2xx %v; %d huge and %d deep bodies sent",
			never2xx, r.sentHuge.Load(), r.sentDeep.Load())
	} else if len(never2xx) > 0 {
		t.Logf("routes that answered no 2xx in this short run: %v", never2xx)
	}
}

// notServedRoute reports whether the route answers NOT_SUPPORTED, never 2xx (notServedAPIs).
func notServedRoute(k string) bool {
	for _, a := range notServedAPIs {
		if a.method+" "+a.pattern == k {
			return true
		}
	}
	return false
}

// rndPick returns a random element.
func rndPick[T any](rng *rand.Rand, xs ...T) T { return xs[rng.Intn(len(xs))] }

// rndJunkIDs are path ids and id-list elements that are not ids of any row.
var rndJunkIDs = []string{
	"abc", "-1", "0", "-5725767000000100001", "99999999999999999999999999", "9223372036854775807",
	"9223372036854775808", "18446744073709551616", "1e18", "0x10", " 42", "42 ", "4 2", "+42",
	"00000000000000000042", "１２３", "١٢٣", "null", "undefined", "{id}", "\x00", "..", ".", "", "1,2,3",
	strings.Repeat("9", 5000), "😀", "\u202e", "'; DROP TABLE records;--", "a/b", "%", "%2F", "?", "#",
	"5725767000000100001", "1.5", "true",
}

// rndJunkID returns a junk id, sometimes a random 18-19 digit one that names no row.
func rndJunkID(rng *rand.Rand) string {
	if rng.Intn(3) == 0 {
		n := 18 + rng.Intn(2)
		b := make([]byte, n)
		for i := range b {
			b[i] = byte('0' + rng.Intn(10))
		}
		if b[0] == '0' {
			b[0] = '1'
		}
		return string(b)
	}
	return rndPick(rng, rndJunkIDs...)
}

// rndJunkNames are module, related-list and action names no route knows.
var rndJunkNames = []string{"Nope", "contacts", "CONTACTS", "Contact", "settings", "actions", "roles", "Potentials",
	"Documents", "Projects", "Home", "Entity_Cadences_", "Entity_Cadences_nope", "Notes", "Attachments",
	"Activities_Chronological_View", "", "😀", strings.Repeat("M", 3000), "Contacts%00", "a b", "__proto__",
	"Contact_Roles", "publish ", "PUBLISH", "delete", "../Contacts"}

// gen generates one request and returns it with, for a request aimed at a route, its path segments
// after /crm/{version}/.
func (r *rndEnv) gen(rng *rand.Rand) (rndReq, []string) {
	q := rndReq{}
	var segs []string
	switch x := rng.Intn(100); {
	case x < 90: // a route of routes.go
		return r.genRoute(rng, r.routes[rng.Intn(len(r.routes))])
	case x < 94: // the accounts endpoints
		q.method = rndPick(rng, "POST", "POST", "POST", "GET", "PUT", "DELETE")
		q.path = rndPick(rng, "/oauth/v2/token", "/oauth/v2/token/revoke", "/oauth/v2/auth", "/oauth/v2/auth/consent", "/oauth/v2/token/", "/oauth/v2/")
		if rng.Intn(3) == 0 {
			q.path += "?" + r.formJunk(rng)
		}
		q.body = []byte(r.formJunk(rng))
		q.header = map[string]string{"Content-Type": rndPick(rng, "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
			"multipart/form-data", "application/json", "text/plain", "")}
		if rng.Intn(4) == 0 {
			q.body = r.junkBody(rng)
		}
	case x < 95:
		q.method, q.path = rndPick(rng, "GET", "HEAD", "POST"), "/healthz"
	default: // paths no route matches
		var parts []string
		for i := rng.Intn(7); i > 0; i-- {
			parts = append(parts, rndPick(rng, append([]string{"v8", "settings", "Contacts", "actions", "automation", "cadences", rndJunkID(rng)}, rndJunkNames...)...))
		}
		q.method = rndPick(rng, "GET", "POST", "PUT", "DELETE", "PATCH")
		q.path = rndPick(rng, "/crm/", "/crm/v8/", "/", "/api/", "/crm/v8/settings/") + rndEscape(parts) + r.query(rng, rndCtx{})
		q.body = r.junkBody(rng)
	}
	r.finish(rng, &q)
	return q, segs
}

// genRoute returns a random request aimed at the route ro, and the path segments it filled in.
func (r *rndEnv) genRoute(rng *rand.Rand, ro route) (rndReq, []string) {
	q := rndReq{route: ro.method + " " + strings.Join(ro.pattern, "/"), method: ro.method}
	segs, ctx := r.fill(rng, ro)
	if rng.Intn(12) == 0 {
		q.method = rndPick(rng, "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS")
	}
	version := "v8"
	switch y := rng.Intn(20); {
	case y < 3:
		version = rndPick(rng, "v2", "v2.1", "v2.2", "v3", "v4", "v5", "v6", "v7")
	case y == 3:
		version = rndPick(rng, "v9", "v1", "v8.0", "V8", "x", "v", "v2.1.1", "v99999999999999999999")
	}
	q.path = "/crm/" + version + "/" + rndEscape(segs)
	if rng.Intn(25) == 0 {
		q.path += "/"
	}
	q.path += r.query(rng, ctx)
	q.body = r.body(rng, q.method, ro, ctx)
	r.finish(rng, &q)
	return q, segs
}

// finish gives a generated request its authentication and, now and then, a stray header.
func (r *rndEnv) finish(rng *rand.Rand, q *rndReq) {
	r.auth(rng, q)
	if rng.Intn(15) == 0 {
		if q.header == nil {
			q.header = map[string]string{}
		}
		q.header[rndPick(rng, "If-Modified-Since", "Content-Type", "X-CRM-ORG", "Accept")] =
			rndPick(rng, "2024-07-17T10:00:00+00:00", "Wed, 17 Jul 2024 10:00:00 GMT", "junk", "", "application/json", "9999-99-99T99:99:99Z", "é")
	}
}

// rndEscape joins path segments, escaping each.
func rndEscape(segs []string) string {
	out := make([]string, len(segs))
	for i, s := range segs {
		out[i] = url.PathEscape(s)
	}
	return strings.Join(out, "/")
}

// rndCtx is what fill chose for a request: the module and related list named in its path.
type rndCtx struct {
	module  catalog.Module
	related catalog.RelatedList
	idsKind string   // the pool an ids parameter draws from
	ids     []string // ids an ids parameter names (a link's related id), when set
	needIDs bool     // the route takes its ids from the query string
	// the route needs a fields (record reads) or module (field, related list and view metadata)
	// parameter
	needFields, needModule bool
}

// rndAPIModules returns the modules the API takes.
func rndAPIModules() []catalog.Module {
	var out []catalog.Module
	for _, m := range catalog.Modules() {
		if m.APISupported {
			out = append(out, m)
		}
	}
	return out
}

// fill returns the path segments of route ro with its wildcards filled: mostly with names and ids
// that exist, sometimes with junk, another module's or another org's ids.
func (r *rndEnv) fill(rng *rand.Rand, ro route) ([]string, rndCtx) {
	var ctx rndCtx
	mods := rndAPIModules()
	ctx.module = rndPick(rng, mods...)
	literal := strings.Join(ro.pattern, "/")
	switch {
	case strings.Contains(literal, "Contact_Roles"):
		ctx.module, _ = catalog.Standard("Deals")
	case strings.Contains(literal, "cadences") && strings.HasPrefix(literal, "{module}"):
		ctx.module, _ = catalog.Standard(rndPick(rng, rndCadenceModules...))
	case literal == "{module}/{id}/actions/convert" && rng.Intn(4) != 0:
		ctx.module, _ = catalog.Standard("Leads") // only leads convert; a lead converts once
	case literal == "{module}/{id}/{related_list}" && ro.method == http.MethodPost && rng.Intn(4) != 0:
		// POST under a record makes a note there (notes.go): mostly name the Notes list.
		for {
			ctx.module = rndPick(rng, mods...)
			if notes, ok := ctx.module.RelatedList("Notes"); ok {
				ctx.related = notes
				break
			}
		}
	case strings.Contains(literal, "{related_list}") && rng.Intn(4) != 0:
		l := rndPick(rng, r.writable...)
		ctx.module, ctx.related = l.module, l.list
	case strings.Contains(literal, "{related_list}"):
		for len(ctx.module.RelatedLists) == 0 {
			ctx.module = rndPick(rng, mods...)
		}
		ctx.related = rndPick(rng, ctx.module.RelatedLists...)
	}
	// Reads and deletes of links mostly name one that was made (deletes nearly always: a link is
	// deleted once, and junk reaches them through the segments anyway).
	fixed := map[string]string{}
	aim := rng.Intn(3) != 0
	if ro.method == http.MethodDelete {
		aim = rng.Intn(8) != 0
	}
	if roles, rl := strings.Contains(literal, "Contact_Roles"), strings.Contains(literal, "{related_list}"); (roles || rl) && ro.method != http.MethodPut && aim {
		if l, ok := r.link(rng, roles); ok {
			fixed["{module}"], fixed["{id}"], fixed["{related_id}"] = l.module, l.id, l.related
			ctx.module, _ = catalog.Standard(l.module)
			if rl {
				fixed["{related_list}"] = l.list
				ctx.related, _ = ctx.module.RelatedList(l.list)
			}
			ctx.ids = []string{l.related}
		}
	}
	ctx.needFields = ro.method == http.MethodGet && strings.HasPrefix(literal, "{module}")
	ctx.needModule = strings.HasPrefix(literal, "settings/fields") || strings.HasPrefix(literal, "settings/related_lists") || strings.HasPrefix(literal, "settings/custom_views")
	ctx.needIDs = ro.method == http.MethodDelete && (ro.pattern[len(ro.pattern)-1] == "{related_list}" ||
		ro.pattern[len(ro.pattern)-1] == "Contact_Roles" || literal == "{module}" || literal == "Contacts/roles")
	idKind := ctx.module.APIName
	ctx.idsKind = idKind
	switch {
	case ctx.related.Module != "":
		ctx.idsKind = ctx.related.Module
	case strings.Contains(literal, "Contact_Roles"):
		ctx.idsKind = "Contacts"
	}
	switch {
	case literal == "settings/custom_views/{id}" || literal == "settings/related_lists/{id}":
		idKind = map[bool]string{true: "view", false: "rlist"}[strings.Contains(literal, "custom_views")]
		if rng.Intn(4) != 0 {
			ctx.module, _ = catalog.Standard("Contacts") // the view's module, mostly
		}
	case strings.HasPrefix(literal, "settings/automation"):
		idKind = "cadence"
	case strings.HasPrefix(literal, "Contacts/roles"):
		idKind, ctx.idsKind = "role", "role"
	case strings.HasPrefix(literal, "users"):
		idKind = "user"
	}
	segs := make([]string, len(ro.pattern))
	for i, p := range ro.pattern {
		junk := rng.Intn(8) == 0
		if v, ok := fixed[p]; ok && !junk {
			segs[i] = v
			continue
		}
		switch p {
		case "{module}":
			segs[i] = ctx.module.APIName
			if junk {
				segs[i] = rndPick(rng, rndJunkNames...)
			}
		case "{id}":
			segs[i] = r.someID(rng, idKind, junk)
		case "{related_id}":
			kind := "Contacts"
			if ctx.related.Module != "" {
				kind = ctx.related.Module
			}
			segs[i] = r.someID(rng, kind, junk)
		case "{related_list}":
			segs[i] = ctx.related.APIName
			if junk {
				segs[i] = rndPick(rng, rndJunkNames...)
			}
		case "{action}":
			segs[i] = rndPick(rng, "publish", "publish", "activate", "deactivate")
			if junk {
				segs[i] = rndPick(rng, rndJunkNames...)
			}
		default:
			segs[i] = p
			if rng.Intn(30) == 0 {
				segs[i] = rndPick(rng, strings.ToLower(p), strings.ToUpper(p))
			}
		}
	}
	return segs, ctx
}

// someID returns a real id of kind, or (junk) a junk id, another pool's id or another org's.
func (r *rndEnv) someID(rng *rand.Rand, kind string, junk bool) string {
	if !junk {
		return r.realID(rng, kind)
	}
	switch rng.Intn(4) {
	case 0:
		return r.realID(rng, "foreign")
	case 1:
		return r.realID(rng, rndPick(rng, "Contacts", "Deals", "Leads", "Campaigns", "cadence", "role", "user"))
	}
	return rndJunkID(rng)
}

// rndFields are field names query strings and bodies draw from.
var rndFields = []string{"Last_Name", "First_Name", "Email", "Deal_Name", "Stage", "Campaign_Name", "Account_Name", "Owner",
	"Created_Time", "id", "name", "status", "Member_Status", "Contact_Role", "nope", "", "Last_Name,Email", "$approval_state"}

// query returns a query string ("" or "?…"): plausible parameters, with junk ones and values.
func (r *rndEnv) query(rng *rand.Rand, ctx rndCtx) string {
	var parts []string
	if ctx.needIDs && rng.Intn(6) != 0 {
		ids := ctx.ids
		if ids == nil || rng.Intn(4) == 0 {
			ids = r.idList(rng, ctx.idsKind)
		}
		parts = append(parts, "ids="+url.QueryEscape(strings.Join(ids, ",")))
	}
	if ctx.needFields && rng.Intn(6) != 0 {
		fields := []string{ctx.module.NameField(), "id", "Owner", "Created_Time"}
		if ctx.related.Module != "" {
			rm, _ := catalog.Standard(ctx.related.Module)
			fields = append(fields, rm.NameField(), "Member_Status")
		}
		if strings.Contains(ctx.related.APIName, "Cadences") {
			fields = append(fields, "name", "status")
		}
		fields = append(fields, "Contact_Role", "Last_Name", "Email")
		parts = append(parts, "fields="+url.QueryEscape(strings.Join(fields[:1+rng.Intn(len(fields))], ",")))
	}
	if ctx.needModule && rng.Intn(6) != 0 {
		parts = append(parts, "module="+url.QueryEscape(ctx.module.APIName))
	}
	if len(parts) == 0 && rng.Intn(3) == 0 {
		return ""
	}
	for i := rng.Intn(3); i > 0 || len(parts) == 0; i-- {
		name := rndPick(rng, "fields", "fields", "ids", "ids", "page", "per_page", "sort_by", "sort_order", "module", "name",
			"active", "type", "status", "cvid", "converted", "approved", "wf_trigger", "page_token", "include_child", "ids[]",
			"criteria", "word", "email", "phone")
		var v string
		switch name {
		case "fields":
			var fs []string
			for j := 1 + rng.Intn(3); j > 0; j-- {
				fs = append(fs, rndPick(rng, rndFields...))
			}
			if rng.Intn(30) == 0 {
				for j := 0; j < 60; j++ {
					fs = append(fs, fmt.Sprintf("F%d", j))
				}
			}
			v = strings.Join(fs, ",")
		case "ids", "ids[]":
			v = strings.Join(r.idList(rng, ctx.idsKind), ",")
		case "page", "per_page":
			v = rndPick(rng, "1", "2", "200", "201", "0", "-1", "abc", "99999999999999999999", "10", "1e3", "")
		case "sort_by":
			v = rndPick(rng, "id", "Created_Time", "Modified_Time", "Last_Name", "nope", "")
		case "sort_order":
			v = rndPick(rng, "asc", "desc", "ASC", "up", "")
		case "module":
			v = rndPick(rng, "Contacts", "Leads", "Deals", "Campaigns", "nope", "", "contacts", "Documents")
		case "type":
			v = rndPick(rng, "AllUsers", "ActiveUsers", "CurrentUser", "AdminUsers", "DeactiveUsers", "nope", "")
		case "active":
			v = rndPick(rng, "true", "false", "yes", "")
		case "criteria":
			v = rndPick(rng, "(Last_Name:equals:a)", "((Owner:equals:1)or(id:in:1,2))", "(Created_Time:greater_than:2024-07-17T20:38:22+00:00)",
				"(Email:starts_with:a\\,b)", "((a:equals:1)", "(nope:equals:1)", "(Last_Name:between:a,b)", "Deal_Name:equals:x", "")
		case "word", "email", "phone":
			v = rndPick(rng, "a", "zcrm", "a@b.c", "555", "", "%_")
		default:
			v = rndPick(rng, "true", "false", "1", "x", "", "😀", strings.Repeat("z", 2000))
		}
		parts = append(parts, url.QueryEscape(name)+"="+url.QueryEscape(v))
	}
	if rng.Intn(10) == 0 {
		parts = append(parts, rndPick(rng, "%zz", "&&", "=", "%", "a=%ZZ", "fields", "ids=%2C%2C", "x=%00", "%E9", ";"))
	}
	return "?" + strings.Join(parts, "&")
}

// idList returns ids for an ids parameter or body: real ones of kind and junk ones, sometimes more
// than 100.
func (r *rndEnv) idList(rng *rand.Rand, kind string) []string {
	n := 1 + rng.Intn(4)
	switch rng.Intn(12) {
	case 0:
		n = 100 + rng.Intn(60)
	case 1:
		n = 0
	}
	ids := make([]string, n)
	for i := range ids {
		if rng.Intn(4) == 0 {
			ids[i] = r.someID(rng, kind, true)
		} else {
			ids[i] = r.realID(rng, kind)
		}
	}
	return ids
}

// auth sets the request's Authorization: mostly the admin's token, else another user's, a token
// of random scopes, an expired one, junk or none.
func (r *rndEnv) auth(rng *rand.Rand, q *rndReq) {
	switch x := rng.Intn(100); {
	case x < 62:
		q.auth, q.authKind = r.admin, "admin"
	case x < 85:
		tk := rndPick(rng, r.tokens...)
		q.auth, q.authKind = tk.tok, tk.kind
	case x < 88:
		q.auth, q.authKind = r.expired, "expired"
	case x < 90:
		q.noAuth, q.authKind = true, "none"
	default:
		q.rawAuth = true
		q.auth = rndPick(rng, "Bearer "+r.admin, "Zoho-oauthtoken", "Zoho-oauthtoken ", "zoho-oauthtoken "+r.admin,
			"Zoho-oauthtoken 1000.deadbeef", "Zoho-oauthtoken "+strings.Repeat("a", 10000), "Zoho-oauthtoken "+r.admin+" extra",
			"Zoho-oauthtoken é", "Zoho-oauthtoken\t"+r.admin, "ZOHO-OAUTHTOKEN  "+r.admin+"  ", "Basic YTpi", "", "Zoho-oauthtoken "+r.admin[:len(r.admin)-1])
		q.authKind = "raw " + rndPrefix(q.auth, 40)
	}
}

// formJunk returns an urlencoded parameter list for the accounts endpoints: real-looking and junk
// grant types, clients, codes and tokens (never a real token: revoking one would end the test).
func (r *rndEnv) formJunk(rng *rand.Rand) string {
	v := url.Values{}
	for i := rng.Intn(6); i > 0; i-- {
		k := rndPick(rng, "grant_type", "client_id", "client_secret", "code", "refresh_token", "token", "scope", "soid", "redirect_uri")
		v.Add(k, rndPick(rng, "authorization_code", "refresh_token", "client_credentials", "password", "1000.ABC", "1000.ab.cd",
			"", "ZohoCRM.modules.ALL", "ZohoCRM.org.123", rndJunkID(rng), strings.Repeat("q", 3000), "é"))
	}
	return v.Encode()
}

// body returns a body for a request to route ro: none for most reads; else valid (as a client
// sends it), valid with random parts changed, or junk.
func (r *rndEnv) body(rng *rand.Rand, method string, ro route, ctx rndCtx) []byte {
	if (method == "GET" || method == "HEAD" || method == "DELETE") && rng.Intn(10) != 0 {
		return nil
	}
	valid := r.valid(rng, ro, ctx)
	switch x := rng.Intn(100); {
	case x < 50 && valid != nil:
		b, _ := json.Marshal(valid)
		return b
	case x < 78 && valid != nil:
		for i := 1 + rng.Intn(3); i > 0; i-- {
			valid = r.mutate(rng, valid, 0)
		}
		b, err := json.Marshal(valid)
		if err != nil {
			return []byte(fmt.Sprint(valid))
		}
		return b
	}
	return r.junkBody(rng)
}

// valid returns a body the route takes, as a JSON value; nil for routes without one.
func (r *rndEnv) valid(rng *rand.Rand, ro route, ctx rndCtx) any {
	m := ctx.module
	obj := func(k string, items ...any) any { return map[string]any{k: items} }
	switch ro.method + " " + strings.Join(ro.pattern, "/") {
	case "POST {module}":
		var items []any
		for i := 1 + rng.Intn(3); i > 0; i-- {
			items = append(items, r.record(rng, m, false))
		}
		return map[string]any{"data": items, "trigger": []any{rndPick(rng, "workflow", "approval", "blueprint")}}
	case "POST {module}/upsert":
		var items []any
		for i := 1 + rng.Intn(3); i > 0; i-- {
			items = append(items, r.record(rng, m, false))
		}
		return map[string]any{"data": items}
	case "PUT {module}":
		var items []any
		for i := 1 + rng.Intn(3); i > 0; i-- {
			rec := r.record(rng, m, true)
			rec["id"] = r.realID(rng, m.APIName)
			items = append(items, rec)
		}
		return obj("data", items...)
	case "PUT {module}/{id}":
		return obj("data", r.record(rng, m, true))
	case "POST settings/automation/cadences":
		mod := rndPick(rng, rndCadenceModules...)
		return obj("cadences", map[string]any{"name": fmt.Sprintf("R %d", rng.Int63()), "module": map[string]any{"api_name": mod},
			"type": "manual_enrollment", "description": rndPick(rng, "", "d", "é😀"),
			"follow_ups": []any{map[string]any{"reference_id": "1", "action": map[string]any{"type": rndPick(rng, "tasks", "calls", "emails")},
				"execute_after": map[string]any{"unit": 1 + rng.Intn(3), "period": rndPick(rng, "days", "hours", "weeks")}}}})
	case "PUT settings/automation/cadences":
		return obj("cadences", map[string]any{"id": r.realID(rng, "cadence"), "name": fmt.Sprintf("R %d", rng.Int63()),
			"description": "changed"})
	case "POST settings/automation/cadences/{id}/actions/{action}":
		return map[string]any{}
	case "PUT settings/automation/cadences/{id}":
		return obj("cadences", map[string]any{"name": fmt.Sprintf("R %d", rng.Int63()), "description": "changed"})
	case "POST {module}/actions/enrol_in_cadences", "POST {module}/actions/unenrol_from_cadences":
		var cads []any
		for i := 1 + rng.Intn(2); i > 0; i-- {
			if rng.Intn(5) == 0 {
				cads = append(cads, r.realID(rng, "cadence"))
			} else {
				cads = append(cads, r.realID(rng, "live:"+m.APIName))
			}
		}
		var ids []any
		for _, id := range r.idList(rng, m.APIName) {
			ids = append(ids, id)
		}
		return map[string]any{"cadences_ids": cads, "ids": ids}
	case "POST Contacts/roles":
		return obj("contact_roles", map[string]any{"name": fmt.Sprintf("Role %d", rng.Intn(1000)), "sequence_number": rng.Intn(20)})
	case "PUT Contacts/roles":
		return obj("contact_roles", map[string]any{"id": r.realID(rng, "role"), "name": fmt.Sprintf("Role %d", rng.Intn(1000))},
			map[string]any{"id": r.realID(rng, "role"), "sequence_number": 1 + rng.Intn(9)})
	case "PUT Contacts/roles/{id}":
		return obj("contact_roles", map[string]any{"name": fmt.Sprintf("Role %d", rng.Intn(1000))})
	case "PUT {module}/{id}/Contact_Roles":
		var items []any
		for i := 1 + rng.Intn(3); i > 0; i-- {
			items = append(items, map[string]any{"id": r.realID(rng, "Contacts"), "Contact_Role": rndRoleRef(rng, r)})
		}
		return obj("data", items...)
	case "PUT {module}/{id}/Contact_Roles/{related_id}":
		return obj("data", map[string]any{"Contact_Role": rndRoleRef(rng, r)})
	case "PUT {module}/{id}/{related_list}":
		var items []any
		for i := 1 + rng.Intn(3); i > 0; i-- {
			it := rndLinkValues(rng, ctx.related)
			it["id"] = r.realID(rng, ctx.related.Module)
			items = append(items, it)
		}
		return obj("data", items...)
	case "PUT {module}/{id}/{related_list}/{related_id}":
		return obj("data", rndLinkValues(rng, ctx.related))
	case "POST {module}/{id}/actions/clone":
		return obj("data", r.record(rng, m, true))
	case "POST {module}/{id}/actions/convert":
		return obj("data", map[string]any{"overwrite": rng.Intn(2) == 0, "notify_lead_owner": false})
	case "POST {module}/{id}/{related_list}":
		return obj("data", map[string]any{"Note_Title": fmt.Sprintf("Note %d", rng.Intn(1000)), "Note_Content": "Random"})
	case "POST coql":
		return map[string]any{"select_query": rndPick(rng, "select Last_Name, Email from Contacts where id is not null order by Last_Name limit 5",
			"select Deal_Name, Account_Name.Account_Name from Deals where Amount > 0 or Stage like 'c%'",
			"select Stage, COUNT(id), SUM(Amount) from Deals where id is not null group by Stage")}
	}
	return nil
}

// rndRoleRef names a contact role by id or by name.
func rndRoleRef(rng *rand.Rand, r *rndEnv) map[string]any {
	if rng.Intn(2) == 0 {
		return map[string]any{"id": r.realID(rng, rndPick(rng, "keep:role", "keep:role", "role"))}
	}
	return map[string]any{"name": rndPick(rng, "Purchasing", "Engineering Lead", "Evaluator", "Nope")}
}

// rndLinkValues returns the values a link of the related list carries (a campaign member's
// status, a price book's list price).
func rndLinkValues(rng *rand.Rand, rl catalog.RelatedList) map[string]any {
	out := map[string]any{}
	if rel, ok := catalog.RelationByKind(rl.Relation); ok {
		for _, f := range rel.Fields {
			if f.Mandatory || rng.Intn(2) == 0 {
				switch f.DataType {
				case "double":
					out[f.APIName] = rng.Float64() * 100
				default:
					out[f.APIName] = rndPick(rng, "Sent", "Received", "Responded", "Planned", "nope")
				}
			}
		}
	}
	return out
}

// record returns a valid record of module m: its mandatory fields (unless update), and a few
// others, each with a value of its type.
func (r *rndEnv) record(rng *rand.Rand, m catalog.Module, update bool) map[string]any {
	rec := map[string]any{}
	for _, f := range m.Fields {
		if f.ReadOnly || catalog.IsSystem(f.APIName) && f.APIName != "Owner" {
			continue
		}
		if f.Mandatory && !update || rng.Intn(6) == 0 {
			rec[f.APIName] = r.value(rng, f)
		}
	}
	return rec
}

// mandatory returns a record of module m with its mandatory fields only.
func (r *rndEnv) mandatory(rng *rand.Rand, m catalog.Module) map[string]any {
	rec := map[string]any{}
	for _, f := range m.Fields {
		if f.Mandatory {
			rec[f.APIName] = r.value(rng, f)
			if f.Unique { // no two records share it (DUPLICATE_DATA)
				rec[f.APIName] = fmt.Sprintf("%v %d", rec[f.APIName], rng.Int63())
			}
		}
	}
	if m.APIName == "Notes" { // a title or content, and a parent: one of the leads made before
		r.mu.Lock()
		leads := r.ids["Leads"]
		r.mu.Unlock()
		rec["Note_Title"] = "Note " + strconv.Itoa(rng.Intn(1000))
		rec["Parent_Id"] = map[string]any{"module": map[string]any{"api_name": "Leads"}, "id": leads[rng.Intn(len(leads))]}
	}
	return rec
}

// value returns a valid value for field f.
func (r *rndEnv) value(rng *rand.Rand, f catalog.Field) any {
	switch f.DataType {
	case "email":
		return fmt.Sprintf("p%d@example.com", rng.Intn(1e6))
	case "phone":
		return fmt.Sprintf("+1 555 %04d", rng.Intn(1e4))
	case "website":
		return "https://example.com/" + strconv.Itoa(rng.Intn(100))
	case "picklist":
		return rndPick(rng, f.PickValues()...)
	case "integer":
		return rng.Intn(1000)
	case "bigint":
		return strconv.FormatInt(rng.Int63n(1e15), 10)
	case "double", "currency", "percent", "decimal":
		return float64(rng.Intn(100000)) / 100
	case "boolean":
		return rng.Intn(2) == 0
	case "date":
		return fmt.Sprintf("2024-%02d-%02d", 1+rng.Intn(12), 1+rng.Intn(28))
	case "datetime":
		return fmt.Sprintf("2024-07-%02dT%02d:30:00+05:30", 1+rng.Intn(28), rng.Intn(24))
	case "lookup":
		return map[string]any{"id": r.realID(rng, f.Lookup)}
	case "ownerlookup", "userlookup":
		return map[string]any{"id": r.realID(rng, "user")}
	}
	return rndPick(rng, "Lovelace", "Zoë Ünïcödé", "李小龍", "😀 emoji", `O'Brien "the" <b>`, "tab\there\nline", " padded ")
}

// mutate changes one random part of v (at depth d): a value becomes one of another type, a key is
// dropped, renamed or added, an array grows or empties.
func (r *rndEnv) mutate(rng *rand.Rand, v any, d int) any {
	switch x := v.(type) {
	case map[string]any:
		if len(x) > 0 && rng.Intn(3) != 0 {
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			k := rndPick(rng, keys...)
			switch rng.Intn(6) {
			case 0:
				delete(x, k)
			case 1:
				x[rndPick(rng, strings.ToLower(k), strings.ToUpper(k), k+"é", "$"+k, " "+k)] = x[k]
				delete(x, k)
			default:
				x[k] = r.mutate(rng, x[k], d+1)
			}
			return x
		}
		x[rndPick(rng, append([]string{"id", "$x", "data", "ids", "cadences", "Owner", "module", "", "😀"}, rndFields...)...)] = r.wrong(rng)
		return x
	case []any:
		switch {
		case len(x) > 0 && rng.Intn(3) != 0:
			i := rng.Intn(len(x))
			x[i] = r.mutate(rng, x[i], d+1)
			return x
		case rng.Intn(2) == 0 && len(x) > 0:
			for len(x) < 101+rng.Intn(50) {
				x = append(x, x[rng.Intn(len(x))])
			}
			return x
		}
		return []any{}
	}
	return r.wrong(rng)
}

// wrong returns a value of a random JSON type, often not the one expected where it lands.
func (r *rndEnv) wrong(rng *rand.Rand) any {
	switch rng.Intn(16) {
	case 0:
		return nil
	case 1:
		return json.Number(rndPick(rng, "0", "-1", "1.5", "1e400", "-0", "123456789012345678901234567890", "9223372036854775808"))
	case 2:
		return r.realID(rng, rndPick(rng, "Contacts", "cadence", "role"))
	case 3:
		return rndPick(rng, "", " ", "null", "true", "1", "é😀", "\u0000", "\ud7ff", strings.Repeat("s", 300))
	case 4:
		return []any{}
	case 5:
		return map[string]any{}
	case 6:
		return rng.Intn(2) == 0
	case 7:
		ids := []any{}
		for _, id := range r.idList(rng, "Contacts") {
			ids = append(ids, id)
		}
		return ids
	case 8:
		return map[string]any{"id": r.someID(rng, "Contacts", rng.Intn(2) == 0)}
	case 9:
		return map[string]any{"api_name": rndPick(rng, "Contacts", "Nope", ""), "name": 5}
	case 10:
		var v any = "deep"
		for i := 0; i < 200; i++ {
			v = []any{v}
		}
		return v
	case 11:
		return strings.Repeat("長", 40000)
	case 12:
		return json.Number(strconv.FormatInt(rng.Int63(), 10))
	case 13:
		return []any{nil, 1, "x", map[string]any{}}
	}
	return rndJunkID(rng)
}

// junkBody returns a body that is not what any route takes: malformed, the wrong shape, nested
// past the decoder's limit, or (rarely) several MB.
func (r *rndEnv) junkBody(rng *rand.Rand) []byte {
	if rng.Intn(200) == 0 {
		r.sentHuge.Add(1)
		return rndPick(rng, r.huge...)
	}
	if rng.Intn(40) == 0 {
		r.sentDeep.Add(1)
		return rndPick(rng, r.deep...)
	}
	switch rng.Intn(8) {
	case 0: // a valid record body cut short, or with something after it
		b, _ := json.Marshal(map[string]any{"data": []any{map[string]any{"Last_Name": "Cut", "Email": "c@example.com"}}})
		if rng.Intn(2) == 0 {
			return b[:rng.Intn(len(b))]
		}
		return append(b, rndPick(rng, "x", "{}", " ]", "\x00", `{"data":[]}`)...)
	case 1: // invalid UTF-8, NUL, BOM
		return []byte(rndPick(rng, "{\"data\":[{\"Last_Name\":\"\xff\xfe\"}]}", "\xef\xbb\xbf{\"data\":[{\"Last_Name\":\"bom\"}]}",
			"{\"data\":[{\"Last_Name\":\"a\x00b\"}]}", "\x00", "{\"cadences\":[{\"name\":\"\xc3\x28\"}]}"))
	case 2: // 150 items
		var items []string
		for i := 0; i < 150; i++ {
			items = append(items, fmt.Sprintf(`{"id":%q,"Last_Name":"n%d"}`, r.realID(rng, "Contacts"), i))
		}
		return []byte(rndPick(rng, `{"data":[`, `{"contact_roles":[`, `{"cadences":[`) + strings.Join(items, ",") + "]}")
	case 3: // 150 ids
		ids, _ := json.Marshal(r.idList(rng, "Contacts"))
		cads, _ := json.Marshal([]string{r.realID(rng, "cadence"), rndJunkID(rng)})
		return []byte(fmt.Sprintf(`{"cadences_ids":%s,"ids":%s,"data":[{"id":"1"}]}`, cads, ids))
	}
	return []byte(rndPick(rng, "", " ", "null", "[]", "1", `"str"`, "{", `{"data":`, `{"data":[{]}`, `{"data":{}}`, `{"data":"x"}`,
		`{"data":[1,2,3]}`, `{"data":[null]}`, `{"data":[[]]}`, `{"cadences":null}`, `{"cadences":[null]}`, `{"cadences":{}}`,
		`{"contact_roles":"x"}`, `{"cadences_ids":"x","ids":5}`, `{"cadences_ids":[],"ids":[]}`, `{"data":[{"Contact_Role":null}]}`,
		`{"data":[{"id":null}]}`, `{"data":[{"id":123}]}`, `{"data":[{"id":1e400}]}`, `{"data":[{"Stage":["Won"]}]}`,
		"a=b&c=d", "<xml/>", `{"data":[],"data":[{"Last_Name":"dup"}]}`, `{"__proto__":{"x":1}}`, "[{}]", "{}{}", "\t\n "))
}
