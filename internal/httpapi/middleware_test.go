package httpapi

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/zcrm/zcrm/internal/store/storetest"
)

// The access log clips a long path to 256 bytes and notes its full length; the query string is
// never logged (it can carry tokens), only its length.
func TestAccessLogIsBounded(t *testing.T) {
	e := newEnv(t, storetest.SQLite)
	var log syncBuffer
	base := serveLimited(t, e, DefaultLimits, &log)
	long := "/crm/v8/" + strings.Repeat("x", 100_000)
	res, err := http.Get(base + long + "?refresh_token=secret-value")
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	line := log.String()
	if n := len(line); n > 1000 {
		t.Fatalf("access log line is %d bytes: %.200s…", n, line)
	}
	for _, want := range []string{"path=/crm/v8/" + strings.Repeat("x", 248) + "…", "path_len=100008", "query_len=26", "status=401"} {
		if !strings.Contains(line, want) {
			t.Errorf("access log line lacks %q: %s", want, line)
		}
	}
	if strings.Contains(line, "secret-value") {
		t.Errorf("access log carries the query: %s", line)
	}
}
