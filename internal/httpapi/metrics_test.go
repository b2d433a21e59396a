package httpapi

import (
	"net/url"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/zcrm/zcrm/internal/store/storetest"
)

// scrape fetches GET /metrics without a token and parses it as Prometheus' text format.
func (e *testEnv) scrape(t *testing.T) map[string]*dto.MetricFamily {
	t.Helper()
	res, err := e.srv.Client().Get(e.srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("GET /metrics = %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(res.Body)
	if err != nil {
		t.Fatalf("parse /metrics: %v", err)
	}
	return fams
}

// sample returns the metric of family name whose labels are exactly labels (nil when absent).
func sample(fams map[string]*dto.MetricFamily, name string, labels map[string]string) *dto.Metric {
	f := fams[name]
	if f == nil {
		return nil
	}
next:
	for _, m := range f.GetMetric() {
		if len(m.GetLabel()) != len(labels) {
			continue
		}
		for _, l := range m.GetLabel() {
			if labels[l.GetName()] != l.GetValue() {
				continue next
			}
		}
		return m
	}
	return nil
}

// value returns a counter's, gauge's or untyped metric's value; 0 when absent.
func value(fams map[string]*dto.MetricFamily, name string, labels map[string]string) float64 {
	m := sample(fams, name, labels)
	switch {
	case m == nil:
		return 0
	case m.Counter != nil:
		return m.Counter.GetValue()
	case m.Gauge != nil:
		return m.Gauge.GetValue()
	case m.Untyped != nil:
		return m.Untyped.GetValue()
	}
	return 0
}

func requests(route, method, code string) map[string]string {
	return map[string]string{"route": route, "method": method, "code": code}
}

// GET /metrics needs no token and counts requests by route pattern (never the raw path), method and
// status, with a latency histogram per route and method; the store's commit counters move with a
// write, the caches count hits and misses, and the pools, Go runtime and process are there.
func TestMetrics(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		e := newEnv(t, b)
		tok := e.adminToken(cadAll...)
		before := e.scrape(t)

		e.do("GET", cadPath, tok, "").expect(t, 204, "")
		e.do("GET", cadPath, tok, "").expect(t, 204, "") // answered from the cadence list cache
		r := e.do("POST", "/crm/v8/Contacts", tok, `{"data":[{"Last_Name":"Metric"}]}`)
		if r.status != 201 {
			t.Fatalf("insert = %d %s", r.status, r.body)
		}
		var ins struct {
			Data []struct {
				Details struct{ ID string } `json:"details"`
			} `json:"data"`
		}
		r.decode(t, &ins)
		id := ins.Data[0].Details.ID
		if r := e.do("GET", "/crm/v8/Contacts/"+id+"?fields=Last_Name", tok, ""); r.status != 200 {
			t.Fatalf("get = %d %s", r.status, r.body)
		}
		e.do("GET", "/crm/v8/Contacts/"+id+"?fields=Last_Name", "", "").expect(t, 401,
			`{"code":"AUTHENTICATION_FAILURE","details":{},"message":"Authentication failed","status":"error"}`)
		e.do("PATCH", "/crm/v8/Contacts/"+id, tok, "") // no route has the method
		e.do("GET", "/no/such/"+id, "", "")            // no route at all
		e.do("BREW", "/crm/v8/Contacts", tok, "")      // a made-up method
		res, err := e.srv.Client().PostForm(e.srv.URL+"/oauth/v2/token", url.Values{"grant_type": {"refresh_token"}})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()

		after := e.scrape(t)
		for _, c := range []struct {
			labels map[string]string
			want   float64
		}{
			{requests("/crm/{version}/settings/automation/cadences", "GET", "204"), 2},
			{requests("/crm/{version}/{module}", "POST", "201"), 1},
			{requests("/crm/{version}/{module}/{id}", "GET", "200"), 1},
			{requests("/crm/{version}/{module}/{id}", "GET", "401"), 1},
			{requests("unmatched", "PATCH", "400"), 1},
			{requests("unmatched", "GET", "404"), 1},
			{requests("unmatched", "other", "400"), 1},
			{requests("/oauth/v2/token", "POST", "200"), 1},
			{requests("/metrics", "GET", "200"), 1}, // the first scrape
		} {
			if got := value(after, "zcrm_http_requests_total", c.labels); got != c.want {
				t.Errorf("zcrm_http_requests_total%v = %v, want %v", c.labels, got, c.want)
			}
		}
		for _, m := range after["zcrm_http_requests_total"].GetMetric() {
			for _, l := range m.GetLabel() {
				if strings.Contains(l.GetValue(), id) || strings.Contains(l.GetValue(), "/v8/") {
					t.Errorf("a label carries the raw path: %s=%q", l.GetName(), l.GetValue())
				}
			}
		}

		h := sample(after, "zcrm_http_request_duration_seconds", map[string]string{"route": "/crm/{version}/settings/automation/cadences", "method": "GET"})
		if h == nil || h.Histogram == nil || h.Histogram.GetSampleCount() != 2 || len(h.Histogram.GetBucket()) == 0 {
			t.Errorf("latency histogram of Get Cadences = %v, want 2 observations in buckets", h)
		}
		if f := after["zcrm_http_request_duration_seconds"]; f.GetType() != dto.MetricType_HISTOGRAM {
			t.Errorf("zcrm_http_request_duration_seconds is a %v", f.GetType())
		}

		for _, name := range []string{"zcrm_store_commits_total", "zcrm_store_commit_calls_total"} {
			if got, was := value(after, name, nil), value(before, name, nil); got <= was {
				t.Errorf("%s = %v after a write, %v before", name, got, was)
			}
		}
		for _, name := range []string{"zcrm_store_alone_reruns_total", "zcrm_store_exclusive_reruns_total"} {
			if sample(after, name, nil) == nil {
				t.Errorf("%s missing", name)
			}
		}
		cache := func(c, r string) float64 {
			return value(after, "zcrm_cache_lookups_total", map[string]string{"cache": c, "result": r})
		}
		if cache("cadence_list", "hit") != 1 || cache("cadence_list", "miss") != 1 {
			t.Errorf("cadence list cache: %v hits, %v misses; want 1 and 1", cache("cadence_list", "hit"), cache("cadence_list", "miss"))
		}
		if cache("token", "hit") < 3 || cache("token", "miss") < 1 {
			t.Errorf("token cache: %v hits, %v misses; want ≥ 3 and ≥ 1", cache("token", "hit"), cache("token", "miss"))
		}

		pools := []string{"sqlite_write", "sqlite_read"}
		if b == storetest.Postgres {
			pools = []string{"postgres"}
		}
		for _, p := range pools {
			if got := value(after, "go_sql_max_open_connections", map[string]string{"db_name": p}); got < 1 {
				t.Errorf("go_sql_max_open_connections{db_name=%q} = %v", p, got)
			}
			if sample(after, "go_sql_wait_count_total", map[string]string{"db_name": p}) == nil {
				t.Errorf("go_sql_wait_count_total{db_name=%q} missing", p)
			}
		}
		for _, name := range []string{"go_goroutines", "go_memstats_heap_alloc_bytes", "process_cpu_seconds_total", "process_resident_memory_bytes"} {
			if after[name] == nil {
				t.Errorf("%s missing", name)
			}
		}
	})
}

// Two servers in one process keep their own series.
func TestMetricsPerServer(t *testing.T) {
	e := newEnv(t, storetest.SQLite)
	tw := e.twin()
	tok := e.adminToken(cadAll...)
	for range 3 {
		e.do("GET", cadPath, tok, "").expect(t, 204, "")
	}
	tw.do("GET", cadPath, tok, "").expect(t, 204, "")
	for srv, want := range map[*testEnv]float64{e: 3, tw: 1} {
		if got := value(srv.scrape(t), "zcrm_http_requests_total", requests("/crm/{version}/settings/automation/cadences", "GET", "204")); got != want {
			t.Errorf("%s: %v Get Cadences counted, want %v", srv.srv.URL, got, want)
		}
	}
}

// Recording a request's metrics allocates nothing once its route, method and status were seen.
func TestObserveAllocs(t *testing.T) {
	for i, code := range codeSlots {
		if codeSlot(code) != i {
			t.Errorf("codeSlot(%d) = %d, want %d", code, codeSlot(code), i)
		}
	}
	for i, m := range methodLabels[:len(methodLabels)-1] {
		if methodIndex(m) != i {
			t.Errorf("methodIndex(%s) = %d, want %d", m, methodIndex(m), i)
		}
	}
	m := newMetrics()
	rm := m.crmRoute(p("{module}/{id}"))
	rm.observe("GET", 200, 1500)
	if n := testing.AllocsPerRun(100, func() { rm.observe("GET", 200, 1500) }); n != 0 {
		t.Errorf("observe allocates %v times", n)
	}
	rm.observe("GET", 418, 1500) // an uncommon status still counts
	fams, err := m.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]*dto.MetricFamily{}
	for _, f := range fams {
		byName[f.GetName()] = f
	}
	for code, want := range map[string]float64{"200": 102, "418": 1} {
		if got := value(byName, "zcrm_http_requests_total", requests("/crm/{version}/{module}/{id}", "GET", code)); got != want {
			t.Errorf("code %s counted %v times, want %v", code, got, want)
		}
	}
}

// BenchmarkObserve is the per-request cost of the request metrics, from 8 goroutines at once.
func BenchmarkObserve(b *testing.B) {
	m := newMetrics()
	rm := m.crmRoute(p("{module}/{id}"))
	b.ReportAllocs()
	b.SetParallelism(8)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			rm.observe("GET", 200, 1500)
		}
	})
}
