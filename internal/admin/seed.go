package admin

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/zcrm/zcrm/internal/catalog"
	"github.com/zcrm/zcrm/internal/crm"
)

// A fixture is a JSON document applied in one write transaction (Service.Seed):
//
//	{"org": "<org id>",                                  // optional; default: the default org
//	 "records": {"<Module>": [{"ref": "c1", <fields as the records API takes them>}, …], …},
//	 "relations": [{"parent": "<ref|id>", "module": "<parent module, for an id>",
//	                "list": "<related list>", "related": "<ref|id>", <relation fields>}, …],
//	 "deal_contact_roles": [{"deal": "<ref|id>", "contact": "<ref|id>", "role": "<role name>"}, …]}
//
// Records are inserted through crm.InsertRecords as the org's first Administrator, modules in the
// document's order; a field value {"ref": "x"} is the lookup {"id": <x's id>}. Relations go through
// crm.LinkRelated, deal contact roles through crm.PutDealContactRoles: a fixture stores exactly
// what the CRM API would. A ref names a record within the document: it must be defined once, before
// it is used. Any error rolls the whole document back.

// fixtureKeys are the top-level keys a fixture takes, in the order they are applied.
var fixtureKeys = []string{"org", "records", "relations", "deal_contact_roles"}

// laterKeys are fixture sections of the design (issue 17) that Seed does not take yet.
var laterKeys = map[string]bool{"orgs": true, "users": true, "profiles": true, "sharing": true, "modules": true,
	"cadences": true, "enrolments": true, "contact_roles": true, "notes": true, "oauth": true}

// FixtureError is an invalid fixture: the admin API answers it 400
// {"code":"INVALID_FIXTURE","message":…,"path":…}, path being the JSON path of the offending value
// in the fixture ("$" for the document itself).
type FixtureError struct {
	Message string
	Path    string
}

func (e *FixtureError) Error() string { return e.Path + ": " + e.Message }

// MarshalJSON writes the admin API's body of the error.
func (e *FixtureError) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Path    string `json:"path"`
	}{"INVALID_FIXTURE", e.Message, e.Path})
}

func fixtureErr(path, format string, args ...any) *FixtureError {
	return &FixtureError{Message: fmt.Sprintf(format, args...), Path: path}
}

// SeedAnswer is what a seed answers: {"refs": {"<ref>": "<id>", …}}.
func SeedAnswer(refs map[string]string) map[string]any {
	if refs == nil {
		refs = map[string]string{}
	}
	return map[string]any{"refs": refs}
}

// Seed applies the fixture doc in one write transaction and returns the ids its refs got. An
// invalid fixture is a *FixtureError and changes nothing.
func (s *Service) Seed(ctx context.Context, doc []byte) (map[string]string, error) {
	refs, _, err := s.seed(ctx, doc, false)
	return refs, err
}

// SeedIfEmpty is Seed on a database that holds no record in any org, judged in the seed's own
// transaction; on any other database it changes nothing and reports seeded false.
func (s *Service) SeedIfEmpty(ctx context.Context, doc []byte) (refs map[string]string, seeded bool, err error) {
	return s.seed(ctx, doc, true)
}

func (s *Service) seed(ctx context.Context, doc []byte, onlyEmpty bool) (map[string]string, bool, error) {
	f, ferr := parseFixture(doc)
	if ferr != nil {
		return nil, false, ferr
	}
	var refs map[string]string
	var seeded bool
	err := s.Store.Write(ctx, func(tx crm.Tx) error {
		refs, seeded = nil, false
		if onlyEmpty {
			empty, err := noRecords(ctx, tx)
			if err != nil || !empty {
				return err
			}
		}
		a := &applier{ctx: ctx, tx: tx, f: f, refs: map[string]string{}, modules: map[string]string{}}
		if err := a.apply(); err != nil {
			return err
		}
		refs, seeded = a.refs, true
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	return refs, seeded, nil
}

// noRecords reports whether no org has a record in any module.
func noRecords(ctx context.Context, tx crm.Tx) (bool, error) {
	orgs, err := tx.Orgs(ctx)
	if err != nil {
		return false, err
	}
	for _, o := range orgs {
		names := make([]string, 0, len(catalog.Modules()))
		for _, m := range catalog.Modules() {
			names = append(names, m.APIName)
		}
		customs, err := tx.CustomModules(ctx, o.ID)
		if err != nil {
			return false, err
		}
		for _, c := range customs {
			names = append(names, c.APIName)
		}
		for _, name := range names {
			recs, err := tx.ListRecords(ctx, crm.RecordQuery{OrgID: o.ID, Module: name, SortBy: crm.SortByID, Limit: 1})
			if err != nil {
				return false, err
			}
			if len(recs) > 0 {
				return false, nil
			}
		}
	}
	return true, nil
}

// fixture is a parsed fixture document, in document order.
type fixture struct {
	org       any // nil: the default org
	records   []moduleRecords
	relations []entry
	roles     []entry
	// defs is where each ref is defined.
	defs map[string]string
}

type moduleRecords struct {
	name, path string
	entries    []entry
}

// entry is one object of a fixture array and its JSON path.
type entry struct {
	path string
	obj  map[string]any
}

// member is one key of a JSON object, in document order.
type member struct {
	key   string
	value json.RawMessage
}

// members reads a JSON object's keys in document order; a duplicate key is an error.
func members(raw json.RawMessage, path, what string) ([]member, *FixtureError) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, fixtureErr(path, "%s must be a JSON object", what)
	}
	var out []member
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fixtureErr(path, "malformed JSON")
		}
		key := tok.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, fixtureErr(path, "malformed JSON")
		}
		if seen[key] {
			return nil, fixtureErr(keyPath(path, key), "duplicate key %q", key)
		}
		seen[key] = true
		out = append(out, member{key, v})
	}
	return out, nil
}

// decodeValue decodes raw as the records API does: numbers stay json.Number.
func decodeValue(raw json.RawMessage) any {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	_ = dec.Decode(&v) // raw is one valid JSON value (json.Valid on the document)
	return v
}

var identRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// keyPath is the JSON path of key under path: $.a.b, or $.a["b c"] when the key is no identifier.
func keyPath(path, key string) string {
	if identRE.MatchString(key) {
		return path + "." + key
	}
	return path + "[" + strconv.Quote(key) + "]"
}

func indexPath(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

// objects reads a JSON array of objects.
func objects(raw json.RawMessage, path, what string) ([]entry, *FixtureError) {
	arr, ok := decodeValue(raw).([]any)
	if !ok {
		return nil, fixtureErr(path, "%s must be a JSON array", what)
	}
	out := make([]entry, len(arr))
	for i, v := range arr {
		p := indexPath(path, i)
		obj, ok := v.(map[string]any)
		if !ok {
			return nil, fixtureErr(p, "%s must be JSON objects", what)
		}
		out[i] = entry{p, obj}
	}
	return out, nil
}

// parseFixture reads the document's structure, before any transaction: keys, types, refs defined once.
func parseFixture(doc []byte) (*fixture, *FixtureError) {
	if !json.Valid(doc) {
		return nil, fixtureErr("$", "malformed JSON")
	}
	top, ferr := members(doc, "$", "a fixture")
	if ferr != nil {
		return nil, ferr
	}
	f := &fixture{defs: map[string]string{}}
	for _, m := range top {
		p := keyPath("$", m.key)
		switch m.key {
		case "org":
			f.org = decodeValue(m.value)
		case "records":
			mods, ferr := members(m.value, p, "records")
			if ferr != nil {
				return nil, ferr
			}
			for _, mod := range mods {
				mp := keyPath(p, mod.key)
				entries, ferr := objects(mod.value, mp, "records of a module")
				if ferr != nil {
					return nil, ferr
				}
				for _, e := range entries {
					if ferr := f.define(e); ferr != nil {
						return nil, ferr
					}
				}
				f.records = append(f.records, moduleRecords{mod.key, mp, entries})
			}
		case "relations":
			if f.relations, ferr = objects(m.value, p, "relations"); ferr != nil {
				return nil, ferr
			}
		case "deal_contact_roles":
			if f.roles, ferr = objects(m.value, p, "deal_contact_roles"); ferr != nil {
				return nil, ferr
			}
		default:
			takes := "a fixture takes " + strings.Join(fixtureKeys, ", ")
			if laterKeys[m.key] {
				return nil, fixtureErr(p, "%q is not supported yet; %s", m.key, takes)
			}
			return nil, fixtureErr(p, "unknown key %q; %s", m.key, takes)
		}
	}
	return f, nil
}

// define notes the ref of a record entry, if it has one.
func (f *fixture) define(e entry) *FixtureError {
	v, ok := e.obj["ref"]
	if !ok {
		return nil
	}
	p := e.path + ".ref"
	ref, ok := v.(string)
	if !ok || strings.TrimSpace(ref) == "" {
		return fixtureErr(p, "ref must be a non-empty string")
	}
	if first, dup := f.defs[ref]; dup {
		return fixtureErr(p, "ref %q is defined twice (first at %s)", ref, first)
	}
	f.defs[ref] = p
	return nil
}

// applier applies one parsed fixture in one transaction.
type applier struct {
	ctx   context.Context
	tx    crm.Tx
	f     *fixture
	actor crm.Actor
	// refs maps each ref defined so far to its record's id, modules to its record's module.
	refs, modules map[string]string
}

func (a *applier) apply() error {
	if err := a.resolveOrg(); err != nil {
		return err
	}
	for _, mr := range a.f.records {
		if err := a.insertModule(mr); err != nil {
			return err
		}
	}
	for _, e := range a.f.relations {
		if err := a.link(e); err != nil {
			return err
		}
	}
	for _, e := range a.f.roles {
		if err := a.dealRole(e); err != nil {
			return err
		}
	}
	return nil
}

// resolveOrg sets the actor: the first Administrator of the org the fixture names (default: the
// default org).
func (a *applier) resolveOrg() error {
	var org crm.Org
	var err error
	if a.f.org == nil {
		org, err = crm.EnsureDefaultOrg(a.ctx, a.tx)
	} else {
		id, ok := idOf(a.f.org)
		if !ok {
			return fixtureErr("$.org", "org must be an org id")
		}
		org, err = a.tx.Org(a.ctx, id)
		if errors.Is(err, crm.ErrNotFound) {
			return fixtureErr("$.org", "no org %s", crm.FormatID(id))
		}
	}
	if err != nil {
		return err
	}
	user, err := a.tx.FirstAdmin(a.ctx, org.ID)
	if err != nil {
		return err
	}
	prof, err := a.tx.Profile(a.ctx, org.ID, user.ProfileID)
	if err != nil {
		return err
	}
	a.actor = crm.Actor{Org: org, User: user, Profile: prof}
	return nil
}

// idOf reads an id given as a string or a number.
func idOf(v any) (int64, bool) {
	switch x := v.(type) {
	case string:
		return crm.ParseID(x)
	case json.Number:
		return crm.ParseID(x.String())
	}
	return 0, false
}

// lookupRef returns the value {"ref": "x"} names, when v is one.
func lookupRef(v any) (string, bool) {
	obj, ok := v.(map[string]any)
	if !ok || len(obj) != 1 {
		return "", false
	}
	ref, ok := obj["ref"].(string)
	return ref, ok
}

// defined returns the id of ref, used at path: an error when the document defines it later or not at all.
func (a *applier) defined(ref, path string) (string, error) {
	if id, ok := a.refs[ref]; ok {
		return id, nil
	}
	if at, later := a.f.defs[ref]; later {
		return "", fixtureErr(path, "ref %q is used before it is defined (at %s)", ref, at)
	}
	return "", fixtureErr(path, "unknown ref %q", ref)
}

// insertModule inserts a module's records in order, in batches of up to crm.MaxRecordsPerCall; a
// record whose lookup names a ref of the batch being built starts a new batch.
func (a *applier) insertModule(mr moduleRecords) error {
	m, err := crm.APIModule(a.ctx, a.tx, a.actor.Org, mr.name, 0)
	var zoho *crm.Error
	if errors.As(err, &zoho) {
		return fixtureErr(mr.path, "%s: %s", zoho.Code, zoho.Message)
	}
	if err != nil {
		return err
	}
	var batch []entry
	var data []any
	pending := map[string]bool{}
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		items, err := crm.InsertRecords(a.ctx, a.tx, a.actor, m, data)
		if errors.As(err, &zoho) {
			return fixtureErr(mr.path, "%s: %s", zoho.Code, zoho.Message)
		}
		if err != nil {
			return err
		}
		for i, it := range items {
			if !it.OK() {
				return itemErr(it, batch[i].path, nil)
			}
			if ref, ok := batch[i].obj["ref"].(string); ok {
				a.refs[ref], _ = it.Details["id"].(string)
				a.modules[ref] = m.APIName
			}
		}
		batch, data, pending = nil, nil, map[string]bool{}
		return nil
	}
	for _, e := range mr.entries {
		rec := make(map[string]any, len(e.obj))
		for k, v := range e.obj {
			if k == "ref" {
				continue
			}
			if ref, ok := lookupRef(v); ok {
				if pending[ref] {
					if err := flush(); err != nil {
						return err
					}
				}
				id, err := a.defined(ref, keyPath(e.path, k)+".ref")
				if err != nil {
					return err
				}
				v = map[string]any{"id": id}
			}
			rec[k] = v
		}
		if len(batch) == crm.MaxRecordsPerCall {
			if err := flush(); err != nil {
				return err
			}
		}
		batch, data = append(batch, e), append(data, rec)
		if ref, ok := e.obj["ref"].(string); ok {
			pending[ref] = true
		}
	}
	return flush()
}

// itemErr turns the error item of a one-element (or batch) call into a fixture error at the
// entry's path: Zoho's json_path "$.data[i].Field" becomes "<path>.Field", or the key rename maps it to.
func itemErr(it crm.Item, path string, rename map[string]string) *FixtureError {
	p := path
	if jp, ok := it.Details["json_path"].(string); ok {
		if _, rest, ok := strings.Cut(jp, "]"); ok && strings.HasPrefix(jp, "$.data[") {
			field := strings.TrimPrefix(rest, ".")
			if to, ok := rename[field]; ok {
				field = to
			}
			if field != "" {
				p = keyPath(path, field)
			}
		}
	}
	return fixtureErr(p, "%s: %s", it.Code, it.Message)
}

// target resolves a ref or id naming a record of a fixture entry: its id and, for a ref, its module.
func (a *applier) target(e entry, key string) (int64, string, error) {
	p := keyPath(e.path, key)
	v, ok := e.obj[key]
	if !ok || v == nil {
		return 0, "", fixtureErr(p, "%s is required (a ref or a record id)", key)
	}
	if ref, ok := v.(string); ok {
		if _, isRef := a.f.defs[ref]; isRef || !isID(ref) {
			raw, err := a.defined(ref, p)
			if err != nil {
				return 0, "", err
			}
			id, _ := crm.ParseID(raw)
			return id, a.modules[ref], nil
		}
	}
	id, ok := idOf(v)
	if !ok {
		return 0, "", fixtureErr(p, "%s must be a ref or a record id", key)
	}
	return id, "", nil
}

func isID(s string) bool { _, ok := crm.ParseID(s); return ok }

// exists checks that the record id of module is in the org.
func (a *applier) exists(id int64, module, path string) error {
	_, err := a.tx.RecordHead(a.ctx, a.actor.Org.ID, module, id)
	if errors.Is(err, crm.ErrNotFound) {
		return fixtureErr(path, "no %s record %s", module, crm.FormatID(id))
	}
	return err
}

// link applies one relations entry through crm.LinkRelated.
func (a *applier) link(e entry) error {
	parentID, module, err := a.target(e, "parent")
	if err != nil {
		return err
	}
	if module == "" {
		name, ok := e.obj["module"].(string)
		if !ok || name == "" {
			return fixtureErr(keyPath(e.path, "module"), "module (the parent's module) is required when parent is a record id")
		}
		module = name
	}
	m, err := crm.APIModule(a.ctx, a.tx, a.actor.Org, module, 0)
	var zoho *crm.Error
	if errors.As(err, &zoho) {
		return fixtureErr(keyPath(e.path, "module"), "%s: %s", zoho.Code, zoho.Message)
	}
	if err != nil {
		return err
	}
	if err := a.exists(parentID, m.APIName, keyPath(e.path, "parent")); err != nil {
		return err
	}
	lp := keyPath(e.path, "list")
	list, _ := e.obj["list"].(string)
	if list == "" {
		return fixtureErr(lp, "list (a related list api name) is required")
	}
	t, err := crm.ResolveRelatedList(a.ctx, a.tx, a.actor.Org, m, list)
	if errors.As(err, &zoho) {
		return fixtureErr(lp, "%s has no related list %q", m.APIName, list)
	}
	if err != nil {
		return err
	}
	if !t.Writable() {
		return fixtureErr(lp, "related list %s of %s cannot be linked", t.List.APIName, m.APIName)
	}
	relatedID, relModule, err := a.target(e, "related")
	if err != nil {
		return err
	}
	if relModule != "" && relModule != t.Related.APIName {
		return fixtureErr(keyPath(e.path, "related"), "%s lists %s records, not %s", t.List.APIName, t.Related.APIName, relModule)
	}
	item := map[string]any{}
	for k, v := range e.obj {
		switch k {
		case "parent", "module", "list", "related":
		default:
			item[k] = v
		}
	}
	item["id"] = crm.FormatID(relatedID)
	items, err := crm.LinkRelated(a.ctx, a.tx, a.actor.Org, t, parentID, []any{item}, 0)
	if err != nil {
		return err
	}
	if !items[0].OK() {
		return itemErr(items[0], e.path, map[string]string{"id": "related"})
	}
	return nil
}

// dealRole applies one deal_contact_roles entry through crm.PutDealContactRoles.
func (a *applier) dealRole(e entry) error {
	for k := range e.obj {
		if k != "deal" && k != "contact" && k != "role" {
			return fixtureErr(keyPath(e.path, k), "unknown key %q; a deal contact role takes deal, contact, role", k)
		}
	}
	dealID, module, err := a.target(e, "deal")
	if err != nil {
		return err
	}
	dp := keyPath(e.path, "deal")
	if module != "" && module != "Deals" {
		return fixtureErr(dp, "deal must name a Deals record, not %s", module)
	}
	if err := a.exists(dealID, "Deals", dp); err != nil {
		return err
	}
	contactID, module, err := a.target(e, "contact")
	if err != nil {
		return err
	}
	if module != "" && module != "Contacts" {
		return fixtureErr(keyPath(e.path, "contact"), "contact must name a Contacts record, not %s", module)
	}
	item := map[string]any{"id": crm.FormatID(contactID)}
	if role, ok := e.obj["role"]; ok {
		item["Contact_Role"] = role
	}
	items, err := crm.PutDealContactRoles(a.ctx, a.tx, a.actor.Org, dealID, []any{item}, 0)
	if err != nil {
		return err
	}
	if !items[0].OK() {
		return itemErr(items[0], e.path, map[string]string{"id": "contact", "Contact_Role": "role"})
	}
	return nil
}

// seed answers POST /__zcrm/seed: the body is a fixture.
func (h *handler) seed(w http.ResponseWriter, r *http.Request, _ map[string]string) error {
	doc, err := readBody(r, "a fixture")
	if err != nil {
		return err
	}
	refs, err := h.svc.Seed(r.Context(), doc)
	var fe *FixtureError
	if errors.As(err, &fe) {
		writeJSON(w, http.StatusBadRequest, fe)
		return nil
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, SeedAnswer(refs))
	return nil
}
