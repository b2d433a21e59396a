package oauth

import (
	"context"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/zcrm/zcrm/internal/crm"
)

// The browser consent step of Zoho's web-based flow (accounts "web-apps/authorization"):
// GET {accounts}/oauth/v2/auth?response_type=code&client_id=…&scope=…&redirect_uri=…
// [&access_type=offline|online][&state=…][&prompt=consent] shows the scopes to the user; on
// approval the browser goes to redirect_uri?state=…&code=…&location=us&accounts-server=…, the
// code valid for 2 minutes. zcrm has no passwords: the page lets the person pick the org (one the
// client belongs to) and the active user the code is for, which is what a test of a web app's
// login needs. A code is worth nothing without the client's secret and comes back only to a
// redirect URI registered for the client, so the page needs no sign-in of its own.
//
// What Zoho's page does, kept: an unknown client_id or a redirect_uri the client has not
// registered is an error page (nothing is sent to an untrusted URI); other mistakes go back to
// redirect_uri with error= (unsupported_response_type, invalid_scope, invalid_request), and a
// denial with error=access_denied. access_type defaults to online, whose code gives no refresh
// token; the exchange must name the same redirect_uri.

// ConsentPath is where the consent page posts the person's decision.
const ConsentPath = AuthPath + "/consent"

// WebGrantTTL is how long a code from the consent step lives (Zoho: 2 minutes).
const WebGrantTTL = 2 * time.Minute

// location is the data center a zcrm code belongs to, as Zoho's redirect names it.
const location = "us"

// authRequest is one validated authorization request.
type authRequest struct {
	client                           crm.Client
	redirectURI, state, accessType   string
	scopes                           []string
	scopeParam, responseType, prompt string
}

// pageError is a failure shown on zcrm's page because nothing may be sent to the redirect URI.
type pageError struct{ title, detail string }

func (e *pageError) Error() string { return e.title }

// readAuthRequest validates the request's parameters. A *pageError means the request cannot be
// answered at its redirect URI; an Error (the error= value) means it can.
func readAuthRequest(ctx context.Context, tx crm.Tx, p url.Values) (authRequest, error) {
	a := authRequest{redirectURI: p.Get("redirect_uri"), state: p.Get("state"), accessType: p.Get("access_type"),
		scopeParam: p.Get("scope"), responseType: p.Get("response_type"), prompt: p.Get("prompt")}
	client, err := tx.ClientByClientID(ctx, p.Get("client_id"))
	if errors.Is(err, crm.ErrNotFound) {
		return a, &pageError{"Invalid Client", "No client has the client_id this request names."}
	} else if err != nil {
		return a, err
	}
	a.client = client
	if a.redirectURI == "" || !slices.Contains(client.RedirectURIs, a.redirectURI) {
		return a, &pageError{"Invalid Redirect Uri", "The redirect_uri is not one of the client's authorized redirect URIs."}
	}
	if a.responseType != "code" {
		return a, Error("unsupported_response_type")
	}
	if a.scopes, err = CheckScopes(a.scopeParam); err != nil {
		return a, ErrInvalidScope
	}
	switch a.accessType {
	case "":
		a.accessType = "online"
	case "online", "offline":
	default:
		return a, ErrInvalidRequest
	}
	return a, nil
}

// redirect is the request's redirect URI with the answer's parameters, state first as Zoho sends it.
func (a authRequest) redirect(params ...string) string {
	var q []string
	if a.state != "" {
		q = append(q, "state="+url.QueryEscape(a.state))
	}
	for i := 0; i+1 < len(params); i += 2 {
		q = append(q, params[i]+"="+url.QueryEscape(params[i+1]))
	}
	sep := "?"
	if strings.Contains(a.redirectURI, "?") {
		sep = "&"
	}
	return a.redirectURI + sep + strings.Join(q, "&")
}

// consentChoice is one org and user the code may be for.
type consentChoice struct {
	Value, Label string
}

// consentChoices lists the active users of every org the client belongs to.
func consentChoices(ctx context.Context, tx crm.Tx, client crm.Client) ([]consentChoice, error) {
	orgs, err := tx.Orgs(ctx)
	if err != nil {
		return nil, err
	}
	var out []consentChoice
	for _, o := range orgs {
		in, err := InOrg(ctx, tx, client, o.ID)
		if err != nil {
			return nil, err
		}
		if !in {
			continue
		}
		users, err := tx.Users(ctx, o.ID)
		if err != nil {
			return nil, err
		}
		for _, u := range users {
			if u.Status == "active" {
				out = append(out, consentChoice{strconv.FormatInt(o.ID, 10) + ":" + strconv.FormatInt(u.ID, 10),
					o.Name + " — " + u.FullName() + " <" + u.Email + ">"})
			}
		}
	}
	return out, nil
}

// serveAuthorize is GET /oauth/v2/auth: the consent page, or the request's error.
func (s *Service) serveAuthorize(w http.ResponseWriter, r *http.Request) {
	var a authRequest
	var choices []consentChoice
	err := s.Store.Read(r.Context(), func(tx crm.Tx) error {
		var err error
		if a, err = readAuthRequest(r.Context(), tx, r.URL.Query()); err != nil {
			return err
		}
		choices, err = consentChoices(r.Context(), tx, a.client)
		return err
	})
	if err != nil {
		s.authFailed(w, r, a, err)
		return
	}
	page := consentPage{Action: ConsentPath, Client: a.client.Name, Scopes: a.scopes, Choices: choices,
		Hidden: [][2]string{{"client_id", a.client.ClientID}, {"redirect_uri", a.redirectURI}, {"scope", a.scopeParam},
			{"response_type", a.responseType}, {"access_type", a.accessType}, {"state", a.state}, {"prompt", a.prompt}}}
	writePage(w, http.StatusOK, page)
}

// serveConsent is POST /oauth/v2/auth/consent: the person's decision, answered at the redirect URI.
func (s *Service) serveConsent(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		methodNotAllowed(w, http.MethodPost)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxParamBytes)
	if err := r.ParseForm(); err != nil {
		writePage(w, http.StatusBadRequest, consentPage{Error: &pageError{"Invalid Request", "The form could not be read."}})
		return
	}
	p := r.PostForm
	var a authRequest
	var code string
	err := s.Store.Write(detached(r), func(tx crm.Tx) error {
		var err error
		if a, err = readAuthRequest(r.Context(), tx, p); err != nil || p.Get("decision") != "approve" {
			return err
		}
		orgID, userID, ok := parseChoice(p.Get("user"))
		if !ok {
			return ErrInvalidRequest
		}
		if err := inOrg(r.Context(), tx, a.client, orgID); err != nil {
			return ErrInvalidRequest
		}
		user, err := activeUser(r.Context(), tx, orgID, userID)
		if err != nil {
			if errors.Is(err, ErrInvalidCode) {
				return ErrInvalidRequest
			}
			return err
		}
		code, err = issueGrant(r.Context(), tx, a.client, user, a.scopes, WebGrantTTL, a.redirectURI, a.accessType == "online")
		return err
	})
	switch {
	case err != nil:
		s.authFailed(w, r, a, err)
	case p.Get("decision") != "approve":
		http.Redirect(w, r, a.redirect("error", "access_denied"), http.StatusFound)
	default:
		http.Redirect(w, r, a.redirect("code", code, "location", location, "accounts-server", s.PublicURL), http.StatusFound)
	}
}

// authFailed answers a failed authorization request: a page when its redirect URI is not to be
// trusted, a redirect with error= when it is, a 500 page for an internal failure.
func (s *Service) authFailed(w http.ResponseWriter, r *http.Request, a authRequest, err error) {
	var pe *pageError
	var oe Error
	switch {
	case errors.As(err, &pe):
		writePage(w, http.StatusBadRequest, consentPage{Error: pe})
	case errors.As(err, &oe):
		http.Redirect(w, r, a.redirect("error", string(oe)), http.StatusFound)
	default:
		s.logger().ErrorContext(r.Context(), "oauth consent failed", "err", err)
		writePage(w, http.StatusInternalServerError, consentPage{Error: &pageError{"Server Error", "Try again."}})
	}
}

// parseChoice reads an "org:user" choice.
func parseChoice(v string) (orgID, userID int64, ok bool) {
	o, u, found := strings.Cut(v, ":")
	if !found {
		return 0, 0, false
	}
	orgID, err1 := strconv.ParseInt(o, 10, 64)
	userID, err2 := strconv.ParseInt(u, 10, 64)
	return orgID, userID, err1 == nil && err2 == nil
}

// consentPage is what the page template shows: the request and its choices, or an error.
type consentPage struct {
	Action  string
	Client  string
	Scopes  []string
	Choices []consentChoice
	Hidden  [][2]string
	Error   *pageError
}

func writePage(w http.ResponseWriter, status int, page consentPage) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Frame-Options", "DENY")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action *")
	w.WriteHeader(status)
	_ = consentTemplate.Execute(w, page) // the client is gone if this fails
}

var consentTemplate = template.Must(template.New("consent").Funcs(template.FuncMap{
	"title": func(e *pageError) string { return e.title }, "detail": func(e *pageError) string { return e.detail },
}).Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{if .Error}}{{title .Error}}{{else}}Authorize {{.Client}}{{end}} — zcrm accounts</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem;color:#1d2330}
h1{font-size:1.4rem}ul{padding-left:1.2rem}label{display:block;margin:1rem 0 .3rem;font-weight:600}
select,button{font-size:1rem;padding:.45rem .7rem}button{margin:1rem .5rem 0 0;border-radius:4px;border:1px solid #245;cursor:pointer}
button[value=approve]{background:#245;color:#fff}:focus-visible{outline:3px solid #f90;outline-offset:2px}</style></head>
<body><main>
{{if .Error}}<h1>{{title .Error}}</h1><p>{{detail .Error}}</p>
{{else}}<h1><strong>{{.Client}}</strong> would like to access your Zoho CRM data</h1>
<p>It asks for these scopes:</p><ul>{{range .Scopes}}<li><code>{{.}}</code></li>{{end}}</ul>
<form method="post" action="{{.Action}}">
{{range .Hidden}}<input type="hidden" name="{{index . 0}}" value="{{index . 1}}">{{end}}
<label for="user">Sign in as</label>
<select id="user" name="user" required>{{range .Choices}}<option value="{{.Value}}">{{.Label}}</option>{{end}}</select>
{{if not .Choices}}<p>No active user of an org this client belongs to.</p>{{end}}
<div><button type="submit" name="decision" value="approve">Accept</button><button type="submit" name="decision" value="deny">Deny</button></div>
</form>{{end}}
</main></body></html>
`))
