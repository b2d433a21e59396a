package httpapi

import (
	"net/http"
	"strconv"
	"testing"

	"github.com/zcrm/zcrm/internal/crm"
)

// discardWriter is a ResponseWriter that keeps nothing, so the benchmark measures encoding only.
type discardWriter struct{ h http.Header }

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *discardWriter) WriteHeader(int)             {}

// BenchmarkWriteJSON100Items is the response of a 100-id call: {"data":[100 SUCCESS items]}
// through the one envelope writer.
func BenchmarkWriteJSON100Items(b *testing.B) {
	items := make([]crm.Item, 100)
	for i := range items {
		items[i] = crm.Success("relation removed", map[string]any{"id": strconv.FormatInt(5725767000000100001+int64(i), 10)})
	}
	body := map[string]any{"data": items}
	w := &discardWriter{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		writeJSON(w, http.StatusOK, body)
	}
}
