package store

import (
	"context"
	"strings"

	"github.com/zcrm/zcrm/internal/crm"
)

// InsertContactRoles stores new contact roles.
func (t *Tx) InsertContactRoles(ctx context.Context, roles []crm.ContactRole) error {
	if len(roles) == 0 {
		return nil
	}
	args := make([]any, 0, len(roles)*5)
	for _, r := range roles {
		args = append(args, r.ID, r.OrgID, r.Name, strings.ToLower(r.Name), r.SequenceNumber)
	}
	_, err := t.exec(ctx, `INSERT INTO contact_roles (id, org_id, name, name_key, sequence_number) VALUES `+repeatTuple(5, len(roles)), args...)
	return dupErr(err)
}

// DeleteDealContactRolesOf removes every deal contact role whose deal or contact is in recordIDs.
func (t *Tx) DeleteDealContactRolesOf(ctx context.Context, orgID int64, recordIDs []int64) error {
	if len(recordIDs) == 0 {
		return nil
	}
	ph := placeholders(len(recordIDs))
	args := append(append([]any{orgID}, int64Args(recordIDs)...), int64Args(recordIDs)...)
	_, err := t.exec(ctx, `DELETE FROM deal_contact_roles WHERE org_id = ? AND (deal_id IN (`+ph+`) OR contact_id IN (`+ph+`))`, args...)
	return err
}
