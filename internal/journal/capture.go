package journal

import (
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Capture is one request on its way to the journal: its line, and the first MaxRequestBody bytes of
// its body as the handler reads it and MaxResponseBody bytes of its answer as it is written. It is
// raw (unredacted) until the journal reads it (ring) or the flusher turns it into an Entry, and
// never leaves the process before that. Captures are pooled: the hot path copies bodies into
// reused buffers and allocates little else.
type Capture struct {
	j                   *Journal
	start               time.Time
	method, path, query string
	multipart           bool // a multipart body came (not captured)
	req, resp           bounded
	body                *tee
	status              int
	elapsed             time.Duration
	org, user, client   int64
	faulted             bool
}

var captures = sync.Pool{New: func() any { return new(Capture) }}

func release(c *Capture) {
	req, resp := c.req.b[:0], c.resp.b[:0]
	*c = Capture{req: bounded{b: req}, resp: bounded{b: resp}}
	captures.Put(c)
}

// Begin starts capturing r, which arrived at start: its body is read through the capture from now
// on (r.Body is replaced). It returns nil for a nil journal or a path that is not journaled.
func (j *Journal) Begin(r *http.Request, start time.Time) *Capture {
	if j == nil || !Journaled(r.URL.Path) {
		return nil
	}
	c := captures.Get().(*Capture)
	c.j, c.start = j, start
	c.method, c.path, c.query = r.Method, r.URL.Path, r.URL.RawQuery
	c.req.limit, c.resp.limit = MaxRequestBody, MaxResponseBody
	if r.Body != nil && r.Body != http.NoBody && isMultipart(r.Header.Get("Content-Type")) {
		c.multipart = true // never journaled: not copied
	} else if r.Body != nil {
		// Its own allocation: r.Body may outlive c's return to the pool.
		c.body = &tee{ReadCloser: r.Body, to: &c.req}
		r.Body = c.body
	}
	return c
}

// Write captures b, part of the answer.
func (c *Capture) Write(b []byte) { c.resp.write(b) }

// SetCaller records who the request authenticated as: org and user ids and the access token's
// OAuth client row (0: none).
func (c *Capture) SetCaller(org, user, client int64) { c.org, c.user, c.client = org, user, client }

// SetFaulted marks the request as answered by a fault rule.
func (c *Capture) SetFaulted() { c.faulted = true }

// End records the request with its status and duration. c must not be used afterwards.
func (c *Capture) End(status int, elapsed time.Duration) {
	c.status, c.elapsed = status, elapsed
	if c.body != nil {
		c.body.to = nil // a late read of r.Body no longer reaches c
	}
	c.j.record(c)
}

// bounded keeps the first limit bytes written to it, and whether more came.
type bounded struct {
	b     []byte
	limit int
	cut   bool
}

func (w *bounded) write(p []byte) {
	if room := w.limit - len(w.b); len(p) > room {
		p, w.cut = p[:max(room, 0)], true
	}
	w.b = append(w.b, p...) // a pooled capture's buffers keep their capacity
}

// tee is a request body that copies what is read from it.
type tee struct {
	io.ReadCloser
	to *bounded
}

func (t *tee) Read(p []byte) (int, error) {
	n, err := t.ReadCloser.Read(p)
	if n > 0 && t.to != nil {
		t.to.write(p[:n])
	}
	return n, err
}

// entry renders c as a stored entry (render).
func (c *Capture) entry() Entry {
	e := Entry{Time: c.start, Method: c.method, Path: c.path, Status: c.status, Duration: c.elapsed,
		OrgID: c.org, UserID: c.user, ClientPK: c.client, RequestTruncated: c.req.cut, ResponseTruncated: c.resp.cut, Faulted: c.faulted}
	render(&e, c.query, c.multipart, c.req.b, c.resp.b)
	return e
}

// render completes e from its raw query and bodies: redacted, its error code found, its texts
// valid UTF-8 without NUL bytes (PostgreSQL's TEXT takes nothing else).
func render(e *Entry, query string, multipart bool, req, resp []byte) {
	oauth := strings.HasPrefix(e.Path, "/oauth/")
	e.Path, e.Query = text(e.Path), text(redactForm(query))
	e.Code = text(errorCode(resp, e.Status, oauth))
	e.RequestBody = multipartBody
	if !multipart {
		e.RequestBody = text(redactBody(req, "", oauth))
	}
	e.ResponseBody = text(redactJSON(string(resp), oauth))
}

// method returns m as a constant string when it is a standard method, so that an entry kept for
// long does not hold on to the request line it was cut from.
func method(m string) string {
	for _, s := range [...]string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch, http.MethodHead, http.MethodOptions} {
		if m == s {
			return s
		}
	}
	return strings.Clone(m)
}
