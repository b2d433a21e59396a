package bench

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/zcrm/zcrm/internal/store"
)

// Loading shape: each INSERT carries about paramsPerInsert values (SQLite allows 32766 per
// statement, PostgreSQL 65535), and a transaction commits after about rowsPerCommit rows.
const (
	paramsPerInsert = 8000
	rowsPerCommit   = 250_000
)

// bulk loads rows straight through the store's writer connection in big multi-row INSERTs inside
// few transactions. It is not safe for concurrent use, and nothing else may write while it is open
// (on SQLite it holds the only writer connection).
type bulk struct {
	ctx      context.Context
	db       *store.DB
	tx       *sql.Tx
	pending  int       // rows inserted since the last commit
	rows     int       // rows inserted in all
	progress *progress // shows rows as they go in; nil: nothing
}

func newBulk(ctx context.Context, db *store.DB) *bulk { return &bulk{ctx: ctx, db: db} }

// table returns a batch writer for the named columns of table.
func (b *bulk) table(table string, cols ...string) *batch {
	width := len(cols)
	per := max(1, paramsPerInsert/width)
	return &batch{b: b, prefix: "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES ", width: width, per: per,
		args: make([]any, 0, per*width)}
}

// begin opens a transaction unless one is open.
func (b *bulk) begin() error {
	if b.tx != nil {
		return nil
	}
	tx, err := b.db.SQL().BeginTx(b.ctx, nil)
	if err != nil {
		return err
	}
	b.tx = tx
	return nil
}

// commit commits the open transaction, if any.
func (b *bulk) commit() error {
	if b.tx == nil {
		return nil
	}
	err := b.tx.Commit()
	b.tx, b.pending = nil, 0
	return err
}

// abort rolls the open transaction back, if any.
func (b *bulk) abort() {
	if b.tx != nil {
		b.tx.Rollback()
		b.tx = nil
	}
}

// batch accumulates the rows of one table and writes them per multi-row INSERT.
type batch struct {
	b      *bulk
	prefix string
	width  int
	per    int
	args   []any
	full   *sql.Stmt // the prepared statement for a full batch, valid in fullTx
	fullTx *sql.Tx
}

// add queues one row; its values must match the table's columns.
func (t *batch) add(vals ...any) error {
	if len(vals) != t.width {
		return fmt.Errorf("bulk insert: %d values for %d columns", len(vals), t.width)
	}
	t.args = append(t.args, vals...)
	if len(t.args) == t.per*t.width {
		return t.flush()
	}
	return nil
}

// flush writes the queued rows and commits when the transaction has grown big enough.
func (t *batch) flush() error {
	n := len(t.args) / t.width
	if n == 0 {
		return nil
	}
	if err := t.b.begin(); err != nil {
		return err
	}
	var err error
	if n == t.per {
		// Prepared on the transaction: on SQLite it holds the only writer connection.
		if t.full == nil || t.fullTx != t.b.tx {
			if t.full, err = t.b.tx.PrepareContext(t.b.ctx, t.b.db.Rebind(t.prefix+tuples(t.width, n))); err != nil {
				return err
			}
			t.fullTx = t.b.tx
		}
		_, err = t.full.ExecContext(t.b.ctx, t.args...)
	} else {
		_, err = t.b.tx.ExecContext(t.b.ctx, t.b.db.Rebind(t.prefix+tuples(t.width, n)), t.args...)
	}
	if err != nil {
		return fmt.Errorf("%s…: %w", t.prefix[:min(len(t.prefix), 60)], err)
	}
	t.args = t.args[:0]
	t.b.pending += n
	t.b.rows += n
	t.b.progress.update(t.b.rows)
	if t.b.pending >= rowsPerCommit {
		return t.b.commit()
	}
	return nil
}

// close flushes the remaining rows. The prepared statement goes with its transaction.
func (t *batch) close() error {
	err := t.flush()
	t.full, t.fullTx = nil, nil
	return err
}

// tuples returns n comma-separated tuples of width placeholders: "(?, ?), (?, ?)".
func tuples(width, n int) string {
	tuple := "(" + strings.TrimSuffix(strings.Repeat("?, ", width), ", ") + ")"
	var sb strings.Builder
	sb.Grow(n * (len(tuple) + 2))
	for i := range n {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(tuple)
	}
	return sb.String()
}
