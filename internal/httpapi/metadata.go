package httpapi

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/zcrm/zcrm/internal/catalog"
	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/oauth"
)

// Metadata the official SDKs call on their own: GET /org, /users, /users/{id}, /settings/modules,
// /settings/modules/{api_name}, /settings/fields, /settings/related_lists and
// /settings/custom_views. Each handler checks the scope, reads its parameters and has crm render
// the answer (crm/metadata_render.go) with the org's metadata ids (withMetaIDs).

// withMetaIDs runs fn in a read transaction with the org's metadata ids; when fn asked for ids that
// do not exist yet, it allocates them and runs fn again in a write transaction. fn must only assign
// its results (it may run twice).
func (c *call) withMetaIDs(ctx context.Context, fn func(tx crm.Tx, ids *crm.MetaIDs) error) error {
	var missing []string
	err := c.read(func(tx crm.Tx) error {
		ids, err := crm.LoadMetaIDs(ctx, tx, c.Org.ID)
		if err != nil {
			return err
		}
		if err := fn(tx, ids); err != nil {
			return err
		}
		missing = ids.Missing()
		return nil
	})
	if err != nil || len(missing) == 0 {
		return err
	}
	return c.write(func(tx crm.Tx) error {
		if err := crm.AllocateMetaIDs(ctx, tx, c.Org.ID, missing); err != nil {
			return err
		}
		ids, err := crm.LoadMetaIDs(ctx, tx, c.Org.ID)
		if err != nil {
			return err
		}
		return fn(tx, ids)
	})
}

// settingsModule resolves the mandatory module query parameter of a settings endpoint: missing is
// REQUIRED_PARAM_MISSING; unknown or not served by the API is INVALID_MODULE with details.
func (c *call) settingsModule(ctx context.Context, tx crm.Tx, details map[string]any) (catalog.Module, error) {
	name := strings.TrimSpace(c.query("module"))
	if name == "" {
		return catalog.Module{}, crm.ErrParamMissing("module")
	}
	m, err := crm.ResolveModule(ctx, tx, c.Org, name)
	if errors.Is(err, crm.ErrNotFound) {
		return m, crm.NewError(http.StatusBadRequest, "INVALID_MODULE", crm.MsgModuleNameInvalid, details)
	}
	if err != nil {
		return m, err
	}
	if !m.APISupported {
		return m, crm.NewError(http.StatusBadRequest, "INVALID_MODULE", crm.MsgModuleNotSupportedInAPI, details)
	}
	return m, nil
}

func (s *Server) getOrg(ctx context.Context, c *call) (int, any, error) {
	if err := c.needScope(oauth.GroupNeed("org", oauth.OpRead)); err != nil {
		return 0, nil, err
	}
	var body map[string]any
	err := c.read(func(tx crm.Tx) error {
		org, err := crm.GetOrg(ctx, tx, c.Org)
		if err != nil {
			return err
		}
		body = map[string]any{"org": []any{org}}
		return nil
	})
	return http.StatusOK, body, err
}

func (s *Server) listUsers(ctx context.Context, c *call) (int, any, error) {
	if err := c.needScope(oauth.GroupNeed("users", oauth.OpRead)); err != nil {
		return 0, nil, err
	}
	q, err := crm.ParseUsersQuery(c.lookupQuery)
	if err != nil {
		return 0, nil, err
	}
	var users []any
	var info map[string]any
	err = c.withMetaIDs(ctx, func(tx crm.Tx, ids *crm.MetaIDs) error {
		var err error
		users, info, err = crm.ListUsers(ctx, tx, c.Actor, ids, q)
		return err
	})
	if err != nil || len(users) == 0 {
		return http.StatusNoContent, nil, err
	}
	return http.StatusOK, map[string]any{"users": users, "info": info}, nil
}

// countUsers answers Users Count: {"count": N}, a number as Zoho's page shows it.
func (s *Server) countUsers(ctx context.Context, c *call) (int, any, error) {
	if err := c.needScope(oauth.GroupNeed("users", oauth.OpRead)); err != nil {
		return 0, nil, err
	}
	var n int
	err := c.read(func(tx crm.Tx) error {
		var err error
		n, err = crm.CountUsers(ctx, tx, c.Actor, c.query("type"))
		return err
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]any{"count": n}, nil
}

func (s *Server) getUser(ctx context.Context, c *call) (int, any, error) {
	if err := c.needScope(oauth.GroupNeed("users", oauth.OpRead)); err != nil {
		return 0, nil, err
	}
	id, ok := crm.ParseID(c.param("id"))
	if !ok {
		return http.StatusNoContent, nil, nil
	}
	var user, info map[string]any
	err := c.withMetaIDs(ctx, func(tx crm.Tx, ids *crm.MetaIDs) error {
		var err error
		user, info, err = crm.GetUser(ctx, tx, c.Org, ids, id)
		return err
	})
	if err != nil || user == nil {
		return http.StatusNoContent, nil, err
	}
	return http.StatusOK, map[string]any{"users": []any{user}, "info": info}, nil
}

func (s *Server) listModules(ctx context.Context, c *call) (int, any, error) {
	if err := c.needScope(oauth.SettingsNeed("modules", oauth.OpRead)); err != nil {
		return 0, nil, err
	}
	var mods []any
	err := c.withMetaIDs(ctx, func(tx crm.Tx, ids *crm.MetaIDs) error {
		var err error
		mods, err = crm.ListModules(ctx, tx, c.Actor, ids, c.query("status"))
		return err
	})
	if err != nil || len(mods) == 0 {
		return http.StatusNoContent, nil, err
	}
	return http.StatusOK, map[string]any{"modules": mods}, nil
}

func (s *Server) getModule(ctx context.Context, c *call) (int, any, error) {
	if err := c.needScope(oauth.SettingsNeed("modules", oauth.OpRead)); err != nil {
		return 0, nil, err
	}
	var mod map[string]any
	err := c.withMetaIDs(ctx, func(tx crm.Tx, ids *crm.MetaIDs) error {
		var err error
		mod, err = crm.GetModule(ctx, tx, c.Actor, ids, c.param("module"), 2)
		return err
	})
	if err != nil || mod == nil {
		return http.StatusNoContent, nil, err
	}
	return http.StatusOK, map[string]any{"modules": []any{mod}}, nil
}

func (s *Server) listFields(ctx context.Context, c *call) (int, any, error) {
	if err := c.needScope(oauth.SettingsNeed("fields", oauth.OpRead)); err != nil {
		return 0, nil, err
	}
	var fields []any
	err := c.withMetaIDs(ctx, func(tx crm.Tx, ids *crm.MetaIDs) error {
		m, err := c.settingsModule(ctx, tx, map[string]any{})
		if err != nil {
			return err
		}
		fields, err = crm.ListFields(ctx, tx, c.Org, m, ids, c.query("type"))
		return err
	})
	if err != nil || len(fields) == 0 {
		return http.StatusNoContent, nil, err
	}
	return http.StatusOK, map[string]any{"fields": fields}, nil
}

// getField answers GET /settings/fields/{id}?module=: the one field of listFields with that id, or
// 204 when the module has none (Zoho's document answers 200 {"fields":[…]} or 204).
func (s *Server) getField(ctx context.Context, c *call) (int, any, error) {
	status, body, err := s.listFields(ctx, c)
	return oneByID(status, body, err, "fields", c.param("id"))
}

// getRelatedList answers GET /settings/related_lists/{id}?module=, as getField does.
func (s *Server) getRelatedList(ctx context.Context, c *call) (int, any, error) {
	status, body, err := s.listRelatedLists(ctx, c)
	return oneByID(status, body, err, "related_lists", c.param("id"))
}

// oneByID narrows a metadata list's answer ({key: […]}) to the item with the id: 204 when there
// is none.
func oneByID(status int, body any, err error, key, id string) (int, any, error) {
	if err != nil || status != http.StatusOK {
		return status, body, err
	}
	for _, it := range body.(map[string]any)[key].([]any) {
		if m, ok := it.(map[string]any); ok && m["id"] == id {
			return http.StatusOK, map[string]any{key: []any{it}}, nil
		}
	}
	return http.StatusNoContent, nil, nil
}

func (s *Server) listRelatedLists(ctx context.Context, c *call) (int, any, error) {
	if err := c.needScope(oauth.SettingsNeed("related_lists", oauth.OpRead)); err != nil {
		return 0, nil, err
	}
	var lists []any
	err := c.withMetaIDs(ctx, func(tx crm.Tx, ids *crm.MetaIDs) error {
		m, err := c.settingsModule(ctx, tx, map[string]any{"param": "module"})
		if err != nil {
			return err
		}
		lists = crm.ListRelatedLists(m, ids)
		return nil
	})
	if err != nil || len(lists) == 0 {
		return http.StatusNoContent, nil, err
	}
	return http.StatusOK, map[string]any{"related_lists": lists}, nil
}

func (s *Server) listCustomViews(ctx context.Context, c *call) (int, any, error) {
	if err := c.needScope(oauth.SettingsNeed("custom_views", oauth.OpRead)); err != nil {
		return 0, nil, err
	}
	var views []any
	var info map[string]any
	err := c.withMetaIDs(ctx, func(tx crm.Tx, ids *crm.MetaIDs) error {
		m, err := c.settingsModule(ctx, tx, map[string]any{})
		if err != nil {
			return err
		}
		views, info, err = crm.ListCustomViews(ctx, tx, c.Org, m, ids)
		return err
	})
	if err != nil || len(views) == 0 {
		return http.StatusNoContent, nil, err
	}
	return http.StatusOK, map[string]any{"custom_views": views, "info": info}, nil
}

// getCustomView answers GET /settings/custom_views/{id}?module=: the module's view with that id,
// its criteria, fields and sort included (crm.GetCustomView), or 204 when the module has none.
func (s *Server) getCustomView(ctx context.Context, c *call) (int, any, error) {
	if err := c.needScope(oauth.SettingsNeed("custom_views", oauth.OpRead)); err != nil {
		return 0, nil, err
	}
	var view, info map[string]any
	err := c.withMetaIDs(ctx, func(tx crm.Tx, ids *crm.MetaIDs) error {
		m, err := c.settingsModule(ctx, tx, map[string]any{})
		if err != nil {
			return err
		}
		view, info, err = crm.GetCustomView(ctx, tx, c.Org, m, ids, c.param("id"))
		return err
	})
	if err != nil || view == nil {
		return http.StatusNoContent, nil, err
	}
	return http.StatusOK, map[string]any{"custom_views": []any{view}, "info": info}, nil
}
