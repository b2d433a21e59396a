package httpapi

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/zcrm/zcrm/internal/store/storetest"
)

// Field values read through a related list or a deal's contact roles come back exactly as stored,
// big integers included (2^53+1 does not survive a float64).
func TestRelatedRowsKeepBigIntegers(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		f := newDealFixture(t, b)
		e, tok, contact, deal := f.e, f.tok, f.c1, f.deal
		const big = "9007199254740993"
		campaign := e.newRecord(e.admin, "Campaigns", map[string]any{"Campaign_Name": "Big", "Num_sent": json.Number(big)})
		e.do("PUT", fmt.Sprintf("/crm/v8/Contacts/%d/Campaigns/%d", contact, campaign), tok, `{"data":[{}]}`).
			expect(t, 200, fmt.Sprintf(`{"data":[{"code":"SUCCESS","details":{"id":"%d"},"message":"relation added","status":"success"}]}`, campaign))
		if r := e.do("GET", fmt.Sprintf("/crm/v8/Contacts/%d/Campaigns?fields=Num_sent", contact), tok, ""); !strings.Contains(r.body, `"Num_sent":`+big) {
			t.Fatalf("related row lost precision: %d %s", r.status, r.body)
		}
		e.do("PUT", fmt.Sprintf("/crm/v8/Deals/%d/Contact_Roles/%d", deal, contact), tok, `{"data":[{"Contact_Role":{"name":"Purchasing"}}]}`).
			expect(t, 200, fmt.Sprintf(`{"data":[{"code":"SUCCESS","details":{"id":"%d"},"message":"relation updated","status":"success"}]}`, contact))
		if r := e.do("GET", fmt.Sprintf("/crm/v8/Deals/%d/Contact_Roles?fields=Last_Name", deal), tok, ""); r.status != 200 || !strings.Contains(r.body, `"Last_Name":"Ash"`) {
			t.Fatalf("deal contact roles: %d %s", r.status, r.body)
		}
	})
}
