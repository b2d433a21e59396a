package crm

import (
	"bytes"
	"encoding/json"
	"testing"
)

// plainItem has Item's fields without its MarshalJSON: what encoding/json writes by reflection.
type plainItem struct {
	Code    string         `json:"code"`
	Details map[string]any `json:"details"`
	Message string         `json:"message"`
	Status  string         `json:"status"`
}

// plainOf is it as plainItem, its details {"id": …} spelt out when it carries them as an id.
func plainOf(it Item) plainItem {
	p := plainItem{Code: it.Code, Details: it.Details, Message: it.Message, Status: it.Status}
	if it.Details == nil && it.id != "" {
		p.Details = map[string]any{"id": it.id}
	}
	return p
}

func encodeNoHTML(t testing.TB, v any) string {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// AppendItemsJSON writes byte for byte what encoding/json writes by reflection with HTML escaping
// off (the envelope writer's encoder), for plain and awkward strings and detail values.
func TestItemMarshalJSONMatchesReflection(t *testing.T) {
	awkward := []string{"", "relation removed", `a "quoted" \ path`, "tab\there\nnew", "<b>&amp;</b>", "héllo ✓",
		"\u2028\u2029", "bad \xff utf8", "\x00\x1f\x7f"}
	var items []Item
	for _, s := range awkward {
		items = append(items,
			Item{Code: s, Message: s, Status: s, Details: map[string]any{s: s}},
			Success(s, map[string]any{"id": "5725767000000100001", "api_name": s}),
			ErrInvalidData(s, map[string]any{"b": 1, "a": []any{s, 2.5, nil}, "c": map[string]any{"z": s, "y": true}}).Item(),
		)
	}
	items = append(items, Item{Code: "X"}, Item{Details: map[string]any{}}, Item{Details: map[string]any{"n": json.Number("12345678901234567890")}},
		SuccessFor("relation removed", 5725767000000100001), ErrInvalidData(MsgRelationNotFound, map[string]any{"x": 1}).ItemFor(42))
	for _, it := range items {
		checkItemsJSON(t, "data", []Item{it})
	}
	checkItemsJSON(t, "contact_roles", items)
	checkItemsJSON(t, "cadences", []Item{})
	checkItemsJSON(t, "data", nil)
}

// checkItemsJSON fails unless AppendItemsJSON(key, items) matches reflection.
func checkItemsJSON(t *testing.T, key string, items []Item) {
	t.Helper()
	b, err := AppendItemsJSON(nil, key, items)
	if err != nil {
		t.Fatal(err)
	}
	var plain []plainItem
	if items != nil {
		plain = []plainItem{}
	}
	for _, it := range items {
		plain = append(plain, plainOf(it))
	}
	want := encodeNoHTML(t, map[string]any{key: plain})
	if got := string(b) + "\n"; got != want {
		t.Errorf("AppendItemsJSON wrote\n%s\nreflection\n%s", got, want)
	}
	// encoding/json, through Item.MarshalJSON, writes the same (the envelope's encoder keeps HTML).
	if got := encodeNoHTML(t, map[string]any{key: items}); got != want {
		t.Errorf("encoding/json wrote\n%s\nreflection\n%s", got, want)
	}
}

func FuzzAppendItemsJSON(f *testing.F) {
	f.Add("SUCCESS", "id", "5725767000000100001", "relation removed")
	f.Add("INVALID_DATA", "api_name", "bad \xff", "<&>\u2028")
	f.Fuzz(func(t *testing.T, code, key, value, message string) {
		checkItemsJSON(t, key, []Item{{Code: code, Details: map[string]any{key: value, "k": []any{value}}, Message: message, Status: "error"}})
	})
}
