package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/zcrm/zcrm/internal/crm"
)

const contentType = "application/json;charset=utf-8"

// rawJSON is a body encoded already (by encodeJSON); writeJSON writes it as it is.
type rawJSON []byte

// encodeJSON encodes v as writeJSON writes it: HTML characters unescaped, no trailing newline. A
// multi-item answer ({"key":[]crm.Item}) is written by crm.AppendItemsJSON, byte for byte the same.
func encodeJSON(v any) (rawJSON, error) {
	if m, ok := v.(map[string]any); ok && len(m) == 1 {
		for k, val := range m {
			if items, ok := val.([]crm.Item); ok {
				return crm.AppendItemsJSON(make([]byte, 0, 128*len(items)+32), k, items)
			}
		}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// writeJSON writes v with Zoho's content type. A 204 or 304 gets no body; a 204 keeps the content
// type, as live Zoho responses do (net/http drops it from a 304).
func writeJSON(w http.ResponseWriter, status int, v any) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Server", "ZGS")
	if raw, ok := v.(rawJSON); (ok && raw == nil) || status == http.StatusNoContent || status == http.StatusNotModified || v == nil {
		w.WriteHeader(status)
		return
	}
	body, ok := v.(rawJSON)
	if !ok {
		var err error
		if body, err = encodeJSON(v); err != nil {
			writeError(w, nil, fmt.Errorf("encode response: %w", err))
			return
		}
	}
	w.WriteHeader(status)
	w.Write(body)
}

// errorBody is Zoho's single error object, keys in wire order.
type errorBody struct {
	Code    string         `json:"code"`
	Details map[string]any `json:"details"`
	Message string         `json:"message"`
	Status  string         `json:"status"`
}

// writeError renders err: a *crm.Error as Zoho's error object with its status; anything else as a
// logged 500 INTERNAL_ERROR whose body carries no internals.
func writeError(w http.ResponseWriter, r *http.Request, err error) {
	writeErrorAs(w, r, err, crm.ErrInternal)
}

// writeErrorAs is writeError with the route's own 500 answer. It is the one place that decides
// what becomes a 500: every error that is not a *crm.Error, sentinels included, arrives here as it
// was returned, and is logged at ERROR to the server's logger (Deps.Logger; slog.Default() when
// that is nil) with the request's method, clipped path and id — never its query or headers.
func writeErrorAs(w http.ResponseWriter, r *http.Request, err error, internal func() *crm.Error) {
	var ce *crm.Error
	if !errors.As(err, &ce) {
		st := requestState(w, r)
		attrs := []slog.Attr{slog.Any("err", err)}
		ctx := context.Background()
		if r != nil {
			ctx = r.Context()
			attrs = append(attrs, slog.String("method", r.Method), slog.String("path", clip(r.URL.Path)))
		}
		if st != nil {
			attrs = append(attrs, slog.String("request_id", st.id))
		}
		st.errorLogger().LogAttrs(ctx, slog.LevelError, "internal error", attrs...)
		ce = internal()
	}
	details := ce.Details
	if details == nil {
		details = map[string]any{}
	}
	writeJSON(w, ce.Status, errorBody{Code: ce.Code, Details: details, Message: ce.Message, Status: "error"})
}
