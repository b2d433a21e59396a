package admin_test

import (
	"fmt"
	"testing"

	"github.com/zcrm/zcrm/internal/store/storetest"
)

// A notes entry makes a note of its parent record (a ref, or an id with its module), as POST
// /{module}/{id}/Notes does; the note's ref names it.
func TestSeedNotes(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b, "")
		refs := e.seed(`{
			"records": {"Leads": [{"ref": "l", "Last_Name": "Dogwood"}], "Deals": [{"ref": "d", "Deal_Name": "Big", "Stage": "Qualification"}]},
			"notes": [{"ref": "n1", "parent": "l", "Note_Title": "Met", "Note_Content": "At the fair"}, {"ref": "n2", "parent": "d", "Note_Content": "Terms sent"}]
		}`, "l", "d", "n1", "n2")
		more := e.seed(fmt.Sprintf(`{"notes": [{"ref": "n3", "parent": %q, "module": "Leads", "Note_Title": "By id"}]}`, refs["l"]), "n3")
		tok := e.token(e.admin)
		info := `"info":{"per_page":200,"next_page_token":null,"count":%d,"page":1,"previous_page_token":null,"page_token_expiry":null,"more_records":false}`
		e.crm("GET", "/crm/v8/Leads/"+refs["l"]+"/Notes?fields=Note_Title,Note_Content", tok, "").expect(t, 200, fmt.Sprintf(
			`{"data":[{"Note_Title":"By id","Note_Content":null,"id":%q},{"Note_Title":"Met","Note_Content":"At the fair","id":%q}],`+info+`}`, more["n3"], refs["n1"], 2))
		e.crm("GET", "/crm/v8/Deals/"+refs["d"]+"/Notes?fields=Note_Content", tok, "").expect(t, 200, fmt.Sprintf(
			`{"data":[{"Note_Content":"Terms sent","id":%q}],`+info+`}`, refs["n2"], 1))
	})
}
