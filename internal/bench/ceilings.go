package bench

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/store"
)

// startBare serves ans — the bytes zcrm answered to one scenario request — from a bare net/http
// handler on a loopback port: the HTTP ceiling. stop closes it.
func startBare(ans *captured) (base string, stop func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	ct, server := ans.header.Get("Content-Type"), ans.header.Get("Server")
	srv := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			h.Set("Content-Type", ct)
			h.Set("Server", server)
			w.WriteHeader(ans.status)
			w.Write(ans.body)
		}),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
	go srv.Serve(ln)
	return "http://" + ln.Addr().String(), func() { srv.Close() }, nil
}

// sqlStep is one transaction of a store ceiling: the scenario's writes with no HTTP, no auth, no
// JSON and no reads.
type sqlStep func(ctx context.Context, tx *sql.Tx) error

// storeStep runs fn as the store runs a write: one transaction on the store's writer handle
// (SQLite: the single writer connection, BEGIN IMMEDIATE; PostgreSQL: SERIALIZABLE and, as the
// store does, after two lost serialization races retried after a random pause with the other
// ceiling transactions held back).
func (r *sizeRun) storeStep(name string, fn sqlStep) step {
	var opts *sql.TxOptions
	if r.db.Dialect() == store.Postgres {
		opts = &sql.TxOptions{Isolation: sql.LevelSerializable}
	}
	once := func(ctx context.Context) error {
		tx, err := r.db.SQL().BeginTx(ctx, opts)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		if err := fn(ctx, tx); err != nil {
			return err
		}
		return tx.Commit()
	}
	return step{name, func(ctx context.Context) error {
		// Tries 1 and 2 run shared; from the third, exclusive retry n = try-2 pauses as the store's.
		for try := 1; ; try++ {
			n := try - 2
			if n >= 1 {
				time.Sleep(store.RetryPause(n))
				r.exclusive.Lock()
			} else {
				r.exclusive.RLock()
			}
			err := once(ctx)
			if n >= 1 {
				r.exclusive.Unlock()
			} else {
				r.exclusive.RUnlock()
			}
			if err == nil || !store.IsSerializationFailure(err) || n >= store.MaxExclusiveAttempts {
				return err
			}
			r.retries.Add(1)
		}
	}}
}

// exec runs one rebound statement in tx and checks it touched want rows.
func (r *sizeRun) exec(ctx context.Context, tx *sql.Tx, want int64, q string, args ...any) error {
	res, err := tx.ExecContext(ctx, r.db.Rebind(q), args...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err == nil && n != want {
		return fmt.Errorf("%s…: %d rows, want %d", q[:min(len(q), 40)], n, want)
	}
	return nil
}

// storeEnrolment is apiEnrolment's writes: end records×cadences live enrolments with one UPDATE,
// then allocate ids as the store does and insert the enrolments again.
func (r *sizeRun) storeEnrolment(records, cadences int) func(w int) []step {
	unenrol, enrol := enrolmentNames(records, cadences)
	return func(w int) []step {
		recs, cads := r.enrolmentRecords(w, records), r.ds.cadences[:cadences]
		org, admin := r.ds.org.ID, r.ds.admin.ID
		n := len(recs) * len(cads)
		end := `UPDATE enrollments SET ended_time = ?, ended_by = ?, end_reason = ?
			WHERE org_id = ? AND ended_time IS NULL AND cadence_id IN (` + marks(len(cads)) + `) AND record_id IN (` + marks(len(recs)) + `)`
		endArgs := append(append([]any{int64(0), admin, crm.EndManual, org}, int64s(cads)...), int64s(recs)...)
		insert := `INSERT INTO enrollments (id, org_id, cadence_id, cadence_name, module, record_id, enrolled_time, enrolled_by) VALUES ` +
			tuples(8, n)
		return []step{
			r.storeStep(unenrol, func(ctx context.Context, tx *sql.Tx) error {
				endArgs[0] = time.Now().UnixMilli()
				return r.exec(ctx, tx, int64(n), end, endArgs...)
			}),
			r.storeStep(enrol, func(ctx context.Context, tx *sql.Tx) error {
				ids, err := r.db.NewIDsIn(ctx, tx, n)
				if err != nil {
					return err
				}
				now := time.Now().UnixMilli()
				args := make([]any, 0, 8*n)
				i := 0
				for _, rec := range recs {
					for c, cad := range cads {
						args = append(args, ids[i], org, cad, r.ds.names[c], "Contacts", rec, now, admin)
						i++
					}
				}
				return r.exec(ctx, tx, int64(n), insert, args...)
			}),
		}
	}
}

// storeDelink is apiDelink's writes: delete the campaign's 100 links, insert them again.
func (r *sizeRun) storeDelink(w int) []step {
	recs := r.ds.blocks[w]
	org, camp := r.ds.org.ID, r.ds.campaign
	const kind = "Campaigns:Contacts"
	del := `DELETE FROM relations WHERE org_id = ? AND kind = ? AND a_id = ? AND b_id IN (` + marks(len(recs)) + `)`
	delArgs := append([]any{org, kind, camp}, int64s(recs)...)
	ins := `INSERT INTO relations (org_id, kind, a_id, b_id, data, created_time) VALUES ` + tuples(6, len(recs)) +
		` ON CONFLICT (org_id, kind, a_id, b_id) DO UPDATE SET data = excluded.data`
	return []step{
		r.storeStep(Delink100, func(ctx context.Context, tx *sql.Tx) error {
			return r.exec(ctx, tx, int64(len(recs)), del, delArgs...)
		}),
		r.storeStep("", func(ctx context.Context, tx *sql.Tx) error {
			now := time.Now().UnixMilli()
			args := make([]any, 0, 6*len(recs))
			for _, rec := range recs {
				args = append(args, org, kind, camp, rec, "{}", now)
			}
			return r.exec(ctx, tx, int64(len(recs)), ins, args...)
		}),
	}
}

// storeContactRoles is apiContactRoles' writes: mark the deal's 100 roles removed, assign them again.
func (r *sizeRun) storeContactRoles(w int) []step {
	recs := r.ds.blocks[w]
	org, deal, role := r.ds.org.ID, r.ds.deals[w], r.ds.role
	remove := `UPDATE deal_contact_roles SET removed_time = ?
		WHERE org_id = ? AND deal_id = ? AND removed_time IS NULL AND contact_id IN (` + marks(len(recs)) + `)`
	removeArgs := append([]any{int64(0), org, deal}, int64s(recs)...)
	assign := `INSERT INTO deal_contact_roles (org_id, deal_id, contact_id, role_id, created_time) VALUES ` + tuples(5, len(recs)) +
		` ON CONFLICT (org_id, deal_id, contact_id) DO UPDATE SET role_id = excluded.role_id, removed_time = NULL`
	return []step{
		r.storeStep(ContactRoles100, func(ctx context.Context, tx *sql.Tx) error {
			removeArgs[0] = time.Now().UnixMilli()
			return r.exec(ctx, tx, int64(len(recs)), remove, removeArgs...)
		}),
		r.storeStep("", func(ctx context.Context, tx *sql.Tx) error {
			now := time.Now().UnixMilli()
			args := make([]any, 0, 5*len(recs))
			for _, rec := range recs {
				args = append(args, org, deal, rec, role, now)
			}
			return r.exec(ctx, tx, int64(len(recs)), assign, args...)
		}),
	}
}

// marks returns n comma-separated placeholders.
func marks(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }

func int64s(ids []int64) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}
