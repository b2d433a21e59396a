package console

import (
	"context"
	"strconv"
	"strings"

	"github.com/zcrm/zcrm/internal/crm"
)

// An enrolment's progress, as the cadence engine's steps show it (crm/engine.go): the follow-up it
// is at, when that follow-up is due and how its follow-ups ended. The record page reads it from
// the record's cadence rows (crm.RecordCadenceRow's next_follow_up and follow_ups, what the API's
// Entity_Cadences_<module> list answers); the cadence page reads the steps of its enrolments the
// same way (progressOf).

// progress is one enrolment's walk through its cadence, in words.
type progress struct {
	// Current is the next follow-up to run, "Follow-up 2: schedule call", marked "(waiting for
	// its trigger)" when it waits for one; "Finished" when none is left; "Ended" once
	// un-enrolled; "" before the engine scheduled any.
	Current string
	// NextDue is when Current runs, "" when it waits for a trigger or there is none.
	NextDue string
	Tally   crm.FollowUpTally
}

// Outcomes words the tally: "1 done · 1 pending".
func (p progress) Outcomes() string {
	var parts []string
	for _, c := range []struct {
		n    int
		word string
	}{{p.Tally.Done, "done"}, {p.Tally.Failed, "failed"}, {p.Tally.Cancelled, "cancelled"}, {p.Tally.Pending, "pending"}, {p.Tally.Waiting, "waiting"}} {
		if c.n > 0 {
			parts = append(parts, strconv.Itoa(c.n)+" "+c.word)
		}
	}
	if len(parts) == 0 {
		return "no steps yet"
	}
	return strings.Join(parts, " · ")
}

// followUpWords names each follow-up of a cadence by its place and action: id → "Follow-up 2:
// schedule call".
func followUpWords(fus []map[string]any) map[string]string {
	out := make(map[string]string, len(fus))
	for i, fu := range fus {
		s := timelineStep(fu)
		out[s.ID] = "Follow-up " + strconv.Itoa(i+1) + ": " + s.Action
	}
	return out
}

// describe words an enrolment's next follow-up and tally; words names the cadence's follow-ups.
func describe(live bool, next *crm.NextFollowUp, tally *crm.FollowUpTally, words map[string]string) progress {
	var p progress
	if tally != nil {
		p.Tally = *tally
	}
	switch {
	case !live:
		if p.Tally != (crm.FollowUpTally{}) {
			p.Current = "Ended"
		}
	case next != nil:
		p.Current = words[next.ID]
		if p.Current == "" {
			p.Current = "Follow-up " + next.ID
		}
		if next.DueTime != nil {
			p.NextDue = *next.DueTime
		} else {
			p.Current += " (waiting for its trigger)"
		}
	case p.Tally.Done+p.Tally.Failed+p.Tally.Cancelled > 0:
		p.Current = "Finished"
	}
	return p
}

// progressOf reads the steps of the cadence's enrolments (crm.EngineTx.EnrollmentSteps, one
// query) and sums each up as crm.RecordCadences does for a record's: the next follow-up is the
// earliest pending one, else the first waiting one; an ended enrolment's pending and waiting
// follow-ups count as cancelled.
func progressOf(ctx context.Context, tx crm.Tx, orgID int64, es []crm.Enrollment, words map[string]string) (map[int64]progress, error) {
	ids := make([]int64, len(es))
	for i, e := range es {
		ids[i] = e.ID
	}
	steps, err := tx.EnrollmentSteps(ctx, orgID, ids)
	if err != nil {
		return nil, err
	}
	byEnrolment := map[int64][]crm.Step{}
	for _, s := range steps { // in due order
		if s.FollowUpID != crm.StepEndDate { // the end-date rule, not a follow-up
			byEnrolment[s.EnrollmentID] = append(byEnrolment[s.EnrollmentID], s)
		}
	}
	out := make(map[int64]progress, len(es))
	for _, e := range es {
		var tally crm.FollowUpTally
		var next, waiting *crm.NextFollowUp
		for _, s := range byEnrolment[e.ID] {
			state := s.State
			if !e.Live() && (state == crm.StepPending || state == crm.StepWaiting) {
				state = crm.StepCancelled
			}
			switch state {
			case crm.StepDone:
				tally.Done++
			case crm.StepPending:
				tally.Pending++
				if next == nil {
					due := s.Due.UTC().Format(crm.RecordCadenceTimeLayout)
					next = &crm.NextFollowUp{ID: s.FollowUpID, DueTime: &due}
				}
			case crm.StepWaiting:
				tally.Waiting++
				if waiting == nil {
					waiting = &crm.NextFollowUp{ID: s.FollowUpID}
				}
			case crm.StepFailed:
				tally.Failed++
			default:
				tally.Cancelled++
			}
		}
		if next == nil {
			next = waiting
		}
		out[e.ID] = describe(e.Live(), next, &tally, words)
	}
	return out, nil
}
