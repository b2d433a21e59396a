package httpapi

import (
	"net/http"
	"testing"

	"github.com/zcrm/zcrm/internal/store/storetest"
)

// The URL-level errors come before authentication, and the auth errors before any handler.
func TestURLAndAuthErrors(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		tok := e.adminToken("ZohoCRM.modules.ALL")
		cases := []struct {
			name, method, path, auth string
			status                   int
			want                     string
		}{
			{"unknown path", "GET", "/crm/v8/a/b/c/d/e", tok, 404, `{"code":"INVALID_URL_PATTERN","details":{},"message":"Please check if the URL trying to access is a correct one","status":"error"}`},
			{"outside crm", "GET", "/nothing/here", "", 404, `{"code":"INVALID_URL_PATTERN","details":{},"message":"Please check if the URL trying to access is a correct one","status":"error"}`},
			{"empty segment", "GET", "/crm/v8//org", tok, 404, `{"code":"INVALID_URL_PATTERN","details":{},"message":"Please check if the URL trying to access is a correct one","status":"error"}`},
			{"dot-dot segment", "GET", "/crm/v8/Leads/../org", tok, 404, `{"code":"INVALID_URL_PATTERN","details":{},"message":"Please check if the URL trying to access is a correct one","status":"error"}`},
			{"dot segment outside crm", "POST", "/oauth/v2/./token", "", 404, `{"code":"INVALID_URL_PATTERN","details":{},"message":"Please check if the URL trying to access is a correct one","status":"error"}`},
			{"bad version", "GET", "/crm/vX/Leads", tok, 404, `{"code":"INVALID_URL_PATTERN","details":{},"message":"Please check if the URL trying to access is a correct one","status":"error"}`},
			{"unsupported version", "GET", "/crm/v9/Leads", tok, 400, `{"code":"API_NOT_SUPPORTED","details":{"supported_version":8},"message":"api not supported","status":"error"}`},
			{"wrong method", "PATCH", "/crm/v8/Leads", tok, 400, `{"code":"INVALID_REQUEST_METHOD","details":{},"message":"The http request method type is not a valid one","status":"error"}`},
			{"wrong method on literal route", "GET", "/crm/v8/Leads/actions/unenrol_from_cadences", tok, 400, `{"code":"INVALID_REQUEST_METHOD","details":{},"message":"The http request method type is not a valid one","status":"error"}`},
			{"no authorization", "GET", "/crm/v8/org", "", 401, `{"code":"AUTHENTICATION_FAILURE","details":{},"message":"Authentication failed","status":"error"}`},
			{"another scheme", "GET", "/crm/v8/org", "Basic " + tok, 401, `{"code":"AUTHENTICATION_FAILURE","details":{},"message":"Authentication failed","status":"error"}`},
			{"unknown token", "GET", "/crm/v8/org", "Zoho-oauthtoken 1000.abc.def", 401, `{"code":"INVALID_TOKEN","details":{},"message":"invalid oauth token","status":"error"}`},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				req, _ := http.NewRequest(c.method, e.srv.URL+c.path, nil)
				if c.auth == tok {
					req.Header.Set("Authorization", "Zoho-oauthtoken "+tok)
				} else if c.auth != "" {
					req.Header.Set("Authorization", c.auth)
				}
				res, err := e.srv.Client().Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer res.Body.Close()
				var buf [4096]byte
				n, _ := res.Body.Read(buf[:])
				response{status: res.StatusCode, header: res.Header, body: string(buf[:n])}.expect(t, c.status, c.want)
			})
		}
	})
}

// An expired token is INVALID_TOKEN.
func TestExpiredToken(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		tok := e.adminToken("ZohoCRM.org.ALL")
		e.clock.now = e.clock.now.Add(61 * 60 * 1e9)
		e.do("GET", "/crm/v8/org", tok, "").expect(t, 401, `{"code":"INVALID_TOKEN","details":{},"message":"invalid oauth token","status":"error"}`)
	})
}
