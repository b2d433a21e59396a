package limits

import (
	"net/http"
	"strings"

	"github.com/zcrm/zcrm/internal/httpapi"
)

// Credits is what a call costs of its org's daily budget, as Zoho charges (reference §1.8): one
// credit, except a record insert, update or upsert, which costs one credit per 10 records (25
// records: 3). Those are POST and PUT /{module}, POST /{module}/upsert and PUT /{module}/{id}.
func Credits(c *httpapi.Call) int64 {
	segs := strings.Split(strings.Trim(c.Path, "/"), "/") // crm, {version}, …
	if len(segs) < 3 || c.Records <= 0 {
		return 1
	}
	rest := segs[2:]
	write := len(rest) == 1 && (c.Method == http.MethodPost || c.Method == http.MethodPut) ||
		len(rest) == 2 && (c.Method == http.MethodPost && rest[1] == "upsert" || c.Method == http.MethodPut && rest[1] != "upsert")
	if !write {
		return 1
	}
	return max(1, (int64(c.Records)+9)/10)
}
