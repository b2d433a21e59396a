package bench

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/zcrm/zcrm/internal/crm"
)

// Scenario names, in the order they run.
const (
	ListCadences    = "list-cadences"
	Unenrol100x5    = "unenrol-100x5"
	Enrol100x5      = "enrol-100x5"
	Delink100       = "delink-100"
	ContactRoles100 = "contact-roles-100"
	Unenrol1        = "unenrol-1"
)

// Scenarios lists every scenario name a report can hold, in run order. enrol-100x5 is measured by
// the unenrol-100x5 loop (it is that loop's re-setup) and cannot be selected on its own.
var Scenarios = []string{ListCadences, TokenPage, SearchEmail, COQLEmail, CountCriteria, Unenrol100x5, Enrol100x5, Delink100, ContactRoles100, Unenrol1, CadenceRun, CadenceRun2P}

// Ceiling kinds.
const (
	ceilingHTTP  = "http"
	ceilingStore = "store"
)

// scenario is one HTTP loop and the ceiling loop it is compared with.
type scenario struct {
	name    string
	single  bool   // one worker: a latency probe, not a throughput run
	ceiling string // ceilingHTTP or ceilingStore
	api     func(w int) []step
	ceil    func(w int) []step
	// run, when set, measures the scenario itself instead of the api and ceil loops.
	run func(ctx context.Context) ([]Scenario, error)
}

// scenarios returns the run's scenarios in order.
func (r *sizeRun) scenarios() []scenario {
	return []scenario{
		{name: ListCadences, ceiling: ceilingHTTP, api: r.apiList, ceil: r.bareList},
		{name: TokenPage, ceiling: ceilingPage1, api: r.apiTokenPage, ceil: r.apiPage1},
		{name: SearchEmail, ceiling: ceilingQuery, api: r.apiSearchEmail, ceil: r.querySearchEmail},
		{name: COQLEmail, ceiling: ceilingQuery, api: r.apiCOQLEmail, ceil: r.queryCOQLEmail},
		{name: CountCriteria, ceiling: ceilingQuery, api: r.apiCountCriteria, ceil: r.queryCountCriteria},
		{name: Unenrol100x5, ceiling: ceilingStore, api: r.apiEnrolment(blockSize, cadencesPerCall), ceil: r.storeEnrolment(blockSize, cadencesPerCall)},
		{name: Delink100, ceiling: ceilingStore, api: r.apiDelink, ceil: r.storeDelink},
		{name: ContactRoles100, ceiling: ceilingStore, api: r.apiContactRoles, ceil: r.storeContactRoles},
		{name: Unenrol1, single: true, ceiling: ceilingStore, api: r.apiEnrolment(1, 1), ceil: r.storeEnrolment(1, 1)},
		{name: CadenceRun, ceiling: ceilingBatch, run: r.cadenceRun},
	}
}

const cadencesPath = "/crm/v8/settings/automation/cadences"

func (r *sizeRun) apiList(w int) []step {
	return []step{{ListCadences, func(ctx context.Context) error {
		return r.api.call(ctx, http.MethodGet, cadencesPath, nil, http.StatusOK)
	}}}
}

func (r *sizeRun) bareList(w int) []step {
	return []step{{ListCadences, func(ctx context.Context) error {
		return r.bare.call(ctx, http.MethodGet, cadencesPath, nil, http.StatusOK)
	}}}
}

// enrolmentNames returns the step names of an enrolment loop over records×cadences.
func enrolmentNames(records, cadences int) (unenrol, enrol string) {
	if records == 1 && cadences == 1 {
		return Unenrol1, ""
	}
	return Unenrol100x5, Enrol100x5
}

// enrolmentRecords returns the records worker w un-enrols: its block, or for a single-record
// probe the block's first record.
func (r *sizeRun) enrolmentRecords(w, records int) []int64 { return r.ds.blocks[w][:records] }

// apiEnrolment un-enrols the worker's records from the cadences per call and enrols them again.
func (r *sizeRun) apiEnrolment(records, cadences int) func(w int) []step {
	unenrol, enrol := enrolmentNames(records, cadences)
	return func(w int) []step {
		body, _ := json.Marshal(map[string][]string{
			"cadences_ids": idStrings(r.ds.cadences[:cadences]),
			"ids":          idStrings(r.enrolmentRecords(w, records)),
		})
		return []step{
			{unenrol, func(ctx context.Context) error {
				return r.api.call(ctx, http.MethodPost, "/crm/v8/Contacts/actions/unenrol_from_cadences", body, http.StatusOK)
			}},
			{enrol, func(ctx context.Context) error {
				return r.api.call(ctx, http.MethodPost, "/crm/v8/Contacts/actions/enrol_in_cadences", body, http.StatusOK)
			}},
		}
	}
}

// apiDelink removes the campaign's links to the worker's block and links them again (untimed).
func (r *sizeRun) apiDelink(w int) []step {
	ids := idStrings(r.ds.blocks[w])
	path := "/crm/v8/Campaigns/" + crm.FormatID(r.ds.campaign) + "/Contacts"
	rows := make([]map[string]any, len(ids))
	for i, id := range ids {
		rows[i] = map[string]any{"id": id}
	}
	body, _ := json.Marshal(map[string]any{"data": rows})
	return []step{
		{Delink100, func(ctx context.Context) error {
			return r.api.call(ctx, http.MethodDelete, path+"?ids="+strings.Join(ids, ","), nil, http.StatusOK)
		}},
		{"", func(ctx context.Context) error {
			return r.api.call(ctx, http.MethodPut, path, body, http.StatusOK)
		}},
	}
}

// apiContactRoles removes the roles of the worker's block on its deal and assigns them again (untimed).
func (r *sizeRun) apiContactRoles(w int) []step {
	ids := idStrings(r.ds.blocks[w])
	path := "/crm/v8/Deals/" + crm.FormatID(r.ds.deals[w]) + "/Contact_Roles"
	role := map[string]string{"id": crm.FormatID(r.ds.role)}
	rows := make([]map[string]any, len(ids))
	for i, id := range ids {
		rows[i] = map[string]any{"id": id, "Contact_Role": role}
	}
	body, _ := json.Marshal(map[string]any{"data": rows})
	return []step{
		{ContactRoles100, func(ctx context.Context) error {
			return r.api.call(ctx, http.MethodDelete, path+"?ids="+strings.Join(ids, ","), nil, http.StatusOK)
		}},
		{"", func(ctx context.Context) error {
			return r.api.call(ctx, http.MethodPut, path, body, http.StatusOK)
		}},
	}
}

func idStrings(ids []int64) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = crm.FormatID(id)
	}
	return out
}
