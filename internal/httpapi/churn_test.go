package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/oauth"
	"github.com/zcrm/zcrm/internal/store/storetest"
)

// errorLog collects the ERROR lines the server logs while a test runs: it is the Logger of every
// testEnv's servers (newEnv, twin, serveLimited), and captureErrors makes it slog's default too.
type errorLog struct {
	mu    sync.Mutex
	lines []string
}

func (l *errorLog) Enabled(_ context.Context, lv slog.Level) bool { return lv >= slog.LevelError }
func (l *errorLog) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	b.WriteString(r.Message)
	r.Attrs(func(a slog.Attr) bool { fmt.Fprintf(&b, " %s=%v", a.Key, a.Value); return true })
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, b.String())
	return nil
}
func (l *errorLog) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *errorLog) WithGroup(string) slog.Handler      { return l }

// captureErrors returns the collector of e's servers' ERROR lines, emptied, and sends slog's default
// logger there too until the test ends, so that an ERROR logged anywhere in the process counts.
func captureErrors(t *testing.T, e *testEnv) *errorLog {
	l := e.errs
	l.mu.Lock()
	l.lines = nil
	l.mu.Unlock()
	prev := slog.Default()
	slog.SetDefault(slog.New(l))
	t.Cleanup(func() { slog.SetDefault(prev) })
	return l
}

// sameJSON reports whether a and b are equal JSON values.
func sameJSON(a, b string) bool {
	var va, vb any
	return json.Unmarshal([]byte(a), &va) == nil && json.Unmarshal([]byte(b), &vb) == nil && reflect.DeepEqual(va, vb)
}

func (l *errorLog) check(t *testing.T) {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, line := range l.lines {
		t.Errorf("server logged ERROR: %s", line)
	}
}

// Every write family runs while other clients of the same org move its cache version as fast as
// they can — activating, deactivating and editing a cadence, refreshing tokens (every 16th refresh
// evicts an access token), revoking tokens — on both stores. No answer is a 5xx, the server logs
// no ERROR, each answer is exactly the one the worker's own rows explain (each worker owns its
// rows, so every answer is known), and the final state is the one the last answers left.
func TestWritesUnderVersionChurn(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		errs := captureErrors(t, e)
		tok := e.adminToken(cadAll...)
		enrolCad := e.cadLive(tok, "Enrol target", "Contacts")
		churnCad := e.cadLive(tok, "Churned", "Contacts")
		campaign := e.newRecord(e.admin, "Campaigns", map[string]any{"Campaign_Name": "Churn"})
		roles := crRoles(t, e, e.org.ID)
		const workers = 2 // per family
		const rounds = 48
		contact := e.newRecords(3*workers, "Contacts", "Last_Name", "W", nil) // enrol, link and role workers' own contacts
		deal := e.newRecords(workers, "Deals", "Deal_Name", "D", map[string]any{"Stage": "Qualification"})

		// A self client with a refresh token, for the churner that refreshes.
		var clientID, secret, refresh string
		e.write(func(ctx context.Context, tx crm.Tx) error {
			var err error
			if clientID, secret, err = oauth.CreateClient(ctx, tx, e.org.ID, "churn"); err != nil {
				return err
			}
			c, err := tx.ClientByClientID(ctx, clientID)
			if err != nil {
				return err
			}
			refresh, _, err = oauth.IssueRefreshToken(ctx, tx, c, e.admin, []string{"ZohoCRM.modules.ALL"})
			return err
		})

		var stop atomic.Bool
		var failed sync.Map // first failure per worker kind
		fail := func(who string, r response, what string) {
			if _, loaded := failed.LoadOrStore(who, true); !loaded {
				t.Errorf("%s: %s answered %d %s", who, what, r.status, r.body)
			}
		}
		var churners, writers sync.WaitGroup
		churners.Go(func() { // cadence lifecycle and edits
			for i := 0; !stop.Load(); i++ {
				path := fmt.Sprintf("%s/%d", cadPath, churnCad)
				var r response
				switch i % 3 {
				case 0:
					r = e.do("POST", path+"/actions/deactivate", tok, "")
				case 1:
					r = e.do("POST", path+"/actions/activate", tok, "")
				default:
					r = e.do("PUT", path, tok, fmt.Sprintf(`{"cadences":[{"description":"edit %d"}]}`, i))
				}
				if r.status != 200 {
					fail("cadence churner", r, "lifecycle")
				}
			}
		})
		churners.Go(func() { // refresh (evicting), revoke
			for !stop.Load() {
				form := url.Values{"grant_type": {"refresh_token"}, "client_id": {clientID}, "client_secret": {secret}, "refresh_token": {refresh}}
				r := e.do("POST", oauth.TokenPath+"?"+form.Encode(), "", "")
				var got struct {
					AccessToken string `json:"access_token"`
				}
				if r.status != 200 || json.Unmarshal([]byte(r.body), &got) != nil || got.AccessToken == "" {
					fail("token churner", r, "refresh")
					return
				}
				if r := e.do("POST", oauth.RevokePath+"?token="+url.QueryEscape(e.adminToken("ZohoCRM.modules.ALL")), "", ""); r.status != 200 {
					fail("token churner", r, "revoke")
				}
			}
		})

		// expect runs one request of a worker and checks its whole answer.
		expect := func(who, method, path, body string, status int, want string) response {
			r := e.do(method, path, tok, body)
			if r.status != status || !sameJSON(r.body, want) {
				fail(who, r, fmt.Sprintf("%s %s (want %d %s)", method, path, status, want))
			}
			return r
		}
		type family struct {
			name string
			step func(w, round int) // one request, its answer checked
		}
		enrolBody := func(w int) string { return fmt.Sprintf(`{"cadences_ids":["%d"],"ids":["%d"]}`, enrolCad, contact[w]) }
		enrolled := func(w int, message string) string {
			return fmt.Sprintf(`{"data":[{"code":"SUCCESS","details":{"cadences":[{"name":"Enrol target","id":"%d"}],"id":"%d"},"message":%q,"status":"success"}]}`,
				enrolCad, contact[w], message)
		}
		linkC := func(w int) int64 { return contact[workers+w] }
		roleC := func(w int) int64 { return contact[2*workers+w] }
		records := make([]string, workers) // each records worker's live record, or ""
		cadences := make([]string, workers)
		families := []family{
			{"enrol/un-enrol", func(w, round int) {
				if round%2 == 0 {
					expect("enrol", "POST", cadEnrolPath("Contacts", true), enrolBody(w), 200, enrolled(w, "records manually enrolled"))
				} else {
					expect("un-enrol", "POST", cadEnrolPath("Contacts", false), enrolBody(w), 200, enrolled(w, "records manually unenrolled"))
				}
			}},
			{"link/delink", func(w, round int) {
				if round%2 == 0 {
					expect("link", "PUT", fmt.Sprintf("/crm/v8/Campaigns/%d/Contacts/%d", campaign, linkC(w)), `{"data":[{}]}`, 200, relData(relOK("relation added", linkC(w))))
				} else {
					expect("delink", "DELETE", fmt.Sprintf("/crm/v8/Campaigns/%d/Contacts?ids=%d", campaign, linkC(w)), "", 200, relData(relOK("relation removed", linkC(w))))
				}
			}},
			{"deal roles", func(w, round int) {
				path := fmt.Sprintf("/crm/v8/Deals/%d/Contact_Roles/%d", deal[w], roleC(w))
				if round%2 == 0 {
					expect("role set", "PUT", path, fmt.Sprintf(`{"data":[{"Contact_Role":{"id":"%d"}}]}`, roles["Purchasing"].ID), 200, relData(relOK("relation updated", roleC(w))))
				} else {
					expect("role remove", "DELETE", path, "", 200, relData(relOK("relation removed", roleC(w))))
				}
			}},
			{"records", func(w, round int) {
				switch round % 3 {
				case 0:
					r := e.do("POST", "/crm/v8/Contacts", tok, fmt.Sprintf(`{"data":[{"Last_Name":"N%d-%d"}]}`, w, round))
					var v struct {
						Data []struct {
							Details struct {
								ID string `json:"id"`
							} `json:"details"`
						} `json:"data"`
					}
					if r.status != 201 || json.Unmarshal([]byte(r.body), &v) != nil || len(v.Data) != 1 {
						fail("insert", r, "POST /Contacts")
						return
					}
					records[w] = v.Data[0].Details.ID
					if !sameJSON(r.body, `{"data":[`+addedItem(records[w], e.admin)+`]}`) {
						fail("insert", r, "POST /Contacts")
					}
				case 1:
					expect("update", "PUT", "/crm/v8/Contacts/"+records[w], `{"data":[{"First_Name":"U"}]}`, 200, `{"data":[`+updatedItem(records[w], e.admin, e.admin)+`]}`)
				default:
					expect("delete", "DELETE", "/crm/v8/Contacts/"+records[w], "", 200, `{"data":[`+deletedItem(records[w])+`]}`)
					records[w] = ""
				}
			}},
			{"cadence writes", func(w, round int) {
				switch round % 3 {
				case 0:
					r := e.do("POST", cadPath, tok, `{"cadences":[`+cadManual(fmt.Sprintf("Mine %d-%d", w, round), "Leads")+`]}`)
					var v struct {
						Cadences []struct {
							Code    string `json:"code"`
							Message string `json:"message"`
							Details struct {
								ID string `json:"id"`
							} `json:"details"`
						} `json:"cadences"`
					}
					if r.status != 201 || json.Unmarshal([]byte(r.body), &v) != nil || len(v.Cadences) != 1 ||
						v.Cadences[0].Code != "SUCCESS" || v.Cadences[0].Message != "Cadences created successfully" {
						fail("cadence create", r, "POST cadences")
						return
					}
					cadences[w] = v.Cadences[0].Details.ID
				case 1:
					expect("cadence update", "PUT", cadPath+"/"+cadences[w], `{"cadences":[{"description":"mine"}]}`, 200,
						cadItems(cadOK("Cadences updated successfully", `{"id":"`+cadences[w]+`"}`)))
				default:
					expect("cadence delete", "DELETE", cadPath+"/"+cadences[w], "", 200,
						cadItems(cadOK("Cadences deleted successfully", `{"id":"`+cadences[w]+`"}`)))
					cadences[w] = ""
				}
			}},
		}
		for _, f := range families {
			for w := range workers {
				writers.Go(func() {
					for round := range rounds {
						f.step(w, round)
					}
				})
			}
		}
		writers.Wait()
		stop.Store(true)
		churners.Wait()
		errs.check(t)
		if t.Failed() {
			return
		}

		// rounds is even: every worker's last enrol/link/role step undid its first, and the
		// records and cadence workers' last step (rounds%3 == 0) deleted what they made.
		e.write(func(ctx context.Context, tx crm.Tx) error {
			for w := range workers {
				es, err := tx.RecordEnrollments(ctx, e.org.ID, contact[w], 100, 0)
				if err != nil {
					return err
				}
				live := 0
				for _, en := range es {
					if en.Live() {
						live++
					}
				}
				if live != 0 || len(es) != rounds/2 {
					t.Errorf("enrol worker %d: %d enrolments, %d live; want %d, 0 live", w, len(es), live, rounds/2)
				}
			}
			return nil
		})
		for w := range workers {
			e.do("GET", fmt.Sprintf("/crm/v8/Campaigns/%d/Contacts/%d?fields=Last_Name", campaign, linkC(w)), tok, "").expect(t, 204, "")
			e.do("GET", fmt.Sprintf("/crm/v8/Deals/%d/Contact_Roles/%d?fields=Last_Name", deal[w], roleC(w)), tok, "").expect(t, 204, "")
		}
	})
}
