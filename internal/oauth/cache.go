package oauth

import (
	"sync"
	"sync/atomic"
	"time"
)

// The access-token cache. Resolving a token to its caller joins four tables; a test suite or
// integration makes thousands of calls with one token, so the answer is kept in memory by token
// hash, with the org's cache version it was read at. A hit still reads the org's current version
// (one indexed row): a token deleted by any process sharing the database (revoked, evicted,
// expired and swept) bumps that version in the same transaction, so the next request after the
// commit misses and looks the token up again. Expiry is checked against the cached expiry time.

// maxCachedTokens bounds the cache; when full, an arbitrary entry makes room.
const maxCachedTokens = 4096

type cachedCaller struct {
	caller  Caller
	expires time.Time
	version int64
}

type tokenCache struct {
	mu sync.RWMutex
	m  map[string]cachedCaller // token hash → caller

	// hits and misses count authentications answered from the cache and from the store
	// (Service.TokenCacheStats, for metrics).
	hits, misses atomic.Uint64
}

func (c *tokenCache) get(hash string) (cachedCaller, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	e, ok := c.m[hash]
	return e, ok
}

func (c *tokenCache) put(hash string, e cachedCaller) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]cachedCaller{}
	}
	if old, ok := c.m[hash]; ok && old.version > e.version {
		return
	}
	if _, ok := c.m[hash]; !ok && len(c.m) >= maxCachedTokens {
		for k := range c.m {
			delete(c.m, k)
			break
		}
	}
	c.m[hash] = e
}

func (c *tokenCache) drop(hash string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, hash)
}
