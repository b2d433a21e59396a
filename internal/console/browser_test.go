package console_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/zcrm/zcrm/internal/crm"
	"github.com/zcrm/zcrm/internal/store/storetest"
)

// chromium returns the path of Debian's headless-capable Chromium. Without it the test skips with
// a message, except on CI (CI set), where a browser test that silently skipped would pass untested
// pages: there it fails (.ci/run installs the chromium package).
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("no chromium on PATH, and CI is set: the console's browser test is required on CI (apt-get install chromium)")
	}
	t.Skip("no chromium on PATH: the console's browser test is skipped (apt-get install chromium)")
	return ""
}

// screenshots is the folder the test writes its screenshots to: $ZCRM_CONSOLE_SCREENSHOTS/<test>,
// or a temporary folder; the log names it.
func screenshots(t *testing.T) string {
	dir := t.TempDir()
	if base := os.Getenv("ZCRM_CONSOLE_SCREENSHOTS"); base != "" {
		dir = filepath.Join(base, strings.ReplaceAll(t.Name(), "/", "_"))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("screenshots in %s", dir)
	return dir
}

// browser drives one headless Chromium tab over the console and records every console message
// of level error and every uncaught exception of every page it shows.
type browser struct {
	t    *testing.T
	ctx  context.Context
	base string
	dir  string
	mu   sync.Mutex
	errs []string
}

func newBrowser(t *testing.T, base string) *browser {
	exe := chromium(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.WindowSize(1280, 900), chromedp.Flag("disable-dev-shm-usage", true))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancel(); cancelAlloc() })
	b := &browser{t: t, ctx: ctx, base: base, dir: screenshots(t)}
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.IsException() {
				b.mu.Lock()
				b.errs = append(b.errs, m.String())
				b.mu.Unlock()
			}
		}
	}()
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return b
}

// do runs steps, failing the test with what it was doing.
func (b *browser) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		loc, _ := chromedp.Run(b.ctx, chromedp.Location())
		body, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.querySelector("main") ? document.querySelector("main").innerText.slice(0, 600) : ""`))
		b.t.Fatalf("%s: %v (at %s)\n%s", what, err, loc, body)
	}
}

// open shows a console path and waits for its heading.
func (b *browser) open(path string) {
	b.t.Helper()
	b.do("open "+path, chromedp.Navigate(b.base+path), chromedp.WaitVisible(chromedp.CSS("h1")))
}

// submit clicks the button sel and waits for the next page's note to contain note.
func (b *browser) submit(sel, note string) {
	b.t.Helper()
	js := fmt.Sprintf(`(() => { const n = document.querySelector(".note"); return !!n && n.textContent.includes(%q); })()`, note)
	b.do("submit "+sel+" expecting "+note, chromedp.Click(chromedp.CSS(sel)),
		until(js))
}

// until waits for the JavaScript expression js to be true, across the navigations a click
// starts (an evaluation that a navigation interrupts is tried again). The wait ends as soon as it
// holds; its bound is generous because CI runs every package's tests at once on a few cores.
func until(js string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		deadline := time.Now().Add(45 * time.Second)
		for {
			ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("!!("+js+")"))
			if err == nil && ok {
				return nil
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("waited 45s for %s (last error: %v)", js, err)
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
}

// fill sets the form control sel to v.
func (b *browser) fill(sel, v string) chromedp.Action[chromedp.Void] {
	return chromedp.SetValue(chromedp.CSS(sel), v)
}

// text is sel's text.
func (b *browser) text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

// pathID is the last segment of the current location's path (a new record's or cadence's id).
func (b *browser) pathID() string {
	b.t.Helper()
	loc, err := chromedp.Run(b.ctx, chromedp.Location())
	if err != nil {
		b.t.Fatal(err)
	}
	u, _ := url.Parse(loc)
	return u.Path[strings.LastIndex(u.Path, "/")+1:]
}

// shot saves the whole page as name.png.
func (b *browser) shot(name string) []byte {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	for try := 0; err != nil && try < 3; try++ { // a page still laying out has no width yet
		time.Sleep(250 * time.Millisecond)
		png, err = chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	}
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(b.dir, name+".png"), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	return png
}

// noErrors fails the test when any page wrote an error to the console or threw.
func (b *browser) noErrors() {
	b.t.Helper()
	time.Sleep(200 * time.Millisecond) // let the last page's messages arrive
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.errs) > 0 {
		b.t.Fatalf("the browser console has errors:\n%s", strings.Join(b.errs, "\n"))
	}
}

// The console in a real browser: sign in with the admin token, create a contact and a campaign,
// link them, create, publish and activate a manual cadence (a task, a call and an email), enrol
// the contact from the cadence's page, advance the clock in the control page and see the task and
// the call on the contact's page and each enrolment's progress on both pages, find the email in
// the outbox and simulate its reply, un-enrol the contact on its page, search the contacts, make
// an OAuth self client and grant code in the OAuth page, call the API with the token they give,
// and find those calls in the journal page; every page is screenshot at 1280 px and the key ones
// at 390 px, and no page may write an error to the browser console.
func TestConsoleInBrowser(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		e := newEnv(t, backend, "console-t0ken")
		org := crm.FormatID(e.org.ID)
		b := newBrowser(t, e.srv.URL)

		// Sign in: the console sends a browser without a session to the sign-in page.
		b.open("/console/")
		if h := b.text("h1"); h != "Sign in" {
			t.Fatalf("first page %q, want the sign-in page", h)
		}
		b.shot("01-signin")
		b.do("sign in", b.fill("#token", "console-t0ken"), chromedp.Click(chromedp.CSS(`form[action="/console/signin"] button`)),
			until(`document.title.startsWith("Orgs")`))
		b.shot("02-orgs")
		b.open("/console/orgs/" + org)
		b.shot("03-org")

		// A campaign and a contact, created through the forms.
		b.open("/console/orgs/" + org + "/modules/Campaigns/new")
		b.do("campaign form", b.fill("#f-Campaign_Name", "Spring launch"))
		b.submit(`form.record-form button[type=submit]`, "Campaign created.")
		campaign := b.pathID()
		b.open("/console/orgs/" + org + "/modules/Contacts/new")
		b.shot("04-contact-form")
		b.do("contact form", b.fill("#f-First_Name", "Ada"), b.fill("#f-Last_Name", "Lovelace"), b.fill("#f-Email", "ada@example.com"))
		b.submit(`form.record-form button[type=submit]`, "Contact created.")
		contact := b.pathID()

		// A form that Zoho's rules refuse says why in Zoho's words.
		b.open("/console/orgs/" + org + "/modules/Contacts/new")
		b.do("refused contact", b.fill("#f-First_Name", "Nobody"), chromedp.Click(chromedp.CSS(`form.record-form button[type=submit]`)),
			until(`!!document.querySelector(".error")`))
		if got := b.text(".error"); !strings.Contains(got, "MANDATORY_NOT_FOUND: required field not found") || !strings.Contains(got, "Last_Name") {
			t.Fatalf("refused contact says %q", got)
		}

		// Link the contact to the campaign from the contact's page.
		b.open("/console/orgs/" + org + "/modules/Contacts/" + contact)
		b.do("link form", b.fill("#link-Campaigns", campaign), chromedp.SetValue(chromedp.CSS("#Campaigns-Member_Status"), "Active"))
		b.submit(`form[action$="/related/Campaigns"] button`, "Linked.")
		if got := b.text("#rl-Campaigns + .table-wrap"); !strings.Contains(got, "Spring launch") || !strings.Contains(got, "Active") {
			t.Fatalf("the contact's campaigns read %q", got)
		}

		// A manual cadence: create, publish, activate. Its follow-ups are a task after a day, a call
		// after two and an email after three.
		b.open("/console/orgs/" + org + "/cadences")
		b.do("cadence form", b.fill("#cad-name", "Onboarding"), chromedp.SetValue(chromedp.CSS("#cad-module"), "Contacts"),
			chromedp.SetValue(chromedp.CSS("#cad-action1"), "tasks"), chromedp.SetValue(chromedp.CSS("#cad-action2"), "schedule_call"),
			chromedp.SetValue(chromedp.CSS("#cad-action3"), "email_notifications"))
		b.submit(`form[action$="/cadences"] button[type=submit]`, "Cadence created as a draft")
		cadence := b.pathID()
		b.submit(`form[action$="/actions/publish"] button`, "Cadences published successfully")
		b.submit(`form[action$="/actions/activate"] button`, "Cadences activated successfully")

		// Enrol the contact from the cadence's page: it waits at the first follow-up, due in a day.
		b.do("enrol form", b.fill("#enr-ids", contact))
		b.submit(`form[action$="/enrolments"] button[value=enrol]`, "Enrolled.")
		if got := b.text("#enr-h ~ .table-wrap"); !strings.Contains(got, "Ada Lovelace") || !strings.Contains(got, "enrolled") ||
			!strings.Contains(got, "Follow-up 1: tasks") || !strings.Contains(got, "3 pending") {
			t.Fatalf("the cadence's enrolments read %q", got)
		}
		b.open("/console/orgs/" + org + "/modules/Contacts/" + contact)
		if got := b.text("#rl-Tasks + .table-wrap"); strings.Contains(got, "Onboarding") {
			t.Fatalf("a task before its follow-up was due: %q", got)
		}

		// Advance the clock a day and an hour in the console: the engine runs the task follow-up
		// before the clock answers.
		b.open("/console/control")
		b.do("advance past the task", b.fill("#clock-by", "25h"))
		b.submit(`form input[value=advance] ~ button`, "The clock reads")

		// The contact's page shows the task and the enrolment's progress: at the call, due a day on.
		b.open("/console/orgs/" + org + "/modules/Contacts/" + contact)
		if got := b.text("#rl-Tasks + .table-wrap"); !strings.Contains(got, "Onboarding") || !strings.Contains(got, "Not Started") {
			t.Fatalf("after the clock moved, the contact's tasks read %q", got)
		}
		if got := b.text("#rl-Calls + .table-wrap"); strings.Contains(got, "Onboarding") {
			t.Fatalf("a call before its follow-up was due: %q", got)
		}
		if got := b.text("#rl-Entity_Cadences_contacts + .table-wrap"); !strings.Contains(got, "Follow-up 2: schedule call") || !strings.Contains(got, "1 done · 2 pending") {
			t.Fatalf("the contact's cadences read %q", got)
		}
		b.shot("07-contact")

		// The cadence's page shows the same progress.
		b.open("/console/orgs/" + org + "/cadences/" + cadence)
		if got := b.text("#enr-h ~ .table-wrap"); !strings.Contains(got, "Ada Lovelace") || !strings.Contains(got, "Follow-up 2: schedule call") || !strings.Contains(got, "1 done · 2 pending") {
			t.Fatalf("after the clock moved, the cadence's enrolments read %q", got)
		}
		b.shot("05-cadence")
		if os.Getenv("ZCRM_CONSOLE_README_SHOT") != "" && backend == storetest.SQLite {
			shot, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
			if err == nil {
				err = os.WriteFile(os.Getenv("ZCRM_CONSOLE_README_SHOT"), shot, 0o644)
			}
			if err != nil {
				t.Fatal(err)
			}
		}

		// Two days more: the call and the email run, and the enrolment has finished its follow-ups.
		b.open("/console/control")
		b.do("advance past the rest", b.fill("#clock-by", "48h"))
		b.submit(`form input[value=advance] ~ button`, "The clock reads")
		b.open("/console/orgs/" + org + "/modules/Contacts/" + contact)
		if got := b.text("#rl-Calls + .table-wrap"); !strings.Contains(got, "Onboarding") {
			t.Fatalf("after the clock moved again, the contact's calls read %q", got)
		}
		if got := b.text("#rl-Entity_Cadences_contacts + .table-wrap"); !strings.Contains(got, "Finished") || !strings.Contains(got, "3 done") {
			t.Fatalf("after the clock moved again, the contact's cadences read %q", got)
		}
		b.open("/console/orgs/" + org + "/cadences")
		if got := b.text("table"); !strings.Contains(got, "Onboarding") || !strings.Contains(got, "active") {
			t.Fatalf("the cadences list reads %q", got)
		}
		b.shot("06-cadences")

		// The email follow-up is in the outbox, linked from the side menu; simulate the reply.
		outbox := "/console/orgs/" + org + "/outbox"
		b.do("outbox link", until(fmt.Sprintf(`!!document.querySelector('nav.side a[href=%q]')`, outbox)))
		b.open(outbox)
		if got := b.text(".outbox"); !strings.Contains(got, "ada@example.com") || !strings.Contains(got, "Ada Lovelace") ||
			!strings.Contains(got, "Follow-up 3: email notifications") || !strings.Contains(got, "Simulate reply") {
			t.Fatalf("the outbox reads %q", got)
		}
		b.submit(`.outbox form[action$="/reply"] button`, "Reply recorded.")
		if got := b.text(".outbox"); !strings.Contains(got, "Replied") || strings.Contains(got, "Simulate reply") {
			t.Fatalf("after the reply, the outbox reads %q", got)
		}
		b.shot("15-outbox")

		// Un-enrol the contact on its page.
		b.open("/console/orgs/" + org + "/modules/Contacts/" + contact)
		b.submit(`#rl-Entity_Cadences_contacts + .table-wrap button[value=unenrol]`, "Un-enrolled.")
		if got := b.text("#rl-Entity_Cadences_contacts + .table-wrap"); !strings.Contains(got, "unenrolled") || !strings.Contains(got, "Ended") {
			t.Fatalf("after un-enrolling, the contact's cadences read %q", got)
		}

		// The contacts table, searched by a word.
		b.open("/console/orgs/" + org + "/modules/Contacts?word=love")
		if got := b.text("table"); !strings.Contains(got, "Lovelace") {
			t.Fatalf("searching contacts for love reads %q", got)
		}
		b.shot("08-contacts")

		// OAuth like Zoho's API console: a self client, then a grant code for chosen scopes.
		b.open("/console/orgs/" + org + "/oauth")
		b.do("client form", b.fill("#client-name", "Console test"))
		b.do("create client", chromedp.Click(chromedp.CSS(`form[action$="/oauth/clients"] button`)), until(`document.querySelector("#issued-secret")`))
		secret := b.text("#issued-secret")
		clientID := b.text(".issued dd code")
		b.do("grant form", chromedp.Click(chromedp.CSS(`input[name=scope][value="ZohoCRM.settings.ALL"]`)))
		b.do("create grant", chromedp.Click(chromedp.CSS(`form[action$="/oauth/grants"] button`)), until(`document.querySelector("#issued-code")`))
		code := b.text("#issued-code")
		b.shot("09-oauth")
		token := e.exchange(clientID, secret, code)
		for _, p := range []string{"/crm/v8/Contacts/" + contact, "/crm/v8/Contacts/" + contact + "/Campaigns?fields=Campaign_Name", "/crm/v8/settings/automation/cadences/" + cadence} {
			if status := e.call(token, p); status != http.StatusOK {
				t.Fatalf("GET %s with the console's token: %d", p, status)
			}
		}
		b.open("/console/orgs/" + org + "/oauth")
		if got := b.text("#tokens-h + .table-wrap"); !strings.Contains(got, "Console test") {
			t.Fatalf("the refresh tokens read %q", got)
		}

		// The journal page tails those calls; filtered by path, one opens to its bodies and a curl.
		b.open("/console/journal")
		b.do("journal filter", chromedp.SendKeys(chromedp.CSS("#j-path"), "/crm/v8/Contacts/"+contact),
			until(fmt.Sprintf(`[...document.querySelectorAll("#journal-rows tr")].length >= 2 && [...document.querySelectorAll("#journal-rows tr")].every(r => r.textContent.includes(%q))`, contact)))
		b.do("journal detail", chromedp.Click(chromedp.CSS("#journal-rows tr:last-child")), chromedp.WaitVisible(chromedp.CSS("#journal-detail")),
			chromedp.Click(chromedp.CSS("#jd-curl")), until(`document.getElementById("jd-curl-text").textContent.startsWith("curl -X GET")`))
		if got := b.text("#jd-resp"); !strings.Contains(got, "Lovelace") {
			t.Fatalf("the journal's response body reads %q", got)
		}
		if got := b.text("#jd-curl-text"); !strings.Contains(got, "Zoho-oauthtoken $TOKEN") || strings.Contains(got, token) {
			t.Fatalf("copy as curl reads %q", got)
		}
		b.do("journal oauth", chromedp.SetValue(chromedp.CSS("#j-path"), "/oauth/"), chromedp.Evaluate[chromedp.Void](`document.getElementById("j-path").dispatchEvent(new Event("input", {bubbles: true}))`),
			until(`[...document.querySelectorAll("#journal-rows tr")].some(r => r.textContent.includes("/oauth/v2/token"))`))
		b.shot("10-journal")

		// Time and faults: advance the clock, add and remove a fault rule.
		b.open("/console/control")
		b.do("advance", b.fill("#clock-by", "2h"))
		b.submit(`form input[value=advance] ~ button`, "The clock reads")
		b.do("fault form", b.fill("#f-path", "/crm/*/Leads"), b.fill("#f-status", "500"), b.fill("#f-code", "INTERNAL_ERROR"), b.fill("#f-message", "boom"))
		b.submit(`form[action="/console/control/faults"] button`, "added.")
		b.shot("11-control")
		b.submit(`form[action$="/delete"] button`, "Fault rule removed.")

		// The phone-width layout of the main pages.
		b.do("phone width", chromedp.EmulateViewport(390, 844))
		for _, p := range []struct{ name, path string }{
			{"12-phone-cadence", "/console/orgs/" + org + "/cadences/" + cadence},
			{"13-phone-contact", "/console/orgs/" + org + "/modules/Contacts/" + contact},
			{"14-phone-journal", "/console/journal"},
			{"16-phone-outbox", "/console/orgs/" + org + "/outbox"},
		} {
			b.open(p.path)
			wide, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1`))
			if err != nil {
				t.Fatal(err)
			}
			if wide {
				culprits, _ := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("body *")].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).slice(0, 8).map(e => e.tagName + "." + e.className + " " + Math.round(e.getBoundingClientRect().right))`))
				t.Errorf("%s scrolls sideways at 390 px: %v", p.path, culprits)
			}
			b.shot(p.name)
		}
		b.noErrors()
	})
}

// exchange trades a grant code for an access token at the accounts endpoint, as a client would.
func (e *env) exchange(clientID, secret, code string) string {
	e.t.Helper()
	res, err := http.PostForm(e.srv.URL+"/oauth/v2/token", url.Values{"grant_type": {"authorization_code"}, "client_id": {clientID},
		"client_secret": {secret}, "code": {code}})
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(body, &tok); err != nil || tok.AccessToken == "" {
		e.t.Fatalf("code exchange: %d %s", res.StatusCode, body)
	}
	return tok.AccessToken
}

// call GETs a CRM path with an access token and returns the status.
func (e *env) call(token, path string) int {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+path, nil)
	req.Header.Set("Authorization", "Zoho-oauthtoken "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode
}
