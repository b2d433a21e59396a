package httpapi

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/store/storetest"
)

// recycled is one Get Deleted Records entry in the recycle bin.
func recycled(id, name string, u crm.User, at time.Time) string {
	return fmt.Sprintf(`{"deleted_by":%s,"id":%q,"display_name":%q,"type":"recycle","created_by":%s,"deleted_time":%q}`,
		by(u), id, name, by(u), crm.FormatTime(at))
}

// purged is one Get Deleted Records entry deleted for good (Zoho's "permanent" entries: nulls).
func purged(id string, at time.Time) string {
	return fmt.Sprintf(`{"deleted_by":null,"id":%q,"display_name":null,"type":"permanent","created_by":null,"deleted_time":%q}`,
		id, crm.FormatTime(at))
}

func deletedInfo(perPage, count, page int, more bool) string {
	return fmt.Sprintf(`"info":{"per_page":%d,"count":%d,"page":%d,"more_records":%t}`, perPage, count, page, more)
}

// A deleted record goes to the recycle bin with its notes and activities: it leaves every read of
// live records, Get Deleted Records lists it with Zoho's keys, and 60 days later it is listed as
// permanent with its values dropped.
func TestDeletedRecords(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		tok := e.adminToken("ZohoCRM.modules.ALL", "ZohoCRM.coql.READ")
		ids := e.insertIDs(tok, "/crm/v8/Leads", `{"data":[{"First_Name":"Ann","Last_Name":"Gone"},{"Last_Name":"Later"},{"Last_Name":"Stays"}]}`)
		gone, later, stays := ids[0], ids[1], ids[2]
		note := e.insertIDs(tok, "/crm/v8/Notes", fmt.Sprintf(`{"data":[{"Note_Title":"n","Note_Content":"c","Parent_Id":{"module":{"api_name":"Leads"},"id":%q}}]}`, gone))[0]
		task := e.insertIDs(tok, "/crm/v8/Tasks", fmt.Sprintf(`{"data":[{"Subject":"Call","What_Id":{"id":%q},"$se_module":"Leads"}]}`, gone))[0]

		// Nothing deleted yet: 204.
		e.do("GET", "/crm/v8/Leads/deleted", tok, "").expect(t, 204, "")

		t0 := e.clock.now
		e.do("DELETE", "/crm/v8/Leads/"+gone, tok, "").expect(t, 200, `{"data":[`+deletedItem(gone)+`]}`)
		t1 := t0.Add(time.Hour)
		e.clock.now = t1
		tok = e.adminToken("ZohoCRM.modules.ALL", "ZohoCRM.coql.READ") // an hour on: a fresh token
		e.do("DELETE", "/crm/v8/Leads?ids="+later, tok, "").expect(t, 200, `{"data":[`+deletedItem(later)+`]}`)

		// Invisible to every read of live records.
		e.do("GET", "/crm/v8/Leads/"+gone, tok, "").expect(t, 204, "")
		e.do("GET", "/crm/v8/Notes/"+note, tok, "").expect(t, 204, "")
		e.do("GET", "/crm/v8/Tasks/"+task, tok, "").expect(t, 204, "")
		e.do("GET", "/crm/v8/Leads?fields=Last_Name", tok, "").expect(t, 200,
			`{"data":[{"Last_Name":"Stays","id":"`+stays+`"}],"info":{"per_page":200,"count":1,"page":1,"sort_by":"id","sort_order":"desc","more_records":false,`+pageTokens(t1, 1, false)+`,"call":false,"email":false}}`)
		e.do("GET", "/crm/v8/Leads/search?word=Gone", tok, "").expect(t, 204, "")
		e.do("GET", "/crm/v8/Leads/actions/count", tok, "").expect(t, 200, `{"count":1}`)
		e.do("POST", "/crm/v8/coql", tok, `{"select_query":"select Last_Name from Leads where Last_Name = 'Gone'"}`).expect(t, 204, "")
		e.do("GET", "/crm/v8/Tasks?fields=Subject", tok, "").expect(t, 204, "")

		// Listed with Zoho's keys, newest deletion first; notes and activities in their modules' bins.
		all := `{"data":[` + recycled(later, "Later", e.admin, t1) + `,` + recycled(gone, "Ann Gone", e.admin, t0) + `],` + deletedInfo(200, 2, 1, false) + `}`
		e.do("GET", "/crm/v8/Leads/deleted", tok, "").expect(t, 200, all)
		e.do("GET", "/crm/v8/Leads/deleted?type=all", tok, "").expect(t, 200, all)
		e.do("GET", "/crm/v8/Leads/deleted?type=recycle", tok, "").expect(t, 200, all)
		e.do("GET", "/crm/v8/Leads/deleted?type=permanent", tok, "").expect(t, 204, "")
		e.do("GET", "/crm/v8/Notes/deleted", tok, "").expect(t, 200, `{"data":[`+recycled(note, "n", e.admin, t0)+`],`+deletedInfo(200, 1, 1, false)+`}`)
		e.do("GET", "/crm/v8/Tasks/deleted", tok, "").expect(t, 200, `{"data":[`+recycled(task, "Call", e.admin, t0)+`],`+deletedInfo(200, 1, 1, false)+`}`)

		// Paged as Zoho pages: page and per_page, more_records.
		e.do("GET", "/crm/v8/Leads/deleted?per_page=1", tok, "").expect(t, 200, `{"data":[`+recycled(later, "Later", e.admin, t1)+`],`+deletedInfo(1, 1, 1, true)+`}`)
		e.do("GET", "/crm/v8/Leads/deleted?per_page=1&page=2", tok, "").expect(t, 200, `{"data":[`+recycled(gone, "Ann Gone", e.admin, t0)+`],`+deletedInfo(1, 1, 2, false)+`}`)
		e.do("GET", "/crm/v8/Leads/deleted?per_page=1&page=3", tok, "").expect(t, 204, "")
		// If-Modified-Since keeps the entries deleted after it.
		e.doWith("GET", "/crm/v8/Leads/deleted", tok, "", "If-Modified-Since", crm.FormatTime(t0.Add(time.Minute))).
			expect(t, 200, `{"data":[`+recycled(later, "Later", e.admin, t1)+`],`+deletedInfo(200, 1, 1, false)+`}`)

		// 60 days on, by the clock: the first deletion is permanent, the second still in the bin.
		e.clock.now = t0.Add(60*24*time.Hour + time.Minute)
		tok = e.adminToken("ZohoCRM.modules.ALL")
		e.do("GET", "/crm/v8/Leads/deleted", tok, "").expect(t, 200,
			`{"data":[`+recycled(later, "Later", e.admin, t1)+`,`+purged(gone, t0)+`],`+deletedInfo(200, 2, 1, false)+`}`)
		e.do("GET", "/crm/v8/Leads/deleted?type=recycle", tok, "").expect(t, 200,
			`{"data":[`+recycled(later, "Later", e.admin, t1)+`],`+deletedInfo(200, 1, 1, false)+`}`)
		e.do("GET", "/crm/v8/Leads/deleted?type=permanent", tok, "").expect(t, 200,
			`{"data":[`+purged(gone, t0)+`],`+deletedInfo(200, 1, 1, false)+`}`)

		// The next delete in the module purges the expired entry's values; its tombstone stays.
		dataOf := func(id string) (valid bool) {
			t.Helper()
			var data *string
			if err := e.db.SQL().QueryRow(e.db.Rebind(`SELECT data FROM deleted_records WHERE id = ?`), mustID(t, id)).Scan(&data); err != nil {
				t.Fatal(err)
			}
			return data != nil
		}
		if !dataOf(gone) {
			t.Fatal("values purged before a delete ran")
		}
		e.do("DELETE", "/crm/v8/Leads/"+stays, tok, "").expect(t, 200, `{"data":[`+deletedItem(stays)+`]}`)
		if dataOf(gone) || !dataOf(later) || !dataOf(stays) {
			t.Fatal("purge: want only the expired entry's values dropped")
		}
		t2 := e.clock.now
		e.clock.now = t1.Add(61 * 24 * time.Hour)
		tok = e.adminToken("ZohoCRM.modules.ALL")
		e.do("GET", "/crm/v8/Leads/deleted", tok, "").expect(t, 200,
			`{"data":[`+recycled(stays, "Stays", e.admin, t2)+`,`+purged(later, t1)+`,`+purged(gone, t0)+`],`+deletedInfo(200, 3, 1, false)+`}`)
	})
}

// Get Deleted Records' errors, each as Zoho's examples show it.
func TestDeletedRecordsErrors(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		tok := e.adminToken("ZohoCRM.modules.ALL")
		e.do("GET", "/crm/v8/Leads/deleted?type=bin", tok, "").expect(t, 400,
			`{"data":[{"code":"PATTERN_NOT_MATCHED","details":{"param_name":"type"},"message":"Please check whether the input values are correct","status":"error"}]}`)
		e.do("GET", "/crm/v8/Leads/deleted?page=0", tok, "").expect(t, 400,
			`{"code":"INVALID_DATA","details":{"param_name":"page","expected_data_type":"integer"},"message":"invalid data","status":"error"}`)
		e.do("GET", "/crm/v8/Nope/deleted", tok, "").expect(t, 400,
			`{"code":"INVALID_MODULE","details":{"resource_path_index":0},"message":"the module name given seems to be invalid","status":"error"}`)
		e.do("GET", "/crm/v8/Leads/deleted", e.adminToken("ZohoCRM.modules.contacts.READ"), "").expect(t, 401, errScope)
		denied := e.userToken("noview@zcrm.test", e.newProfile("No lead views", "Crm_Implied_View_Leads"))
		e.do("GET", "/crm/v8/Leads/deleted", denied, "").expect(t, 403,
			`{"code":"NO_PERMISSION","details":{"permissions":["Crm_Implied_View_Leads"]},"message":"permission denied","status":"error"}`)
	})
}

// Data sharing: on a private module a user sees the deleted records they owned, as with live ones.
func TestDeletedRecordsSharing(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		tok := e.adminToken("ZohoCRM.modules.ALL")
		u := e.newUser(e.org.ID, "std@zcrm.test", "Standard")
		utok := e.token(u, "ZohoCRM.modules.ALL")
		mine := crm.FormatID(e.newRecord(u, "Leads", map[string]any{"Last_Name": "Mine"}))
		theirs := crm.FormatID(e.newRecord(e.admin, "Leads", map[string]any{"Last_Name": "Theirs"}))
		e.do("DELETE", "/crm/v8/Leads?ids="+mine+","+theirs, tok, "").expect(t, 200, `{"data":[`+deletedItem(mine)+`,`+deletedItem(theirs)+`]}`)
		e.setSharing("Leads", "private")
		e.do("GET", "/crm/v8/Leads/deleted", utok, "").expect(t, 200,
			fmt.Sprintf(`{"data":[{"deleted_by":%s,"id":%q,"display_name":"Mine","type":"recycle","created_by":%s,"deleted_time":%q}],%s}`,
				by(e.admin), mine, by(u), now, deletedInfo(200, 1, 1, false)))
	})
}

// Deleting the same record from several requests at once: exactly one deletes it, the others
// answer "record not deleted" (never a 500 from two copies into the bin), and the bin holds it once.
func TestDeletedRecordsConcurrentDeletes(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		tok := e.adminToken("ZohoCRM.modules.ALL")
		for round := 0; round < 5; round++ {
			id := e.insertIDs(tok, "/crm/v8/Leads", `{"data":[{"Last_Name":"Twice"}]}`)[0]
			const n = 6
			statuses := make(chan int, n)
			var wg sync.WaitGroup
			for i := 0; i < n; i++ {
				wg.Go(func() {
					res := e.do("DELETE", "/crm/v8/Leads?ids="+id, tok, "")
					if res.status == 400 {
						res.expect(t, 400, `{"data":[{"code":"INVALID_DATA","details":{"id":"`+id+`"},"message":"record not deleted","status":"error"}]}`)
					}
					statuses <- res.status
				})
			}
			wg.Wait()
			close(statuses)
			ok := 0
			for s := range statuses {
				switch s {
				case 200:
					ok++
				case 400:
				default:
					t.Fatalf("status %d", s)
				}
			}
			if ok != 1 {
				t.Fatalf("round %d: %d deletes succeeded, want 1", round, ok)
			}
		}
		var p struct {
			Info struct {
				Count int `json:"count"`
			} `json:"info"`
		}
		e.do("GET", "/crm/v8/Leads/deleted", tok, "").decode(t, &p)
		if p.Info.Count != 5 {
			t.Fatalf("bin holds %d entries, want 5", p.Info.Count)
		}
	})
}
