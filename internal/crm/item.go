package crm

import "net/http"

// Item is one element of a multi-item answer ({"data":[…]}, {"cadences":[…]}, {"contact_roles":[…]}).
// Field order is Zoho's wire order.
type Item struct {
	Code    string         `json:"code"`
	Details map[string]any `json:"details"`
	Message string         `json:"message"`
	Status  string         `json:"status"`
	// id, when Details is nil, stands for the details {"id": id}: an item about one record of a
	// 100-id answer costs no map (SuccessFor, Error.ItemFor).
	id string
}

// Success returns a SUCCESS item with the given message and details.
func Success(message string, details map[string]any) Item {
	return Item{Code: "SUCCESS", Details: nonNil(details), Message: message, Status: "success"}
}

// SuccessFor returns a SUCCESS item with the message and the details {"id": id}.
func SuccessFor(message string, id int64) Item {
	return Item{Code: "SUCCESS", Message: message, Status: "success", id: FormatID(id)}
}

// MarshalJSON writes the item as AppendJSON does (encoding/json then compacts it and applies its
// own HTML escaping, as it would have by reflection).
func (it Item) MarshalJSON() ([]byte, error) { return it.AppendJSON(nil) }

// OK reports whether the item is a success.
func (it Item) OK() bool { return it.Status == "success" }

// MultiStatus returns Zoho's HTTP status for a multi-item answer: allOK (200, or 201 for inserts)
// when every item succeeded, 207 when some did, 400 when none did.
func MultiStatus(items []Item, allOK int) int {
	ok := 0
	for _, it := range items {
		if it.OK() {
			ok++
		}
	}
	switch {
	case ok == len(items):
		return allOK
	case ok == 0:
		return http.StatusBadRequest
	default:
		return http.StatusMultiStatus
	}
}
