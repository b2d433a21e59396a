package catalog

import "strings"

// More keys of the per-org metadata id table, for entities the metadata APIs name with ids.
func KeyLayout(m, layout string) string  { return "layout:" + m + "." + layout }
func KeyRole(role string) string         { return "role:" + role }
func KeyPickValue(m, f, v string) string { return "pick:" + m + "." + f + "." + v }

// StandardLayout is the one layout every module has.
const StandardLayout = "Standard"

// NoneValue is the "-None-" entry Zoho lists first in an optional picklist.
const NoneValue = "-None-"

// NameField returns the api name of the field that names a record of the module: the one shown
// as a lookup's "name" (Last_Name for people, Account_Name for accounts, Name for custom modules).
// It is "" for a module without fields.
func (m Module) NameField() string {
	for _, f := range m.Fields {
		if f.Mandatory && f.DataType == "text" {
			return f.APIName
		}
	}
	return ""
}

// JSONType is the JSON type of the field's values, as the fields metadata reports it in json_type.
func (f Field) JSONType() string {
	switch f.DataType {
	case "integer", "bigint":
		return "integer"
	case "double", "currency", "percent", "decimal":
		return "double"
	case "boolean":
		return "boolean"
	case "lookup", "ownerlookup", "userlookup":
		return "jsonobject"
	case "multiselectpicklist", "multiselectlookup", "subform":
		return "jsonarray"
	}
	return "string"
}

// defaultLengths are the lengths Zoho reports for types whose fields declare none.
var defaultLengths = map[string]int{
	"text": 255, "textarea": 32000, "email": 100, "phone": 30, "website": 255, "picklist": 120,
	"integer": 9, "bigint": 18, "double": 16, "currency": 16, "percent": 5, "boolean": 5,
	"date": 20, "datetime": 120, "lookup": 120, "ownerlookup": 120,
}

// MaxLength is the field's length: its declared one, else the default of its data type.
func (f Field) MaxLength() int {
	if f.Length > 0 {
		return f.Length
	}
	if n, ok := defaultLengths[f.DataType]; ok {
		return n
	}
	return 255
}

// PickValues returns the values a picklist offers, "-None-" first unless the field is mandatory.
func (f Field) PickValues() []string {
	if f.DataType != "picklist" {
		return nil
	}
	if f.Mandatory {
		return f.PickList
	}
	return append([]string{NoneValue}, f.PickList...)
}

// IsSystem reports whether the field is one of the system fields every module has (Owner,
// Created_By, Modified_By, Created_Time, Modified_Time), which records carry outside their data.
func IsSystem(apiName string) bool {
	switch strings.ToLower(apiName) {
	case "owner", "created_by", "modified_by", "created_time", "modified_time":
		return true
	}
	return false
}
