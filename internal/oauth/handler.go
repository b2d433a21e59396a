package oauth

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
)

// The accounts endpoints' paths.
const (
	TokenPath  = "/oauth/v2/token"
	RevokePath = "/oauth/v2/token/revoke"
	// AuthPath is Zoho's authorization endpoint; its docs show the client_credentials call sent here,
	// so zcrm takes that grant (and only that one) on this path too.
	AuthPath = "/oauth/v2/auth"
)

// maxParamBytes bounds a token or revoke request body; a larger one is ErrInvalidRequest.
const maxParamBytes = 64 << 10

const contentType = "application/json;charset=utf-8"

// Register mounts the accounts endpoints on mux: POST /oauth/v2/token (authorization_code,
// refresh_token, client_credentials), POST /oauth/v2/auth (client_credentials), GET /oauth/v2/auth
// and POST /oauth/v2/auth/consent (the browser consent step, consent.go) and
// POST /oauth/v2/token/revoke. Parameters may come in the query string, an urlencoded body or a
// multipart body, merged (the body wins). Every answer is JSON; errors the caller made are HTTP 200
// {"error":"…"} as Zoho sends them, a method other than POST is 405. Each handler is mounted as
// wrap makes it (nil: as it is).
func (s *Service) Register(mux *http.ServeMux, wrap func(http.Handler) http.Handler) {
	if wrap == nil {
		wrap = func(h http.Handler) http.Handler { return h }
	}
	mux.Handle(TokenPath, wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.serveToken(w, r, GrantAuthorizationCode, GrantRefreshToken, GrantClientCredentials)
	})))
	mux.Handle(AuthPath, wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet, http.MethodHead:
			s.serveAuthorize(w, r)
		case http.MethodPost:
			s.serveToken(w, r, GrantClientCredentials)
		default:
			methodNotAllowed(w, "GET, HEAD, POST")
		}
	})))
	mux.Handle(ConsentPath, wrap(http.HandlerFunc(s.serveConsent)))
	mux.Handle(RevokePath, wrap(http.HandlerFunc(s.serveRevoke)))
}

func (s *Service) serveToken(w http.ResponseWriter, r *http.Request, grants ...string) {
	p, ok := readParams(w, r)
	if !ok {
		return
	}
	if err := basicClient(r, p); err != nil {
		s.fail(w, r, err)
		return
	}
	res, err := s.token(detached(r), p, grants...)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

func (s *Service) serveRevoke(w http.ResponseWriter, r *http.Request) {
	p, ok := readParams(w, r)
	if !ok {
		return
	}
	if err := s.Revoke(detached(r), p.Get("token")); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "success"})
}

// basicClient takes the client's credentials from an Authorization: Basic base64(client_id:
// client_secret) header, which Zoho documents beside the query and form parameters; a parameter
// given as well wins. A Basic header that does not decode to id:secret is invalid_client.
func basicClient(r *http.Request, p url.Values) error {
	if scheme, _, _ := strings.Cut(r.Header.Get("Authorization"), " "); !strings.EqualFold(scheme, "Basic") {
		return nil
	}
	id, secret, ok := r.BasicAuth()
	if !ok {
		return ErrInvalidClient
	}
	if p.Get("client_id") == "" {
		p.Set("client_id", id)
	}
	if p.Get("client_secret") == "" {
		p.Set("client_secret", secret)
	}
	return nil
}

// detached is the context a token or revoke call runs under: its parameters are read, so the call
// finishes even when the client goes away (it is short), and never fails half done for it.
func detached(r *http.Request) context.Context { return context.WithoutCancel(r.Context()) }

// readParams checks the method and returns the request's parameters: the body's (urlencoded, or
// multipart/form-data; a body without a Content-Type is read as urlencoded; other bodies are
// ignored) over the query string's. On failure it has written the answer and returns false.
// methodNotAllowed answers a method the path does not take: 405 with Allow and Zoho's error body.
func methodNotAllowed(w http.ResponseWriter, allow string) {
	w.Header().Set("Allow", allow)
	writeJSON(w, http.StatusMethodNotAllowed, errorBody(ErrInvalidRequestMethod))
}

func readParams(w http.ResponseWriter, r *http.Request) (url.Values, bool) {
	if r.Method != http.MethodPost {
		methodNotAllowed(w, http.MethodPost)
		return nil, false
	}
	body, err := readBody(r)
	if err != nil {
		writeJSON(w, http.StatusOK, errorBody(ErrInvalidRequest))
		return nil, false
	}
	for k, v := range r.URL.Query() {
		if _, ok := body[k]; !ok {
			body[k] = v
		}
	}
	return body, true
}

func readBody(r *http.Request) (url.Values, error) {
	out := url.Values{}
	if r.Body == nil || r.Body == http.NoBody {
		return out, nil
	}
	ct := r.Header.Get("Content-Type")
	mt, mp, err := mime.ParseMediaType(ct)
	if ct != "" && err != nil {
		return nil, err
	}
	body := io.LimitReader(r.Body, maxParamBytes+1)
	switch {
	case mt == "multipart/form-data":
		raw, err := io.ReadAll(body)
		if err != nil {
			return nil, err
		}
		if len(raw) > maxParamBytes || mp["boundary"] == "" {
			return nil, errors.New("bad multipart body")
		}
		form, err := multipart.NewReader(bytes.NewReader(raw), mp["boundary"]).ReadForm(maxParamBytes)
		if err != nil {
			return nil, err
		}
		defer form.RemoveAll()
		for k, v := range form.Value {
			out[k] = v
		}
		return out, nil
	case ct == "" || mt == "application/x-www-form-urlencoded":
		raw, err := io.ReadAll(body)
		if err != nil {
			return nil, err
		}
		if len(raw) > maxParamBytes {
			return nil, errors.New("body too large")
		}
		return url.ParseQuery(string(raw))
	}
	return out, nil
}

// fail writes err: an Error as HTTP 200 {"error":…}; anything else as a 500 whose body says only
// server_error, logged to s.Logger. Nothing request-specific beyond the method and path is logged:
// parameters hold secrets.
func (s *Service) fail(w http.ResponseWriter, r *http.Request, err error) {
	var oe Error
	if errors.As(err, &oe) {
		writeJSON(w, http.StatusOK, errorBody(oe))
		return
	}
	s.logger().LogAttrs(r.Context(), slog.LevelError, "oauth: internal error", slog.Any("err", err), slog.String("method", r.Method), slog.String("path", r.URL.Path))
	writeJSON(w, http.StatusInternalServerError, errorBody(errServer))
}

func errorBody(e Error) map[string]string { return map[string]string{"error": string(e)} }

// writeJSON writes v with Zoho's content type; token answers must never be cached.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil { // cannot happen for the bodies above
		status = http.StatusInternalServerError
		buf.Reset()
		buf.WriteString(`{"error":"server_error"}`)
	}
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Cache-Control", "no-store")
	h.Set("Pragma", "no-cache")
	w.WriteHeader(status)
	w.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
}
