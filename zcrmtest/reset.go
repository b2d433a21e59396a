package zcrmtest

import (
	"context"
	"errors"
	"fmt"

	"github.com/zcrm/zcrm/internal/crm"
)

// Reset empties the server between tests, as POST /__zcrm/reset does. With keepAuth false the
// database is as on first start: every org, user and token is gone, and Org, Admin, ClientID,
// ClientSecret and Client are set up afresh (a new default org, so a new Org.ID); clients and
// tokens made before fail with INVALID_TOKEN. With keepAuth true only CRM data goes (records,
// cadences, enrolments, relations, deal contact roles; contact roles back to the defaults) and
// every org, user, client and token stays usable. Do not call it while other goroutines use the
// server's fields.
func (s *Server) Reset(keepAuth bool) {
	if s.tb != nil {
		s.tb.Helper()
	}
	ctx := context.Background()
	var err error
	if keepAuth {
		_, err = s.admin.ResetKeepAuth(ctx)
	} else if _, err = s.admin.Reset(ctx); err == nil {
		err = s.welcome(ctx)
	}
	if err != nil {
		s.fail(err)
	}
}

// ResetOrg empties one org's CRM data, as POST /__zcrm/orgs/{org_id}/reset does; its users,
// clients and tokens stay usable. It fails for an org the server does not have.
func (s *Server) ResetOrg(org Org) {
	if s.tb != nil {
		s.tb.Helper()
	}
	id, err := parseID("org", org.ID)
	if err == nil {
		_, err = s.admin.ResetOrg(context.Background(), id)
		if errors.Is(err, crm.ErrNotFound) {
			err = fmt.Errorf("no org %s", org.ID)
		}
	}
	if err != nil {
		s.fail(err)
	}
}
