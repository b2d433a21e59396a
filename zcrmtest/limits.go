package zcrmtest

import (
	"context"
	"fmt"

	"github.com/zcrm/zcrm/internal/admin"
	"github.com/zcrm/zcrm/internal/crm"
)

// LimitSettings is a change of Zoho's API limits for Server.Limits. Zero fields stay as they are.
type LimitSettings struct {
	// Org is the org whose limits change; nil changes the server-wide mode, and only that.
	Org *Org
	// Mode is "zoho" (Zoho's limits apply), "off", or "" to leave it.
	Mode string
	// Concurrency overrides how many of the org's calls may be in progress at once (its edition's:
	// 5 to 25), CreditsPerDay its 24-hour credit budget (a call costs 1 credit, a record insert,
	// update or upsert 1 per 10 records). 0 leaves it as it is; -1 returns to the edition's.
	Concurrency, CreditsPerDay int
}

// Limits changes Zoho's API limits, as PUT /__zcrm/limits does. A server starts with them off; in
// mode zoho a call past the org's concurrency or credits is answered HTTP 429 TOO_MANY_REQUESTS
// and an 11th token refresh within 10 minutes "Access Denied". Small overrides let a test reach a
// limit in a few calls:
//
//	srv.Limits(zcrmtest.LimitSettings{Org: &srv.Org, Mode: "zoho", CreditsPerDay: 3})
//
// Reset(false) turns them off again.
func (s *Server) Limits(set LimitSettings) {
	if s.tb != nil {
		s.tb.Helper()
	}
	var c admin.LimitsChange
	if set.Mode != "" {
		m, err := crm.ParseLimitMode(set.Mode)
		if err != nil {
			s.fail(err)
			return
		}
		c.Mode = &m
	}
	number := func(n int) *int64 {
		v := int64(n)
		switch {
		case n == 0:
			return nil
		case n < 0:
			v = crm.Unset
		}
		return &v
	}
	c.Concurrency, c.CreditsPerDay = number(set.Concurrency), number(set.CreditsPerDay)
	if set.Org == nil {
		if c.Concurrency != nil || c.CreditsPerDay != nil {
			s.fail(fmt.Errorf("limits: Concurrency and CreditsPerDay are set per org: give Org"))
			return
		}
	} else {
		id, err := parseID("org", set.Org.ID)
		if err != nil {
			s.fail(err)
			return
		}
		c.OrgID = id
	}
	if c.Mode == nil && c.Concurrency == nil && c.CreditsPerDay == nil {
		return
	}
	if _, err := s.admin.SetLimits(context.Background(), c); err != nil {
		s.fail(fmt.Errorf("limits: %w", err))
	}
}
