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
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/store"
)

// devVersion is the version of a build that says nothing better.
const devVersion = "0.1.0-dev"

// Version is zcrm's version: set at build time with -ldflags "-X github.com/zcrm/zcrm/internal/cli.Version=…",
// otherwise the module version the go command stamped (v1.2.3 from go install …@v1.2.3, a pseudo-version
// from a build in a git checkout), otherwise 0.1.0-dev (go run, tests).
var Version = devVersion

func init() {
	info, _ := debug.ReadBuildInfo()
	Version = stampedVersion(Version, info)
}

// stampedVersion returns version, or the go command's module version when version is devVersion
// and the go command stamped one ("(devel)" means it did not).
func stampedVersion(version string, info *debug.BuildInfo) string {
	if version == devVersion && info != nil && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return version
}

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
		{"org sharing", "set a module's data-sharing rule (public|public_read_only|private)", runOrgSharing},
		{"org list", "list the orgs, one JSON object a line", runOrgList},
		{"user create", "add a user to an org", runUserCreate},
		{"user list", "list an org's users, one JSON object a line", runUserList},
		{"profile create", "add a profile cloned from Standard, minus --deny permissions", runProfileCreate},
		{"module create", "add a custom module (Enterprise and above)", runModuleCreate},
		{"client create", "create an OAuth self client of an org", runClientCreate},
		{"client grant-org", "let an OAuth client act in one more org", runClientGrantOrg},
		{"client list", "list the OAuth clients of an org, one JSON object a line (never secrets)", runClientList},
		{"grant", "issue a one-time grant code, like Generate Code in Zoho's API console", runGrant},
		{"token", "mint an access and refresh token directly (skips the code exchange)", runToken},
		{"reset", "empty the database as on first start (--keep-auth, --org: CRM data only)", runReset},
		{"seed", "apply a fixture file (records, relations, deal contact roles) in one transaction", runSeed},
		{"export", "write the whole database to a snapshot FILE (a temporary file renamed over FILE when complete)", runExport},
		{"import", "replace the whole database with the snapshot in FILE, in one transaction", runImport},
		{"requests", "print the request journal, newest first, one JSON object a line (redacted)", runRequests},
		{"bench", "load-test zcrm on a fresh database and report ratios to ceilings measured in the same run", runBench},
		{"version", "print the version", runVersion},
	}
}

// Run executes the command line args and returns the process exit code.
func Run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	e := env{getenv: getenv, stdout: stdout, stderr: stderr}
	if len(args) > 0 && (args[0] == "--version" || args[0] == "-version") {
		args = append([]string{"version"}, args[1:]...)
	}
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	if args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		if len(args) > 1 && args[0] == "help" { // zcrm help <command>: that command's usage
			return Run(ctx, append(args[1:len(args):len(args)], "-h"), getenv, stdout, stderr)
		}
		usage(stdout) // asked for: stdout, exit 0
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
	fmt.Fprintf(stderr, "zcrm: %s\n", unknownCommand(args))
	return 2
}

// unknownCommand says, in one line, why args name no command, and which ones are near.
func unknownCommand(args []string) string {
	var subs []string
	for _, c := range commands() {
		if words := strings.Fields(c.name); len(words) == 2 && words[0] == args[0] {
			subs = append(subs, words[1])
		}
	}
	if len(subs) > 0 {
		if len(args) == 1 {
			return fmt.Sprintf("%q needs a subcommand: %s", args[0], strings.Join(subs, ", "))
		}
		return fmt.Sprintf("unknown command %q (%s takes %s)", args[0]+" "+args[1], args[0], strings.Join(subs, ", "))
	}
	return fmt.Sprintf("unknown command %q ('zcrm help' lists the commands)", args[0])
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: zcrm <command> [flags]   (zcrm help <command>, or <command> -h, lists its flags)")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-16s %s\n", c.name, c.help)
	}
}

func oneLine(err error) string { return strings.ReplaceAll(err.Error(), "\n", "; ") }

// flags returns a subcommand's flag set (see flagSet) with the --db flag every subcommand takes.
func flags(e env, name string, db *string) *flag.FlagSet {
	fs := flagSet(e, name)
	def := e.getenv("ZCRM_DB")
	if def == "" {
		def = "zcrm.db"
	}
	fs.StringVar(db, "db", def, "database: a SQLite file path, a postgres:// URL, or (serve only) :memory: (env ZCRM_DB)")
	return fs
}

// flagSet returns a flag set for parse: a bad flag is a one-line error (Run prints it), and -h
// prints the usage on stdout, since it was asked for.
func flagSet(e env, name string) *flag.FlagSet {
	fs := flag.NewFlagSet("zcrm "+name, flag.ContinueOnError)
	// The flag package would print its error and the whole usage on a bad flag.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	helpOut.Store(fs, e.stdout)
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

// openStore opens and migrates the database and makes sure the default org exists. It refuses a
// throwaway in-memory database, which would vanish when the subcommand exits (serve uses serveStore).
func openStore(ctx context.Context, dsn string, opts store.Options) (*store.DB, crm.Org, error) {
	if store.IsMemory(dsn) {
		return nil, crm.Org{}, errors.New("--db :memory: lives only inside one zcrm serve process; get a token from 'zcrm serve --token-out FILE'")
	}
	return serveStore(ctx, dsn, opts)
}

// serveStore is openStore for zcrm serve, which accepts every database.
func serveStore(ctx context.Context, dsn string, opts store.Options) (*store.DB, crm.Org, error) {
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
	info, _ := debug.ReadBuildInfo()
	fmt.Fprintln(e.stdout, versionLine(Version, info))
	return nil
}

// versionLine is what `zcrm version` prints: the version, the commit built from (and whether its
// working tree had changes), and the Go toolchain and platform, e.g.
// "zcrm v1.2.3 (commit 45aa721…, modified; go1.26.0 linux/amd64)". Builds without VCS
// information (go run, go install …@version, tests) say "commit unknown".
func versionLine(version string, info *debug.BuildInfo) string {
	commit, modified, goVersion := "unknown", false, runtime.Version()
	if info != nil {
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				commit = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
		if info.GoVersion != "" {
			goVersion = info.GoVersion
		}
	}
	if modified {
		commit += ", modified"
	}
	return fmt.Sprintf("zcrm %s (commit %s; %s %s/%s)", version, commit, goVersion, runtime.GOOS, runtime.GOARCH)
}

// parseTTL parses a Go duration such as 3m or 90s; anything else (3x, a bare 5) is an error.
func parseTTL(s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("invalid duration %q: want a Go duration such as 3m or 90s", s)
	}
	return d, nil
}
