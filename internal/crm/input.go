package crm

import "fmt"

// InputError is a refusal of a value given to one of zcrm's own services — an org, user, profile,
// custom module or sharing rule made by the CLI, the console or a seed, or an OAuth client or grant
// code they ask for — where Zoho's API would answer an *Error. Field names the value refused as a
// seed document names it ("name", "admin_email", "edition", "email", "profile", "api_name",
// "module", "access", "client", "ttl"); Message says what to change, for whoever gave the value.
// Any other error of these services is an internal one.
type InputError struct {
	Field   string
	Message string
}

func (e *InputError) Error() string { return e.Message }

// Refuse returns an *InputError for field, its message formatted as fmt.Sprintf formats.
func Refuse(field, format string, args ...any) error {
	return &InputError{Field: field, Message: fmt.Sprintf(format, args...)}
}
