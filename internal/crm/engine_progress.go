package crm

import (
	"context"
	"errors"
	"slices"
)

// Progress of enrolments as a record's cadence rows show it (zcrm's additions to Zoho's
// Entity_Cadences_<module> row; README "Cadences that run").

// NextFollowUp is an enrolment's next follow-up: the earliest one scheduled to run, else one
// waiting for its trigger (DueTime nil: it has no time until the trigger fires).
type NextFollowUp struct {
	ID      string  `json:"id"`
	Type    string  `json:"type"`
	DueTime *string `json:"due_time"`
}

// FollowUpTally counts an enrolment's follow-ups by state: done (ran), pending (scheduled),
// waiting (for a trigger), failed (ran and could not act, e.g. no Email), cancelled (will not
// run: the enrolment ended, or the follow-up was edited away). Follow-ups never scheduled (the
// children of one not yet run) are in none.
type FollowUpTally struct {
	Done      int `json:"done"`
	Pending   int `json:"pending"`
	Waiting   int `json:"waiting"`
	Failed    int `json:"failed"`
	Cancelled int `json:"cancelled"`
}

// enrolmentProgress fills the rows' next_follow_up and follow_ups from the enrolments' steps, in
// one query. An ended enrolment has no next follow-up, and its pending and waiting follow-ups
// count as cancelled (the engine cancels them once they are due).
func enrolmentProgress(ctx context.Context, tx Tx, orgID int64, es []Enrollment, rows []RecordCadenceRow) error {
	ids := make([]int64, len(es))
	for i, e := range es {
		ids[i] = e.ID
	}
	steps, err := tx.EnrollmentSteps(ctx, orgID, ids)
	if err != nil {
		return err
	}
	byEnrolment := map[int64][]*Step{}
	for j := range steps {
		if s := &steps[j]; s.FollowUpID != StepEndDate {
			byEnrolment[s.EnrollmentID] = append(byEnrolment[s.EnrollmentID], s)
		}
	}
	cadences := map[int64]*Cadence{}
	for i, e := range es {
		tally := FollowUpTally{}
		var next, waiting *Step
		for _, s := range byEnrolment[e.ID] {
			state := s.State
			if !e.Live() && (state == StepPending || state == StepWaiting) {
				state = StepCancelled
			}
			switch state {
			case StepDone:
				tally.Done++
			case StepPending:
				tally.Pending++
				if next == nil { // steps come in due order
					next = s
				}
			case StepWaiting:
				tally.Waiting++
				if waiting == nil {
					waiting = s
				}
			case StepFailed:
				tally.Failed++
			default:
				tally.Cancelled++
			}
		}
		rows[i].FollowUps = &tally
		if next == nil {
			next = waiting
		}
		if next == nil {
			continue
		}
		c, ok := cadences[e.CadenceID]
		if !ok {
			got, err := tx.Cadence(ctx, orgID, e.CadenceID)
			if err != nil && !errors.Is(err, ErrNotFound) {
				return err
			}
			if err == nil {
				c = &got
			}
			cadences[e.CadenceID] = c
		}
		nf := &NextFollowUp{ID: next.FollowUpID}
		if c != nil {
			if k := slices.IndexFunc(c.FollowUps, func(fu map[string]any) bool { return followUpID(fu) == next.FollowUpID }); k >= 0 {
				action, _ := c.FollowUps[k]["action"].(map[string]any)
				nf.Type, _ = action["type"].(string)
			}
		}
		if next.State == StepPending {
			t := next.Due.UTC().Format(RecordCadenceTimeLayout)
			nf.DueTime = &t
		}
		rows[i].NextFollowUp = nf
	}
	return nil
}
