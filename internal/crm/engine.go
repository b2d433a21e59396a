package crm

// The cadence engine runs enrolments' follow-ups (seed 002: "sequential communications, like
// emails, calls, or tasks"). Zoho's pages describe what a follow-up is, not when exactly it runs;
// zcrm chooses, and the tests pin, the following:
//   - Enrolling schedules the cadence's root follow-ups (no parent_follow_up) at the enrolment time
//     plus their execute_after; when a follow-up runs, its children are scheduled at its own run
//     time plus theirs. A child with triggers waits instead: "Completed" for the task or call its
//     parent made (fired when that record's Status, or a call's Call_Status, becomes Completed),
//     "Replied" for its parent's email (the control plane's reply). Other triggers never fire.
//   - Periods: minutes, hours, days, weeks, months (calendar), business_days (Monday to Friday) and
//     business_hours (09:00 to 17:00 UTC, Monday to Friday). A step runs "at" its due time: the
//     task it makes is created then, its dates count from then; a step due while its cadence was
//     inactive runs once, at the reactivation.
//   - A task follow-up makes a Tasks record, a call follow-up (schedule_call) a scheduled Calls
//     record, from the action's field_mappings (static values; execution_time values counted from
//     the run time; ${CURRENTUSER} and a missing Owner are the cadence's creator), with Subject,
//     Call_Type and Call_Start_Time filled when the mapping leaves them out. The record is linked
//     as Zoho links activities: a Contact by Who_Id, any other record by What_Id with $se_module.
//   - An email follow-up (email_notifications) writes a message to the outbox (GET /__zcrm/emails)
//     to the record's Email: subject and body from the action's details (subject, body) or its
//     name, with ${Module.Field} placeholders filled from the record; WhatsApp follow-ups are
//     outbox messages to its Phone/Mobile. A record without the address fails that step.
//   - Un-enrolment: manual (seed 000) stops pending steps at once; an end_date rule ends the
//     enrolment at 00:00 UTC of that date; automatic_unenroll ends it when the record replies to a
//     cadence email. A deactivated cadence's steps wait; a deleted cadence's or record's never run.
//   - Enrolment by custom view (engine_enrol.go): a published, active custom_view cadence enrols a
//     record of its module when an insert or update leaves it in the view (Criteria.Match, the
//     evaluator of cvid lists), as the cadence's creator, once per record and cadence: a record
//     ever enrolled in it (since un-enrolled or not) is not enrolled again, and neither is one that
//     matches the cadence's criteria unenrol rule. Only active cadences look: a record entering the
//     view while the cadence is inactive is enrolled by its next write after reactivation, not by
//     the reactivation. Zoho's help names the view as the enrolment criteria and the unenrol rules
//     (goal reached, end date, criteria) as the way out, so a record leaving the view stays enrolled.
//   - process_existing_records (publish's body, Zoho's §4.8): the records already in the view, not
//     enrolled before and not matching the criteria rule, are enrolled in one SQL pass (criteriaSQL)
//     in the publish's transaction when the published cadence is active (a merged edit), else at
//     its next activation (a first publish leaves it inactive; activate takes no such option). The
//     wish waits as a cadence_steps row in state 'mark' (store/engine_views.go).
//   - execute_every (Zoho: "execute immediately after each enrollment trigger", or every N hours,
//     days, weeks) is a custom-view cadence's evaluation period: a record is enrolled when it
//     enters the view, and its root follow-ups count their execute_after from the cadence's next
//     evaluation tick at or after that moment: every N hours from 00:00 UTC, every N days at 00:00
//     UTC, every N weeks on Mondays 00:00 UTC, counted from the Unix epoch; "immediately" (or none):
//     the enrolment time. Manual enrolments start at once.
//   - The criteria unenrol rule (unenroll_properties type criteria, details.criteria Zoho's criteria
//     object, compiled as a custom view's): an update that leaves an enrolled record matching it
//     ends the enrolment (reason "criteria", by the cadence's creator), in any active cadence of the
//     module, manual or custom-view; a rule whose criteria does not compile never fires.
//     followup_criteria rules are stored and never fire.
//   - Progress (engine_progress.go): a record's cadence rows add next_follow_up and follow_ups.
//   - Exactly once: a step, what it made and its children's scheduling commit in one transaction;
//     a step is one row keyed by (enrolment, follow-up); several processes claim due steps with
//     FOR UPDATE SKIP LOCKED on PostgreSQL (SQLite has one writer).

import (
	"context"
	"time"
)

// Step states.
const (
	StepPending   = "pending"
	StepWaiting   = "waiting"
	StepDone      = "done"
	StepFailed    = "failed"
	StepCancelled = "cancelled"
)

// StepEndDate is the follow-up id of an enrolment's end-date step (an end_date unenrol rule).
const StepEndDate = "end_date"

// EndEndDate and EndReplied are the end reasons of enrolments the engine ends.
const (
	EndEndDate = "end_date"
	EndReplied = "respond_email"
)

// Step is one follow-up of one enrolment, once scheduled.
type Step struct {
	OrgID        int64
	EnrollmentID int64
	FollowUpID   string
	CadenceID    int64
	RecordID     int64
	State        string
	Due          time.Time
	ParentResult int64 // waiting: the parent's task, call or message
	ResultID     int64 // done: what the step made
	Executed     time.Time
	Error        string
}

// Message is one email or WhatsApp message a follow-up sent (the control plane's outbox).
type Message struct {
	ID           int64
	OrgID        int64
	EnrollmentID int64
	CadenceID    int64
	FollowUpID   string
	Module       string
	RecordID     int64
	Channel      string // email | whatsapp
	To           string
	Subject      string
	Body         string
	Sent         time.Time
	Replied      time.Time // zero until the record replies
	Delivery     string    // outbox | queued | delivered | failed: <reason>
}

// Message deliveries.
const (
	DeliveryOutbox = "outbox" // kept in the outbox only
	DeliveryQueued = "queued" // to be sent over SMTP
	DeliverySent   = "delivered"
)

// MessageFilter selects outbox messages, newest first.
type MessageFilter struct {
	OrgID    int64 // 0: every org
	RecordID int64 // 0: every record
	Limit    int
}

// EngineTx is the cadence engine's storage.
type EngineTx interface {
	// SetNow makes Now answer at for the rest of the transaction (the zero time: the clock again).
	SetNow(at time.Time)
	// InsertSteps stores steps; a step whose enrolment already has that follow-up is left alone.
	InsertSteps(ctx context.Context, steps []Step) error
	// ClaimDueSteps returns up to limit pending steps due at or before now whose enrolment is live
	// and whose cadence is active, earliest first, each held by this transaction alone.
	ClaimDueSteps(ctx context.Context, now time.Time, limit int) ([]Step, error)
	// CancelDeadSteps cancels the pending and waiting steps due at or before now whose enrolment
	// ended or whose cadence is gone.
	CancelDeadSteps(ctx context.Context, now time.Time) error
	// UpdateStep writes a step's state, due time, parent result, result, run time and error.
	UpdateStep(ctx context.Context, s Step) error
	// UpdateSteps writes UpdateStep's columns of several steps at once.
	UpdateSteps(ctx context.Context, steps []Step) error
	// WaitingSteps returns the org's waiting steps whose parent result is among results.
	WaitingSteps(ctx context.Context, orgID int64, results []int64) ([]Step, error)
	// EnrollmentSteps returns the steps of the enrolments, in due order.
	EnrollmentSteps(ctx context.Context, orgID int64, enrollmentIDs []int64) ([]Step, error)
	// CadenceSteps returns every step of the cadence.
	CadenceSteps(ctx context.Context, orgID, cadenceID int64) ([]Step, error)
	// NextDue returns the earliest due time of a pending step of an active cadence and live
	// enrolment, and false when there is none.
	NextDue(ctx context.Context) (time.Time, bool, error)
	// LiveEnrollmentIDs returns the ids of the live enrolments of the records in the cadence.
	LiveEnrollmentIDs(ctx context.Context, orgID, cadenceID int64, recordIDs []int64) (map[int64]int64, error)

	// EngineCadences returns the org's published, active cadences of module (draft copies aside)
	// that the record hook must look at: those that enrol by custom view and those with a criteria
	// unenrol rule (a cheap text test that may also return others). One indexed query: the whole
	// cost of a record write in a module without such cadences.
	EngineCadences(ctx context.Context, orgID int64, module string) ([]Cadence, error)
	// EverEnrolled returns which of recordIDs have an enrolment in the cadence, live or ended.
	EverEnrolled(ctx context.Context, orgID, cadenceID int64, recordIDs []int64) (map[int64]bool, error)
	// ViewRecordIDs returns, in id order, the records of module that match in (nil: every record),
	// do not match out (nil: none does) and were never enrolled in the cadence: one SQL pass.
	ViewRecordIDs(ctx context.Context, orgID int64, module string, cadenceID int64, in, out *Criteria) ([]int64, error)
	// MarkProcessExisting records that the cadence's next activation enrols the records already in
	// its view (publish's process_existing_records on a cadence publish leaves inactive).
	MarkProcessExisting(ctx context.Context, orgID, cadenceID int64) error
	// TakeProcessExisting removes that mark and reports whether it was there.
	TakeProcessExisting(ctx context.Context, orgID, cadenceID int64) (bool, error)
	// MessagesByID returns the messages among ids, keyed by id.
	MessagesByID(ctx context.Context, orgID int64, ids []int64) (map[int64]Message, error)

	// InsertMessage stores an outbox message.
	InsertMessage(ctx context.Context, m Message) error
	// Messages returns outbox messages, newest first.
	Messages(ctx context.Context, f MessageFilter) ([]Message, error)
	// MessageByID returns one message, or ErrNotFound.
	MessageByID(ctx context.Context, id int64) (Message, error)
	// QueuedMessages returns up to limit messages waiting for SMTP delivery, oldest first.
	QueuedMessages(ctx context.Context, limit int) ([]Message, error)
	// UpdateMessage writes a message's replied time and delivery.
	UpdateMessage(ctx context.Context, m Message) error
}
