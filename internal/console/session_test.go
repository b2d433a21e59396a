package console

import (
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

// A session cookie opens the console of its token for SessionTTL from signing in, and no longer; a
// cookie of another token, or one whose time was altered, opens nothing.
func TestSessionCookieExpires(t *testing.T) {
	signedIn := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	s := newSessions("s3cret-admin")
	s.now = func() time.Time { return signedIn }
	rec := httptest.NewRecorder()
	s.setCookie(rec, httptest.NewRequest("POST", "/console/signin", nil))
	cookie := rec.Result().Cookies()[0]
	if cookie.MaxAge != int(SessionTTL/time.Second) || strings.Contains(cookie.Value, "s3cret") {
		t.Fatalf("cookie %+v", cookie)
	}
	allowedAt := func(at time.Time, value string) bool {
		s.now = func() time.Time { return at }
		r := httptest.NewRequest("GET", "/console/orgs", nil)
		r.Header.Set("Cookie", cookieName+"="+value)
		status, _ := s.allow(r)
		return status == 0
	}
	if !allowedAt(signedIn.Add(SessionTTL-time.Minute), cookie.Value) {
		t.Error("the session closed before SessionTTL")
	}
	if allowedAt(signedIn.Add(SessionTTL), cookie.Value) {
		t.Error("the session outlived SessionTTL")
	}
	other := newSessions("another-token")
	if allowedAt(signedIn, other.cookieAt(signedIn)) {
		t.Error("another token's cookie opened the console")
	}
	_, mac, _ := strings.Cut(cookie.Value, ".")
	later := signedIn.Add(SessionTTL)
	if allowedAt(later.Add(time.Hour), strconv.FormatInt(later.Unix(), 10)+"."+mac) {
		t.Error("a cookie with its time altered opened the console")
	}
	if allowedAt(signedIn, s.cookieAt(signedIn.Add(time.Hour))) {
		t.Error("a cookie issued in the future opened the console")
	}
}
