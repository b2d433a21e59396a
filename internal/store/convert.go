package store

import (
	"context"

	"github.com/zcrm/zcrm/internal/crm"
)

// MarkConverted moves a live lead to crm.ConvertedLeads (Convert Lead, crm/convert.go): its row
// stays, under a module no read of Leads selects.
func (t *Tx) MarkConverted(ctx context.Context, orgID, id, by int64) (bool, error) {
	res, err := t.exec(ctx, `UPDATE records SET module = ?, modified_by = ?, modified_time = ?
		WHERE org_id = ? AND module = 'Leads' AND id = ?`, crm.ConvertedLeads, by, ms(t.Now()), orgID, id)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
