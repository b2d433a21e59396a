package bench

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zcrm/zcrm/internal/store"
)

// The counter line: count of total, share, then rate and ETA once there is a rate.
func TestFormatProgress(t *testing.T) {
	for _, c := range []struct {
		done, total int
		elapsed     time.Duration
		want        string
	}{
		{0, 2_000_000, 0, "  0 / 2,000,000 rows  0.0%"},
		{0, 2_000_000, time.Second, "  0 / 2,000,000 rows  0.0%"},
		{500_000, 2_000_000, 2 * time.Second, "  500,000 / 2,000,000 rows  25.0%  250,000 rows/s  ETA 6s"},
		{1_234_567, 2_000_000, 10 * time.Second, "  1,234,567 / 2,000,000 rows  61.7%  123,456 rows/s  ETA 6s"},
		{1000, 91_000, time.Second, "  1,000 / 91,000 rows  1.1%  1,000 rows/s  ETA 1m30s"},
		{2_000_000, 2_000_000, 8 * time.Second, "  2,000,000 / 2,000,000 rows  100.0%  250,000 rows/s"},
		{12, 0, time.Second, "  12 / 0 rows  12 rows/s"},
	} {
		if got := formatProgress(c.done, c.total, c.elapsed); got != c.want {
			t.Errorf("formatProgress(%d, %d, %s) = %q, want %q", c.done, c.total, c.elapsed, got, c.want)
		}
	}
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 123456: "123,456", 1234567: "1,234,567", -1234: "-1,234"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}

// On a terminal the counter is redrawn in place with \r, at most every progressEvery, and clear
// erases it only when one is drawn.
func TestProgressRedraws(t *testing.T) {
	var out bytes.Buffer
	clock := time.Unix(0, 0)
	p := &progress{w: &out, total: 1000, start: clock, now: func() time.Time { return clock }}
	p.clear() // nothing drawn yet: nothing to erase
	clock = clock.Add(time.Second)
	p.update(100)
	clock = clock.Add(progressEvery / 2)
	p.update(150) // too soon: skipped
	clock = clock.Add(progressEvery)
	p.update(200)
	p.clear()
	p.clear()
	want := "\r  100 / 1,000 rows  10.0%  100 rows/s  ETA 9s\x1b[K" +
		"\r  200 / 1,000 rows  20.0%  173 rows/s  ETA 5s\x1b[K" +
		"\r\x1b[K"
	if got := out.String(); got != want {
		t.Errorf("drawn %q\nwant  %q", got, want)
	}
}

// Off a terminal — a buffer, a regular file — loading prints its step lines and no counter; the
// counter's total is exactly the rows the loader writes.
func TestLoadProgressQuietOffTerminal(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "log"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if isTerminal(f) || isTerminal(&bytes.Buffer{}) || newProgress(f, 10).w != nil {
		t.Fatal("a regular file or a buffer taken for a terminal")
	}

	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "bench.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var log bytes.Buffer
	const n, workers = 300, 2
	if _, err := loadDataset(ctx, db, n, workers, &log); err != nil {
		t.Fatal(err)
	}
	if s := log.String(); strings.ContainsAny(s, "\r\x1b") || strings.Count(s, "\n") != 4 || !strings.Contains(s, "  records ") {
		t.Errorf("loading logged %q: want the four step lines and no counter", s)
	}
	rows := 0
	for _, table := range []string{"records", "cadences", "enrollments", "relations", "deal_contact_roles"} {
		var c int
		if err := db.SQL().QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table).Scan(&c); err != nil {
			t.Fatal(err)
		}
		rows += c
	}
	if want := loadRows(n, workers); rows != want {
		t.Errorf("loaded %d rows, loadRows says %d", rows, want)
	}
}
