package client_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/zcrm/zcrm/client"
)

// Every common code matches its sentinel, also through wrapping.
func TestAPIErrorIs(t *testing.T) {
	for code, want := range map[string]error{
		"INVALID_TOKEN": client.ErrInvalidToken, "AUTHENTICATION_FAILURE": client.ErrAuthenticationFailed,
		"OAUTH_SCOPE_MISMATCH": client.ErrScopeMismatch, "NO_PERMISSION": client.ErrNoPermission,
		"AUTHORIZATION_FAILED": client.ErrAuthorizationFailed, "FEATURE_NOT_ENABLED": client.ErrFeatureNotEnabled,
		"INVALID_DATA": client.ErrInvalidData, "INVALID_MODULE": client.ErrInvalidModule, "NOT_SUPPORTED": client.ErrInvalidModule,
		"MANDATORY_NOT_FOUND": client.ErrMandatoryNotFound, "REQUIRED_PARAM_MISSING": client.ErrRequiredParamMissing,
		"DUPLICATE_DATA": client.ErrDuplicateData, "LIMIT_EXCEEDED": client.ErrLimitExceeded, "NOT_ALLOWED": client.ErrNotAllowed,
		"ALREADY_ACTIVATED": client.ErrAlreadyActivated, "ALREADY_DEACTIVATED": client.ErrAlreadyDeactivated,
		"UNABLE_TO_PARSE_DATA_TYPE": client.ErrUnparsable, "INVALID_URL_PATTERN": client.ErrInvalidURL,
		"INVALID_REQUEST_METHOD": client.ErrInvalidMethod, "API_NOT_SUPPORTED": client.ErrAPINotSupported,
		"TOO_MANY_REQUESTS": client.ErrTooManyRequests, "INTERNAL_ERROR": client.ErrInternal, "INTERNAL_SERVER_ERROR": client.ErrInternal,
	} {
		err := fmt.Errorf("wrapped: %w", &client.APIError{Status: 400, Code: code, Details: map[string]any{}})
		if !errors.Is(err, want) {
			t.Errorf("%s does not match %v", code, want)
		}
		if errors.Is(err, client.ErrNotFound) {
			t.Errorf("%s matches ErrNotFound", code)
		}
	}
	e := &client.APIError{Status: 429, Code: "SOMETHING_ELSE"}
	if !errors.Is(e, client.ErrTooManyRequests) {
		t.Error("any HTTP 429 should match ErrTooManyRequests")
	}
	if !errors.Is(&client.APIError{Code: "INVALID_DATA"}, &client.APIError{Code: "INVALID_DATA"}) {
		t.Error("an *APIError target with the same code should match")
	}
	e = &client.APIError{Status: 400, Code: "INVALID_DATA", Message: "the given id seems to be invalid", Details: map[string]any{"resource_path_index": 3}}
	if got, want := e.Error(), `zcrm: INVALID_DATA (HTTP 400): the given id seems to be invalid {"resource_path_index":3}`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	oe := &client.OAuthError{StatusCode: 200, Code: "invalid_client_secret"}
	if !errors.Is(oe, client.ErrInvalidClient) || errors.Is(oe, client.ErrInvalidCode) {
		t.Error("invalid_client_secret should match ErrInvalidClient only")
	}
	if !errors.Is(&client.OAuthError{StatusCode: 200, Code: "Access Denied"}, client.ErrTooManyRequests) {
		t.Error("the token endpoint's throttling should match ErrTooManyRequests")
	}
}

// A multi-item answer: Results says which items failed; the error lists them and unwraps to each.
func TestResultsAndItemsError(t *testing.T) {
	res := &client.Response{StatusCode: 207, Body: []byte(`{"data":[
		{"code":"SUCCESS","details":{"id":"3652397000000925128"},"message":"relation removed","status":"success"},
		{"code":"INVALID_DATA","details":{"id":"3652397000000649013"},"message":"relation not found","status":"error"},
		{"code":"MANDATORY_NOT_FOUND","details":{"api_name":"ids","json_path":"$.ids[2]"},"message":"required field not found","status":"error"}]}`)}
	r, err := res.Items("data")
	if r.OK() || len(r.Failed()) != 2 || len(r.IDs()) != 1 || r.IDs()[0] != "3652397000000925128" {
		t.Fatalf("results = %+v", r)
	}
	if r.Items[2].Index != 2 || r.Items[2].Err().(*client.APIError).Status != 207 {
		t.Fatalf("item 2 = %+v", r.Items[2])
	}
	if !errors.Is(err, client.ErrInvalidData) || !errors.Is(err, client.ErrMandatoryNotFound) || errors.Is(err, client.ErrNoPermission) {
		t.Fatalf("errors.Is over items wrong for %v", err)
	}
	want := "zcrm: 2 of 3 items failed (HTTP 207); item 1: INVALID_DATA: relation not found (id 3652397000000649013); item 2: MANDATORY_NOT_FOUND: required field not found ($.ids[2])"
	if err.Error() != want {
		t.Fatalf("Error() = %q\nwant      %q", err, want)
	}
	// A single error object under a multi-item call is a request-level *APIError.
	res = &client.Response{StatusCode: 401, Body: []byte(`{"code":"INVALID_TOKEN","details":{},"message":"invalid oauth token","status":"error"}`)}
	if _, err := res.Items("data"); !errors.Is(err, client.ErrInvalidToken) {
		t.Fatalf("err = %v", err)
	}
	// A non-JSON body still becomes an *APIError with the status.
	res = &client.Response{StatusCode: 502, Body: []byte(`<html>bad gateway</html>`)}
	_, err = res.Items("data")
	var ae *client.APIError
	if !errors.As(err, &ae) || ae.Status != 502 || ae.Code != "" {
		t.Fatalf("err = %#v", err)
	}
}

// The Get Cadences sample of the seed decodes, custom_view.id as a bare number included.
func TestDecodeSeedCadences(t *testing.T) {
	res := &client.Response{StatusCode: 200, Body: []byte(`{"cadences":[{"summary":{"task_follow_up_count":1,"call_follow_up_count":1,"email_follow_up_count":1},
	"created_time":"2024-07-17T20:38:22-0700","module":{"api_name":"Contacts","id":"3652397000000002179"},"active":true,
	"execution_details":{"unenroll_properties":{"end_date":"","type":"respond_email"},"end_date":"","automatic_unenroll":false,"type":"respond_email","execute_every":{"unit":1,"period":"hours"}},
	"published":true,"type":"Custom view","created_by":{"name":"Patricia Boyle","id":"3652397000000186017"},"modified_time":"2024-07-17T23:01:40-0700",
	"name":"CadenceTest1","modified_by":{"name":"Patricia Boyle","id":"3652397000000186017"},"id":"3652397000017949001",
	"custom_view":{"name":"All Contacts","id":3652397000000087529},"status":"active"},
	{"summary":{"task_follow_up_count":0,"call_follow_up_count":0,"email_follow_up_count":1},"created_time":"2024-07-17T23:06:07-0700",
	"module":{"api_name":"Contacts","id":"3652397000000002179"},"active":false,"execution_details":null,"published":true,"type":"Manual enrollment",
	"created_by":{"name":"Patricia Boyle","id":"3652397000000186017"},"modified_time":"2024-07-17T23:34:40-0700","name":"test 2",
	"modified_by":{"name":"Patricia Boyle","id":"3652397000000186017"},"id":"3652397000017985012","custom_view":null,"status":"inactive"}],
	"info":{"per_page":50,"count":2,"page":1,"more_records":false}}`)}
	var p client.CadencePage
	if err := res.JSON(&p); err != nil {
		t.Fatal(err)
	}
	first, second := p.Cadences[0], p.Cadences[1]
	if first.CustomView == nil || first.CustomView.ID != "3652397000000087529" || first.Summary.EmailFollowUpCount != 1 {
		t.Fatalf("first = %+v", first)
	}
	ed := first.ExecutionDetails
	if ed == nil || ed.Type != "respond_email" || ed.ExecuteEvery.Period != "hours" || len(ed.UnenrollProperties) != 1 || ed.UnenrollProperties[0].Type != "respond_email" {
		t.Fatalf("execution details = %+v", ed)
	}
	if second.CustomView != nil || second.ExecutionDetails != nil || second.Status != "inactive" || p.Info.PerPage != 50 {
		t.Fatalf("second = %+v", second)
	}
	created, err := client.ParseTime(first.CreatedTime)
	if err != nil || created.UTC().Hour() != 3 {
		t.Fatalf("created = %v, %v", created, err)
	}
	if _, err := client.ParseTime("2024-07-17T20:38:22+00:00"); err != nil {
		t.Fatal(err)
	}
}
