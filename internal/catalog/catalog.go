// Package catalog is zcrm's built-in metadata, declared once as data: the standard modules with their
// fields, related lists and default custom view, the writable relations between modules, the default
// contact roles and the features each edition has. It has no behaviour beyond lookups.
package catalog

import (
	"strings"
)

// Module is a CRM module as the metadata APIs describe it.
type Module struct {
	APIName  string
	Singular string
	Plural   string
	// Legacy is the module's name inside permission names (Deals are Potentials).
	Legacy string
	// APISupported is false for modules the REST API refuses (Documents, Projects, ...).
	APISupported bool
	// Cadences tells whether cadences may target this module.
	Cadences bool
	// Custom marks an org's own module.
	Custom       bool
	Fields       []Field
	RelatedLists []RelatedList
}

// Field is one field of a module.
type Field struct {
	APIName   string
	Label     string
	DataType  string // Zoho's data_type: text, email, phone, lookup, ownerlookup, picklist, ...
	Mandatory bool   // system mandatory on insert
	Lookup    string // target module of a lookup field
	PickList  []string
	Length    int
	ReadOnly  bool // system-managed (Created_Time, ...)
	// Modules, when not nil, makes a lookup a multi-module one: the modules its record may belong
	// to (an activity's What_Id, a note's Parent_Id). Lookup is "" then; activity.go reads them.
	Modules []string
	// Unique marks a field whose value no two records of the module may share (compared
	// case-insensitively): Zoho's "Do not allow duplicate values", shown as "unique" in the fields
	// metadata and checked on insert, update and upsert (DUPLICATE_DATA).
	Unique bool
}

// RelatedList is one related list of a module.
type RelatedList struct {
	APIName string
	Name    string
	Module  string // the related module's api name; "" when it is not a module
	// Relation is the writable relation behind the list (a Relation.Kind), "" when read-only.
	Relation string
	Type     string // default | multiselectlookup | grouped
	// Label is the display_label when it differs from Name ("Open Tasks" for Tasks).
	Label string
	// By, when not nil, names the lookup fields of the related module that point at the parent
	// record: the list shows the related module's records whose By field names it (a lead's
	// Notes by Parent_Id, its Tasks by What_Id or Who_Id).
	By []string
	// Timeline, when not "", makes the list a grouped one of the parent's activities (the Tasks,
	// Calls and Events whose By fields name it) in chronological order: TimelineOpen or
	// TimelineClosed ones.
	Timeline string
}

// The activities a grouped chronological list shows (RelatedList.Timeline).
const (
	TimelineOpen   = "open"
	TimelineClosed = "closed"
)

// TimelineModules are the activity modules a chronological list gathers.
var TimelineModules = []string{"Tasks", "Calls", "Events"}

// Relation is a writable many-to-many link between records of two modules, seen from either side.
type Relation struct {
	Kind   string // "A:B"
	A, B   string
	Fields []RelationField
}

// RelationField is a value stored on the link itself, such as a campaign member's status.
type RelationField struct {
	APIName   string
	Mandatory bool
	DataType  string
	PickList  []string // a picklist's offered values
}

// Field returns the relation field as a module field, so that one rule reads both (a picklist's
// values: crm/picklist.go).
func (f RelationField) Field() Field {
	return Field{APIName: f.APIName, Label: f.APIName, DataType: f.DataType, Mandatory: f.Mandatory, PickList: f.PickList}
}

// CustomView is a module's saved list view.
type CustomView struct {
	Key  string // stable key for metadata ids
	Name string
}

// Key functions name catalogue entities in the per-org metadata id table.
func KeyModule(m string) string          { return "module:" + m }
func KeyField(m, f string) string        { return "field:" + m + "." + f }
func KeyRelatedList(m, rl string) string { return "related:" + m + "." + rl }
func KeyCustomView(m, cv string) string  { return "cv:" + m + "." + cv }

// CustomViews returns a module's built-in custom views: "All <Plural>".
func (m Module) CustomViews() []CustomView {
	return []CustomView{{Key: "All", Name: "All " + m.Plural}}
}

// ScopeName is the module's name in OAuth scopes: lower case without underscores or the __s suffix
// (Price_Books → pricebooks, Appointments__s → appointments).
func ScopeName(apiName string) string {
	s := strings.ToLower(strings.TrimSuffix(strings.TrimSuffix(apiName, "__s"), "__S"))
	return strings.ReplaceAll(s, "_", "")
}

// Field returns the module's field with that api name (case-insensitive).
func (m Module) Field(apiName string) (Field, bool) {
	for _, f := range m.Fields {
		if strings.EqualFold(f.APIName, apiName) {
			return f, true
		}
	}
	return Field{}, false
}

// RelatedList returns the module's related list with that api name (case-insensitive).
func (m Module) RelatedList(apiName string) (RelatedList, bool) {
	for _, rl := range m.RelatedLists {
		if strings.EqualFold(rl.APIName, apiName) {
			return rl, true
		}
	}
	return RelatedList{}, false
}

// CadenceListName is the api name of the related list that shows a record's cadences.
func CadenceListName(module string) string { return "Entity_Cadences_" + strings.ToLower(module) }

// Standard returns the built-in module named apiName (case-insensitive).
func Standard(apiName string) (Module, bool) {
	for _, m := range modules {
		if strings.EqualFold(m.APIName, apiName) {
			return m, true
		}
	}
	return Module{}, false
}

// Modules returns every built-in module, in Zoho's tab order.
func Modules() []Module { return modules }

// RelationByKind returns the writable relation with that kind.
func RelationByKind(kind string) (Relation, bool) {
	for _, r := range relations {
		if r.Kind == kind {
			return r, true
		}
	}
	return Relation{}, false
}

// Relations returns every writable relation.
func Relations() []Relation { return relations }

// NewCustomModule describes an org's custom module: a mandatory Name, the usual system fields, and a
// cadences related list.
func NewCustomModule(apiName, singular, plural string) Module {
	m := Module{
		APIName: apiName, Singular: singular, Plural: plural, Legacy: apiName,
		APISupported: true, Cadences: true, Custom: true,
		Fields: withSystem(
			Field{APIName: "Name", Label: singular + " Name", DataType: "text", Mandatory: true, Length: 120},
			Field{APIName: "Email", Label: "Email", DataType: "email", Length: 100},
			Field{APIName: "Description", Label: "Description", DataType: "textarea", Length: 32000},
		),
	}
	m.RelatedLists = []RelatedList{
		notesList,
		{APIName: "Attachments", Name: "Attachments", Module: "Attachments", Type: "default"},
		{APIName: CadenceListName(apiName), Name: "Cadences", Type: "default"},
	}
	return m
}

// systemDuplicateCheck are Zoho's system-defined duplicate check fields (Upsert Records:
// "Leads - Email; Accounts - Account_Name; Contacts - Email; Deals - Deal_Name; Campaigns -
// Campaign_Name; Cases - Subject; Solutions - Solution_Title; Products - Product_Name; Vendors -
// Vendor_Name; PriceBooks - Price_Book_Name; …; Custom Modules - Name"). Upsert matches on them;
// which fields refuse duplicates on every write is Field.Unique (modules.go): these, except Deals'
// Deal_Name and a custom module's Name, which records commonly share.
var systemDuplicateCheck = map[string]string{
	"Leads": "Email", "Accounts": "Account_Name", "Contacts": "Email", "Deals": "Deal_Name",
	"Campaigns": "Campaign_Name", "Cases": "Subject", "Solutions": "Solution_Title", "Products": "Product_Name",
	"Vendors": "Vendor_Name", "Price_Books": "Price_Book_Name",
}

// DuplicateCheckFields are the fields an upsert matches records on when the request names none,
// in Zoho's order: the module's system-defined duplicate check field (Name for a custom module),
// then its other unique fields.
func (m Module) DuplicateCheckFields() []Field {
	var out []Field
	name, ok := systemDuplicateCheck[m.APIName]
	if m.Custom {
		name, ok = "Name", true
	}
	if f, found := m.Field(name); ok && found {
		out = append(out, f)
	}
	for _, f := range m.Fields {
		if f.Unique && (len(out) == 0 || out[0].APIName != f.APIName) {
			out = append(out, f)
		}
	}
	return out
}

// UniqueFields returns the module's unique fields, in catalogue order.
func (m Module) UniqueFields() []Field {
	var out []Field
	for _, f := range m.Fields {
		if f.Unique {
			out = append(out, f)
		}
	}
	return out
}

// DefaultContactRoles are the roles every new org starts with, in sequence order.
var DefaultContactRoles = []string{
	"Purchasing", "Engineering Lead", "Economic Decision Maker", "Product Management", "Executive Sponsor", "Developer/Evaluator",
}
