package console

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/zcrm/zcrm/internal/admin"
)

// cookieName is the console's session cookie.
const cookieName = "zcrm_console"

// sessions is the console's access rule, the admin API's (internal/admin http.go): with an admin
// token, a request needs the session cookie that signing in with the token set (or the admin API's
// own "Authorization: Bearer <admin token>"); without one, a loopback client. The cookie holds the
// time it was issued and an HMAC-SHA256 of it keyed by the token, never the token: it opens the
// console of this token only, for SessionTTL of real time, in every zcrm process on the database;
// changing the token closes every session. CRM API tokens never open the console: they are not the
// admin token.
type sessions struct {
	hash [sha256.Size]byte // of the admin token; zero when none is set
	key  []byte            // the cookies' HMAC key: the admin token; nil when none is set
	now  func() time.Time  // real time (the control plane's clock does not move sessions)
}

// SessionTTL is how long a console session lasts from signing in.
const SessionTTL = 12 * time.Hour

func newSessions(token string) sessions {
	if token == "" {
		return sessions{now: time.Now}
	}
	return sessions{hash: sha256.Sum256([]byte(token)), key: []byte(token), now: time.Now}
}

// cookieAt is the session cookie's value for a session opened at issued: "<unix seconds>.<mac>".
func (s sessions) cookieAt(issued time.Time) string {
	at := strconv.FormatInt(issued.Unix(), 10)
	mac := hmac.New(sha256.New, s.key)
	mac.Write([]byte("zcrm console session v2 " + at))
	return at + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// validCookie reports whether v is a session cookie of this token, issued less than SessionTTL ago.
func (s sessions) validCookie(v string) bool {
	at, _, ok := strings.Cut(v, ".")
	sec, err := strconv.ParseInt(at, 10, 64)
	if !ok || err != nil || subtle.ConstantTimeCompare([]byte(v), []byte(s.cookieAt(time.Unix(sec, 0)))) != 1 {
		return false
	}
	age := s.now().Sub(time.Unix(sec, 0))
	return age > -time.Minute && age < SessionTTL
}

// tokenSet reports whether an admin token guards the console.
func (s sessions) tokenSet() bool { return s.key != nil }

// allow returns 0 when r may use the console, or the status and the reason to refuse it.
func (s sessions) allow(r *http.Request) (int, string) {
	if !s.tokenSet() {
		if admin.Loopback(r.RemoteAddr) {
			return 0, ""
		}
		return http.StatusForbidden, "The console serves loopback clients only; start zcrm serve with --admin-token (ZCRM_ADMIN_TOKEN) to reach it from elsewhere."
	}
	if ck, err := r.Cookie(cookieName); err == nil && s.validCookie(ck.Value) {
		return 0, ""
	}
	if scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " "); ok && strings.EqualFold(scheme, "Bearer") && s.tokenIs(strings.TrimSpace(token)) {
		return 0, ""
	}
	return http.StatusUnauthorized, "Sign in with the admin token to use the console."
}

// tokenIs reports whether token is the admin token; hashes have one length, so the comparison's
// time tells nothing of the token's.
func (s sessions) tokenIs(token string) bool {
	got := sha256.Sum256([]byte(token))
	return token != "" && subtle.ConstantTimeCompare(got[:], s.hash[:]) == 1
}

// setCookie opens a session.
func (s sessions) setCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: s.cookieAt(s.now()), Path: Prefix, HttpOnly: true,
		MaxAge: int(SessionTTL / time.Second), SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil})
}

// clearCookie closes the session in this browser.
func clearCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: "", Path: Prefix, MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteStrictMode})
}

// sameOrigin is the console's CSRF check on POSTs, beside the SameSite=Strict cookie (which
// browsers do not send on another site's POST): the Origin header, or the Referer when a browser
// sends no Origin, must name the console's own host. A POST with neither is refused, so a form on
// another site cannot act even for a loopback client, which needs no cookie.
func sameOrigin(r *http.Request) bool {
	from := r.Header.Get("Origin")
	if from == "" {
		from = r.Header.Get("Referer")
	}
	if from == "" || from == "null" {
		return false
	}
	u, err := url.Parse(from)
	return err == nil && u.Host != "" && strings.EqualFold(u.Host, r.Host)
}

// signinPage shows the sign-in form; without an admin token there is nothing to sign in with.
func (c *Console) signinPage(w http.ResponseWriter, r *http.Request) {
	if !c.auth.tokenSet() {
		http.Redirect(w, r, "/console/orgs", http.StatusSeeOther)
		return
	}
	c.pages.render(w, r, http.StatusOK, "signin", &view{Title: "Sign in", Bare: true})
}

// signin checks the admin token of the form and opens a session.
func (c *Console) signin(w http.ResponseWriter, r *http.Request) {
	if !c.auth.tokenSet() {
		http.Redirect(w, r, "/console/orgs", http.StatusSeeOther)
		return
	}
	if !c.auth.tokenIs(strings.TrimSpace(r.PostFormValue("token"))) {
		c.pages.render(w, r, http.StatusUnauthorized, "signin", &view{Title: "Sign in", Bare: true,
			Error: "That is not the admin token (zcrm serve --admin-token). CRM API tokens do not open the console."})
		return
	}
	c.auth.setCookie(w, r)
	http.Redirect(w, r, "/console/orgs", http.StatusSeeOther)
}

// signout closes the session.
func (c *Console) signout(w http.ResponseWriter, r *http.Request) {
	clearCookie(w)
	http.Redirect(w, r, "/console/signin", http.StatusSeeOther)
}
