package bench

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/zcrm/zcrm/internal/store"
)

// freshDB is a database the benchmark created and removes when done: a SQLite file or a
// PostgreSQL schema reached through the search_path of its DSN.
type freshDB struct {
	dsn  string
	drop func() error
}

// newFreshDB creates an empty database for one dataset. base is the --db value: "" for a SQLite
// file in a new temporary directory, a file path (which must not exist yet; tag is appended when
// several databases share it), or a postgres:// URL whose server gets a new schema.
func newFreshDB(ctx context.Context, base, tag string) (*freshDB, error) {
	switch {
	case store.IsPostgres(base):
		return newSchema(ctx, base)
	case base == "":
		dir, err := os.MkdirTemp("", "zcrm-bench-")
		if err != nil {
			return nil, err
		}
		return &freshDB{dsn: filepath.Join(dir, "zcrm.db"), drop: func() error { return os.RemoveAll(dir) }}, nil
	default:
		path := base
		if tag != "" {
			path = base + "-" + tag
		}
		if _, err := os.Stat(path); err == nil {
			return nil, fmt.Errorf("%s exists: the benchmark needs a fresh database and never reuses one", path)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		return &freshDB{dsn: path, drop: func() error {
			var errs []error
			for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
				if err := os.Remove(path + suffix); err != nil && !errors.Is(err, fs.ErrNotExist) {
					errs = append(errs, err)
				}
			}
			return errors.Join(errs...)
		}}, nil
	}
}

// newSchema creates a schema named zcrm_bench_<random> on the server of base and returns a DSN
// whose search_path selects it; drop removes the schema and everything in it.
func newSchema(ctx context.Context, base string) (*freshDB, error) {
	u, err := url.Parse(base)
	if err != nil {
		return nil, fmt.Errorf("parse --db: %w", err)
	}
	buf := make([]byte, 6)
	rand.Read(buf)
	schema := "zcrm_bench_" + hex.EncodeToString(buf)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return nil, err
	}
	defer admin.Close()
	if _, err := admin.ExecContext(ctx, `CREATE SCHEMA `+schema); err != nil {
		return nil, fmt.Errorf("create schema %s: %w", schema, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return &freshDB{dsn: u.String(), drop: func() error {
		db, err := sql.Open("pgx", base)
		if err != nil {
			return err
		}
		defer db.Close()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		_, err = db.ExecContext(ctx, `DROP SCHEMA `+schema+` CASCADE`)
		return err
	}}, nil
}

// tagN names a dataset size for file suffixes: 100000 → "100000".
func tagN(n int) string { return strconv.Itoa(n) }
