package crm_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/zcrm/zcrm/internal/crm"
)

// BenchmarkParseIDs is the ?ids= parsing of a 100-id delink or contact-role call: split, then parse.
func BenchmarkParseIDs(b *testing.B) {
	parts := make([]string, 100)
	for i := range parts {
		parts[i] = strconv.FormatInt(5725767000000100001+int64(i)*7, 10)
	}
	raw := strings.Join(parts, ",") + ","
	b.ReportAllocs()
	for b.Loop() {
		ids, ok := crm.ParseIDList(crm.SplitIDs(raw))
		if !ok || len(ids) != 100 {
			b.Fatalf("parsed %d ids (ok=%v), want 100", len(ids), ok)
		}
	}
}
