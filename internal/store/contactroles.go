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
