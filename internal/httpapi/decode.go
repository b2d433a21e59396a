package httpapi

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"

	"github.com/zcrm/zcrm/internal/crm"
)

// DecodeObject parses a request body as one JSON object whatever its Content-Type (the Node SDK
// sends none). An empty body is an empty object. Malformed JSON, a non-object, trailing data, a
// U+0000 character or a body over the size limit is 400 UNABLE_TO_PARSE_DATA_TYPE. Numbers stay
// json.Number.
func DecodeObject(body []byte) (map[string]any, error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return map[string]any{}, nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, crm.ErrUnparsable()
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, crm.ErrUnparsable()
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, crm.ErrUnparsable()
	}
	// U+0000 cannot be stored (PostgreSQL's text and jsonb refuse it): such a body is one zcrm
	// cannot read, as a malformed one.
	if bytes.Contains(body, []byte(`\u0000`)) && hasNUL(v) {
		return nil, crm.ErrUnparsable()
	}
	return obj, nil
}

// hasNUL reports whether a decoded JSON value holds U+0000 in a key or a string.
func hasNUL(v any) bool {
	switch v := v.(type) {
	case string:
		return strings.IndexByte(v, 0) >= 0
	case map[string]any:
		for k, e := range v {
			if strings.IndexByte(k, 0) >= 0 || hasNUL(e) {
				return true
			}
		}
	case []any:
		for _, e := range v {
			if hasNUL(e) {
				return true
			}
		}
	}
	return false
}

// readBody reads the request body from the wire (bounded by the middleware's size limit and the
// server's read deadline) and decodes it, before any transaction starts: a client that trickles its
// body holds only its own request, never the writer or a group-commit batch. A failure is kept for
// the handler to answer in Zoho's order of checks (a body is checked after module, scope and
// permission).
func (c *call) readBody() {
	if c.r.Body == nil || c.r.Body == http.NoBody {
		c.decoded = map[string]any{}
		return
	}
	raw, err := io.ReadAll(c.r.Body)
	if err != nil {
		c.bodyErr = crm.ErrUnparsable()
		return
	}
	c.decoded, c.bodyErr = DecodeObject(raw)
}

// body returns the request body decoded as a JSON object (an empty object when there is none). It
// is a fresh copy on every call, so a write function that the store runs again sees the body as
// sent, whatever the previous run did to its copy.
func (c *call) body() (map[string]any, error) {
	if c.bodyErr != nil {
		return nil, c.bodyErr
	}
	if c.decoded == nil {
		return map[string]any{}, nil
	}
	return crm.CloneJSON(c.decoded).(map[string]any), nil
}
