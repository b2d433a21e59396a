package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/zcrm/zcrm/internal/bench"
	"github.com/zcrm/zcrm/internal/store"
)

// runBench runs the load benchmark (package bench) and prints its report: a table, or one JSON
// document with --json. Progress goes to stderr (with a live counter while loading when stderr is a terminal).
func runBench(ctx context.Context, e env, args []string) error {
	var cfg bench.Config
	var records, scenarios string
	var asJSON bool
	fs := flagSet(e, "bench")
	// --db deliberately ignores ZCRM_DB: the benchmark only ever writes to databases it creates.
	fs.StringVar(&cfg.DB, "db", "", "where to create the fresh databases: a SQLite file path that must not exist, or a postgres:// URL (a new schema, dropped afterwards); default a temporary SQLite file")
	fs.StringVar(&records, "records", "100000", "dataset size, or several comma-separated (e.g. 10000,1000000) to compare the largest with the smallest")
	fs.DurationVar(&cfg.Duration, "duration", 10*time.Second, "measuring time of each scenario and of each ceiling")
	fs.IntVar(&cfg.Rounds, "rounds", 5, "alternate each scenario with its ceiling this many times (the duration is split between rounds)")
	fs.IntVar(&cfg.Concurrency, "concurrency", 16, "concurrent workers (each needs 100 records of its own)")
	fs.BoolVar(&asJSON, "json", false, "print one JSON document instead of tables")
	fs.StringVar(&cfg.CPUProfile, "cpuprofile", "", "write a CPU profile of the scenarios (not of loading) to this file")
	fs.StringVar(&scenarios, "scenarios", "", "comma-separated scenarios to run (default all: "+strings.Join(bench.Scenarios, ", ")+")")
	fs.IntVar(&cfg.StartupRecords, "startup-records", 1_000_000, "also time zcrm's start on a database of this many records (0: empty database only)")
	fs.IntVar(&cfg.StartupTrials, "startup-trials", 5, "starts per startup figure")
	fs.StringVar(&cfg.Synchronous, "sqlite-synchronous", "full", "SQLite durability of the benchmarked store: full or normal")
	noStartup := fs.Bool("no-startup", false, "skip timing zcrm's start")
	fs.BoolVar(&cfg.NoFloor, "no-floor", false, "skip the HTTP floor of the store- and query-ceiling scenarios (a bare net/http handler running the ceiling's transaction or statement)")
	fs.IntVar(&cfg.JournalSize, "journal-size", -1, "the served zcrm's request journal size, as zcrm serve's (0: no journal; default 10000 on SQLite, 0 on PostgreSQL)")
	if err := parse(fs, args); err != nil {
		return err
	}
	cfg.NoJournal = cfg.JournalSize == 0
	if cfg.JournalSize < 0 {
		cfg.JournalSize = 0 // zcrm serve's default for the store
	}
	if store.IsMemory(cfg.DB) { // the startup timing runs zcrm serve on the benchmark's database
		return errors.New("--db :memory: is not a database bench can create and time zcrm's start on: give a file path, a postgres:// URL or nothing")
	}
	for _, f := range strings.Split(records, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			return fmt.Errorf("invalid --records %q", records)
		}
		cfg.Records = append(cfg.Records, n)
	}
	if scenarios != "" {
		cfg.Scenarios = strings.Split(scenarios, ",")
	}
	if !*noStartup {
		exe, err := os.Executable()
		if err != nil {
			return fmt.Errorf("find the zcrm executable to time its start: %w", err)
		}
		cfg.Exe = exe
	}
	cfg.Log = e.stderr
	tuneGC(e) // zcrm runs in this process: run it as zcrm serve does
	rep, err := bench.Run(ctx, cfg)
	if err != nil {
		return err
	}
	if asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	return rep.WriteTable(e.stdout)
}
