package crm

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

func errLimit(message string, details map[string]any) *Error {
	return NewError(http.StatusBadRequest, "LIMIT_EXCEEDED", message, details)
}

// RecordsFromBody returns the "data" array of an insert or update body. A missing or empty array is
// MANDATORY_NOT_FOUND, a non-array INVALID_DATA, more than MaxRecordsPerCall elements LIMIT_EXCEEDED.
func RecordsFromBody(body map[string]any) ([]any, error) {
	raw, ok := body["data"]
	if !ok || raw == nil {
		return nil, ErrMandatory(MsgRequiredFieldNotFound, APIPath("data", "$.data"))
	}
	arr, ok := raw.([]any)
	if !ok {
		d := APIPath("data", "$.data")
		d["expected_data_type"] = "jsonarray"
		return nil, ErrInvalidData(MsgInvalidData, d)
	}
	if len(arr) == 0 {
		return nil, ErrMandatory(MsgRequiredFieldNotFound, APIPath("data", "$.data"))
	}
	if len(arr) > MaxRecordsPerCall {
		d := APIPath("data", "$.data")
		d["limit"] = MaxRecordsPerCall
		return nil, errLimit(MsgMoreThan100Records, d)
	}
	return arr, nil
}

// ParseIDsParam parses an ids query parameter: comma-separated ids (a trailing comma or blanks are
// ignored). Absent or blank is REQUIRED_PARAM_MISSING when required, nil otherwise; more than
// MaxRecordsPerCall elements is LIMIT_EXCEEDED; a non-id element is UNABLE_TO_PARSE_DATA_TYPE. The
// ids come back de-duplicated, first occurrence first.
func ParseIDsParam(raw string, required bool) ([]int64, error) {
	parts := SplitIDs(raw)
	if len(parts) == 0 {
		if required {
			return nil, ErrParamMissing("ids")
		}
		return nil, nil
	}
	if len(parts) > MaxRecordsPerCall {
		return nil, errLimit(MsgMoreThan100RecordIDs, map[string]any{"limit": MaxRecordsPerCall, "param_name": "ids"})
	}
	ids, ok := ParseIDList(parts)
	if !ok {
		return nil, ErrUnparsable()
	}
	return Dedupe(ids), nil
}

// ListQuery is a parsed record listing request.
type ListQuery struct {
	Fields        []string // requested names, as given; id is always returned
	IDs           []int64  // nil for all records
	Page, PerPage int
	SortBy        string // SortByID, SortByCreatedTime or SortByModifiedTime
	// SortField is a field sort_by names where the version allows any (APIVersion.SortByAnyField);
	// ListRecords resolves it against the module. "" otherwise.
	SortField     string
	Desc          bool
	ModifiedSince time.Time // zero for no If-Modified-Since
	// PageToken is page_token as given ("" for discrete paging by page); pagetoken.go opens it.
	PageToken string
	// Converted is the converted parameter of Leads lists and searches (ParseConverted): "" or
	// "false" for live leads, "true" for converted ones, "both" (convert.go).
	Converted string
	// Other holds the raw values of the row-selecting parameters Zoho's listings take that zcrm
	// does not interpret (otherParams), so that page tokens are bound to them too.
	Other map[string]string
}

var sortKeys = []string{SortByID, SortByCreatedTime, SortByModifiedTime}

// otherParams are the listing parameters of Zoho's Get Records that select rows but that zcrm
// does not interpret; a page token is bound to their values all the same (pagetoken.go).
var otherParams = []string{"cvid", "converted", "filters", "territory_id", "include_child", "approved", "uid", "startDateTime", "endDateTime"}

// ParseListQuery reads a listing's parameters through get (value, present) by v8's rules.
// requireFields is true for the listing, false for a single-record read. page_token is kept as
// given (the listing opens it: pagetoken.go); with page beside it, AMBIGUITY_DURING_PROCESSING.
func ParseListQuery(get func(name string) (string, bool), requireFields bool) (ListQuery, error) {
	return ParseListQueryAs(get, requireFields, V8)
}

// ParseListQueryAs is ParseListQuery for Get Records under version v: fields optional and
// sort_by any field where v says so.
func ParseListQueryAs(get func(name string) (string, bool), requireFields bool, v APIVersion) (ListQuery, error) {
	requireFields = requireFields && !v.FieldsOptional
	q := ListQuery{Page: 1, PerPage: MaxPerPage, SortBy: SortByID, Desc: true}
	if raw, _ := get("fields"); strings.TrimSpace(raw) != "" {
		for _, f := range strings.Split(raw, ",") {
			if f = strings.TrimSpace(f); f != "" {
				q.Fields = append(q.Fields, f)
			}
		}
	}
	if len(q.Fields) == 0 && requireFields {
		return q, ErrParamMissing("fields")
	}
	if len(q.Fields) > MaxFieldsParam {
		return q, errLimit(MsgFieldsLimitExceeded, map[string]any{"limit": MaxFieldsParam, "param_name": "fields"})
	}
	var err error
	if raw, ok := get("ids"); ok {
		if q.IDs, err = ParseIDsParam(raw, false); err != nil {
			return q, err
		}
	}
	pageGiven, err := readPaging(get, &q.Page, &q.PerPage)
	if err != nil {
		return q, err
	}
	if raw, _ := get("page_token"); raw != "" {
		if pageGiven {
			return q, ErrPageAndPageToken()
		}
		q.PageToken = raw
	}
	for _, name := range otherParams {
		if raw, ok := get(name); ok {
			if q.Other == nil {
				q.Other = map[string]string{}
			}
			q.Other[name] = raw
		}
	}
	if raw, ok := get("sort_by"); ok && raw != "" {
		q.SortBy = ""
		for _, k := range sortKeys {
			if strings.EqualFold(raw, k) {
				q.SortBy = k
			}
		}
		if q.SortBy == "" && v.SortByAnyField {
			q.SortBy, q.SortField = SortByID, strings.TrimSpace(raw)
		} else if q.SortBy == "" {
			return q, ErrInvalidData(MsgInvalidData, map[string]any{"param_name": "sort_by", "supported_values": sortKeys})
		}
	}
	if raw, ok := get("sort_order"); ok && raw != "" {
		switch strings.ToLower(raw) {
		case "asc":
			q.Desc = false
		case "desc":
			q.Desc = true
		default:
			return q, ErrInvalidData(MsgInvalidData, map[string]any{"param_name": "sort_order", "supported_values": []string{"asc", "desc"}})
		}
	}
	if q.Page > MaxDiscreteRecords/q.PerPage { // page*per_page > 2000, without overflow
		return q, NewError(http.StatusBadRequest, "DISCRETE_PAGINATION_LIMIT_EXCEEDED", MsgFirst2000WithoutPageToken, map[string]any{"limit": MaxDiscreteRecords})
	}
	return q, nil
}

// readPaging reads page and per_page (positive integers; per_page at most MaxPerPage) into page
// and perPage, and reports whether page was given.
func readPaging(get func(name string) (string, bool), page, perPage *int) (pageGiven bool, err error) {
	for _, p := range []struct {
		name string
		dst  *int
	}{{"page", page}, {"per_page", perPage}} {
		raw, ok := get(p.name)
		if !ok || raw == "" {
			continue
		}
		n, err := strconv.Atoi(strings.TrimSpace(raw))
		if err != nil || n < 1 {
			return false, ErrInvalidData(MsgInvalidData, map[string]any{"param_name": p.name, "expected_data_type": "integer"})
		}
		*p.dst = n
		pageGiven = pageGiven || p.name == "page"
	}
	*perPage = min(*perPage, MaxPerPage)
	return pageGiven, nil
}

// ListInfo is the "info" object of a record listing.
type ListInfo struct {
	PerPage           int     `json:"per_page"`
	Count             int     `json:"count"`
	Page              int     `json:"page"`
	SortBy            string  `json:"sort_by"`
	SortOrder         string  `json:"sort_order"`
	MoreRecords       bool    `json:"more_records"`
	NextPageToken     *string `json:"next_page_token"`
	PreviousPageToken *string `json:"previous_page_token"`
	PageTokenExpiry   *string `json:"page_token_expiry"`
	Call              bool    `json:"call"`
	Email             bool    `json:"email"`
}
