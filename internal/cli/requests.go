package cli

import (
	"cmp"
	"context"
	"errors"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/zcrm/zcrm/internal/journal"
	"github.com/zcrm/zcrm/internal/store"
)

// runRequests prints the request journal, newest first, one JSON object a line (journal.JSON, as
// GET /__zcrm/requests serves it). It reads the table every zcrm serve on a PostgreSQL database
// writes; a serve process writes its requests within 100 ms, so the very latest may not be there
// yet. With --follow it prints them oldest first instead, then every request journaled after them
// as it arrives (polling), until interrupted. On SQLite the journal lives in the serving process's
// memory: only its GET /__zcrm/requests has it.
func runRequests(ctx context.Context, e env, args []string) error {
	var dsn string
	fs := flags(e, "requests", &dsn)
	limit := fs.Int("limit", journal.DefaultLimit, "most entries printed (1 to 1000)")
	follow := fs.Bool("follow", false, "print the entries oldest first, then new requests as they are journaled, until interrupted")
	filters := map[string]*string{}
	for _, f := range []struct{ name, help string }{
		{"method", "only this method"},
		{"path", "only paths with this prefix, or matching this glob when it holds *"},
		{"status", "only this status (404) or class (4xx)"},
		{"org", "only requests authenticated in this org id"},
		{"since", "only requests since this RFC 3339 time"},
	} {
		filters[f.name] = fs.String(f.name, "", f.help)
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	q := url.Values{"limit": {strconv.Itoa(*limit)}}
	for name, v := range filters {
		if *v != "" {
			if name == "org" {
				name = "org_id"
			}
			q.Set(name, *v)
		}
	}
	f, err := journal.ParseFilter(q)
	if err != nil {
		return err
	}
	db, _, err := openStore(ctx, dsn, store.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	if !db.JournalShared() {
		return errors.New("on SQLite the request journal is kept in the memory of the zcrm serve process: read it with GET /__zcrm/requests from that process")
	}
	entries, err := db.Journal(ctx, f)
	if err != nil {
		return err
	}
	if *follow {
		return followJournal(ctx, e, db, f, entries)
	}
	for _, en := range entries {
		if err := printJSON(e, en.JSON()); err != nil {
			return err
		}
	}
	return nil
}

// followInterval is how often zcrm requests --follow looks for new entries; serve processes write
// theirs every 100 ms.
const followInterval = 250 * time.Millisecond

// followJournal prints entries (newest first) oldest first, then, until ctx ends, every entry
// journaled after the newest of them that f selects, oldest first. Ids grow as entries are
// written, so an entry a slower process writes late is printed when it arrives.
func followJournal(ctx context.Context, e env, db *store.DB, f journal.Filter, entries []journal.Entry) error {
	f.Limit = journal.MaxLimit // what arrived between two looks, however much
	for {
		slices.SortFunc(entries, func(a, b journal.Entry) int { return cmp.Compare(a.ID, b.ID) })
		for _, en := range entries {
			if err := printJSON(e, en.JSON()); err != nil {
				return err
			}
			f.AfterID = max(f.AfterID, en.ID)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(followInterval):
		}
		var err error
		if entries, err = db.Journal(ctx, f); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
	}
}
