package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zcrm/zcrm/internal/journal"
	"github.com/zcrm/zcrm/internal/store"
	"github.com/zcrm/zcrm/internal/store/storetest"
)

// On SQLite the journal lives in the serving process: zcrm requests says where to read it.
func TestRequestsOnSQLite(t *testing.T) {
	code, out, errs := runCLI(t, "requests", "--db", filepath.Join(t.TempDir(), "z.db"))
	if code == 0 || out != "" || !strings.Contains(errs, "GET /__zcrm/requests") {
		t.Errorf("zcrm requests on SQLite: code %d, stdout %q, stderr %q", code, out, errs)
	}
}

// syncBuffer is a bytes.Buffer safe for one writer and one reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) lines() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.Split(strings.TrimSpace(s.b.String()), "\n")
}

// zcrm requests --follow prints what the filter selects oldest first, then each request journaled
// afterwards (by any process: here written straight to the shared table) as it arrives. On SQLite
// it says where the journal is, as without --follow.
func TestRequestsFollow(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		dsn := storetest.DSN(t, b)
		if b == storetest.SQLite {
			if code, _, errs := runCLI(t, "requests", "--follow", "--db", dsn); code == 0 || !strings.Contains(errs, "GET /__zcrm/requests") {
				t.Fatalf("--follow on SQLite: code %d, stderr %q", code, errs)
			}
			return
		}
		db := storetest.OpenDSN(t, dsn, store.Options{})
		ctx := context.Background()
		entry := func(path string, at time.Time) journal.Entry {
			return journal.Entry{Time: at, Method: "GET", Path: path, Status: 200}
		}
		t0 := time.Now().Add(-time.Minute)
		if err := db.AppendJournal(ctx, []journal.Entry{entry("/crm/v8/a", t0), entry("/oauth/v2/token", t0.Add(time.Second)), entry("/crm/v8/b", t0.Add(2*time.Second))}, 0); err != nil {
			t.Fatal(err)
		}
		run, cancel := context.WithCancel(ctx)
		var out syncBuffer
		done := make(chan int)
		go func() {
			done <- Run(run, []string{"requests", "--follow", "--path", "/crm/", "--db", dsn}, func(string) string { return "" }, &out, io.Discard)
		}()
		wait := func(n int) []string {
			t.Helper()
			for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
				if l := out.lines(); len(l) >= n && l[0] != "" {
					return l
				}
			}
			t.Fatalf("--follow printed %q, want %d lines", out.lines(), n)
			return nil
		}
		wait(2)
		if err := db.AppendJournal(ctx, []journal.Entry{entry("/oauth/v2/token", time.Now()), entry("/crm/v8/c", time.Now())}, 0); err != nil {
			t.Fatal(err)
		}
		lines := wait(3)
		cancel()
		if code := <-done; code != 0 {
			t.Fatalf("exit code %d", code)
		}
		var paths []string
		for _, l := range lines {
			var e struct{ Path string }
			if err := json.Unmarshal([]byte(l), &e); err != nil {
				t.Fatalf("not JSON: %q", l)
			}
			paths = append(paths, e.Path)
		}
		if strings.Join(paths, " ") != "/crm/v8/a /crm/v8/b /crm/v8/c" {
			t.Fatalf("--follow printed %v", paths)
		}
	})
}
