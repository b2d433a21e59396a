package store

import (
	"context"
	"errors"
	"sync"

	"github.com/zcrm/zcrm/internal/crm"
)

// versionReads lets concurrent checks of one org's version share a read. A check must see every
// commit made before it was asked for, so a caller never takes the answer of a read already sent:
// it joins the read that will be sent next, when the one in flight has answered, and everyone who
// asks meanwhile joins it too. Under load one round trip answers a whole wave of requests; alone, a
// check reads at once, as before.
type versionReads struct {
	mu    sync.Mutex
	byOrg map[int64]*orgReads
}

// orgReads is one org's reads: the one sent, and the one its askers wait to send.
type orgReads struct {
	sent, next *versionRead
}

// versionRead is one read of the version, shared by whoever joined it.
type versionRead struct {
	done chan struct{} // closed when v and err are set
	v    int64
	err  error
}

// check returns the org's version from a read of it, by read, that began after check was called.
func (r *versionReads) check(ctx context.Context, orgID int64, read func(context.Context, int64) (int64, error)) (int64, error) {
	r.mu.Lock()
	if r.byOrg == nil {
		r.byOrg = map[int64]*orgReads{}
	}
	o := r.byOrg[orgID]
	if o == nil {
		o = &orgReads{}
		r.byOrg[orgID] = o
	}
	switch {
	case o.sent == nil: // nothing in flight: read now
		mine := &versionRead{done: make(chan struct{})}
		o.sent = mine
		r.mu.Unlock()
		return r.send(ctx, orgID, o, mine, read)
	case o.next != nil: // a read is waiting to be sent: it begins after this call
		next := o.next
		r.mu.Unlock()
		return r.await(ctx, orgID, next, read)
	default: // wait for the read in flight to answer, then send the next one for everyone waiting
		mine, sent := &versionRead{done: make(chan struct{})}, o.sent
		o.next = mine
		r.mu.Unlock()
		select {
		case <-sent.done:
		case <-ctx.Done():
			// mine must still be sent for whoever joined it: hand it to a goroutine of its own.
			go func() {
				<-sent.done
				r.promote(orgID, o, mine)
				_, _ = r.send(context.WithoutCancel(ctx), orgID, o, mine, read)
			}()
			return 0, ctx.Err()
		}
		r.promote(orgID, o, mine)
		return r.send(ctx, orgID, o, mine, read)
	}
}

// promote makes next the org's read in flight.
func (r *versionReads) promote(orgID int64, o *orgReads, next *versionRead) {
	r.mu.Lock()
	o.sent, o.next = next, nil
	r.mu.Unlock()
}

// send runs the read rd for everyone who joined it and returns its answer.
func (r *versionReads) send(ctx context.Context, orgID int64, o *orgReads, rd *versionRead, read func(context.Context, int64) (int64, error)) (int64, error) {
	rd.v, rd.err = read(ctx, orgID)
	r.mu.Lock()
	if o.sent == rd {
		o.sent = nil
		if o.next == nil && r.byOrg[orgID] == o {
			delete(r.byOrg, orgID) // keep no entry for an org nobody is checking
		}
	}
	r.mu.Unlock()
	close(rd.done)
	return rd.v, rd.err
}

// await waits for the read rd, which began after the caller asked. A failure that is not the
// org's absence is the sender's (its context ended, say): the caller then reads for itself.
func (r *versionReads) await(ctx context.Context, orgID int64, rd *versionRead, read func(context.Context, int64) (int64, error)) (int64, error) {
	select {
	case <-rd.done:
	case <-ctx.Done():
		return 0, ctx.Err()
	}
	if rd.err != nil && !errors.Is(rd.err, crm.ErrNotFound) {
		return read(ctx, orgID)
	}
	return rd.v, rd.err
}
