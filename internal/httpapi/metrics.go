package httpapi

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/zcrm/zcrm/internal/store"
)

// The metrics GET /metrics serves, in Prometheus' text format, from a registry of the Server's own
// (several servers in one process, as in tests, never share series):
//
//   - zcrm_http_requests_total{route,method,code} and zcrm_http_request_duration_seconds{route,method}:
//     route is the matched pattern (/crm/{version}/{module}/{id}), a fixed path (/oauth/v2/token,
//     /healthz, /debug/pprof/) or "unmatched" — never the raw path. method is one of the standard
//     methods or "other"; code is the status answered (499: the client went away first).
//   - zcrm_store_commits_total, zcrm_store_commit_calls_total (calls per commit is the ratio of their
//     rates), zcrm_store_alone_reruns_total, zcrm_store_exclusive_reruns_total (store.CommitStats).
//   - zcrm_cache_lookups_total{cache="token"|"cadence_list",result="hit"|"miss"}.
//   - go_sql_*{db_name} for each connection pool (store.DB.PoolStats), go_* and process_*.
//
// Recording a request costs two atomic loads, a counter increment and a histogram observation: the
// series of a route, method and status are resolved once, on first use, and kept.

// routeUnmatched is the route label of the requests that matched no route.
const routeUnmatched = "unmatched"

// methodLabels are the method label's values; any other method is counted as "other", so that a
// client cannot mint series.
var methodLabels = [...]string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "other"}

func methodIndex(m string) int {
	switch m {
	case http.MethodGet:
		return 0
	case http.MethodHead:
		return 1
	case http.MethodPost:
		return 2
	case http.MethodPut:
		return 3
	case http.MethodPatch:
		return 4
	case http.MethodDelete:
		return 5
	case http.MethodOptions:
		return 6
	}
	return len(methodLabels) - 1
}

// codeSlots are the statuses whose counters a route keeps at hand; others resolve their series on
// each use (CounterVec.WithLabelValues).
var codeSlots = [...]int{200, 201, 202, 204, 207, 301, 304, 400, 401, 403, 404, 405, 413, 429, 431, 499, 500, 503}

func codeSlot(code int) int {
	switch code {
	case 200:
		return 0
	case 201:
		return 1
	case 202:
		return 2
	case 204:
		return 3
	case 207:
		return 4
	case 301:
		return 5
	case 304:
		return 6
	case 400:
		return 7
	case 401:
		return 8
	case 403:
		return 9
	case 404:
		return 10
	case 405:
		return 11
	case 413:
		return 12
	case 429:
		return 13
	case 431:
		return 14
	case 499:
		return 15
	case 500:
		return 16
	case 503:
		return 17
	}
	return -1
}

// latencyBuckets spans zcrm's answers: a cached read in well under a millisecond, a 100-id write
// in tens of milliseconds, up to the write timeout.
var latencyBuckets = []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60}

// metrics is a Server's registry and the request series recorded into it.
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec   // route, method, code
	latency  *prometheus.HistogramVec // route, method
	// routes maps a route label to its series. It is filled while the Server is built and only read
	// afterwards (a ServeMux pattern or a CRM route pattern names the route).
	routes    map[string]*routeMetrics
	unmatched *routeMetrics
}

// routeMetrics is one route's series, resolved per method and status on first use.
type routeMetrics struct {
	m       *metrics
	route   string
	methods [len(methodLabels)]atomic.Pointer[methodMetrics]
}

// methodMetrics is one route's and method's series.
type methodMetrics struct {
	method  string
	latency prometheus.Observer
	codes   [len(codeSlots)]atomic.Pointer[counter]
}

type counter struct{ prometheus.Counter }

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "zcrm_http_requests_total",
			Help: "HTTP requests answered, by route pattern, method and status code (499: the client went away first).",
		}, []string{"route", "method", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "zcrm_http_request_duration_seconds",
			Help:    "Time from a request's arrival to the end of its answer, by route pattern and method.",
			Buckets: latencyBuckets,
		}, []string{"route", "method"}),
		routes: map[string]*routeMetrics{},
	}
	m.reg.MustRegister(m.requests, m.latency,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.unmatched = m.route(routeUnmatched)
	return m
}

// route returns the series of the route labelled name, making them the first time. It is called
// only while the Server is built.
func (m *metrics) route(name string) *routeMetrics {
	rm := m.routes[name]
	if rm == nil {
		rm = &routeMetrics{m: m, route: name}
		m.routes[name] = rm
	}
	return rm
}

// crmRoute returns the series of a CRM route pattern (the segments after /crm/{version}/).
func (m *metrics) crmRoute(pattern []string) *routeMetrics {
	return m.route("/crm/{version}/" + strings.Join(pattern, "/"))
}

// observe records one answered request.
func (rm *routeMetrics) observe(method string, code int, d time.Duration) {
	i := methodIndex(method)
	mm := rm.methods[i].Load()
	if mm == nil {
		mm = &methodMetrics{method: methodLabels[i], latency: rm.m.latency.WithLabelValues(rm.route, methodLabels[i])}
		if !rm.methods[i].CompareAndSwap(nil, mm) {
			mm = rm.methods[i].Load()
		}
	}
	mm.latency.Observe(d.Seconds())
	slot := codeSlot(code)
	if slot < 0 {
		rm.m.requests.WithLabelValues(rm.route, mm.method, strconv.Itoa(code)).Inc()
		return
	}
	c := mm.codes[slot].Load()
	if c == nil {
		c = &counter{rm.m.requests.WithLabelValues(rm.route, mm.method, strconv.Itoa(code))}
		if !mm.codes[slot].CompareAndSwap(nil, c) {
			c = mm.codes[slot].Load()
		}
	}
	c.Inc()
}

// forPattern returns the series of a ServeMux pattern's route: unmatched for the catch-all and for
// no pattern at all.
func (m *metrics) forPattern(pattern string) *routeMetrics {
	if rm := m.routes[pattern]; rm != nil {
		return rm
	}
	return m.unmatched
}

// register adds the collectors that read the server's collaborators when scraped: the store's
// group-commit counters and connection pools, and the caches' hit counts.
func (m *metrics) register(s *Server) {
	if cs, ok := s.store.(interface{ CommitStats() store.CommitStats }); ok {
		for _, c := range []struct {
			name, help string
			get        func(store.CommitStats) int64
		}{
			{"zcrm_store_commits_total", "Write transactions committed (a group commit counts once).", func(s store.CommitStats) int64 { return s.Commits }},
			{"zcrm_store_commit_calls_total", "Write calls those commits held; divided by zcrm_store_commits_total it is the calls per commit.", func(s store.CommitStats) int64 { return s.Calls }},
			{"zcrm_store_alone_reruns_total", "PostgreSQL write calls run again alone after their group-commit batch was rolled back.", func(s store.CommitStats) int64 { return s.Alone }},
			{"zcrm_store_exclusive_reruns_total", "PostgreSQL write retries run with the process's other writes held back, after a lost serialization race.", func(s store.CommitStats) int64 { return s.Exclusive }},
		} {
			m.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: c.name, Help: c.help},
				func() float64 { return float64(c.get(cs.CommitStats())) }))
		}
	}
	if ps, ok := s.store.(interface{ PoolStats() []store.PoolStats }); ok {
		m.reg.MustRegister(newPoolCollector(ps.PoolStats))
	}
	const cacheHelp = "Lookups in zcrm's in-memory caches (token: access-token authentication; cadence_list: Get Cadences answers), by result."
	for _, c := range []struct {
		cache, result string
		get           func() uint64
	}{
		{"token", "hit", func() uint64 { h, _ := s.oauth.TokenCacheStats(); return h }},
		{"token", "miss", func() uint64 { _, m := s.oauth.TokenCacheStats(); return m }},
		{"cadence_list", "hit", s.cadenceLists.hits.Load},
		{"cadence_list", "miss", s.cadenceLists.misses.Load},
	} {
		m.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "zcrm_cache_lookups_total", Help: cacheHelp,
			ConstLabels: prometheus.Labels{"cache": c.cache, "result": c.result},
		}, func() float64 { return float64(c.get()) }))
	}
}

// handler serves the registry in Prometheus' text format (or what the scraper negotiates).
func (m *metrics) handler(s *Server) http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorLog: promLogger{s}, ErrorHandling: promhttp.ContinueOnError})
}

// promLogger sends the metrics handler's errors to the server's error log.
type promLogger struct{ s *Server }

func (l promLogger) Println(v ...any) {
	l.s.errorLog().Error("metrics: " + strings.TrimSuffix(fmt.Sprintln(v...), "\n"))
}

// poolCollector exports sql.DBStats per connection pool, under the names and labels of
// client_golang's collectors.NewDBStatsCollector (db_name is the pool's store.PoolStats name).
type poolCollector struct {
	stats                                                         func() []store.PoolStats
	maxOpen, open, inUse, idle                                    *prometheus.Desc
	waitCount, waitDuration, idleClosed, idleTimeClosed, ltClosed *prometheus.Desc
}

func newPoolCollector(stats func() []store.PoolStats) *poolCollector {
	d := func(name, help string) *prometheus.Desc {
		return prometheus.NewDesc("go_sql_"+name, help, []string{"db_name"}, nil)
	}
	return &poolCollector{
		stats:          stats,
		maxOpen:        d("max_open_connections", "Maximum number of open connections to the database."),
		open:           d("open_connections", "The number of established connections both in use and idle."),
		inUse:          d("in_use_connections", "The number of connections currently in use."),
		idle:           d("idle_connections", "The number of idle connections."),
		waitCount:      d("wait_count_total", "The total number of connections waited for."),
		waitDuration:   d("wait_duration_seconds_total", "The total time blocked waiting for a new connection."),
		idleClosed:     d("max_idle_closed_total", "The total number of connections closed due to SetMaxIdleConns."),
		idleTimeClosed: d("max_idle_time_closed_total", "The total number of connections closed due to SetConnMaxIdleTime."),
		ltClosed:       d("max_lifetime_closed_total", "The total number of connections closed due to SetConnMaxLifetime."),
	}
}

// Describe implements prometheus.Collector.
func (c *poolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.maxOpen, c.open, c.inUse, c.idle, c.waitCount, c.waitDuration, c.idleClosed, c.idleTimeClosed, c.ltClosed} {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (c *poolCollector) Collect(ch chan<- prometheus.Metric) {
	for _, p := range c.stats() {
		g := func(d *prometheus.Desc, v float64) {
			ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, p.Pool)
		}
		n := func(d *prometheus.Desc, v float64) {
			ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, v, p.Pool)
		}
		g(c.maxOpen, float64(p.MaxOpenConnections))
		g(c.open, float64(p.OpenConnections))
		g(c.inUse, float64(p.InUse))
		g(c.idle, float64(p.Idle))
		n(c.waitCount, float64(p.WaitCount))
		n(c.waitDuration, p.WaitDuration.Seconds())
		n(c.idleClosed, float64(p.MaxIdleClosed))
		n(c.idleTimeClosed, float64(p.MaxIdleTimeClosed))
		n(c.ltClosed, float64(p.MaxLifetimeClosed))
	}
}
