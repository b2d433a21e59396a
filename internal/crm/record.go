package crm

import (
	"context"
	"time"
)

// Record is one record of a module. Data holds the field values keyed by api name; it never holds
// id, Owner or the system fields, which have their own members.
type Record struct {
	ID           int64
	OrgID        int64
	Module       string
	OwnerID      int64
	CreatedBy    int64
	ModifiedBy   int64
	CreatedTime  time.Time
	ModifiedTime time.Time
	Data         map[string]any
}

// RecordTx is the store's view of records. Lookups return ErrNotFound when nothing matches.
type RecordTx interface {
	InsertRecords(ctx context.Context, recs []Record) error
	Record(ctx context.Context, orgID int64, module string, id int64) (Record, error)
	// RecordsByID returns the records of module among ids, keyed by id; missing ids are absent.
	RecordsByID(ctx context.Context, orgID int64, module string, ids []int64) (map[int64]Record, error)
}
