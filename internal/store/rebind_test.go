package store

import (
	"strconv"
	"testing"
)

// The PostgreSQL placeholder rewrite keeps at most maxRebinds texts, however many distinct ones a
// client makes (page bounds, IN-list lengths, COQL shapes), and rewrites the rest on every call.
func TestRebindCacheIsBounded(t *testing.T) {
	db := &DB{dialect: Postgres}
	var last string
	for i := range maxRebinds + 5000 {
		last = db.rebind("SELECT id FROM records WHERE org_id = ? AND module = ? LIMIT " + strconv.Itoa(i))
	}
	kept := 0
	db.rebinds.Range(func(any, any) bool { kept++; return true })
	if kept != maxRebinds {
		t.Errorf("%d texts kept, want %d", kept, maxRebinds)
	}
	if want := "SELECT id FROM records WHERE org_id = $1 AND module = $2 LIMIT " + strconv.Itoa(maxRebinds+4999); last != want {
		t.Errorf("rebind past the bound = %q, want %q", last, want)
	}
}
