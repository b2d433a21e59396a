package journal

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"
)

// Limits of GET's limit filter.
const (
	DefaultLimit = 100
	MaxLimit     = 1000
)

// JSON is an entry as the journal serves it (GET /__zcrm/requests, zcrm requests). Ids are
// strings, as in the CRM API; org_id, user_id, client_id and code are null when absent.
type JSON struct {
	ID                string  `json:"id"`
	Time              string  `json:"time"` // RFC 3339 in UTC, to the millisecond
	Method            string  `json:"method"`
	Path              string  `json:"path"`
	Query             string  `json:"query"`
	Status            int     `json:"status"`
	Code              *string `json:"code"`
	DurationMS        float64 `json:"duration_ms"`
	OrgID             *string `json:"org_id"`
	UserID            *string `json:"user_id"`
	ClientID          *string `json:"client_id"`
	RequestBody       string  `json:"request_body"`
	RequestTruncated  bool    `json:"request_body_truncated"`
	ResponseBody      string  `json:"response_body"`
	ResponseTruncated bool    `json:"response_body_truncated"`
	Faulted           bool    `json:"faulted"`
}

// TimeFormat is how entry times are written.
const TimeFormat = "2006-01-02T15:04:05.000Z07:00"

// JSON returns e as served.
func (e Entry) JSON() JSON {
	id := func(v int64) *string {
		if v == 0 {
			return nil
		}
		s := strconv.FormatInt(v, 10)
		return &s
	}
	str := func(s string) *string {
		if s == "" {
			return nil
		}
		return &s
	}
	return JSON{
		ID: strconv.FormatInt(e.ID, 10), Time: e.Time.UTC().Format(TimeFormat), Method: e.Method, Path: e.Path,
		Query: e.Query, Status: e.Status, Code: str(e.Code), DurationMS: float64(e.Duration.Microseconds()) / 1000,
		OrgID: id(e.OrgID), UserID: id(e.UserID), ClientID: str(e.ClientID),
		RequestBody: e.RequestBody, RequestTruncated: e.RequestTruncated,
		ResponseBody: e.ResponseBody, ResponseTruncated: e.ResponseTruncated, Faulted: e.Faulted,
	}
}

// FilterError is a filter parameter the journal cannot read.
type FilterError struct{ Message string }

func (e *FilterError) Error() string { return e.Message }

// ParseFilter reads GET's filters: limit (default 100, 1 to 1000), method, path (a prefix, or a
// glob when it holds *: path.Match's syntax, * never crossing a /), status (a code such as 404, or
// a class such as 4xx), org_id and since (RFC 3339). Any other parameter, or a bad value, is a
// *FilterError.
func ParseFilter(q url.Values) (Filter, error) {
	f := Filter{Limit: DefaultLimit}
	bad := func(format string, args ...any) (Filter, error) {
		return Filter{}, &FilterError{fmt.Sprintf(format, args...)}
	}
	for name, vs := range q {
		v := vs[len(vs)-1]
		switch name {
		case "limit":
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > MaxLimit {
				return bad("limit must be a number from 1 to %d, not %q", MaxLimit, v)
			}
			f.Limit = n
		case "method":
			f.Method = strings.ToUpper(v)
		case "path":
			if !strings.HasPrefix(v, "/") {
				return bad("path must start with /, not %q", v)
			}
			if i := strings.IndexAny(v, "*?["); i >= 0 && strings.Contains(v, "*") {
				if _, err := path.Match(v, ""); err != nil {
					return bad("path %q is not a valid glob", v)
				}
				f.PathPrefix = v[:i]
				f.Match = func(p string) bool { ok, _ := path.Match(v, p); return ok }
			} else {
				f.PathPrefix = v
			}
		case "status":
			lo, hi, ok := statusRange(v)
			if !ok {
				return bad("status must be an HTTP status such as 404 or a class such as 4xx, not %q", v)
			}
			f.StatusMin, f.StatusMax = lo, hi
		case "org_id":
			id, err := strconv.ParseInt(v, 10, 64)
			if err != nil || id <= 0 {
				return bad("org_id must be an org id, not %q", v)
			}
			f.OrgID = id
		case "since":
			t, err := time.Parse(time.RFC3339Nano, v)
			if err != nil {
				return bad("since must be an RFC 3339 time such as 2024-07-17T20:38:22Z, not %q", v)
			}
			f.Since = t
		default:
			return bad("unknown parameter %q (the filters are limit, method, path, status, org_id and since)", name)
		}
	}
	return f, nil
}

// statusRange reads "404" as 404–404 and "4xx" as 400–499.
func statusRange(v string) (int, int, bool) {
	if len(v) == 3 && v[0] >= '1' && v[0] <= '5' && strings.EqualFold(v[1:], "xx") {
		lo := int(v[0]-'0') * 100
		return lo, lo + 99, true
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 100 || n > 599 {
		return 0, 0, false
	}
	return n, n, true
}

// Handler serves the journal at the path it is mounted on (the admin API's /__zcrm/requests):
// GET answers {"requests":[…]} newest first, filtered (ParseFilter), after flushing this process's
// queue, so a request this process answered is in the next GET; DELETE clears the journal (every
// process's stored entries and this process's queue) and answers 204. A bad filter is 400
// {"code":"INVALID_PARAMETER","message":…}; another method 405. With a nil journal (zcrm serve
// --journal-size 0) every request is 404 {"code":"JOURNAL_DISABLED",…}.
func (j *Journal) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if j == nil {
			writeError(w, http.StatusNotFound, "JOURNAL_DISABLED", "the request journal is off (zcrm serve --journal-size 0)")
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), 30*time.Second)
		defer cancel()
		switch r.Method {
		case http.MethodGet, http.MethodHead:
			f, err := ParseFilter(r.URL.Query())
			if err != nil {
				writeError(w, http.StatusBadRequest, "INVALID_PARAMETER", err.Error())
				return
			}
			entries, err := j.Entries(ctx, f)
			if err != nil {
				j.internal(w, r, err)
				return
			}
			out := struct {
				Requests []JSON `json:"requests"`
			}{make([]JSON, len(entries))}
			for i, e := range entries {
				out.Requests[i] = e.JSON()
			}
			writeJSON(w, http.StatusOK, out)
		case http.MethodDelete:
			if err := j.Clear(ctx); err != nil {
				j.internal(w, r, err)
				return
			}
			w.WriteHeader(http.StatusNoContent)
		default:
			w.Header().Set("Allow", "GET, HEAD, DELETE")
			writeError(w, http.StatusMethodNotAllowed, "INVALID_REQUEST_METHOD", "the request journal takes GET and DELETE")
		}
	})
}

func (j *Journal) internal(w http.ResponseWriter, r *http.Request, err error) {
	j.log.ErrorContext(r.Context(), "request journal", "err", err, "method", r.Method)
	writeError(w, http.StatusInternalServerError, "INTERNAL_ERROR", "the request journal could not be read")
}

func writeError(w http.ResponseWriter, status int, code, message string) {
	writeJSON(w, status, map[string]string{"code": code, "message": message})
}

// writeJSON writes v as the admin API writes its answers: application/json;charset=utf-8, no
// trailing newline.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	w.WriteHeader(status)
	w.Write(bytes.TrimSuffix(b.Bytes(), []byte("\n")))
}
