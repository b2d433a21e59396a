package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"time"
)

type ctxKey int

const requestIDKey ctxKey = 0

func requestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey).(string)
	return id
}

// statusWriter remembers the status for the access log.
type statusWriter struct {
	http.ResponseWriter
	status int
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
	return w.ResponseWriter.Write(b)
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

// middleware wraps h with a request id, panic recovery, a body limit and an access log. The log
// never carries headers or query strings (both can hold tokens), and paths are clipped.
func middleware(h http.Handler, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		b := make([]byte, 8)
		rand.Read(b)
		id := hex.EncodeToString(b)
		r = r.WithContext(context.WithValue(r.Context(), requestIDKey, id))
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				writeError(sw, r, fmt.Errorf("panic: %v", p))
			}
			if log != nil {
				status := sw.status
				if r.Context().Err() != nil {
					status = statusClientGone
				}
				attrs := []any{"id", id, "method", r.Method, "path", clip(r.URL.Path), "status", status, "ms", time.Since(start).Milliseconds()}
				if len(r.URL.Path) > maxLoggedPath {
					attrs = append(attrs, "path_len", len(r.URL.Path))
				}
				if r.URL.RawQuery != "" {
					attrs = append(attrs, "query_len", len(r.URL.RawQuery))
				}
				log.Info("request", attrs...)
			}
		}()
		if r.Body != nil {
			r.Body = http.MaxBytesReader(sw, r.Body, maxBody)
		}
		h.ServeHTTP(sw, r)
	})
}
