package store

import (
	"context"
	"fmt"
)

// The control plane's resets (crm.ResetTx). Tables are emptied children first, so that foreign
// keys hold at every statement on both databases; the id counter, schema_migrations and the
// page-token key stay.

// allTables are every table of zcrm's data, children before their parents, and the shared request
// journal (PostgreSQL; empty on SQLite).
var allTables = []string{
	"request_journal",
	"oauth_access_tokens", "oauth_refresh_tokens", "oauth_grants", "oauth_client_orgs", "oauth_clients",
	"cadence_messages", "cadence_steps", "enrollments", "cadences", "custom_views", "deal_contact_roles", "contact_roles", "relations", "deleted_records", "records",
	"metadata_ids", "custom_modules", "module_sharing", "users", "profiles", "org_versions", "orgs",
}

// crmDataTables are an org's CRM data, children before their parents.
var crmDataTables = []string{"cadence_messages", "cadence_steps", "enrollments", "cadences", "custom_views", "deal_contact_roles", "contact_roles", "relations", "deleted_records", "records"}

// DeleteAllData deletes every row of every table of zcrm's data, and the shared request journal.
func (t *Tx) DeleteAllData(ctx context.Context) error {
	clear(t.versions) // the versions read before are gone with their orgs
	for _, table := range allTables {
		if _, err := t.exec(ctx, `DELETE FROM `+table); err != nil {
			return fmt.Errorf("empty %s: %w", table, err)
		}
	}
	return nil
}

// DeleteOrgCRMData deletes the org's records, cadences, enrolments with their follow-up steps and
// messages, custom views, relations, contact roles and deal contact roles, and bumps its version.
func (t *Tx) DeleteOrgCRMData(ctx context.Context, orgID int64) error {
	for _, table := range crmDataTables {
		if _, err := t.exec(ctx, `DELETE FROM `+table+` WHERE org_id = ?`, orgID); err != nil {
			return fmt.Errorf("empty %s of org %d: %w", table, orgID, err)
		}
	}
	return t.bumpOrgVersion(ctx, orgID)
}
