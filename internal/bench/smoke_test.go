package bench

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/zcrm/zcrm/internal/store/storetest"
)

// TestSmoke runs the whole benchmark tiny — 200 records, 2 workers, 200ms per scenario — and checks
// that the report holds every scenario, each with a ceiling and no failed request. It checks no
// timing: speed is what `zcrm bench` reports, never what a test asserts.
func TestSmoke(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		db := filepath.Join(t.TempDir(), "bench.db")
		if b == storetest.Postgres {
			db = storetest.PostgresURL(t)
		}
		rep, err := Run(context.Background(), Config{DB: db, Records: []int{200}, Duration: 200 * time.Millisecond, Rounds: 1, Concurrency: 2})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := len(rep.Runs), 1; got != want {
			t.Fatalf("report has %d runs, want %d", got, want)
		}
		var names []string
		for _, s := range rep.Runs[0].Scenarios {
			names = append(names, s.Name)
			if s.Errors != 0 || s.CeilingErrors != 0 {
				t.Errorf("%s: %d errors (first: %s), ceiling %d errors (first: %s)", s.Name, s.Errors, s.FirstError, s.CeilingErrors, s.CeilingFirstError)
			}
			if s.Requests == 0 || s.CeilingRPS == 0 {
				t.Errorf("%s: %d requests, ceiling %.0f/s: nothing measured", s.Name, s.Requests, s.CeilingRPS)
			}
			if write := s.Ceiling == ceilingStore; write != (s.GroupCommit != nil && s.GroupCommit.Calls+s.GroupCommit.Alone >= int64(s.Requests) && s.GroupCommit.Calls > 0) {
				t.Errorf("%s: %d timed requests, group-commit figures %+v", s.Name, s.Requests, s.GroupCommit)
			}
			// Un-enrol and enrol time each other's re-setup; the others' re-setup is untimed.
			if untimed := s.Ceiling == ceilingStore && s.Name != Unenrol100x5 && s.Name != Enrol100x5; untimed != (s.ResetupGroupCommit != nil && s.ResetupGroupCommit.Calls > 0) {
				t.Errorf("%s: re-setup group-commit figures %+v", s.Name, s.ResetupGroupCommit)
			}
			if _, err := os.Stat("/proc/stat"); err == nil && (s.HostCPUUS <= 0 || s.CeilingHostCPUUS <= 0 ||
				s.HostIdle < 0 || s.HostIdle > 1 || (s.FloorRPS > 0) != (s.FloorHostCPUUS > 0)) {
				t.Errorf("%s: machine CPU %.0f µs (idle %.2f), ceiling %.0f µs, floor %.0f µs", s.Name, s.HostCPUUS, s.HostIdle, s.CeilingHostCPUUS, s.FloorHostCPUUS)
			}
			if hasFloor := s.Ceiling == ceilingStore || s.Ceiling == ceilingQuery; hasFloor != (s.FloorRPS > 0) || s.FloorErrors != 0 {
				t.Errorf("%s (%s ceiling): floor %.0f/s, %d errors (first: %s)", s.Name, s.Ceiling, s.FloorRPS, s.FloorErrors, s.FloorFirstError)
			}
		}
		if !slices.Equal(names, Scenarios) {
			t.Errorf("scenarios %v, want %v", names, Scenarios)
		}
		if len(rep.Targets) == 0 {
			t.Error("report judged no targets")
		}
		if _, err := os.Stat(db); err == nil {
			t.Errorf("benchmark left its database %s behind", db)
		}
	})
}

func TestListenURLReadsServeBanner(t *testing.T) {
	line := "zcrm 0.1.0-dev listening on http://127.0.0.1:41235 (store: sqlite /tmp/x.db, default org 5725767000000100001)"
	if got, ok := listenURL(line); !ok || got != "http://127.0.0.1:41235" {
		t.Fatalf("listenURL=%q, %v; want http://127.0.0.1:41235", got, ok)
	}
	if _, ok := listenURL("Get a token for admin@zcrm.local and call the API:"); ok {
		t.Fatal("listenURL accepted a line without a URL")
	}
}
