package crm

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Zoho's API limits (reference §1.8, §2.3): per org, a number of concurrent in-flight calls and a
// rolling 24-hour budget of API credits, both by edition; past either Zoho answers HTTP 429
// TOO_MANY_REQUESTS. zcrm applies them in mode zoho only (internal/limits), per org or server-wide,
// with overrides that let a test reach a limit in a few calls.

// LimitMode says whether Zoho's limits apply.
type LimitMode string

// The modes; "" in a setting means "not set here".
const (
	LimitsOff  LimitMode = "off"
	LimitsZoho LimitMode = "zoho"
)

// ParseLimitMode returns the mode named s, or an error naming the valid ones.
func ParseLimitMode(s string) (LimitMode, error) {
	switch m := LimitMode(strings.ToLower(s)); m {
	case LimitsOff, LimitsZoho:
		return m, nil
	}
	return "", fmt.Errorf(`limits mode must be "off" or "zoho", not %q`, s)
}

// CreditWindow is the span of Zoho's rolling credit budget.
const CreditWindow = 24 * time.Hour

// ConcurrentCalls is how many calls of an org Zoho serves at once in this edition.
func (e Edition) ConcurrentCalls() int64 {
	switch e {
	case Standard:
		return 10
	case Professional:
		return 15
	case Enterprise:
		return 20
	case Ultimate:
		return 25
	}
	return 5
}

// DailyCredits is an org's credit budget per 24 hours in this edition with that many users: 50,000
// plus a number per user, capped (Kaizen, 2024; add-on credits aside). Free has 5,000 whatever its
// users; Ultimate has no cap.
func (e Edition) DailyCredits(users int) int64 {
	u := int64(users)
	switch e {
	case Standard:
		return min(50_000+u*250, 100_000)
	case Professional:
		return min(50_000+u*500, 1_000_000)
	case Enterprise:
		return min(50_000+u*1_000, 2_000_000)
	case Ultimate:
		return 50_000 + u*2_000
	}
	return 5_000
}

// LimitSettings is the limits' configuration as every process on the database reads it.
type LimitSettings struct {
	// ServeMode is what the last `zcrm serve --limits` started with; Mode what the admin API set
	// since. "" when not set.
	ServeMode, Mode LimitMode
	// Orgs holds the orgs with overrides.
	Orgs map[int64]OrgLimits
}

// OrgLimits are one org's overrides.
type OrgLimits struct {
	// Mode is the org's own mode; "" follows the server-wide mode.
	Mode LimitMode
	// Concurrency and CreditsPerDay replace the edition's numbers; Unset keeps them.
	Concurrency, CreditsPerDay int64
}

// Unset is an OrgLimits number that keeps the edition's.
const Unset = -1

// Empty reports whether o overrides nothing.
func (o OrgLimits) Empty() bool {
	return o.Mode == "" && o.Concurrency == Unset && o.CreditsPerDay == Unset
}

// ServerMode is the server-wide mode: the admin API's, else zcrm serve's, else off.
func (s LimitSettings) ServerMode() LimitMode {
	switch {
	case s.Mode != "":
		return s.Mode
	case s.ServeMode != "":
		return s.ServeMode
	}
	return LimitsOff
}

// Org returns the org's overrides (every one Unset when it has none).
func (s LimitSettings) Org(orgID int64) OrgLimits {
	if o, ok := s.Orgs[orgID]; ok {
		return o
	}
	return OrgLimits{Concurrency: Unset, CreditsPerDay: Unset}
}

// ModeOf is the mode that applies to the org.
func (s LimitSettings) ModeOf(orgID int64) LimitMode {
	if m := s.Org(orgID).Mode; m != "" {
		return m
	}
	return s.ServerMode()
}

// AnyApp stands for every app of an org where LimitTx.CallsInFlight takes an app (an OAuth
// client's row id).
const AnyApp int64 = -1

// LimitTx keeps the limits' settings and bookkeeping. A change of settings advances the control
// generation (ControlTx), so every process reads them again before its next request.
type LimitTx interface {
	LimitSettings(ctx context.Context) (LimitSettings, error)
	// SetServeLimitMode records the mode zcrm serve starts with.
	SetServeLimitMode(ctx context.Context, m LimitMode) error
	// SetLimitMode sets the server-wide mode; "" returns to the serve mode.
	SetLimitMode(ctx context.Context, m LimitMode) error
	// SetOrgLimits replaces the org's overrides.
	SetOrgLimits(ctx context.Context, orgID int64, o OrgLimits) error
	// ClearLimits deletes the admin API's settings (not the serve mode) and all bookkeeping.
	ClearLimits(ctx context.Context) error
	// ActiveUsers counts the org's active users (credits grow with them).
	ActiveUsers(ctx context.Context, orgID int64) (int, error)

	// PruneLimits deletes the org's leases ended by leasesEnd and credits spent before creditsFrom.
	PruneLimits(ctx context.Context, orgID int64, leasesEnd, creditsFrom time.Time) error
	// CallsInFlight counts the leases of the org's app clientPK (AnyApp: of all its apps) that end
	// after at.
	CallsInFlight(ctx context.Context, orgID, clientPK int64, at time.Time) (int64, error)
	// InsertLease records a call of the org's app clientPK in progress until until; DeleteLease
	// ends it.
	InsertLease(ctx context.Context, id, orgID, clientPK int64, until time.Time) error
	DeleteLease(ctx context.Context, id int64) error
	// CreditsSpent sums the credits the org spent in (from, to], by the minute: a minute's credits
	// count from its start.
	CreditsSpent(ctx context.Context, orgID int64, from, to time.Time) (int64, error)
	// SpendCredits adds credits to the org's spending at at.
	SpendCredits(ctx context.Context, orgID int64, at time.Time, credits int64) error

	// TokenMints counts the access tokens minted by the refresh token in (from, to], after
	// deleting its mints before from.
	TokenMints(ctx context.Context, refreshID int64, from, to time.Time) (int, error)
	// InsertTokenMint records an access token minted by the refresh token at at.
	InsertTokenMint(ctx context.Context, refreshID int64, at time.Time) error
}
