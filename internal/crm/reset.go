package crm

import "context"

// ResetTx empties data for the control plane's resets (internal/admin). Ids keep counting: an id
// handed out before a reset is never handed out again.
type ResetTx interface {
	// DeleteAllData deletes every org and everything that belongs to one: users, profiles, custom
	// modules, OAuth clients, grants and tokens, and all CRM data. Caches keyed by a deleted org's
	// version miss, since the version is gone.
	DeleteAllData(ctx context.Context) error
	// DeleteOrgCRMData deletes the org's CRM data (records, cadences, enrolments, custom views,
	// relations, contact roles and deal contact roles) and bumps its cache version; orgs, users, profiles, custom
	// modules, sharing rules and OAuth clients and tokens stay.
	DeleteOrgCRMData(ctx context.Context, orgID int64) error
}

// ClearOrgData empties the org's CRM data and gives it Zoho's default contact roles again, as a
// new org has them.
func ClearOrgData(ctx context.Context, tx Tx, orgID int64) error {
	if err := tx.DeleteOrgCRMData(ctx, orgID); err != nil {
		return err
	}
	return seedContactRoles(ctx, tx, orgID)
}
