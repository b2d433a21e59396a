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
		return 0, nil, crm.ErrPathID(crm.MsgIDGivenInvalid, 2)
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
	return c.needPermission(crm.MsgPermissionDenied, crm.PermCustomizeCRM)
}

// pathContactRole resolves the {id} of /Contacts/roles/{id} for a change.
func pathContactRole(ctx context.Context, c *call, tx crm.Tx) (int64, error) {
	id, ok := crm.ParseID(c.param("id"))
	if !ok {
		return 0, crm.ErrPathID(crm.MsgIDGivenInvalid, 2)
	}
	if _, err := crm.ContactRoleByID(ctx, tx, c.Org.ID, id); errors.Is(err, crm.ErrNotFound) {
		return 0, crm.ErrPathID(crm.MsgIDGivenInvalid, 2)
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
			if len(crm.SplitIDs(c.query("ids"))) == 0 {
				// Delete Contact Roles names the parameter under "param" (contact_roles.json's
				// Required_Param_API_Exception, the key the SDKs read), not "param_name".
				return crm.NewError(http.StatusBadRequest, "REQUIRED_PARAM_MISSING", crm.MsgExpectedParamMissing, map[string]any{"param": "ids"})
			}
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

// Contacts' roles on a deal: /{module}/{id}/Contact_Roles[/{related_id}], {module} must be Deals,
// checked as every call under a parent record is (underparent.go, dealRoleRules): any other module
// is INVALID_MODULE, and the Deals and Contacts scopes and permissions are needed together.

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
		p, listErr, err := dealRoleRules.enter(ctx, c, tx, oauth.OpRead, "View")
		if err != nil {
			return err
		}
		if err := dealRoleRules.settle(ctx, c, tx, &p, listErr, single, ""); err != nil {
			return err
		}
		// The official SDKs cannot send fields on the single GET, so it is answered with every field
		// of Contacts when none are named (reference §0.1), as GET /Contacts/{id} answers; v2 to v3
		// take no fields on the listing either (crm/version.go).
		q, err := crm.ParseListQuery(c.lookupQuery, !single && !c.api.RoleAsString)
		if err != nil {
			return err
		}
		if single {
			q.IDs = []int64{p.related.ID}
		}
		if len(q.Fields) == 0 {
			q.Fields = crm.ContactFields()
		}
		page, err := crm.ListDealContactRoles(ctx, tx, c.Actor, p.parentID, q, c.api.RoleAsString)
		if err != nil {
			return err
		}
		status, body = relPageAnswer(page)
		return nil
	})
	return status, body, err
}

func (s *Server) putDealContactRoles(ctx context.Context, c *call) (int, any, error) {
	return s.putDealRoles(ctx, c, false)
}

func (s *Server) putDealContactRole(ctx context.Context, c *call) (int, any, error) {
	return s.putDealRoles(ctx, c, true)
}

// putDealRoles gives the contacts the body's items name roles on the deal (the single form: {related_id}).
func (s *Server) putDealRoles(ctx context.Context, c *call, single bool) (int, any, error) {
	return s.putUnder(ctx, c, dealRoleRules, single, func(tx crm.Tx, p underParent, items []any) ([]crm.Item, error) {
		return crm.PutDealContactRoles(ctx, tx, c.Org, p.parentID, items, p.related.ID)
	})
}

func (s *Server) deleteDealContactRoles(ctx context.Context, c *call) (int, any, error) {
	return s.removeDealRoles(ctx, c, false)
}

func (s *Server) deleteDealContactRole(ctx context.Context, c *call) (int, any, error) {
	return s.removeDealRoles(ctx, c, true)
}

// removeDealRoles removes the roles of the ids parameter's contacts from the deal (the single form:
// {related_id}'s).
func (s *Server) removeDealRoles(ctx context.Context, c *call, single bool) (int, any, error) {
	return s.removeUnder(ctx, c, dealRoleRules, single,
		func(tx crm.Tx, p underParent, ids []int64, denied string) ([]crm.Item, error) {
			return crm.RemoveDealContactRoles(ctx, tx, c.Actor, p.parentID, ids, denied)
		},
		func(tx crm.Tx, p underParent) (crm.Item, error) {
			return crm.RemoveDealContactRole(ctx, tx, c.Org.ID, p.parentID, p.related.ID)
		})
}
