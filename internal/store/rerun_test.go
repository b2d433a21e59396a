package store

import (
	"errors"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/zcrm/zcrm/internal/crm"
)

// rerun is the one place that decides whether a write runs again: only for the three PostgreSQL
// reasons, each in its own way, and never for an answer (success, a Zoho error, a sentinel, any
// other failure).
func TestRerunDecides(t *testing.T) {
	race := fmt.Errorf("exec: %w", &pgconn.PgError{Code: "40001"})
	deadlock := &pgconn.PgError{Code: "40P01"}
	first := attempt{}
	for _, tc := range []struct {
		name  string
		err   error
		prev  attempt
		again bool
		next  attempt
	}{
		{"success", nil, first, false, first},
		{"a Zoho error", crm.ErrInvalidToken(), first, false, first},
		{"not found", crm.ErrNotFound, first, false, first},
		{"a failed statement", errors.New("boom"), first, false, first},
		{"batch rolled back", errRunAlone, first, true, attempt{n: 1, alone: true}},
		{"inexact set operation", fmt.Errorf("delete: %w", errInexact), first, true, attempt{n: 1, alone: true, exact: true}},
		{"lost race", race, attempt{n: 1, alone: true}, true, attempt{n: 2, alone: true, exclusive: true}},
		{"deadlock", deadlock, first, true, attempt{n: 1, alone: true, exclusive: true}},
		{"lock memory exhausted", &pgconn.PgError{Code: "53200"}, first, true, attempt{n: 1, alone: true, exclusive: true}},
		{"exact stays exact", race, attempt{n: 1, alone: true, exact: true}, true, attempt{n: 2, alone: true, exact: true, exclusive: true}},
		{"lost race, out of attempts", race, attempt{n: MaxExclusiveAttempts, alone: true, exclusive: true}, false, attempt{n: MaxExclusiveAttempts, alone: true, exclusive: true}},
	} {
		next, again := rerun(tc.err, tc.prev)
		if again != tc.again || next != tc.next {
			t.Errorf("%s: rerun = %+v, %v; want %+v, %v", tc.name, next, again, tc.next, tc.again)
		}
	}
}
