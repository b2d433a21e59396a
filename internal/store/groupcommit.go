package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/zcrm/zcrm/internal/crm"
)

// Group commit (SQLite). SQLite has one writer: write transactions queue for it, and each pays for
// its own BEGIN and for a COMMIT that appends to the WAL and syncs it. The committer goroutine
// instead runs the write transactions that are waiting one after another inside one SQLite
// transaction, each in a SAVEPOINT of its own, and commits once for all of them:
//
//   - atomicity stays per call: a call whose fn fails (or panics) is rolled back to its savepoint
//     alone and gets its error at once; the others go on;
//   - durability: a call returns nil only after the shared COMMIT succeeded; if the COMMIT (or a
//     savepoint statement) fails, every call of the batch that was waiting for it gets the error;
//   - isolation is serial: each call sees the calls before it, exactly as it would have after
//     their commits, and nobody outside sees any of them before the COMMIT.
//
// A batch takes whoever is waiting when it starts and whoever arrives while it runs, up to
// maxBatch calls. A lone call is one BEGIN, one savepoint and one COMMIT, as before. Statements run
// detached from the caller's cancellation: interrupting SQLite in the middle of a write rolls back
// the whole transaction, which here holds other callers' work.

// maxBatch bounds the calls that share one COMMIT, and so the wait of the first of them.
const maxBatch = 64

// writeJob is one Write call waiting for, or holding, its turn in a batch.
type writeJob struct {
	ctx    context.Context
	turn   chan *sql.Tx // the committer hands the open transaction over
	result chan error   // the caller hands back what fn returned
	done   chan error   // the verdict: nil once committed; buffered, so the committer never waits
}

// errPanicked is the result of a call whose fn panicked: its savepoint is rolled back, and the
// panic goes on up the caller's stack.
var errPanicked = errors.New("store: write function panicked")

// errClosed answers writes after Close.
var errClosed = errors.New("store: database closed")

// startCommitter starts the goroutine that runs SQLite write batches.
func (db *DB) startCommitter() {
	db.jobs = make(chan *writeJob)
	db.quit = make(chan struct{})
	db.stopped = make(chan struct{})
	go db.commitLoop()
}

// stopCommitter ends the committer after the batch it is running, if any.
func (db *DB) stopCommitter() {
	if db.quit == nil {
		return
	}
	close(db.quit)
	<-db.stopped
}

func (db *DB) commitLoop() {
	defer close(db.stopped)
	for {
		select {
		case job := <-db.jobs:
			db.runBatch(job)
		case <-db.quit:
			return
		}
	}
}

// groupWrite is Write on SQLite: it queues fn for the committer, runs it on this goroutine when
// its turn comes, and waits for the verdict.
func (db *DB) groupWrite(ctx context.Context, fn func(crm.Tx) error) error {
	job := &writeJob{ctx: ctx, turn: make(chan *sql.Tx), result: make(chan error), done: make(chan error, 1)}
	select {
	case db.jobs <- job:
	case <-ctx.Done():
		return ctx.Err()
	case <-db.quit:
		return errClosed
	}
	select {
	case tx := <-job.turn:
		job.runTurn(&Tx{tx: tx, db: db, detached: true}, fn)
		return <-job.done
	case err := <-job.done:
		return err
	}
}

// runTurn runs fn on the caller's goroutine and hands its result back; a panic is reported as
// errPanicked before it continues.
func (job *writeJob) runTurn(tx *Tx, fn func(crm.Tx) error) {
	returned := false
	defer func() {
		if !returned {
			job.result <- errPanicked
		}
	}()
	err := fn(tx)
	returned = true
	job.result <- err
}

// runBatch runs first and every call that arrives while the batch is open, then commits them.
func (db *DB) runBatch(first *writeJob) {
	ctx := context.Background()
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		first.done <- fmt.Errorf("begin write: %w", err)
		return
	}
	var held []*writeJob // calls whose changes await the COMMIT
	fail := func(err error) {
		tx.Rollback()
		for _, j := range held {
			j.done <- err
		}
	}
	job := first
	for n := 1; job != nil; n++ {
		ok, err := db.runJob(ctx, tx, job)
		if err != nil { // the transaction is in an unknown state: nothing of it may commit
			job.done <- err
			fail(err)
			return
		}
		if ok {
			held = append(held, job)
		}
		job = nil
		if n < maxBatch {
			select {
			case job = <-db.jobs:
			default:
			}
		}
	}
	if len(held) == 0 {
		tx.Rollback()
		return
	}
	if err := tx.Commit(); err != nil {
		fail(fmt.Errorf("commit: %w", err))
		return
	}
	for _, j := range held {
		j.done <- nil
	}
}

// runJob gives job its turn inside a savepoint. ok reports that its changes stay for the COMMIT
// (otherwise job has its answer already); err that a savepoint statement failed, which dooms the
// batch.
func (db *DB) runJob(ctx context.Context, tx *sql.Tx, job *writeJob) (ok bool, err error) {
	if err := job.ctx.Err(); err != nil {
		job.done <- err
		return false, nil
	}
	if _, err := tx.ExecContext(ctx, `SAVEPOINT zcrm_call`); err != nil {
		return false, fmt.Errorf("savepoint: %w", err)
	}
	job.turn <- tx
	if fnErr := <-job.result; fnErr != nil {
		if _, err := tx.ExecContext(ctx, `ROLLBACK TO zcrm_call`); err != nil {
			return false, fmt.Errorf("rollback to savepoint: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `RELEASE zcrm_call`); err != nil {
			return false, fmt.Errorf("release savepoint: %w", err)
		}
		job.done <- fnErr
		return false, nil
	}
	if _, err := tx.ExecContext(ctx, `RELEASE zcrm_call`); err != nil {
		return false, fmt.Errorf("release savepoint: %w", err)
	}
	return true, nil
}
