package crm

import (
	"context"
	"time"
)

// Ways an enrolment ends.
const (
	EndManual         = "manual"
	EndRecordDeleted  = "record_deleted"
	EndCadenceDeleted = "cadence_deleted"
)

// Enrollment is one enrolment of a record in a cadence. It is live while EndedTime is zero; ended
// enrolments stay as history.
type Enrollment struct {
	ID        int64
	OrgID     int64
	CadenceID int64
	// CadenceName is the cadence's current name, or its name at enrolment once it is deleted.
	CadenceName  string
	Module       string
	RecordID     int64
	EnrolledTime time.Time
	EnrolledBy   int64
	EndedTime    time.Time // zero while live
	EndedBy      int64
	EndReason    string // EndManual, EndRecordDeleted or EndCadenceDeleted once ended
}

// Live reports whether the enrolment has not ended.
func (e Enrollment) Live() bool { return e.EndedTime.IsZero() }

// CadenceFilter narrows a listing of cadences. Draft copies of published cadences are never listed.
type CadenceFilter struct {
	Module string // module api name; "" for every module
	Active *bool  // nil for both
	// Name, when set, keeps cadences whose name matches it (case-insensitively).
	Name *NameCriterion
}

// NameCriterion compares cadence names with Value: Comparator is equal, not_equal, contains,
// not_contains, starts_with or ends_with.
type NameCriterion struct {
	Comparator string
	Value      string
}

// CadenceTx is the store's view of cadences and enrolments. Lookups return ErrNotFound; writes that
// would give two cadences of an org the same name (case-insensitively; draft copies aside) return
// ErrDuplicate.
type CadenceTx interface {
	InsertCadence(ctx context.Context, c Cadence) error
	// UpdateCadence rewrites every column of the cadence with c's id.
	UpdateCadence(ctx context.Context, c Cadence) error
	// DeleteCadence removes the cadence and its draft copy, if any. Enrolments stay.
	DeleteCadence(ctx context.Context, orgID, id int64) error
	Cadence(ctx context.Context, orgID, id int64) (Cadence, error)
	// CadenceDraft returns the draft copy of the published cadence parentID.
	CadenceDraft(ctx context.Context, orgID, parentID int64) (Cadence, error)
	// CadenceByName returns the cadence (not a draft copy) named name, case-insensitively.
	CadenceByName(ctx context.Context, orgID int64, name string) (Cadence, error)
	// CadencesByID returns the cadences among ids, keyed by id; missing ids are absent.
	CadencesByID(ctx context.Context, orgID int64, ids []int64) (map[int64]Cadence, error)
	// Cadences returns one page of the org's cadences, oldest first.
	Cadences(ctx context.Context, orgID int64, f CadenceFilter, limit, offset int) ([]Cadence, error)
	// CountActiveCadences counts the org's active cadences of module ("" for every module).
	CountActiveCadences(ctx context.Context, orgID int64, module string) (int, error)

	// Enroll starts an enrolment for every element of es whose cadence and record have no live one,
	// and returns those; the others are left as they are.
	Enroll(ctx context.Context, es []Enrollment) (started []Enrollment, err error)
	// EndEnrollments ends every live enrolment of the records in the cadences.
	EndEnrollments(ctx context.Context, orgID int64, cadenceIDs, recordIDs []int64, reason string, by int64) error
	// EndCadenceEnrollments ends every live enrolment in the cadence.
	EndCadenceEnrollments(ctx context.Context, orgID, cadenceID int64, reason string, by int64) error
	// EndEnrollmentsOf ends every live enrolment of recordIDs with the given reason.
	EndEnrollmentsOf(ctx context.Context, orgID int64, recordIDs []int64, reason string, by int64) error
	// RecordEnrollments returns one page of the record's enrolments, live and ended, newest first.
	RecordEnrollments(ctx context.Context, orgID, recordID int64, limit, offset int) ([]Enrollment, error)
	// CadenceEnrollments returns one page of the cadence's enrolments, live and ended, newest first.
	CadenceEnrollments(ctx context.Context, orgID, cadenceID int64, limit, offset int) ([]Enrollment, error)
}
