package bench

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/zcrm/zcrm/internal/store"
)

// COQLEmail is the COQL scenario's name: POST /coql selecting a random contact by its email
// (search.go has the rules these scenarios share).
const COQLEmail = "coql-email"

// apiCOQLEmail selects a random contact's name and email by its email through COQL.
func (r *sizeRun) apiCOQLEmail(w int) []step {
	next := r.lookups(w)
	return []step{{COQLEmail, func(ctx context.Context) error {
		body, _ := json.Marshal(map[string]string{
			"select_query": "select Last_Name, Email from Contacts where Email = '" + benchEmail(next()) + "'",
		})
		return r.api.call(ctx, http.MethodPost, "/crm/v8/coql", body, http.StatusOK)
	}}}
}

// queryCOQLEmail is the COQL query's statement as store/coql.go writes it: the contacts (alias r)
// whose email is the value, by id, COQL's default 200 rows and one more.
func (r *sizeRun) queryCOQLEmail(w int) []step {
	next := r.lookups(w)
	return []step{r.queryStep(COQLEmail, func() (string, []any) {
		cond, arg := r.emailCondition("r.", next())
		bounds := store.PageBounds(201, 0)
		return `SELECT r.id, r.org_id, r.module, r.owner_id, r.created_by, r.modified_by, r.created_time, r.modified_time, r.data
			FROM records r WHERE r.org_id = ? AND r.module = ? AND (` + cond + `) ORDER BY r.id ASC` + bounds,
			[]any{r.ds.org.ID, "Contacts", arg}
	}, 1)}
}
