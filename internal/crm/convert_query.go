package crm

import (
	"strings"

	"github.com/zcrm/zcrm/internal/catalog"
)

// ParseConverted reads the converted parameter of Get Records and Search Records: true (converted
// leads), false (live ones: Zoho's default) or both; any other value is INVALID_DATA with the
// supported values, as SearchSelectsNothing answers it.
func ParseConverted(get func(string) (string, bool)) (string, error) {
	raw, ok := get("converted")
	if !ok || raw == "" {
		return "", nil
	}
	switch v := strings.ToLower(raw); v {
	case "true", "false", "both":
		return v, nil
	}
	return "", ErrInvalidData(MsgInvalidData, map[string]any{"param_name": "converted", "supported_values": []string{"true", "false", "both"}})
}

// convertedModule is the stored module a listing of m reads: ConvertedLeads for Leads with
// converted=true, m itself otherwise.
func convertedModule(m catalog.Module, q ListQuery) string {
	if m.APIName == "Leads" && q.Converted == "true" {
		return ConvertedLeads
	}
	return m.APIName
}

// convertedAlso is the stored module a listing of m reads beside convertedModule's: ConvertedLeads
// for Leads with converted=both.
func convertedAlso(m catalog.Module, q ListQuery) string {
	if m.APIName == "Leads" && q.Converted == "both" {
		return ConvertedLeads
	}
	return ""
}
