package bench

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"

	"github.com/zcrm/zcrm/internal/store"
)

// Finding records (issue 18): search by email, COQL and count on an indexed field. Each call looks
// up a random contact of the dataset by its email, so the lookups spread over the whole index as
// an integration's would. Their ceiling is the query ceiling: the statement zcrm's store runs for
// the call, sent straight through database/sql on the store's reader handle (one statement, no
// transaction, no HTTP, auth, access checks or JSON), its rows read. The targets: search and
// COQL p99 ≤ 5 ms at 16 workers and N=1,000,000 ÷ N=10,000 ≥ 0.8; count ≥ 0.5 × its ceiling.

// SearchEmail is the search scenario's name: GET /Contacts/search?email=….
const SearchEmail = "search-email"

// ceilingQuery is the query ceiling's kind.
const ceilingQuery = "query"

// benchEmail is the email of the dataset's contact i (dataset.go writes them).
func benchEmail(i int) string { return "contact" + strconv.Itoa(i) + "@bench.zcrm.local" }

// lookups returns worker w's source of random contact numbers (each worker its own, seeded by w,
// so that runs repeat).
func (r *sizeRun) lookups(w int) func() int {
	rnd := rand.New(rand.NewPCG(uint64(w)+1, 0x5eed))
	return func() int { return rnd.IntN(r.ds.records) }
}

// apiSearchEmail searches the contacts by a random contact's email.
func (r *sizeRun) apiSearchEmail(w int) []step {
	next := r.lookups(w)
	return []step{{SearchEmail, func(ctx context.Context) error {
		return r.api.call(ctx, http.MethodGet, "/crm/v8/Contacts/search?email="+url.QueryEscape(benchEmail(next())), nil, http.StatusOK)
	}}}
}

// emailCondition is the SQL condition zcrm's store writes for an email lookup on prefix's records
// (the field's indexed comparison form: store/index.go) and its argument.
func (r *sizeRun) emailCondition(prefix string, i int) (string, any) {
	expr, ok := r.db.IndexedTextOperand(prefix, "Email")
	if !ok {
		panic("bench: Email has no expression index") // TestIndexedFieldsHaveIndexes guards it
	}
	return expr + " = ?", benchEmail(i)
}

// recordColumns are the columns zcrm's store reads for a record (store/records.go recordCols).
const recordColumns = "id, org_id, module, owner_id, created_by, modified_by, created_time, modified_time, data"

// querySearchEmail is the search's statement: the contacts whose email is the value, in the
// listing's default order (id descending), one page and one row more, as ListRecords asks.
func (r *sizeRun) querySearchEmail(w int) []step {
	next := r.lookups(w)
	return []step{r.queryStep(SearchEmail, func() (string, []any) {
		cond, arg := r.emailCondition("", next())
		bounds := store.PageBounds(201, 0)
		return `SELECT ` + recordColumns + ` FROM records WHERE org_id = ? AND module = ? AND ((` + cond + `)) ORDER BY id DESC` + bounds,
			[]any{r.ds.org.ID, "Contacts", arg}
	}, 1)}
}

// queryStep runs the statement q returns on the store's reader handle and reads every column of
// its rows; a call fails unless it returned want rows.
func (r *sizeRun) queryStep(name string, q func() (string, []any), want int) step {
	return step{name, func(ctx context.Context) error {
		text, args := q()
		rows, err := r.db.ReadSQL().QueryContext(ctx, r.db.Rebind(text), args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		cols, err := rows.Columns()
		if err != nil {
			return err
		}
		dest := make([]any, len(cols))
		for i := range dest {
			dest[i] = new(sql.RawBytes)
		}
		n := 0
		for rows.Next() {
			if err := rows.Scan(dest...); err != nil {
				return err
			}
			n++
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if n != want {
			return fmt.Errorf("%s: %d rows, want %d", name, n, want)
		}
		return nil
	}}
}
