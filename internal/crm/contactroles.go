package crm

import (
	"context"

	"github.com/zcrm/zcrm/internal/catalog"
)

// ContactRole is a role a contact can play on a deal.
type ContactRole struct {
	ID             int64
	OrgID          int64
	Name           string
	SequenceNumber int
}

// seedContactRoles gives a new org Zoho's default contact roles.
func seedContactRoles(ctx context.Context, tx Tx, orgID int64) error {
	ids, err := tx.NewIDs(ctx, len(catalog.DefaultContactRoles))
	if err != nil {
		return err
	}
	roles := make([]ContactRole, len(ids))
	for i, name := range catalog.DefaultContactRoles {
		roles[i] = ContactRole{ID: ids[i], OrgID: orgID, Name: name, SequenceNumber: i + 1}
	}
	return tx.InsertContactRoles(ctx, roles)
}
