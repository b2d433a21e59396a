package crm

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
)

// A typed reader of request-body JSON. Zoho names a broken rule by the key's api_name and its
// json_path ("$.cadences[0].module.id"); each read below returns the value or that error.

// jsonObject is a JSON object of a request body and where it stands.
type jsonObject struct {
	m    map[string]any
	path string
}

// jsonField is one key of a JSON object, or one element of a JSON array, named as Zoho names it
// in error details: api_name is the key (an element takes its array's key) and json_path where it is.
type jsonField struct {
	api, path string
	v         any  // nil when absent or null
	sent      bool // the key is present, null or not
	inArray   bool // an array element: Zoho calls a null element a wrong type, never missing
}

// field returns o's key.
func (o jsonObject) field(key string) jsonField {
	v, sent := o.m[key]
	return jsonField{api: key, path: o.path + "." + key, v: v, sent: sent}
}

// given reports whether f has a value other than null.
func (f jsonField) given() bool { return f.v != nil }

// The typed reads. An absent or null key is MANDATORY_NOT_FOUND; a value of another JSON type is
// INVALID_DATA "Invalid data type" with Zoho's name for the type expected.

func (f jsonField) text() (string, *Error) {
	s, ok := f.v.(string)
	if !ok {
		return "", f.badType("text")
	}
	return s, nil
}

// textOneOf reads a text that must be one of values (INVALID_DATA with the supported values).
func (f jsonField) textOneOf(values []string) (string, *Error) {
	s, e := f.text()
	if e == nil && !slices.Contains(values, s) {
		e = f.unsupported(values)
	}
	return s, e
}

// oneOf reads a value that must be one of values: Zoho answers any other, whatever its JSON type,
// with the supported values.
func (f jsonField) oneOf(values []string) (string, *Error) {
	if !f.given() {
		return "", f.missing()
	}
	s, _ := f.v.(string)
	if !slices.Contains(values, s) {
		return "", f.unsupported(values)
	}
	return s, nil
}

func (f jsonField) object() (jsonObject, *Error) {
	m, ok := f.v.(map[string]any)
	if !ok {
		return jsonObject{}, f.badType("jsonobject")
	}
	return jsonObject{m: m, path: f.path}, nil
}

// array returns the elements, each named by f's key and its index.
func (f jsonField) array() ([]jsonField, *Error) {
	list, ok := f.v.([]any)
	if !ok {
		return nil, f.badType("jsonarray")
	}
	out := make([]jsonField, len(list))
	for i, v := range list {
		out[i] = jsonField{api: f.api, path: fmt.Sprintf("%s[%d]", f.path, i), v: v, sent: true, inArray: true}
	}
	return out, nil
}

// id reads an id given as a JSON string or number. One that is not a valid id reads as 0, which
// names nothing: Zoho then answers that the id seems invalid.
func (f jsonField) id() (int64, *Error) {
	if !isIDType(f.v) {
		return 0, f.badType("bigint")
	}
	id, _ := jsonID(f.v)
	return id, nil
}

func (f jsonField) integer() (int64, *Error) {
	n, ok := jsonInt(f.v)
	if !ok {
		return 0, f.badType("integer")
	}
	return n, nil
}

// badType is the error of a value that is not of the type expected.
func (f jsonField) badType(expected string) *Error {
	if !f.given() && !f.inArray {
		return f.missing()
	}
	return f.wrongType(expected)
}

// Errors about f, worded as Zoho words them.

func (f jsonField) apiPath() map[string]any { return APIPath(f.api, f.path) }

// detail is f's api_name and json_path with key: value, the details of most of Zoho's errors.
func (f jsonField) detail(key string, value any) map[string]any {
	d := f.apiPath()
	d[key] = value
	return d
}

func (f jsonField) missing() *Error { return ErrMandatory(MsgRequiredFieldNotFound, f.apiPath()) }

func (f jsonField) wrongType(expected string) *Error {
	return ErrInvalidData(MsgInvalidDataType, f.detail("expected_data_type", expected))
}

func (f jsonField) invalid(message string) *Error { return ErrInvalidData(message, f.apiPath()) }

func (f jsonField) unsupported(values []string) *Error {
	return ErrInvalidData(MsgInvalidData, f.detail("supported_values", values))
}

func (f jsonField) tooLong(n int) *Error {
	return ErrInvalidData(MsgInvalidData, f.detail("maximum_length", n))
}

func (f jsonField) tooMany(message string, limit int) *Error {
	return NewError(http.StatusBadRequest, "LIMIT_EXCEEDED", message, f.detail("limit", limit))
}

func (f jsonField) duplicate() *Error {
	return NewError(http.StatusBadRequest, "DUPLICATE_DATA", MsgDuplicateData, f.apiPath())
}

// dependsOn is DEPENDENT_FIELD_MISSING: the value of on needs f.
func (f jsonField) dependsOn(on jsonField, message string) *Error {
	return f.dependent("DEPENDENT_FIELD_MISSING", message, on)
}

// dependent is an error about f that names on, the key whose value decides whether f may be given.
func (f jsonField) dependent(code, message string, on jsonField) *Error {
	return NewError(http.StatusBadRequest, code, message, f.detail("dependee", on.apiPath()))
}

// errExpectedOne is EXPECTED_FIELD_MISSING: none of fields, one of which is needed, is given.
func errExpectedOne(fields ...jsonField) *Error {
	paths := make([]any, len(fields))
	for i, f := range fields {
		paths[i] = f.apiPath()
	}
	return NewError(http.StatusBadRequest, "EXPECTED_FIELD_MISSING", MsgSpecifyAtLeastOneField, map[string]any{"expected_fields": paths})
}

func errMandatoryField(api, path string) *Error { return jsonField{api: api, path: path}.missing() }

func errType(api, path, expected string) *Error {
	return jsonField{api: api, path: path}.wrongType(expected)
}

// jsonID reads an id given as a JSON string or number.
func jsonID(v any) (int64, bool) {
	switch x := v.(type) {
	case string:
		return ParseID(x)
	case json.Number:
		return ParseID(x.String())
	}
	return 0, false
}

func isIDType(v any) bool {
	switch v.(type) {
	case string, json.Number:
		return true
	}
	return false
}

// jsonInt reads an integral JSON number.
func jsonInt(v any) (int64, bool) {
	switch x := v.(type) {
	case json.Number:
		n, err := x.Int64()
		return n, err == nil
	case float64:
		return int64(x), x == float64(int64(x))
	}
	return 0, false
}
