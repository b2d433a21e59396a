package httpapi

import (
	"context"
	"errors"
	"net/http"

	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/oauth"
)

// Contact role definitions: /Contacts/roles[/{id}], wrapper key contact_roles. Reads need the
// Contacts READ scope; writes the Contacts CREATE, UPDATE or DELETE scope and the Customize CRM
// permission. A malformed or unknown {id} on PUT and DELETE is INVALID_DATA "the id given seems to be
// invalid" with {"resource_path_index":2}; on GET an unknown id is 204.

func (s *Server) listContactRoles(ctx context.Context, c *call) (int, any, error) {
	if err := c.needModuleScope(oauth.OpRead, "Contacts"); err != nil {
		return 0, nil, err
	}
	var roles []crm.ContactRole
	if err := c.read(func(tx crm.Tx) error {
		var err error
		roles, err = tx.ContactRoles(ctx, c.Org.ID)
		return err
	}); err != nil {
		return 0, nil, err
	}
	return contactRolesAnswer(roles)
}

func contactRolesAnswer(roles []crm.ContactRole) (int, any, error) {
	if len(roles) == 0 {
		return http.StatusNoContent, nil, nil
	}
	out := make([]crm.ContactRoleJSON, len(roles))
	for i, r := range roles {
		out[i] = r.JSON()
	}
	return http.StatusOK, map[string]any{"contact_roles": out}, nil
}

func (s *Server) getContactRole(ctx context.Context, c *call) (int, any, error) {
	if err := c.needModuleScope(oauth.OpRead, "Contacts"); err != nil {
		return 0, nil, err
	}
	id, ok := crm.ParseID(c.param("id"))
	if !ok {
		return 0, nil, crm.ErrPathID(crm.MsgID, 2)
	}
	var roles []crm.ContactRole
	if err := c.read(func(tx crm.Tx) error {
		r, err := crm.ContactRoleByID(ctx, tx, c.Org.ID, id)
		if errors.Is(err, crm.ErrNotFound) {
			return nil
		}
		roles = []crm.ContactRole{r}
		return err
	}); err != nil {
		return 0, nil, err
	}
	return contactRolesAnswer(roles)
}

// roleDefinitionAccess checks the scope and permission of a role-definition change.
func roleDefinitionAccess(c *call, op string) error {
	if err := c.needModuleScope(op, "Contacts"); err != nil {
		return err
	}
	return c.needPermission(crm.MsgPermission, crm.PermCustomizeCRM)
}

// pathContactRole resolves the {id} of /Contacts/roles/{id} for a change.
func pathContactRole(ctx context.Context, c *call, tx crm.Tx) (int64, error) {
	id, ok := crm.ParseID(c.param("id"))
	if !ok {
		return 0, crm.ErrPathID(crm.MsgID, 2)
	}
	if _, err := crm.ContactRoleByID(ctx, tx, c.Org.ID, id); errors.Is(err, crm.ErrNotFound) {
		return 0, crm.ErrPathID(crm.MsgID, 2)
	} else if err != nil {
		return 0, err
	}
	return id, nil
}

func (s *Server) createContactRoles(ctx context.Context, c *call) (int, any, error) {
	return s.writeContactRoles(ctx, c, oauth.OpCreate, false)
}

func (s *Server) updateContactRoles(ctx context.Context, c *call) (int, any, error) {
	return s.writeContactRoles(ctx, c, oauth.OpUpdate, false)
}

func (s *Server) updateContactRole(ctx context.Context, c *call) (int, any, error) {
	return s.writeContactRoles(ctx, c, oauth.OpUpdate, true)
}

func (s *Server) writeContactRoles(ctx context.Context, c *call, op string, single bool) (int, any, error) {
	if err := roleDefinitionAccess(c, op); err != nil {
		return 0, nil, err
	}
	var out []crm.Item
	err := c.write(func(tx crm.Tx) error {
		var pathID int64
		if single {
			var err error
			if pathID, err = pathContactRole(ctx, c, tx); err != nil {
				return err
			}
		}
		obj, err := c.body()
		if err != nil {
			return err
		}
		items, err := relBodyItems(obj, "contact_roles", single)
		if err != nil {
			return err
		}
		if op == oauth.OpCreate {
			out, err = crm.CreateContactRoles(ctx, tx, c.Org.ID, items)
		} else {
			out, err = crm.UpdateContactRoles(ctx, tx, c.Org.ID, items, pathID)
		}
		return err
	})
	if err != nil {
		return 0, nil, err
	}
	return crm.MultiStatus(out, http.StatusOK), map[string]any{"contact_roles": out}, nil
}

func (s *Server) deleteContactRoles(ctx context.Context, c *call) (int, any, error) {
	return s.removeContactRoles(ctx, c, false)
}

func (s *Server) deleteContactRole(ctx context.Context, c *call) (int, any, error) {
	return s.removeContactRoles(ctx, c, true)
}

func (s *Server) removeContactRoles(ctx context.Context, c *call, single bool) (int, any, error) {
	if err := roleDefinitionAccess(c, oauth.OpDelete); err != nil {
		return 0, nil, err
	}
	var out []crm.Item
	err := c.write(func(tx crm.Tx) error {
		var ids []int64
		if single {
			id, err := pathContactRole(ctx, c, tx)
			if err != nil {
				return err
			}
			ids = []int64{id}
		} else {
			var err error
			if ids, err = relIDsParam(c); err != nil {
				return err
			}
		}
		var err error
		out, err = crm.DeleteContactRoles(ctx, tx, c.Org.ID, ids)
		return err
	})
	if err != nil {
		return 0, nil, err
	}
	return crm.MultiStatus(out, http.StatusOK), map[string]any{"contact_roles": out}, nil
}

// Contacts' roles on a deal: /{module}/{id}/Contact_Roles[/{related_id}], {module} must be Deals.
// Order of checks: the module (INVALID_MODULE, also for any module but Deals), the Deals and Contacts
// scopes together (or ZohoCRM.modules.ALL), the View/Edit/Delete permissions on both modules, the
// deal (INVALID_DATA "the related id given seems to be invalid", index 1), the contact of the single
// forms (INVALID_DATA "the id given seems to be invalid", index 3), data sharing on the deal for
// writes (AUTHORIZATION_FAILED), then parameters and body.

// dealRolesAccess runs the checks every deal-contact-role call shares and returns the deal.
func dealRolesAccess(ctx context.Context, c *call, tx crm.Tx, op, action string) (crm.Record, error) {
	if err := dealRolesModule(ctx, c, tx, op, action); err != nil {
		return crm.Record{}, err
	}
	return crm.PathRecord(ctx, tx, c.Org.ID, "Deals", c.param("id"), crm.MsgRelatedID, 1)
}

// dealRolesModule runs the checks of a deal-contact-role call that come before the deal: module,
// scopes (op), profile permissions (action).
func dealRolesModule(ctx context.Context, c *call, tx crm.Tx, op, action string) error {
	m, err := c.module(ctx, tx)
	if err != nil {
		return err
	}
	if m.APIName != "Deals" {
		return crm.ErrInvalidModule(0)
	}
	if err := c.needModuleScope(op, "Deals", "Contacts"); err != nil {
		return err
	}
	return c.needPermission(crm.MsgPermission, crm.ModulePermission(action, m.Legacy), crm.ModulePermission(action, "Contacts"))
}

// pathContact resolves the {related_id} contact of the single forms (index 3).
func pathContact(ctx context.Context, c *call, tx crm.Tx) (crm.Record, error) {
	return crm.PathRecord(ctx, tx, c.Org.ID, "Contacts", c.param("related_id"), crm.MsgID, 3)
}

// dealSharing fails with AUTHORIZATION_FAILED (message) unless the caller may change the deal.
func dealSharing(ctx context.Context, c *call, tx crm.Tx, deal crm.Record, message string) error {
	ok, err := crm.CanChange(ctx, tx, c.Actor, deal)
	if err != nil {
		return err
	}
	if !ok {
		return crm.ErrAuthorizationFailed(message)
	}
	return nil
}

func (s *Server) listDealContactRoles(ctx context.Context, c *call) (int, any, error) {
	return s.readDealContactRoles(ctx, c, false)
}

func (s *Server) getDealContactRole(ctx context.Context, c *call) (int, any, error) {
	return s.readDealContactRoles(ctx, c, true)
}

func (s *Server) readDealContactRoles(ctx context.Context, c *call, single bool) (int, any, error) {
	var status int
	var body any
	err := c.read(func(tx crm.Tx) error {
		deal, err := dealRolesAccess(ctx, c, tx, oauth.OpRead, "View")
		if err != nil {
			return err
		}
		var only []int64
		if single {
			contact, err := pathContact(ctx, c, tx)
			if err != nil {
				return err
			}
			only = []int64{contact.ID}
		}
		q, err := relQuery(c)
		if err != nil {
			return err
		}
		if single {
			q.IDs = only
		}
		page, err := crm.ListDealContactRoles(ctx, tx, c.Org, deal.ID, q)
		if err != nil {
			return err
		}
		status, body = relPageAnswer(page)
		return nil
	})
	return status, body, err
}

func (s *Server) putDealContactRoles(ctx context.Context, c *call) (int, any, error) {
	return s.writeDealContactRoles(ctx, c, false)
}

func (s *Server) putDealContactRole(ctx context.Context, c *call) (int, any, error) {
	return s.writeDealContactRoles(ctx, c, true)
}

func (s *Server) writeDealContactRoles(ctx context.Context, c *call, single bool) (int, any, error) {
	var out []crm.Item
	err := c.write(func(tx crm.Tx) error {
		deal, err := dealRolesAccess(ctx, c, tx, oauth.OpUpdate, "Edit")
		if err != nil {
			return err
		}
		var contactID int64
		if single {
			contact, err := pathContact(ctx, c, tx)
			if err != nil {
				return err
			}
			contactID = contact.ID
		}
		if err := dealSharing(ctx, c, tx, deal, crm.MsgDealRolesUpdate); err != nil {
			return err
		}
		obj, err := c.body()
		if err != nil {
			return err
		}
		items, err := relBodyItems(obj, "data", single)
		if err != nil {
			return err
		}
		out, err = crm.PutDealContactRoles(ctx, tx, c.Org, deal.ID, items, contactID)
		return err
	})
	if err != nil {
		return 0, nil, err
	}
	return crm.MultiStatus(out, http.StatusOK), map[string]any{"data": out}, nil
}

func (s *Server) deleteDealContactRoles(ctx context.Context, c *call) (int, any, error) {
	return s.removeDealContactRoles(ctx, c, false)
}

func (s *Server) deleteDealContactRole(ctx context.Context, c *call) (int, any, error) {
	return s.removeDealContactRoles(ctx, c, true)
}

func (s *Server) removeDealContactRoles(ctx context.Context, c *call, single bool) (int, any, error) {
	var out []crm.Item
	ids, idsErr := relIDsBeforeWrite(c, single)
	err := c.write(func(tx crm.Tx) error {
		if dealID, ok := crm.ParseID(c.param("id")); ok && !single && idsErr == nil {
			// The deal is checked in the same store call as the removal.
			if err := dealRolesModule(ctx, c, tx, oauth.OpDelete, "Delete"); err != nil {
				return err
			}
			var err error
			out, err = crm.RemoveDealContactRolesAs(ctx, tx, c.Actor, dealID, ids, crm.MsgDealRolesDelete)
			return err
		}
		deal, err := dealRolesAccess(ctx, c, tx, oauth.OpDelete, "Delete")
		if err != nil {
			return err
		}
		var contact crm.Record
		if single {
			if contact, err = pathContact(ctx, c, tx); err != nil {
				return err
			}
		}
		if err := dealSharing(ctx, c, tx, deal, crm.MsgDealRolesDelete); err != nil {
			return err
		}
		if single {
			item, err := crm.RemoveDealContactRole(ctx, tx, c.Org.ID, deal.ID, contact.ID)
			out = []crm.Item{item}
			return err
		}
		if idsErr != nil {
			return idsErr
		}
		out, err = crm.RemoveDealContactRoles(ctx, tx, c.Org.ID, deal.ID, ids)
		return err
	})
	if err != nil {
		return 0, nil, err
	}
	return crm.MultiStatus(out, http.StatusOK), map[string]any{"data": out}, nil
}
