package bench

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"time"
)

// progress draws a live counter of the rows loaded so far — count, share, rate and ETA — on one
// line redrawn with \r, for a person watching a terminal. It draws nothing when its writer is not a
// terminal (a file, a pipe, CI's log), where the per-step lines are all a reader wants.
type progress struct {
	w     io.Writer // nil: quiet
	total int
	start time.Time
	drawn time.Time // last redraw
	shown bool      // a line is drawn and not cleared
	now   func() time.Time
}

// progressEvery is the least time between two redraws.
const progressEvery = 100 * time.Millisecond

// newProgress returns a counter towards total rows drawn on log when log is a terminal, and a
// quiet one otherwise.
func newProgress(log io.Writer, total int) *progress {
	p := &progress{total: total, now: time.Now}
	if isTerminal(log) {
		p.w = log
	}
	p.start = p.now()
	return p
}

// isTerminal reports whether w is a character device, such as a terminal (not a file or a pipe).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// update redraws the line for done rows, at most every progressEvery.
func (p *progress) update(done int) {
	if p == nil || p.w == nil {
		return
	}
	now := p.now()
	if now.Sub(p.drawn) < progressEvery {
		return
	}
	p.drawn, p.shown = now, true
	fmt.Fprintf(p.w, "\r%s\x1b[K", formatProgress(done, p.total, now.Sub(p.start)))
}

// clear erases the drawn line, if any, so that the next line printed starts clean.
func (p *progress) clear() {
	if p == nil || !p.shown {
		return
	}
	p.shown = false
	fmt.Fprint(p.w, "\r\x1b[K")
}

// formatProgress renders the counter: "  1,234,567 / 2,000,000 rows  61.7%  123,456 rows/s  ETA 6s".
// Rate and ETA appear once there is a rate to tell.
func formatProgress(done, total int, elapsed time.Duration) string {
	s := "  " + thousands(done) + " / " + thousands(total) + " rows"
	if total > 0 {
		s += fmt.Sprintf("  %.1f%%", 100*float64(min(done, total))/float64(total))
	}
	if done <= 0 || elapsed < time.Millisecond {
		return s
	}
	rate := float64(done) / elapsed.Seconds()
	s += "  " + thousands(int(rate)) + " rows/s"
	if left := total - done; left > 0 {
		s += "  ETA " + time.Duration(float64(left)/rate*float64(time.Second)).Round(time.Second).String()
	}
	return s
}

// thousands formats n with commas between groups of three digits: 1234567 → "1,234,567".
func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := n < 0
	if neg {
		s = s[1:]
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		return "-" + s
	}
	return s
}
