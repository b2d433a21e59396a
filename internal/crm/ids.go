package crm

import (
	"slices"
	"strconv"
	"strings"
)

// ParseID parses a Zoho id: 1 to 19 decimal digits, below 2^63. ok is false for anything else.
func ParseID(s string) (id int64, ok bool) {
	if s == "" || len(s) > 19 {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v <= 0 {
		return 0, false
	}
	return v, true
}

// FormatID renders an id as Zoho does on the wire: a decimal string.
func FormatID(id int64) string { return strconv.FormatInt(id, 10) }

// SplitIDs splits a comma-separated ids parameter (already URL-decoded). Blank elements, such as the
// one after a trailing comma, are dropped; surrounding spaces are trimmed.
func SplitIDs(raw string) []string {
	parts := strings.Split(raw, ",")
	out := parts[:0]
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// ParseIDList parses every element of ids. It returns ok=false when any element is not an id
// (the caller answers UNABLE_TO_PARSE_DATA_TYPE).
func ParseIDList(ids []string) (out []int64, ok bool) {
	out = make([]int64, 0, len(ids))
	for _, s := range ids {
		id, ok := ParseID(s)
		if !ok {
			return nil, false
		}
		out = append(out, id)
	}
	return out, true
}

// Dedupe returns ids without repeats, first occurrence first. ids is returned as it is when it has
// none (the usual case: a sorted copy tells without a map).
func Dedupe(ids []int64) []int64 {
	sorted := slices.Clone(ids)
	slices.Sort(sorted)
	if len(slices.Compact(sorted)) == len(ids) {
		return ids
	}
	seen := make(map[int64]bool, len(ids))
	out := make([]int64, 0, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
