package admin

// Parsing a fixture, before any transaction: its sections, their entries' keys and value types,
// and where each ref is defined (see seed.go for the document).

import (
	"bytes"
	"encoding/json"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// fixtureKeys are the top-level keys a fixture takes, in the order they are applied.
var fixtureKeys = []string{"org", "orgs", "modules", "profiles", "users", "sharing", "contact_roles", "oauth",
	"records", "relations", "notes", "deal_contact_roles", "custom_views", "cadences", "enrolments"}

// fixture is a parsed fixture document: its sections' entries, in document order.
type fixture struct {
	org any // nil: the default org
	// sections holds the entries of each array section by key ("oauth.clients", "oauth.tokens").
	sections map[string][]entry
	records  []moduleRecords
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

// at is the path of the entry's key.
func (e entry) at(key string) string { return keyPath(e.path, key) }

// str is the entry's string value of key ("" when absent; parsing checked its type).
func (e entry) str(key string) string { s, _ := e.obj[key].(string); return s }

func (e entry) has(key string) bool { _, ok := e.obj[key]; return ok }

// value kinds of an entry's keys, checked when the fixture is parsed.
const (
	vAny     = iota
	vRef     // a non-empty string defining a ref
	vString  // a string
	vStrings // an array of strings
	vBool    // true or false
	vInt     // an integer
	vTarget  // a ref or an id: a string, or a number
	vTargets // an array of refs or ids
)

type fieldSpec struct {
	key  string
	kind int
}

// section describes an array section's entries: what one is called and the keys it takes. An open
// section also takes any other key (the API's own fields), passed on as they are.
type section struct {
	key, what string
	fields    []fieldSpec
	open      bool
}

var (
	refField = fieldSpec{"ref", vRef}
	orgField = fieldSpec{"org", vTarget}
)

// sections are the array sections, by key; records are read apart (an object of arrays).
var sections = map[string]section{
	"orgs":          {"orgs", "an org", []fieldSpec{refField, {"name", vString}, {"edition", vString}, {"admin_email", vString}}, false},
	"modules":       {"modules", "a module", []fieldSpec{orgField, {"api_name", vString}, {"singular", vString}, {"plural", vString}}, false},
	"profiles":      {"profiles", "a profile", []fieldSpec{refField, orgField, {"name", vString}, {"deny", vStrings}}, false},
	"users":         {"users", "a user", []fieldSpec{refField, orgField, {"email", vString}, {"profile", vString}}, false},
	"sharing":       {"sharing", "a sharing rule", []fieldSpec{orgField, {"module", vString}, {"access", vString}}, false},
	"contact_roles": {"contact_roles", "a contact role", []fieldSpec{refField, orgField, {"name", vAny}, {"sequence_number", vAny}}, false},
	"oauth.clients": {"clients", "a client", []fieldSpec{refField, orgField, {"client_id", vString}, {"client_secret", vString}, {"name", vString}, {"redirect_uris", vStrings}}, false},
	"oauth.tokens": {"tokens", "a token", []fieldSpec{orgField, {"client", vString}, {"user", vString}, {"scopes", vStrings},
		{"access_token", vString}, {"refresh_token", vString}, {"expires_in", vInt}}, false},
	"relations": {"relations", "a relation", []fieldSpec{orgField, {"parent", vTarget}, {"module", vString}, {"list", vString},
		{"related", vTarget}}, true},
	"notes":              {"notes", "a note", []fieldSpec{refField, orgField, {"parent", vTarget}, {"module", vString}}, true},
	"deal_contact_roles": {"deal_contact_roles", "a deal contact role", []fieldSpec{{"deal", vTarget}, {"contact", vTarget}, {"role", vAny}, orgField}, false},
	"custom_views":       customViewSection,
	"cadences":           {"cadences", "a cadence", []fieldSpec{refField, orgField, {"published", vBool}, {"active", vBool}}, true},
	"enrolments":         {"enrolments", "an enrolment", []fieldSpec{orgField, {"cadence", vTarget}, {"module", vString}, {"records", vTargets}}, false},
}

// recordFields are the keys of a record entry the seed reads itself.
var recordFields = section{"records", "a record", []fieldSpec{refField, orgField}, true}

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
	f := &fixture{sections: map[string][]entry{}, defs: map[string]string{}}
	for _, m := range top {
		p := keyPath("$", m.key)
		switch m.key {
		case "org":
			f.org = decodeValue(m.value)
		case "records":
			if ferr := f.parseRecords(m.value, p); ferr != nil {
				return nil, ferr
			}
		case "oauth":
			parts, ferr := members(m.value, p, "oauth")
			if ferr != nil {
				return nil, ferr
			}
			for _, part := range parts {
				pp := keyPath(p, part.key)
				if part.key != "clients" && part.key != "tokens" {
					return nil, fixtureErr(pp, "unknown key %q; oauth takes clients, tokens", part.key)
				}
				if ferr := f.parseSection(sections["oauth."+part.key], "oauth."+part.key, part.value, pp); ferr != nil {
					return nil, ferr
				}
			}
		default:
			sec, ok := sections[m.key]
			if !ok {
				return nil, fixtureErr(p, "unknown key %q; a fixture takes %s", m.key, strings.Join(fixtureKeys, ", "))
			}
			if ferr := f.parseSection(sec, m.key, m.value, p); ferr != nil {
				return nil, ferr
			}
		}
	}
	return f, nil
}

// parseRecords reads the records section: an object of arrays of records, by module.
func (f *fixture) parseRecords(raw json.RawMessage, path string) *FixtureError {
	mods, ferr := members(raw, path, "records")
	if ferr != nil {
		return ferr
	}
	for _, mod := range mods {
		mp := keyPath(path, mod.key)
		entries, ferr := objects(mod.value, mp, "records of a module")
		if ferr != nil {
			return ferr
		}
		for _, e := range entries {
			if ferr := f.check(recordFields, e); ferr != nil {
				return ferr
			}
		}
		f.records = append(f.records, moduleRecords{mod.key, mp, entries})
	}
	return nil
}

// parseSection reads an array section and checks each of its entries.
func (f *fixture) parseSection(sec section, key string, raw json.RawMessage, path string) *FixtureError {
	entries, ferr := objects(raw, path, sec.key)
	if ferr != nil {
		return ferr
	}
	for _, e := range entries {
		if ferr := f.check(sec, e); ferr != nil {
			return ferr
		}
		if key == "orgs" {
			if ref, ok := e.obj["ref"].(string); ok {
				if ferr := f.define(ref+".admin", e.at("ref")); ferr != nil {
					return ferr
				}
			}
		}
	}
	f.sections[key] = entries
	return nil
}

// check checks the keys of an entry and their types, in key order, and defines its ref.
func (f *fixture) check(sec section, e entry) *FixtureError {
	keys := make([]string, 0, len(e.obj))
	for k := range e.obj {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		i := slices.IndexFunc(sec.fields, func(fs fieldSpec) bool { return fs.key == k })
		if i < 0 {
			if sec.open {
				continue
			}
			names := make([]string, len(sec.fields))
			for j, fs := range sec.fields {
				names[j] = fs.key
			}
			return fixtureErr(e.at(k), "unknown key %q; %s takes %s", k, sec.what, strings.Join(names, ", "))
		}
		if ferr := checkKind(e.obj[k], sec.fields[i].kind, e.at(k), k); ferr != nil {
			return ferr
		}
		if sec.fields[i].kind == vRef {
			if ferr := f.define(e.obj[k].(string), e.at(k)); ferr != nil {
				return ferr
			}
		}
	}
	return nil
}

// checkKind checks the type of the value v of key at path.
func checkKind(v any, kind int, path, key string) *FixtureError {
	switch kind {
	case vRef:
		if s, ok := v.(string); !ok || strings.TrimSpace(s) == "" {
			return fixtureErr(path, "ref must be a non-empty string")
		}
	case vString:
		if _, ok := v.(string); !ok {
			return fixtureErr(path, "%s must be a string", key)
		}
	case vBool:
		if _, ok := v.(bool); !ok {
			return fixtureErr(path, "%s must be true or false", key)
		}
	case vInt:
		if n, ok := v.(json.Number); !ok || !isInt(n) {
			return fixtureErr(path, "%s must be an integer", key)
		}
	case vTarget:
		if !isTarget(v) {
			return fixtureErr(path, "%s must be a ref or an id", key)
		}
	case vStrings, vTargets:
		arr, ok := v.([]any)
		what := "strings"
		if kind == vTargets {
			what = "refs or ids"
		}
		if !ok {
			return fixtureErr(path, "%s must be an array of %s", key, what)
		}
		for i, x := range arr {
			if _, isStr := x.(string); (kind == vStrings && !isStr) || (kind == vTargets && !isTarget(x)) {
				return fixtureErr(indexPath(path, i), "%s must be an array of %s", key, what)
			}
		}
	}
	return nil
}

func isInt(n json.Number) bool { _, err := n.Int64(); return err == nil }

func isTarget(v any) bool {
	switch x := v.(type) {
	case string:
		return x != ""
	case json.Number:
		return true
	}
	return false
}

// define notes where ref is defined.
func (f *fixture) define(ref, path string) *FixtureError {
	if first, dup := f.defs[ref]; dup {
		return fixtureErr(path, "ref %q is defined twice (first at %s)", ref, first)
	}
	f.defs[ref] = path
	return nil
}
