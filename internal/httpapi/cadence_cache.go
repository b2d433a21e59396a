package httpapi

import (
	"sync"
	"sync/atomic"
)

// The cadence list cache. Get Cadences is the settings read an integration repeats most, and its
// answer (up to 200 cadences with their module, users and custom view resolved) is the same for
// every caller of an org that passes the access checks. The encoded answer is kept per org, API
// version and query string, with the org's cache version it was read at; it is served while the
// caller's authentication read that same version (crm.OrgTx.OrgVersion: every cadence write and
// every custom module bumps it in its own transaction, in any process sharing the database). Only
// 200 and 204 answers are kept; errors are recomputed.

// maxCachedListBytes bounds the cache's bodies; when a new answer would exceed it, the cache is
// emptied first.
const maxCachedListBytes = 16 << 20

type listKey struct {
	org     int64
	version string // API version path segment
	query   string // raw query string
}

type listAnswer struct {
	orgVersion int64
	status     int
	body       rawJSON // nil for 204
}

type listCache struct {
	mu    sync.Mutex
	m     map[listKey]listAnswer
	bytes int

	// hits and misses count the lookups that found a current answer and those that did not (for
	// metrics).
	hits, misses atomic.Uint64
}

// get returns the answer cached for key when it was read at orgVersion.
func (c *listCache) get(key listKey, orgVersion int64) (listAnswer, bool) {
	c.mu.Lock()
	a, ok := c.m[key]
	c.mu.Unlock()
	if !ok || a.orgVersion != orgVersion {
		c.misses.Add(1)
		return listAnswer{}, false
	}
	c.hits.Add(1)
	return a, true
}

// put keeps a, unless a newer answer for key is already there.
func (c *listCache) put(key listKey, a listAnswer) {
	c.mu.Lock()
	defer c.mu.Unlock()
	old, ok := c.m[key]
	if ok && old.orgVersion > a.orgVersion {
		return
	}
	if ok {
		c.bytes -= len(old.body)
	}
	if c.m == nil || c.bytes+len(a.body) > maxCachedListBytes {
		c.m, c.bytes = map[listKey]listAnswer{}, 0
	}
	c.m[key] = a
	c.bytes += len(a.body)
}
