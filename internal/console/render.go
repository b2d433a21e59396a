package console

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/zcrm/zcrm/internal/admin"
	"github.com/zcrm/zcrm/internal/crm"
)

// view is what every page template gets: the layout's parts and the page's own Data.
type view struct {
	Title string
	// Bare pages (sign in, errors before sign-in) have no navigation.
	Bare bool
	// Nav names the navigation entry of the page: orgs, records, cadences, oauth, outbox, journal,
	// control.
	Nav string
	// Org is the org the page is about (zero on server-wide pages); Orgs lists every org for the
	// switcher; Modules the org's API modules for the records menu.
	Org     crm.Org
	Orgs    []crm.Org
	Modules []moduleLink
	// Note and Error are the outcome of the last action (a flash cookie after a redirect) or of
	// this request.
	Note, Error string
	// SignOut shows the sign-out button (an admin token is set).
	SignOut bool
	Data    any
}

// moduleLink is one module in the records menu.
type moduleLink struct{ APIName, Plural string }

// pages holds one template set per page: the layout with the page's "content".
type pages struct {
	sets map[string]*template.Template
}

var funcs = template.FuncMap{
	"id":       crm.FormatID,
	"show":     show,
	"when":     func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 MST") },
	"jsonish":  jsonish,
	"short":    shortTime,
	"sortKeys": func() []string { return []string{crm.SortByID, crm.SortByCreatedTime, crm.SortByModifiedTime} },
	"edition":  func(e crm.Edition) bool { return e.AtLeast(crm.Enterprise) },
}

func parsePages() *pages {
	p := &pages{sets: map[string]*template.Template{}}
	base := template.Must(template.New("layout.html").Funcs(funcs).ParseFS(assets, "templates/layout.html"))
	names, err := fs.Glob(assets, "templates/*.html")
	if err != nil {
		panic(err)
	}
	for _, n := range names {
		name := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if name == "layout" {
			continue
		}
		p.sets[name] = template.Must(template.Must(base.Clone()).ParseFS(assets, n))
	}
	return p
}

// render writes page name with v, taking the flash left by the last action.
func (p *pages) render(w http.ResponseWriter, r *http.Request, status int, name string, v *view) {
	if ck, err := r.Cookie(flashCookie); err == nil {
		if vals, err := url.ParseQuery(ck.Value); err == nil {
			if v.Note == "" {
				v.Note = vals.Get("note")
			}
			if v.Error == "" {
				v.Error = vals.Get("error")
			}
		}
		http.SetCookie(w, &http.Cookie{Name: flashCookie, Path: Prefix, MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteStrictMode})
	}
	var buf bytes.Buffer
	if err := p.sets[name].ExecuteTemplate(&buf, "layout.html", v); err != nil {
		slog.Default().Error("console template", "page", name, "err", err)
		http.Error(w, "the console could not draw this page", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// error draws a page that only says what went wrong.
func (p *pages) error(w http.ResponseWriter, r *http.Request, status int, message string) {
	p.render(w, r, status, "message", &view{Title: http.StatusText(status), Bare: true, Error: message})
}

// flashCookie carries an action's outcome across its redirect (post, redirect, get).
const flashCookie = "zcrm_console_flash"

// done redirects to target with a note or an error for the next page.
func done(w http.ResponseWriter, r *http.Request, target, note, problem string) {
	vals := url.Values{}
	if note != "" {
		vals.Set("note", note)
	}
	if problem != "" {
		vals.Set("error", problem)
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: vals.Encode(), Path: Prefix, HttpOnly: true, SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// words says err to a person: a Zoho error as its code, message and details (the API's own words),
// an admin error as its message, a missing thing as such. ok is false for an internal failure,
// which the caller logs and words vaguely.
func words(err error) (string, bool) {
	var ze *crm.Error
	var ae *admin.Error
	var in *crm.InputError
	switch {
	case errors.As(err, &ze):
		return zohoWords(ze.Code, ze.Message, ze.Details), true
	case errors.As(err, &ae):
		return ae.Message, true
	case errors.As(err, &in):
		return in.Message, true
	case errors.Is(err, crm.ErrNotFound):
		return "Not found.", true
	case errors.Is(err, crm.ErrDuplicate):
		return "It already exists.", true
	}
	return "", false
}

// zohoWords is a Zoho error or item: "CODE: message (key: value, …)".
func zohoWords(code, message string, details map[string]any) string {
	s := code + ": " + message
	if len(details) > 0 {
		keys := make([]string, 0, len(details))
		for k := range details {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + ": " + show(details[k])
		}
		s += " (" + strings.Join(parts, ", ") + ")"
	}
	return s
}

// itemsWords says what a multi-item answer's failed items say; "" when every item succeeded.
func itemsWords(items []crm.Item) string {
	var out []string
	for _, it := range items {
		if !it.OK() {
			out = append(out, zohoWords(it.Code, it.Message, it.Details))
		}
	}
	return strings.Join(out, "; ")
}

// fail words err for the next page: known errors in words, anything else logged and said vaguely.
func (c *Console) fail(r *http.Request, err error) string {
	if s, ok := words(err); ok {
		return s
	}
	c.log.LogAttrs(r.Context(), slog.LevelWarn, "console action failed", slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Any("err", err))
	return "It failed: " + err.Error()
}

// show writes a record value for a table cell: lookups by name, lists joined, null empty.
func show(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		if x {
			return "yes"
		}
		return "no"
	case float64, int, int64, json.Number:
		return fmt.Sprint(x)
	case map[string]any:
		for _, k := range []string{"name", "full_name", "api_name", "email", "id"} {
			if s, ok := x[k].(string); ok && s != "" {
				return s
			}
		}
		return jsonish(x)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = show(e)
		}
		return strings.Join(parts, ", ")
	case []string:
		return strings.Join(x, ", ")
	}
	return jsonish(v)
}

// shortTime writes a Zoho time ("2026-12-08T06:04:46+00:00") as "2026-12-08 06:04 UTC" for a
// narrow table cell; anything else stays as it is.
func shortTime(s string) string {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return s
	}
	return t.UTC().Format("2006-01-02 15:04 MST")
}

// jsonish writes v as compact JSON.
func jsonish(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

func slogPath(r *http.Request) slog.Attr { return slog.String("path", r.URL.Path) }

func slogErr(err error) slog.Attr { return slog.Any("err", err) }
