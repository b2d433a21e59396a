package admin

// A fixture is a JSON document (YAML too: FixtureFromYAML turns it into the same JSON) applied in one
// write transaction (Service.Seed). Its sections are applied in this order, whatever their order in
// the document, each entry through the function the CRM API, the CLI or the admin use for it:
//
//	org                 the document's org: an org ref or id (default: the default org)
//	orgs                [{"ref","name","edition","admin_email"}]       as zcrm org create (createOrg)
//	modules             [{"org","api_name","singular","plural"}]       as zcrm module create (createModule)
//	profiles            [{"ref","org","name","deny":[…]}]              as zcrm profile create (createProfile)
//	users               [{"ref","org","email","profile"}]              as zcrm user create (crm.CreateUser)
//	sharing             [{"org","module","access"}]                    as zcrm org sharing (setSharing)
//	contact_roles       [{"ref","org","name","sequence_number"}]       as POST /Contacts/roles
//	oauth               {"clients":[{"ref","org","client_id","client_secret","name","redirect_uris":[…]}],
//	                     "tokens":[{"org","client","user","scopes":[…],"access_token","refresh_token","expires_in"}]}
//	                                                                   oauth.CreateGivenClient, oauth.IssueGivenTokens
//	records             {"<Module>":[{"ref","org",<fields>}]}           as POST /{module} (crm.InsertRecords)
//	relations           [{"org","parent","module","list","related",<fields>}]  crm.LinkRelated
//	notes               [{"ref","org","parent","module",<fields>}]     crm.InsertNotes (as POST /{module}/{id}/Notes)
//	deal_contact_roles  [{"org","deal","contact","role"}]              crm.PutDealContactRoles
//	custom_views        [{"ref","org","module","name","criteria",…}]  crm.CreateCustomView (seed_customviews.go)
//	cadences            [{"ref","org","published","active",<cadence>}] crm.CreateCadence, crm.CadenceAction
//	enrolments          [{"org","cadence","module","records":[…]}]     crm.EnrolRecords
//
// Modules come before profiles and sharing, so that those can name a custom module. In records,
// relations and notes, "ref" and "org" are the seed's
// keys; every other key is the API's.
//
// Refs. An entry's "ref" names what it makes; the answer maps every ref to its id (an OAuth
// client's: its client_id). An org's ref R also defines "R.admin", the org's first Administrator.
// Refs share one namespace; a ref is defined once, and must be defined before it is used in the
// order above (within records: in document order). Where an entry names something, it takes a ref
// of that kind or: an org, a cadence or a record by id; a user (tokens) by email; a profile (users)
// or a contact role (deal_contact_roles) by name; a client (tokens) by client_id. A ref wins over a
// name or an id that reads the same. A record field {"ref":"x"} is {"id":<x's id>}, x a record or
// a user (e.g. "Owner").
//
// Orgs. An entry acts in the org its "org" names (a ref or an id), else in the org of the first ref
// it names (relations: the parent; deal_contact_roles: the deal; users: the profile; tokens: the
// user, then the client; enrolments: the cadence), else in the document's org. Records, cadences
// and links are made by that org's first Administrator.
//
// Errors. Every problem is a *FixtureError naming the JSON path of the offending value ("$" for the
// document) and changes nothing: the whole document is one transaction. The document is parsed and
// its shape checked before the transaction; the transaction only computes (a write may run more
// than once). A service's own refusal keeps its words: a Zoho error as "CODE: message", at the path
// of the value its json_path names.
//
// Tokens. Given client ids, secrets and token values are stored hashed, as minted ones are, and
// never appear in an answer, an error or a log. An access token is issued at the store's clock (the
// admin clock) and lives an hour, or "expires_in" seconds; a token entry without "client" belongs to
// zcrm's CLI client (as zcrm token), one without "user" acts as the org's first Administrator.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/zcrm/zcrm/internal/catalog"
	"github.com/zcrm/zcrm/internal/crm"
)

// FixtureError is an invalid fixture: the admin API answers it 400
// {"code":"INVALID_FIXTURE","message":…,"path":…}, path being the JSON path of the offending value
// in the fixture ("$" for the document itself).
type FixtureError struct {
	Message string
	Path    string
	// cause is the service error it words, kept for errors.Is and errors.As (the store's retries).
	cause error
}

// Error returns the path and the message: "$.users[1].profile: no profile …".
func (e *FixtureError) Error() string { return e.Path + ": " + e.Message }

// Unwrap returns the service error the fixture error words, if any.
func (e *FixtureError) Unwrap() error { return e.cause }

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

// failAt words a service's refusal as a fixture error at path: a Zoho error as "CODE: message", an
// *crm.InputError as its message. Anything else — the database's errors, the store's sentinels, a
// cancelled context, a bug — is returned as it is: the seed answers it as an internal error.
func failAt(path string, err error) error {
	var fe *FixtureError
	var zoho *crm.Error
	var in *crm.InputError
	switch {
	case err == nil || errors.As(err, &fe):
		return err
	case errors.As(err, &zoho):
		return &FixtureError{Message: zoho.Code + ": " + zoho.Message, Path: path, cause: err}
	case errors.As(err, &in):
		return &FixtureError{Message: in.Message, Path: path, cause: err}
	}
	return err
}

// refusedAt is failAt at the key of e that a *crm.InputError names (an org's admin_email, a user's
// profile, a sharing rule's module), or at e's key fallback.
func refusedAt(e entry, fallback string, err error) error {
	var in *crm.InputError
	if errors.As(err, &in) && in.Field != "" {
		fallback = in.Field
	}
	return failAt(e.at(fallback), err)
}

// SeedAnswer is what a seed answers: {"refs": {"<ref>": "<id>", …}}.
func SeedAnswer(refs map[string]string) map[string]any {
	if refs == nil {
		refs = map[string]string{}
	}
	return map[string]any{"refs": refs}
}

// Seed applies the fixture doc (JSON) in one write transaction and returns the ids its refs got.
// An invalid fixture is a *FixtureError and changes nothing.
func (s *Service) Seed(ctx context.Context, doc []byte) (map[string]string, error) {
	refs, _, err := s.seed(ctx, doc, false)
	return refs, err
}

// SeedIfEmpty is Seed on a database as on first start (pristine), judged in the seed's own
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
	write := func(tx crm.Tx) error {
		refs, seeded = nil, false
		if onlyEmpty {
			empty, err := pristine(ctx, tx)
			if err != nil || !empty {
				return err
			}
		}
		a := newApplier(ctx, tx, f)
		if err := a.apply(); err != nil {
			return err
		}
		refs, seeded = a.answer(), true
		return nil
	}
	err := s.Store.Write(ctx, write)
	if errors.Is(err, crm.ErrDuplicate) { // another writer took a unique value first (the CLI client)
		err = s.Store.Write(ctx, write)
	}
	if err != nil {
		return nil, false, err
	}
	return refs, seeded, nil
}

// pristine reports whether the database is as on first start: at most one org, with at most its
// Administrator, its two profiles, Zoho's default contact roles, no OAuth client of its own, no
// custom module, no cadence, no custom view and no record. Sharing rules are not looked at: setting them again
// changes nothing.
func pristine(ctx context.Context, tx crm.Tx) (bool, error) {
	orgs, err := tx.Orgs(ctx)
	if err != nil || len(orgs) > 1 {
		return false, err
	}
	for _, o := range orgs {
		users, err := tx.Users(ctx, o.ID)
		if err != nil || len(users) > 1 {
			return false, err
		}
		profiles, err := tx.Profiles(ctx, o.ID)
		if err != nil || len(profiles) > 2 {
			return false, err
		}
		roles, err := tx.ContactRoles(ctx, o.ID)
		if err != nil || len(roles) > len(catalog.DefaultContactRoles) {
			return false, err
		}
		clients, err := tx.ClientsInOrg(ctx, o.ID)
		if err != nil || len(clients) > 0 {
			return false, err
		}
		customs, err := tx.CustomModules(ctx, o.ID)
		if err != nil || len(customs) > 0 {
			return false, err
		}
		cads, err := tx.Cadences(ctx, o.ID, crm.CadenceFilter{}, 1, 0)
		if err != nil || len(cads) > 0 {
			return false, err
		}
		views, err := tx.CustomViews(ctx, o.ID, "")
		if err != nil || len(views) > 0 {
			return false, err
		}
		for _, m := range catalog.Modules() {
			recs, err := tx.ListRecords(ctx, crm.RecordQuery{OrgID: o.ID, Module: m.APIName, SortBy: crm.SortByID, Limit: 1})
			if err != nil || len(recs) > 0 {
				return false, err
			}
		}
	}
	return true, nil
}

// Kinds of what a ref names.
const (
	kindOrg     = "an org"
	kindProfile = "a profile"
	kindUser    = "a user"
	kindRole    = "a contact role"
	kindClient  = "an OAuth client"
	kindCadence = "a cadence"
	kindRecord  = "a record"
)

// made is what a ref names, once made.
type made struct {
	kind   string
	id     int64
	org    int64
	answer string // the id in the answer
	module string // a record's or a cadence's module
	name   string // a profile's name
	user   crm.User
	client crm.Client
}

// applier applies one parsed fixture in one transaction. It is made anew for each run of the
// transaction's function, and changes nothing of f.
type applier struct {
	ctx    context.Context
	tx     crm.Tx
	f      *fixture
	def    crm.Org // the document's org
	orgs   map[int64]crm.Org
	actors map[int64]crm.Actor
	// refs holds what each ref defined so far names.
	refs map[string]*made
}

func newApplier(ctx context.Context, tx crm.Tx, f *fixture) *applier {
	return &applier{ctx: ctx, tx: tx, f: f, orgs: map[int64]crm.Org{}, actors: map[int64]crm.Actor{}, refs: map[string]*made{}}
}

// answer maps every ref to its id.
func (a *applier) answer() map[string]string {
	out := make(map[string]string, len(a.refs))
	for ref, m := range a.refs {
		out[ref] = m.answer
	}
	return out
}

// steps are the array sections applied after orgs and the document's org, in order; records (an
// object of arrays, by module) are applied where their step's apply is nil.
var steps = []struct {
	key   string
	apply func(a *applier, e entry) error
}{
	{"modules", (*applier).module},
	{"profiles", (*applier).profile},
	{"users", (*applier).user},
	{"sharing", (*applier).sharing},
	{"contact_roles", (*applier).contactRole},
	{"oauth.clients", (*applier).client},
	{"oauth.tokens", (*applier).token},
	{"records", nil},
	{"relations", (*applier).link},
	{"notes", (*applier).note},
	{"deal_contact_roles", (*applier).dealRole},
	{"custom_views", (*applier).customView},
	{"cadences", (*applier).cadence},
	{"enrolments", (*applier).enrol},
}

func (a *applier) apply() error {
	for _, e := range a.f.sections["orgs"] {
		if err := a.org(e); err != nil {
			return err
		}
	}
	if err := a.resolveDefault(); err != nil {
		return err
	}
	for _, st := range steps {
		if st.apply == nil {
			for _, mr := range a.f.records {
				if err := a.insertModule(mr); err != nil {
					return err
				}
			}
			continue
		}
		for _, e := range a.f.sections[st.key] {
			if err := st.apply(a, e); err != nil {
				return err
			}
		}
	}
	return nil
}

// resolveDefault finds the document's org: the one "org" names, or the default org.
func (a *applier) resolveDefault() error {
	var err error
	if a.f.org == nil {
		a.def, err = crm.EnsureDefaultOrg(a.ctx, a.tx)
	} else {
		a.def, err = a.orgValue(a.f.org, "$.org")
	}
	if err == nil {
		a.orgs[a.def.ID] = a.def
	}
	return err
}

// orgValue resolves an org named by a ref or an id.
func (a *applier) orgValue(v any, path string) (crm.Org, error) {
	if s, ok := v.(string); ok {
		if _, isRef := a.f.defs[s]; isRef || !isID(s) {
			m, err := a.use(s, path, kindOrg)
			if err != nil {
				return crm.Org{}, err
			}
			return a.orgByID(m.id, path)
		}
	}
	id, ok := idOf(v)
	if !ok {
		return crm.Org{}, fixtureErr(path, "org must be an org ref or an org id")
	}
	return a.orgByID(id, path)
}

// orgByID returns the org id: a fixture error at path when there is none.
func (a *applier) orgByID(id int64, path string) (crm.Org, error) {
	if o, ok := a.orgs[id]; ok {
		return o, nil
	}
	o, err := a.tx.Org(a.ctx, id)
	if errors.Is(err, crm.ErrNotFound) {
		return crm.Org{}, fixtureErr(path, "no org %s", crm.FormatID(id))
	}
	if err != nil {
		return crm.Org{}, err
	}
	a.orgs[id] = o
	return o, nil
}

// entryOrg is the org an entry acts in: the one its "org" names, else the org of the first ref it
// names (from, 0 for none), else the document's org.
func (a *applier) entryOrg(e entry, from int64) (crm.Org, error) {
	if v, ok := e.obj["org"]; ok {
		return a.orgValue(v, e.at("org"))
	}
	if from != 0 {
		return a.orgByID(from, e.path)
	}
	return a.def, nil
}

// actor is the org's first Administrator, who makes records, links and cadences.
func (a *applier) actor(org crm.Org) (crm.Actor, error) {
	if act, ok := a.actors[org.ID]; ok {
		return act, nil
	}
	user, err := a.tx.FirstAdmin(a.ctx, org.ID)
	if err != nil {
		return crm.Actor{}, err
	}
	prof, err := a.tx.Profile(a.ctx, org.ID, user.ProfileID)
	if err != nil {
		return crm.Actor{}, err
	}
	act := crm.Actor{Org: org, User: user, Profile: prof}
	a.actors[org.ID] = act
	return act, nil
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

func isID(s string) bool { _, ok := crm.ParseID(s); return ok }

// lookupRef returns the value {"ref": "x"} names, when v is one.
func lookupRef(v any) (string, bool) {
	obj, ok := v.(map[string]any)
	if !ok || len(obj) != 1 {
		return "", false
	}
	ref, ok := obj["ref"].(string)
	return ref, ok
}

// defineRef records what an entry's ref (if it has one) names.
func (a *applier) defineRef(e entry, m *made) {
	if ref, ok := e.obj["ref"].(string); ok {
		a.refs[ref] = m
	}
}

// use returns what ref, used at path, names: an error when the document defines it later or not at
// all, or when it names something other than kinds.
func (a *applier) use(ref, path string, kinds ...string) (*made, error) {
	m, ok := a.refs[ref]
	if !ok {
		if at, later := a.f.defs[ref]; later {
			return nil, fixtureErr(path, "ref %q is used before it is defined (at %s)", ref, at)
		}
		return nil, fixtureErr(path, "unknown ref %q", ref)
	}
	if !slices.Contains(kinds, m.kind) {
		return nil, fixtureErr(path, "ref %q names %s, not %s", ref, m.kind, strings.Join(kinds, " or "))
	}
	return m, nil
}

// refNamed returns what the string value of key names when it is a ref of the document (nil when
// the key is absent or its value is no ref: an id, a name or an email).
func (a *applier) refNamed(e entry, key string, kinds ...string) (*made, error) {
	s, ok := e.obj[key].(string)
	if !ok {
		return nil, nil
	}
	if _, isRef := a.f.defs[s]; !isRef {
		return nil, nil
	}
	return a.use(s, e.at(key), kinds...)
}

// seed answers POST /__zcrm/seed: the body is a fixture, JSON or, with a YAML content type
// (application/yaml, text/yaml and their x- forms), YAML.
func (h *handler) seed(w http.ResponseWriter, r *http.Request, _ map[string]string) error {
	doc, err := readBody(r, "a fixture")
	if err != nil {
		return err
	}
	if isYAMLType(r.Header.Get("Content-Type")) {
		doc, err = FixtureFromYAML(doc)
	}
	var refs map[string]string
	if err == nil {
		refs, err = h.svc.Seed(r.Context(), doc)
	}
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
