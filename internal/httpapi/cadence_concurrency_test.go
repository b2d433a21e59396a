package httpapi

import (
	"context"
	"fmt"
	"io"
	"math/rand"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/linearize"
	"github.com/zcrm/zcrm/internal/store/storetest"
)

// cadPair names one (cadence, record) pair.
type cadPair struct{ cadence, record int64 }

// 16 clients enrol and un-enrol overlapping records in overlapping cadences at once: no answer is
// a 5xx, no pair ever has two live enrolments, nothing is enrolled twice by racing idempotent
// calls, and the final state is one the acknowledged answers allow (no lost update).
func TestEnrolConcurrency(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		e.clock.now = time.Now() // real time: the history check orders operations by it
		tok := e.adminToken(cadAll...)
		var cads, recs []int64
		for i := range 3 {
			cads = append(cads, e.cadLive(tok, fmt.Sprintf("Race %d", i), "Contacts"))
		}
		for i := range 8 {
			recs = append(recs, e.newRecord(e.admin, "Contacts", map[string]any{"Last_Name": fmt.Sprintf("R%d", i)}))
		}
		const clients = 16
		client := e.srv.Client()
		post := func(enrol bool, cs, rs []int64) error {
			body := `{"cadences_ids":` + cadIDs(cs...) + `,"ids":` + cadIDs(rs...) + `}`
			req, _ := http.NewRequest("POST", e.srv.URL+cadEnrolPath("Contacts", enrol), strings.NewReader(body))
			req.Header.Set("Authorization", "Zoho-oauthtoken "+tok)
			res, err := client.Do(req)
			if err != nil {
				return err
			}
			defer res.Body.Close()
			text, _ := io.ReadAll(res.Body)
			if res.StatusCode != 200 {
				return fmt.Errorf("%s = %d %s", body, res.StatusCode, text)
			}
			return nil
		}
		// each runs fn on every client at once and fails on any error.
		each := func(fn func(i int) error) {
			t.Helper()
			var wg sync.WaitGroup
			errs := make(chan error, clients)
			for i := range clients {
				wg.Go(func() {
					if err := fn(i); err != nil {
						errs <- err
					}
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}
			if t.Failed() {
				t.FailNow()
			}
		}
		window := func(i int) []int64 { return []int64{recs[i%8], recs[(i+1)%8], recs[(i+3)%8]} }
		// rows returns every enrolment of every record, by pair.
		rows := func() map[cadPair][]crm.Enrollment {
			out := map[cadPair][]crm.Enrollment{}
			e.write(func(ctx context.Context, tx crm.Tx) error {
				for _, r := range recs {
					es, err := tx.RecordEnrollments(ctx, e.org.ID, r, 1000, 0)
					if err != nil {
						return err
					}
					for _, en := range es {
						p := cadPair{en.CadenceID, en.RecordID}
						out[p] = append(out[p], en)
					}
				}
				return nil
			})
			return out
		}

		// Everyone enrols at once: exactly one enrolment per pair, live.
		each(func(i int) error {
			for range 3 {
				if err := post(true, cads, window(i)); err != nil {
					return err
				}
			}
			return nil
		})
		for _, c := range cads {
			for _, r := range recs {
				if es := rows()[cadPair{c, r}]; len(es) != 1 || !es[0].Live() {
					t.Fatalf("pair %d/%d after concurrent enrolments: %+v", c, r, es)
				}
			}
		}
		// Everyone un-enrols at once: the same single enrolment per pair, ended by hand.
		each(func(i int) error { return post(false, cads, window(i)) })
		for p, es := range rows() {
			if len(es) != 1 || es[0].Live() || es[0].EndReason != crm.EndManual {
				t.Fatalf("pair %v after concurrent un-enrolments: %+v", p, es)
			}
		}

		// Mixed traffic, with a log of what each acknowledged answer did.
		var history linearize.History[cadPair]
		each(func(i int) error {
			rng := rand.New(rand.NewSource(int64(i)))
			for range 12 {
				enrol := rng.Intn(2) == 0
				cs := []int64{cads[rng.Intn(len(cads))], cads[rng.Intn(len(cads))]}
				rs := []int64{recs[rng.Intn(len(recs))], recs[rng.Intn(len(recs))]}
				start := time.Now()
				if err := post(enrol, cs, rs); err != nil {
					return err
				}
				end := time.Now()
				for _, c := range cs {
					for _, r := range rs {
						history.Add(cadPair{c, r}, enrol, start, end)
					}
				}
			}
			return nil
		})
		final := rows()
		for _, c := range cads {
			for _, r := range recs {
				p := cadPair{c, r}
				live := 0
				for _, en := range final[p] {
					if en.Live() {
						live++
					}
					if !en.Live() && en.EndedTime.Before(en.EnrolledTime) {
						t.Errorf("pair %v: enrolment ended before it began: %+v", p, en)
					}
				}
				if live > 1 {
					t.Errorf("pair %v has %d live enrolments", p, live)
				}
				if ok := history.Allowed(p, false); !ok[live == 1] {
					t.Errorf("pair %v: final state enrolled=%v, but the acknowledged answers allow only %v", p, live == 1, ok)
				}
			}
		}
	})
}
