// Package engine drives the cadence engine (crm/engine*.go): it runs due follow-ups on a ticker in
// real time, and all at once when the control plane moves the clock (RunDue, called before
// POST /__zcrm/clock/advance answers), and delivers queued emails over SMTP when zcrm serve has
// --smtp. Every process sharing a database runs one; they split the work through the store's
// claims (crm.EngineTx.ClaimDueSteps).
package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/smtp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/zcrm/zcrm/internal/crm"
)

// Batch is how many follow-ups one transaction runs.
const Batch = 200

// Engine runs due follow-ups of one store.
type Engine struct {
	Store crm.Store
	// SMTP is host:port of a mail server (a local sink such as Mailpit) that receives cadence
	// emails; "" keeps them in the outbox only.
	SMTP string
	// From is the sender address of SMTP deliveries.
	From string
	Log  *slog.Logger

	mu sync.Mutex // one RunDue at a time in this process
}

// queueWriter is a store with a write transaction for job-queue work (store.DB.WriteQueue).
type queueWriter interface {
	WriteQueue(ctx context.Context, fn func(crm.Tx) error) error
}

// write runs one batch of follow-ups: in the store's queue transaction when it has one.
func (e *Engine) write(ctx context.Context, fn func(crm.Tx) error) error {
	if q, ok := e.Store.(queueWriter); ok {
		return q.WriteQueue(ctx, fn)
	}
	return e.Store.Write(ctx, fn)
}

func (e *Engine) log() *slog.Logger {
	if e.Log == nil {
		return slog.Default()
	}
	return e.Log
}

// RunDue runs every follow-up due by the store's clock, in due order, and returns how many ran
// here. It returns once no due follow-up is left, including those another process claimed and
// is still running, so that a clock advance answers after all of its steps ran.
func (e *Engine) RunDue(ctx context.Context) (int, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	opts := crm.EngineOptions{QueueMail: e.SMTP != ""}
	// The clock may have moved in another process since this one last looked.
	if _, err := e.Store.SyncControl(ctx); err != nil {
		return 0, err
	}
	// Nothing due: no write at all, so an idle server's ticker commits nothing. Steps whose
	// enrolment ended or whose cadence is gone are never claimed (nor counted here); they are marked
	// cancelled once per run that has work (a sweep over every due step).
	if due, ok, err := e.nextDue(ctx); err != nil || !ok || due.After(e.Store.Now()) {
		return 0, err
	}
	if err := e.write(ctx, func(tx crm.Tx) error { return tx.CancelDeadSteps(ctx, tx.Now()) }); err != nil {
		return 0, err
	}
	total := 0
	for idle := 0; ; {
		n, err := e.drain(ctx, opts)
		total += n
		if err != nil {
			return total, err
		}
		if n > 0 {
			idle = 0
			continue
		}
		// Nothing to claim: done unless another process holds due steps it has not committed.
		due, ok, err := e.nextDue(ctx)
		if err != nil {
			return total, err
		}
		if !ok || due.After(e.Store.Now()) {
			return total, nil
		}
		if idle++; idle > 500 { // 5 s of someone else's claims
			return total, errors.New("engine: due follow-ups stay claimed by another process")
		}
		select {
		case <-ctx.Done():
			return total, ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// nextDue is the earliest due time of a follow-up a claim could take (crm.DueWork), false when none.
func (e *Engine) nextDue(ctx context.Context) (due time.Time, ok bool, err error) {
	err = e.Store.Read(ctx, func(tx crm.Tx) error {
		due, ok, err = crm.DueWork(ctx, tx)
		return err
	})
	return due, ok, err
}

// Workers is how many batches one process runs at once: a batch waits on its database round trips,
// and claims are disjoint (ClaimDueSteps skips steps another transaction holds), so a second one
// uses what the first leaves idle (PostgreSQL; on SQLite the two share the one writer's commits).
const Workers = 2

// drain runs batches of due follow-ups, Workers at a time, until a claim finds nothing due, and
// returns how many follow-ups ran.
func (e *Engine) drain(ctx context.Context, opts crm.EngineOptions) (int, error) {
	var total atomic.Int64
	errs := make([]error, Workers)
	var wg sync.WaitGroup
	for w := range Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				n := 0
				err := e.write(ctx, func(tx crm.Tx) error {
					var err error
					n, err = crm.RunDueSteps(ctx, tx, Batch, opts)
					return err
				})
				if err != nil {
					errs[w] = err
					return
				}
				total.Add(int64(n))
				if n == 0 {
					return
				}
			}
		}()
	}
	wg.Wait()
	return int(total.Load()), errors.Join(errs...)
}

// Run runs due follow-ups every interval until ctx ends, and delivers queued mail.
func (e *Engine) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, err := e.RunDue(ctx); err != nil && ctx.Err() == nil {
			e.log().Error("cadence engine", "err", err)
		}
		if e.SMTP != "" {
			if err := e.deliver(ctx); err != nil && ctx.Err() == nil {
				e.log().Error("cadence email delivery", "err", err)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// deliver sends queued emails over SMTP, outside any transaction, and records each outcome.
func (e *Engine) deliver(ctx context.Context) error {
	var queued []crm.Message
	if err := e.Store.Read(ctx, func(tx crm.Tx) error {
		var err error
		queued, err = tx.QueuedMessages(ctx, 50)
		return err
	}); err != nil || len(queued) == 0 {
		return err
	}
	for _, m := range queued {
		m.Delivery = crm.DeliverySent
		if err := e.send(m); err != nil {
			m.Delivery = "failed: " + err.Error()
		}
		if err := e.Store.Write(ctx, func(tx crm.Tx) error { return tx.UpdateMessage(ctx, m) }); err != nil {
			return err
		}
	}
	return nil
}

func (e *Engine) send(m crm.Message) error {
	from := e.From
	if from == "" {
		from = "cadences@zcrm.local"
	}
	msg := fmt.Sprintf("From: %s\r\nTo: %s\r\nSubject: %s\r\nX-Zcrm-Message-Id: %d\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n",
		from, m.To, strings.NewReplacer("\r", " ", "\n", " ").Replace(m.Subject), m.ID, m.Body)
	return smtp.SendMail(e.SMTP, nil, from, []string{m.To}, []byte(msg))
}
