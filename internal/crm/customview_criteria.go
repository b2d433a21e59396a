package crm

// Custom views' criteria objects, compiled to the one criteria tree (criteria.go) that the store
// turns into SQL for lists, search and count, and that Match evaluates in Go for a single record.
//
// What Zoho documents (v8 Custom Views API: Get Custom View By Id's schemas and examples in
// zoho/crm-oas v8.0/custom_views), and what zcrm settles where Zoho is silent:
//   - A criteria object is a condition {"comparator", "field": {"api_name", "id"}, "value"} or a
//     group {"group_operator": "and"|"or" (either case), "group": [2 to 25 criteria objects]},
//     nested at will. field.id is optional and not checked; api_name names a field of the module
//     (case-insensitively).
//   - Comparators by field type, as Zoho's comparator schemas list them: text, textarea, email,
//     phone, website and picklist take equal, not_equal, in, not_in, starts_with, ends_with,
//     contains, not_contains, like (read as contains: Zoho's "contains the specified pattern") and
//     not_like; date, datetime and the numbers take equal, not_equal, in, not_in, less_than,
//     less_equal, greater_than, greater_equal, between and not_between; boolean takes equal and
//     not_equal; lookups and owner lookups take equal, not_equal, in and not_in.
//   - equal and not_equal take a scalar, or an array (read as in and not_in, Zoho: "a scalar or an
//     array of values"); in and not_in 1 to 500 values; between and not_between exactly two. A
//     lookup's value is {"id": …} (a name beside it is kept and ignored) or the id itself.
//     equal with "${EMPTY}" or "${NOTEMPTY}" (any field type) selects the records whose field is
//     empty or not. Zoho's other predefined values (${TODAY}, ${CURRENTUSER}, ${LAST_N_DAYS:n}, …),
//     merge fields and cross filters are not supported: refused as invalid values.
//   - Matching is Search's (criteria.go): text compares case-insensitively, and a comparison with an
//     empty field matches nothing, the negative comparators (not_equal, not_in, not_contains,
//     not_between) included.

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/zcrm/zcrm/internal/catalog"
)

// Limits of a criteria object (Zoho's schema: a group holds 2 to 25 criteria, in/not_in at most
// 500 values).
const (
	MinViewGroup  = 2
	MaxViewGroup  = 25
	MaxViewValues = 500
)

// CustomViewError is a custom view zcrm cannot make: Path is the JSON path of the offending value
// in the view's definition ("$.name", "$.criteria.group[1].value", …), Message what is wrong.
type CustomViewError struct {
	Path    string
	Message string
}

func (e *CustomViewError) Error() string { return e.Path + ": " + e.Message }

func viewErr(path, format string, args ...any) *CustomViewError {
	return &CustomViewError{Path: path, Message: fmt.Sprintf(format, args...)}
}

// viewComparators are the comparators each data type takes, and the operator each one compiles
// to (equal and not_equal with an array: in and not_in).
var viewComparators = func() map[string]map[string]string {
	text := map[string]string{"equal": OpEquals, "not_equal": OpNotEqual, "in": OpIn, "not_in": OpNotIn,
		"starts_with": OpStartsWith, "ends_with": OpEndsWith, "contains": OpContains, "not_contains": OpNotContains,
		"like": OpContains, "not_like": OpNotContains}
	ordered := map[string]string{"equal": OpEquals, "not_equal": OpNotEqual, "in": OpIn, "not_in": OpNotIn,
		"less_than": OpLessThan, "less_equal": OpLessEqual, "greater_than": OpGreaterThan, "greater_equal": OpGreaterEqual,
		"between": OpBetween, "not_between": OpNotBetween}
	ref := map[string]string{"equal": OpEquals, "not_equal": OpNotEqual, "in": OpIn, "not_in": OpNotIn}
	m := map[string]map[string]string{"boolean": {"equal": OpEquals, "not_equal": OpNotEqual},
		"lookup": ref, "ownerlookup": ref}
	for _, t := range []string{"text", "textarea", "email", "phone", "website", "picklist"} {
		m[t] = text
	}
	for _, t := range []string{"date", "datetime", "integer", "bigint", "currency", "decimal", "double", "percent"} {
		m[t] = ordered
	}
	return m
}()

// CompileViewCriteria checks a view's criteria object against the module's fields and returns its
// criteria tree (resolved, as Criteria.Resolve leaves a search's) and the object in the form zcrm
// keeps (a *CustomViewError, under "$.criteria", when it cannot be used): comparators in lower case, field {"api_name"} in the field's own case, group_operator in
// lower case. A nil object is no criteria: nil, nil.
func CompileViewCriteria(obj any, m catalog.Module) (*Criteria, map[string]any, error) {
	if obj == nil {
		return nil, nil, nil
	}
	return compileView(obj, "$.criteria", m)
}

func compileView(v any, path string, m catalog.Module) (*Criteria, map[string]any, error) {
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, nil, viewErr(path, "a criteria must be a JSON object")
	}
	if _, grouped := obj["group"]; grouped {
		return compileGroup(obj, path, m)
	}
	for k := range obj {
		switch k {
		case "comparator", "field", "value", "type":
		default:
			return nil, nil, viewErr(path+"."+k, "unknown key %q; a criteria takes comparator, field, value (or group_operator, group)", k)
		}
	}
	if t, given := obj["type"]; given && t != "value" {
		return nil, nil, viewErr(path+".type", `only "value" criteria are supported`)
	}
	fobj, ok := obj["field"].(map[string]any)
	if !ok {
		return nil, nil, viewErr(path+".field", `field must be an object {"api_name": …}`)
	}
	name, _ := fobj["api_name"].(string)
	f, ok := viewField(m, name)
	if !ok {
		return nil, nil, viewErr(path+".field.api_name", "%s has no field %q", m.APIName, name)
	}
	comp, _ := obj["comparator"].(string)
	comp = strings.ToLower(strings.TrimSpace(comp))
	allowed := viewComparators[f.DataType]
	op, ok := allowed[comp]
	if _, given := obj["comparator"]; !given {
		return nil, nil, viewErr(path+".comparator", "comparator is required")
	}
	value, given := obj["value"]
	if !given {
		return nil, nil, viewErr(path+".value", "value is required")
	}
	if s, _ := value.(string); comp == "equal" && (s == OpEmpty || s == OpNotEmpty) {
		op, ok = s, true
	}
	if !ok {
		return nil, nil, viewErr(path+".comparator", "comparator %q is not supported for %s (a %s field)", comp, f.APIName, f.DataType)
	}
	cd := &Condition{Field: f.APIName, Operator: op, Column: systemColumns[f.APIName]}
	kept := map[string]any{"comparator": comp, "field": map[string]any{"api_name": f.APIName}, "value": value}
	vpath := path + ".value"
	if op == OpEmpty || op == OpNotEmpty {
		cd.Kind = fieldKind(f, cd.Column)
		return &Criteria{Cond: cd}, kept, nil
	}
	var raws []any
	switch arr, isArr := value.([]any); {
	case op == OpBetween || op == OpNotBetween:
		if !isArr || len(arr) != 2 {
			return nil, nil, viewErr(vpath, "%s takes an array of two values", comp)
		}
		raws = arr
	case op == OpIn || op == OpNotIn || isArr && (op == OpEquals || op == OpNotEqual):
		if !isArr {
			arr = []any{value}
		}
		if len(arr) == 0 || len(arr) > MaxViewValues {
			return nil, nil, viewErr(vpath, "%s takes 1 to %d values", comp, MaxViewValues)
		}
		raws = arr
		if op == OpEquals {
			cd.Operator = OpIn
		} else if op == OpNotEqual {
			cd.Operator = OpNotIn
		}
	case isArr:
		return nil, nil, viewErr(vpath, "%s takes one value", comp)
	default:
		raws = []any{value}
	}
	cd.Values = make([]any, len(raws))
	cd.Raw = make([]string, len(raws))
	for i, r := range raws {
		p := vpath
		if _, isArr := value.([]any); isArr {
			p = vpath + "[" + strconv.Itoa(i) + "]"
		}
		raw, ok := viewScalar(r, f)
		var val any
		var kind CondKind
		if ok {
			val, kind, ok = conditionValue(f, cd.Column, raw)
		}
		if !ok {
			return nil, nil, viewErr(p, "invalid value for %s (a %s field)", f.APIName, f.DataType)
		}
		cd.Raw[i], cd.Values[i], cd.Kind = raw, val, kind
	}
	return &Criteria{Cond: cd}, kept, nil
}

func compileGroup(obj map[string]any, path string, m catalog.Module) (*Criteria, map[string]any, error) {
	for k := range obj {
		if k != "group" && k != "group_operator" {
			return nil, nil, viewErr(path+"."+k, "unknown key %q; a group takes group_operator, group", k)
		}
	}
	op, _ := obj["group_operator"].(string)
	op = strings.ToLower(op)
	if op != "and" && op != "or" {
		return nil, nil, viewErr(path+".group_operator", `group_operator must be "and" or "or"`)
	}
	kids, ok := obj["group"].([]any)
	if !ok || len(kids) < MinViewGroup || len(kids) > MaxViewGroup {
		return nil, nil, viewErr(path+".group", "group must be an array of %d to %d criteria", MinViewGroup, MaxViewGroup)
	}
	c := &Criteria{Op: op}
	kept := make([]any, len(kids))
	for i, k := range kids {
		kc, kk, err := compileView(k, path+".group["+strconv.Itoa(i)+"]", m)
		if err != nil {
			return nil, nil, err
		}
		c.Kids, kept[i] = append(c.Kids, kc), kk
	}
	return c, map[string]any{"group_operator": op, "group": kept}, nil
}

// viewField finds a field of m by api name, case-insensitively.
func viewField(m catalog.Module, name string) (catalog.Field, bool) {
	for _, f := range m.Fields {
		if strings.EqualFold(f.APIName, name) {
			return f, true
		}
	}
	return catalog.Field{}, false
}

// viewScalar reads one value of a criteria object as the text conditionValue parses: a string, a
// number, a boolean (boolean fields only), or a lookup's {"id": …}.
func viewScalar(v any, f catalog.Field) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, !strings.HasPrefix(x, "${") // a predefined value other than equal's ${EMPTY}/${NOTEMPTY}
	case json.Number:
		return x.String(), true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	case int:
		return strconv.Itoa(x), true
	case int64:
		return strconv.FormatInt(x, 10), true
	case bool:
		return strconv.FormatBool(x), f.DataType == "boolean"
	case map[string]any:
		if f.DataType != "lookup" && f.DataType != "ownerlookup" {
			return "", false
		}
		return viewScalar(x["id"], catalog.Field{})
	}
	return "", false
}
