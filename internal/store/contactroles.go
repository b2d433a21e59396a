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

// ContactRoles returns the org's roles by sequence number, then id.
func (t *Tx) ContactRoles(ctx context.Context, orgID int64) ([]crm.ContactRole, error) {
	rows, err := t.query(ctx, `SELECT id, org_id, name, sequence_number FROM contact_roles WHERE org_id = ? ORDER BY sequence_number, id`, orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []crm.ContactRole
	for rows.Next() {
		var r crm.ContactRole
		if err := rows.Scan(&r.ID, &r.OrgID, &r.Name, &r.SequenceNumber); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// UpdateContactRole stores a role's new name and sequence number.
func (t *Tx) UpdateContactRole(ctx context.Context, r crm.ContactRole) error {
	res, err := t.exec(ctx, `UPDATE contact_roles SET name = ?, name_key = ?, sequence_number = ? WHERE org_id = ? AND id = ?`,
		r.Name, strings.ToLower(r.Name), r.SequenceNumber, r.OrgID, r.ID)
	if err != nil {
		return dupErr(err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return crm.ErrNotFound
	}
	return nil
}

// DeleteContactRoles removes the roles among ids and every deal contact role that uses them.
func (t *Tx) DeleteContactRoles(ctx context.Context, orgID int64, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	ph := placeholders(len(ids))
	args := append([]any{orgID}, int64Args(ids)...)
	if _, err := t.exec(ctx, `DELETE FROM deal_contact_roles WHERE org_id = ? AND role_id IN (`+ph+`)`, args...); err != nil {
		return err
	}
	_, err := t.exec(ctx, `DELETE FROM contact_roles WHERE org_id = ? AND id IN (`+ph+`)`, args...)
	return err
}

// DealContactRoles returns the deal's rows (live or removed) whose contact is among contactIDs.
func (t *Tx) DealContactRoles(ctx context.Context, orgID, dealID int64, contactIDs []int64) (map[int64]crm.DealContactRole, error) {
	out := make(map[int64]crm.DealContactRole, len(contactIDs))
	if len(contactIDs) == 0 {
		return out, nil
	}
	in, ids := t.db.inIDs("contact_id", contactIDs)
	rows, err := t.query(ctx, `SELECT org_id, deal_id, contact_id, role_id, created_time, removed_time FROM deal_contact_roles
		WHERE org_id = ? AND deal_id = ? AND `+in, append([]any{orgID, dealID}, ids...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var r crm.DealContactRole
		var created int64
		var removed *int64
		if err := rows.Scan(&r.OrgID, &r.DealID, &r.ContactID, &r.RoleID, &created, &removed); err != nil {
			return nil, err
		}
		r.CreatedTime, r.Removed = fromMS(created), removed != nil
		out[r.ContactID] = r
	}
	return out, rows.Err()
}

// UpsertDealContactRoles assigns roles; an existing row takes the new role and becomes live again.
// It tells new and removed rows from live ones without reading them first: under SERIALIZABLE, a
// read of the deal's rows takes predicate locks on index pages that neighbouring deals' writes
// touch, and concurrent assignments to different deals then fail each other. A first upsert
// inserts new rows and revives removed ones (RETURNING them), leaving live rows alone; a second
// gives the live ones their new role.
func (t *Tx) UpsertDealContactRoles(ctx context.Context, rows []crm.DealContactRole) (map[int64]bool, error) {
	// upsert runs the upsert with the given ON CONFLICT action and returns the contacts it wrote.
	upsert := func(rows []crm.DealContactRole, onConflict string) ([]int64, error) {
		var wrote []int64
		for len(rows) > 0 {
			n := min(len(rows), 100)
			orgs, deals, contacts, roles, created := make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
			for i, r := range rows[:n] {
				orgs[i], deals[i], contacts[i], roles[i], created[i] = r.OrgID, r.DealID, r.ContactID, r.RoleID, ms(r.CreatedTime)
			}
			src, args := t.db.rowsSource(n, orgs, deals, contacts, roles, created)
			ids, err := t.queryIDs(ctx, `INSERT INTO deal_contact_roles (org_id, deal_id, contact_id, role_id, created_time) SELECT * FROM `+
				src+` WHERE true ON CONFLICT (org_id, deal_id, contact_id) DO UPDATE SET `+onConflict+` RETURNING contact_id`, args...)
			if err != nil {
				return nil, err
			}
			wrote, rows = append(wrote, ids...), rows[n:]
		}
		return wrote, nil
	}
	ids, err := upsert(rows, `role_id = excluded.role_id, removed_time = NULL WHERE deal_contact_roles.removed_time IS NOT NULL`)
	if err != nil {
		return nil, err
	}
	added := distinctSet(ids)
	var live []crm.DealContactRole
	for _, r := range rows {
		if !added[r.ContactID] {
			live = append(live, r)
		}
	}
	if _, err := upsert(live, `role_id = excluded.role_id WHERE deal_contact_roles.role_id <> excluded.role_id`); err != nil {
		return nil, err
	}
	return added, nil
}

// RemoveDealContactRoles marks the deal's live rows of contactIDs as removed.
func (t *Tx) RemoveDealContactRoles(ctx context.Context, orgID, dealID int64, contactIDs []int64) (map[int64]bool, error) {
	if len(contactIDs) == 0 {
		return map[int64]bool{}, nil
	}
	q, args := t.removeRoles(orgID, dealID, contactIDs)
	return t.setOp(ctx, q, "contact_id", contactIDs, args...)
}

// removeRoles is the statement marking the deal's live rows of contactIDs removed, and its arguments.
func (t *Tx) removeRoles(orgID, dealID int64, contactIDs []int64) (string, []any) {
	in, ids := t.db.inIDs("contact_id", contactIDs)
	return `UPDATE deal_contact_roles SET removed_time = ?
		WHERE org_id = ? AND deal_id = ? AND removed_time IS NULL AND ` + in, append([]any{ms(t.Now()), orgID, dealID}, ids...)
}

// DealContacts returns one page of the deal's contacts with a live role.
func (t *Tx) DealContacts(ctx context.Context, orgID, dealID int64, sl crm.RelatedSlice) ([]crm.DealContact, error) {
	if sl.Only != nil && len(sl.Only) == 0 {
		return nil, nil
	}
	q := `SELECT r.id, r.org_id, r.module, r.owner_id, r.created_by, r.modified_by, r.created_time, r.modified_time, r.data,
		cr.id, cr.org_id, cr.name, cr.sequence_number
		FROM deal_contact_roles d
		JOIN records r ON r.org_id = d.org_id AND r.id = d.contact_id AND r.module = 'Contacts'
		JOIN contact_roles cr ON cr.org_id = d.org_id AND cr.id = d.role_id
		WHERE d.org_id = ? AND d.deal_id = ? AND d.removed_time IS NULL`
	tail, targs := t.db.sliceTail(sl, "d.contact_id")
	q += tail
	args := append([]any{orgID, dealID}, targs...)
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []crm.DealContact
	for rows.Next() {
		var dc crm.DealContact
		var f recordFields
		if err := rows.Scan(append(f.dest(), &dc.Role.ID, &dc.Role.OrgID, &dc.Role.Name, &dc.Role.SequenceNumber)...); err != nil {
			return nil, err
		}
		var err error
		if dc.Contact, err = f.record(); err != nil {
			return nil, err
		}
		out = append(out, dc)
	}
	return out, rows.Err()
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
