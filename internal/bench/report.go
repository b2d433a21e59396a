package bench

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/zcrm/zcrm/internal/store"
)

// Report is everything one benchmark run measured. It marshals to the --json document.
type Report struct {
	Store             string  `json:"store"` // sqlite or postgres
	SQLiteSynchronous string  `json:"sqlite_synchronous,omitempty"`
	Concurrency       int     `json:"concurrency"`
	Duration          string  `json:"duration"` // per scenario, and again per ceiling
	Rounds            int     `json:"rounds"`   // alternations of scenario and ceiling
	Machine           Machine `json:"machine"`
	Runs              []Size  `json:"runs"`
	// Scale compares each scenario's rate on the largest dataset with the smallest (two sizes or more).
	Scale   []ScaleRatio `json:"scale,omitempty"`
	Startup []Startup    `json:"startup,omitempty"`
	// PeakRSSMB is this process's peak resident memory while serving (server, client and benchmark
	// together: an upper bound for zcrm's own), over every dataset size.
	PeakRSSMB   float64  `json:"peak_rss_mb"`
	PeakRSSNote string   `json:"peak_rss_note,omitempty"`
	Targets     []Target `json:"targets"`
	Notes       []string `json:"notes,omitempty"`
}

// Machine describes where the run happened.
type Machine struct {
	CPUs       int    `json:"cpus"`
	GOMAXPROCS int    `json:"gomaxprocs"`
	Go         string `json:"go"`
	OS         string `json:"os"`
	Arch       string `json:"arch"`
	LoadBefore string `json:"load_before,omitempty"` // /proc/loadavg when the run started
	LoadAfter  string `json:"load_after,omitempty"`  // and when it ended
}

// Size is the results on one dataset size.
type Size struct {
	Records     int        `json:"records"`
	LoadSeconds float64    `json:"load_seconds"`
	Scenarios   []Scenario `json:"scenarios"`
	PeakRSSMB   float64    `json:"peak_rss_mb"`
}

// Scenario is one scenario's figures and its ceiling's, measured back to back.
type Scenario struct {
	Name       string  `json:"name"`
	Workers    int     `json:"workers"`
	Requests   int     `json:"requests"`
	RPS        float64 `json:"rps"`
	P50MS      float64 `json:"p50_ms"`
	P99MS      float64 `json:"p99_ms"`
	Errors     int     `json:"errors"`
	FirstError string  `json:"first_error,omitempty"`
	// CPUUS is this process's CPU time (server and client) per request, in microseconds: unlike
	// req/s it hardly moves when other processes load the machine.
	CPUUS float64 `json:"cpu_us_per_request"`
	// Ceiling is "http" (a bare net/http handler answering the same bytes), "store" (the same
	// SQL writes straight through database/sql), "query" (the same SQL read, likewise),
	// "page-1" (token-page's first page) or "store-batch" (cadence-run's writes in batches).
	Ceiling           string  `json:"ceiling"`
	CeilingRPS        float64 `json:"ceiling_rps"`
	CeilingP50MS      float64 `json:"ceiling_p50_ms"`
	CeilingP99MS      float64 `json:"ceiling_p99_ms"`
	CeilingErrors     int     `json:"ceiling_errors"`
	CeilingCPUUS      float64 `json:"ceiling_cpu_us_per_request"`
	CeilingFirstError string  `json:"ceiling_first_error,omitempty"`
	// CeilingRetries counts PostgreSQL serialization retries of the ceiling's transactions (the
	// loop's, shared by the steps of one loop).
	CeilingRetries int64 `json:"ceiling_retries,omitempty"`
	// Ratio is RPS ÷ CeilingRPS.
	Ratio float64 `json:"ratio"`
	// CPURatio is CeilingCPUUS ÷ CPUUS: what Ratio would be if both were bound by CPU alone.
	CPURatio float64 `json:"cpu_ratio"`
	// The HTTP floor of a store- or query-ceiling scenario (absent with --no-floor): a bare net/http
	// handler that runs the ceiling's step and answers zcrm's bytes, called with zcrm's request.
	FloorRPS        float64 `json:"floor_rps,omitempty"`
	FloorP50MS      float64 `json:"floor_p50_ms,omitempty"`
	FloorP99MS      float64 `json:"floor_p99_ms,omitempty"`
	FloorCPUUS      float64 `json:"floor_cpu_us_per_request,omitempty"`
	FloorErrors     int     `json:"floor_errors,omitempty"`
	FloorFirstError string  `json:"floor_first_error,omitempty"`
	// FloorRatio is FloorRPS ÷ CeilingRPS: the share of the store ceiling that HTTP alone leaves.
	FloorRatio float64 `json:"floor_ratio,omitempty"`
	// RatioToFloor is RPS ÷ FloorRPS: what zcrm costs beyond HTTP.
	RatioToFloor float64 `json:"ratio_to_floor,omitempty"`
	// GroupCommit is what zcrm's group commit did during a write scenario's timed calls;
	// ResetupGroupCommit what it did during the untimed re-setup calls that follow them.
	GroupCommit        *store.CommitStats `json:"group_commit,omitempty"`
	ResetupGroupCommit *store.CommitStats `json:"resetup_group_commit,omitempty"`
	// The machine's busy CPU time per request (every process: zcrm, client and a database server
	// on this machine), in microseconds, and the share of its CPU left idle meanwhile, for zcrm, its
	// ceiling and its floor; absent where the system does not tell (no /proc/stat). With little
	// idle, a ratio is the inverse ratio of these CPU figures.
	HostCPUUS        float64 `json:"host_cpu_us_per_request,omitempty"`
	HostIdle         float64 `json:"host_idle,omitempty"`
	CeilingHostCPUUS float64 `json:"ceiling_host_cpu_us_per_request,omitempty"`
	CeilingHostIdle  float64 `json:"ceiling_host_idle,omitempty"`
	FloorHostCPUUS   float64 `json:"floor_host_cpu_us_per_request,omitempty"`
	FloorHostIdle    float64 `json:"floor_host_idle,omitempty"`
}

// ScaleRatio is a scenario's rate on the largest dataset divided by its rate on the smallest.
type ScaleRatio struct {
	Scenario string  `json:"scenario"`
	Small    int     `json:"small_records"`
	Large    int     `json:"large_records"`
	Ratio    float64 `json:"ratio"`
	// CeilingRatio is the same for the scenario's ratio to its ceiling: it cancels what the machine
	// did differently between the two sizes (which run minutes apart).
	CeilingRatio float64 `json:"ceiling_ratio"`
}

// Target is one of the goals and whether this run met it.
type Target struct {
	Name  string  `json:"name"`
	Value float64 `json:"value"`
	Op    string  `json:"op"` // ">=" or "<="
	Limit float64 `json:"limit"`
	Met   bool    `json:"met"`
}

func (r *Report) target(name string, value float64, op string, limit float64) {
	met := value >= limit
	if op == "<=" {
		met = value <= limit
	}
	r.Targets = append(r.Targets, Target{Name: name, Value: value, Op: op, Limit: limit, Met: met})
}

// scenarioTargets are the ratio goals.
var scenarioTargets = map[string]float64{ListCadences: 0.5, TokenPage: 0.8, CountCriteria: 0.5, Unenrol100x5: 0.8, Delink100: 0.8, ContactRoles100: 0.8, CadenceRun: 0.5}

// p99Targets are the latency goals, in ms: unenrol-1 alone, search and COQL at full concurrency.
var p99Targets = map[string]float64{Unenrol1: 5, SearchEmail: 5, COQLEmail: 5}

// judge fills r.Targets from the measured figures.
func (r *Report) judge() {
	r.Targets = nil
	errors := 0
	for _, run := range r.Runs {
		for _, s := range run.Scenarios {
			errors += s.Errors + s.CeilingErrors + s.FloorErrors
			if limit, ok := scenarioTargets[s.Name]; ok {
				r.target(fmt.Sprintf("%s ÷ %s ceiling (N=%d)", s.Name, s.Ceiling, run.Records), s.Ratio, ">=", limit)
			}
			if limit, ok := p99Targets[s.Name]; ok {
				r.target(fmt.Sprintf("%s p99 ms (N=%d)", s.Name, run.Records), s.P99MS, "<=", limit)
			}
		}
	}
	for _, s := range r.Scale {
		r.target(fmt.Sprintf("%s N=%d ÷ N=%d", s.Scenario, s.Large, s.Small), s.Ratio, ">=", 0.8)
	}
	for _, s := range r.Startup {
		if s.Records == 0 {
			r.target("start to healthy ms (empty)", s.MaxMS, "<=", 100)
		} else {
			r.target(fmt.Sprintf("start to healthy ms (N=%d)", s.Records), s.MaxMS, "<=", 1000)
		}
	}
	r.target(fmt.Sprintf("peak RSS MB (concurrency %d)", r.Concurrency), r.PeakRSSMB, "<=", 150)
	r.target("errors", float64(errors), "<=", 0)
}

// WriteTable writes the report as readable tables.
func (r *Report) WriteTable(w io.Writer) error {
	sync := ""
	if r.SQLiteSynchronous != "" {
		sync = " (synchronous=" + r.SQLiteSynchronous + ")"
	}
	fmt.Fprintf(w, "zcrm bench: %s%s, %d workers, %s per scenario\n", r.Store, sync, r.Concurrency, r.Duration)
	m := r.Machine
	fmt.Fprintf(w, "machine: %d CPUs (GOMAXPROCS %d), %s %s/%s, load before %s, after %s\n",
		m.CPUs, m.GOMAXPROCS, m.Go, m.OS, m.Arch, orDash(m.LoadBefore), orDash(m.LoadAfter))
	for _, run := range r.Runs {
		fmt.Fprintf(w, "\nN=%d records (loaded in %.1fs), peak RSS %.0f MB\n", run.Records, run.LoadSeconds, run.PeakRSSMB)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "scenario\tworkers\treq/s\tp50 ms\tp99 ms\tcpu µs\terrors\tceiling\treq/s\tp50 ms\tp99 ms\tcpu µs\terrors\tratio\tcpu ratio\t")
		for _, s := range run.Scenarios {
			fmt.Fprintf(tw, "%s\t%d\t%.0f\t%.2f\t%.2f\t%.0f\t%d\t%s\t%.0f\t%.2f\t%.2f\t%.0f\t%d\t%.2f\t%.2f\t\n", s.Name, s.Workers, s.RPS, s.P50MS, s.P99MS,
				s.CPUUS, s.Errors, s.Ceiling, s.CeilingRPS, s.CeilingP50MS, s.CeilingP99MS, s.CeilingCPUUS, s.CeilingErrors, s.Ratio, s.CPURatio)
		}
		tw.Flush()
		writeFloors(w, run.Scenarios)
		writeHostCPU(w, run.Scenarios)
		for _, s := range run.Scenarios {
			if s.FloorFirstError != "" {
				fmt.Fprintf(w, "  %s floor first error: %s\n", s.Name, s.FloorFirstError)
			}
			if s.FirstError != "" {
				fmt.Fprintf(w, "  %s first error: %s\n", s.Name, s.FirstError)
			}
			if s.CeilingFirstError != "" {
				fmt.Fprintf(w, "  %s ceiling first error: %s\n", s.Name, s.CeilingFirstError)
			}
			writeCommits(w, s.Name+" (timed)", s.GroupCommit)
			writeCommits(w, s.Name+" re-setup (untimed)", s.ResetupGroupCommit)
			if s.CeilingRetries > 0 {
				fmt.Fprintf(w, "  %s ceiling: %d serialization retries\n", s.Name, s.CeilingRetries)
			}
		}
	}
	if len(r.Scale) > 0 {
		fmt.Fprintln(w, "\nscale (largest dataset ÷ smallest: req/s, and ratio to ceiling)")
		for _, s := range r.Scale {
			fmt.Fprintf(w, "  %-18s N=%d ÷ N=%d  req/s %.2f  ratio %.2f\n", s.Scenario, s.Large, s.Small, s.Ratio, s.CeilingRatio)
		}
	}
	if len(r.Startup) > 0 {
		fmt.Fprintln(w, "\nstart to healthy (exec zcrm serve → first 200 on /healthz)")
		for _, s := range r.Startup {
			what := "empty database"
			if s.Records > 0 {
				what = fmt.Sprintf("N=%d", s.Records)
			}
			fmt.Fprintf(w, "  %-16s median %.1f ms, max %.1f ms over %d starts, child RSS %.0f MB\n", what, s.MedianMS, s.MaxMS, s.Trials, s.RSSMB)
		}
	}
	fmt.Fprintf(w, "\npeak RSS while serving: %.0f MB", r.PeakRSSMB)
	if r.PeakRSSNote != "" {
		fmt.Fprintf(w, " (%s)", r.PeakRSSNote)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "\ntargets")
	for _, t := range r.Targets {
		verdict := "met"
		if !t.Met {
			verdict = "MISSED"
		}
		fmt.Fprintf(w, "  %-46s %10.2f %s %-6g %s\n", t.Name, t.Value, t.Op, t.Limit, verdict)
	}
	for _, n := range r.Notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
	return nil
}

func orDash(s string) string {
	if s = strings.TrimSpace(s); s == "" {
		return "-"
	}
	return s
}

// writeFloors writes the HTTP floors of the store- and query-ceiling scenarios, if they were measured.
func writeFloors(w io.Writer, scenarios []Scenario) {
	writeTable(w, scenarios, func(s Scenario) bool { return s.FloorRPS > 0 },
		"HTTP floor: a bare net/http handler running the ceiling's transaction or statement, answering zcrm's bytes",
		"scenario\treq/s\tp50 ms\tp99 ms\tcpu µs\terrors\tfloor÷ceiling\tzcrm÷floor\t",
		func(s Scenario) string {
			return fmt.Sprintf("%s\t%.0f\t%.2f\t%.2f\t%.0f\t%d\t%.2f\t%.2f\t", s.Name, s.FloorRPS, s.FloorP50MS, s.FloorP99MS,
				s.FloorCPUUS, s.FloorErrors, s.FloorRatio, s.RatioToFloor)
		})
}

// writeHostCPU writes the machine's CPU per request and idle share, if the system told them.
func writeHostCPU(w io.Writer, scenarios []Scenario) {
	pct := func(f float64) string { return fmt.Sprintf("%.0f%%", 100*f) }
	writeTable(w, scenarios, func(s Scenario) bool { return s.HostCPUUS > 0 },
		"machine CPU: busy µs per request of every process (zcrm or ceiling, client, database server), idle share",
		"scenario\tzcrm µs\tidle\tceiling µs\tidle\tfloor µs\tidle\t",
		func(s Scenario) string {
			floor, floorIdle := "-", "-"
			if s.FloorHostCPUUS > 0 {
				floor, floorIdle = fmt.Sprintf("%.0f", s.FloorHostCPUUS), pct(s.FloorHostIdle)
			}
			return fmt.Sprintf("%s\t%.0f\t%s\t%.0f\t%s\t%s\t%s\t", s.Name, s.HostCPUUS, pct(s.HostIdle),
				s.CeilingHostCPUUS, pct(s.CeilingHostIdle), floor, floorIdle)
		})
}

// writeTable writes, after a blank line and title, a right-aligned table of the scenarios that
// has, one row each; nothing when none has.
func writeTable(w io.Writer, scenarios []Scenario, has func(Scenario) bool, title, header string, row func(Scenario) string) {
	if !slices.ContainsFunc(scenarios, has) {
		return
	}
	fmt.Fprintln(w, "\n"+title)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, header)
	for _, s := range scenarios {
		if has(s) {
			fmt.Fprintln(tw, row(s))
		}
	}
	tw.Flush()
}

// writeCommits writes one line of group-commit counts, if there were commits.
func writeCommits(w io.Writer, what string, g *store.CommitStats) {
	if g == nil || g.Commits == 0 {
		return
	}
	fmt.Fprintf(w, "  %s: zcrm committed %d write calls in %d commits (%.1f per commit); %d ran again alone, %d exclusive retries\n",
		what, g.Calls, g.Commits, float64(g.Calls)/float64(g.Commits), g.Alone, g.Exclusive)
}
