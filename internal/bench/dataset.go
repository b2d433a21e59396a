package bench

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/zcrm/zcrm/internal/catalog"
	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/oauth"
	"github.com/zcrm/zcrm/internal/store"
)

// The dataset's shape. Every worker owns a block of blockSize contacts: enrolled in the first
// cadencesPerCall manual cadences, linked to the campaign and holding a role on the worker's deal,
// so that its calls really change state without touching another worker's rows.
const (
	blockSize       = 100
	cadenceCount    = 50
	manualActive    = 10
	cadencesPerCall = 5
	dealsPerRecord  = 10 // one deal per this many contacts
)

// tokenScopes are the scopes of the benchmark's access token.
var tokenScopes = []string{"ZohoCRM.modules.ALL", "ZohoCRM.settings.ALL", "ZohoCRM.coql.READ"}

// dataset is what the scenarios need to know about the loaded data.
type dataset struct {
	records  int
	org      crm.Org
	admin    crm.User
	token    string
	blocks   [][]int64 // blocks[w]: the contacts worker w changes
	cadences []int64   // the manual, active cadences every block is enrolled in (cadencesPerCall of them)
	names    []string  // their names
	campaign int64     // linked to every contact
	deals    []int64   // deals[w]: worker w's deal, with a role for each contact of blocks[w]
	role     int64     // the role the blocks hold on their deals
}

// loadDataset fills an empty, migrated store with the default org and n contacts, deals (one per
// dealsPerRecord contacts), 50 cadences (10 manual and active), enrolments, one campaign linked to
// every contact and deal contact roles, all straight through SQL. workers is the number of blocks.
func loadDataset(ctx context.Context, db *store.DB, n, workers int, log io.Writer) (*dataset, error) {
	if n < workers*blockSize {
		return nil, fmt.Errorf("%d records are too few for %d workers: each needs its own %d", n, workers, blockSize)
	}
	ds := &dataset{records: n}
	var roles []crm.ContactRole
	var cvID int64
	if err := db.Write(ctx, func(tx crm.Tx) error {
		var err error
		if ds.org, err = crm.EnsureDefaultOrg(ctx, tx); err != nil {
			return err
		}
		if ds.admin, err = tx.FirstAdmin(ctx, ds.org.ID); err != nil {
			return err
		}
		if ds.token, err = oauth.MintAccessToken(ctx, tx, ds.org.ID, ds.admin.ID, 0, 0, tokenScopes); err != nil {
			return err
		}
		if roles, err = tx.ContactRoles(ctx, ds.org.ID); err != nil {
			return err
		}
		ids, err := tx.MetadataIDs(ctx, ds.org.ID)
		cvID = ids[catalog.KeyCustomView("Contacts", "All")]
		return err
	}); err != nil {
		return nil, fmt.Errorf("default org: %w", err)
	}
	if len(roles) == 0 {
		return nil, fmt.Errorf("the default org has no contact roles")
	}
	if cvID == 0 {
		return nil, fmt.Errorf("the default org has no id for the custom view %s", catalog.KeyCustomView("Contacts", "All"))
	}
	ds.role = roles[0].ID

	l := &loader{ctx: ctx, db: db, ds: ds, b: newBulk(ctx, db), now: time.Now().UnixMilli()}
	defer l.b.abort()
	l.b.progress = newProgress(log, loadRows(n, workers)) // a live counter on a terminal only
	defer l.b.progress.clear()
	steps := []struct {
		what string
		fn   func() error
	}{
		{"records", func() error { return l.records(n, workers) }},
		{"cadences and enrolments", func() error { return l.cadences(cvID, workers) }},
		{"campaign members", l.campaignMembers},
		{"deal contact roles", func() error { return l.dealRoles(roles, workers) }},
	}
	for _, s := range steps {
		start, rows := time.Now(), l.b.rows
		if err := s.fn(); err != nil {
			return nil, fmt.Errorf("load %s: %w", s.what, err)
		}
		if err := l.b.commit(); err != nil {
			return nil, fmt.Errorf("load %s: %w", s.what, err)
		}
		l.b.progress.clear()
		fmt.Fprintf(log, "  %-24s %9d rows  %6.2fs\n", s.what, l.b.rows-rows, time.Since(start).Seconds())
	}
	if err := settle(ctx, db); err != nil {
		return nil, err
	}
	return ds, nil
}

// loadRows is how many rows loadDataset writes for n records and workers blocks (what the loader's
// steps below write), the total its progress counter counts towards.
func loadRows(n, workers int) int {
	nDeals := max(n/dealsPerRecord, workers)
	blockEnd := workers * blockSize
	rest := n - blockEnd
	records := n + nDeals + 1                                               // contacts, deals, the campaign
	cadences := cadenceCount + blockEnd*cadencesPerCall + rest + (rest+3)/4 // and enrolments
	members := n                                                            // campaign members
	roles := workers*blockSize + (nDeals-workers)*2                         // deal contact roles
	return records + cadences + members + roles
}

// settle brings the freshly loaded database to the state a running one would be in: PostgreSQL's
// tables vacuumed and analysed (autovacuum does both within a minute of a bulk load: without the
// visibility map an index lookup visits the heap too) and the load written out, SQLite's WAL
// checkpointed. The PostgreSQL checkpoint needs a superuser (or pg_checkpoint): without one the
// measurement starts while the server may still be writing the load out.
func settle(ctx context.Context, db *store.DB) error {
	qs := []string{`PRAGMA wal_checkpoint(TRUNCATE)`}
	if db.Dialect() == store.Postgres {
		qs = []string{`VACUUM records, relations, enrollments, deal_contact_roles, cadences`, `ANALYZE`, `CHECKPOINT`}
	}
	for _, q := range qs {
		if _, err := db.SQL().ExecContext(ctx, q); err != nil && q != `CHECKPOINT` {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	return nil
}

// loader writes the dataset's rows.
type loader struct {
	ctx      context.Context
	db       *store.DB
	ds       *dataset
	b        *bulk
	now      int64 // unix ms
	contacts []int64
	deals    []int64
}

// newIDs allocates n ids through the store's allocator, in its own transaction (never while the
// bulk transaction is open: on SQLite both need the one writer connection).
func (l *loader) newIDs(n int) ([]int64, error) {
	if err := l.b.commit(); err != nil {
		return nil, err
	}
	var ids []int64
	err := l.db.Write(l.ctx, func(tx crm.Tx) error {
		var err error
		ids, err = tx.NewIDs(l.ctx, n)
		return err
	})
	return ids, err
}

var recordCols = []string{"id", "org_id", "module", "owner_id", "created_by", "modified_by", "created_time", "modified_time", "data"}

// records writes n contacts, the deals and the campaign.
func (l *loader) records(n, workers int) error {
	nDeals := max(n/dealsPerRecord, workers)
	ids, err := l.newIDs(n + nDeals + 1)
	if err != nil {
		return err
	}
	l.contacts, l.deals, l.ds.campaign = ids[:n], ids[n:n+nDeals], ids[n+nDeals]
	// Copies, so the dataset does not keep the loader's big id arrays alive.
	for w := range workers {
		l.ds.blocks = append(l.ds.blocks, slices.Clone(l.contacts[w*blockSize:(w+1)*blockSize]))
	}
	l.ds.deals = slices.Clone(l.deals[:workers])
	org, admin := l.ds.org.ID, l.ds.admin.ID
	t := l.b.table("records", recordCols...)
	for i, id := range l.contacts {
		at := l.now - int64(n-i)*1000
		s := strconv.Itoa(i)
		data := `{"Email":"contact` + s + `@bench.zcrm.local","First_Name":"Bench","Last_Name":"Contact ` + s + `"}`
		if err := t.add(id, org, "Contacts", admin, admin, admin, at, at, data); err != nil {
			return err
		}
	}
	for i, id := range l.deals {
		s := strconv.Itoa(i)
		data := `{"Amount":` + strconv.Itoa(1000+i%9000) + `,"Deal_Name":"Deal ` + s + `","Stage":"Qualification"}`
		if err := t.add(id, org, "Deals", admin, admin, admin, l.now, l.now, data); err != nil {
			return err
		}
	}
	if err := t.add(l.ds.campaign, org, "Campaigns", admin, admin, admin, l.now, l.now, `{"Campaign_Name":"Bench campaign","Status":"Active"}`); err != nil {
		return err
	}
	return t.close()
}

var cadenceCols = []string{"id", "org_id", "name", "name_key", "module", "type", "custom_view_id", "description", "execution_details",
	"follow_ups", "active", "published", "draft_of", "created_by", "modified_by", "created_time", "modified_time"}

var enrollmentCols = []string{"id", "org_id", "cadence_id", "cadence_name", "module", "record_id", "enrolled_time", "enrolled_by",
	"ended_time", "ended_by", "end_reason"}

// cadences writes 50 Contacts cadences, each with three follow-ups — 10 manual and active, 20
// custom-view and active, 10 manual published but inactive, 10 manual drafts — and enrolments: every block contact live in the first
// cadencesPerCall manual cadences, every other contact live in one of the other five, and every
// fourth one with an ended enrolment too.
func (l *loader) cadences(cvID int64, workers int) error {
	org, admin := l.ds.org.ID, l.ds.admin.ID
	blockEnd := workers * blockSize
	bg := len(l.contacts) - blockEnd
	ids, err := l.newIDs(cadenceCount*(1+2*len(followUpActions)) + blockEnd*cadencesPerCall + bg + (bg+3)/4)
	if err != nil {
		return err
	}
	cadIDs, ids := ids[:cadenceCount], ids[cadenceCount:]
	fuIDs, enrolIDs := ids[:cadenceCount*2*len(followUpActions)], ids[cadenceCount*2*len(followUpActions):]
	names := make([]string, cadenceCount)
	t := l.b.table("cadences", cadenceCols...)
	for i, id := range cadIDs {
		kind, cv, active, published := "manual_enrollment", any(nil), 1, 1
		switch {
		case i < manualActive:
			names[i] = "Bench manual " + strconv.Itoa(i)
		case i < 30:
			names[i], kind, cv = "Bench custom view "+strconv.Itoa(i), "custom_view", cvID
		case i < 40:
			names[i], active = "Bench inactive "+strconv.Itoa(i), 0
		default:
			names[i], active, published = "Bench draft "+strconv.Itoa(i), 0, 0
		}
		fus := followUps(fuIDs[i*2*len(followUpActions) : (i+1)*2*len(followUpActions)])
		if err := t.add(id, org, names[i], strings.ToLower(names[i]), "Contacts", kind, cv, "Benchmark cadence", executionDetails, fus,
			active, published, nil, admin, admin, l.now, l.now); err != nil {
			return err
		}
	}
	if err := t.close(); err != nil {
		return err
	}
	l.ds.cadences, l.ds.names = slices.Clone(cadIDs[:cadencesPerCall]), slices.Clone(names[:cadencesPerCall])

	e := l.b.table("enrollments", enrollmentCols...)
	next := 0
	enrol := func(cad int, rec int64, ended bool) error {
		id := enrolIDs[next]
		next++
		if ended {
			return e.add(id, org, cadIDs[cad], names[cad], "Contacts", rec, l.now-86_400_000, admin, l.now-3_600_000, admin, crm.EndManual)
		}
		return e.add(id, org, cadIDs[cad], names[cad], "Contacts", rec, l.now, admin, nil, nil, nil)
	}
	for i, rec := range l.contacts {
		if i < blockEnd {
			for c := range cadencesPerCall {
				if err := enrol(c, rec, false); err != nil {
					return err
				}
			}
			continue
		}
		if err := enrol(cadencesPerCall+i%(manualActive-cadencesPerCall), rec, false); err != nil {
			return err
		}
		if (i-blockEnd)%4 == 0 {
			if err := enrol(i%cadencesPerCall, rec, true); err != nil {
				return err
			}
		}
	}
	return e.close()
}

// followUpActions are the actions of every cadence's follow-ups, one follow-up each, a day apart.
var followUpActions = []string{"email_notifications", "tasks", "schedule_call"}

// executionDetails is every cadence's stored execution_details: run daily, leave on a reply.
const executionDetails = `{"execute_every":{"period":"days","unit":1},"unenroll_properties":[{"details":{},"type":"automatic_unenroll"}]}`

// followUps returns a cadence's stored follow_ups JSON, ids[2k] and ids[2k+1] being follow-up k's
// id and its action's id.
func followUps(ids []int64) string {
	var b strings.Builder
	b.WriteByte('[')
	for k, action := range followUpActions {
		if k > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"action":{"id":"%d","type":"%s"},"execute_after":{"period":"days","unit":%d},"id":"%d"}`, ids[2*k+1], action, k+1, ids[2*k])
	}
	b.WriteByte(']')
	return b.String()
}

// campaignMembers links the campaign to every contact.
func (l *loader) campaignMembers() error {
	org := l.ds.org.ID
	t := l.b.table("relations", "org_id", "kind", "a_id", "b_id", "data", "created_time")
	for _, c := range l.contacts {
		if err := t.add(org, "Campaigns:Contacts", l.ds.campaign, c, `{}`, l.now); err != nil {
			return err
		}
	}
	return t.close()
}

// dealRoles gives each worker's deal a role for every contact of the worker's block, and every other
// deal two contacts with roles.
func (l *loader) dealRoles(roles []crm.ContactRole, workers int) error {
	org := l.ds.org.ID
	t := l.b.table("deal_contact_roles", "org_id", "deal_id", "contact_id", "role_id", "created_time")
	for w, deal := range l.ds.deals {
		for _, c := range l.ds.blocks[w] {
			if err := t.add(org, deal, c, l.ds.role, l.now); err != nil {
				return err
			}
		}
	}
	n := len(l.contacts)
	for d := workers; d < len(l.deals); d++ {
		for k := range 2 {
			c := l.contacts[(2*d+k)%n]
			if err := t.add(org, l.deals[d], c, roles[(d+k)%len(roles)].ID, l.now); err != nil {
				return err
			}
		}
	}
	return t.close()
}
