// Package crm holds zcrm's domain: the types (orgs, users, profiles, records, cadences, relations,
// contact roles), the Error type carrying Zoho's codes, the services that enforce Zoho's rules, and
// the store interfaces those services use. It never speaks HTTP and never writes SQL.
package crm

import (
	"context"
	"errors"
	"time"
)

// Store runs transactions. Every request runs in exactly one: Read for lookups, Write for changes;
// a request answered from an in-memory cache instead checks the cache with OrgVersion.
// Write may run fn more than once (a retried serialization failure), so fn must not have effects
// outside the transaction.
type Store interface {
	Read(ctx context.Context, fn func(Tx) error) error
	Write(ctx context.Context, fn func(Tx) error) error
	// WriteChecked is Write made conditional on check (see VersionCheck); a nil check is Write.
	WriteChecked(ctx context.Context, check *VersionCheck, fn func(Tx) error) error
	// OrgVersion returns the org's latest committed cache version, outside any transaction; see
	// OrgTx.OrgVersion.
	OrgVersion(ctx context.Context, orgID int64) (int64, error)
	// Now is the store's clock.
	Now() time.Time
}

// VersionCheck makes a write conditional on the org's cache version (OrgTx.OrgVersion): the store
// reads it in the write's transaction before fn runs and, when it is not Version, fails the write
// with ErrVersionChanged without running fn. It lets a request authenticated from a cache confirm
// the cache in the same transaction as its write instead of reading the version beforehand.
// The store sets Verified when the check was made and passed (whatever fn then returned).
type VersionCheck struct {
	OrgID, Version int64
	Verified       bool
}

// ErrVersionChanged fails a write whose VersionCheck read another version.
var ErrVersionChanged = errors.New("crm: the org's cache version changed")

// Tx is one transaction's view of the data. Its methods are grouped by kind of data, each group
// declared beside the service that uses it.
type Tx interface {
	// Now is the transaction's clock.
	Now() time.Time
	// NewID and NewIDs allocate ids that are unique across every process sharing the database.
	NewID(ctx context.Context) (int64, error)
	NewIDs(ctx context.Context, n int) ([]int64, error)

	OrgTx
	AuthTx
	RecordTx
	CadenceTx
	RelationTx
	ContactRoleTx
}
