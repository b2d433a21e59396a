package store

import (
	"context"
	"slices"
	"sync"

	"github.com/zcrm/zcrm/internal/crm"
)

// The users a read renders (every record's owner, creator and modifier) change only through
// InsertUser, which bumps the org's version, and a request's authentication has just checked that
// version: a read told it (Tx.TrustVersion) takes the users from what this process read at that
// version instead of reading them again, one round trip fewer for every listing on PostgreSQL.
// Users read after the check are at least as new as the version, so an entry never holds users
// older than its version says.

// userCache holds each org's users as last read, with the version they were read at.
type userCache struct {
	mu    sync.Mutex
	byOrg map[int64]orgUsers
}

type orgUsers struct {
	version int64
	users   []crm.User
}

// maxUserCacheOrgs bounds the orgs the cache holds; past it the cache starts afresh.
const maxUserCacheOrgs = 1024

func (c *userCache) get(orgID, version int64) ([]crm.User, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.byOrg[orgID]
	if !ok || e.version != version {
		return nil, false
	}
	return e.users, true
}

// put keeps users read at version unless a newer reading is already kept.
func (c *userCache) put(orgID, version int64, users []crm.User) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.byOrg[orgID]; ok && e.version > version {
		return
	}
	if c.byOrg == nil || len(c.byOrg) >= maxUserCacheOrgs {
		c.byOrg = map[int64]orgUsers{}
	}
	c.byOrg[orgID] = orgUsers{version: version, users: slices.Clip(users)}
}

// TrustVersion lets Users answer for orgID from the cache at version v (crm.OrgTx); only a read
// takes it.
func (t *Tx) TrustVersion(orgID, v int64) {
	if t.versions == nil {
		t.trustOrg, t.trustVersion = orgID, v
	}
}

// Users returns the org's users, oldest first: from the cache when the read trusts the org's
// version, else read.
func (t *Tx) Users(ctx context.Context, orgID int64) ([]crm.User, error) {
	if t.trustOrg != orgID || t.trustVersion == 0 {
		return t.readUsers(ctx, orgID)
	}
	if us, ok := t.db.users.get(orgID, t.trustVersion); ok {
		return us, nil
	}
	us, err := t.readUsers(ctx, orgID)
	if err == nil {
		t.db.users.put(orgID, t.trustVersion, us)
	}
	return us, err
}
