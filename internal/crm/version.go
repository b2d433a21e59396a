package crm

// APIVersion is one /crm/{version}/ path segment zcrm serves, and what Zoho's pages for that
// version say differently from v8 (reference §0.1, §1.1). Every rule not in this table is v8's
// under every version.
type APIVersion struct {
	Name string
	// FieldsOptional: Get Records takes no mandatory fields (v2 and v2.1 document it as optional);
	// without it every field is answered.
	FieldsOptional bool
	// SortByAnyField: Get Records' sort_by takes any field of the module (v2, v2.1), not only id,
	// Created_Time and Modified_Time; such a listing pages by page number (no page tokens).
	SortByAnyField bool
	// RoleAsString: deal contact roles carry Contact_Role as the role's id, a string, and their
	// listing takes no fields (v2 to v3).
	RoleAsString bool
	// CustomViewIDNumber: Get Cadences writes custom_view.id as a JSON number (v7 and older, as in
	// seed 002); v8 writes a string, as Zoho's v8 example does.
	CustomViewIDNumber bool
}

// apiVersions are the versions zcrm serves, oldest first.
var apiVersions = []APIVersion{
	{Name: "v2", FieldsOptional: true, SortByAnyField: true, RoleAsString: true, CustomViewIDNumber: true},
	{Name: "v2.1", FieldsOptional: true, SortByAnyField: true, RoleAsString: true, CustomViewIDNumber: true},
	{Name: "v2.2", RoleAsString: true, CustomViewIDNumber: true},
	{Name: "v3", RoleAsString: true, CustomViewIDNumber: true},
	{Name: "v4", CustomViewIDNumber: true},
	{Name: "v5", CustomViewIDNumber: true},
	{Name: "v6", CustomViewIDNumber: true},
	{Name: "v7", CustomViewIDNumber: true},
	{Name: "v8"},
}

// V8 is the version whose rules zcrm applies wherever the table says nothing.
var V8 = apiVersions[len(apiVersions)-1]

// LookupAPIVersion returns the version a path segment names; false for one zcrm does not serve.
func LookupAPIVersion(name string) (APIVersion, bool) {
	for _, v := range apiVersions {
		if v.Name == name {
			return v, true
		}
	}
	return APIVersion{}, false
}
