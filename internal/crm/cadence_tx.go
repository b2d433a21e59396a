package crm

import "context"

// Ways an enrolment ends.
const (
	EndManual         = "manual"
	EndRecordDeleted  = "record_deleted"
	EndCadenceDeleted = "cadence_deleted"
)

// CadenceTx is the store's view of cadences and enrolments. Lookups return ErrNotFound.
type CadenceTx interface {
	// EndEnrollmentsOf ends every live enrolment of recordIDs with the given reason.
	EndEnrollmentsOf(ctx context.Context, orgID int64, recordIDs []int64, reason string, by int64) error
}
