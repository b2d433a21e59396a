package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/oauth"
	"github.com/zcrm/zcrm/internal/store"
)

// fullScopes are the scopes of the token serve writes with --token-out: those of the token the
// banner shows how to get, enough for every API zcrm serves.
var fullScopes = []string{"ZohoCRM.modules.ALL", "ZohoCRM.settings.ALL", "ZohoCRM.users.ALL", "ZohoCRM.org.ALL"}

// throwaway is serve's support for databases that live as long as the process: --db :memory:, --temp,
// and --token-out, which hands a test suite a token for a database no other command can reach.
type throwaway struct {
	temp     bool
	tokenOut string
	cleanup  []func()
}

// register adds --temp and --token-out to serve's flags.
func (x *throwaway) register(set *flag.FlagSet) {
	set.BoolVar(&x.temp, "temp", false, "serve a new temporary SQLite file, deleted at exit (instead of --db)")
	set.StringVar(&x.tokenOut, "token-out", "", "once listening, write a full-scope access token of the default org's admin to this file (mode 0600; removed at exit)")
}

// database resolves the database to serve from --db and --temp: --temp creates a temporary
// directory for a fresh SQLite file, removed by close. It also removes a stale --token-out file, so
// that the file appearing means the server is ready.
func (x *throwaway) database(set *flag.FlagSet, dsn *string) error {
	dbSet := false
	set.Visit(func(f *flag.Flag) { dbSet = dbSet || f.Name == "db" })
	if x.tokenOut != "" {
		if err := os.Remove(x.tokenOut); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("--token-out: %w", err)
		}
	}
	switch {
	case x.temp && dbSet:
		return errors.New("--temp and --db are exclusive: --temp serves a new temporary SQLite file")
	case x.temp:
		dir, err := os.MkdirTemp("", "zcrm-serve-")
		if err != nil {
			return err
		}
		x.cleanup = append(x.cleanup, func() { os.RemoveAll(dir) })
		*dsn = filepath.Join(dir, "zcrm.db")
	case strings.TrimSpace(*dsn) == "":
		return errors.New("--db is empty: give a SQLite file path, a postgres:// URL, or :memory: (or --temp) for a throwaway database")
	case store.IsMemory(*dsn) && x.tokenOut == "":
		return errors.New("--db :memory: needs --token-out FILE: no other zcrm command can reach an in-memory database to make a token")
	}
	return nil
}

// writeToken writes a new full-scope access token of the org's first Administrator to --token-out,
// if set: atomically (a reader never sees half a token), mode 0600, removed by close.
func (x *throwaway) writeToken(ctx context.Context, db *store.DB, org crm.Org) error {
	if x.tokenOut == "" {
		return nil
	}
	access, _, err := mintTokens(ctx, db, org, "", "", fullScopes)
	if err != nil {
		return fmt.Errorf("--token-out: %w", err)
	}
	f, err := os.CreateTemp(filepath.Dir(x.tokenOut), ".zcrm-token-*") // mode 0600
	if err != nil {
		return fmt.Errorf("--token-out: %w", err)
	}
	_, err = f.WriteString(access + "\n")
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), x.tokenOut)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("--token-out: %w", err)
	}
	x.cleanup = append(x.cleanup, func() { os.Remove(x.tokenOut) })
	return nil
}

// close removes what database and writeToken created, newest first.
func (x *throwaway) close() {
	for i := len(x.cleanup) - 1; i >= 0; i-- {
		x.cleanup[i]()
	}
	x.cleanup = nil
}

// tokenNote is the line serve prints about the --token-out file, or "".
func (x *throwaway) tokenNote() string {
	if x.tokenOut == "" {
		return ""
	}
	return fmt.Sprintf("An access token for the default org's Administrator (scopes %s, valid %s) is in %s\n",
		strings.Join(fullScopes, ","), oauth.AccessTTL, x.tokenOut)
}
