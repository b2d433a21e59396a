// Package journal is zcrm's request journal: every CRM (/crm/…) and accounts (/oauth/…) request,
// with its answer, bounded to the newest N entries.
//
// Where the entries live depends on the store (Store.JournalShared):
//   - SQLite (one process owns the file): in this process's memory only, a ring of the newest N
//     entries whose bodies share one byte arena (ring.go). Recording copies the request into the
//     ring; nothing is written to the database and nothing runs in the background. Entries are
//     redacted when they are read.
//   - PostgreSQL (several processes may share the database): recording appends to an in-memory
//     queue; a background goroutine redacts the queued entries and writes them in batches (one
//     multi-row insert per flush) to a table every process reads, so any process answers for all.
//
// Either way no secret leaves the process unredacted. The package owns the entry, its redaction
// and the /__zcrm/requests handler; it never touches SQL (the store implements Store) nor decides
// who may read the journal (the admin API's access check does).
package journal

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"time"
)

// DefaultSize is how many entries the journal keeps by default on SQLite (zcrm serve
// --journal-size); see SizeFor.
const DefaultSize = 10_000

// SizeFor returns the journal size zcrm serve and zcrm bench use for st when --journal-size is not
// given (flag < 0), flag otherwise: DefaultSize on SQLite (in memory: no cost to the targets of
// BENCHMARKS.md) and 0 (off) on PostgreSQL, where writing every request to the shared table costs
// more than the targets allow (BENCHMARKS.md, "Request journal").
func SizeFor(st Store, flag int) int {
	if flag >= 0 {
		return flag
	}
	if st.JournalShared() {
		return 0
	}
	return DefaultSize
}

// MaxRequestBody and MaxResponseBody bound the journaled bodies; a longer one is cut there and
// marked truncated. Only the bytes kept are copied.
const (
	MaxRequestBody  = 16 << 10
	MaxResponseBody = 4 << 10
)

// arenaPerEntry is the in-memory journal's body budget per entry of its size: the arena holding
// every entry's query and bodies is size × arenaPerEntry bytes (at least minArena). Past it the
// oldest entries keep their line, status and caller, and read with empty bodies marked truncated.
const (
	arenaPerEntry = 1 << 10
	minArena      = 256 << 10
)

// Flush triggers: the queue is written every flushInterval, or as soon as it holds flushBatch entries.
const (
	flushInterval = 100 * time.Millisecond
	flushBatch    = 500
	// trimShare: the shared table is trimmed back to the newest size entries once this process
	// has added size/trimShare entries since its last trim (reads never see beyond size).
	trimShare = 10
)

// Entry is one journaled request, as stored and served. Bodies and query are redacted already.
type Entry struct {
	ID       int64
	Time     time.Time // when the request arrived
	Method   string
	Path     string
	Query    string // the raw query string, redacted
	Status   int
	Code     string // the answer's Zoho error code ("code", or the accounts server's "error"); "" when none
	Duration time.Duration
	OrgID    int64 // 0 unless the request authenticated
	UserID   int64
	ClientPK int64  // the OAuth client's row id behind the access token (0: none); written
	ClientID string // its public client_id (1000.…), read back with the entry
	// RequestBody and ResponseBody are cut at MaxRequestBody and MaxResponseBody (RequestTruncated,
	// ResponseTruncated; in memory, also when the arena no longer holds them: both empty).
	RequestBody       string
	RequestTruncated  bool
	ResponseBody      string
	ResponseTruncated bool
	// Faulted marks a request a fault rule fired on (delayed, answered or reset).
	Faulted bool
}

// Filter selects entries, newest first.
type Filter struct {
	Limit int // at most this many entries (> 0)
	// Method, when set, is the exact method.
	Method string
	// PathPrefix, when set, is a prefix the path has.
	PathPrefix string
	// Match, when set, is a test each path must pass besides PathPrefix (a glob).
	Match func(path string) bool
	// StatusMin and StatusMax bound the status (0, 0: any).
	StatusMin, StatusMax int
	// OrgID, when not 0, is the org the request authenticated in.
	OrgID int64
	// Since, when not zero, is the earliest arrival time.
	Since time.Time
	// AfterID, when not 0, selects entries with a larger id only: those journaled since an entry
	// was read (zcrm requests --follow).
	AfterID int64
	// Newest, when not 0, selects among the newest this many entries only (a journal's size: the
	// shared table may hold a few more between two trims).
	Newest int
}

// Store is where the journal keeps its entries (store.DB implements it). The table is shared by
// every process on the database; it is used only when JournalShared says so.
type Store interface {
	// JournalShared reports whether entries go to the shared table (PostgreSQL) rather than stay
	// in the process (SQLite).
	JournalShared() bool
	// ClientIDs returns the public client_id of each OAuth client row among pks that still exists.
	ClientIDs(ctx context.Context, pks []int64) (map[int64]string, error)
	// AppendJournal inserts entries with fresh ids and, when trim > 0, deletes every entry beyond
	// the newest trim, in one transaction of its own.
	AppendJournal(ctx context.Context, entries []Entry, trim int) error
	// Journal returns the entries f selects, newest first, with their ClientID.
	Journal(ctx context.Context, f Filter) ([]Entry, error)
	// ClearJournal deletes every entry.
	ClearJournal(ctx context.Context) error
}

// Journal records requests. Its methods are safe for concurrent use; a nil *Journal records nothing.
type Journal struct {
	store Store
	size  int
	log   *slog.Logger
	ring  *ring // SQLite: the entries themselves; nil on PostgreSQL

	mu        sync.Mutex
	queue     []*Capture
	kick      chan struct{} // a full batch is waiting
	sinceTrim int           // entries written since the last trim (under flushing)

	flushing sync.Mutex // one flush at a time, so entries reach the table in order
	quit     chan struct{}
	done     chan struct{}
	close    sync.Once
}

// New returns a journal keeping the newest size entries in st, and starts its flusher; Close stops
// it. A size of 0 or less means no journal: New returns nil. log receives flush failures (nil:
// slog.Default()).
func New(st Store, size int, log *slog.Logger) *Journal {
	if size <= 0 {
		return nil
	}
	if log == nil {
		log = slog.Default()
	}
	j := &Journal{store: st, size: size, log: log, kick: make(chan struct{}, 1), quit: make(chan struct{}), done: make(chan struct{})}
	if !st.JournalShared() {
		j.ring = newRing(size)
		close(j.done) // no flusher
		return j
	}
	go j.run()
	return j
}

// Size returns how many entries the journal keeps.
func (j *Journal) Size() int { return j.size }

// Journaled reports whether requests to path are journaled: the CRM API and the accounts endpoints.
func Journaled(path string) bool {
	return strings.HasPrefix(path, "/crm/") || strings.HasPrefix(path, "/oauth/")
}

// record keeps c: in the ring, or queued for the shared table; the oldest queued entry is dropped when the queue already holds size entries
// (they would be deleted at the flush anyway).
func (j *Journal) record(c *Capture) {
	if j.ring != nil {
		j.ring.add(c)
		release(c)
		return
	}
	j.mu.Lock()
	if len(j.queue) >= j.size {
		old := j.queue[0]
		copy(j.queue, j.queue[1:])
		j.queue = j.queue[:len(j.queue)-1]
		defer release(old)
	}
	j.queue = append(j.queue, c)
	full := len(j.queue) >= flushBatch
	j.mu.Unlock()
	if full {
		select {
		case j.kick <- struct{}{}:
		default:
		}
	}
}

func (j *Journal) run() {
	defer close(j.done)
	t := time.NewTicker(flushInterval)
	defer t.Stop()
	for {
		select {
		case <-j.quit:
			return
		case <-t.C:
		case <-j.kick:
		}
		if err := j.Flush(context.Background()); err != nil {
			j.log.LogAttrs(context.Background(), slog.LevelError, "request journal flush", slog.Any("err", err))
		}
	}
}

// Flush writes every queued entry now, redacted. Entries that fail to be written are dropped (the
// journal is a record, not a log of truth) and the error returned.
func (j *Journal) Flush(ctx context.Context) error {
	if j == nil || j.ring != nil {
		return nil
	}
	j.flushing.Lock()
	defer j.flushing.Unlock()
	batch := j.take()
	if len(batch) == 0 {
		return nil
	}
	entries := make([]Entry, len(batch))
	for i, c := range batch {
		entries[i] = c.entry()
		release(c)
	}
	j.sinceTrim += len(entries)
	trim := 0
	if j.sinceTrim*trimShare >= j.size {
		trim, j.sinceTrim = j.size, 0
	}
	return j.store.AppendJournal(ctx, entries, trim)
}

// take empties the queue and returns what it held.
func (j *Journal) take() []*Capture {
	j.mu.Lock()
	defer j.mu.Unlock()
	batch := j.queue
	j.queue = nil
	return batch
}

// Clear drops the queued entries and deletes every stored one (every process's).
func (j *Journal) Clear(ctx context.Context) error {
	if j.ring != nil {
		j.ring.clear()
		return nil
	}
	j.flushing.Lock()
	defer j.flushing.Unlock()
	for _, c := range j.take() {
		release(c)
	}
	return j.store.ClearJournal(ctx)
}

// Entries returns the entries f selects, newest first: from the ring, or from the shared table
// after flushing this process's queue.
func (j *Journal) Entries(ctx context.Context, f Filter) ([]Entry, error) {
	if j.ring != nil {
		entries := j.ring.entries(f)
		return entries, j.clientIDs(ctx, entries)
	}
	if err := j.Flush(ctx); err != nil {
		return nil, err
	}
	f.Newest = j.size
	return j.store.Journal(ctx, f)
}

// clientIDs fills in the entries' public client ids (the ring keeps the client's row id only).
func (j *Journal) clientIDs(ctx context.Context, entries []Entry) error {
	var pks []int64
	for _, e := range entries {
		if e.ClientPK != 0 {
			pks = append(pks, e.ClientPK)
		}
	}
	if len(pks) == 0 {
		return nil
	}
	ids, err := j.store.ClientIDs(ctx, pks)
	if err != nil {
		return err
	}
	for i := range entries {
		entries[i].ClientID = ids[entries[i].ClientPK]
	}
	return nil
}

// Close stops the flusher and writes what is queued. It is safe to call more than once; a nil
// *Journal closes at once.
func (j *Journal) Close() error {
	if j == nil {
		return nil
	}
	var err error
	j.close.Do(func() {
		close(j.quit)
		<-j.done
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if j.ring != nil {
			j.ring.close()
			return
		}
		err = j.Flush(ctx)
		if err == nil && j.sinceTrim > 0 {
			err = j.store.AppendJournal(ctx, nil, j.size) // leave the table trimmed
		}
	})
	return err
}
