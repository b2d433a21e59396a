package bench

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/zcrm/zcrm/internal/admin"
	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/engine"
	"github.com/zcrm/zcrm/internal/store"
)

// The cadence engine's batch path (issue 20, Speed): every contact of the dataset (N) is enrolled
// in one more cadence of three follow-ups — a task a day after enrolment, a call a day after the
// task, an email a day after the call — 100 at a time, as enrol calls do, the calls spread over an
// hour, and the clock is advanced
// past all of them: the advance answers once the engine has run all 3N follow-ups. The rate is
// follow-ups run per second of that advance. Its ceiling (store-batch) does the same writes with
// plain SQL in transactions of engine.Batch steps: claim the due steps, insert the same Tasks and
// Calls rows and outbox messages, mark the steps done and insert their children. cadence-run-2p
// runs the engine of two store handles on the database at once (two zcrm processes sharing it):
// one advances the clock, the other's ticker claims due steps meanwhile.
//
// Each run starts from the same state: the untimed re-setup deletes what the last run made, puts
// the root steps back to pending and the clock back. Runs and ceilings alternate until each has
// measured Duration (at least once each, at most Rounds times), and each at least minMeasured.

// Scenario names and the ceiling kind of the cadence runs.
const (
	CadenceRun   = "cadence-run"
	CadenceRun2P = "cadence-run-2p"
	ceilingBatch = "store-batch"
)

// cadenceFollowUps are the bench cadence's follow-ups, in order, each the child of the one before.
var cadenceFollowUps = []string{"tasks", "schedule_call", "email_notifications"}

// cadenceStart is the clock of the cadence runs' enrolments.
var cadenceStart = time.Date(2030, 1, 7, 9, 0, 0, 0, time.UTC)

// cadenceBench is the loaded cadence of the cadence runs.
type cadenceBench struct {
	id       int64
	fus      []string // follow-up ids, in cadenceFollowUps order
	contacts []int64
}

// cadenceRun measures the engine with one store handle and with two, each against the store-batch
// ceiling.
// minMeasured is the least time each side of the cadence scenarios runs, over as many rounds as
// it takes.
const minMeasured = 100 * time.Millisecond

func (r *sizeRun) cadenceRun(ctx context.Context) ([]Scenario, error) {
	cb, err := r.loadCadence(ctx)
	if err != nil {
		return nil, err
	}
	second, err := store.Open(ctx, r.dsn, store.Options{Synchronous: r.cfg.Synchronous})
	if err != nil {
		return nil, err
	}
	defer second.Close()
	var out []Scenario
	for _, sc := range []struct {
		name    string
		engines []*store.DB
	}{{CadenceRun, []*store.DB{r.db}}, {CadenceRun2P, []*store.DB{r.db, second}}} {
		if len(r.cfg.Scenarios) > 0 && !slices.Contains(r.cfg.Scenarios, sc.name) {
			continue
		}
		var api, ceil measured
		api.name, ceil.name = sc.name, sc.name
		// A side that ran less than minMeasured is run again whatever Rounds says: the machine's CPU
		// figures come from /proc/stat, counted in 10 ms ticks.
		for round := 0; round == 0 || api.wall < minMeasured || ceil.wall < minMeasured ||
			round < max(1, r.cfg.Rounds) && (api.wall < r.cfg.Duration || ceil.wall < r.cfg.Duration); round++ {
			if err := r.resetCadence(ctx, cb); err != nil {
				return nil, err
			}
			r.timeCadence(ctx, &api, cb, func() error { return r.runEngines(ctx, sc.engines) })
			if err := r.resetCadence(ctx, cb); err != nil {
				return nil, err
			}
			r.timeCadence(ctx, &ceil, cb, func() error { return r.batchCeiling(ctx, cb) })
		}
		s := Scenario{Name: sc.name, Workers: len(sc.engines), Requests: api.calls, RPS: api.rate(), CPUUS: us(api.cpuPerCall()),
			Errors: api.errors, FirstError: api.first, Ceiling: ceilingBatch, HostCPUUS: us(api.hostCPUPerCall()), HostIdle: api.cpu.idle(),
			CeilingRPS: ceil.rate(), CeilingErrors: ceil.errors, CeilingFirstError: ceil.first, CeilingCPUUS: us(ceil.cpuPerCall()),
			CeilingHostCPUUS: us(ceil.hostCPUPerCall()), CeilingHostIdle: ceil.cpu.idle()}
		if s.CeilingRPS > 0 {
			s.Ratio = s.RPS / s.CeilingRPS
		}
		if s.CPUUS > 0 {
			s.CPURatio = s.CeilingCPUUS / s.CPUUS
		}
		out = append(out, s)
	}
	return out, nil
}

// timeCadence times one run of fn from the re-set state, adds it to m and checks its outcome:
// every enrolment with one task, one call and one email, all 3N steps done.
func (r *sizeRun) timeCadence(ctx context.Context, m *measured, cb *cadenceBench, fn func() error) {
	before := cpuBefore()
	start := time.Now()
	err := fn()
	wall := time.Since(start)
	m.cpu = m.cpu.plus(cpuAfter().since(before))
	m.wall += wall
	if err == nil {
		err = r.checkCadence(ctx, cb)
	}
	if err != nil {
		m.errors++
		if m.first == "" {
			m.first = err.Error()
		}
		return
	}
	m.calls += len(cadenceFollowUps) * len(cb.contacts)
}

// runEngines advances the clock past every step through the first store's engine (as
// POST /__zcrm/clock/advance does) while the others' run their due steps over and over, as a
// second process's ticker would, until the advance has answered.
func (r *sizeRun) runEngines(ctx context.Context, dbs []*store.DB) error {
	svc := &admin.Service{Store: dbs[0], Engine: &engine.Engine{Store: dbs[0]}}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	errs := make([]error, len(dbs))
	for i, db := range dbs[1:] {
		e := &engine.Engine{Store: db}
		wg.Go(func() {
			for {
				if _, err := e.RunDue(ctx); err != nil {
					errs[i+1] = err
					return
				}
				select {
				case <-stop:
					return
				case <-time.After(5 * time.Millisecond):
				}
			}
		})
	}
	_, errs[0] = svc.AdvanceClock(ctx, time.Duration(len(cadenceFollowUps)+1)*24*time.Hour)
	close(stop)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// loadCadence writes the bench cadence and enrols every contact in it (untimed), through SQL as
// the dataset's loader does, with each enrolment's first step as the engine schedules it.
func (r *sizeRun) loadCadence(ctx context.Context) (*cadenceBench, error) {
	cb := &cadenceBench{}
	org, admin := r.ds.org.ID, r.ds.admin.ID
	rows, err := r.db.SQL().QueryContext(ctx, r.db.Rebind(`SELECT id FROM records WHERE org_id = ? AND module = 'Contacts' ORDER BY id`), org)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		cb.contacts = append(cb.contacts, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	l := &loader{ctx: ctx, db: r.db, ds: r.ds, b: newBulk(ctx, r.db)}
	defer l.b.abort()
	n := len(cb.contacts)
	ids, err := l.newIDs(1 + 2*len(cadenceFollowUps) + n)
	if err != nil {
		return nil, err
	}
	cb.id = ids[0]
	var fus strings.Builder
	fus.WriteByte('[')
	for k, action := range cadenceFollowUps {
		id, actionID := ids[1+2*k], ids[2+2*k]
		cb.fus = append(cb.fus, strconv.FormatInt(id, 10))
		parent := ""
		if k > 0 {
			parent = fmt.Sprintf(`,"parent_follow_up":{"id":"%s"}`, cb.fus[k-1])
		}
		if k > 0 {
			fus.WriteByte(',')
		}
		fmt.Fprintf(&fus, `{"action":{"id":"%d","name":"Bench %s","type":"%s"},"execute_after":{"period":"days","unit":1},"id":"%d"%s}`,
			actionID, action, action, id, parent)
	}
	fus.WriteByte(']')
	const name = "Bench cadence run"
	start := cadenceStart.UnixMilli()
	t := l.b.table("cadences", cadenceCols...)
	if err := t.add(cb.id, org, name, strings.ToLower(name), "Contacts", "manual_enrollment", nil, "The cadence-run scenario's cadence",
		`{"execute_every":{"period":"days","unit":1}}`, fus.String(), 1, 1, nil, admin, admin, start, start); err != nil {
		return nil, err
	}
	if err := t.close(); err != nil {
		return nil, err
	}
	e := l.b.table("enrollments", enrollmentCols...)
	s := l.b.table("cadence_steps", "org_id", "enrollment_id", "follow_up_id", "cadence_id", "record_id", "state", "due_ms")
	for i, rec := range cb.contacts {
		at := cadenceEnrolled(i, n)
		if err := e.add(ids[1+2*len(cadenceFollowUps)+i], org, cb.id, name, "Contacts", rec, at, admin, nil, nil, nil); err != nil {
			return nil, err
		}
		if err := s.add(org, ids[1+2*len(cadenceFollowUps)+i], cb.fus[0], cb.id, rec, crm.StepPending, at+day); err != nil {
			return nil, err
		}
	}
	if err := e.close(); err != nil {
		return nil, err
	}
	if err := s.close(); err != nil {
		return nil, err
	}
	if err := l.b.commit(); err != nil {
		return nil, err
	}
	return cb, settle(ctx, r.db)
}

const day = int64(24 * time.Hour / time.Millisecond)

// cadenceEnrolled is the enrolment time of the i-th of n contacts: enrolled 100 at a time (as many
// as one enrol_in_cadences call takes, all at that call's time), the calls spread over an hour
// from cadenceStart, so that the steps fall due at many times.
func cadenceEnrolled(i, n int) int64 {
	calls := int64(n+99) / 100
	return cadenceStart.UnixMilli() + int64(i/100)*int64(time.Hour/time.Millisecond)/calls
}

// resetCadence returns the cadence runs' rows to their loaded state and the clock to cadenceStart,
// frozen (untimed).
func (r *sizeRun) resetCadence(ctx context.Context, cb *cadenceBench) error {
	id := strconv.FormatInt(cb.id, 10)
	for _, q := range []string{
		`DELETE FROM records WHERE module IN ('Tasks', 'Calls') AND id IN (SELECT result_id FROM cadence_steps WHERE cadence_id = ` + id + `)`,
		`DELETE FROM cadence_messages WHERE cadence_id = ` + id,
		`DELETE FROM cadence_steps WHERE cadence_id = ` + id + ` AND follow_up_id <> '` + cb.fus[0] + `'`,
		`UPDATE cadence_steps SET state = 'pending', result_id = NULL, executed_ms = NULL, error = NULL WHERE cadence_id = ` + id,
	} {
		if _, err := r.db.SQL().ExecContext(ctx, q); err != nil {
			return fmt.Errorf("cadence re-setup: %w", err)
		}
	}
	svc := &admin.Service{Store: r.db}
	start := cadenceStart
	if _, err := svc.SetClock(ctx, &start, true); err != nil {
		return err
	}
	return settle(ctx, r.db)
}

// checkCadence fails unless every step of the run is done and made one task, call or message.
func (r *sizeRun) checkCadence(ctx context.Context, cb *cadenceBench) error {
	id := strconv.FormatInt(cb.id, 10)
	var done, made int
	if err := r.db.SQL().QueryRowContext(ctx, `SELECT COUNT(*), COUNT(DISTINCT result_id) FROM cadence_steps
		WHERE state = 'done' AND cadence_id = `+id).Scan(&done, &made); err != nil {
		return err
	}
	if want := len(cadenceFollowUps) * len(cb.contacts); done != want || made != want {
		return fmt.Errorf("%d steps done, %d distinct results, want %d", done, made, want)
	}
	return nil
}

// batchCeiling is the engine's writes in plain SQL: transactions of engine.Batch due steps, each
// claiming them as the engine does, inserting their tasks, calls and messages in multi-row
// INSERTs, marking them done and inserting their children, until no step is due.
func (r *sizeRun) batchCeiling(ctx context.Context, cb *cadenceBench) error {
	now := cadenceStart.Add(time.Duration(len(cadenceFollowUps)+1) * 24 * time.Hour).UnixMilli()
	for {
		n := 0
		st := r.storeStep("", func(ctx context.Context, tx *sql.Tx) error {
			var err error
			n, err = r.ceilingBatch(ctx, tx, cb, now)
			return err
		})
		if err := st.do(ctx); err != nil {
			return err
		}
		if n == 0 {
			return nil
		}
	}
}

// dueStep is one claimed step of the ceiling.
type dueStep struct {
	enrolment, record, due int64
	fu                     string
}

func (r *sizeRun) ceilingBatch(ctx context.Context, tx *sql.Tx, cb *cadenceBench, now int64) (int, error) {
	q := `SELECT enrollment_id, follow_up_id, record_id, due_ms FROM cadence_steps
		WHERE state = 'pending' AND due_ms <= ? AND cadence_id = ? ORDER BY due_ms, enrollment_id, follow_up_id LIMIT ?`
	if r.db.Dialect() == store.Postgres {
		q += ` FOR UPDATE SKIP LOCKED`
	}
	rows, err := tx.QueryContext(ctx, r.db.Rebind(q), now, cb.id, engine.Batch)
	if err != nil {
		return 0, err
	}
	var steps []dueStep
	for rows.Next() {
		var s dueStep
		if err := rows.Scan(&s.enrolment, &s.fu, &s.record, &s.due); err != nil {
			rows.Close()
			return 0, err
		}
		steps = append(steps, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(steps) == 0 {
		return 0, err
	}
	ids, err := r.db.NewIDsIn(ctx, tx, len(steps))
	if err != nil {
		return 0, err
	}
	org, admin := r.ds.org.ID, r.ds.admin.ID
	var recArgs, msgArgs, childArgs []any
	var recN, msgN, childN int
	byFU := map[string][]any{}
	for i, s := range steps {
		k := 0
		for k < len(cb.fus) && cb.fus[k] != s.fu {
			k++
		}
		who := `"Who_Id":{"id":"` + strconv.FormatInt(s.record, 10) + `","module":"Contacts"}`
		switch cadenceFollowUps[k] {
		case "tasks":
			recArgs = append(recArgs, ids[i], org, "Tasks", admin, admin, admin, s.due, s.due,
				`{"Status":"Not Started","Subject":"Bench tasks",`+who+`}`)
			recN++
		case "schedule_call":
			recArgs = append(recArgs, ids[i], org, "Calls", admin, admin, admin, s.due, s.due,
				`{"Call_Start_Time":"`+crm.FormatTime(time.UnixMilli(s.due))+`","Call_Type":"Outbound","Subject":"Bench schedule_call",`+who+`}`)
			recN++
		default:
			msgArgs = append(msgArgs, ids[i], org, s.enrolment, cb.id, s.fu, "Contacts", s.record, "email",
				"contact@bench.zcrm.local", "Bench email_notifications", "", s.due, nil, crm.DeliveryOutbox)
			msgN++
		}
		byFU[s.fu] = append(byFU[s.fu], s.enrolment, ids[i])
		if k+1 < len(cb.fus) {
			childArgs = append(childArgs, org, s.enrolment, cb.fus[k+1], cb.id, s.record, crm.StepPending, s.due+day)
			childN++
		}
	}
	if recN > 0 {
		if err := r.exec(ctx, tx, int64(recN), `INSERT INTO records (id, org_id, module, owner_id, created_by, modified_by, created_time, modified_time, data) VALUES `+
			tuples(9, recN), recArgs...); err != nil {
			return 0, err
		}
	}
	if msgN > 0 {
		if err := r.exec(ctx, tx, int64(msgN), `INSERT INTO cadence_messages (id, org_id, enrollment_id, cadence_id, follow_up_id, module, record_id,
			channel, to_addr, subject, body, sent_ms, replied_ms, delivery) VALUES `+tuples(14, msgN), msgArgs...); err != nil {
			return 0, err
		}
	}
	for fu, pairs := range byFU {
		// result_id per enrolment: CASE enrollment_id WHEN ? THEN ? … END.
		var b strings.Builder
		b.WriteString(`UPDATE cadence_steps SET state = 'done', executed_ms = due_ms, result_id = CASE enrollment_id`)
		args := make([]any, 0, len(pairs)*3/2+1)
		var in []any
		for i := 0; i < len(pairs); i += 2 {
			b.WriteString(` WHEN ? THEN CAST(? AS BIGINT)`)
			args = append(args, pairs[i], pairs[i+1])
			in = append(in, pairs[i])
		}
		b.WriteString(` END WHERE follow_up_id = ? AND enrollment_id IN (` + marks(len(in)) + `)`)
		args = append(append(args, fu), in...)
		if err := r.exec(ctx, tx, int64(len(in)), b.String(), args...); err != nil {
			return 0, err
		}
	}
	if childN > 0 {
		if err := r.exec(ctx, tx, int64(childN), `INSERT INTO cadence_steps (org_id, enrollment_id, follow_up_id, cadence_id, record_id, state, due_ms)
			VALUES `+tuples(7, childN)+` ON CONFLICT DO NOTHING`, childArgs...); err != nil {
			return 0, err
		}
	}
	return len(steps), nil
}
