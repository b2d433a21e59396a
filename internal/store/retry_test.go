package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/store"
	"github.com/zcrm/zcrm/internal/store/storetest"
)

// Read-modify-write transactions racing on one row lose no update: SQLite serialises writers,
// PostgreSQL aborts the loser of a SERIALIZABLE race and Write retries it.
func TestWriteRetriesLostRaces(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		db, err := store.Open(context.Background(), storetest.DSN(t, b), store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		ctx := context.Background()
		var org crm.Org
		if err := db.Write(ctx, func(tx crm.Tx) error {
			var err error
			org, _, err = crm.CreateOrg(ctx, tx, crm.NewOrg{Name: "race", Edition: crm.Enterprise})
			if err != nil {
				return err
			}
			return tx.InsertMetadataIDs(ctx, org.ID, map[string]int64{"counter": 0})
		}); err != nil {
			t.Fatal(err)
		}
		const workers, each = 8, 10
		var wg sync.WaitGroup
		errs := make(chan error, workers)
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < each; i++ {
					err := db.Write(ctx, func(tx crm.Tx) error {
						v, err := store.TxQueryInt(ctx, tx, `SELECT id FROM metadata_ids WHERE org_id = ? AND key = 'counter'`, org.ID)
						if err != nil {
							return err
						}
						return store.TxExec(ctx, tx, `UPDATE metadata_ids SET id = ? WHERE org_id = ? AND key = 'counter'`, v+1, org.ID)
					})
					if err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatalf("write: %v", err)
		}
		var got int64
		if err := db.Read(ctx, func(tx crm.Tx) error {
			ids, err := tx.MetadataIDs(ctx, org.ID)
			got = ids["counter"]
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if got != workers*each {
			t.Fatalf("counter = %d, want %d (lost updates)", got, workers*each)
		}
	})
}

// A write that loses every serialization race it runs into (here: whenever another write function
// runs at the same time) still commits while busy writers keep the store occupied: after two
// lost races it is retried with the rest of its process held back. Plain retries would keep
// colliding with the busy writers until they gave up with the error.
func TestWriteLosingEveryRaceStillCommits(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		db := storetest.Open(t, b, store.Options{})
		ctx := context.Background()
		if _, err := db.SQL().ExecContext(ctx, `CREATE TABLE race_rows (id INTEGER PRIMARY KEY)`); err != nil {
			t.Fatal(err)
		}
		var active atomic.Int32
		// txid is the PostgreSQL transaction a write function runs in (0 on SQLite): a loser that
		// shares its batch's transaction with the busy writer loses too, as a real conflict would.
		txid := func(tx crm.Tx) int64 {
			if b != storetest.Postgres {
				return 0
			}
			id, err := store.TxQueryInt(ctx, tx, `SELECT txid_current()`)
			if err != nil {
				t.Error(err)
			}
			return id
		}
		var hogTxs sync.Map
		const hogs = 3
		stop, hogDone := make(chan struct{}), make(chan error, hogs)
		// hog is a busy writer: back-to-back writes of 5 ms each until stop.
		hog := func() {
			for {
				select {
				case <-stop:
					hogDone <- nil
					return
				default:
				}
				if err := db.Write(ctx, func(tx crm.Tx) error {
					active.Add(1)
					defer active.Add(-1)
					hogTxs.Store(txid(tx), true)
					time.Sleep(5 * time.Millisecond)
					return nil
				}); err != nil {
					hogDone <- err
					return
				}
			}
		}
		for range hogs {
			go hog()
		}
		select {
		case <-stop:
			hogDone <- nil
			return
		default:
		}
		const writers = 4
		var wg sync.WaitGroup
		errs := make([]error, writers)
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[w] = db.Write(ctx, func(tx crm.Tx) error {
					active.Add(1)
					defer active.Add(-1)
					_, withHog := hogTxs.Load(txid(tx))
					lost := b == storetest.Postgres && withHog
					for range 10 { // a millisecond that no other write function may overlap
						lost = lost || active.Load() > 1
						time.Sleep(100 * time.Microsecond)
					}
					if lost {
						return &pgconn.PgError{Code: "40001", Message: "could not serialize access (simulated)"}
					}
					return store.TxExec(ctx, tx, `INSERT INTO race_rows (id) VALUES (?)`, w)
				})
			}()
		}
		wg.Wait()
		close(stop)
		for range hogs {
			if err := <-hogDone; err != nil {
				t.Fatalf("busy writer: %v", err)
			}
		}
		for w, err := range errs {
			if err != nil {
				t.Errorf("writer %d: %v", w, err)
			}
		}
		var n int
		if err := db.SQL().QueryRowContext(ctx, `SELECT count(*) FROM race_rows`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != writers {
			t.Fatalf("%d rows, want %d", n, writers)
		}
		if st := db.CommitStats(); b == storetest.Postgres && st.Exclusive == 0 {
			t.Fatalf("stats %+v: no write was retried exclusively, so nothing was tested", st)
		}
	})
}

// A write function that panics — on its first try or on an exclusive retry — leaves no lock
// behind: the writes after it, exclusive retries included, go on.
func TestWritePanicsReleaseTheWriteLock(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		db := storetest.Open(t, b, store.Options{})
		ctx := context.Background()
		lost := &pgconn.PgError{Code: "40001", Message: "could not serialize access (simulated)"}
		// write runs fn through db.Write on its own goroutine and returns its error, its panic as
		// an error, or a timeout error if it hangs.
		write := func(fn func(crm.Tx) error) error {
			done := make(chan error, 1)
			go func() {
				defer func() {
					if p := recover(); p != nil {
						done <- fmt.Errorf("panic: %v", p)
					}
				}()
				done <- db.Write(ctx, fn)
			}()
			select {
			case err := <-done:
				return err
			case <-time.After(10 * time.Second):
				return errors.New("write hung: a lock was left held")
			}
		}
		// losesThenRuns fails the first two tries with a lost race, then runs then.
		losesThenRuns := func(then func() error) func(crm.Tx) error {
			tries := 0
			return func(crm.Tx) error {
				tries++
				if b == storetest.Postgres && tries <= 2 {
					return lost
				}
				return then()
			}
		}
		if err := write(func(crm.Tx) error { panic("first try") }); err == nil || err.Error() != "panic: first try" {
			t.Fatalf("panicking write: %v", err)
		}
		if err := write(losesThenRuns(func() error { panic("exclusive retry") })); err == nil || err.Error() != "panic: exclusive retry" {
			t.Fatalf("write panicking on its exclusive retry: %v", err)
		}
		if err := write(losesThenRuns(func() error { return nil })); err != nil {
			t.Fatalf("write after the panics: %v", err)
		}
		if st := db.CommitStats(); b == storetest.Postgres && st.Exclusive < 2 {
			t.Fatalf("stats %+v: want the two exclusive retries", st)
		}
	})
}
