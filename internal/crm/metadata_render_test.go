package crm_test

import (
	"errors"
	"net/url"
	"reflect"
	"testing"

	"github.com/zcrm/zcrm/internal/crm"
)

// TestParseUsersQuery checks GET /users' parameters: defaults, a type matched in any case, a blank
// ids parameter that keeps no user, and Zoho's order of checks (type, page, per_page, ids).
func TestParseUsersQuery(t *testing.T) {
	parse := func(query string) (crm.UsersQuery, error) {
		v, err := url.ParseQuery(query)
		if err != nil {
			t.Fatal(err)
		}
		return crm.ParseUsersQuery(func(k string) (string, bool) { return v.Get(k), v.Has(k) })
	}
	for _, c := range []struct {
		query string
		want  crm.UsersQuery
	}{
		{"", crm.UsersQuery{Page: 1, PerPage: crm.MaxPerPage}},
		{"type=adminUSERS&page=3&per_page=900&ids=5,4,5", crm.UsersQuery{Type: "adminUSERS", IDs: []int64{5, 4}, Page: 3, PerPage: crm.MaxPerPage}},
		{"ids=%20&per_page=7", crm.UsersQuery{IDs: []int64{}, Page: 1, PerPage: 7}},
	} {
		if q, err := parse(c.query); err != nil || !reflect.DeepEqual(q, c.want) {
			t.Errorf("ParseUsersQuery(%q) = %+v, %v; want %+v", c.query, q, err, c.want)
		}
	}
	for _, c := range []struct {
		query, code, param string
	}{
		{"type=Everyone&page=0", "INVALID_DATA", "type"},
		{"page=0&per_page=x", "INVALID_DATA", "page"},
		{"page=%202", "INVALID_DATA", "page"},
		{"per_page=-1&ids=a", "INVALID_DATA", "per_page"},
		{"ids=1,a", "UNABLE_TO_PARSE_DATA_TYPE", ""},
	} {
		_, err := parse(c.query)
		var ce *crm.Error
		if !errors.As(err, &ce) || ce.Code != c.code || (c.param != "" && ce.Details["param_name"] != c.param) {
			t.Errorf("ParseUsersQuery(%q): %v, want %s about %q", c.query, err, c.code, c.param)
		}
	}
}
