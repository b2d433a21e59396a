package cli_test

import (
	"path/filepath"
	"strings"
	"testing"
)

// Help asked for goes to stdout with exit 0; zcrm without arguments prints the usage on stderr
// and exits 2.
func TestHelpOnStdout(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "z.db")
	for _, args := range [][]string{{"help"}, {"-h"}, {"--help"}} {
		code, out, errs := zcrm(t, dsn, args...)
		if code != 0 || errs != "" || !strings.HasPrefix(out, "usage: zcrm <command>") || !strings.Contains(out, "client list") {
			t.Errorf("zcrm %s: code %d, stdout %q, stderr %q; want the usage on stdout", args[0], code, out, errs)
		}
	}
	for _, args := range [][]string{
		{"org", "create", "-h"}, {"org", "create", "--help"}, {"help", "org", "create"},
		{"bench", "-h"}, {"serve", "-h"}, {"client", "list", "-h"}, {"grant", "-help"},
	} {
		code, out, errs := zcrm(t, dsn, args...)
		name := strings.Join(slicesWithout(args, "-h", "--help", "-help", "help"), " ")
		if code != 0 || errs != "" || !strings.HasPrefix(out, "usage: zcrm "+name+" [flags]\n") || !strings.Contains(out, "  -") {
			t.Errorf("zcrm %s: code %d, stdout %q, stderr %q; want its usage on stdout", strings.Join(args, " "), code, out, errs)
		}
	}
	code, out, errs := zcrm(t, dsn)
	if code != 2 || out != "" || !strings.HasPrefix(errs, "usage: zcrm <command>") {
		t.Errorf("zcrm: code %d, stdout %q, stderr %q; want the usage on stderr, exit 2", code, out, errs)
	}
	if _, out, _ := zcrm(t, dsn, "serve", "-h"); !strings.Contains(out, "-temp") || !strings.Contains(out, "-token-out") {
		t.Errorf("serve -h lacks --temp or --token-out: %s", out)
	}
}

func slicesWithout(s []string, drop ...string) []string {
	var out []string
	for _, v := range s {
		keep := true
		for _, d := range drop {
			keep = keep && v != d
		}
		if keep {
			out = append(out, v)
		}
	}
	return out
}

// Every error is one line on stderr, with nothing on stdout: a bad flag of bench (which used to
// print its whole usage), unknown and incomplete commands, and the database choices serve refuses.
func TestErrorsAreOneLine(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "z.db")
	for _, c := range []struct {
		want string
		args []string
	}{
		{"flag provided but not defined: -bogus", []string{"bench", "--bogus"}},
		{`invalid value "x" for flag -duration`, []string{"bench", "--duration", "x"}},
		{`invalid --records "x"`, []string{"bench", "--records", "x", "--no-startup"}},
		{"--db :memory: is not a database bench can create", []string{"bench", "--db", ":memory:", "--records", "1"}}, // --records 1: fails fast either way
		{`unknown command "frobnicate" ('zcrm help' lists the commands)`, []string{"frobnicate"}},
		{`"org" needs a subcommand: create, sharing, list`, []string{"org"}},
		{`unknown command "client frob" (client takes create, grant-org, list)`, []string{"client", "frob"}},
		{"flag provided but not defined: -bogus", []string{"serve", "--bogus"}},
		{"--db is empty: give a SQLite file path, a postgres:// URL, or :memory: (or --temp) for a throwaway database", []string{"serve", "--db", ""}},
		{"--db :memory: needs --token-out FILE", []string{"serve", "--db", ":memory:"}},
		{"--temp and --db are exclusive", []string{"serve", "--temp", "--db", dsn}},
		{"empty database name: give a SQLite file path, :memory: or a postgres:// URL", []string{"org", "list", "--db", ""}},
		{"--db :memory: lives only inside one zcrm serve process; get a token from 'zcrm serve --token-out FILE'",
			[]string{"token", "--db", ":memory:", "--scope", "ZohoCRM.org.ALL"}},
		{"--db :memory: lives only inside one zcrm serve process", []string{"user", "list", "--db", "file::memory:?cache=shared"}},
	} {
		code, out, errs := zcrm(t, dsn, c.args...)
		if code == 0 || out != "" || strings.Count(errs, "\n") != 1 || !strings.HasSuffix(errs, "\n") || !strings.Contains(errs, c.want) {
			t.Errorf("zcrm %q: code %d, stdout %q, stderr %q; want one line containing %q", c.args, code, out, errs, c.want)
		}
	}
}
