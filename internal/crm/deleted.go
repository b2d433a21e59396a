package crm

// The recycle bin and Get Deleted Records (GET /{module}/deleted?type=all|recycle|permanent).
//
// What Zoho documents (crm-oas v8.0 record/operations/getDeletedRecords, record.json
// Deleted_Record), and what zcrm settles where it is silent:
//   - A deleted record goes to the recycle bin with its notes and activities; it leaves every read
//     of live records. zcrm moves its row from records to deleted_records in the delete's
//     transaction (store/deleted.go), so that no read of live records filters anything.
//   - Zoho keeps a record in the recycle bin for 60 days (RecycleBinDays), then deletes it for good:
//     it is listed as type "permanent" with null deleted_by, display_name and created_by, as
//     Zoho's example shows. Whether an entry is past 60 days is decided by the clock when it is
//     read, so the answer never waits for a purge; the values themselves are dropped (purged)
//     lazily, by the next delete in the same module (PurgeDeleted), and a tombstone row stays.
//   - Entries are listed newest deletion first (the recycle bin's entries, then the permanent
//     ones, as Zoho's example orders them), paged by page and per_page (at most 200) with
//     info {per_page, count, page, more_records}; none is 204. If-Modified-Since keeps the entries
//     deleted after it.
//   - type other than all, recycle or permanent is 400 PATTERN_NOT_MATCHED {"param_name":"type"}
//     inside "data", as Zoho's example has it.
//   - Data sharing applies as to live records: a reader limited to their own records (VisibleOwner)
//     sees the deleted records they owned.

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/zcrm/zcrm/internal/catalog"
)

// RecycleBinDays is how long a deleted record stays in Zoho's recycle bin before it is deleted for good.
const RecycleBinDays = 60

// recycleBinTTL is RecycleBinDays as a duration.
const recycleBinTTL = RecycleBinDays * 24 * time.Hour

// Types of deleted records (Get Deleted Records' type parameter and each entry's type).
const (
	DeletedAll       = "all"
	DeletedRecycle   = "recycle"
	DeletedPermanent = "permanent"
)

// DeletedRecord is one entry of a module's deleted records: the record as it was deleted (Data nil
// once its values were purged), who deleted it and when.
type DeletedRecord struct {
	Record
	DeletedBy   int64
	DeletedTime time.Time
}

// DeletedQuery selects one page of a module's deleted records, newest deletion first.
type DeletedQuery struct {
	OrgID  int64
	Module string
	// Type is DeletedAll, DeletedRecycle (deleted after Cutoff) or DeletedPermanent (at or before it).
	Type   string
	Cutoff time.Time
	// ModifiedSince, when not zero, keeps the entries deleted after it.
	ModifiedSince time.Time
	// OwnerID, when not 0, keeps the entries of records this user owned: data sharing (VisibleOwner).
	OwnerID       int64
	Offset, Limit int
}

// DeletedTx is the store's view of the recycle bin.
type DeletedTx interface {
	// RecycleRecords moves the module's records among ids to the recycle bin, deleted by the user
	// by at the transaction's time: their rows leave records in the same transaction.
	RecycleRecords(ctx context.Context, orgID int64, module string, ids []int64, by int64) error
	// ListDeleted returns one page of deleted records, newest deletion first (ties by id, newest first).
	ListDeleted(ctx context.Context, q DeletedQuery) ([]DeletedRecord, error)
	// PurgeDeleted drops the values of the module's entries deleted at or before cutoff, keeping
	// their tombstones.
	PurgeDeleted(ctx context.Context, orgID int64, module string, cutoff time.Time) error
}

// DeletedRecordsQuery is a parsed Get Deleted Records request.
type DeletedRecordsQuery struct {
	Type          string
	Page, PerPage int
	ModifiedSince time.Time
}

// ParseDeletedQuery reads Get Deleted Records' type, page and per_page through get.
func ParseDeletedQuery(get func(string) (string, bool)) (DeletedRecordsQuery, error) {
	q := DeletedRecordsQuery{Type: DeletedAll, Page: 1, PerPage: MaxPerPage}
	if raw, ok := get("type"); ok {
		switch t := strings.ToLower(strings.TrimSpace(raw)); t {
		case DeletedAll, DeletedRecycle, DeletedPermanent:
			q.Type = t
		default:
			return q, ErrPatternNotMatched("type")
		}
	}
	_, err := readPaging(get, &q.Page, &q.PerPage)
	return q, err
}

// ErrPatternNotMatched is Get Deleted Records' 400 PATTERN_NOT_MATCHED for a parameter whose value
// is not one it takes; Zoho answers it as an element of "data" (see DeletedError).
func ErrPatternNotMatched(param string) *Error {
	return NewError(http.StatusBadRequest, "PATTERN_NOT_MATCHED", MsgCheckInputValues, map[string]any{"param_name": param})
}

// DeletedEntry is one element of Get Deleted Records' data, in Zoho's key order.
type DeletedEntry struct {
	DeletedBy   *UserName `json:"deleted_by"`
	ID          string    `json:"id"`
	DisplayName *string   `json:"display_name"`
	Type        string    `json:"type"`
	CreatedBy   *UserName `json:"created_by"`
	DeletedTime string    `json:"deleted_time"`
}

// UserName is a user as Get Deleted Records names one: {"name","id"}.
type UserName struct {
	Name string `json:"name"`
	ID   string `json:"id"`
}

// DeletedInfo is Get Deleted Records' info, in Zoho's key order.
type DeletedInfo struct {
	PerPage     int  `json:"per_page"`
	Count       int  `json:"count"`
	Page        int  `json:"page"`
	MoreRecords bool `json:"more_records"`
}

// ListDeletedRecords returns one page of module m's deleted records that actor may see; no
// entries means 204 for the caller.
func ListDeletedRecords(ctx context.Context, tx Tx, actor Actor, m catalog.Module, q DeletedRecordsQuery) ([]DeletedEntry, DeletedInfo, error) {
	owner, err := VisibleOwner(ctx, tx, actor, m.APIName)
	if err != nil {
		return nil, DeletedInfo{}, err
	}
	cutoff := tx.Now().Add(-recycleBinTTL)
	recs, err := tx.ListDeleted(ctx, DeletedQuery{OrgID: actor.Org.ID, Module: m.APIName, Type: q.Type, Cutoff: cutoff,
		ModifiedSince: q.ModifiedSince, OwnerID: owner, Offset: (q.Page - 1) * q.PerPage, Limit: q.PerPage + 1})
	if err != nil {
		return nil, DeletedInfo{}, err
	}
	more := len(recs) > q.PerPage
	if more {
		recs = recs[:q.PerPage]
	}
	users, err := tx.Users(ctx, actor.Org.ID)
	if err != nil {
		return nil, DeletedInfo{}, err
	}
	names := make(map[int64]string, len(users))
	for _, u := range users {
		names[u.ID] = u.FullName()
	}
	user := func(id int64) *UserName { return &UserName{Name: names[id], ID: FormatID(id)} }
	out := make([]DeletedEntry, len(recs))
	for i, d := range recs {
		e := DeletedEntry{ID: FormatID(d.ID), Type: DeletedPermanent, DeletedTime: FormatTime(d.DeletedTime)}
		if d.DeletedTime.After(cutoff) && d.Data != nil {
			name := displayName(m, d.Record)
			e.Type, e.DeletedBy, e.CreatedBy, e.DisplayName = DeletedRecycle, user(d.DeletedBy), user(d.CreatedBy), &name
		}
		out[i] = e
	}
	return out, DeletedInfo{PerPage: q.PerPage, Count: len(out), Page: q.Page, MoreRecords: more}, nil
}

// recycle moves records of module (ids) to the recycle bin as deleted by actor, and purges the
// module's entries older than the recycle bin keeps (lazily, here, in a transaction that writes).
func recycle(ctx context.Context, tx Tx, org, by int64, module string, ids []int64) error {
	if err := tx.RecycleRecords(ctx, org, module, ids, by); err != nil {
		return err
	}
	return tx.PurgeDeleted(ctx, org, module, tx.Now().Add(-recycleBinTTL))
}

// displayName is a deleted record's display_name: the name a lookup shows for it, and for a note
// (whose module has no name field) its title, else its content.
func displayName(m catalog.Module, rec Record) string {
	if name := RecordName(m, rec); name != "" || m.APIName != "Notes" {
		return name
	}
	for _, f := range []string{"Note_Title", "Note_Content"} {
		if s, _ := rec.Data[f].(string); s != "" {
			return s
		}
	}
	return ""
}
