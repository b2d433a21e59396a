package bench

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/zcrm/zcrm/internal/httpapi"
	"github.com/zcrm/zcrm/internal/journal"
	"github.com/zcrm/zcrm/internal/store"
)

// Config is one benchmark run's settings. Zero values take the defaults noted.
type Config struct {
	// DB is where the fresh databases go: "" for SQLite files in a temporary directory, a file path
	// that must not exist yet, or a postgres:// URL (each database is a new schema, dropped afterwards).
	DB string
	// Records are the dataset sizes to run on, in order (default 100000). With two or more the
	// report compares the largest with the smallest.
	Records []int
	// Duration is each scenario's and each ceiling's measuring time (default 10s).
	Duration time.Duration
	// Rounds is how many slices Duration is cut into, alternating each scenario with its ceiling
	// (default 5).
	Rounds int
	// Concurrency is the number of workers (default 16).
	Concurrency int
	// Synchronous is SQLite's synchronous pragma (default full).
	Synchronous string
	// Scenarios selects scenarios by name (default all; see Scenarios).
	Scenarios []string
	// Exe is the zcrm binary whose start is timed; "" skips the startup measurement.
	Exe string
	// StartupRecords is the loaded database size startup is also timed on (0: empty database only).
	// A size from Records reuses that dataset; another is loaded for the purpose.
	StartupRecords int
	// StartupTrials is how many starts each startup figure is taken over (default 5).
	StartupTrials int
	// NoFloor skips the HTTP floor (floor.go) of the scenarios measured against a store or query
	// ceiling, which otherwise runs for Duration too, alternated with the scenario and its ceiling.
	NoFloor bool
	// JournalSize is the request journal's size, as zcrm serve --journal-size (0: zcrm serve's
	// default for the store, journal.SizeFor); NoJournal serves without one, as --journal-size 0.
	JournalSize int
	NoJournal   bool
	// CPUProfile, when set, receives a CPU profile of the scenarios (not of loading). With several
	// dataset sizes each gets its own file, suffixed with .<records>.
	CPUProfile string
	// Log receives progress lines; nil discards them.
	Log io.Writer
}

func (c *Config) defaults() error {
	if len(c.Records) == 0 {
		c.Records = []int{100_000}
	}
	if c.Duration <= 0 {
		c.Duration = 10 * time.Second
	}
	if c.Concurrency <= 0 {
		c.Concurrency = 16
	}
	if c.Rounds <= 0 {
		c.Rounds = 5
	}
	if c.Synchronous == "" {
		c.Synchronous = "full"
	}
	if c.StartupTrials <= 0 {
		c.StartupTrials = 5
	}
	if c.Log == nil {
		c.Log = io.Discard
	}
	for _, n := range append(slices.Clone(c.Records), c.StartupRecords) {
		if n != 0 && n < c.Concurrency*blockSize {
			return fmt.Errorf("%d records are too few for %d workers: each needs its own %d", n, c.Concurrency, blockSize)
		}
	}
	for _, s := range c.Scenarios {
		if !slices.Contains(Scenarios, s) || s == Enrol100x5 {
			return fmt.Errorf("unknown scenario %q (choose from %s; %s comes with %s)", s,
				strings.Join(slices.DeleteFunc(slices.Clone(Scenarios), func(s string) bool { return s == Enrol100x5 }), ", "), Enrol100x5, Unenrol100x5)
		}
	}
	return nil
}

// Run runs the benchmark and returns its report. It fails only when it cannot run (a database it
// cannot create, a dataset it cannot load); failing requests are counted in the report.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	rep := &Report{
		Store:       "sqlite",
		Concurrency: cfg.Concurrency,
		Duration:    cfg.Duration.String(),
		Rounds:      cfg.Rounds,
		Machine: Machine{CPUs: runtime.NumCPU(), GOMAXPROCS: runtime.GOMAXPROCS(0), Go: runtime.Version(), OS: runtime.GOOS,
			Arch: runtime.GOARCH, LoadBefore: loadAvg()},
	}
	if store.IsPostgres(cfg.DB) {
		rep.Store = "postgres"
	} else {
		rep.SQLiteSynchronous = cfg.Synchronous
	}
	client := newClient(cfg.Concurrency)
	defer client.CloseIdleConnections()
	several := len(cfg.Records) > 1 || (cfg.StartupRecords > 0 && !slices.Contains(cfg.Records, cfg.StartupRecords))
	resetOK := true
	for _, n := range cfg.Records {
		tag := ""
		if several {
			tag = tagN(n)
		}
		run, st, err := runSize(ctx, &cfg, client, n, tag)
		if err != nil {
			return nil, err
		}
		rep.Runs = append(rep.Runs, run.Size)
		resetOK = resetOK && run.rssReset
		rep.PeakRSSMB = max(rep.PeakRSSMB, run.PeakRSSMB)
		if st != nil {
			rep.Startup = append(rep.Startup, *st)
		}
	}
	if !resetOK {
		rep.PeakRSSNote = "includes loading: this kernel does not let the peak be reset"
	}
	if cfg.Exe != "" {
		if cfg.StartupRecords > 0 && !slices.Contains(cfg.Records, cfg.StartupRecords) {
			st, err := loadedStartup(ctx, &cfg, cfg.StartupRecords, tagN(cfg.StartupRecords))
			if err != nil {
				return nil, err
			}
			rep.Startup = append(rep.Startup, st)
		}
		st, err := emptyStartup(ctx, &cfg)
		if err != nil {
			return nil, err
		}
		rep.Startup = append([]Startup{st}, rep.Startup...)
	}
	rep.Scale = scale(rep.Runs)
	rep.Machine.LoadAfter = loadAvg()
	rep.judge()
	return rep, nil
}

// sizeRun is the benchmark on one loaded database.
type sizeRun struct {
	Size
	cfg      *Config
	db       *store.DB
	dsn      string // the database's DSN, for a second handle (cadence-run-2p)
	ds       *dataset
	api      target       // zcrm
	bare     target       // the HTTP ceiling
	floor    *floorServer // the HTTP floor of store and query ceilings' scenarios (floor.go); nil with NoFloor
	rssReset bool
	retries  atomic.Int64 // store ceiling transactions retried after a lost serialization race
	// exclusive is held shared by store ceiling transactions, exclusively by their late retries.
	exclusive sync.RWMutex
	walk      tokenWalk // the token-page scenario's deep token (pagetoken.go)
}

// runSize creates and loads a database of n records, serves zcrm on it, runs the scenarios and,
// when n is the startup size, times zcrm's start on it.
func runSize(ctx context.Context, cfg *Config, client *http.Client, n int, tag string) (*sizeRun, *Startup, error) {
	fdb, err := newFreshDB(ctx, cfg.DB, tag)
	if err != nil {
		return nil, nil, err
	}
	defer dropDB(cfg, fdb)
	db, ds, loadTime, err := openAndLoad(ctx, cfg, fdb.dsn, n)
	if err != nil {
		return nil, nil, err
	}
	r := &sizeRun{Size: Size{Records: n, LoadSeconds: loadTime.Seconds()}, cfg: cfg, db: db, ds: ds, dsn: fdb.dsn}
	err = r.serveAndMeasure(ctx, client)
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, nil, err
	}
	if cfg.Exe == "" || n != cfg.StartupRecords {
		return r, nil, nil
	}
	fmt.Fprintf(cfg.Log, "timing zcrm start on N=%d…\n", n)
	st, err := measureStartup(ctx, cfg.Exe, cfg.Synchronous, n, cfg.StartupTrials, func(int) (string, func(), error) {
		return fdb.dsn, func() {}, nil
	})
	return r, &st, err
}

// openAndLoad opens the fresh database at dsn as zcrm serve would and loads n records into it.
func openAndLoad(ctx context.Context, cfg *Config, dsn string, n int) (*store.DB, *dataset, time.Duration, error) {
	db, err := store.Open(ctx, dsn, store.Options{Synchronous: cfg.Synchronous})
	if err != nil {
		return nil, nil, 0, err
	}
	fmt.Fprintf(cfg.Log, "loading N=%d into a fresh %s database…\n", n, db.Dialect())
	start := time.Now()
	ds, err := loadDataset(ctx, db, n, cfg.Concurrency, cfg.Log)
	if err != nil {
		db.Close()
		return nil, nil, 0, err
	}
	el := time.Since(start)
	fmt.Fprintf(cfg.Log, "  loaded in %.1fs\n", el.Seconds())
	return db, ds, el, nil
}

func dropDB(cfg *Config, fdb *freshDB) {
	if err := fdb.drop(); err != nil {
		fmt.Fprintf(cfg.Log, "warning: removing the benchmark database: %v\n", err)
	}
}

// serveAndMeasure serves zcrm on r.db on a loopback port and runs every selected scenario and its
// ceiling, back to back.
func (r *sizeRun) serveAndMeasure(ctx context.Context, client *http.Client) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	base := "http://" + ln.Addr().String()
	size := journal.SizeFor(r.db, -1) // as zcrm serve does
	if r.cfg.JournalSize > 0 {
		size = r.cfg.JournalSize
	}
	if r.cfg.NoJournal {
		size = 0
	}
	jr := journal.New(r.db, size, nil)
	defer jr.Close()
	srv := httpapi.DefaultLimits.Server(httpapi.NewServer(httpapi.Deps{Store: r.db, PublicURL: base, Journal: jr}))
	go srv.Serve(ln)
	defer srv.Close()
	auth := "Zoho-oauthtoken " + r.ds.token
	r.api = target{client: client, base: base, auth: auth}

	// The HTTP ceiling answers what zcrm answers to the list call.
	ans, err := r.api.fetch(ctx, http.MethodGet, cadencesPath, nil, http.StatusOK)
	if err != nil {
		fmt.Fprintf(r.cfg.Log, "warning: %v\n", err)
		ans = &captured{status: http.StatusOK, header: http.Header{"Content-Type": {"application/json;charset=utf-8"}}, body: []byte(`{}`)}
	}
	fmt.Fprintf(r.cfg.Log, "  GET %s answers %d bytes\n", cadencesPath, len(ans.body))
	if os.Getenv("ZCRM_BENCH_DUMP") != "" {
		fmt.Fprintf(r.cfg.Log, "%s\n", ans.body)
	}
	bareBase, stopBare, err := startBare(ans)
	if err != nil {
		return err
	}
	defer stopBare()
	r.bare = target{client: client, base: bareBase, auth: auth}
	if !r.cfg.NoFloor {
		if r.floor, err = startFloor(); err != nil {
			return err
		}
		defer r.floor.close()
	}

	stopProfile, err := r.startProfile()
	if err != nil {
		return err
	}
	defer stopProfile()
	// Hand the loader's garbage back to the kernel before the peak restarts from the current RSS.
	debug.FreeOSMemory()
	r.rssReset = resetPeakRSS()
	for _, sc := range r.scenarios() {
		if len(r.cfg.Scenarios) > 0 && !slices.Contains(r.cfg.Scenarios, sc.name) && !(sc.run != nil && slices.Contains(r.cfg.Scenarios, CadenceRun2P)) {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if sc.run != nil { // a scenario that measures itself (cadence.go)
			fmt.Fprintf(r.cfg.Log, "  %-18s …", sc.name)
			ss, err := sc.run(ctx)
			if err != nil {
				return fmt.Errorf("%s: %w", sc.name, err)
			}
			for _, s := range ss {
				r.Scenarios = append(r.Scenarios, s)
				fmt.Fprintf(r.cfg.Log, " %s %.0f/s (ceiling %.0f/s, ratio %.2f, %d errors)", s.Name, s.RPS, s.CeilingRPS, s.Ratio, s.Errors+s.CeilingErrors)
			}
			fmt.Fprintln(r.cfg.Log)
			continue
		}
		workers := r.cfg.Concurrency
		if sc.single {
			workers = 1
		}
		fmt.Fprintf(r.cfg.Log, "  %-18s %d workers, %s in %d rounds against the %s ceiling …", sc.name, workers, r.cfg.Duration, r.cfg.Rounds, sc.ceiling)
		retried := r.retries.Load()
		api, ceil, floor := r.rounds(ctx, workers, sc)
		retried = r.retries.Load() - retried
		for i, m := range api {
			s := Scenario{Name: m.name, Workers: workers, Requests: m.calls, RPS: m.rate(), P50MS: ms(m.hist.quantile(0.5)),
				P99MS: ms(m.hist.quantile(0.99)), CPUUS: us(m.cpuPerCall()), Errors: m.errors, FirstError: m.first, Ceiling: sc.ceiling,
				HostCPUUS: us(m.hostCPUPerCall()), HostIdle: m.cpu.idle()}
			if i < len(ceil) {
				c := ceil[i]
				s.CeilingRPS, s.CeilingP50MS, s.CeilingP99MS = c.rate(), ms(c.hist.quantile(0.5)), ms(c.hist.quantile(0.99))
				s.CeilingErrors, s.CeilingFirstError, s.CeilingRetries = c.errors, c.first, retried
				s.CeilingCPUUS = us(c.cpuPerCall())
				s.CeilingHostCPUUS, s.CeilingHostIdle = us(c.hostCPUPerCall()), c.cpu.idle()
				if c.rate() > 0 {
					s.Ratio = m.rate() / c.rate()
				}
				if s.CPUUS > 0 {
					s.CPURatio = s.CeilingCPUUS / s.CPUUS
				}
			}
			if i < len(floor) {
				f := floor[i]
				s.FloorRPS, s.FloorP50MS, s.FloorP99MS, s.FloorCPUUS = f.rate(), ms(f.hist.quantile(0.5)), ms(f.hist.quantile(0.99)), us(f.cpuPerCall())
				s.FloorErrors, s.FloorFirstError = f.errors, f.first
				s.FloorHostCPUUS, s.FloorHostIdle = us(f.hostCPUPerCall()), f.cpu.idle()
				if s.CeilingRPS > 0 {
					s.FloorRatio = s.FloorRPS / s.CeilingRPS
				}
				if s.FloorRPS > 0 {
					s.RatioToFloor = s.RPS / s.FloorRPS
				}
			}
			if sc.ceiling == ceilingStore {
				gc, rs := m.commits, m.resetup
				s.GroupCommit = &gc
				if rs.Calls > 0 {
					s.ResetupGroupCommit = &rs
				}
			}
			r.Scenarios = append(r.Scenarios, s)
			fmt.Fprintf(r.cfg.Log, " %s %.0f/s (ceiling %.0f/s, ratio %.2f, %d errors)", s.Name, s.RPS, s.CeilingRPS, s.Ratio, s.Errors+s.CeilingErrors)
		}
		fmt.Fprintln(r.cfg.Log)
	}
	if rss, err := peakRSS("self"); err == nil {
		r.PeakRSSMB = mb(rss)
	}
	return nil
}

// rounds alternates the scenario, its ceiling and (for a store or query ceiling) its HTTP floor, Rounds
// times each for Duration ÷ Rounds, and returns the totals. Alternating gives them the same machine
// (other processes come and go) and the same data (the enrolment history grows with every un-enrol
// and enrol).
func (r *sizeRun) rounds(ctx context.Context, workers int, sc scenario) (api, ceil, floor []*measured) {
	slice := r.cfg.Duration / time.Duration(r.cfg.Rounds)
	withFloor := r.floor != nil && (sc.ceiling == ceilingStore || sc.ceiling == ceilingQuery)
	apiLoop := sc.api
	if withFloor {
		apiLoop = r.floor.recorded(sc.api)
	}
	for range r.cfg.Rounds {
		api = addRound(api, drive(ctx, workers, slice, apiLoop, r.db.CommitStats))
		ceil = addRound(ceil, drive(ctx, workers, slice, sc.ceil, nil))
		if withFloor {
			floor = addRound(floor, drive(ctx, workers, slice, r.floorLoop(sc.ceil), nil))
		}
	}
	return api, ceil, floor
}

// addRound merges one round's results into the totals so far.
func addRound(total, round []*measured) []*measured {
	if total == nil {
		return round
	}
	for i, m := range round {
		total[i].add(m)
	}
	return total
}

// startProfile starts the CPU profile when one was asked for; the returned func stops it.
func (r *sizeRun) startProfile() (func(), error) {
	if r.cfg.CPUProfile == "" {
		return func() {}, nil
	}
	path := r.cfg.CPUProfile
	if len(r.cfg.Records) > 1 {
		path += "." + tagN(r.Records)
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
		fmt.Fprintf(r.cfg.Log, "CPU profile written to %s\n", path)
	}, nil
}

// loadedStartup loads a database of n records only to time zcrm's start on it.
func loadedStartup(ctx context.Context, cfg *Config, n int, tag string) (Startup, error) {
	fdb, err := newFreshDB(ctx, cfg.DB, tag)
	if err != nil {
		return Startup{}, err
	}
	defer dropDB(cfg, fdb)
	db, _, _, err := openAndLoad(ctx, cfg, fdb.dsn, n)
	if err != nil {
		return Startup{}, err
	}
	if err := db.Close(); err != nil {
		return Startup{}, err
	}
	fmt.Fprintf(cfg.Log, "timing zcrm start on N=%d…\n", n)
	return measureStartup(ctx, cfg.Exe, cfg.Synchronous, n, cfg.StartupTrials, func(int) (string, func(), error) {
		return fdb.dsn, func() {}, nil
	})
}

// emptyStartup times zcrm's start on a new, empty database each time (migrations included).
func emptyStartup(ctx context.Context, cfg *Config) (Startup, error) {
	fmt.Fprintln(cfg.Log, "timing zcrm start on an empty database…")
	return measureStartup(ctx, cfg.Exe, cfg.Synchronous, 0, cfg.StartupTrials, func(i int) (string, func(), error) {
		fdb, err := newFreshDB(ctx, cfg.DB, "empty-"+tagN(i))
		if err != nil {
			return "", nil, err
		}
		return fdb.dsn, func() { dropDB(cfg, fdb) }, nil
	})
}

// scale compares each scenario's rate on the largest dataset with the smallest.
func scale(runs []Size) []ScaleRatio {
	if len(runs) < 2 {
		return nil
	}
	small, large := runs[0], runs[0]
	for _, r := range runs {
		if r.Records < small.Records {
			small = r
		}
		if r.Records > large.Records {
			large = r
		}
	}
	if small.Records == large.Records {
		return nil
	}
	var out []ScaleRatio
	for _, ls := range large.Scenarios {
		for _, ss := range small.Scenarios {
			if ss.Name == ls.Name && ss.RPS > 0 {
				sr := ScaleRatio{Scenario: ls.Name, Small: small.Records, Large: large.Records, Ratio: ls.RPS / ss.RPS}
				if ss.Ratio > 0 {
					sr.CeilingRatio = ls.Ratio / ss.Ratio
				}
				out = append(out, sr)
			}
		}
	}
	return out
}

// loadAvg returns /proc/loadavg's first three fields ("" where there is none).
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}

// Missed returns the targets the report missed.
func (r *Report) Missed() []Target {
	var out []Target
	for _, t := range r.Targets {
		if !t.Met {
			out = append(out, t)
		}
	}
	return out
}
