package bench

import (
	"context"
	"net/http"
	"net/url"
)

// CountCriteria is the count scenario's name: GET /Contacts/actions/count with a criteria on a
// random contact's email (search.go has the rules these scenarios share). Target: ≥ 0.5 × the
// query ceiling, the same SELECT count(*).
const CountCriteria = "count-criteria"

// apiCountCriteria counts the contacts whose email is a random contact's.
func (r *sizeRun) apiCountCriteria(w int) []step {
	next := r.lookups(w)
	return []step{{CountCriteria, func(ctx context.Context) error {
		return r.api.call(ctx, http.MethodGet, "/crm/v8/Contacts/actions/count?criteria="+url.QueryEscape("(Email:equals:"+benchEmail(next())+")"),
			nil, http.StatusOK)
	}}}
}

// queryCountCriteria is the count's statement as the store's CountRecords writes it.
func (r *sizeRun) queryCountCriteria(w int) []step {
	next := r.lookups(w)
	return []step{r.queryStep(CountCriteria, func() (string, []any) {
		cond, arg := r.emailCondition("", next())
		return `SELECT count(*) FROM records WHERE org_id = ? AND module = ? AND (` + cond + `)`, []any{r.ds.org.ID, "Contacts", arg}
	}, 1)}
}
