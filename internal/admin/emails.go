package admin

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/zcrm/zcrm/internal/crm"
)

// Runner runs the cadence engine's due follow-ups (engine.Engine): a clock move runs every step it
// made due before it answers.
type Runner interface {
	RunDue(ctx context.Context) (int, error)
}

// runDue runs the engine after a clock move, when this process has one.
func (s *Service) runDue(ctx context.Context) error {
	if s.Engine == nil {
		return nil
	}
	_, err := s.Engine.RunDue(ctx)
	return err
}

// OutboxMessage is one message of the cadence engine's outbox as the control plane shows it.
type OutboxMessage struct {
	ID          string  `json:"id"`
	OrgID       string  `json:"org_id"`
	Channel     string  `json:"channel"`
	To          string  `json:"to"`
	Subject     string  `json:"subject"`
	Body        string  `json:"body"`
	Module      string  `json:"module"`
	RecordID    string  `json:"record_id"`
	CadenceID   string  `json:"cadence_id"`
	FollowUpID  string  `json:"follow_up_id"`
	SentTime    string  `json:"sent_time"`
	RepliedTime *string `json:"replied_time"`
	Delivery    string  `json:"delivery"`
}

func outbox(m crm.Message) OutboxMessage {
	o := OutboxMessage{ID: crm.FormatID(m.ID), OrgID: crm.FormatID(m.OrgID), Channel: m.Channel, To: m.To, Subject: m.Subject,
		Body: m.Body, Module: m.Module, RecordID: crm.FormatID(m.RecordID), CadenceID: crm.FormatID(m.CadenceID),
		FollowUpID: m.FollowUpID, SentTime: m.Sent.UTC().Format(time.RFC3339), Delivery: m.Delivery}
	if !m.Replied.IsZero() {
		r := m.Replied.UTC().Format(time.RFC3339)
		o.RepliedTime = &r
	}
	return o
}

// Emails lists the outbox, newest first.
func (s *Service) Emails(ctx context.Context, f crm.MessageFilter) ([]OutboxMessage, error) {
	var ms []crm.Message
	err := s.Store.Read(ctx, func(tx crm.Tx) error {
		var err error
		ms, err = tx.Messages(ctx, f)
		return err
	})
	out := make([]OutboxMessage, len(ms))
	for i, m := range ms {
		out[i] = outbox(m)
	}
	return out, err
}

// Reply records the record's reply to an outbox message (crm.ReplyToMessage), then runs what it
// made due.
func (s *Service) Reply(ctx context.Context, id int64) (OutboxMessage, error) {
	var m crm.Message
	err := s.Store.Write(ctx, func(tx crm.Tx) error {
		var err error
		m, err = crm.ReplyToMessage(ctx, tx, id)
		return err
	})
	if err != nil {
		return OutboxMessage{}, err
	}
	return outbox(m), s.runDue(ctx)
}

// emails answers GET /__zcrm/emails[?org_id=&record_id=&limit=].
func (h *handler) emails(w http.ResponseWriter, r *http.Request, _ map[string]string) error {
	q := r.URL.Query()
	var f crm.MessageFilter
	for _, p := range []struct {
		name string
		dst  *int64
	}{{"org_id", &f.OrgID}, {"record_id", &f.RecordID}} {
		if raw := q.Get(p.name); raw != "" {
			id, ok := crm.ParseID(raw)
			if !ok {
				return invalid(p.name + " must be an id")
			}
			*p.dst = id
		}
	}
	if raw := q.Get("limit"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > 1000 {
			return invalid("limit must be 1 to 1000")
		}
		f.Limit = n
	}
	ms, err := h.svc.Emails(r.Context(), f)
	return answer(w, map[string]any{"emails": ms}, err)
}

// replyEmail answers POST /__zcrm/emails/{id}/reply.
func (h *handler) replyEmail(w http.ResponseWriter, r *http.Request, params map[string]string) error {
	id, ok := crm.ParseID(params["id"])
	if !ok {
		return invalid("the email id must be an id")
	}
	m, err := h.svc.Reply(r.Context(), id)
	if errors.Is(err, crm.ErrNotFound) {
		return &Error{http.StatusNotFound, "NOT_FOUND", "no email " + params["id"]}
	}
	return answer(w, m, err)
}
