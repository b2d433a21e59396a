// Package oastest checks zcrm's responses against Zoho's own OpenAPI files (../shared/zoho-oas/v8.0
// next to the module root) from tests. It loads a file with kin-openapi, maps every remote $ref
// ending in /v8.0/<file>.json#/… to the local copy of that file, and validates a response body
// against the schema the file documents for the method, path and status.
//
// Zoho's files are coarse, so the loader reads them with two deliberate leniencies, both cases
// where the seeds and live payloads disagree with the files:
//   - every schema is nullable (the files almost never say so, yet Zoho answers null for absent
//     objects: execution_details and custom_view in Get Cadences, lookups in records);
//   - oneOf is read as anyOf (the files use oneOf for unions whose alternatives overlap, e.g.
//     BodyErrorDetails and InvalidValueDetails both match {api_name, json_path}).
//
// A $ref into a v8.0 file that is not in the shared folder (layouts.json, tags.json, …) accepts any
// value.
//
// The shared folder lives outside the repository, so, like the PostgreSQL and Node.js SDK runs, the
// checks against it run when it is there and are skipped with a one-line reason when it is not —
// except on CI (CI set), where a missing folder fails the test. Dir applies that rule; a missing
// file inside a folder that is there always fails.
package oastest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// Body is a response body as tests hold it.
type Body interface{ ~string | ~[]byte }

// ValidateResponse fails t unless file documents status for method and path and body matches the
// documented schema (for a response without content, such as 204: unless body is empty). path is
// the request path as sent, e.g. /crm/v2.1/Leads/actions/enrol_in_cadences?x=1: the query is
// dropped and any /crm/{version}/ prefix is read as /crm/v8/.
func ValidateResponse[B Body](t testing.TB, file, method, path string, status int, body B) {
	t.Helper()
	if _, ok := Dir(t); !ok {
		return
	}
	doc, err := Load(file)
	if err != nil {
		t.Fatalf("oastest: %v", err)
		return // for a testing.TB whose Fatalf does not stop the goroutine
	}
	if err := Validate(doc, method, path, status, []byte(body)); err != nil {
		t.Errorf("oastest: %s %s → %d does not match %s: %v\nbody: %s", method, path, status, file, err, body)
	}
}

// Documented reports whether file documents a response with status for method and path; it fails
// t when the file cannot be loaded, and reports false when Dir skips the check.
func Documented(t testing.TB, file, method, path string, status int) bool {
	t.Helper()
	if _, ok := Dir(t); !ok {
		return false
	}
	doc, err := Load(file)
	if err != nil {
		t.Fatalf("oastest: %v", err)
		return false
	}
	_, err = response(doc, method, path, status)
	return err == nil
}

// ErrUndocumented is wrapped by Validate's error when the file has no such operation or status.
var ErrUndocumented = errors.New("not documented")

var (
	cacheMu sync.Mutex
	cache   = map[string]*openapi3.T{}
)

// Load returns the named file of the shared v8.0 folder (e.g. "cadences.json"), loaded once per
// process with its references resolved.
func Load(file string) (*openapi3.T, error) {
	cacheMu.Lock()
	defer cacheMu.Unlock()
	if doc, ok := cache[file]; ok {
		return doc, nil
	}
	dir, err := SpecDir()
	if err != nil {
		return nil, err
	}
	doc, err := LoadFrom(dir, file)
	if err != nil {
		return nil, err
	}
	cache[file] = doc
	return doc, nil
}

// ErrMissing is wrapped by SpecDir's error when the shared folder is not next to the module root
// (a fresh clone elsewhere): the one case Dir may skip instead of failing.
var ErrMissing = errors.New("the Zoho OpenAPI folder is missing")

// Dir returns the folder of Zoho's v8.0 files for a test that checks responses against them. When
// the folder is missing, off CI it logs once per test that the OpenAPI checks are skipped and
// reports false, so that the rest of the test still runs; on CI (CI set) it fails tb instead, so
// that CI never passes with the checks silently skipped. Any other error fails tb.
func Dir(tb testing.TB) (string, bool) {
	tb.Helper()
	dir, reason := lookup(tb)
	if reason != "" {
		if _, logged := skipNoted.LoadOrStore(tb, true); !logged {
			tb.Cleanup(func() { skipNoted.Delete(tb) })
			tb.Log(reason)
		}
		return "", false
	}
	return dir, dir != ""
}

// Require is Dir for a test that checks nothing but Zoho's files: off CI, a missing folder skips
// the whole test.
func Require(tb testing.TB) string {
	tb.Helper()
	dir, reason := lookup(tb)
	if reason != "" {
		tb.Skip(reason)
	}
	return dir
}

// skipNoted holds the tests Dir has already told that their OpenAPI checks are skipped.
var skipNoted sync.Map

// lookup is the one place of the missing-input rule: it returns the folder; or, when the folder is
// missing and CI is not set, a one-line reason to skip; or fails tb (returning "", "").
func lookup(tb testing.TB) (dir, skipReason string) {
	tb.Helper()
	dir, err := SpecDir()
	switch {
	case err == nil:
		return dir, ""
	case !errors.Is(err, ErrMissing):
		tb.Fatalf("oastest: %v", err)
	case os.Getenv("CI") != "":
		tb.Fatalf("oastest: %v, and CI is set: the checks against Zoho's OpenAPI files are required on CI", err)
	default:
		return "", fmt.Sprintf("oastest: %v: OpenAPI checks skipped (set CI to make this fail)", err)
	}
	return "", ""
}

// SpecDir returns the folder holding Zoho's v8.0 files: ../shared/zoho-oas/v8.0 relative to the
// module root (the nearest directory above the working directory that holds go.mod). When it is
// not there the error wraps ErrMissing.
func SpecDir() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			spec := filepath.Join(dir, "..", "shared", "zoho-oas", "v8.0")
			if st, err := os.Stat(spec); err != nil || !st.IsDir() {
				return "", fmt.Errorf("%w: expected %s (../shared next to the module root %s)", ErrMissing, filepath.Clean(spec), dir)
			}
			return filepath.Clean(spec), nil
		}
		if filepath.Dir(dir) == dir {
			return "", fmt.Errorf("no go.mod above %s: cannot find the module root", wd)
		}
	}
}

// LoadFrom loads file from dir, resolving references into the other files of dir.
func LoadFrom(dir, file string) (*openapi3.T, error) {
	if _, err := os.Stat(filepath.Join(dir, file)); err != nil {
		return nil, fmt.Errorf("the Zoho OpenAPI file %s: %w", file, err)
	}
	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = true
	loader.ReadFromURIFunc = func(_ *openapi3.Loader, u *url.URL) ([]byte, error) {
		name := path.Base(u.Path)
		raw, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		return rewrite(raw, func(n string) bool {
			_, err := os.Stat(filepath.Join(dir, n))
			return err == nil
		})
	}
	doc, err := loader.LoadFromFile(filepath.ToSlash(filepath.Join(dir, file)))
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", file, err)
	}
	return doc, nil
}

// remoteRef matches a $ref into another file of Zoho's v8.0 folder.
var remoteRef = regexp.MustCompile(`^https?://.*/v8\.0/([A-Za-z0-9_.-]+\.json)(#.*)?$`)

// rewrite applies the package's reading rules to one JSON document: remote v8.0 references point at
// the local file (or become "any value" when there is no local file), oneOf becomes anyOf, and every
// schema becomes nullable.
func rewrite(raw []byte, exists func(name string) bool) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	v = rewriteValue(v, exists)
	return json.Marshal(v)
}

func rewriteValue(v any, exists func(string) bool) any {
	switch x := v.(type) {
	case map[string]any:
		if ref, ok := x["$ref"].(string); ok {
			if m := remoteRef.FindStringSubmatch(ref); m != nil {
				if !exists(m[1]) {
					return map[string]any{}
				}
				x["$ref"] = m[1] + m[2]
			}
			return x
		}
		for k, e := range x {
			x[k] = rewriteValue(e, exists)
		}
		if one, ok := x["oneOf"]; ok {
			delete(x, "oneOf")
			x["anyOf"] = one
		}
		if _, ok := x["type"].(string); ok {
			x["nullable"] = true
		}
		return x
	case []any:
		for i, e := range x {
			x[i] = rewriteValue(e, exists)
		}
	}
	return v
}

// Validate checks one response against doc. The error wraps ErrUndocumented when doc has no such
// operation or status.
func Validate(doc *openapi3.T, method, path string, status int, body []byte) error {
	resp, err := response(doc, method, path, status)
	if err != nil {
		return err
	}
	var schema *openapi3.SchemaRef
	if mt := resp.Content.Get("application/json"); mt != nil {
		schema = mt.Schema
	}
	if schema == nil || schema.Value == nil {
		if len(bytes.TrimSpace(body)) != 0 {
			return fmt.Errorf("the %d response has no content, but the body is %d bytes", status, len(body))
		}
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return fmt.Errorf("body is not JSON: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("body has data after the JSON value")
	}
	return schema.Value.VisitJSON(v, openapi3.VisitAsResponse(), openapi3.MultiErrors())
}

var versionPrefix = regexp.MustCompile(`^/crm/v[0-9]+(\.[0-9]+)?/`)

// response finds the documented response of method on path with status.
func response(doc *openapi3.T, method, p string, status int) (*openapi3.Response, error) {
	if i := strings.IndexAny(p, "?#"); i >= 0 {
		p = p[:i]
	}
	p = versionPrefix.ReplaceAllString(p, "/crm/v8/")
	item, tmpl := matchPath(doc, p)
	if item == nil {
		return nil, fmt.Errorf("path %s: %w", p, ErrUndocumented)
	}
	op := item.GetOperation(strings.ToUpper(method))
	if op == nil || op.Responses == nil {
		return nil, fmt.Errorf("%s %s: %w", method, tmpl, ErrUndocumented)
	}
	ref := op.Responses.Status(status)
	if ref == nil || ref.Value == nil {
		return nil, fmt.Errorf("%s %s status %d (documented: %s): %w", method, tmpl, status,
			strings.Join(op.Responses.Keys(), ", "), ErrUndocumented)
	}
	return ref.Value, nil
}

// matchPath returns the path item whose template matches p; a literal segment beats a parameter
// at the first position where two templates differ.
func matchPath(doc *openapi3.T, p string) (*openapi3.PathItem, string) {
	segs := strings.Split(strings.Trim(p, "/"), "/")
	var best *openapi3.PathItem
	var bestSegs []string
	bestTmpl := ""
	for _, tmpl := range doc.Paths.Keys() {
		ts := strings.Split(strings.Trim(tmpl, "/"), "/")
		if len(ts) != len(segs) {
			continue
		}
		ok := true
		for i, s := range ts {
			if !isParam(s) && !strings.EqualFold(s, segs[i]) {
				ok = false
				break
			}
		}
		if ok && (best == nil || moreLiteral(ts, bestSegs)) {
			best, bestSegs, bestTmpl = doc.Paths.Value(tmpl), ts, tmpl
		}
	}
	return best, bestTmpl
}

func isParam(s string) bool { return strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") }

func moreLiteral(a, b []string) bool {
	for i := range a {
		if pa, pb := isParam(a[i]), isParam(b[i]); pa != pb {
			return !pa
		}
	}
	return false
}
