package crm

import (
	"context"
	"strings"

	"github.com/zcrm/zcrm/internal/catalog"
)

// ResolveModule returns the org's module named name, standard or custom, matched case-insensitively.
// It returns ErrNotFound when the org has no such module. Callers check APISupported themselves.
func ResolveModule(ctx context.Context, tx Tx, org Org, name string) (catalog.Module, error) {
	if m, ok := catalog.Standard(name); ok {
		return m, nil
	}
	customs, err := tx.CustomModules(ctx, org.ID)
	if err != nil {
		return catalog.Module{}, err
	}
	for _, c := range customs {
		if strings.EqualFold(c.APIName, name) {
			return catalog.NewCustomModule(c.APIName, c.Singular, c.Plural), nil
		}
	}
	return catalog.Module{}, ErrNotFound
}

// APIModule resolves the module at path segment index for an API call: INVALID_MODULE when unknown,
// INVALID_MODULE "not supported in API" when the API does not serve it.
func APIModule(ctx context.Context, tx Tx, org Org, name string, index int) (catalog.Module, error) {
	m, err := ResolveModule(ctx, tx, org, name)
	if err == ErrNotFound {
		return catalog.Module{}, ErrInvalidModule(index)
	}
	if err != nil {
		return catalog.Module{}, err
	}
	if !m.APISupported {
		return catalog.Module{}, ErrModuleNotInAPI(index)
	}
	return m, nil
}

// AllModules returns the org's modules: the catalogue then its custom modules.
func AllModules(ctx context.Context, tx Tx, org Org) ([]catalog.Module, error) {
	customs, err := tx.CustomModules(ctx, org.ID)
	if err != nil {
		return nil, err
	}
	out := append([]catalog.Module{}, catalog.Modules()...)
	for _, c := range customs {
		out = append(out, catalog.NewCustomModule(c.APIName, c.Singular, c.Plural))
	}
	return out, nil
}
