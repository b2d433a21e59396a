package store

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/ncruces/go-sqlite3"
	"github.com/zcrm/zcrm/internal/crm"
)

func openTestSQLite(t *testing.T) *DB {
	t.Helper()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "zcrm.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// The same query text run again while its rows are still open (on the single writer connection,
// so the same connection) gets a statement of its own, and both answer correctly.
func TestStmtCacheNestedSameQuery(t *testing.T) {
	db := openTestSQLite(t)
	defer db.Close()
	ctx := context.Background()
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	const q = `SELECT value FROM id_counter WHERE name = ? UNION ALL SELECT ? ORDER BY 1`
	outer, err := tx.QueryContext(ctx, q, "ids", 1)
	if err != nil {
		t.Fatal(err)
	}
	rows := 0
	for outer.Next() {
		var v int64
		if err := outer.Scan(&v); err != nil {
			t.Fatal(err)
		}
		var inner int64
		if err := tx.QueryRowContext(ctx, q, "none", 7).Scan(&inner); err != nil || inner != 7 {
			t.Fatalf("nested run of the same query: %d, %v; want 7", inner, err)
		}
		rows++
	}
	if err := outer.Close(); err != nil || rows != 2 {
		t.Fatalf("outer query: %d rows, %v; want 2", rows, err)
	}
}

// More distinct texts than the cache holds: the oldest are finalized, every answer stays right,
// and closing the store succeeds (SQLite refuses to close a connection with live statements).
func TestStmtCacheEvictsAndCloses(t *testing.T) {
	db := openTestSQLite(t)
	ctx := context.Background()
	for round := 0; round < 2; round++ {
		for i := 0; i < stmtCacheSize+50; i++ {
			var v int64
			q := fmt.Sprintf("SELECT ? + %d", i)
			if err := db.write.QueryRowContext(ctx, q, 1000).Scan(&v); err != nil || v != int64(1000+i) {
				t.Fatalf("%s: %d, %v", q, v, err)
			}
		}
	}
	if err := db.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
}

// A query whose rows are closed before the end leaves no read snapshot behind: the reader sees a
// later commit, and a full checkpoint is not blocked by it.
func TestStmtCacheReleasesSnapshot(t *testing.T) {
	db := openTestSQLite(t)
	defer db.Close()
	db.read.SetMaxOpenConns(1)
	ctx := context.Background()
	const q = `SELECT value FROM id_counter WHERE name = ? UNION ALL SELECT 0`
	read := func() int64 {
		rows, err := db.read.QueryContext(ctx, q, "ids")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var v int64
		if !rows.Next() {
			t.Fatal("no row")
		}
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v // the second row is never read
	}
	before := read()
	if _, err := db.write.ExecContext(ctx, `UPDATE id_counter SET value = value + ? WHERE name = 'ids'`, 5); err != nil {
		t.Fatal(err)
	}
	if after := read(); after != before+5 {
		t.Fatalf("after a commit the cached statement read %d, want %d", after, before+5)
	}
	var busy, logFrames, checkpointed int
	if err := db.write.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logFrames, &checkpointed); err != nil || busy != 0 {
		t.Fatalf("checkpoint: busy=%d, %v; a cached statement still holds a read", busy, err)
	}
}

// A statement that failed is reused cleanly: the next run binds new arguments and succeeds.
func TestStmtCacheReuseAfterError(t *testing.T) {
	db := openTestSQLite(t)
	defer db.Close()
	ctx := context.Background()
	const ins = `INSERT INTO id_counter (name, value) VALUES (?, ?)`
	if _, err := db.write.ExecContext(ctx, ins, "ids", 1); err == nil {
		t.Fatal("inserting a duplicate name succeeded")
	}
	if _, err := db.write.ExecContext(ctx, ins, "other", 42); err != nil {
		t.Fatalf("reuse after a failed run: %v", err)
	}
	var v int64
	if err := db.write.QueryRowContext(ctx, `SELECT value FROM id_counter WHERE name = ?`, "other").Scan(&v); err != nil || v != 42 {
		t.Fatalf("read back %d, %v; want 42", v, err)
	}
}

// A read keeps its connection's prepared statements: neither the read transaction (a ReadOnly one
// made the driver switch query_only on and off, and each switch expired every statement) nor new
// page bounds or values (bound LIMIT and OFFSET made SQLite prepare the statement again at every
// new binding) make SQLite prepare a cached statement again.
func TestReadsKeepPreparedStatements(t *testing.T) {
	db := openTestSQLite(t)
	defer db.Close()
	db.read.SetMaxOpenConns(1) // one reader connection, whose cache is inspected below
	ctx := context.Background()
	org := CreateTestOrg(t, db)
	for i := range 6 {
		page := crm.RecordQuery{OrgID: org.ID, Module: "Contacts", SortBy: crm.SortByID, Desc: true, Limit: 201,
			Criteria: &crm.Criteria{Cond: &crm.Condition{Field: "Email", Operator: crm.OpEquals, Kind: crm.KindText, Values: []any{fmt.Sprintf("c%d@x.test", i)}}}}
		read := db.Read
		if i%2 == 1 {
			read = db.ReadEach
		}
		if err := read(ctx, func(tx crm.Tx) error {
			if _, err := tx.OrgVersion(ctx, org.ID); err != nil {
				return err
			}
			_, err := tx.ListRecords(ctx, page)
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	conn, err := db.read.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := conn.Raw(func(dc any) error {
		cc := dc.(*cachingConn)
		for e := cc.lru.Front(); e != nil; e = e.Next() {
			s := e.Value.(*cachedStmt)
			st, ok := s.driverStmt.(interface {
				Status(sqlite3.StmtStatus, bool) int
			})
			if !ok {
				return fmt.Errorf("the driver's statement has no Status")
			}
			runs, again := st.Status(sqlite3.STMTSTATUS_RUN, false), st.Status(sqlite3.STMTSTATUS_REPREPARE, false)
			t.Logf("%d runs, prepared again %d times: %s", runs, again, s.query)
			if again != 0 {
				t.Errorf("prepared again %d times in %d runs: %s", again, runs, s.query)
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}
