package client

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// Sentinel errors for Zoho's common codes. An *APIError (and an *ItemsError holding a failed item
// with that code) matches them with errors.Is:
//
//	if errors.Is(err, client.ErrInvalidData) { … }
var (
	ErrInvalidToken         = errors.New("zcrm: invalid oauth token")                        // INVALID_TOKEN
	ErrAuthenticationFailed = errors.New("zcrm: authentication failed")                      // AUTHENTICATION_FAILURE
	ErrScopeMismatch        = errors.New("zcrm: oauth scope mismatch")                       // OAUTH_SCOPE_MISMATCH
	ErrNoPermission         = errors.New("zcrm: no permission")                              // NO_PERMISSION
	ErrAuthorizationFailed  = errors.New("zcrm: authorization failed")                       // AUTHORIZATION_FAILED
	ErrFeatureNotEnabled    = errors.New("zcrm: feature not enabled")                        // FEATURE_NOT_ENABLED
	ErrInvalidData          = errors.New("zcrm: invalid data")                               // INVALID_DATA
	ErrInvalidModule        = errors.New("zcrm: invalid module")                             // INVALID_MODULE, NOT_SUPPORTED
	ErrMandatoryNotFound    = errors.New("zcrm: mandatory field not found")                  // MANDATORY_NOT_FOUND
	ErrRequiredParamMissing = errors.New("zcrm: required parameter missing")                 // REQUIRED_PARAM_MISSING
	ErrDuplicateData        = errors.New("zcrm: duplicate data")                             // DUPLICATE_DATA
	ErrLimitExceeded        = errors.New("zcrm: limit exceeded")                             // LIMIT_EXCEEDED
	ErrNotAllowed           = errors.New("zcrm: not allowed")                                // NOT_ALLOWED
	ErrAlreadyActivated     = errors.New("zcrm: already activated")                          // ALREADY_ACTIVATED
	ErrAlreadyDeactivated   = errors.New("zcrm: already deactivated")                        // ALREADY_DEACTIVATED
	ErrUnparsable           = errors.New("zcrm: request body or parameters in wrong format") // UNABLE_TO_PARSE_DATA_TYPE
	ErrInvalidURL           = errors.New("zcrm: invalid url pattern")                        // INVALID_URL_PATTERN
	ErrInvalidMethod        = errors.New("zcrm: invalid request method")                     // INVALID_REQUEST_METHOD
	ErrAPINotSupported      = errors.New("zcrm: api not supported")                          // API_NOT_SUPPORTED
	ErrTooManyRequests      = errors.New("zcrm: too many requests")                          // TOO_MANY_REQUESTS, or any HTTP 429
	ErrInternal             = errors.New("zcrm: internal server error")                      // INTERNAL_ERROR, INTERNAL_SERVER_ERROR
)

// Sentinel errors the client reports itself.
var (
	// ErrNotFound is returned by single-object reads (Record, Cadence, ContactRole, …) when Zoho
	// answers 204 No Content: the id names nothing the caller can see.
	ErrNotFound = errors.New("zcrm: not found")
	// ErrNoToken is returned when a call needs a token and the client has none it can use: nothing
	// stored, or an expired access token without a refresh token and client credentials.
	ErrNoToken = errors.New("zcrm: no usable oauth token")
	// ErrInvalidCode matches an *OAuthError "invalid_code": a grant code that is wrong, used or
	// expired, or a refresh token that was revoked.
	ErrInvalidCode = errors.New("zcrm: invalid grant code or refresh token")
	// ErrInvalidClient matches an *OAuthError "invalid_client" (unknown client id) or
	// "invalid_client_secret".
	ErrInvalidClient = errors.New("zcrm: invalid oauth client")
)

// codeSentinels maps Zoho error codes to the sentinels they match.
var codeSentinels = map[string]error{
	"INVALID_TOKEN":             ErrInvalidToken,
	"AUTHENTICATION_FAILURE":    ErrAuthenticationFailed,
	"OAUTH_SCOPE_MISMATCH":      ErrScopeMismatch,
	"NO_PERMISSION":             ErrNoPermission,
	"AUTHORIZATION_FAILED":      ErrAuthorizationFailed,
	"FEATURE_NOT_ENABLED":       ErrFeatureNotEnabled,
	"INVALID_DATA":              ErrInvalidData,
	"INVALID_MODULE":            ErrInvalidModule,
	"NOT_SUPPORTED":             ErrInvalidModule,
	"MANDATORY_NOT_FOUND":       ErrMandatoryNotFound,
	"REQUIRED_PARAM_MISSING":    ErrRequiredParamMissing,
	"DUPLICATE_DATA":            ErrDuplicateData,
	"LIMIT_EXCEEDED":            ErrLimitExceeded,
	"NOT_ALLOWED":               ErrNotAllowed,
	"ALREADY_ACTIVATED":         ErrAlreadyActivated,
	"ALREADY_DEACTIVATED":       ErrAlreadyDeactivated,
	"UNABLE_TO_PARSE_DATA_TYPE": ErrUnparsable,
	"INVALID_URL_PATTERN":       ErrInvalidURL,
	"INVALID_REQUEST_METHOD":    ErrInvalidMethod,
	"API_NOT_SUPPORTED":         ErrAPINotSupported,
	"TOO_MANY_REQUESTS":         ErrTooManyRequests,
	"INTERNAL_ERROR":            ErrInternal,
	"INTERNAL_SERVER_ERROR":     ErrInternal,
}

// APIError is Zoho's error object, {"code":…,"details":…,"message":…,"status":"error"}: a
// request-level failure, or one failed item of a multi-item answer (see Item.Err).
type APIError struct {
	// Status is the HTTP status of the response that carried the error (for a failed item, the
	// status of the whole answer: 207 or 400).
	Status int
	// Code is Zoho's error code, e.g. INVALID_DATA.
	Code string
	// Message is Zoho's message, e.g. "the related id given seems to be invalid".
	Message string
	// Details is Zoho's details object, e.g. {"resource_path_index":1}; never nil.
	Details map[string]any
}

// Error renders the code, status, message and details.
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "zcrm: %s (HTTP %d): %s", e.Code, e.Status, e.Message)
	if len(e.Details) > 0 {
		if d, err := json.Marshal(e.Details); err == nil {
			b.WriteString(" ")
			b.Write(d)
		}
	}
	return b.String()
}

// Is reports whether target is the sentinel for e's code (ErrInvalidData for INVALID_DATA, …),
// ErrTooManyRequests for any 429, or an *APIError with the same Code.
func (e *APIError) Is(target error) bool {
	if s, ok := codeSentinels[e.Code]; ok && s == target {
		return true
	}
	if target == ErrTooManyRequests && e.Status == http.StatusTooManyRequests {
		return true
	}
	if t, ok := target.(*APIError); ok {
		return t.Code == e.Code
	}
	return false
}

// Detail returns details[key] rendered as a string ("" when absent), for keys such as
// "api_name", "json_path", "id" or "param_name".
func (e *APIError) Detail(key string) string { return detailString(e.Details, key) }

func detailString(d map[string]any, key string) string {
	switch v := d[key].(type) {
	case nil:
		return ""
	case string:
		return v
	case json.Number:
		return v.String()
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	default:
		b, _ := json.Marshal(v)
		return string(b)
	}
}

// OAuthError is an accounts-server failure: the token endpoint's {"error":"invalid_code"} (which
// Zoho sends with HTTP 200), a revoke failure, or an unexpected answer.
type OAuthError struct {
	// StatusCode is the HTTP status of the answer.
	StatusCode int
	// Code is the "error" value, e.g. invalid_code, invalid_client, Access Denied.
	Code string
	// Description is error_description when present.
	Description string
}

// Error renders the code and description.
func (e *OAuthError) Error() string {
	if e.Description != "" {
		return fmt.Sprintf("zcrm: oauth error %q (HTTP %d): %s", e.Code, e.StatusCode, e.Description)
	}
	return fmt.Sprintf("zcrm: oauth error %q (HTTP %d)", e.Code, e.StatusCode)
}

// Is matches ErrInvalidCode for invalid_code and ErrInvalidClient for invalid_client and
// invalid_client_secret.
func (e *OAuthError) Is(target error) bool {
	switch target {
	case ErrInvalidCode:
		return e.Code == "invalid_code"
	case ErrInvalidClient:
		return e.Code == "invalid_client" || e.Code == "invalid_client_secret"
	case ErrTooManyRequests:
		return e.StatusCode == http.StatusTooManyRequests || strings.EqualFold(e.Code, "Access Denied")
	}
	return false
}

// Item is one element of a multi-item answer ({"data":[…]}, {"cadences":[…]},
// {"contact_roles":[…]}): a success or a per-item error, in request order.
type Item struct {
	// Code is SUCCESS for a success, otherwise Zoho's error code (INVALID_DATA, …).
	Code string `json:"code"`
	// Details is Zoho's details object: {"id":…} for most successes; api_name/json_path, id or
	// other keys for errors. Never nil.
	Details map[string]any `json:"details"`
	// Message is Zoho's message, e.g. "relation removed" or "relation not found".
	Message string `json:"message"`
	// Status is "success" or "error".
	Status string `json:"status"`
	// Index is the item's position in the answer.
	Index int `json:"-"`
	// RequestID is the id from the request this item answers, for calls about ids (delink,
	// remove roles, delete, enrol, un-enrol: the Index-th distinct id; bulk updates and links: the
	// id of the Index-th input object). "" for other calls, or when the answer does not line up
	// with the request.
	RequestID string `json:"-"`

	httpStatus int
}

// OK reports whether the item is a success.
func (it Item) OK() bool { return it.Status == "success" }

// ID returns details.id: the id the item is about ("" when the details carry none).
func (it Item) ID() string { return detailString(it.Details, "id") }

// Err returns nil for a success and the item's error (an *APIError whose Status is the answer's
// HTTP status) otherwise.
func (it Item) Err() error {
	if it.OK() {
		return nil
	}
	return &APIError{Status: it.httpStatus, Code: it.Code, Message: it.Message, Details: nonNil(it.Details)}
}

// Results is a multi-item answer: HTTP 200 (or 201) when every item succeeded, 207 when some
// did, 400 when none did. Items are in request order, one per distinct id or input object.
type Results struct {
	// StatusCode is the HTTP status of the answer.
	StatusCode int
	// Items is every item of the answer.
	Items []Item
}

// OK reports whether every item succeeded.
func (r Results) OK() bool { return len(r.Failed()) == 0 }

// Failed returns the items that did not succeed.
func (r Results) Failed() []Item {
	var out []Item
	for _, it := range r.Items {
		if !it.OK() {
			out = append(out, it)
		}
	}
	return out
}

// IDs returns details.id of every successful item, in order.
func (r Results) IDs() []string {
	var out []string
	for _, it := range r.Items {
		if it.OK() {
			out = append(out, it.ID())
		}
	}
	return out
}

// Err returns nil when every item succeeded and an *ItemsError otherwise.
func (r Results) Err() error {
	if r.OK() {
		return nil
	}
	return &ItemsError{StatusCode: r.StatusCode, Items: r.Items}
}

// ItemsError reports a multi-item answer in which some (HTTP 207) or all (HTTP 400) items failed.
// errors.Is matches the sentinel of any failed item's code, and errors.As finds the first failed
// item's *APIError.
type ItemsError struct {
	// StatusCode is the HTTP status of the answer.
	StatusCode int
	// Items is every item of the answer, successes included, in request order.
	Items []Item
}

// Failed returns the failed items.
func (e *ItemsError) Failed() []Item {
	return Results{StatusCode: e.StatusCode, Items: e.Items}.Failed()
}

// Error says how many items failed and why.
func (e *ItemsError) Error() string {
	failed := e.Failed()
	var b strings.Builder
	fmt.Fprintf(&b, "zcrm: %d of %d items failed (HTTP %d)", len(failed), len(e.Items), e.StatusCode)
	for i, it := range failed {
		if i == 3 {
			fmt.Fprintf(&b, "; …")
			break
		}
		fmt.Fprintf(&b, "; item %d: %s: %s", it.Index, it.Code, it.Message)
		switch id, p := it.ID(), detailString(it.Details, "json_path"); {
		case id != "":
			fmt.Fprintf(&b, " (id %s)", id)
		case it.RequestID != "" && p != "":
			fmt.Fprintf(&b, " (id %s, %s)", it.RequestID, p)
		case it.RequestID != "":
			fmt.Fprintf(&b, " (id %s)", it.RequestID)
		case p != "":
			fmt.Fprintf(&b, " (%s)", p)
		}
	}
	return b.String()
}

// Unwrap returns the *APIError of every failed item.
func (e *ItemsError) Unwrap() []error {
	var out []error
	for _, it := range e.Items {
		if err := it.Err(); err != nil {
			out = append(out, err)
		}
	}
	return out
}

func nonNil(d map[string]any) map[string]any {
	if d == nil {
		return map[string]any{}
	}
	return d
}
