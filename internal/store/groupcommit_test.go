package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/store"
	"github.com/zcrm/zcrm/internal/store/storetest"
)

// openGroupDB opens a store for the group-commit tests. Its small pool gives PostgreSQL one
// committer, as SQLite has, so that writers queued behind a held one share its batch.
func openGroupDB(t *testing.T, b storetest.Backend) *store.DB {
	t.Helper()
	db := storetest.Open(t, b, store.Options{MaxConns: 4})
	groupTable(t, db)
	return db
}

// openGroupOrg is openGroupDB with the default org created.
func openGroupOrg(t *testing.T, b storetest.Backend) (*store.DB, crm.Org) {
	t.Helper()
	db := openGroupDB(t, b)
	ctx := context.Background()
	var org crm.Org
	if err := db.Write(ctx, func(tx crm.Tx) (err error) { org, err = crm.EnsureDefaultOrg(ctx, tx); return err }); err != nil {
		t.Fatal(err)
	}
	return db, org
}

// groupTable creates a scratch table for the group-commit tests: rows (id, parent), parent a
// deferred foreign key, so a bad row passes its statement and fails only at COMMIT.
func groupTable(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	for _, q := range []string{
		`CREATE TABLE gc_parent (id INTEGER PRIMARY KEY)`,
		`INSERT INTO gc_parent (id) VALUES (1)`,
		`CREATE TABLE gc_rows (id INTEGER PRIMARY KEY, parent INTEGER NOT NULL REFERENCES gc_parent (id) DEFERRABLE INITIALLY DEFERRED)`,
	} {
		if _, err := db.SQL().ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
}

func groupRows(t *testing.T, db *store.DB) []int {
	t.Helper()
	rows, err := db.SQL().Query(`SELECT id FROM gc_rows ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var ids []int
	for rows.Next() {
		var id int
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}

// insertRow is a write fn that inserts row id under parent, after waiting for gate (so that the
// other writers queue behind it and share its batch).
func insertRow(id, parent int, gate <-chan struct{}) func(crm.Tx) error {
	return func(tx crm.Tx) error {
		if gate != nil {
			<-gate
		}
		return store.TxExec(context.Background(), tx, `INSERT INTO gc_rows (id, parent) VALUES (?, ?)`, id, parent)
	}
}

// concurrentWrites runs n writers: writer 0 holds the writer until the others have queued, then
// every writer runs fn(i). It returns each writer's error (or recovered panic).
func concurrentWrites(db *store.DB, n int, fn func(i int) func(crm.Tx) error) []error {
	errs := make([]error, n)
	gate := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				if p := recover(); p != nil {
					errs[i] = fmt.Errorf("panic: %v", p)
				}
			}()
			f := fn(i)
			if i == 0 {
				f = func(tx crm.Tx) error { <-gate; return fn(0)(tx) }
			}
			errs[i] = db.Write(context.Background(), f)
		}()
	}
	// Writer 0 is inside its turn once the gate is the only thing it waits for; give the others
	// time to queue behind it. (Batching is what is under test; the outcome is checked either way.)
	time.Sleep(50 * time.Millisecond)
	close(gate)
	wg.Wait()
	return errs
}

// Writers that share a batch keep their own atomicity: one that fails or panics is rolled back
// alone and gets its own error or panic; the others commit. (On PostgreSQL a failure after other
// calls of its batch rolls the batch back and they run again alone: counted in Alone.)
func TestGroupCommitIsolatesFailures(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		db := openGroupDB(t, b)
		errFail := errors.New("this writer fails")
		errs := concurrentWrites(db, 16, func(i int) func(crm.Tx) error {
			insert := insertRow(i, 1, nil)
			return func(tx crm.Tx) error {
				if err := insert(tx); err != nil {
					return err
				}
				switch i % 4 {
				case 1:
					return errFail
				case 2:
					panic("writer panics")
				}
				return nil
			}
		})
		var want []int
		for i, err := range errs {
			switch i % 4 {
			case 1:
				if !errors.Is(err, errFail) {
					t.Errorf("writer %d: %v, want its own error", i, err)
				}
			case 2:
				if err == nil || err.Error() != "panic: writer panics" {
					t.Errorf("writer %d: %v, want its panic", i, err)
				}
			default:
				if err != nil {
					t.Errorf("writer %d: %v", i, err)
				}
				want = append(want, i)
			}
		}
		if got := groupRows(t, db); !slices.Equal(got, want) {
			t.Fatalf("rows %v, want %v (the failed writers' rows rolled back, the others' kept)", got, want)
		}
		st := db.CommitStats()
		if b == storetest.SQLite && st.Calls <= st.Commits {
			t.Fatalf("stats %+v: no batch held more than one call, so nothing was tested", st)
		}
		if b == storetest.Postgres && st.Alone == 0 {
			t.Fatalf("stats %+v: no call ran again alone after a failure in its batch, so nothing was tested", st)
		}
	})
}

// Writers queued behind a held one share its COMMIT, and each is answered only once the rows are
// there.
func TestGroupCommitSharesCommits(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		db := openGroupDB(t, b)
		errs := concurrentWrites(db, 16, func(i int) func(crm.Tx) error { return insertRow(i, 1, nil) })
		var want []int
		for i, err := range errs {
			if err != nil {
				t.Errorf("writer %d: %v", i, err)
			}
			want = append(want, i)
		}
		if got := groupRows(t, db); !slices.Equal(got, want) {
			t.Fatalf("rows %v, want %v", got, want)
		}
		st := db.CommitStats()
		if st.Calls != 16 || st.Commits >= 16 || st.Alone != 0 {
			t.Fatalf("stats %+v: want 16 calls in fewer than 16 commits, none run alone", st)
		}
	})
}

// When the shared COMMIT fails (here a deferred foreign key that one writer broke), no writer of
// the batch is told it succeeded unless its row stays; the next writes go on normally. On
// PostgreSQL the refused COMMIT sends every call to run again alone, so only the culprit fails.
func TestGroupCommitFailedCommitFailsTheBatch(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		db := openGroupDB(t, b)
		errs := concurrentWrites(db, 8, func(i int) func(crm.Tx) error {
			parent := 1
			if i == 5 {
				parent = 99 // no such parent: checked at COMMIT
			}
			return insertRow(i, parent, nil)
		})
		committed := 0
		for _, err := range errs {
			if err == nil {
				committed++
			}
		}
		rows := groupRows(t, db)
		if errs[5] == nil {
			t.Fatalf("the writer that broke the foreign key was told it committed")
		}
		if committed != len(rows) {
			t.Fatalf("%d writers were told they committed, but %d rows exist: %v (errors %v)", committed, len(rows), rows, errs)
		}
		if b == storetest.Postgres && !slices.Equal(rows, []int{0, 1, 2, 3, 4, 6, 7}) {
			t.Fatalf("rows %v: the innocent writers should have committed alone (errors %v)", rows, errs)
		}
		if err := db.Write(context.Background(), insertRow(100, 1, nil)); err != nil {
			t.Fatalf("a write after the failed batch: %v", err)
		}
		if got := groupRows(t, db); !slices.Contains(got, 100) {
			t.Fatalf("rows %v lack the later write", got)
		}
	})
}

// A writer whose context ends while it waits for its turn gets the context's error and its fn
// never runs.
func TestGroupCommitCancelledWhileWaiting(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		db := openGroupDB(t, b)
		gate, entered := make(chan struct{}), make(chan struct{})
		first := make(chan error)
		hold := insertRow(1, 1, gate)
		go func() {
			first <- db.Write(context.Background(), func(tx crm.Tx) error { close(entered); return hold(tx) })
		}()
		<-entered // the first writer holds its turn at the gate
		ctx, cancel := context.WithCancel(context.Background())
		second := make(chan error)
		go func() { second <- db.Write(ctx, insertRow(2, 1, nil)) }()
		time.Sleep(20 * time.Millisecond) // let it queue (if it has not, it is cancelled before queueing: same answer)
		cancel()
		close(gate)
		if err := <-first; err != nil {
			t.Fatal(err)
		}
		if err := <-second; !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled writer: %v, want context.Canceled", err)
		}
		if got := groupRows(t, db); !slices.Equal(got, []int{1}) {
			t.Fatalf("rows %v, want [1]", got)
		}
	})
}
