package crm

import (
	"context"
	"errors"
	"slices"
	"time"
)

// Events that release waiting follow-ups (engine.go): a task or call the engine made is completed,
// a record replies to a cadence email.

// fireTriggers makes the org's steps waiting on results for the trigger pending, due at now plus
// their execute_after. A step waiting for another trigger keeps waiting.
func fireTriggers(ctx context.Context, tx Tx, orgID int64, results []int64, trigger string) error {
	waiting, err := tx.WaitingSteps(ctx, orgID, results)
	if err != nil || len(waiting) == 0 {
		return err
	}
	now := tx.Now()
	cadences := map[int64]*Cadence{}
	for _, s := range waiting {
		c, ok := cadences[s.CadenceID]
		if !ok {
			got, err := tx.Cadence(ctx, orgID, s.CadenceID)
			if err != nil && !errors.Is(err, ErrNotFound) {
				return err
			}
			if err == nil {
				c = &got
			}
			cadences[s.CadenceID] = c
		}
		if c == nil {
			continue
		}
		i := slices.IndexFunc(c.FollowUps, func(fu map[string]any) bool { return followUpID(fu) == s.FollowUpID })
		if i < 0 || !hasTrigger(c.FollowUps[i], trigger) {
			continue
		}
		s.State, s.Due = StepPending, addPeriod(now, c.FollowUps[i]["execute_after"])
		if err := tx.UpdateStep(ctx, s); err != nil {
			return err
		}
	}
	return nil
}

func hasTrigger(fu map[string]any, trigger string) bool {
	triggers, _ := fu["triggers"].([]any)
	for _, t := range triggers {
		if s, _ := t.(string); s == trigger {
			return true
		}
	}
	return false
}

// activitiesCompleted fires the Completed trigger of the follow-ups waiting on the records, those
// of recs that are Tasks or Calls whose Status (a call's Outgoing_Call_Status or Call_Status) is
// Completed. UpdateRecords calls it with the records it changed.
func activitiesCompleted(ctx context.Context, tx Tx, orgID int64, module string, recs []Record) error {
	if module != "Tasks" && module != "Calls" {
		return nil
	}
	var done []int64
	for _, r := range recs {
		for _, f := range []string{"Status", "Outgoing_Call_Status", "Call_Status"} {
			if r.Data[f] == "Completed" {
				done = append(done, r.ID)
				break
			}
		}
	}
	if len(done) == 0 {
		return nil
	}
	return fireTriggers(ctx, tx, orgID, done, TriggerCompleted)
}

// ReplyToMessage records a reply from the record to a cadence email (the control plane's
// POST /__zcrm/emails/{id}/reply): the message is marked replied, follow-ups waiting for Replied
// are released, and a cadence with the automatic_unenroll rule un-enrols the record. A second
// reply changes nothing. It returns the message.
func ReplyToMessage(ctx context.Context, tx Tx, id int64) (Message, error) {
	m, err := tx.MessageByID(ctx, id)
	if err != nil {
		return Message{}, err
	}
	if !m.Replied.IsZero() {
		return m, nil
	}
	m.Replied = tx.Now()
	if err := tx.UpdateMessage(ctx, m); err != nil {
		return Message{}, err
	}
	if err := fireTriggers(ctx, tx, m.OrgID, []int64{m.ID}, TriggerReplied); err != nil {
		return Message{}, err
	}
	c, err := tx.Cadence(ctx, m.OrgID, m.CadenceID)
	if errors.Is(err, ErrNotFound) {
		return m, nil
	} else if err != nil {
		return Message{}, err
	}
	if hasRule(c, "automatic_unenroll") {
		if err := tx.EndEnrollments(ctx, m.OrgID, []int64{c.ID}, []int64{m.RecordID}, EndReplied, c.CreatedBy); err != nil {
			return Message{}, err
		}
	}
	return m, nil
}

// DueWork reports the earliest time a follow-up is due (ok false: none scheduled).
func DueWork(ctx context.Context, tx Tx) (time.Time, bool, error) { return tx.NextDue(ctx) }
