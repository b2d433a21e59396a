package console

import (
	"context"
	"errors"
	"net/http"

	"github.com/zcrm/zcrm/internal/crm"
)

// The email outbox: the messages the cadence engine's email and WhatsApp follow-ups sent for the
// org's records (crm.EngineTx.Messages, what GET /__zcrm/emails lists), newest first, each with a
// "simulate reply" button that records the record's reply through the control plane
// (admin.Service.Reply, POST /__zcrm/emails/{id}/reply), which un-enrols the record where the
// cadence's automatic_unenroll asks for it and runs the follow-ups the reply triggers.

// maxOutbox is how many messages the page lists.
const maxOutbox = 200

// outboxData is the outbox page.
type outboxData struct {
	Messages []outboxMessage
	Full     bool // the page holds maxOutbox messages: older ones are not shown
}

// outboxMessage is one message with the names of its record, cadence and follow-up.
type outboxMessage struct {
	crm.Message
	RecordName, CadenceName, FollowUp string
}

func (c *Console) outboxPage(w http.ResponseWriter, r *http.Request) {
	v := c.newView("Email outbox", "outbox")
	d := &outboxData{}
	v.Data = d
	c.read(w, r, "outbox", v, func(ctx context.Context, tx crm.Tx) error {
		if err := orgView(ctx, tx, r, v); err != nil {
			return err
		}
		ms, err := tx.Messages(ctx, crm.MessageFilter{OrgID: v.Org.ID, Limit: maxOutbox})
		if err != nil {
			return err
		}
		d.Full = len(ms) == maxOutbox
		d.Messages, err = namedMessages(ctx, tx, v.Org, ms)
		return err
	})
}

// namedMessages names each message's record (by module, through the records service), cadence
// and follow-up.
func namedMessages(ctx context.Context, tx crm.Tx, org crm.Org, ms []crm.Message) ([]outboxMessage, error) {
	byModule := map[string][]int64{}
	var cadenceIDs []int64
	for _, m := range ms {
		byModule[m.Module] = append(byModule[m.Module], m.RecordID)
		cadenceIDs = append(cadenceIDs, m.CadenceID)
	}
	names := map[int64]string{}
	for module, ids := range byModule {
		mod, err := crm.ResolveModule(ctx, tx, org, module)
		if errors.Is(err, crm.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		got, err := recordNames(ctx, tx, org, mod, ids)
		if err != nil {
			return nil, err
		}
		for id, n := range got {
			names[id] = n
		}
	}
	cads, err := tx.CadencesByID(ctx, org.ID, cadenceIDs)
	if err != nil {
		return nil, err
	}
	out := make([]outboxMessage, len(ms))
	for i, m := range ms {
		o := outboxMessage{Message: m, RecordName: names[m.RecordID], FollowUp: "follow-up " + m.FollowUpID}
		if o.RecordName == "" {
			o.RecordName = m.Module + " " + crm.FormatID(m.RecordID)
		}
		if c, ok := cads[m.CadenceID]; ok {
			o.CadenceName = c.Name
			if w := followUpWords(c.FollowUps)[m.FollowUpID]; w != "" {
				o.FollowUp = w
			}
		} else {
			o.CadenceName = crm.FormatID(m.CadenceID) + " (deleted)"
		}
		out[i] = o
	}
	return out, nil
}

// replyEmail simulates the record's reply to one of the org's messages.
func (c *Console) replyEmail(w http.ResponseWriter, r *http.Request) {
	target := orgPath(r) + "/outbox"
	ctx := r.Context()
	id, ok := crm.ParseID(r.PathValue("id"))
	err := c.cfg.Admin.Store.Read(ctx, func(tx crm.Tx) error {
		org, err := orgOf(r)(ctx, tx)
		if err != nil || !ok {
			return crm.ErrNotFound
		}
		m, err := tx.MessageByID(ctx, id)
		if err == nil && m.OrgID != org.ID {
			err = crm.ErrNotFound // another org's message is indistinguishable from a missing one
		}
		return err
	})
	if err == nil {
		_, err = c.cfg.Admin.Reply(ctx, id)
	}
	switch {
	case errors.Is(err, crm.ErrNotFound):
		done(w, r, target, "", "No such message in this org.")
	case err != nil:
		done(w, r, target, "", c.fail(r, err))
	default:
		done(w, r, target, "Reply recorded.", "")
	}
}
