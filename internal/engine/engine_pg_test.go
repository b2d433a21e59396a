package engine_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/zcrm/zcrm/internal/admin"
	"github.com/zcrm/zcrm/internal/engine"
	"github.com/zcrm/zcrm/internal/engine/enginetest"
	"github.com/zcrm/zcrm/internal/store"
	"github.com/zcrm/zcrm/internal/store/storetest"
)

// Two engines on two handles of one database (what two zcrm processes sharing it see) run the due
// follow-ups at the same time, round after round: every step runs exactly once — one task, one
// call, one email per enrolment, none missing, none twice — and both engines did part of the work.
func TestTwoEnginesRunEachStepOnce(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		dsn := storetest.DSN(t, b)
		a := storetest.OpenDSN(t, dsn, store.Options{})
		bdb := storetest.OpenDSN(t, dsn, store.Options{})
		svc := &admin.Service{Store: a} // no engine: the test runs them
		start := time.Date(2030, 1, 7, 9, 0, 0, 0, time.UTC)
		if _, err := svc.SetClock(ctx, &start, true); err != nil {
			t.Fatal(err)
		}
		const rounds, perRound = 8, 250
		engines := []*engine.Engine{{Store: a}, {Store: bdb}}
		ran := make([]int, len(engines))
		cadence := ""
		for round := range rounds {
			refs, err := svc.Seed(ctx, []byte(enginetest.EnrolFixture(fmt.Sprintf("r%d-", round), perRound, cadence, "hours")))
			if err != nil {
				t.Fatal(err)
			}
			if cadence == "" {
				cadence = refs["cad"]
			}
			// Past all three steps of this round's enrolments.
			if _, err := svc.AdvanceClock(ctx, 4*time.Hour); err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			errs := make([]error, len(engines))
			for i, e := range engines {
				wg.Go(func() {
					n, err := e.RunDue(ctx)
					ran[i] += n
					errs[i] = err
				})
			}
			wg.Wait()
			for i, err := range errs {
				if err != nil {
					t.Fatalf("round %d: engine %d: %v", round, i, err)
				}
			}
			got, err := enginetest.CountEffects(ctx, a.SQL(), cadence)
			if err != nil {
				t.Fatal(err)
			}
			if err := got.Check((round + 1) * perRound); err != nil {
				t.Fatalf("round %d: %v", round, err)
			}
		}
		t.Logf("steps run: %v", ran)
		if ran[0] == 0 || ran[1] == 0 || ran[0]+ran[1] != 3*rounds*perRound {
			t.Fatalf("steps run by each engine = %v, want both working and %d in all", ran, 3*rounds*perRound)
		}
	})
}
