package httpapi

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/zcrm/zcrm/internal/store/storetest"
)

// With --max-conns 1, a second connection is served only once the first one closes.
func TestMaxConnsHoldsBackExtraConnections(t *testing.T) {
	e := newEnv(t, storetest.SQLite)
	limits := DefaultLimits
	limits.MaxConns = 1
	addr := strings.TrimPrefix(serveLimited(t, e, limits, nil), "http://")
	get := func(conn net.Conn) (int, error) {
		fmt.Fprintf(conn, "GET /healthz HTTP/1.1\r\nHost: zcrm.test\r\n\r\n")
		res, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			return 0, err
		}
		res.Body.Close()
		return res.StatusCode, nil
	}
	first, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	if status, err := get(first); err != nil || status != 200 {
		t.Fatalf("first connection: %d %v", status, err)
	}
	second, err := net.Dial("tcp", addr) // the kernel accepts it into the backlog; zcrm does not yet
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()
	answered := make(chan int, 1)
	go func() {
		status, _ := get(second)
		answered <- status
	}()
	select {
	case status := <-answered:
		t.Fatalf("second connection answered %d while the first was open", status)
	case <-time.After(300 * time.Millisecond):
	}
	first.Close()
	if status := <-answered; status != 200 {
		t.Fatalf("second connection after the first closed: %d", status)
	}
}

// A limit that cannot work is refused.
func TestLimitsValidate(t *testing.T) {
	if err := DefaultLimits.Validate(); err != nil {
		t.Fatalf("defaults: %v", err)
	}
	for name, change := range map[string]func(*Limits){
		"zero read timeout":  func(l *Limits) { l.ReadTimeout = 0 },
		"tiny header limit":  func(l *Limits) { l.MaxHeaderBytes = 10 },
		"negative max conns": func(l *Limits) { l.MaxConns = -1 },
	} {
		l := DefaultLimits
		change(&l)
		if l.Validate() == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
