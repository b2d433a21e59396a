package console

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"

	"github.com/zcrm/zcrm/internal/admin"
)

// cookieName is the console's session cookie.
const cookieName = "zcrm_console"

// sessions is the console's access rule, the admin API's (internal/admin http.go): with an admin
// token, a request needs the session cookie that signing in with the token set (or the admin API's
// own "Authorization: Bearer <admin token>"); without one, a loopback client. The cookie holds an
// HMAC-SHA256 of a fixed label keyed by the token, never the token: it opens the console of this
// token only, every zcrm process on the database accepts it, and changing the token closes every
// session. CRM API tokens never open the console: they are not the admin token.
type sessions struct {
	hash   [sha256.Size]byte // of the admin token; zero when none is set
	cookie string            // the session cookie's value; "" when no token is set
}

func newSessions(token string) sessions {
	if token == "" {
		return sessions{}
	}
	mac := hmac.New(sha256.New, []byte(token))
	mac.Write([]byte("zcrm console session v1"))
	return sessions{hash: sha256.Sum256([]byte(token)), cookie: base64.RawURLEncoding.EncodeToString(mac.Sum(nil))}
}

// tokenSet reports whether an admin token guards the console.
func (s sessions) tokenSet() bool { return s.cookie != "" }

// allow returns 0 when r may use the console, or the status and the reason to refuse it.
func (s sessions) allow(r *http.Request) (int, string) {
	if !s.tokenSet() {
		if admin.Loopback(r.RemoteAddr) {
			return 0, ""
		}
		return http.StatusForbidden, "The console serves loopback clients only; start zcrm serve with --admin-token (ZCRM_ADMIN_TOKEN) to reach it from elsewhere."
	}
	if ck, err := r.Cookie(cookieName); err == nil && subtle.ConstantTimeCompare([]byte(ck.Value), []byte(s.cookie)) == 1 {
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
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: s.cookie, Path: Prefix, HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil})
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
