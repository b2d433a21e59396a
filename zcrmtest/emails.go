package zcrmtest

import (
	"context"

	"github.com/zcrm/zcrm/internal/crm"
)

// Email is one message of the cadence engine's outbox (GET /__zcrm/emails): an email or WhatsApp
// follow-up a cadence sent to a record.
type Email struct {
	ID, OrgID, Channel, To, Subject, Body, Module, RecordID, CadenceID, FollowUpID string
	SentTime, RepliedTime, Delivery                                                string
}

// Emails returns the org's outbox, newest first ("" org: every org's).
func (s *Server) Emails(org Org) []Email {
	if s.tb != nil {
		s.tb.Helper()
	}
	var f crm.MessageFilter
	if org.ID != "" {
		id, err := parseID("org", org.ID)
		if err != nil {
			s.fail(err)
			return nil
		}
		f.OrgID = id
	}
	ms, err := s.admin.Emails(context.Background(), f)
	if err != nil {
		s.fail(err)
	}
	out := make([]Email, len(ms))
	for i, m := range ms {
		out[i] = Email{ID: m.ID, OrgID: m.OrgID, Channel: m.Channel, To: m.To, Subject: m.Subject, Body: m.Body, Module: m.Module,
			RecordID: m.RecordID, CadenceID: m.CadenceID, FollowUpID: m.FollowUpID, SentTime: m.SentTime, Delivery: m.Delivery}
		if m.RepliedTime != nil {
			out[i].RepliedTime = *m.RepliedTime
		}
	}
	return out
}

// ReplyToEmail makes the record reply to an outbox email, as POST /__zcrm/emails/{id}/reply does:
// follow-ups waiting for the reply are released and run when due, and a cadence that un-enrols on
// a reply (automatic_unenroll) un-enrols the record.
func (s *Server) ReplyToEmail(id string) {
	if s.tb != nil {
		s.tb.Helper()
	}
	n, err := parseID("email", id)
	if err == nil {
		_, err = s.admin.Reply(context.Background(), n)
	}
	if err != nil {
		s.fail(err)
	}
}
