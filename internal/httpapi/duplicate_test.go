package httpapi

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/store/storetest"
)

// Insert and update check unique fields (Leads' Email here) case-insensitively against the other
// records: DUPLICATE_DATA with the record holding the value. Elements of one request are checked
// in order, so the second of two carrying one new value is the duplicate of the first's record.
func TestDuplicateOnInsertAndUpdate(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		tok := e.adminToken("ZohoCRM.modules.ALL")
		a := e.admin
		std := e.newUser(e.org.ID, "std@zcrm.local", crm.ProfileStandard)
		ada := e.newRecord(std, "Leads", map[string]any{"Last_Name": "Lovelace", "Email": "ada@zylker.com"})
		mod := e.moduleID("Leads")

		res := e.do("POST", "/crm/v8/Leads", tok, `{"data":[{"Last_Name":"Again","Email":"Ada@Zylker.com"}]}`)
		res.expect(t, 400, `{"data":[`+duplicateItem("Email", 0, "Leads", mod, ada, std, false)+`]}`)

		res = e.do("POST", "/crm/v8/Leads", tok, `{"data":[{"Last_Name":"New","Email":"new@zylker.com"},{"Last_Name":"Twin","Email":"NEW@zylker.com"},{"Last_Name":"None"}]}`)
		ids := okIDs(t, res)
		res.expect(t, 207, `{"data":[`+addedItem(ids[0], a)+`,`+duplicateItem("Email", 1, "Leads", mod, mustID(t, ids[0]), a, false)+`,`+addedItem(ids[2], a)+`]}`)

		// Update: taking another record's value is a duplicate; keeping one's own is not, nor is
		// taking a value an earlier element of the same request gave up.
		bulk := fmt.Sprintf(`{"data":[{"id":%q,"Email":"ada@ZYLKER.com"},{"id":"%d","Email":"ada@zylker.com","Company":"Kept"}]}`, ids[0], ada)
		e.do("PUT", "/crm/v8/Leads", tok, bulk).
			expect(t, 207, `{"data":[`+duplicateItem("Email", 0, "Leads", mod, ada, std, false)+`,`+updatedItem(fmt.Sprint(ada), std, a)+`]}`)
		e.do("PUT", "/crm/v8/Leads/"+ids[0], tok, `{"data":[{"Email":"ada@zylker.com"}]}`).
			expect(t, 400, `{"data":[`+duplicateItem("Email", 0, "Leads", mod, ada, std, false)+`]}`)
		swap := fmt.Sprintf(`{"data":[{"id":"%d","Email":"old-ada@zylker.com"},{"id":%q,"Email":"ada@zylker.com"}]}`, ada, ids[0])
		e.do("PUT", "/crm/v8/Leads", tok, swap).
			expect(t, 200, `{"data":[`+updatedItem(fmt.Sprint(ada), std, a)+`,`+updatedItem(ids[0], a, a)+`]}`)
		assertJSON(t, e.recordFields(tok, "Leads", ids[0], "Email"), fmt.Sprintf(`{"Email":"ada@zylker.com","id":%q}`, ids[0]))

		// Another org's records and fields that are not unique do not count.
		e.foreignRecord("Leads", map[string]any{"Last_Name": "Elsewhere", "Email": "shared@zylker.com"})
		got := e.insertIDs(tok, "/crm/v8/Leads", `{"data":[{"Last_Name":"Same","Email":"shared@zylker.com"},{"Last_Name":"Same"}]}`)
		if len(got) != 2 {
			t.Fatalf("ids = %v", got)
		}
	})
}

// The unique fields are marked in the fields metadata as Zoho marks them.
func TestUniqueFieldsMetadata(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		tok := e.adminToken("ZohoCRM.settings.ALL")
		for module, want := range map[string]string{"Leads": "Email", "Contacts": "Email", "Accounts": "Account_Name", "Vendors": "Vendor_Name",
			"Products": "Product_Name", "Price_Books": "Price_Book_Name", "Campaigns": "Campaign_Name", "Deals": ""} {
			res := e.do("GET", "/crm/v8/settings/fields?module="+module, tok, "")
			var out struct {
				Fields []struct {
					APIName string         `json:"api_name"`
					Unique  map[string]any `json:"unique"`
				} `json:"fields"`
			}
			res.decode(t, &out)
			var unique []string
			for _, f := range out.Fields {
				switch {
				case f.Unique == nil:
					t.Errorf("%s.%s: unique is %v, want an object", module, f.APIName, f.Unique)
				case len(f.Unique) > 0:
					if fmt.Sprint(f.Unique) != "map[casesensitive:false]" {
						t.Errorf("%s.%s: unique = %v", module, f.APIName, f.Unique)
					}
					unique = append(unique, f.APIName)
				}
			}
			if strings.Join(unique, ",") != want {
				t.Errorf("%s: unique fields %v, want %q", module, unique, want)
			}
		}
	})
}

// N concurrent inserts of one email: exactly one succeeds and every other answers DUPLICATE_DATA
// naming it (the check and the write share one transaction; on PostgreSQL the losers of the
// serialization race run again and see the winner).
func TestDuplicateConcurrentInserts(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		tok := e.adminToken("ZohoCRM.modules.ALL")
		const n = 8
		res := make([]response, n)
		var wg sync.WaitGroup
		for i := range res {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res[i] = e.do("POST", "/crm/v8/Leads", tok, fmt.Sprintf(`{"data":[{"Last_Name":"Racer %d","Email":"race@zylker.com"}]}`, i))
			}()
		}
		wg.Wait()
		var winner string
		for _, r := range res {
			if r.status == http.StatusCreated {
				if winner != "" {
					t.Fatalf("two inserts of one email succeeded: %s and %s", winner, r.body)
				}
				winner = okIDs(t, r)[0]
			}
		}
		if winner == "" {
			t.Fatal("no insert succeeded")
		}
		want := `{"data":[` + duplicateItem("Email", 0, "Leads", e.moduleID("Leads"), mustID(t, winner), e.admin, false) + `]}`
		for _, r := range res {
			if r.status != http.StatusCreated {
				r.expect(t, 400, want)
			}
		}
		e.do("GET", "/crm/v8/Leads/actions/count?email=race@zylker.com", tok, "").expect(t, 200, `{"count":1}`)
	})
}

func mustID(t *testing.T, s string) int64 {
	t.Helper()
	id, ok := crm.ParseID(s)
	if !ok {
		t.Fatalf("not an id: %q", s)
	}
	return id
}
