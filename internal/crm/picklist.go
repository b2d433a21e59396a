package crm

import (
	"strings"
	"unicode/utf8"

	"github.com/zcrm/zcrm/internal/catalog"
)

// pickValue is the one rule for a picklist value, on a record's field (record_input.go) and on a
// relation's field such as a campaign member's Member_Status (relation_service.go) alike:
//   - the value is a JSON string (else INVALID_DATA with expected_data_type "picklist");
//   - "", blanks and "-None-" clear the field (nil);
//   - longer than the field's length is INVALID_DATA with maximum_length;
//   - any other string is kept as given, offered by the field's pick_list_values or not: Zoho's
//     picklists are not restricted to their values on API writes (a value the picklist does not
//     offer is stored on the record, and Zoho's fields metadata lists such values as "unused"), so
//     that Zoho's own Update Related Records samples, which send Member_Status "Active" and
//     "Planning", succeed.
func pickValue(f catalog.Field, v any, path string) (any, *Error) {
	s, ok := v.(string)
	if !ok {
		return nil, typeError(f, path)
	}
	if strings.TrimSpace(s) == "" || s == catalog.NoneValue {
		return nil, nil
	}
	if utf8.RuneCountInString(s) > f.MaxLength() {
		d := APIPath(f.APIName, path)
		d["maximum_length"] = f.MaxLength()
		return nil, ErrInvalidData(MsgInvalidData, d)
	}
	return s, nil
}
