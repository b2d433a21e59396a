package console

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/journal"
)

// The journal page tails the request journal (internal/journal): the page polls
// /console/journal/entries every two seconds for entries newer than the last it has, with the
// filters of GET /__zcrm/requests (method, path, status, org_id). Bodies are redacted as the
// journal stores them; "copy as curl" puts $TOKEN where the token was.

// journalData is the journal page.
type journalData struct {
	On      bool
	Size    int
	Methods []string
}

func (c *Console) journalPage(w http.ResponseWriter, r *http.Request) {
	v := c.newView("Request journal", "journal")
	d := journalData{On: c.cfg.Journal != nil, Methods: []string{"GET", "POST", "PUT", "PATCH", "DELETE"}}
	if d.On {
		d.Size = c.cfg.Journal.Size()
	}
	v.Data = d
	c.read(w, r, "journal", v, func(ctx context.Context, tx crm.Tx) error {
		var err error
		v.Orgs, err = tx.Orgs(ctx)
		return err
	})
}

// journalEntries answers the page's poll: {"requests":[…]} newest first, as GET /__zcrm/requests
// answers, after the entry id "after" when given; a bad filter answers no entries and a "message".
func (c *Console) journalEntries(w http.ResponseWriter, r *http.Request) {
	if c.cfg.Journal == nil {
		writeJSON(w, http.StatusNotFound, map[string]string{"message": "the request journal is off (zcrm serve --journal-size 0)"})
		return
	}
	q := url.Values{}
	for k, vs := range r.URL.Query() {
		if k != "after" && len(vs) > 0 && vs[len(vs)-1] != "" {
			q[k] = vs
		}
	}
	// A filter being typed is often not valid yet: the answer is then no entries and why, with a
	// 200, so the page shows it without the browser logging a failed request.
	f, err := journal.ParseFilter(q)
	if err != nil {
		writeJSON(w, http.StatusOK, map[string]any{"requests": []any{}, "message": err.Error()})
		return
	}
	if s := r.URL.Query().Get("after"); s != "" {
		if f.AfterID, err = strconv.ParseInt(s, 10, 64); err != nil {
			writeJSON(w, http.StatusOK, map[string]any{"requests": []any{}, "message": "after must be an entry id"})
			return
		}
	}
	ctx, cancel := context.WithTimeout(r.Context(), 10*time.Second)
	defer cancel()
	entries, err := c.cfg.Journal.Entries(ctx, f)
	if err != nil {
		c.log.ErrorContext(r.Context(), "console journal", "err", err)
		writeJSON(w, http.StatusInternalServerError, map[string]string{"message": "the request journal could not be read"})
		return
	}
	out := struct {
		Requests []journal.JSON `json:"requests"`
	}{make([]journal.JSON, len(entries))}
	for i, e := range entries {
		out.Requests[i] = e.JSON()
	}
	writeJSON(w, http.StatusOK, out)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(body)
}
