package bench

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The HTTP floor of a scenario measured against a store ceiling (writes) or a query ceiling
// (search, COQL, count): what any HTTP server would get on this machine if it did nothing but the
// ceiling's transaction or statement. Each timed call sends the request zcrm was sent (method,
// path, query, body) to a bare net/http handler, which runs the ceiling's step for that worker and
// answers the status, Content-Type and bytes zcrm answered; the re-setup between calls is the
// ceiling's. So floor ÷ ceiling is what HTTP costs, and zcrm ÷ floor what zcrm costs beyond it:
// routing, auth, checks, reads and JSON.

// exchange is one request zcrm was sent and the answer it gave.
type exchange struct {
	method, path string
	body         []byte
	answer       *captured
}

// recorderKey marks a context whose fetch records its exchange.
type recorderKey struct{}

// recording returns ctx with fn called on every exchange fetched under it.
func recording(ctx context.Context, fn func(*exchange)) context.Context {
	return context.WithValue(ctx, recorderKey{}, fn)
}

// record hands the exchange to ctx's recorder, if it has one.
func record(ctx context.Context, method, path string, body []byte, ans *captured) {
	if fn, ok := ctx.Value(recorderKey{}).(func(*exchange)); ok {
		fn(&exchange{method: method, path: path, body: body, answer: ans})
	}
}

// floorServer is the bare handler: /floor/{id}/… runs the transaction registered as id and answers
// the exchange last recorded for that step's name.
type floorServer struct {
	base string
	srv  *http.Server

	mu        sync.Mutex
	steps     []step               // registered ceiling steps; the index is the id
	exchanges map[string]*exchange // step name → zcrm's last exchange for it
}

func startFloor() (*floorServer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	f := &floorServer{exchanges: map[string]*exchange{}}
	f.srv = &http.Server{Handler: http.HandlerFunc(f.serve), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	f.base = "http://" + ln.Addr().String()
	go f.srv.Serve(ln)
	return f, nil
}

func (f *floorServer) close() { f.srv.Close() }

func (f *floorServer) serve(w http.ResponseWriter, r *http.Request) {
	io.Copy(io.Discard, r.Body)
	rest, _ := strings.CutPrefix(r.URL.Path, "/floor/")
	id, err := strconv.Atoi(rest[:max(0, strings.IndexByte(rest, '/'))])
	s, ok := f.step(id)
	ex := f.last(s.name)
	if err != nil || !ok || ex == nil {
		http.Error(w, "no such floor step", http.StatusNotFound)
		return
	}
	if err := s.do(r.Context()); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", ex.answer.header.Get("Content-Type"))
	w.WriteHeader(ex.answer.status)
	w.Write(ex.answer.body)
}

// keep records ex as zcrm's latest exchange for the step name.
func (f *floorServer) keep(name string, ex *exchange) {
	f.mu.Lock()
	f.exchanges[name] = ex
	f.mu.Unlock()
}

// last returns zcrm's latest exchange for the step name, or nil.
func (f *floorServer) last(name string) *exchange {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.exchanges[name]
}

// register makes s callable as the returned id.
func (f *floorServer) register(s step) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.steps = append(f.steps, s)
	return len(f.steps) - 1
}

// step returns the step registered as id.
func (f *floorServer) step(id int) (step, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if id < 0 || id >= len(f.steps) {
		return step{}, false
	}
	return f.steps[id], true
}

// timedWrapped returns loop with each timed (named) step's do replaced by wrap(step).
func timedWrapped(loop func(w int) []step, wrap func(s step) func(context.Context) error) func(w int) []step {
	return func(w int) []step {
		steps := loop(w)
		for k, s := range steps {
			if s.name != "" {
				steps[k].do = wrap(s)
			}
		}
		return steps
	}
}

// recorded wraps the scenario's loop so that its timed steps record zcrm's exchanges for the floor.
func (f *floorServer) recorded(loop func(w int) []step) func(w int) []step {
	return timedWrapped(loop, func(s step) func(context.Context) error {
		keep := func(ex *exchange) { f.keep(s.name, ex) }
		return func(ctx context.Context) error { return s.do(recording(ctx, keep)) }
	})
}

// floorLoop is the ceiling's loop with each timed transaction called through the bare handler,
// with the request zcrm was last sent for that step.
func (r *sizeRun) floorLoop(ceil func(w int) []step) func(w int) []step {
	return timedWrapped(ceil, func(s step) func(context.Context) error {
		id := r.floor.register(s)
		return func(ctx context.Context) error {
			ex := r.floor.last(s.name)
			if ex == nil {
				return errNoExchange
			}
			t := target{client: r.api.client, base: r.floor.base, auth: r.api.auth}
			return t.call(ctx, ex.method, "/floor/"+strconv.Itoa(id)+ex.path, ex.body, ex.answer.status)
		}
	})
}

// errNoExchange fails a floor call made before zcrm answered the same step once.
var errNoExchange = errors.New("floor: zcrm has not answered this step yet")
