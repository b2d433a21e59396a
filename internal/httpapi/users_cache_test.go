package httpapi

import (
	"fmt"
	"testing"

	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/store/storetest"
)

// Reads render every record's owner, creator and modifier from the users this process read at the
// org's version (store/users.go). A user added since — by this process or by another sharing the
// database — is rendered by the next read: one record, a listing and a search.
func TestReadsRenderUsersAddedSince(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newSharingEnv(t, b)
		get := func(id int64) string { return fmt.Sprintf("/crm/v8/Properties/%d", id) }
		first := e.newRecord(e.admin, "Properties", map[string]any{"Name": "Villa"})
		e.do("GET", get(first), e.admTok, "").expect(t, 200, property(first, "Villa", e.admin, now))
		for i, by := range []*testEnv{e.testEnv, e.twin()} {
			u := by.newUser(e.org.ID, fmt.Sprintf("late%d@zcrm.local", i), crm.ProfileStandard)
			name := fmt.Sprintf("Flat%d", i)
			id := by.newRecord(u, "Properties", map[string]any{"Name": name})
			e.do("GET", get(id), e.admTok, "").expect(t, 200, property(id, name, u, now))
			row := fmt.Sprintf(`{"data":[{"Name":%q,"Owner":%s,"id":"%d"}],"info":%s}`, name, ref(u), id, listInfo(1, 1, 1, true))
			e.do("GET", "/crm/v8/Properties?fields=Name,Owner&per_page=1", e.admTok, "").expect(t, 200, row)
			e.do("GET", fmt.Sprintf("/crm/v8/Properties/search?criteria=(Name:equals:%s)&fields=Name,Owner", name), e.admTok, "").
				expect(t, 200, fmt.Sprintf(`{"data":[{"Name":%q,"Owner":%s,"id":"%d"}],"info":%s}`, name, ref(u), id, recordsInfo(testStart, 200, 1, 1, "id", true, false)))
		}
	})
}
