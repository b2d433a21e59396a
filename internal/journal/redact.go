package journal

import (
	"encoding/json"
	"mime"
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Redacted replaces every secret the journal meets.
const Redacted = "[redacted]"

// multipartBody stands for a multipart request body, which is never journaled.
const multipartBody = "[multipart body not journaled]"

// secretParams are the query and form parameters whose values are secrets: OAuth tokens, grant
// codes, client secrets, the admin token. Names compare case-insensitively.
var secretParams = map[string]bool{
	"access_token": true, "refresh_token": true, "client_secret": true, "code": true, "token": true,
	"id_token": true, "admin_token": true, "password": true, "grant_token": true,
}

// secretKeys matches a JSON member whose value is a secret, wherever it is, and that value (a
// string, possibly cut short by the body's bound, or any other scalar). "code" is a secret only in
// the accounts endpoints' bodies (a grant code); in the CRM API it is Zoho's status code.
var (
	secretKeys      = regexp.MustCompile(`(?i)("(?:access_token|refresh_token|client_secret|token|id_token|admin_token|password|grant_token)"\s*:\s*)("(?:[^"\\]|\\.)*(?:"|\\?$)|[^\s,}\]]+)`)
	secretKeysOAuth = regexp.MustCompile(`(?i)("(?:access_token|refresh_token|client_secret|token|id_token|admin_token|password|grant_token|code)"\s*:\s*)("(?:[^"\\]|\\.)*(?:"|\\?$)|[^\s,}\]]+)`)
)

// redactForm returns an urlencoded query or form with the value of every secret parameter replaced
// by Redacted, everything else byte for byte.
func redactForm(q string) string {
	if q == "" {
		return q
	}
	var b strings.Builder
	changed := false
	rest := q
	for rest != "" {
		pair, tail, more := strings.Cut(rest, "&")
		key, _, hasValue := strings.Cut(pair, "=")
		if k, err := url.QueryUnescape(key); err == nil && hasValue && secretParams[strings.ToLower(k)] {
			if !changed {
				b.Grow(len(q))
				b.WriteString(q[:len(q)-len(rest)])
				changed = true
			}
			b.WriteString(key)
			b.WriteString("=" + Redacted)
		} else if changed {
			b.WriteString(pair)
		}
		if more && changed {
			b.WriteByte('&')
		}
		rest = tail
	}
	if !changed {
		return q
	}
	return b.String()
}

// redactJSON returns body with the value of every secret member replaced by "[redacted]". It works
// on the text, so a body cut short or not JSON at all is redacted as far as it goes.
func redactJSON(body string, oauth bool) string {
	re := secretKeys
	if oauth {
		re = secretKeysOAuth
	} else if !mayHoldSecret(body) {
		return body // the common case, without running the expression
	}
	return re.ReplaceAllString(body, `${1}"`+Redacted+`"`)
}

// mayHoldSecret reports whether a CRM body can hold a secret member: one ending in token, secret or
// password, in any case.
func mayHoldSecret(body string) bool {
	for _, s := range []string{`oken"`, `OKEN"`, `ecret"`, `ECRET"`, `ssword"`, `SSWORD"`} {
		if strings.Contains(body, s) {
			return true
		}
	}
	return false
}

// redactBody redacts a request body by its content type: an urlencoded form (the accounts
// endpoints read a body without a content type as one) by parameter, anything else as JSON text
// and then as a form too (a secret sent under the wrong content type is still a secret). A
// multipart body is not journaled at all: its parts are not worth parsing here to be safe.
func redactBody(body []byte, contentType string, oauth bool) string {
	if len(body) == 0 {
		return ""
	}
	if isMultipart(contentType) {
		return multipartBody
	}
	return redactForm(redactJSON(string(body), oauth))
}

// isMultipart reports whether a request's Content-Type is multipart (or unreadable but says so).
func isMultipart(contentType string) bool {
	if contentType == "" || !strings.Contains(strings.ToLower(contentType), "multipart") {
		return false
	}
	mt, _, _ := mime.ParseMediaType(contentType)
	return strings.HasPrefix(mt, "multipart/") || mt == ""
}

// errorCode returns the Zoho error code an answer carries: the accounts endpoints' {"error": …}
// (Zoho answers those with HTTP 200), otherwise for a status of 400 or more the error object's
// "code", or the first item's of a multi-item answer ({"data":[{"code":…}]}) that failed as a whole.
func errorCode(body []byte, status int, oauth bool) string {
	if len(body) == 0 || body[0] != '{' || (!oauth && status < 400) {
		return ""
	}
	var v map[string]json.RawMessage
	if json.Unmarshal(body, &v) != nil {
		return ""
	}
	var s string
	if oauth {
		if json.Unmarshal(v["error"], &s) == nil && s != "" {
			return s
		}
		if status < 400 {
			return ""
		}
	}
	if json.Unmarshal(v["code"], &s) == nil && s != "" {
		return s
	}
	if len(v) == 1 {
		for _, raw := range v {
			var items []struct {
				Code string `json:"code"`
			}
			if json.Unmarshal(raw, &items) == nil && len(items) > 0 {
				return items[0].Code
			}
		}
	}
	return ""
}

// text makes s storable as TEXT on both databases: valid UTF-8 without NUL bytes.
func text(s string) string {
	if utf8.ValidString(s) && !strings.Contains(s, "\x00") {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\uFFFD")
}
