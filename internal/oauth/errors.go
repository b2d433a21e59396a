package oauth

// Error is an accounts-server error. Zoho answers it with HTTP 200 and the body {"error":"<value>"};
// its clients only look for access_token and otherwise report the error value.
type Error string

func (e Error) Error() string { return string(e) }

// The token and revoke endpoints' errors. Zoho documents invalid_code and invalid_client; where it is
// silent, zcrm answers with the value named in the comment.
const (
	// ErrInvalidCode: the grant code or refresh token is missing, unknown, used, expired, revoked, or
	// belongs to another client (Zoho's word for all of these, refresh tokens included).
	ErrInvalidCode Error = "invalid_code"
	// ErrInvalidClient: client_id is missing or names no client; or the client does not belong to
	// the org of the grant code or refresh token, or named by client_credentials' soid (existing or
	// not): a client acts only in the orgs it was created in or granted.
	ErrInvalidClient Error = "invalid_client"
	// ErrInvalidClientSecret: client_secret is missing or wrong for the client.
	ErrInvalidClientSecret Error = "invalid_client_secret"
	// ErrInvalidRedirectURI: an authorization_code exchange whose redirect_uri is not the one the
	// consent step sent the code to.
	ErrInvalidRedirectURI Error = "invalid_redirect_uri"
	// ErrUnsupportedGrantType: grant_type is missing or not one this endpoint takes.
	ErrUnsupportedGrantType Error = "unsupported_grant_type"
	// ErrInvalidScope: client_credentials without a scope, with a malformed one, or without any ZohoCRM scope.
	ErrInvalidScope Error = "invalid_scope"
	// ErrInvalidRequest: the body cannot be parsed; client_credentials without a soid of the form
	// ZohoCRM.<org id>, or naming an org without an active Administrator; revoke without a token.
	ErrInvalidRequest Error = "invalid_request"
	// ErrInvalidRequestMethod: a method other than POST (sent with HTTP 405 and an Allow header).
	ErrInvalidRequestMethod Error = "invalid_request_method"
	// errServer: an internal failure (HTTP 500); the cause is logged, never sent.
	errServer Error = "server_error"
)
