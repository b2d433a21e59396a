package crm

import (
	"context"
	"errors"
	"sort"
	"strings"

	"github.com/zcrm/zcrm/internal/catalog"
)

// MetaIDs hands out an org's metadata ids (modules, fields, related lists, custom views, layouts,
// roles, picklist values) by catalog.Key*. A key without an id (an entry added to the catalogue
// after the org was made) is remembered so that AllocateMetaIDs can give it one.
type MetaIDs struct {
	ids     map[string]int64
	missing map[string]bool
}

// LoadMetaIDs reads the org's metadata ids.
func LoadMetaIDs(ctx context.Context, tx Tx, orgID int64) (*MetaIDs, error) {
	ids, err := tx.MetadataIDs(ctx, orgID)
	if err != nil {
		return nil, err
	}
	return &MetaIDs{ids: ids, missing: map[string]bool{}}, nil
}

// ID returns the id of key as a wire string; "0" (and the key is remembered) when it has none.
func (m *MetaIDs) ID(key string) string {
	if id, ok := m.ids[key]; ok {
		return FormatID(id)
	}
	m.missing[key] = true
	return "0"
}

// Missing returns the keys asked for that had no id, sorted.
func (m *MetaIDs) Missing() []string {
	out := make([]string, 0, len(m.missing))
	for k := range m.missing {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// AllocateMetaIDs gives every key of keys that has no id in the org a new one. It needs a write
// transaction; keys that got an id meanwhile are left alone.
func AllocateMetaIDs(ctx context.Context, tx Tx, orgID int64, keys []string) error {
	have, err := tx.MetadataIDs(ctx, orgID)
	if err != nil {
		return err
	}
	var todo []string
	for _, k := range keys {
		if _, ok := have[k]; !ok {
			todo = append(todo, k)
			have[k] = 0
		}
	}
	if len(todo) == 0 {
		return nil
	}
	ids, err := tx.NewIDs(ctx, len(todo))
	if err != nil {
		return err
	}
	byKey := make(map[string]int64, len(todo))
	for i, k := range todo {
		byKey[k] = ids[i]
	}
	return tx.InsertMetadataIDs(ctx, orgID, byKey)
}

// CheckCustomView checks a record list's cvid (GET /{module}, search, count) and returns what the
// view selects: it must name one of the module's custom views, the built-in "All" view or one of
// the org's own (400 INVALID_DATA "invalid data" {"param_name":"cvid"} otherwise, as Zoho's
// getRecords example answers), and Zoho refuses it together with sort_by (400
// AMBIGUITY_DURING_PROCESSING). The built-in view selects every record; an org's view, the
// records its criteria match (customview_service.go).
func CheckCustomView(ctx context.Context, tx Tx, org Org, m catalog.Module, cvid string, sortBy bool) (ViewSelection, error) {
	bad := ErrInvalidData(MsgInvalidData, map[string]any{"param_name": "cvid"})
	id, ok := ParseID(strings.TrimSpace(cvid))
	if !ok {
		return ViewSelection{}, bad
	}
	if sortBy {
		return ViewSelection{}, ErrAmbiguity("cvid", "sort_by")
	}
	v, builtin, err := viewOf(ctx, tx, org, m, id)
	switch {
	case errors.Is(err, ErrNotFound):
		return ViewSelection{}, bad
	case err != nil || builtin:
		return ViewSelection{}, err
	}
	return v.selection(m)
}
