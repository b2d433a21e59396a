package client

import (
	"context"
	"iter"
	"net/http"
)

// ContactRole is a contact role definition (Purchasing, Executive Sponsor, …).
type ContactRole struct {
	ID             string `json:"id,omitempty"`              // empty when creating
	Name           string `json:"name,omitempty"`            // unique in the org, at most 50 characters
	SequenceNumber int    `json:"sequence_number,omitempty"` // display order, from 1
}

const rolesPath = "Contacts/roles"

// ContactRoles lists the org's contact roles: GET /Contacts/roles. None (HTTP 204) is an empty
// slice.
func (c *Client) ContactRoles(ctx context.Context) ([]ContactRole, error) {
	var w struct {
		ContactRoles []ContactRole `json:"contact_roles"`
	}
	if _, err := c.read(ctx, rolesPath, nil, nil, &w); err != nil {
		return nil, err
	}
	return w.ContactRoles, nil
}

// ContactRole reads one contact role: GET /Contacts/roles/{id}. An unknown id is ErrNotFound.
func (c *Client) ContactRole(ctx context.Context, id string) (*ContactRole, error) {
	var w struct {
		ContactRoles []ContactRole `json:"contact_roles"`
	}
	status, err := c.read(ctx, rolesPath+"/"+pathOf(id), nil, nil, &w)
	if err != nil {
		return nil, err
	}
	if status != http.StatusOK || len(w.ContactRoles) == 0 {
		return nil, ErrNotFound
	}
	return &w.ContactRoles[0], nil
}

// CreateContactRoles adds contact roles: POST /Contacts/roles (at most 100; name mandatory,
// unique, at most 50 characters). Items carry the new ids; "contact role added".
func (c *Client) CreateContactRoles(ctx context.Context, roles ...ContactRole) (Results, error) {
	return c.items(ctx, http.MethodPost, rolesPath, nil, map[string]any{"contact_roles": nonNilRoles(roles)}, "contact_roles")
}

// UpdateContactRoles changes contact roles named by their ID: PUT /Contacts/roles.
func (c *Client) UpdateContactRoles(ctx context.Context, roles ...ContactRole) (Results, error) {
	ids := make([]string, len(roles))
	for i, r := range roles {
		ids[i] = r.ID
	}
	return c.itemsFor(ctx, http.MethodPut, rolesPath, nil, map[string]any{"contact_roles": nonNilRoles(roles)}, "contact_roles", ids)
}

// UpdateContactRole changes one contact role: PUT /Contacts/roles/{role.ID}.
func (c *Client) UpdateContactRole(ctx context.Context, role ContactRole) (Item, error) {
	id := role.ID
	role.ID = ""
	return c.item(ctx, http.MethodPut, rolesPath+"/"+pathOf(id), nil, map[string]any{"contact_roles": []ContactRole{role}}, "contact_roles")
}

// DeleteContactRoles deletes contact roles: DELETE /Contacts/roles?ids=… (at most 100).
func (c *Client) DeleteContactRoles(ctx context.Context, ids ...string) (Results, error) {
	return c.itemsFor(ctx, http.MethodDelete, rolesPath, idsQuery(ids), nil, "contact_roles", ids)
}

// DeleteContactRole deletes one contact role: DELETE /Contacts/roles/{id}.
func (c *Client) DeleteContactRole(ctx context.Context, id string) (Item, error) {
	return c.item(ctx, http.MethodDelete, rolesPath+"/"+pathOf(id), nil, nil, "contact_roles")
}

func nonNilRoles(r []ContactRole) []ContactRole {
	if r == nil {
		return []ContactRole{}
	}
	return r
}

// DealRole assigns a contact role on a deal: the contact (ContactID) and the role, named by
// Role.ID or Role.Name.
type DealRole struct {
	ContactID string // the contact's record id
	Role      Ref    // the role, by ID or by Name
}

func dealRolesPath(dealID string, contactID ...string) string {
	return pathOf(append([]string{"Deals", dealID, "Contact_Roles"}, contactID...)...)
}

// DealContactRoles lists the contacts of a deal with their roles:
// GET /Deals/{deal_id}/Contact_Roles (opts.Fields is mandatory, e.g. Email). Rows are Contacts
// records plus Contact_Role (Record.Lookup("Contact_Role")); id is the contact's. None (HTTP 204)
// is an empty page.
func (c *Client) DealContactRoles(ctx context.Context, dealID string, opts *ListOptions) (*RecordPage, error) {
	return c.readPage(ctx, dealRolesPath(dealID), opts)
}

// DealContactRolesAll walks a deal's contact roles with page tokens, as RecordsAll walks a module:
// GET /Deals/{deal_id}/Contact_Roles with opts, then with each page's next_page_token.
func (c *Client) DealContactRolesAll(ctx context.Context, dealID string, opts *ListOptions) iter.Seq2[Record, error] {
	return c.walk(ctx, dealRolesPath(dealID), opts)
}

// DealContactRole reads one contact of a deal with its role:
// GET /Deals/{deal_id}/Contact_Roles/{contact_id}. A contact without a role on the deal is
// ErrNotFound.
func (c *Client) DealContactRole(ctx context.Context, dealID, contactID string, fields ...string) (Record, error) {
	return c.readOne(ctx, dealRolesPath(dealID, contactID), fieldsQuery(fields))
}

// SetDealContactRole gives a contact a role on a deal (linking them if needed):
// PUT /Deals/{deal_id}/Contact_Roles/{contact_id}; "relation updated".
func (c *Client) SetDealContactRole(ctx context.Context, dealID, contactID string, role Ref) (Item, error) {
	body := map[string]any{"data": []any{map[string]any{"Contact_Role": role}}}
	return c.item(ctx, http.MethodPut, dealRolesPath(dealID, contactID), nil, body, "data")
}

// SetDealContactRoles gives several contacts roles on a deal: PUT /Deals/{deal_id}/Contact_Roles
// (at most 100); "relation added" for new links, "relation updated" for changed ones.
func (c *Client) SetDealContactRoles(ctx context.Context, dealID string, roles ...DealRole) (Results, error) {
	data := make([]any, len(roles))
	ids := make([]string, len(roles))
	for i, r := range roles {
		data[i] = map[string]any{"id": r.ContactID, "Contact_Role": r.Role}
		ids[i] = r.ContactID
	}
	return c.itemsFor(ctx, http.MethodPut, dealRolesPath(dealID), nil, map[string]any{"data": data}, "data", ids)
}

// RemoveDealContactRoles removes the roles (and so the links) of contacts on a deal:
// DELETE /Deals/{deal_id}/Contact_Roles?ids=… (contact ids, at most 100; scope
// ZohoCRM.modules.ALL, or ZohoCRM.modules.deals.DELETE and ZohoCRM.modules.contacts.DELETE).
//
// One item per distinct contact id, in request order: "relation removed", or an error item for a
// contact that had no role on the deal; HTTP 207 when mixed, 400 when every id failed, and then
// the error is an *ItemsError as well. A bad deal id fails the whole request with an *APIError
// (INVALID_DATA "the related id given seems to be invalid").
func (c *Client) RemoveDealContactRoles(ctx context.Context, dealID string, contactIDs ...string) (Results, error) {
	return c.itemsFor(ctx, http.MethodDelete, dealRolesPath(dealID), idsQuery(contactIDs), nil, "data", contactIDs)
}

// RemoveDealContactRole removes one contact's role on a deal:
// DELETE /Deals/{deal_id}/Contact_Roles/{contact_id}. A contact not linked to the deal is an
// *APIError MANDATORY_NOT_FOUND "relation not found".
func (c *Client) RemoveDealContactRole(ctx context.Context, dealID, contactID string) (Item, error) {
	return c.item(ctx, http.MethodDelete, dealRolesPath(dealID, contactID), nil, nil, "data")
}
