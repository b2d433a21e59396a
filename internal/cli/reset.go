package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/zcrm/zcrm/internal/admin"
	"github.com/zcrm/zcrm/internal/crm"
)

// runReset is POST /__zcrm/reset (and /__zcrm/orgs/{id}/reset) on a database: the same operation
// of internal/admin, the same answer.
func runReset(ctx context.Context, e env, args []string) error {
	var dsn, orgID string
	var keepAuth bool
	fs := flags(e, "reset", &dsn)
	fs.BoolVar(&keepAuth, "keep-auth", false, "keep orgs, users, profiles and OAuth clients and tokens; clear CRM data only")
	fs.StringVar(&orgID, "org", "", "clear the CRM data of this org only (its auth kept)")
	if err := parse(fs, args); err != nil {
		return err
	}
	svc, _, done, err := adminStore(ctx, dsn)
	if err != nil {
		return err
	}
	defer done()
	var org crm.Org
	switch {
	case orgID != "":
		id, ok := crm.ParseID(orgID)
		if !ok {
			return fmt.Errorf("invalid org id %q", orgID)
		}
		org, err = svc.ResetOrg(ctx, id)
		if errors.Is(err, crm.ErrNotFound) {
			return fmt.Errorf("no org %s", orgID)
		}
	case keepAuth:
		org, err = svc.ResetKeepAuth(ctx)
	default:
		org, err = svc.Reset(ctx)
	}
	if err != nil {
		return err
	}
	return printJSON(e, admin.OrgAnswer(org))
}
