package httpapi

import (
	"bytes"
	"encoding/json"
	"io"

	"github.com/zcrm/zcrm/internal/crm"
)

// DecodeObject parses a request body as one JSON object whatever its Content-Type (the Node SDK
// sends none). An empty body is an empty object. Malformed JSON, a non-object, trailing data or a
// body over the size limit is 400 UNABLE_TO_PARSE_DATA_TYPE. Numbers stay json.Number.
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
	return obj, nil
}

// body returns the request body decoded as a JSON object. The body is read from the wire once and
// decoded afresh on every call, so a handler may call it inside a write transaction that the store
// retries: each attempt gets its own copy, whatever the previous attempt did to it.
func (c *call) body() (map[string]any, error) {
	if !c.bodyRead {
		c.bodyRead = true
		if c.r.Body != nil {
			b, err := io.ReadAll(c.r.Body)
			if err != nil {
				c.bodyErr = crm.ErrUnparsable()
			}
			c.rawBody = b
		}
	}
	if c.bodyErr != nil {
		return nil, c.bodyErr
	}
	return DecodeObject(c.rawBody)
}
