package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	sqlite "github.com/ncruces/go-sqlite3/driver"
	"github.com/ncruces/go-sqlite3/vfs/memdb" // registers the "memdb" VFS behind Memory
)

//go:embed migrations/*.sql
var migrations embed.FS

func openSQLite(path string, opts Options) (*DB, error) {
	sync := strings.ToLower(opts.Synchronous)
	if sync == "" {
		sync = "full"
	}
	if sync != "full" && sync != "normal" && sync != "extra" && sync != "off" {
		return nil, fmt.Errorf("synchronous must be full or normal, not %q", opts.Synchronous)
	}
	busy := opts.BusyTimeout
	if busy <= 0 {
		busy = 10 * time.Second
	}
	path = sqlitePath(path)
	if path == "" {
		// SQLite would give every connection its own private, empty temporary database.
		return nil, errors.New("empty database name: give a SQLite file path, " + Memory + " or a postgres:// URL")
	}
	vfs, drop := "", func() {}
	if path == Memory {
		path, drop = newMemoryDB()
		vfs = "&vfs=memdb"
	}
	base := "file:" + (&url.URL{Path: path}).EscapedPath() + "?_pragma=" + url.QueryEscape(fmt.Sprintf("busy_timeout(%d)", busy.Milliseconds())) +
		"&_pragma=" + url.QueryEscape("journal_mode(wal)") + // an in-memory database keeps its rollback journal in memory instead
		"&_pragma=" + url.QueryEscape("synchronous("+sync+")") +
		"&_pragma=" + url.QueryEscape("foreign_keys(on)") + vfs
	w, err := openSQLiteDBClosing(base+"&_txlock=immediate", drop)
	if err != nil {
		drop()
		return nil, err
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxIdleTime(0)
	// Readers refuse writes for their whole life (query_only), so that a read transaction needs no
	// ReadOnly of its own: for one, the driver switches query_only on and off, and each switch makes
	// SQLite prepare every statement of the connection again (BENCHMARKS.md, round 11).
	r, err := openSQLiteDB(base + "&_pragma=" + url.QueryEscape("query_only(1)") + "&_txlock=deferred")
	if err != nil {
		w.Close()
		return nil, err
	}
	n := opts.MaxConns
	if n <= 0 {
		n = 8
	}
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	db := &DB{dialect: SQLite, write: w, read: r, real: opts.Now}
	// Touch the writer first so the WAL switch happens on one connection before readers start. Two
	// processes creating the same fresh file race on that switch, and SQLite answers the loser
	// "database is locked" at once instead of waiting out the busy timeout: retry within it.
	deadline := time.Now().Add(busy)
	for attempt := 1; ; attempt++ {
		err := w.Ping()
		if err == nil {
			break
		}
		if !strings.Contains(err.Error(), "database is locked") || time.Now().After(deadline) {
			db.Close()
			return nil, fmt.Errorf("open sqlite %s: %w", path, err)
		}
		time.Sleep(time.Duration(min(attempt, 20)) * 5 * time.Millisecond)
	}
	db.startCommitter(1)
	return db, nil
}

// Memory is the database name of a throwaway in-memory SQLite database (as in SQLite). Each Open of
// it creates a new, empty database, private to the returned DB and dropped when it closes.
const Memory = ":memory:"

// IsMemory reports whether dsn names a throwaway in-memory database (Memory, possibly written as a
// file: URI such as file::memory:?cache=shared).
func IsMemory(dsn string) bool {
	return !IsPostgres(dsn) && sqlitePath(dsn) == Memory
}

// sqlitePath is the file path of a SQLite dsn: a path or a file: URI, whose parameters zcrm sets itself.
func sqlitePath(dsn string) string {
	path := strings.TrimPrefix(dsn, "file:")
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	return path
}

// newMemoryDB creates an empty database in the memdb VFS and returns its path and how to drop it.
// The connections of one DB (the writer and every reader) share it through that path: SQLite's own
// ":memory:" would give each connection a database of its own. memdb has no shared memory for a
// WAL, so the database keeps its rollback journal in memory: a commit waits for running reads (the
// busy timeout covers it) instead of running beside them. The creation holds a reference of its own,
// so the data lives while the DB is open even when the pools close every connection.
func newMemoryDB() (path string, drop func()) {
	name := "zcrm-" + rand.Text()
	memdb.Create(name, nil)
	return "/" + name, func() { memdb.Delete(name) }
}

// openSQLiteDBClosing is openSQLiteDB whose Close also calls onClose, once, after closing its
// connections (database/sql closes a connector that is an io.Closer).
func openSQLiteDBClosing(dsn string, onClose func()) (*sql.DB, error) {
	c, err := (&sqlite.SQLite{}).OpenConnector(dsn)
	if err != nil {
		return nil, err
	}
	return sql.OpenDB(closingConnector{cachingConnector{c}, sync.OnceFunc(onClose)}), nil
}

// closingConnector is a cachingConnector whose Close runs onClose.
type closingConnector struct {
	cachingConnector
	onClose func()
}

func (c closingConnector) Close() error {
	c.onClose()
	return nil
}

func openPostgres(dsn string, opts Options) (*DB, error) {
	p, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, err
	}
	n := opts.MaxConns
	if n <= 0 {
		n = 16
	}
	idle := opts.ConnMaxIdle
	if idle <= 0 {
		idle = 5 * time.Minute
	}
	p.SetMaxOpenConns(n)
	p.SetMaxIdleConns(n)
	p.SetConnMaxIdleTime(idle)
	db := &DB{dialect: Postgres, write: p, read: p, real: opts.Now}
	if err := p.Ping(); err != nil {
		p.Close()
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	db.startCommitter(pgCommitters(n))
	return db, nil
}

// pgCommitters is how many write batches run at once on PostgreSQL with a pool of n connections.
// One batch at a time would leave the server a single backend's worth of CPU, and every call would
// wait for the round trips of the calls before it; many make concurrent batches conflict under
// SERIALIZABLE (each batch reads more index pages than one call). Four measured best on two cores
// (BENCHMARKS.md); a quarter of the pool leaves the rest for reads.
func pgCommitters(n int) int {
	return max(1, min(4, n/4))
}

// IsSerializationFailure reports whether err is a lost PostgreSQL serialization race or deadlock,
// which a retry resolves.
func IsSerializationFailure(err error) bool {
	var pg *pgconn.PgError
	return errors.As(err, &pg) && (pg.Code == "40001" || pg.Code == "40P01")
}

// isLockMemoryExhausted reports whether err is PostgreSQL's "out of shared memory" (53200): its
// lock tables are full, chiefly with the predicate locks SERIALIZABLE keeps for committed
// transactions while older ones still run; they free up as those finish, so the write can wait and
// try again.
func isLockMemoryExhausted(err error) bool {
	var pg *pgconn.PgError
	return errors.As(err, &pg) && pg.Code == "53200"
}

// isUniqueViolation reports whether err is a unique-constraint failure on either database.
func isUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.Code == "23505"
	}
	return strings.Contains(err.Error(), "UNIQUE constraint failed")
}

// migrate applies every embedded migration not yet recorded, in version order, in one
// transaction. On PostgreSQL an advisory lock makes concurrent starters run them once (the
// versions applied are read under it; on SQLite, under the transaction's write lock). A file named
// NNNN_name.postgres.sql (or .sqlite.sql) runs on that database only; the other records the version
// as applied.
func (db *DB) migrate(ctx context.Context) error {
	files, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(files)
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if db.dialect == Postgres {
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(7262017)`); err != nil {
			return fmt.Errorf("migration lock: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(7262017)`)
	}
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER NOT NULL PRIMARY KEY, applied_time BIGINT NOT NULL)`); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	applied := map[int]bool{}
	rows, err := conn.QueryContext(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return err
		}
		applied[v] = true
	}
	rows.Close()
	// A version with a file for this database (NNNN_name.sqlite.sql beside NNNN_name.postgres.sql)
	// runs that file; the other database's file is skipped rather than recorded in its place.
	own := map[string]bool{}
	for _, f := range files {
		if migrationDialect(f) == db.dialect.String() {
			own[strings.SplitN(strings.TrimPrefix(f, "migrations/"), "_", 2)[0]] = true
		}
	}
	// Every pending migration runs in one transaction: one commit (one log sync) however many
	// there are, and a failure leaves the schema as it was.
	var tx *sql.Tx
	for _, f := range files {
		name := strings.TrimPrefix(f, "migrations/")
		prefix := strings.SplitN(name, "_", 2)[0]
		v, err := strconv.Atoi(prefix)
		if err != nil {
			return fmt.Errorf("migration %s: bad version prefix", name)
		}
		if applied[v] {
			continue
		}
		if only := migrationDialect(name); only != "" && only != db.dialect.String() && own[prefix] {
			continue
		}
		text, err := migrations.ReadFile(f)
		if err != nil {
			return err
		}
		if tx == nil {
			if tx, err = conn.BeginTx(ctx, nil); err != nil {
				return err
			}
			defer tx.Rollback()
		}
		// Another process may have applied it while this one waited for the write lock (SQLite).
		var done int
		if err := tx.QueryRowContext(ctx, db.rebind(`SELECT COUNT(*) FROM schema_migrations WHERE version = ?`), v).Scan(&done); err != nil {
			return err
		}
		if done > 0 {
			continue
		}
		stmts := []string{string(text)}
		if only := migrationDialect(name); only != "" && only != db.dialect.String() {
			stmts = nil // another database's migration: recorded as applied, nothing to do here
		}
		if v == 1 {
			stmts = append(stmts, db.idSource()...)
		}
		if v == 10 {
			stmts = append(stmts, newPageTokenKey())
		}
		for _, s := range stmts {
			if _, err := tx.ExecContext(ctx, s); err != nil {
				return fmt.Errorf("migration %s: %w", name, err)
			}
		}
		if _, err := tx.ExecContext(ctx, db.rebind(`INSERT INTO schema_migrations (version, applied_time) VALUES (?, ?)`), v, ms(db.real())); err != nil {
			return fmt.Errorf("migration %s: %w", name, err)
		}
	}
	if tx == nil {
		return nil
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	return nil
}

// migrationDialect is the database a migration file is for ("postgres" for
// 0009_name.postgres.sql), or "" when it is for both.
func migrationDialect(name string) string {
	base := strings.TrimSuffix(name, ".sql")
	if i := strings.LastIndexByte(base, '.'); i >= 0 {
		return base[i+1:]
	}
	return ""
}

// newPageTokenKey returns the statement storing a new random page-token key (migration 0010).
func newPageTokenKey() string {
	return `INSERT INTO page_token_key (id, secret) VALUES (1, '` + hex.EncodeToString(randomBytes(32)) + `')`
}

// randomBytes returns n bytes from the system's secure random source.
func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b) // never fails (crypto/rand)
	return b
}

// loadPageTokenKey reads the database's page-token key (migration 0010) into db.
func (db *DB) loadPageTokenKey(ctx context.Context) error {
	var secret string
	if err := db.read.QueryRowContext(ctx, `SELECT secret FROM page_token_key WHERE id = 1`).Scan(&secret); err != nil {
		return fmt.Errorf("read page-token key: %w", err)
	}
	key, err := hex.DecodeString(secret)
	if err != nil || len(key) < 16 {
		return fmt.Errorf("page-token key: not a hex secret of 16 bytes or more")
	}
	db.tokenKey = key
	return nil
}

// idSource returns the dialect's statements that create the id allocator.
func (db *DB) idSource() []string {
	if db.dialect == Postgres {
		return []string{fmt.Sprintf(`CREATE SEQUENCE zcrm_ids START WITH %d`, int64(firstID))}
	}
	return []string{
		`CREATE TABLE id_counter (name TEXT NOT NULL PRIMARY KEY, value BIGINT NOT NULL)`,
		fmt.Sprintf(`INSERT INTO id_counter (name, value) VALUES ('ids', %d)`, int64(firstID-1)),
	}
}

// SchemaVersion returns the highest applied migration version.
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := db.read.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v)
	return v, err
}
