package crm

import (
	"bytes"
	"encoding/json"
	"slices"
)

// AppendJSON appends the item exactly as encoding/json writes it with HTML escaping off (the
// envelope writer's setting): keys in field order, details keys sorted. It writes plain strings
// itself and hands anything else to encoding/json; reflecting over every item's details map was
// most of the cost of encoding a 100-id answer.
func (it Item) AppendJSON(b []byte) ([]byte, error) {
	b = append(b, `{"code":`...)
	b, err := appendJSONString(b, it.Code)
	if err != nil {
		return nil, err
	}
	b = append(b, `,"details":`...)
	if it.Details == nil && it.id != "" {
		b = append(b, `{"id":`...)
		b, err = appendJSONString(b, it.id)
		b = append(b, '}')
	} else {
		b, err = appendDetails(b, it.Details)
	}
	if err != nil {
		return nil, err
	}
	b = append(b, `,"message":`...)
	if b, err = appendJSONString(b, it.Message); err != nil {
		return nil, err
	}
	b = append(b, `,"status":`...)
	if b, err = appendJSONString(b, it.Status); err != nil {
		return nil, err
	}
	return append(b, '}'), nil
}

// AppendItemsJSON appends {"key":[items…]} as encoding/json writes it.
func AppendItemsJSON(b []byte, key string, items []Item) ([]byte, error) {
	b = append(b, '{')
	b, err := appendJSONString(b, key)
	if err != nil {
		return nil, err
	}
	b = append(b, ':')
	if items == nil {
		return append(b, "null}"...), nil
	}
	b = append(b, '[')
	for i, it := range items {
		if i > 0 {
			b = append(b, ',')
		}
		if b, err = it.AppendJSON(b); err != nil {
			return nil, err
		}
	}
	return append(b, "]}"...), nil
}

func appendDetails(b []byte, d map[string]any) ([]byte, error) {
	if d == nil {
		return append(b, "null"...), nil
	}
	b = append(b, '{')
	keys := make([]string, 0, len(d))
	for k := range d {
		keys = append(keys, k)
	}
	if len(keys) > 1 {
		slices.Sort(keys)
	}
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		var err error
		if b, err = appendJSONString(b, k); err != nil {
			return nil, err
		}
		b = append(b, ':')
		if s, ok := d[k].(string); ok {
			b, err = appendJSONString(b, s)
		} else {
			b, err = appendJSONValue(b, d[k])
		}
		if err != nil {
			return nil, err
		}
	}
	return append(b, '}'), nil
}

// appendJSONString appends s as a JSON string: itself in quotes when it is printable ASCII without
// quotes or backslashes, else as encoding/json writes it.
func appendJSONString(b []byte, s string) ([]byte, error) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			return appendJSONValue(b, s)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"'), nil
}

// appendJSONValue appends v as encoding/json writes it with HTML escaping off.
func appendJSONValue(b []byte, v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return append(b, bytes.TrimSuffix(buf.Bytes(), []byte("\n"))...), nil
}
