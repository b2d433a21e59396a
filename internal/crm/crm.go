// Package crm holds zcrm's domain: the types (orgs, users, profiles, records, cadences, relations,
// contact roles), the Error type carrying Zoho's codes, the services that enforce Zoho's rules, and
// the store interfaces those services use. It never speaks HTTP and never writes SQL.
package crm

import (
	"context"
	"time"
)

// Store runs transactions. Every request runs in exactly one: Read (or ReadEach) for lookups, Write
// for changes; a request answered from an in-memory cache instead checks the cache with OrgVersion.
// Write may run fn more than once (PostgreSQL: see store.rerun), so fn must only compute its
// answer: nothing slow or external (reading a request body, the network, sleeping) and no effects
// outside the transaction.
type Store interface {
	Read(ctx context.Context, fn func(Tx) error) error
	// ReadEach runs fn as Read does, but outside a transaction: each statement reads what was
	// committed when it ran, and BEGIN and COMMIT (on PostgreSQL two round trips) are saved. For a
	// read whose answer is one statement over records (a listing, a search, a count, one record)
	// plus settings and names read a moment before or after it, as Zoho's own reads are; fn must
	// not rely on two statements agreeing.
	ReadEach(ctx context.Context, fn func(Tx) error) error
	Write(ctx context.Context, fn func(Tx) error) error
	// OrgVersion returns the org's latest committed cache version, outside any transaction; see
	// OrgTx.OrgVersion.
	OrgVersion(ctx context.Context, orgID int64) (int64, error)
	// Now is the store's clock.
	Now() time.Time
	// Control returns the control state this process last read; SyncControl reads it afresh. A
	// control change bumps every org's version, so an authenticated request that finds its cached
	// token stale looks it up again and reads the control state with it (ControlTx.RefreshControl).
	Control() Control
	SyncControl(ctx context.Context) (Control, error)
}

// Tx is one transaction's view of the data. Its methods are grouped by kind of data, each group
// declared beside the service that uses it.
type Tx interface {
	// Now is the transaction's clock.
	Now() time.Time
	// PageTokenKey is the database's secret key for page tokens (pagetoken.go): the same for every
	// process sharing the database.
	PageTokenKey() []byte
	// NewID and NewIDs allocate ids that are unique across every process sharing the database.
	NewID(ctx context.Context) (int64, error)
	NewIDs(ctx context.Context, n int) ([]int64, error)

	OrgTx
	AuthTx
	RecordTx
	DeletedTx
	ConvertTx
	COQLTx
	CadenceTx
	CustomViewTx
	EngineTx
	RelationTx
	ContactRoleTx
	ResetTx
	ControlTx
	FaultTx
	LimitTx
}
