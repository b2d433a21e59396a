package journal

import (
	"slices"
	"strings"
	"sync"
	"time"
)

// ring is the in-memory journal (SQLite): the newest size entries, each a fixed slot, with every
// entry's query and bodies copied into one byte arena written round and round. An entry whose
// bytes the arena has since overwritten keeps its slot (line, status, caller) and reads with
// empty bodies marked truncated. The arena holds no pointers, so the collector never scans it,
// and the whole journal stays within size slots plus the arena whatever the traffic.
type ring struct {
	mu    sync.Mutex
	slots []slot // slots[(id-1) % len(slots)] holds entry id
	last  int64  // id of the newest entry (0: none yet)
	arena []byte
	head  int64 // bytes ever written to the arena; a byte at absolute offset p lives at p % len(arena)
}

// slot is one entry as the ring keeps it: raw (unredacted) until read.
type slot struct {
	id                int64
	start             time.Time
	method, path      string
	code              string // the answer's error code (errorCode), raw
	status            int
	elapsed           time.Duration
	org, user, client int64
	// at is the absolute arena offset of the entry's bytes: query, then request body, then answer.
	at                  int64
	query, req, resp    int32 // their lengths
	reqCut, respCut     bool
	multipart, hasBytes bool
	faulted             bool
}

func newRing(size int) *ring {
	return &ring{slots: make([]slot, size), arena: newArena(max(size*arenaPerEntry, minArena))}
}

// close frees the arena: entries recorded or read afterwards have no bytes.
func (r *ring) close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.arena != nil {
		freeArena(r.arena)
		r.arena = nil
	}
}

// add copies c into the ring, over the oldest entry when it is full.
func (r *ring) add(c *Capture) {
	n := int64(len(c.query) + len(c.req.b) + len(c.resp.b))
	path := strings.Clone(c.path)                                               // r.URL.Path may share the request line's memory
	code := errorCode(c.resp.b, c.status, strings.HasPrefix(c.path, "/oauth/")) // kept with the slot: outlives the bytes
	r.mu.Lock()
	defer r.mu.Unlock()
	r.last++
	s := &r.slots[(r.last-1)%int64(len(r.slots))]
	*s = slot{id: r.last, start: c.start, method: method(c.method), path: path, code: code, status: c.status, elapsed: c.elapsed,
		org: c.org, user: c.user, client: c.client, reqCut: c.req.cut, respCut: c.resp.cut, multipart: c.multipart, faulted: c.faulted}
	size := int64(len(r.arena))
	if n > size/2 {
		return // too big to keep (or closed): read as cut
	}
	if off := r.head % size; off+n > size {
		r.head += size - off // the bytes of one entry are never split: skip the arena's tail
	}
	s.at, s.hasBytes = r.head, true
	s.query, s.req, s.resp = int32(len(c.query)), int32(len(c.req.b)), int32(len(c.resp.b))
	off := r.head % size
	off += int64(copy(r.arena[off:], c.query))
	off += int64(copy(r.arena[off:], c.req.b))
	copy(r.arena[off:], c.resp.b)
	r.head += n
}

// clear forgets every entry (ids go on increasing).
func (r *ring) clear() {
	r.mu.Lock()
	defer r.mu.Unlock()
	clear(r.slots)
}

// raw is a selected slot with a copy of its bytes, to be rendered outside the lock.
type raw struct {
	slot
	bytes []byte // nil: overwritten
}

// entries returns the entries f selects, newest first (arrival time, then id), redacted.
func (r *ring) entries(f Filter) []Entry {
	var picked []raw
	r.mu.Lock()
	size := int64(len(r.arena))
	for id := r.last; id > 0 && id > r.last-int64(len(r.slots)) && len(picked) < f.Limit; id-- {
		s := &r.slots[(id-1)%int64(len(r.slots))]
		if s.id != id || !f.selects(s) {
			continue // cleared, or not selected
		}
		p := raw{slot: *s}
		if n := int64(s.query) + int64(s.req) + int64(s.resp); s.hasBytes && size > 0 && r.head-s.at <= size {
			off := s.at % size
			p.bytes = slices.Clone(r.arena[off : off+n])
		}
		picked = append(picked, p)
	}
	r.mu.Unlock()
	out := make([]Entry, len(picked))
	for i, p := range picked {
		e := Entry{ID: p.id, Time: p.start, Method: p.method, Path: p.path, Status: p.status, Duration: p.elapsed,
			OrgID: p.org, UserID: p.user, ClientPK: p.client, RequestTruncated: p.reqCut, ResponseTruncated: p.respCut, Faulted: p.faulted}
		if p.bytes == nil { // overwritten: the query and bodies are gone
			e.RequestTruncated, e.ResponseTruncated = p.req > 0 || p.reqCut, p.resp > 0 || p.respCut
			render(&e, "", p.multipart, nil, nil)
		} else {
			q, rest := p.bytes[:p.query], p.bytes[p.query:]
			render(&e, string(q), p.multipart, rest[:p.req], rest[p.req:])
		}
		e.Code = text(p.code)
		out[i] = e
	}
	slices.SortStableFunc(out, func(a, b Entry) int { return b.Time.Compare(a.Time) })
	return out
}

// selects reports whether f selects s (all but the limit).
func (f *Filter) selects(s *slot) bool {
	if (f.Method != "" && s.method != f.Method) || !strings.HasPrefix(s.path, f.PathPrefix) ||
		(f.Match != nil && !f.Match(s.path)) || (f.OrgID != 0 && s.org != f.OrgID) ||
		(!f.Since.IsZero() && s.start.Before(f.Since)) || s.id <= f.AfterID {
		return false
	}
	return (f.StatusMin == 0 && f.StatusMax == 0) || (s.status >= f.StatusMin && s.status <= f.StatusMax)
}
