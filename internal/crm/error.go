package crm

import (
	"fmt"
	"net/http"
)

// Error is a Zoho CRM API error: the HTTP status, Zoho's code, its exact message and its details
// object. Handlers return it; one writer in httpapi renders it as
// {"code":…,"details":…,"message":…,"status":"error"}.
type Error struct {
	Status  int
	Code    string
	Message string
	Details map[string]any
}

func (e *Error) Error() string { return fmt.Sprintf("%s (%d): %s", e.Code, e.Status, e.Message) }

// Item renders e as one element of a multi-item answer.
func (e *Error) Item() Item {
	return Item{Code: e.Code, Details: nonNil(e.Details), Message: e.Message, Status: "error"}
}

// ItemFor renders e as one element of a multi-item answer about the record id: its details are
// {"id": id}, whatever e's own.
func (e *Error) ItemFor(id int64) Item {
	return Item{Code: e.Code, Message: e.Message, Status: "error", id: FormatID(id)}
}

// NewError returns an Error with the given parts; nil details become {}.
func NewError(status int, code, message string, details map[string]any) *Error {
	return &Error{Status: status, Code: code, Message: message, Details: nonNil(details)}
}

func nonNil(d map[string]any) map[string]any {
	if d == nil {
		return map[string]any{}
	}
	return d
}

// ErrURLPattern is 404 INVALID_URL_PATTERN: the path matches no API.
func ErrURLPattern() *Error {
	return NewError(http.StatusNotFound, "INVALID_URL_PATTERN", MsgCheckURL, nil)
}

// ErrRequestMethod is 400 INVALID_REQUEST_METHOD: a known path with a method it does not serve.
func ErrRequestMethod() *Error {
	return NewError(http.StatusBadRequest, "INVALID_REQUEST_METHOD", MsgRequestMethodInvalid, nil)
}

// ErrInvalidModule is 400 INVALID_MODULE for an unknown module at path segment index.
func ErrInvalidModule(index int) *Error {
	return NewError(http.StatusBadRequest, "INVALID_MODULE", MsgModuleNameInvalid, map[string]any{"resource_path_index": index})
}

// ErrModuleNotInAPI is 400 INVALID_MODULE for a module that exists but the API does not serve.
func ErrModuleNotInAPI(index int) *Error {
	return NewError(http.StatusBadRequest, "INVALID_MODULE", MsgModuleNotSupportedInAPI, map[string]any{"resource_path_index": index})
}

// ErrPathID is 400 INVALID_DATA for a bad id at path segment index, with the given message.
func ErrPathID(message string, index int) *Error {
	return NewError(http.StatusBadRequest, "INVALID_DATA", message, map[string]any{"resource_path_index": index})
}

// ErrUnparsable is 400 UNABLE_TO_PARSE_DATA_TYPE: a body or parameter in the wrong format.
func ErrUnparsable() *Error {
	return NewError(http.StatusBadRequest, "UNABLE_TO_PARSE_DATA_TYPE", MsgWrongFormat, nil)
}

// ErrParamMissing is 400 REQUIRED_PARAM_MISSING for the named query parameter.
func ErrParamMissing(param string) *Error {
	return NewError(http.StatusBadRequest, "REQUIRED_PARAM_MISSING", MsgExpectedParamMissing, map[string]any{"param_name": param})
}

// ErrAuthFailure is 401 AUTHENTICATION_FAILURE: no Authorization header, or not a Zoho-oauthtoken one.
func ErrAuthFailure() *Error {
	return NewError(http.StatusUnauthorized, "AUTHENTICATION_FAILURE", MsgAuthenticationFailed, nil)
}

// ErrInvalidToken is 401 INVALID_TOKEN: unknown, expired or revoked access token.
func ErrInvalidToken() *Error {
	return NewError(http.StatusUnauthorized, "INVALID_TOKEN", MsgInvalidOAuthToken, nil)
}

// ErrScopeMismatch is 401 OAUTH_SCOPE_MISMATCH: the token has none of the scopes the endpoint accepts.
func ErrScopeMismatch() *Error {
	return NewError(http.StatusUnauthorized, "OAUTH_SCOPE_MISMATCH", MsgInvalidOAuthScope, nil)
}

// ErrNoPermission is 403 NO_PERMISSION with the missing permissions.
func ErrNoPermission(message string, permissions ...string) *Error {
	return NewError(http.StatusForbidden, "NO_PERMISSION", message, map[string]any{"permissions": permissions})
}

// ErrFeatureNotEnabled is 403 FEATURE_NOT_ENABLED: the org's edition lacks the feature.
func ErrFeatureNotEnabled() *Error {
	return NewError(http.StatusForbidden, "FEATURE_NOT_ENABLED", MsgFeatureNotInEdition, nil)
}

// ErrAuthorizationFailed is 400 AUTHORIZATION_FAILED: data sharing forbids the change.
func ErrAuthorizationFailed(message string) *Error {
	return NewError(http.StatusBadRequest, "AUTHORIZATION_FAILED", message, nil)
}

// ErrInvalidData is 400 INVALID_DATA with the given message and details.
func ErrInvalidData(message string, details map[string]any) *Error {
	return NewError(http.StatusBadRequest, "INVALID_DATA", message, details)
}

// ErrMandatory is 400 MANDATORY_NOT_FOUND with the given message and details.
func ErrMandatory(message string, details map[string]any) *Error {
	return NewError(http.StatusBadRequest, "MANDATORY_NOT_FOUND", message, details)
}

// ErrInternal is 500 INTERNAL_ERROR; its body never carries internals.
func ErrInternal() *Error {
	return NewError(http.StatusInternalServerError, "INTERNAL_ERROR", MsgInternalServerError, nil)
}

// ErrCadenceInternal is the cadence APIs' 500: their documents name it INTERNAL_SERVER_ERROR.
func ErrCadenceInternal() *Error {
	return NewError(http.StatusInternalServerError, "INTERNAL_SERVER_ERROR", MsgInternalServerErrorOccurred, nil)
}

// APIPath is a details value naming a JSON input: {"api_name":…,"json_path":…}.
func APIPath(apiName, jsonPath string) map[string]any {
	return map[string]any{"api_name": apiName, "json_path": jsonPath}
}
