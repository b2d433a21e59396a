// Package admin is zcrm's control plane: the operations a test suite or an operator runs on the
// whole server rather than as a CRM user (today: resets), behind three doors — the HTTP admin API
// under /__zcrm/ (http.go), the CLI (zcrm reset) and zcrmtest. Each operation is one write
// transaction through crm.Store; the package never writes SQL and never speaks Zoho's CRM
// envelope: its errors are {"code":…,"message":…}.
package admin

import (
	"context"
	"time"

	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/journal"
)

// Service runs the control-plane operations on a store.
type Service struct {
	Store crm.Store
	// Journal is the serving process's request journal, emptied by a full reset; nil: none here
	// (the shared table on PostgreSQL is emptied with the rest of the database either way).
	Journal *journal.Journal
	// Engine runs the cadence engine's due follow-ups after a clock move; nil: no engine here.
	Engine Runner
}

// Reset returns the database to its state on first start, in one transaction: every org and
// everything in it is deleted and a new default org with its Administrator is created (a new id:
// caches and tokens of the old orgs cannot match it), the clock runs in real time again, no
// fault rule is left, Zoho's limits are back to the mode zcrm serve started with (no overrides,
// nothing counted) and the request journal is empty. It returns the new default org.
func (s *Service) Reset(ctx context.Context) (crm.Org, error) {
	var org crm.Org
	err := s.Store.Write(ctx, func(tx crm.Tx) error {
		if err := tx.DeleteAllData(ctx); err != nil {
			return err
		}
		if err := tx.SetClock(ctx, 0, false, time.Time{}); err != nil {
			return err
		}
		if _, err := tx.DeleteFaultRules(ctx); err != nil {
			return err
		}
		if err := tx.ClearLimits(ctx); err != nil {
			return err
		}
		var err error
		org, err = crm.EnsureDefaultOrg(ctx, tx)
		return err
	})
	if err == nil {
		_, err = s.Store.SyncControl(ctx)
	}
	if err == nil && s.Journal != nil {
		err = s.Journal.Clear(ctx)
	}
	return org, err
}

// ResetKeepAuth clears the CRM data of every org in one transaction (crm.ClearOrgData), keeping
// orgs, users, profiles, custom modules, sharing rules and OAuth clients and tokens. It returns
// the default org.
func (s *Service) ResetKeepAuth(ctx context.Context) (crm.Org, error) {
	var def crm.Org
	err := s.Store.Write(ctx, func(tx crm.Tx) error {
		orgs, err := tx.Orgs(ctx)
		if err != nil {
			return err
		}
		for _, o := range orgs {
			if err := crm.ClearOrgData(ctx, tx, o.ID); err != nil {
				return err
			}
		}
		def, err = crm.EnsureDefaultOrg(ctx, tx)
		return err
	})
	return def, err
}

// ResetOrg clears the CRM data of one org (crm.ClearOrgData) in one transaction and returns the
// org; crm.ErrNotFound when there is no org with that id.
func (s *Service) ResetOrg(ctx context.Context, orgID int64) (crm.Org, error) {
	var org crm.Org
	err := s.Store.Write(ctx, func(tx crm.Tx) error {
		var err error
		if org, err = tx.Org(ctx, orgID); err != nil {
			return err
		}
		return crm.ClearOrgData(ctx, tx, org.ID)
	})
	return org, err
}

// OrgAnswer is what every reset answers: {"org_id": "<id>"}, the id a decimal string as
// everywhere in zcrm.
func OrgAnswer(org crm.Org) map[string]string {
	return map[string]string{"org_id": crm.FormatID(org.ID)}
}
