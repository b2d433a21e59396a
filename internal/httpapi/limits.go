package httpapi

import (
	"errors"
	"net"
	"net/http"
	"sync"
	"time"
)

// Limits bounds what one client can hold of a server: how long it may take to send a request's
// headers and body, how long its answer may take, how long an idle keep-alive connection stays,
// how large its headers may be, and how many connections are open at once. Every http.Server that
// serves zcrm (zcrm serve, zcrmtest, zcrm bench) is made with one (Limits.Server).
type Limits struct {
	ReadHeaderTimeout time.Duration // the request line and headers
	ReadTimeout       time.Duration // the whole request, body included: a trickling body ends here
	WriteTimeout      time.Duration // from the end of the headers to the end of the answer; also bounds the request's work
	IdleTimeout       time.Duration // a keep-alive connection waiting for its next request
	MaxHeaderBytes    int
	MaxConns          int // open connections at once; 0 is no limit (more wait to be accepted)
}

// DefaultLimits are zcrm serve's defaults: a request's body has 30 s to arrive, its answer a minute.
var DefaultLimits = Limits{
	ReadHeaderTimeout: 10 * time.Second,
	ReadTimeout:       30 * time.Second,
	WriteTimeout:      time.Minute,
	IdleTimeout:       2 * time.Minute,
	MaxHeaderBytes:    1 << 20,
}

// Validate reports a limit that cannot work.
func (l Limits) Validate() error {
	if l.ReadHeaderTimeout <= 0 || l.ReadTimeout <= 0 || l.WriteTimeout <= 0 || l.IdleTimeout <= 0 {
		return errors.New("timeouts must be positive")
	}
	if l.MaxHeaderBytes < 4096 {
		return errors.New("max header bytes must be at least 4096")
	}
	if l.MaxConns < 0 {
		return errors.New("max conns must not be negative")
	}
	return nil
}

// Server returns an http.Server for h with these limits.
func (l Limits) Server(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: l.ReadHeaderTimeout,
		ReadTimeout:       l.ReadTimeout,
		WriteTimeout:      l.WriteTimeout,
		IdleTimeout:       l.IdleTimeout,
		MaxHeaderBytes:    l.MaxHeaderBytes,
	}
}

// Listener returns ln accepting at most MaxConns open connections at a time (ln itself when there
// is no limit): a connection past the limit waits in the kernel's backlog until one closes.
func (l Limits) Listener(ln net.Listener) net.Listener {
	if l.MaxConns <= 0 {
		return ln
	}
	return &limitListener{Listener: ln, slots: make(chan struct{}, l.MaxConns)}
}

type limitListener struct {
	net.Listener
	slots chan struct{}
}

func (l *limitListener) Accept() (net.Conn, error) {
	l.slots <- struct{}{}
	c, err := l.Listener.Accept()
	if err != nil {
		<-l.slots
		return nil, err
	}
	return &limitConn{Conn: c, release: func() { <-l.slots }}, nil
}

type limitConn struct {
	net.Conn
	release func()
	once    sync.Once
}

func (c *limitConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}
