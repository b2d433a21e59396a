package store

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"
	"unicode/utf8"

	"github.com/zcrm/zcrm/internal/journal"
)

// The request journal (migration 0004). On PostgreSQL one table shared by every process on the
// database, written in batches by each process's journal.Journal outside any request's
// transaction. On SQLite the journal stays in the serving process's memory (journal.Journal's
// ring) and the table is unused: one process owns the file, and its single writer is kept for
// CRM writes.

// JournalShared reports whether the request journal is kept in the shared table: on PostgreSQL.
func (db *DB) JournalShared() bool { return db.dialect == Postgres }

// ClientIDs returns the public client_id of each OAuth client row among pks that still exists.
func (db *DB) ClientIDs(ctx context.Context, pks []int64) (map[int64]string, error) {
	in, args := db.inIDs("id", pks)
	rows, err := db.read.QueryContext(ctx, db.rebind(`SELECT id, client_id FROM oauth_clients WHERE `+in), args...)
	if err != nil {
		return nil, fmt.Errorf("read client ids: %w", err)
	}
	defer rows.Close()
	out := make(map[int64]string, len(pks))
	for rows.Next() {
		var pk int64
		var id string
		if err := rows.Scan(&pk, &id); err != nil {
			return nil, fmt.Errorf("read client ids: %w", err)
		}
		out[pk] = id
	}
	return out, rows.Err()
}

// AppendJournal inserts entries with fresh ids in one statement and, when trim > 0, deletes every
// entry beyond the newest trim (by id), in one transaction of its own: on PostgreSQL at READ
// COMMITTED, since two processes trimming the table at once may each keep a few more rows than
// trim for a moment, which is better than failing each other's flushes. PostgreSQL only (see
// JournalShared).
func (db *DB) AppendJournal(ctx context.Context, entries []journal.Entry, trim int) error {
	if db.dialect != Postgres {
		return errors.New("the request journal is kept in the table on PostgreSQL only")
	}
	if len(entries) == 0 && trim <= 0 {
		return nil
	}
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin journal write: %w", err)
	}
	defer tx.Rollback()
	t := &Tx{tx: tx, db: db}
	if len(entries) > 0 {
		if err := t.insertJournal(ctx, entries); err != nil {
			return fmt.Errorf("journal insert: %w", err)
		}
	}
	if trim > 0 {
		if _, err := t.exec(ctx, `DELETE FROM request_journal WHERE id <= (SELECT id FROM request_journal ORDER BY id DESC LIMIT 1 OFFSET ?)`, trim); err != nil {
			return fmt.Errorf("journal trim: %w", err)
		}
	}
	return tx.Commit()
}

const journalColumns = `id, time_ms, method, path, query, status, code, duration_us, org_id, user_id, client_pk,
	request_body, request_truncated, response_body, response_truncated, faulted`

// insertJournal inserts the entries in one statement over arrays (constant text), ids drawn from
// the journal's own sequence (migration 0017) in the entries' order.
func (t *Tx) insertJournal(ctx context.Context, entries []journal.Entry) error {
	n := len(entries)
	var times, statuses, durations, orgs, users, clients, reqCut, respCut, faulted = make([]int64, n), make([]int64, n),
		make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
	methods, paths, queries, codes, reqs, resps := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	for i, e := range entries {
		times[i], statuses[i], durations[i] = ms(e.Time), int64(e.Status), e.Duration.Microseconds()
		orgs[i], users[i], clients[i] = e.OrgID, e.UserID, e.ClientPK
		reqCut[i], respCut[i], faulted[i] = int64(boolInt(e.RequestTruncated)), int64(boolInt(e.ResponseTruncated)), int64(boolInt(e.Faulted))
		methods[i], paths[i], queries[i], codes[i], reqs[i], resps[i] = e.Method, e.Path, e.Query, e.Code, e.RequestBody, e.ResponseBody
	}
	src, args := t.db.rowsSource(n, times, methods, paths, queries, statuses, codes, durations, orgs, users, clients, reqs, reqCut, resps, respCut, faulted)
	_, err := t.exec(ctx, `INSERT INTO request_journal (`+journalColumns+`) SELECT nextval('request_journal_ids'), * FROM `+src, args...)
	return err
}

// Journal returns the entries f selects, newest first (arrival time, then id), each with its
// client's public id when the client still exists. One statement text serves every filter.
func (db *DB) Journal(ctx context.Context, f journal.Filter) ([]journal.Entry, error) {
	limit := int64(f.Limit)
	if f.Match != nil {
		limit = math.MaxInt32 // the glob is tested here, row by row
	}
	statusMax := f.StatusMax
	if f.StatusMin == 0 && statusMax == 0 {
		statusMax = math.MaxInt32
	}
	newest := int64(f.Newest)
	if newest <= 0 {
		newest = math.MaxInt32
	}
	since := int64(math.MinInt64)
	if !f.Since.IsZero() {
		since = ms(f.Since)
		if f.Since.Nanosecond()%int(time.Millisecond) != 0 {
			since++ // a time between two milliseconds: the next one is the first after it
		}
	}
	rows, err := db.read.QueryContext(ctx, db.rebind(`SELECT j.id, j.time_ms, j.method, j.path, j.query, j.status, j.code, j.duration_us,
			j.org_id, j.user_id, j.client_pk, COALESCE(c.client_id, ''), j.request_body, j.request_truncated, j.response_body,
			j.response_truncated, j.faulted
		FROM request_journal j LEFT JOIN oauth_clients c ON c.id = j.client_pk
		WHERE j.id > COALESCE((SELECT id FROM request_journal ORDER BY id DESC LIMIT 1 OFFSET ?), 0)
			AND (? = '' OR j.method = ?) AND (? = 0 OR substr(j.path, 1, ?) = ?) AND j.status BETWEEN ? AND ?
			AND (CAST(? AS BIGINT) = 0 OR j.org_id = ?) AND j.time_ms >= ? AND j.id > ?
		ORDER BY j.time_ms DESC, j.id DESC LIMIT ?`),
		newest, f.Method, f.Method, utf8.RuneCountInString(f.PathPrefix), utf8.RuneCountInString(f.PathPrefix), f.PathPrefix,
		f.StatusMin, statusMax, f.OrgID, f.OrgID, since, f.AfterID, limit)
	if err != nil {
		return nil, fmt.Errorf("read journal: %w", err)
	}
	defer rows.Close()
	out := []journal.Entry{}
	for rows.Next() && len(out) < f.Limit {
		var e journal.Entry
		var at, us int64
		var reqCut, respCut, faulted int
		if err := rows.Scan(&e.ID, &at, &e.Method, &e.Path, &e.Query, &e.Status, &e.Code, &us, &e.OrgID, &e.UserID, &e.ClientPK,
			&e.ClientID, &e.RequestBody, &reqCut, &e.ResponseBody, &respCut, &faulted); err != nil {
			return nil, fmt.Errorf("read journal: %w", err)
		}
		if f.Match != nil && !f.Match(e.Path) {
			continue
		}
		e.Time, e.Duration = fromMS(at), time.Duration(us)*time.Microsecond
		e.RequestTruncated, e.ResponseTruncated, e.Faulted = reqCut == 1, respCut == 1, faulted == 1
		out = append(out, e)
	}
	return out, rows.Err()
}

// ClearJournal deletes every journal entry.
func (db *DB) ClearJournal(ctx context.Context) error {
	_, err := db.write.ExecContext(ctx, `DELETE FROM request_journal`)
	if err != nil {
		return fmt.Errorf("clear journal: %w", err)
	}
	return nil
}

var _ journal.Store = (*DB)(nil)
