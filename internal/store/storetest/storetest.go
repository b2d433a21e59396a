// Package storetest opens real databases for tests: a SQLite file in a temporary directory, and,
// when ZCRM_TEST_POSTGRES holds a PostgreSQL URL, a fresh schema of that server per test.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/zcrm/zcrm/internal/store"
)

// EnvPostgres names the environment variable that selects the PostgreSQL runs.
const EnvPostgres = "ZCRM_TEST_POSTGRES"

// Backend is a database kind a test can run against.
type Backend string

// The backends.
const (
	SQLite   Backend = "sqlite"
	Postgres Backend = "postgres"
)

// Run runs fn once per backend as subtests: always on SQLite, and on PostgreSQL as
// PostgresURL allows.
func Run(t *testing.T, fn func(t *testing.T, b Backend)) {
	t.Helper()
	for _, b := range []Backend{SQLite, Postgres} {
		t.Run(string(b), func(t *testing.T) {
			if b == Postgres {
				PostgresURL(t)
			}
			fn(t, b)
		})
	}
}

// PostgresURL returns the PostgreSQL server URL in ZCRM_TEST_POSTGRES. When it is not set the test
// is skipped with a message saying so — except on CI (CI set), where a PostgreSQL run that
// silently skipped would pass untested code, so the test fails.
func PostgresURL(tb testing.TB) string {
	tb.Helper()
	u := os.Getenv(EnvPostgres)
	if u == "" {
		if os.Getenv("CI") != "" {
			tb.Fatal(EnvPostgres + " is not set, and CI is: the PostgreSQL runs are required on CI")
		}
		tb.Skip(EnvPostgres + " is not set: PostgreSQL run skipped")
	}
	return u
}

// DSN returns a fresh database for the backend: a new SQLite file path, or a PostgreSQL URL whose
// search_path is a new schema dropped when the test ends.
func DSN(tb testing.TB, b Backend) string {
	tb.Helper()
	if b == SQLite {
		return filepath.Join(tb.TempDir(), "zcrm.db")
	}
	base := os.Getenv(EnvPostgres)
	if base == "" {
		tb.Fatal(EnvPostgres + " is not set")
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatal(err)
	}
	defer admin.Close()
	buf := make([]byte, 6)
	rand.Read(buf)
	schema := "zcrm_test_" + hex.EncodeToString(buf)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := admin.ExecContext(ctx, `CREATE SCHEMA `+schema); err != nil {
		tb.Fatalf("create schema: %v", err)
	}
	tb.Cleanup(func() {
		db, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer db.Close()
		db.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
	})
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Open opens a fresh, migrated store on the backend and closes it when the test ends.
func Open(tb testing.TB, b Backend, opts store.Options) *store.DB {
	tb.Helper()
	return OpenDSN(tb, DSN(tb, b), opts)
}

// OpenDSN opens a store handle on a database from DSN (a second handle on one database is what
// another process sharing it sees) and closes it when the test ends.
func OpenDSN(tb testing.TB, dsn string, opts store.Options) *store.DB {
	tb.Helper()
	db, err := store.Open(context.Background(), dsn, opts)
	if err != nil {
		tb.Fatalf("open store: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}
