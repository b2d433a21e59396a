// Package cli is zcrm's command line: serve, version and the admin subcommands that create orgs,
// users, profiles, modules, OAuth clients, grant codes and tokens. Every subcommand that creates
// something prints one JSON object on stdout and nothing else there; diagnostics go to stderr.
package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/store"
)

// Version is zcrm's version, set at build time with -ldflags "-X github.com/zcrm/zcrm/internal/cli.Version=…".
var Version = "0.1.0-dev"

// env is the process environment, injectable for tests.
type env struct {
	getenv func(string) string
	stdout io.Writer
	stderr io.Writer
}

type command struct {
	name string
	help string
	run  func(ctx context.Context, e env, args []string) error
}

func commands() []command {
	return []command{
		{"serve", "serve the CRM API and the accounts endpoints", runServe},
		{"org create", "create an org with its first Administrator", runOrgCreate},
		{"org sharing", "set a module's data-sharing rule (public|private)", runOrgSharing},
		{"user create", "add a user to an org", runUserCreate},
		{"profile create", "add a profile cloned from Standard, minus --deny permissions", runProfileCreate},
		{"module create", "add a custom module (Enterprise and above)", runModuleCreate},
		{"client create", "create an OAuth self client of an org", runClientCreate},
		{"client grant-org", "let an OAuth client act in one more org", runClientGrantOrg},
		{"grant", "issue a one-time grant code, like Generate Code in Zoho's API console", runGrant},
		{"token", "mint an access and refresh token directly (skips the code exchange)", runToken},
		{"bench", "load-test zcrm on a fresh database and report ratios to ceilings measured in the same run", runBench},
		{"version", "print the version", runVersion},
	}
}

// Run executes the command line args and returns the process exit code.
func Run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	e := env{getenv: getenv, stdout: stdout, stderr: stderr}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands() {
		words := strings.Fields(c.name)
		if len(args) >= len(words) && strings.Join(args[:len(words)], " ") == c.name {
			if err := c.run(ctx, e, args[len(words):]); err != nil {
				if errors.Is(err, flag.ErrHelp) {
					return 0
				}
				fmt.Fprintf(stderr, "zcrm %s: %s\n", c.name, oneLine(err))
				return 1
			}
			return 0
		}
	}
	fmt.Fprintf(stderr, "zcrm: unknown command %q\n", strings.Join(args, " "))
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: zcrm <command> [flags]   (each command takes -h)")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-16s %s\n", c.name, c.help)
	}
}

func oneLine(err error) string { return strings.ReplaceAll(err.Error(), "\n", "; ") }

// flags returns a flag set whose errors go to stderr, with the --db flag every subcommand takes.
func flags(e env, name string, db *string) *flag.FlagSet {
	fs := flag.NewFlagSet("zcrm "+name, flag.ContinueOnError)
	// The flag package would print its error and the whole usage on a bad flag; zcrm prints a
	// one-line reason instead (Run), and the usage only when asked with -h.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	helpOut.Store(fs, e.stderr)
	def := e.getenv("ZCRM_DB")
	if def == "" {
		def = "zcrm.db"
	}
	fs.StringVar(db, "db", def, "database: a SQLite file path or a postgres:// URL (env ZCRM_DB)")
	return fs
}

// helpOut maps a flag set to where its -h usage goes.
var helpOut sync.Map

func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			if w, ok := helpOut.Load(fs); ok {
				fmt.Fprintf(w.(io.Writer), "usage: %s [flags]\n", fs.Name())
				fs.SetOutput(w.(io.Writer))
				fs.PrintDefaults()
			}
		}
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return nil
}

// openStore opens and migrates the database and makes sure the default org exists.
func openStore(ctx context.Context, dsn string, opts store.Options) (*store.DB, crm.Org, error) {
	db, err := store.Open(ctx, dsn, opts)
	if err != nil {
		return nil, crm.Org{}, err
	}
	var org crm.Org
	if err := db.Write(ctx, func(tx crm.Tx) error {
		var err error
		org, err = crm.EnsureDefaultOrg(ctx, tx)
		return err
	}); err != nil {
		db.Close()
		return nil, crm.Org{}, err
	}
	return db, org, nil
}

// orgFor returns the org named by an --org flag value, or the default org when it is empty.
func orgFor(ctx context.Context, tx crm.Tx, def crm.Org, flagValue string) (crm.Org, error) {
	if flagValue == "" {
		return def, nil
	}
	id, ok := crm.ParseID(flagValue)
	if !ok {
		return crm.Org{}, fmt.Errorf("invalid org id %q", flagValue)
	}
	org, err := tx.Org(ctx, id)
	if errors.Is(err, crm.ErrNotFound) {
		return crm.Org{}, fmt.Errorf("no org %s", flagValue)
	}
	return org, err
}

// printJSON writes v as one JSON object line on stdout.
func printJSON(e env, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(e.stdout, "%s\n", b)
	return err
}

func runVersion(ctx context.Context, e env, args []string) error {
	fmt.Fprintf(e.stdout, "zcrm %s\n", Version)
	return nil
}

// durationFlag parses "3m"-style durations and bare minutes.
func parseTTL(s string) (time.Duration, error) {
	if d, err := time.ParseDuration(s); err == nil {
		return d, nil
	}
	var m int
	if _, err := fmt.Sscanf(s, "%d", &m); err == nil {
		return time.Duration(m) * time.Minute, nil
	}
	return 0, fmt.Errorf("invalid duration %q", s)
}
