package crm

import (
	"context"
	"time"
)

// Link is one stored relation between two records. AID is the record of the relation's first module
// (catalog.Relation.A), BID the record of its second; Data holds the relation fields
// (Member_Status, list_price).
type Link struct {
	OrgID       int64
	Kind        string
	AID, BID    int64
	Data        map[string]any
	CreatedTime time.Time
}

// RelationEnd is one record's end of a relation: the links of Kind whose A side (IsA) or B side is ID.
type RelationEnd struct {
	OrgID int64
	Kind  string
	IsA   bool
	ID    int64
}

// Other returns the id at the far end of l as seen from e.
func (e RelationEnd) Other(l Link) int64 {
	if e.IsA {
		return l.BID
	}
	return l.AID
}

// LinkTo returns the link from e to the record other, carrying data.
func (e RelationEnd) LinkTo(other int64, data map[string]any, now time.Time) Link {
	l := Link{OrgID: e.OrgID, Kind: e.Kind, AID: e.ID, BID: other, Data: data, CreatedTime: now}
	if !e.IsA {
		l.AID, l.BID = other, e.ID
	}
	return l
}

// LinkedRecord is a record at the far end of a relation, with the link that reaches it.
type LinkedRecord struct {
	Record Record
	Link   Link
}

// RelatedSlice selects one page of the records at the far end of a relation (or of a deal's
// contact roles).
type RelatedSlice struct {
	Only    []int64 // nil: every linked record; otherwise only these
	OwnerID int64   // not 0: only the records this user owns (data sharing: VisibleOwner)
	SortBy  string  // SortByID (default), SortByCreatedTime or SortByModifiedTime; ties by id
	Desc    bool
	// Cursor, when not nil, selects the records after it (or before it, nearest first) instead of
	// skipping Offset: keyset pagination, as RecordQuery.Cursor.
	Cursor        *Cursor
	Limit, Offset int
}

// RelationTx is the store's view of relations between records. Lookups return ErrNotFound.
type RelationTx interface {
	// DeleteRelationsOf removes every relation either side of which is one of recordIDs.
	DeleteRelationsOf(ctx context.Context, orgID int64, recordIDs []int64) error
	// Links returns the links of end whose far side is among others, keyed by the far side's id.
	Links(ctx context.Context, end RelationEnd, others []int64) (map[int64]Link, error)
	// LinkRecords stores the links of end among links whose far side is a record of module, and
	// returns the far-side ids it stored; the others are skipped. A link that exists keeps its
	// CreatedTime and gets the new Data: in place of its own (replace), or over it, keeping the
	// fields the new Data does not name, without reading them first (see UpsertDealContactRoles
	// for why that matters). At most one link per far side may be given.
	LinkRecords(ctx context.Context, end RelationEnd, module string, links []Link, replace bool) (map[int64]bool, error)
	// DeleteLinks removes the links of end whose far side is among others and returns the far-side
	// ids it removed.
	DeleteLinks(ctx context.Context, end RelationEnd, others []int64) (map[int64]bool, error)
	// LinkedRecords returns one page of the records of module linked to end.
	LinkedRecords(ctx context.Context, end RelationEnd, module string, s RelatedSlice) ([]LinkedRecord, error)
}
