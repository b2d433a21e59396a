package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/zcrm/zcrm/internal/journal"
)

type ctxKey int

// stateKey is the context key of a request's *statusWriter, its state in this package.
const stateKey ctxKey = 0

// requestState returns the state the middleware keeps for the request: from its context, else
// from w itself; nil outside the middleware.
func requestState(w http.ResponseWriter, r *http.Request) *statusWriter {
	if r != nil {
		if st, ok := r.Context().Value(stateKey).(*statusWriter); ok {
			return st
		}
	}
	st, _ := w.(*statusWriter)
	return st
}

func requestID(ctx context.Context) string {
	if st, ok := ctx.Value(stateKey).(*statusWriter); ok {
		return st.id
	}
	return ""
}

// statusWriter is one request's state: the response writer that remembers the status for the
// access log and the metrics, the request's id, where its internal errors are logged and the route
// it matched. The middleware puts it in the request's context.
type statusWriter struct {
	http.ResponseWriter
	status int
	id     string
	log    *slog.Logger  // internal errors; nil: slog.Default()
	route  *routeMetrics // set by the CRM router; nil: the ServeMux pattern's route
	// capture is the request on its way to the journal (the CRM router tells it the caller); nil
	// when it is not journaled.
	capture *journal.Capture
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if w.capture != nil {
		w.capture.Write(b)
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap gives http.ResponseController the connection's writer (flushes, deadlines).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// errorLogger returns where the request's internal errors go.
func (w *statusWriter) errorLogger() *slog.Logger {
	if w != nil && w.log != nil {
		return w.log
	}
	return slog.Default()
}

// withRequestID returns log adding the request id of the context it logs with, for the logging
// done outside this package (the accounts endpoints'); nil stays nil.
func withRequestID(log *slog.Logger) *slog.Logger {
	if log == nil {
		return nil
	}
	return slog.New(requestIDHandler{log.Handler()})
}

// requestIDHandler adds request_id to the records logged with a request's context.
type requestIDHandler struct{ slog.Handler }

func (h requestIDHandler) Handle(ctx context.Context, r slog.Record) error {
	if id := requestID(ctx); id != "" {
		r.AddAttrs(slog.String("request_id", id))
	}
	return h.Handler.Handle(ctx, r)
}

func (h requestIDHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return requestIDHandler{h.Handler.WithAttrs(attrs)}
}

func (h requestIDHandler) WithGroup(name string) slog.Handler {
	return requestIDHandler{h.Handler.WithGroup(name)}
}

// maxBody bounds request bodies; larger ones are answered with a 400.
const maxBody = 8 << 20

// maxLoggedPath bounds the path in an access-log line; a longer one is cut, with its full length
// logged beside it.
const maxLoggedPath = 256

// clip returns at most maxLoggedPath bytes of a path for a log line.
func clip(path string) string {
	if len(path) <= maxLoggedPath {
		return path
	}
	return path[:maxLoggedPath] + "…"
}

// statusClientGone is the access log's status for a request whose client closed its connection
// (or its sending side) before the answer was written, as nginx logs it. The request was still
// carried out (crmRouter.ServeHTTP).
const statusClientGone = 499

// middleware wraps h with a request id, panic recovery, a body limit, the request metrics and an
// access log (to log at Info; none when log is nil). The log never carries headers or query strings
// (both can hold tokens), and paths are clipped. Internal errors go to log, or slog.Default() when
// it is nil (writeErrorAs). CRM and accounts requests go to j too, when it is not nil.
func middleware(h http.Handler, log *slog.Logger, m *metrics, j *journal.Journal) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		var b [8]byte
		rand.Read(b[:])
		sw := &statusWriter{ResponseWriter: w, id: hex.EncodeToString(b[:]), log: log}
		r = r.WithContext(context.WithValue(r.Context(), stateKey, sw))
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				writeError(sw, r, fmt.Errorf("panic: %v", p))
			}
			status := sw.status
			if status == 0 {
				status = http.StatusOK // net/http's answer to a handler that wrote nothing
			}
			if r.Context().Err() != nil {
				status = statusClientGone
			}
			elapsed := time.Since(start)
			route := sw.route
			if route == nil {
				route = m.forPattern(r.Pattern) // set by the ServeMux on this very request
			}
			route.observe(r.Method, status, elapsed)
			if sw.capture != nil {
				sw.capture.End(status, elapsed)
			}
			if log != nil && log.Enabled(r.Context(), slog.LevelInfo) {
				attrs := make([]slog.Attr, 0, 8)
				attrs = append(attrs, slog.String("id", sw.id), slog.String("method", r.Method), slog.String("path", clip(r.URL.Path)),
					slog.Int("status", status), slog.Int64("ms", elapsed.Milliseconds()))
				if len(r.URL.Path) > maxLoggedPath {
					attrs = append(attrs, slog.Int("path_len", len(r.URL.Path)))
				}
				if r.URL.RawQuery != "" {
					attrs = append(attrs, slog.Int("query_len", len(r.URL.RawQuery)))
				}
				log.LogAttrs(r.Context(), slog.LevelInfo, "request", attrs...)
			}
		}()
		if r.Body != nil {
			r.Body = http.MaxBytesReader(sw, r.Body, maxBody)
		}
		sw.capture = j.Begin(r, start)
		h.ServeHTTP(sw, r)
	})
}
