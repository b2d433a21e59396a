package httpapi

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zcrm/zcrm/internal/store/storetest"
)

// serveLimited serves e's store as zcrm serve does (Limits.Server, Limits.Listener) with limits and
// an access log written to log (when not nil), and returns its base URL. Its ERROR lines also go to
// e.errs (captureErrors).
func serveLimited(t *testing.T, e *testEnv, limits Limits, log io.Writer) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(e.errs)
	if log != nil {
		logger = slog.New(slog.NewMultiHandler(slog.NewTextHandler(log, nil), e.errs))
	}
	srv := limits.Server(NewServer(Deps{Store: e.db, PublicURL: "http://zcrm.test", Logger: logger, RequestTimeout: limits.WriteTimeout}))
	go srv.Serve(limits.Listener(ln))
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String()
}

// syncBuffer is a bytes.Buffer safe for concurrent writers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// A client that trickles a valid write body holds only its own request: the body is read before
// any transaction starts, so 16 other clients' writes all finish while it is still sending, and
// the trickler itself gets a clean 4xx (or a closed connection) once the read deadline passes.
func TestSlowBodyBlocksNoWrites(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		f := newRelFixture(t, b)
		e := f.e
		limits := DefaultLimits
		limits.ReadTimeout = 2 * time.Second
		base := serveLimited(t, e, limits, nil)
		contacts := e.newRecords(16, "Contacts", "Last_Name", "Fast", nil)

		// The trickler: headers at once, then one byte of a valid body every 100 ms (5 s in all).
		body := fmt.Sprintf(`{"data":[{"id":"%d","Member_Status":"Invited"}]}`, f.c1)
		body += strings.Repeat(" ", 50-len(body)%50)
		conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		fmt.Fprintf(conn, "PUT /crm/v8/Campaigns/%d/Contacts HTTP/1.1\r\nHost: zcrm.test\r\nAuthorization: Zoho-oauthtoken %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%c",
			f.campaign, f.tok, len(body), body[0])
		trickled := make(chan string, 1) // what the trickler was answered, when
		go func() {
			for i := 1; i < len(body); i++ {
				time.Sleep(100 * time.Millisecond)
				if _, err := conn.Write([]byte{body[i]}); err != nil {
					break
				}
			}
		}()
		go func() {
			res, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err != nil {
				trickled <- "closed: " + err.Error()
				return
			}
			res.Body.Close()
			trickled <- strconv.Itoa(res.StatusCode)
		}()
		time.Sleep(300 * time.Millisecond) // the trickler's request is in the handler, reading its body

		var wg sync.WaitGroup
		done := make(chan int, len(contacts))
		for _, c := range contacts {
			wg.Go(func() {
				req, _ := http.NewRequest("PUT", fmt.Sprintf("%s/crm/v8/Campaigns/%d/Contacts/%d", base, f.campaign, c), strings.NewReader(`{"data":[{}]}`))
				req.Header.Set("Authorization", "Zoho-oauthtoken "+f.tok)
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				got, _ := io.ReadAll(res.Body)
				res.Body.Close()
				if res.StatusCode != 200 || !sameJSON(string(got), relData(relOK("relation added", c))) {
					t.Errorf("link %d = %d %s", c, res.StatusCode, got)
				}
				done <- res.StatusCode
			})
		}
		allDone := make(chan struct{})
		go func() { wg.Wait(); close(allDone) }()
		select {
		case <-allDone:
		case answer := <-trickled:
			t.Fatalf("the trickler was answered (%s) before the 16 other writes finished: they waited for its body", answer)
		}
		if len(done) != len(contacts) {
			t.Fatalf("%d of %d writes finished", len(done), len(contacts))
		}
		select {
		case answer := <-trickled:
			if !strings.HasPrefix(answer, "closed") && (answer < "400" || answer >= "500") {
				t.Fatalf("trickler answered %s, want a 4xx or a closed connection", answer)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("the trickler's read deadline never ended its request")
		}
		// Its write did not happen: c1 is not linked.
		e.do("GET", fmt.Sprintf("/crm/v8/Campaigns/%d/Contacts/%d?fields=Last_Name", f.campaign, f.c1), f.tok, "").expect(t, 204, "")
	})
}

var accessStatus = regexp.MustCompile(`status=(\d+)`)

// Clients that go away mid-request (cancelled reads and writes) produce no 5xx in the access log
// and no ERROR line; they are logged as 499. A client that half-closes its connection after sending
// its request still gets its whole answer.
func TestClientsGoingAway(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		f := newRelFixture(t, b)
		e := f.e
		errs := captureErrors(t, e)
		var log syncBuffer
		base := serveLimited(t, e, DefaultLimits, &log)
		contacts := e.newRecords(8, "Contacts", "Last_Name", "Gone", nil)

		// Cancelled requests, at random moments: reads, and link/delink writes.
		var wg sync.WaitGroup
		for w := range 8 {
			wg.Go(func() {
				rng := rand.New(rand.NewSource(int64(w)))
				for i := range 30 {
					ctx, cancel := context.WithTimeout(context.Background(), time.Duration(rng.Intn(3000))*time.Microsecond)
					method, path, body := "GET", fmt.Sprintf("/crm/v8/Campaigns/%d/Contacts?fields=Last_Name", f.campaign), ""
					switch i % 3 {
					case 1:
						method, path, body = "PUT", fmt.Sprintf("/crm/v8/Campaigns/%d/Contacts/%d", f.campaign, contacts[w]), `{"data":[{}]}`
					case 2:
						method, path = "DELETE", fmt.Sprintf("/crm/v8/Campaigns/%d/Contacts?ids=%d", f.campaign, contacts[w])
					}
					req, _ := http.NewRequestWithContext(ctx, method, base+path, strings.NewReader(body))
					req.Header.Set("Authorization", "Zoho-oauthtoken "+f.tok)
					if res, err := http.DefaultClient.Do(req); err == nil {
						io.Copy(io.Discard, res.Body)
						res.Body.Close()
					}
					cancel()
				}
			})
		}
		// Half-closing clients: request, CloseWrite, then read the whole answer.
		for w := range 4 {
			wg.Go(func() {
				for i := range 10 {
					conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
					if err != nil {
						t.Error(err)
						return
					}
					if i%2 == 0 {
						fmt.Fprintf(conn, "GET /crm/v8/Contacts/%d?fields=Last_Name HTTP/1.1\r\nHost: zcrm.test\r\nAuthorization: Zoho-oauthtoken %s\r\n\r\n", contacts[w], f.tok)
					} else {
						b := `{"data":[{}]}`
						fmt.Fprintf(conn, "PUT /crm/v8/Campaigns/%d/Contacts/%d HTTP/1.1\r\nHost: zcrm.test\r\nAuthorization: Zoho-oauthtoken %s\r\nContent-Length: %d\r\n\r\n%s",
							f.campaign, contacts[4+w], f.tok, len(b), b)
					}
					conn.(*net.TCPConn).CloseWrite()
					res, err := http.ReadResponse(bufio.NewReader(conn), nil)
					if err != nil {
						t.Errorf("half-closed client %d/%d got no answer: %v", w, i, err)
						conn.Close()
						continue
					}
					got, _ := io.ReadAll(res.Body)
					res.Body.Close()
					conn.Close()
					if res.StatusCode != 200 || !bytes.Contains(got, []byte(`"SUCCESS"`)) && !bytes.Contains(got, []byte(`"Last_Name"`)) {
						t.Errorf("half-closed client %d/%d answered %d %s", w, i, res.StatusCode, got)
					}
				}
			})
		}
		wg.Wait()
		errs.check(t)
		lines, gone := 0, 0
		for _, m := range accessStatus.FindAllStringSubmatch(log.String(), -1) {
			lines++
			if m[1] >= "500" && m[1] != "499" {
				t.Errorf("access log has a %s", m[1])
			}
			if m[1] == "499" {
				gone++
			}
		}
		if lines == 0 {
			t.Fatal("no access log lines")
		}
		t.Logf("%d requests logged, %d as 499", lines, gone)
		if strings.Contains(log.String(), "level=ERROR") {
			t.Errorf("access log has ERROR lines:\n%s", log.String())
		}
	})
}
