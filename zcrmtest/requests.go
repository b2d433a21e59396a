package zcrmtest

import (
	"context"
	"strings"
	"time"

	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/journal"
)

// Request is one request the server answered, from its request journal (GET /__zcrm/requests):
// tokens, grant codes and secrets in it are redacted; bodies are cut at 16 KiB (requests) and
// 4 KiB (answers).
type Request struct {
	ID       string
	Time     time.Time
	Method   string
	Path     string
	Query    string
	Status   int
	Code     string // the answer's Zoho error code, "" when none
	Duration time.Duration
	OrgID    string // "" unless the request authenticated
	UserID   string
	ClientID string // the OAuth client behind the access token, when it still exists
	// RequestBody and ResponseBody as sent and answered.
	RequestBody, ResponseBody string
	Faulted                   bool // a fault rule fired on it (AddFault)
}

// RequestFilter selects journaled requests; the zero value selects the newest 100 of every kind.
type RequestFilter struct {
	Method string // exact, e.g. POST
	Path   string // a prefix, e.g. /crm/v8/Contacts
	Limit  int    // at most this many (default 100)
}

// Requests returns the requests the server answered that f selects, newest first: every CRM and
// accounts request since the server started or was last reset.
func (s *Server) Requests(f RequestFilter) []Request {
	if s.tb != nil {
		s.tb.Helper()
	}
	if f.Limit <= 0 {
		f.Limit = 100
	}
	entries, err := s.journal.Entries(context.Background(), journal.Filter{Limit: f.Limit, Method: strings.ToUpper(f.Method), PathPrefix: f.Path})
	if err != nil {
		s.fail(err)
	}
	out := make([]Request, len(entries))
	for i, e := range entries {
		out[i] = Request{ID: crm.FormatID(e.ID), Time: e.Time, Method: e.Method, Path: e.Path, Query: e.Query, Status: e.Status,
			Code: e.Code, Duration: e.Duration, OrgID: optionalID(e.OrgID), UserID: optionalID(e.UserID), ClientID: e.ClientID,
			RequestBody: e.RequestBody, ResponseBody: e.ResponseBody, Faulted: e.Faulted}
	}
	return out
}

// ClearRequests empties the request journal.
func (s *Server) ClearRequests() {
	if s.tb != nil {
		s.tb.Helper()
	}
	if err := s.journal.Clear(context.Background()); err != nil {
		s.fail(err)
	}
}

func optionalID(id int64) string {
	if id == 0 {
		return ""
	}
	return crm.FormatID(id)
}
