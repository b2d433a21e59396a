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

// Sort keys a record listing accepts (Zoho's sort_by values).
const (
	SortByID           = "id"
	SortByCreatedTime  = "Created_Time"
	SortByModifiedTime = "Modified_Time"
)

// RecordQuery selects one page of a module's records.
type RecordQuery struct {
	OrgID  int64
	Module string
	// AlsoModule, when not "", selects the stored records of this module too: converted leads
	// (convert.go).
	AlsoModule string
	// IDs, when non-nil, restricts the listing to these records.
	IDs []int64
	// ModifiedSince, when not zero, keeps only records modified after it.
	ModifiedSince time.Time
	// OwnerID, when not 0, keeps only the records this user owns: data sharing (VisibleOwner).
	OwnerID int64
	// Criteria, when not nil, keeps only the records it matches (resolved: criteria.go).
	Criteria *Criteria
	// SortBy is SortByID, SortByCreatedTime or SortByModifiedTime; ties are broken by id.
	SortBy string
	// SortField, when not nil, orders by that field's value instead (empty values first ascending,
	// last descending; ties by id), paged by Offset only (APIVersion.SortByAnyField).
	SortField *Condition
	Desc      bool
	// Cursor, when not nil, selects the records after it (or before it: Cursor.Before, nearest
	// first) instead of skipping Offset records: keyset pagination (pagetoken.go).
	Cursor *Cursor
	Offset int
	Limit  int
}

// RecordTx is the store's view of records. Lookups return ErrNotFound when nothing matches.
type RecordTx interface {
	InsertRecords(ctx context.Context, recs []Record) error
	Record(ctx context.Context, orgID int64, module string, id int64) (Record, error)
	// RecordHead is Record without the field values (Data is nil): for existence, ownership and
	// sharing checks.
	RecordHead(ctx context.Context, orgID int64, module string, id int64) (Record, error)
	// RecordsByID returns the records of module among ids, keyed by id; missing ids are absent.
	RecordsByID(ctx context.Context, orgID int64, module string, ids []int64) (map[int64]Record, error)
	// ExistingRecordIDs returns which of ids are records of module, without reading their values.
	ExistingRecordIDs(ctx context.Context, orgID int64, module string, ids []int64) (map[int64]bool, error)
	// ListRecords returns one page of records in the query's order (nearest the cursor first when
	// the query's Cursor is Before).
	ListRecords(ctx context.Context, q RecordQuery) ([]Record, error)
	// CountRecords counts the records ListRecords would list without paging (q's Cursor, Offset,
	// Limit and sort are ignored).
	CountRecords(ctx context.Context, q RecordQuery) (int, error)
	// UpdateRecords stores the owner, modifier, modified time and data of existing records.
	UpdateRecords(ctx context.Context, recs []Record) error
	// DeleteRecords removes the module's records among ids (and nothing else: callers cascade).
	DeleteRecords(ctx context.Context, orgID int64, module string, ids []int64) error
}

// zohoTime is the layout of every record time on the wire: ISO 8601 seconds with a colon offset.
const zohoTime = "2006-01-02T15:04:05-07:00"

// TimeZone is the time zone records are rendered in: zcrm orgs keep UTC.
var TimeZone = time.UTC

// FormatTime renders a time as Zoho renders record times: "2024-07-17T20:38:22+00:00" (RFC 3339
// to the second, numeric offset with a colon, never "Z"), in the org's time zone (UTC).
func FormatTime(t time.Time) string { return t.In(TimeZone).Format(zohoTime) }

// ParseTime parses a datetime value as Zoho accepts it on input: "2024-07-17T20:38:22+05:30",
// seconds precision, numeric offset. ok is false for anything else (a "Z" suffix or fractional
// seconds included, which Zoho refuses too).
func ParseTime(s string) (t time.Time, ok bool) {
	if len(s) != len(zohoTime) {
		return time.Time{}, false
	}
	t, err := time.Parse(zohoTime, s)
	if err != nil {
		return time.Time{}, false
	}
	return t, true
}
