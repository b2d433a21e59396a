package crm

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/zcrm/zcrm/internal/catalog"
)

// ContactRole is a role a contact can play on a deal.
type ContactRole struct {
	ID             int64
	OrgID          int64
	Name           string
	SequenceNumber int
}

// Limits of contact role definitions.
const (
	MaxContactRoles    = 100 // per org
	MaxRoleNameLength  = 50
	contactRolesKey    = "contact_roles"
	dealContactRoleKey = "Contact_Role"
)

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

// ContactRoleJSON is a role as the API shows it.
type ContactRoleJSON struct {
	SequenceNumber int    `json:"sequence_number"`
	Name           string `json:"name"`
	ID             string `json:"id"`
}

// JSON renders the role for the API.
func (r ContactRole) JSON() ContactRoleJSON {
	return ContactRoleJSON{SequenceNumber: r.SequenceNumber, Name: r.Name, ID: FormatID(r.ID)}
}

// roleNames tracks the role names in use (lower-cased) while a batch renames and adds roles.
type roleNames map[string]int64

func newRoleNames(roles []ContactRole) roleNames {
	n := make(roleNames, len(roles))
	for _, r := range roles {
		n[strings.ToLower(r.Name)] = r.ID
	}
	return n
}

// check validates the name of item i: a non-blank string of at most 50 characters that no other
// role than self uses.
func (names roleNames) check(v any, present bool, i int, self int64) (string, *Error) {
	path := relItemPath(contactRolesKey, i, "name")
	if !present || v == nil {
		return "", ErrMandatory(MsgRequiredFieldNotFound, APIPath("name", path))
	}
	s, ok := v.(string)
	if !ok {
		return "", ErrInvalidData(MsgInvalidData, map[string]any{"api_name": "name", "json_path": path, "expected_data_type": "string"})
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return "", ErrMandatory(MsgRequiredFieldNotFound, APIPath("name", path))
	}
	if utf8.RuneCountInString(s) > MaxRoleNameLength {
		return "", ErrInvalidData(MsgInvalidData, map[string]any{"api_name": "name", "json_path": path, "maximum_length": MaxRoleNameLength})
	}
	if owner, taken := names[strings.ToLower(s)]; taken && owner != self {
		return "", NewError(http.StatusBadRequest, "DUPLICATE_DATA", MsgDuplicateData, APIPath("name", path))
	}
	return s, nil
}

// sequenceNumber reads an optional sequence_number of item i.
func sequenceNumber(v any, i int) (int, bool, *Error) {
	if v == nil {
		return 0, false, nil
	}
	n, ok := v.(json.Number)
	var x int64
	var err error
	if ok {
		x, err = n.Int64()
	}
	if !ok || err != nil || x < 0 || x > 1<<31-1 {
		return 0, false, ErrInvalidData(MsgInvalidData, map[string]any{"api_name": "sequence_number",
			"json_path": relItemPath(contactRolesKey, i, "sequence_number"), "expected_data_type": "integer"})
	}
	return int(x), true, nil
}

// CreateContactRoles adds the roles items describe ({"name", "sequence_number"?}): one item per
// element, in order. A role without a sequence number goes last. The org keeps at most 100 roles.
func CreateContactRoles(ctx context.Context, tx Tx, orgID int64, items []any) ([]Item, error) {
	roles, err := tx.ContactRoles(ctx, orgID)
	if err != nil {
		return nil, err
	}
	names := newRoleNames(roles)
	maxSeq := 0
	for _, r := range roles {
		maxSeq = max(maxSeq, r.SequenceNumber)
	}
	count := len(roles)
	out := make([]Item, len(items))
	var add []ContactRole
	var at []int
	for i, raw := range items {
		obj, ok := raw.(map[string]any)
		if !ok {
			out[i] = ErrInvalidData(MsgInvalidData, map[string]any{"api_name": contactRolesKey, "json_path": relItemPath(contactRolesKey, i, ""), "expected_data_type": "jsonobject"}).Item()
			continue
		}
		v, present := obj["name"]
		name, ierr := names.check(v, present, i, 0)
		if ierr != nil {
			out[i] = ierr.Item()
			continue
		}
		seq, given, ierr := sequenceNumber(obj["sequence_number"], i)
		if ierr != nil {
			out[i] = ierr.Item()
			continue
		}
		if count >= MaxContactRoles {
			out[i] = NewError(http.StatusBadRequest, "LIMIT_EXCEEDED", MsgContactRoleLimitExceeded, map[string]any{"limit": MaxContactRoles}).Item()
			continue
		}
		if !given {
			seq = maxSeq + 1
		}
		maxSeq = max(maxSeq, seq)
		count++
		names[strings.ToLower(name)] = -1
		add = append(add, ContactRole{OrgID: orgID, Name: name, SequenceNumber: seq})
		at = append(at, i)
	}
	ids, err := tx.NewIDs(ctx, len(add))
	if err != nil {
		return nil, err
	}
	for k := range add {
		add[k].ID = ids[k]
		out[at[k]] = Success(MsgRoleAdded, map[string]any{"id": FormatID(ids[k])})
	}
	if err := tx.InsertContactRoles(ctx, add); err != nil {
		return nil, err
	}
	return out, nil
}

// UpdateContactRoles renames and renumbers the roles items name ({"id", "name"?, "sequence_number"?}).
// pathID, when not 0, is the role named in the path (already checked to exist); it replaces the
// items' ids. One item per element, in order.
func UpdateContactRoles(ctx context.Context, tx Tx, orgID int64, items []any, pathID int64) ([]Item, error) {
	roles, err := tx.ContactRoles(ctx, orgID)
	if err != nil {
		return nil, err
	}
	byID, _ := indexRoles(roles)
	names := newRoleNames(roles)
	out := make([]Item, len(items))
	for i, raw := range items {
		obj, ok := raw.(map[string]any)
		if !ok {
			out[i] = ErrInvalidData(MsgInvalidData, map[string]any{"api_name": contactRolesKey, "json_path": relItemPath(contactRolesKey, i, ""), "expected_data_type": "jsonobject"}).Item()
			continue
		}
		id := pathID
		if id == 0 {
			var present bool
			id, present, ok = relItemID(obj["id"])
			if !present {
				out[i] = ErrMandatory(MsgRequiredFieldNotFound, APIPath("id", relItemPath(contactRolesKey, i, "id"))).Item()
				continue
			}
			if _, known := byID[id]; !ok || !known {
				out[i] = ErrInvalidData(MsgInvalidData, map[string]any{"id": idText(obj["id"])}).Item()
				continue
			}
		}
		role := byID[id]
		newName := role.Name
		if v, present := obj["name"]; present {
			var ierr *Error
			if newName, ierr = names.check(v, true, i, id); ierr != nil {
				out[i] = ierr.Item()
				continue
			}
		}
		seq, given, ierr := sequenceNumber(obj["sequence_number"], i)
		if ierr != nil {
			out[i] = ierr.Item()
			continue
		}
		if given {
			role.SequenceNumber = seq
		}
		delete(names, strings.ToLower(role.Name))
		role.Name = newName
		names[strings.ToLower(newName)] = id
		byID[id] = role
		if err := tx.UpdateContactRole(ctx, role); err != nil {
			return nil, err
		}
		out[i] = Success(MsgRoleUpdated, map[string]any{"id": FormatID(id)})
	}
	return out, nil
}

// indexRoles returns the org's roles by id and by lower-cased name.
func indexRoles(roles []ContactRole) (byID map[int64]ContactRole, byName map[string]ContactRole) {
	byID = make(map[int64]ContactRole, len(roles))
	byName = make(map[string]ContactRole, len(roles))
	for _, r := range roles {
		byID[r.ID] = r
		byName[strings.ToLower(r.Name)] = r
	}
	return byID, byName
}

// idText renders an id as given in a body for error details.
func idText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// DeleteContactRoles deletes the roles among ids (distinct) with every deal contact role that uses
// them: INVALID_DATA "contact role not deleted" {"id"} for an unknown id, LOWER_LIMIT_REACHED
// {limit:1, id} for the org's last role. One lookup and one delete.
func DeleteContactRoles(ctx context.Context, tx Tx, orgID int64, ids []int64) ([]Item, error) {
	roles, err := tx.ContactRoles(ctx, orgID)
	if err != nil {
		return nil, err
	}
	known, _ := indexRoles(roles)
	left := len(roles)
	items := make([]Item, len(ids))
	var gone []int64
	for i, id := range ids {
		_, ok := known[id]
		switch {
		case !ok:
			// Zoho's Delete Contact Roles page: INVALID_DATA "contact role not deleted" for a role
			// that is not there ("already deleted"); contact_roles.json's enum says "invalid data",
			// but the page is the operation's own word.
			items[i] = ErrInvalidData(MsgRoleNotDeleted, map[string]any{"id": FormatID(id)}).Item()
		case left <= 1:
			items[i] = NewError(http.StatusBadRequest, "LOWER_LIMIT_REACHED", MsgContactRoleLowerLimit, map[string]any{"limit": 1, "id": FormatID(id)}).Item()
		default:
			left--
			gone = append(gone, id)
			items[i] = Success(MsgRoleDeleted, map[string]any{"id": FormatID(id)})
		}
	}
	if err := tx.DeleteContactRoles(ctx, orgID, gone); err != nil {
		return nil, err
	}
	return items, nil
}

// ContactRoleByID returns the org's role with that id, or ErrNotFound.
func ContactRoleByID(ctx context.Context, tx Tx, orgID, id int64) (ContactRole, error) {
	roles, err := tx.ContactRoles(ctx, orgID)
	if err != nil {
		return ContactRole{}, err
	}
	for _, r := range roles {
		if r.ID == id {
			return r, nil
		}
	}
	return ContactRole{}, ErrNotFound
}

// ListDealContactRoles returns one page of the deal's contacts with a live role (q as parsed by
// ParseListQuery) that actor may read under the Contacts data sharing (VisibleOwner): the requested
// Contacts fields, Contact_Role {name, id} (the role's id alone with roleAsString: v2 to v3) and
// id; by page or by page token (pagetoken.go: the token is bound to the deal).
func ListDealContactRoles(ctx context.Context, tx Tx, actor Actor, dealID int64, q ListQuery, roleAsString bool) (RelatedPage, error) {
	contacts, _ := catalog.Standard("Contacts")
	sl, err := visibleSlice(ctx, tx, actor, contacts.APIName, q)
	if err != nil {
		return RelatedPage{}, err
	}
	p, err := newPager(tx, actor, q, "contact_roles", "Deals", FormatID(dealID))
	if err != nil {
		return RelatedPage{}, err
	}
	dcs, pi, err := pagedSlice(p, sl, func(s RelatedSlice) ([]DealContact, error) {
		return tx.DealContacts(ctx, actor.Org.ID, dealID, s)
	}, func(dc DealContact) Record { return dc.Contact })
	if err != nil {
		return RelatedPage{}, err
	}
	return renderRelatedPage(ctx, tx, actor.Org, contacts, q, dcs, pi,
		func(dc DealContact) Record { return dc.Contact },
		func(dc DealContact, row map[string]any) {
			if roleAsString {
				row[dealContactRoleKey] = FormatID(dc.Role.ID) // v2 to v3 (version.go)
			} else {
				row[dealContactRoleKey] = map[string]any{"name": dc.Role.Name, "id": FormatID(dc.Role.ID)}
			}
		})
}

// ContactFields are the api names of every field of Contacts: what a single deal contact role is
// answered with when the request names no fields.
func ContactFields() []string {
	contacts, _ := catalog.Standard("Contacts")
	out := make([]string, len(contacts.Fields))
	for i, f := range contacts.Fields {
		out[i] = f.APIName
	}
	return out
}

// roleRef resolves an item's Contact_Role: {"id"} or {"name"}, or a bare id or name.
func roleRef(v any, byID map[int64]ContactRole, byName map[string]ContactRole) (ContactRole, bool) {
	switch x := v.(type) {
	case map[string]any:
		if id, ok := x["id"]; ok && id != nil {
			return roleByIDValue(id, byID)
		}
		if name, ok := x["name"].(string); ok {
			r, ok := byName[strings.ToLower(strings.TrimSpace(name))]
			return r, ok
		}
	case string:
		if r, ok := roleByIDValue(x, byID); ok {
			return r, true
		}
		r, ok := byName[strings.ToLower(strings.TrimSpace(x))]
		return r, ok
	case json.Number:
		return roleByIDValue(x, byID)
	}
	return ContactRole{}, false
}

func roleByIDValue(v any, byID map[int64]ContactRole) (ContactRole, bool) {
	id, _, ok := relItemID(v)
	if !ok {
		return ContactRole{}, false
	}
	r, ok := byID[id]
	return r, ok
}

// PutDealContactRoles gives contacts roles on the deal. items are the elements of the body's data
// array ({"id": contact, "Contact_Role": {"id"|"name"}}); pathContactID, when not 0, is the contact
// named in the path (already checked to exist) and replaces the items' ids. The single form answers
// "relation updated"; the bulk form "relation added" for a contact without a live role on the deal,
// "relation updated" otherwise. One item per element, in order.
func PutDealContactRoles(ctx context.Context, tx Tx, org Org, dealID int64, items []any, pathContactID int64) ([]Item, error) {
	roles, err := tx.ContactRoles(ctx, org.ID)
	if err != nil {
		return nil, err
	}
	byID, byName := indexRoles(roles)
	out := make([]Item, len(items))
	todo, ids := readNamedItems(items, pathContactID, out, func(obj map[string]any, i int) (int64, *Error) {
		ref, present := obj[dealContactRoleKey]
		if !present || ref == nil {
			return 0, ErrMandatory(MsgRequiredFieldNotFound, APIPath(dealContactRoleKey, relItemPath("data", i, dealContactRoleKey)))
		}
		role, ok := roleRef(ref, byID, byName)
		if !ok {
			return 0, ErrInvalidData(MsgInvalidData, APIPath(dealContactRoleKey, relItemPath("data", i, dealContactRoleKey)))
		}
		return role.ID, nil
	})
	recs, err := tx.ExistingRecordIDs(ctx, org.ID, "Contacts", ids)
	if err != nil {
		return nil, err
	}
	now := tx.Now()
	assigned := make(map[int64]int64)
	var order []int64
	for _, p := range todo {
		if _, ok := recs[p.id]; !ok {
			out[p.i] = errRelatedItemID(p.i)
			continue
		}
		if _, seen := assigned[p.id]; !seen {
			order = append(order, p.id)
		}
		assigned[p.id] = p.v
	}
	rows := make([]DealContactRole, 0, len(order))
	for _, id := range order {
		rows = append(rows, DealContactRole{OrgID: org.ID, DealID: dealID, ContactID: id, RoleID: assigned[id], CreatedTime: now})
	}
	added, err := tx.UpsertDealContactRoles(ctx, rows)
	if err != nil {
		return nil, err
	}
	answered := make(map[int64]bool, len(order)) // a contact named again was added by its first item
	for _, p := range todo {
		if _, ok := recs[p.id]; !ok {
			continue
		}
		msg := MsgRelationUpdated
		if pathContactID == 0 && added[p.id] && !answered[p.id] {
			msg = MsgRelationAdded
		}
		answered[p.id] = true
		out[p.i] = Success(msg, map[string]any{"id": FormatID(p.id)})
	}
	return out, nil
}

// RemoveDealContactRoles removes the roles of contactIDs (distinct) from the deal as actor, under a
// deal not looked up yet (changeUnder: a missing deal fails as the path's deal id, INVALID_DATA index
// 1; an actor who may not change it with AUTHORIZATION_FAILED denied): "relation removed" for a live
// role, INVALID_DATA "contact role not deleted" {"id"} for one already removed, INVALID_DATA
// "relation not found" {"id"} for a contact that never had a role there. An administrator's removal
// is one UPDATE, which reads the deal only when it removed nothing.
func RemoveDealContactRoles(ctx context.Context, tx Tx, actor Actor, dealID int64, contactIDs []int64, denied string) ([]Item, error) {
	orgID := actor.Org.ID
	gone, err := changeUnder(ctx, tx, actor, "Deals", dealID, denied,
		func() (map[int64]bool, error) { return tx.RemoveDealContactRoles(ctx, orgID, dealID, contactIDs) })
	if err != nil {
		return nil, err
	}
	return roleRemovalItems(ctx, tx, orgID, dealID, contactIDs, gone)
}

// roleRemovalItems answers a role removal of contactIDs that marked gone.
func roleRemovalItems(ctx context.Context, tx Tx, orgID, dealID int64, contactIDs []int64, gone map[int64]bool) ([]Item, error) {
	var err error
	// Only the ids that were not removed need a look, to tell "never there" from "already removed".
	var missed []int64
	for _, id := range contactIDs {
		if !gone[id] {
			missed = append(missed, id)
		}
	}
	rows := map[int64]DealContactRole{}
	if len(missed) > 0 {
		if rows, err = tx.DealContactRoles(ctx, orgID, dealID, missed); err != nil {
			return nil, err
		}
	}
	items := make([]Item, len(contactIDs))
	for i, id := range contactIDs {
		r, known := rows[id]
		switch {
		case gone[id]:
			items[i] = SuccessFor(MsgRelationRemoved, id)
		case known && r.Removed:
			items[i] = ErrInvalidData(MsgRoleNotDeleted, nil).ItemFor(id)
		default:
			items[i] = ErrInvalidData(MsgRelationNotFound, nil).ItemFor(id)
		}
	}
	return items, nil
}

// RemoveDealContactRole removes one contact's role from the deal. A contact that never had a role
// there is the top-level MANDATORY_NOT_FOUND "relation not found"; one whose role was already
// removed is INVALID_DATA "contact role not deleted".
func RemoveDealContactRole(ctx context.Context, tx Tx, orgID, dealID, contactID int64) (Item, error) {
	gone, err := tx.RemoveDealContactRoles(ctx, orgID, dealID, []int64{contactID})
	if err != nil {
		return Item{}, err
	}
	items, err := roleRemovalItems(ctx, tx, orgID, dealID, []int64{contactID}, gone)
	if err != nil {
		return Item{}, err
	}
	switch it := items[0]; {
	case it.OK():
		return it, nil
	case it.Message == MsgRelationNotFound:
		return Item{}, ErrRelationNotFound()
	default:
		return Item{}, ErrInvalidData(MsgRoleNotDeleted, nil)
	}
}
