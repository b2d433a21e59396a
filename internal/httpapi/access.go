package httpapi

import (
	"context"

	"github.com/zcrm/zcrm/internal/catalog"
	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/oauth"
)

// needScope fails with OAUTH_SCOPE_MISMATCH unless the token grants one of the needs.
func (c *call) needScope(needs ...oauth.Need) error {
	if !c.Scopes.Allows(needs...) {
		return crm.ErrScopeMismatch()
	}
	return nil
}

// needModuleScope fails with OAUTH_SCOPE_MISMATCH unless the token grants op on every module.
func (c *call) needModuleScope(op string, modules ...string) error {
	for _, m := range modules {
		if !c.Scopes.Allows(oauth.ModuleNeed(m, op)) {
			return crm.ErrScopeMismatch()
		}
	}
	return nil
}

// needPermission fails with 403 NO_PERMISSION (with message) unless the profile holds every perm.
func (c *call) needPermission(message string, perms ...string) error {
	var missing []string
	for _, p := range perms {
		if !c.Profile.Has(p) {
			missing = append(missing, p)
		}
	}
	if len(missing) > 0 {
		return crm.ErrNoPermission(message, missing...)
	}
	return nil
}

// needEdition fails with 403 FEATURE_NOT_ENABLED unless the org's edition is min or above.
func (c *call) needEdition(min crm.Edition) error {
	if !c.Org.Edition.AtLeast(min) {
		return crm.ErrFeatureNotEnabled()
	}
	return nil
}

// module resolves the {module} path parameter (segment 0) for the caller's org.
func (c *call) module(ctx context.Context, tx crm.Tx) (catalog.Module, error) {
	return crm.APIModule(ctx, tx, c.Org, c.param("module"), 0)
}

// read runs fn in a read-only transaction.
func (c *call) read(fn func(tx crm.Tx) error) error { return c.s.store.Read(c.ctx, c.trusting(fn)) }

// readEach runs fn as read does, its statements free of one snapshot (crm.Store.ReadEach): for
// reads whose answer is one statement over records.
func (c *call) readEach(fn func(tx crm.Tx) error) error {
	return c.s.store.ReadEach(c.ctx, c.trusting(fn))
}

// trusting tells fn's read the org version the caller's authentication checked, when it checked
// one (crm.OrgTx.TrustVersion): a caller taken from the token cache unchecked tells nothing.
func (c *call) trusting(fn func(tx crm.Tx) error) func(tx crm.Tx) error {
	if !c.verified || c.Org.ID == 0 {
		return fn
	}
	org, v := c.Org.ID, c.Version
	return func(tx crm.Tx) error {
		tx.TrustVersion(org, v)
		return fn(tx)
	}
}

// write runs fn in a read-write transaction; fn may run again if the database asks for a retry, so
// it must only compute its answer (the body was read before: call.body). A caller taken from the
// token cache unchecked is confirmed first, in the same transaction (oauth.Service.Confirm), and
// gives way with errControlMoved when that read a control change its gate did not see.
func (c *call) write(fn func(tx crm.Tx) error) error {
	c.wrote = true
	if c.verified {
		return c.s.store.Write(c.ctx, fn)
	}
	cached := c.Caller
	return c.s.store.Write(c.ctx, func(tx crm.Tx) error {
		caller, err := c.s.oauth.Confirm(c.ctx, tx, cached)
		if err != nil {
			return err
		}
		if c.s.store.Control().Generation != c.gen {
			return errControlMoved // Confirm read a control change the gate did not see
		}
		c.Caller = caller
		return fn(tx)
	})
}
