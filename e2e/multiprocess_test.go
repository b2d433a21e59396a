package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zcrm/zcrm/client"
	"github.com/zcrm/zcrm/internal/linearize"
	"github.com/zcrm/zcrm/internal/store/storetest"
)

// Two zcrm processes on one PostgreSQL: 16 clients spread across both enrol, un-enrol, link, delink
// and change deal contact roles on overlapping ids. No answer is a 5xx, ids minted by both processes
// never collide, tokens minted by one process work on the other, and the final state is one the
// acknowledged responses allow.
func TestTwoProcessesOnePostgres(t *testing.T) {
	storetest.PostgresURL(t)
	dsn := storetest.DSN(t, storetest.Postgres)
	a := startServer(t, dsn)
	b := startServer(t, dsn)
	servers := []*server{a, b}
	tokA := str(t, a.cli("token", "--scope", "ZohoCRM.modules.ALL,ZohoCRM.settings.ALL"), "access_token")

	// Shared fixtures, created through one process or the other; then used through both.
	ctx := context.Background()
	apiA, apiB := a.api(tokA), b.api(tokA)
	var rows []client.Record
	for i := 0; i < 12; i++ {
		rows = append(rows, client.Record{"Last_Name": fmt.Sprintf("C%d", i)})
	}
	res, err := apiA.InsertRecords(ctx, "Contacts", rows...)
	must(t, err)
	contacts := res.IDs()
	campaign, err := apiB.InsertRecord(ctx, "Campaigns", client.Record{"Campaign_Name": "Spring"})
	must(t, err)
	deal, err := apiA.InsertRecord(ctx, "Deals", client.Record{"Deal_Name": "D", "Stage": "Qualification"})
	must(t, err)
	var cadences []string
	for i, api := range []*client.Client{apiA, apiB} {
		created, err := api.CreateCadence(ctx, client.CadenceInput{Name: fmt.Sprintf("MP %d", i),
			Module: &client.ModuleRef{APIName: "Contacts"}, Type: client.CadenceManualEnrollment,
			FollowUps: []client.FollowUp{{ReferenceID: "1", ExecuteAfter: &client.Interval{Unit: 1, Period: "days"},
				Action: &client.FollowUpAction{Type: "tasks", Details: map[string]any{"subject": "x"}}}}})
		must(t, err)
		id := created.ID()
		other := []*client.Client{apiB, apiA}[i]
		_, err = other.PublishCadence(ctx, id, false)
		must(t, err)
		_, err = api.ActivateCadence(ctx, id)
		must(t, err)
		cadences = append(cadences, id)
	}

	h := &linearize.History[string]{}
	var idsMu sync.Mutex
	minted := map[string]string{}
	const clients, rounds = 16, 25
	var wg sync.WaitGroup
	errc := make(chan string, clients*rounds)
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			rng := rand.New(rand.NewSource(int64(c)))
			srv := servers[c%2]
			// Each client gets its own token from its own process; it must work on the other one too.
			tok := str(t, srv.cli("token", "--scope", "ZohoCRM.modules.ALL,ZohoCRM.settings.ALL"), "access_token")
			for r := 0; r < rounds; r++ {
				target := servers[rng.Intn(2)]
				k := rng.Intn(len(contacts))
				k2 := (k + 1 + rng.Intn(len(contacts)-1)) % len(contacts)
				pick := []string{contacts[k], contacts[k2]}
				var method, path, body, kind string
				on := rng.Intn(2) == 0
				switch rng.Intn(4) {
				case 0: // enrol / un-enrol
					cad := cadences[rng.Intn(len(cadences))]
					kind, method = "cadence:"+cad, "POST"
					path = "/crm/v8/Contacts/actions/unenrol_from_cadences"
					if on {
						path = "/crm/v8/Contacts/actions/enrol_in_cadences"
					}
					body = fmt.Sprintf(`{"cadences_ids":[%q],"ids":[%q,%q]}`, cad, pick[0], pick[1])
				case 1: // link / delink campaign members
					kind = "campaign"
					if on {
						method, path = "PUT", "/crm/v8/Campaigns/"+campaign+"/Contacts"
						body = fmt.Sprintf(`{"data":[{"id":%q},{"id":%q}]}`, pick[0], pick[1])
					} else {
						method, path = "DELETE", "/crm/v8/Contacts/"+pick[0]+"/Campaigns/"+campaign
						pick = pick[:1]
					}
				case 2: // assign / remove deal contact roles
					kind = "role"
					if on {
						method, path = "PUT", "/crm/v8/Deals/"+deal+"/Contact_Roles"
						body = fmt.Sprintf(`{"data":[{"id":%q,"Contact_Role":{"name":"Purchasing"}},{"id":%q,"Contact_Role":{"name":"Engineering Lead"}}]}`, pick[0], pick[1])
					} else {
						method, path = "DELETE", "/crm/v8/Deals/"+deal+"/Contact_Roles?ids="+pick[0]+","+pick[1]
					}
				case 3: // new records: ids minted by both processes must never collide
					res, err := target.api(tok).InsertRecords(ctx, "Leads", client.Record{"Last_Name": "L"}, client.Record{"Last_Name": "M"})
					if err != nil || res.StatusCode != 201 {
						errc <- fmt.Sprintf("insert leads: %+v %v", res, err)
						continue
					}
					idsMu.Lock()
					for _, id := range res.IDs() {
						if prev, dup := minted[id]; dup {
							errc <- fmt.Sprintf("id %s minted twice (%s and %s)", id, prev, target.url)
						}
						minted[id] = target.url
					}
					idsMu.Unlock()
					continue
				}
				start := time.Now()
				status, text := target.do(method, path, tok, body)
				end := time.Now()
				if status >= 500 {
					errc <- fmt.Sprintf("%s %s: %d %s", method, path, status, text)
					continue
				}
				var v struct {
					Data []struct {
						Status  string         `json:"status"`
						Details map[string]any `json:"details"`
					} `json:"data"`
				}
				if json.Unmarshal([]byte(text), &v) != nil || len(v.Data) == 0 {
					// Removing a role that is not there answers a top-level error: no change to record.
					continue
				}
				for i, it := range v.Data {
					if it.Status == "success" && i < len(pick) {
						h.Add(kind+":"+pick[i], on, start, end)
					}
				}
			}
		}(c)
	}
	wg.Wait()
	close(errc)
	for e := range errc {
		t.Error(e)
	}

	// Final state, read through process B, against what the acknowledged answers allow.
	tokB := str(t, b.cli("token", "--scope", "ZohoCRM.modules.ALL,ZohoCRM.settings.ALL"), "access_token")
	members := map[string]bool{}
	if st, text := b.do("GET", "/crm/v8/Campaigns/"+campaign+"/Contacts?fields=Last_Name&per_page=200", tokB, ""); st == 200 {
		var v struct{ Data []struct{ ID string } }
		json.Unmarshal([]byte(text), &v)
		for _, r := range v.Data {
			members[r.ID] = true
		}
	}
	roles := map[string]bool{}
	if st, text := b.do("GET", "/crm/v8/Deals/"+deal+"/Contact_Roles?fields=Last_Name", tokB, ""); st == 200 {
		var v struct{ Data []struct{ ID string } }
		json.Unmarshal([]byte(text), &v)
		for _, r := range v.Data {
			roles[r.ID] = true
		}
	}
	for _, c := range contacts {
		enrolled := map[string]bool{}
		if st, text := b.do("GET", "/crm/v8/Contacts/"+c+"/Entity_Cadences_contacts?fields=name", tokB, ""); st == 200 {
			var v struct {
				Data []struct {
					ID             string `json:"id"`
					UnenrolledTime any    `json:"unenrolled_time"`
				}
			}
			json.Unmarshal([]byte(text), &v)
			for _, r := range v.Data {
				if r.UnenrolledTime == nil {
					if enrolled[r.ID] {
						t.Errorf("contact %s enrolled twice in cadence %s", c, r.ID)
					}
					enrolled[r.ID] = true
				}
			}
		}
		check := func(pair string, got bool) {
			if ok := h.Allowed(pair, false); !ok[got] {
				t.Errorf("%s: final state %v, but the acknowledged answers allow only %v", pair, got, ok)
			}
		}
		check("campaign:"+c, members[c])
		check("role:"+c, roles[c])
		for _, cad := range cadences {
			check("cadence:"+cad+":"+c, enrolled[cad])
		}
	}
	if len(minted) == 0 {
		t.Fatal("no records were minted")
	}
	// The run must have exercised every kind of change, both ways, or the checks above prove little.
	acked := map[string]int{}
	for pair, ops := range h.Ops() {
		kind := strings.SplitN(pair, ":", 2)[0]
		for _, o := range ops {
			acked[fmt.Sprintf("%s/%v", kind, o.On)]++
		}
	}
	for _, k := range []string{"cadence/true", "cadence/false", "campaign/true", "campaign/false", "role/true", "role/false"} {
		if acked[k] < 5 {
			t.Errorf("only %d acknowledged %s changes: %v", acked[k], k, acked)
		}
	}
	t.Logf("acknowledged changes: %v; records minted: %d", acked, len(minted))
}
