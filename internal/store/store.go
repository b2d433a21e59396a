// Package store is zcrm's SQL storage: one implementation over database/sql for SQLite (the embedded
// default) and PostgreSQL. It owns every SQL statement and the embedded migrations; it knows Zoho's
// rules only as far as constraints express them. Callers reach it through crm.Store.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/zcrm/zcrm/internal/crm"
)

// Dialect names the SQL database behind a DB.
type Dialect int

// The supported dialects.
const (
	SQLite Dialect = iota
	Postgres
)

func (d Dialect) String() string {
	if d == Postgres {
		return "postgres"
	}
	return "sqlite"
}

// Options tunes Open. The zero value is a sane default.
type Options struct {
	// Synchronous is SQLite's synchronous pragma: "full" (default: an acknowledged write survives a
	// power cut) or "normal" (faster; survives a crash of zcrm but not of the machine).
	Synchronous string
	// MaxConns bounds the connection pool (SQLite: readers; PostgreSQL: all). Default 8 (SQLite) or 16.
	MaxConns int
	// BusyTimeout is how long SQLite waits for a lock before failing. Default 10s.
	BusyTimeout time.Duration
	// ConnMaxIdle closes pooled connections idle for longer. Default 5 minutes.
	ConnMaxIdle time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// DB is an open store. It is safe for concurrent use.
type DB struct {
	dialect Dialect
	write   *sql.DB                     // SQLite: the single writer connection; PostgreSQL: the pool
	read    *sql.DB                     // SQLite: the reader pool; PostgreSQL: the same pool as write
	real    func() time.Time            // real time (Options.Now); the clock is now (control.go)
	ctl     atomic.Pointer[crm.Control] // the control state last read (control.go)
	users   userCache                   // each org's users as last read (users.go)
	// versionReads shares PostgreSQL's org-version checks between concurrent requests (versionreads.go).
	versionReads versionReads
	rebinds      sync.Map     // query text → dialect-specific text, at most maxRebinds
	nRebind      atomic.Int64 // texts kept in rebinds
	// tokenKey is the database's page-token key (migration 0010), read once at Open.
	tokenKey []byte

	// Group commit (groupcommit.go).
	committers sync.WaitGroup
	jobs       chan *writeJob
	running    atomic.Int64 // PostgreSQL batches running
	stats      commitCounters
	// exclusive is held shared by PostgreSQL writes and exclusively by a retry of a lost race (try).
	exclusive sync.RWMutex
	quit      chan struct{}
	stopped   chan struct{}
}

// Open opens (creating if needed) the database named by dsn, migrates it and returns it.
// A dsn starting with postgres:// or postgresql:// selects PostgreSQL; anything else is a SQLite file path.
func Open(ctx context.Context, dsn string, opts Options) (*DB, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	var db *DB
	var err error
	if IsPostgres(dsn) {
		db, err = openPostgres(dsn, opts)
	} else {
		db, err = openSQLite(dsn, opts)
	}
	if err != nil {
		return nil, err
	}
	if err := db.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if _, err := db.SyncControl(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := db.loadPageTokenKey(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// IsPostgres reports whether dsn names a PostgreSQL database.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Dialect returns the database kind behind db.
func (db *DB) Dialect() Dialect { return db.dialect }

// Now returns the store's clock reading: real time as the control plane's clock sets it.
func (db *DB) Now() time.Time { return db.now() }

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.read.PingContext(ctx) }

// Close closes every connection, after the write batch in progress, if any.
func (db *DB) Close() error {
	db.stopCommitter()
	err := db.write.Close()
	if db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	return err
}

// SQL returns the underlying writer handle, for tools (benchmarks, tests) that issue SQL directly.
func (db *DB) SQL() *sql.DB { return db.write }

// PageBounds is a listing's LIMIT and OFFSET clause, with a leading space. The bounds are written
// into the text, integers the store is given, never request text. As
// parameters they cost a plan on both databases. PostgreSQL plans a prepared statement once (a
// generic plan) only when that plan's estimate is no worse than one made for the call's values, and
// an unknown LIMIT or OFFSET made it look worse: every call was planned afresh (a search by email at
// 1M contacts answered a third of what it does now; BENCHMARKS.md, round 10). SQLite reads a bound
// LIMIT's value when it plans, so binding a new one made it prepare the statement again at every
// call (40 µs instead of 7 for a search; round 11). Each pair of bounds is its own statement text.
func PageBounds(limit, offset int) string {
	return " LIMIT " + strconv.Itoa(limit) + " OFFSET " + strconv.Itoa(offset)
}

// Rebind rewrites a query written with ? placeholders for the store's dialect.
func (db *DB) Rebind(q string) string { return db.rebind(q) }

func (db *DB) rebind(q string) string {
	if db.dialect != Postgres {
		return q
	}
	if v, ok := db.rebinds.Load(q); ok {
		return v.(string)
	}
	var b strings.Builder
	n := 0
	inQuote := false
	for _, r := range q {
		switch {
		case r == '\'':
			inQuote = !inQuote
			b.WriteRune(r)
		case r == '?' && !inQuote:
			n++
			fmt.Fprintf(&b, "$%d", n)
		default:
			b.WriteRune(r)
		}
	}
	out := b.String()
	if db.nRebind.Add(1) <= maxRebinds {
		db.rebinds.Store(q, out)
	}
	return out
}

// maxRebinds bounds the texts rebind keeps: statements that differ by their IN lists' lengths, their
// page bounds (PageBounds) or a COQL query's shape are many, and a client could make them without
// end; past the bound a text is rewritten on every call.
const maxRebinds = 20000

// Read runs fn in a read-only transaction.
func (db *DB) Read(ctx context.Context, fn func(crm.Tx) error) error {
	opts := &sql.TxOptions{ReadOnly: true}
	if db.dialect == Postgres {
		opts.Isolation = sql.LevelRepeatableRead
	}
	tx, err := db.read.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("begin read: %w", err)
	}
	defer tx.Rollback()
	if err := fn(&Tx{tx: tx, db: db}); err != nil {
		return err
	}
	return tx.Commit()
}

// ReadEach runs fn as Read does, except that its statements run outside a transaction, each
// reading what was committed when it ran (crm.Store.ReadEach): on PostgreSQL BEGIN and COMMIT are
// two of a search's or a count's four round trips to the server, on SQLite two statements more.
func (db *DB) ReadEach(ctx context.Context, fn func(crm.Tx) error) error {
	return fn(&Tx{tx: db.read, db: db, each: true})
}

// Write runs fn in a read-write transaction and commits it when fn returns nil. Concurrent writes
// share a transaction and its COMMIT (groupcommit.go). On SQLite writes go through the single
// writer connection (BEGIN IMMEDIATE) and fn runs once. On PostgreSQL the transaction is
// SERIALIZABLE and fn may run again (see rerun): it must only compute its answer.
func (db *DB) Write(ctx context.Context, fn func(crm.Tx) error) error {
	var try attempt
	for {
		err := db.try(ctx, fn, try)
		next, again := rerun(err, try)
		if !again {
			return err
		}
		if next.exclusive {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(RetryPause(next.n)):
			}
		}
		try = next
	}
}

// attempt is how one try of a write runs.
type attempt struct {
	n         int  // tries made before this one
	alone     bool // in a transaction of its own, not a group-committed batch
	exact     bool // set operations answer with RETURNING from the start (setOp)
	exclusive bool // with every other write of this process held back
}

// rerun is the one place that decides whether a write that ended with err runs again, and how. Only
// PostgreSQL ever asks for it, for three reasons the database leaves no other way round:
//   - errRunAlone: its group-commit batch was rolled back for another call's sake (no savepoints);
//     it runs again alone;
//   - errInexact: a set operation changed fewer rows than ids and cannot tell which; it runs again
//     alone with exact answers;
//   - a lost serialization race or deadlock, or the server's lock memory running out: it runs
//     again after a random pause with the rest of the process held back, up to
//     MaxExclusiveAttempts times.
//
// Anything else, success included, is the answer.
func rerun(err error, prev attempt) (attempt, bool) {
	next := attempt{n: prev.n + 1, alone: true, exact: prev.exact, exclusive: prev.exclusive}
	switch {
	case err == nil:
		return prev, false
	case errors.Is(err, errRunAlone):
	case errors.Is(err, errInexact):
		next.exact = true
	case (IsSerializationFailure(err) || isLockMemoryExhausted(err)) && prev.n < MaxExclusiveAttempts:
		next.exclusive = true
	default:
		return prev, false
	}
	return next, true
}

// try runs fn once as a says: in a batch (the first try), or alone, holding db.exclusive shared or,
// for a retry of a lost race, exclusively (released even if fn panics).
func (db *DB) try(ctx context.Context, fn func(crm.Tx) error, a attempt) error {
	if db.dialect == SQLite {
		return db.groupWrite(ctx, fn)
	}
	if a.exclusive {
		db.exclusive.Lock()
		defer db.exclusive.Unlock()
		db.stats.exclusive.Add(1)
	} else {
		db.exclusive.RLock()
		defer db.exclusive.RUnlock()
	}
	if !a.alone {
		return db.groupWrite(ctx, fn)
	}
	if !a.exclusive {
		db.stats.alone.Add(1)
	}
	return db.writeTx(ctx, fn, a.exact)
}

// MaxExclusiveAttempts bounds the retries of a write that keeps losing serialization races even
// with the rest of its process held back (so only to other processes).
const MaxExclusiveAttempts = 50

// RetryPause is the random pause before exclusive retry number attempt (from 1): 1–2 ms at
// first, up to 1–32 ms from the fifth on.
func RetryPause(attempt int) time.Duration {
	return time.Duration(1+rand.IntN(1<<min(attempt, 5))) * time.Millisecond
}

// writeTx runs fn in a transaction of its own; exact makes its set operations answer with
// RETURNING (setOp).
func (db *DB) writeTx(ctx context.Context, fn func(crm.Tx) error, exact bool) error {
	var opts *sql.TxOptions
	if db.dialect == Postgres {
		opts = &sql.TxOptions{Isolation: sql.LevelSerializable}
	}
	tx, err := db.write.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("begin write: %w", err)
	}
	defer tx.Rollback()
	if err := fn(&Tx{tx: tx, db: db, exact: exact, versions: map[int64]int64{}}); err != nil {
		return err
	}
	return tx.Commit()
}

// Tx is one transaction (in ReadEach, statements that each commit on their own). It
// implements crm.Tx; its methods are spread over this package's files, one per kind of data.
type Tx struct {
	tx querier // a *sql.Tx, or the reader pool itself in ReadEach
	db *DB
	// each marks ReadEach's statements, which run outside a transaction: it refuses writes, as a
	// read-only transaction does.
	each bool
	// detached runs statements without the caller's cancellation (a group-committed write: an
	// interrupted SQLite write would roll back the other callers' work too).
	detached bool
	// exact makes PostgreSQL set operations answer with RETURNING (setOp).
	exact bool
	// versions holds the org versions read in this write transaction (shared by the calls of a
	// group-committed batch) until one of them bumps a version; nil in a read transaction.
	versions map[int64]int64
	// at, when set, is what Now answers (crm.EngineTx.SetNow: a follow-up runs at its due time).
	at time.Time
	// trustOrg's version was checked at trustVersion before this read began (TrustVersion, users.go).
	trustOrg, trustVersion int64
}

// errWriteInRead is a write attempted in ReadEach.
var errWriteInRead = errors.New("store: a write in a read")

// querier runs statements: a transaction, or a pool where each statement commits on its own.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// stmtCtx is the context statements run under.
func (t *Tx) stmtCtx(ctx context.Context) context.Context {
	if t.detached {
		return context.WithoutCancel(ctx)
	}
	return ctx
}

// Now returns the store's clock reading; every row written in one transaction may share it.
func (t *Tx) Now() time.Time {
	if !t.at.IsZero() {
		return t.at
	}
	return t.db.now()
}

// SetNow makes Now answer at until it is set back to the zero time (crm.EngineTx).
func (t *Tx) SetNow(at time.Time) { t.at = at }

// PageTokenKey returns the database's page-token key (crm.Tx).
func (t *Tx) PageTokenKey() []byte { return t.db.tokenKey }

func (t *Tx) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if t.each {
		return nil, errWriteInRead
	}
	return t.tx.ExecContext(t.stmtCtx(ctx), t.db.rebind(q), args...)
}

func (t *Tx) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return t.tx.QueryContext(t.stmtCtx(ctx), t.db.rebind(q), args...)
}

func (t *Tx) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	return t.tx.QueryRowContext(t.stmtCtx(ctx), t.db.rebind(q), args...)
}

// NewIDs allocates n fresh ids from the database. They are unique across every process sharing the
// database and are 19-digit numbers below 2^63.
func (t *Tx) NewIDs(ctx context.Context, n int) ([]int64, error) {
	if n <= 0 {
		return nil, nil
	}
	if t.db.dialect == Postgres {
		ids, err := t.queryIDs(ctx, `SELECT nextval('zcrm_ids') FROM generate_series(1, ?)`, n)
		if err != nil {
			return nil, fmt.Errorf("allocate ids: %w", err)
		}
		return ids, nil
	}
	ids := make([]int64, 0, n)
	var last int64
	if err := t.queryRow(ctx, `UPDATE id_counter SET value = value + ? WHERE name = 'ids' RETURNING value`, n).Scan(&last); err != nil {
		return nil, fmt.Errorf("allocate ids: %w", err)
	}
	for i := int64(n) - 1; i >= 0; i-- {
		ids = append(ids, last-i)
	}
	return ids, nil
}

// NewIDsIn allocates n ids as Tx.NewIDs does, inside tx, a transaction on the writer handle (SQL()):
// for tools that issue SQL directly, such as the benchmark's store ceilings.
func (db *DB) NewIDsIn(ctx context.Context, tx *sql.Tx, n int) ([]int64, error) {
	return (&Tx{tx: tx, db: db}).NewIDs(ctx, n)
}

// NewID allocates one fresh id.
func (t *Tx) NewID(ctx context.Context) (int64, error) {
	ids, err := t.NewIDs(ctx, 1)
	if err != nil {
		return 0, err
	}
	return ids[0], nil
}

// firstID is the first id the store hands out: 19 digits, Zoho-like.
const firstID = 5725767000000100001

// ms converts a time to the stored unix-millisecond form.
func ms(t time.Time) int64 { return t.UnixMilli() }

// fromMS converts a stored unix-millisecond value back to a time.
func fromMS(v int64) time.Time { return time.UnixMilli(v) }

// queryIDs runs a query selecting one id column and returns the ids in order.
func (t *Tx) queryIDs(ctx context.Context, q string, args ...any) ([]int64, error) {
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// idSet runs a query selecting one id column and returns the ids as a set.
func (t *Tx) idSet(ctx context.Context, q string, args ...any) (map[int64]bool, error) {
	ids, err := t.queryIDs(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	set := make(map[int64]bool, len(ids))
	for _, id := range ids {
		set[id] = true
	}
	return set, nil
}

// placeholders returns "?, ?, ?" for n values.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// inIDs is the condition "col is one of ids" and its arguments: on PostgreSQL one array
// parameter (= ANY), which pgx sends in binary and the server plans once for any length; on
// SQLite a list of placeholders.
func (db *DB) inIDs(col string, ids []int64) (string, []any) {
	if db.dialect == Postgres {
		return col + ` = ANY(?)`, []any{ids}
	}
	return col + ` IN (` + placeholders(len(ids)) + `)`, int64Args(ids)
}

// rowsSource is a table of n rows given column by column (each column a []int64 or []string of n
// values), named v with columns column1, column2, …, to follow FROM; and its arguments. On
// PostgreSQL it is unnest over one array per column, so the statement text and plan do not depend
// on n; on SQLite a VALUES list. (An INSERT … SELECT followed by ON CONFLICT needs a WHERE clause
// on SQLite.)
func (db *DB) rowsSource(n int, cols ...any) (string, []any) {
	names := make([]string, len(cols))
	for i := range cols {
		names[i] = fmt.Sprintf("column%d", i+1)
	}
	if db.dialect == Postgres {
		arrays := make([]string, len(cols))
		for i, c := range cols {
			arrays[i] = `?::` + pgArrayType(c)
		}
		return `unnest(` + strings.Join(arrays, ", ") + `) AS v(` + strings.Join(names, ", ") + `)`, cols
	}
	args := make([]any, 0, n*len(cols))
	for r := range n {
		for _, c := range cols {
			switch c := c.(type) {
			case []int64:
				args = append(args, c[r])
			case []string:
				args = append(args, c[r])
			}
		}
	}
	return `(VALUES ` + repeatTuple(len(cols), n) + `) AS v`, args
}

// pgArrayType is the PostgreSQL array type of a rowsSource column.
func pgArrayType(col any) string {
	switch col.(type) {
	case []int64:
		return "bigint[]"
	case []string:
		return "text[]"
	}
	panic(fmt.Sprintf("store: rowsSource column of type %T", col))
}

// int64Args converts ids to query arguments.
func int64Args(ids []int64) []any {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return args
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
