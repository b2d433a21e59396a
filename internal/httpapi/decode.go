package httpapi

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"

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

// body reads and decodes the request body as a JSON object.
func (c *call) body() (map[string]any, error) {
	return readObject(c.r)
}

func readObject(r *http.Request) (map[string]any, error) {
	if r.Body == nil {
		return map[string]any{}, nil
	}
	b, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, crm.ErrUnparsable()
	}
	return DecodeObject(b)
}
