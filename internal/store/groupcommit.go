package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/zcrm/zcrm/internal/crm"
)

// Group commit. Every write transaction pays for its own BEGIN and for a COMMIT that syncs the
// log (SQLite: the WAL; PostgreSQL: its WAL, and two more round trips to the server). Committer
// goroutines instead run the write calls that are waiting one after another inside one
// transaction, and commit once for all of them. A batch takes whoever is waiting when it starts
// and, on SQLite, whoever arrives while it runs (runBatch says why not on PostgreSQL), up to
// maxBatch calls; a lone call costs what it did alone.
// Each call's fn still runs on the caller's goroutine. Statements run detached from the caller's
// cancellation: interrupting one in the middle of a write would roll back the others' work too.
//
// SQLite (one writer, one committer): each call runs in a SAVEPOINT of its own.
//
//   - atomicity stays per call: a call whose fn fails (or panics) is rolled back to its savepoint
//     alone and gets its error at once; the others go on;
//   - durability: a call returns nil only after the shared COMMIT succeeded; if the COMMIT (or a
//     savepoint statement) fails, every call of the batch that was waiting for it gets the error;
//   - isolation is serial: each call sees the calls before it, exactly as it would have after
//     their commits, and nobody outside sees any of them before the COMMIT.
//
// The calls of a batch share the org versions read in its transaction (Tx.OrgVersion) until one
// of them bumps a version, so a batch of one org's writes reads its version once.
//
// PostgreSQL (SERIALIZABLE, pgCommitters committers on their own connections): no savepoints,
// whose round trips would cost what the batch saves. The first call that fails ends its batch; if
// no earlier call of the batch awaits the COMMIT its error is its answer, as it would be alone;
// otherwise the batch is rolled back and every call in it runs again in a transaction of its own
// (errRunAlone; see rerun), as they all do when the server refuses the COMMIT. Durability and isolation are as on SQLite; concurrent batches are kept apart by
// SERIALIZABLE.

// maxBatch bounds the calls that share one COMMIT, and so the wait of the first of them.
const maxBatch = 64

// writeJob is one Write call waiting for, or holding, its turn in a batch.
type writeJob struct {
	ctx    context.Context
	turn   chan *Tx   // the committer hands the open transaction over
	result chan error // the caller hands back what fn returned
	done   chan error // the verdict: nil once committed; buffered, so the committer never waits
}

// CommitStats counts what group commit did since Open.
type CommitStats struct {
	Commits int64 `json:"commits"` // batches committed
	Calls   int64 `json:"calls"`   // write calls those batches held
	// Alone counts PostgreSQL calls run again in a transaction of their own after their batch was
	// rolled back.
	Alone int64 `json:"alone"`
	// Exclusive counts PostgreSQL retries run with the process's other writes held back, after a
	// lost serialization race.
	Exclusive int64 `json:"exclusive"`
}

// Plus returns the sum of s and o.
func (s CommitStats) Plus(o CommitStats) CommitStats {
	return CommitStats{Commits: s.Commits + o.Commits, Calls: s.Calls + o.Calls, Alone: s.Alone + o.Alone, Exclusive: s.Exclusive + o.Exclusive}
}

// Since returns what was counted between before and s.
func (s CommitStats) Since(before CommitStats) CommitStats {
	return CommitStats{Commits: s.Commits - before.Commits, Calls: s.Calls - before.Calls, Alone: s.Alone - before.Alone, Exclusive: s.Exclusive - before.Exclusive}
}

type commitCounters struct{ commits, calls, alone, exclusive atomic.Int64 }

// CommitStats returns the group-commit counters.
func (db *DB) CommitStats() CommitStats {
	return CommitStats{Commits: db.stats.commits.Load(), Calls: db.stats.calls.Load(), Alone: db.stats.alone.Load(), Exclusive: db.stats.exclusive.Load()}
}

// committed counts a batch of n calls that committed.
func (db *DB) committed(n int) {
	db.stats.commits.Add(1)
	db.stats.calls.Add(int64(n))
}

// errPanicked is the result of a call whose fn panicked: its savepoint is rolled back, and the
// panic goes on up the caller's stack.
var errPanicked = errors.New("store: write function panicked")

// errClosed answers writes after Close.
var errClosed = errors.New("store: database closed")

// startCommitter starts the goroutines that run write batches.
func (db *DB) startCommitter(n int) {
	db.jobs = make(chan *writeJob)
	db.quit = make(chan struct{})
	db.stopped = make(chan struct{})
	db.committers.Add(n)
	for range n {
		go db.commitLoop()
	}
	go func() { db.committers.Wait(); close(db.stopped) }()
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
	defer db.committers.Done()
	for {
		select {
		case job := <-db.jobs:
			db.runBatch(job)
		case <-db.quit:
			return
		}
	}
}

// groupWrite queues fn for a committer, runs it on this goroutine when
// its turn comes, and waits for the verdict.
func (db *DB) groupWrite(ctx context.Context, fn func(crm.Tx) error) error {
	job := &writeJob{ctx: ctx, turn: make(chan *Tx), result: make(chan error), done: make(chan error, 1)}
	select {
	case db.jobs <- job:
	case <-ctx.Done():
		return ctx.Err()
	case <-db.quit:
		return errClosed
	}
	select {
	case tx := <-job.turn:
		job.runTurn(tx, fn)
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

// runBatch runs first and the calls that join it, then commits them. On SQLite a call may join
// while the batch runs: the one writer connection always sees every commit. On PostgreSQL only the
// calls already waiting when the batch begins may join: the transaction's snapshot is fixed at its
// first statement, and a call sent after it would not see a write acknowledged before it was sent.
func (db *DB) runBatch(first *writeJob) {
	ctx := context.Background()
	var waiting []*writeJob // PostgreSQL: the calls of the batch after first
	if db.dialect == Postgres {
		waiting = db.gather()
		db.running.Add(1)
		defer db.running.Add(-1)
	}
	next := func(n int) *writeJob {
		switch {
		case db.dialect == Postgres && len(waiting) > 0:
			job := waiting[0]
			waiting = waiting[1:]
			return job
		case db.dialect == Postgres || n >= maxBatch:
			return nil
		}
		select {
		case job := <-db.jobs:
			return job
		default:
			return nil
		}
	}
	var opts *sql.TxOptions
	if db.dialect == Postgres {
		opts = &sql.TxOptions{Isolation: sql.LevelSerializable}
	}
	tx, err := db.write.BeginTx(ctx, opts)
	if err != nil {
		for _, job := range append([]*writeJob{first}, waiting...) {
			job.done <- fmt.Errorf("begin write: %w", err)
		}
		return
	}
	var held []*writeJob // calls whose changes await the COMMIT
	fail := func(err error) {
		tx.Rollback()
		for _, j := range held {
			j.done <- err
		}
		for _, j := range waiting { // PostgreSQL calls that never had their turn
			j.done <- errRunAlone
		}
	}
	versions := map[int64]int64{} // org versions read in this transaction, until a call bumps one
	run := db.runSavepointJob
	if db.dialect == Postgres {
		run = db.runPGJob
	}
	job := first
	for n := 1; job != nil; n++ {
		if err := job.ctx.Err(); err != nil {
			job.done <- err
		} else {
			ok, doom := run(ctx, tx, &Tx{tx: tx, db: db, detached: true, versions: versions}, job, len(held))
			if doom != nil { // nothing of the transaction may commit
				fail(doom)
				return
			}
			if ok {
				held = append(held, job)
			}
		}
		job = next(n)
	}
	if len(held) == 0 {
		tx.Rollback()
		return
	}
	if err := tx.Commit(); err != nil {
		fail(db.commitFailed(err))
		return
	}
	db.committed(len(held))
	for _, j := range held {
		j.done <- nil
	}
}

// While other batches run, a PostgreSQL batch gathers calls before it begins: the server is busy
// then, so starting a moment later costs little, and the calls that arrive share one COMMIT. Calls
// come in bursts (the callers a batch's COMMIT released, sending their next request), so gathering
// ends at a pause of gatherGap between arrivals, and after gatherWait at most (BENCHMARKS.md,
// rounds 6 and 7). A lone call never waits.
const (
	gatherWait = 2 * time.Millisecond
	gatherGap  = 300 * time.Microsecond
)

// gather returns the calls waiting to join a PostgreSQL batch: those waiting now and, while other
// batches run, those that arrive until a pause of gatherGap or gatherWait in all.
func (db *DB) gather() []*writeJob {
	var waiting []*writeJob
	var deadline <-chan time.Time
	var pause *time.Timer
	for len(waiting) < maxBatch-1 {
		select {
		case job := <-db.jobs:
			waiting = append(waiting, job)
			continue
		default:
		}
		if db.running.Load() == 0 {
			return waiting
		}
		if deadline == nil {
			deadline = time.After(gatherWait)
			pause = time.NewTimer(gatherGap)
		} else {
			pause.Reset(gatherGap)
		}
		select {
		case job := <-db.jobs:
			waiting = append(waiting, job)
		case <-deadline:
			return waiting
		case <-pause.C:
			return waiting
		}
	}
	return waiting
}

// commitFailed is what the calls of a batch whose COMMIT failed are told.
func (db *DB) commitFailed(err error) error {
	var pg *pgconn.PgError
	if db.dialect == Postgres && (errors.As(err, &pg) || errors.Is(err, pgx.ErrTxCommitRollback)) {
		// The server refused the COMMIT, so nothing of the batch stayed: a lost serialization
		// race, or one call's deferred constraint. Each call finds out alone.
		return errRunAlone
	}
	return fmt.Errorf("commit: %w", err)
}

// runSavepointJob gives job its turn inside a savepoint (SQLite). ok reports that its changes stay
// for the COMMIT (otherwise job has its answer already); doom that a savepoint statement failed,
// which leaves the transaction in an unknown state (job is told so too).
func (db *DB) runSavepointJob(ctx context.Context, tx *sql.Tx, t *Tx, job *writeJob, _ int) (ok bool, doom error) {
	defer func() {
		if doom != nil {
			job.done <- doom
		}
	}()
	if _, err := tx.ExecContext(ctx, `SAVEPOINT zcrm_call`); err != nil {
		return false, fmt.Errorf("savepoint: %w", err)
	}
	job.turn <- t
	if fnErr := <-job.result; fnErr != nil {
		clear(t.versions) // a version the call bumped and then read is rolled back with it
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

// errRunAlone tells a PostgreSQL caller that its batch was rolled back without fault of its own:
// it runs its write again in a transaction of its own.
var errRunAlone = errors.New("store: batch rolled back; run alone")

// runPGJob gives job its turn (PostgreSQL, no savepoint). A failing call dooms the batch: it gets
// its own error if no call committed with it yet (held), as it would alone; otherwise, or when it
// lost a serialization race, it runs again alone like the rest of the batch. A call whose set
// operation was inexact (setOp) runs again alone with exact answers.
func (db *DB) runPGJob(_ context.Context, _ *sql.Tx, t *Tx, job *writeJob, held int) (ok bool, doom error) {
	job.turn <- t
	fnErr := <-job.result
	if fnErr == nil {
		return true, nil
	}
	job.done <- pgCallError(fnErr, held)
	return false, errRunAlone
}

// pgCallError is what a PostgreSQL call that failed with err is told when its batch is rolled back
// for it: its own error when no call of the batch awaits the COMMIT with it (held), as alone;
// errRunAlone when some do or it lost a serialization race; errInexact as it is, so that the call
// runs again alone with exact answers.
func pgCallError(err error, held int) error {
	if (held > 0 || IsSerializationFailure(err) || isLockMemoryExhausted(err)) && !errors.Is(err, errInexact) {
		return errRunAlone
	}
	return err
}
