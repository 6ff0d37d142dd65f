// Package metrics holds what the site reports at /metrics, in the
// Prometheus text format: requests by route pattern and status, their
// latency, and the counters of the parts that register here (page cache,
// ingest, search, purges). Each part owns its figures and registers
// collectors for them (Register), usually functions reading counters it
// keeps anyway, so that reporting costs nothing on the paths it measures.
//
// Label values are bounded: routes are chi's patterns ("/{category}/{slug}"),
// never raw paths, and statuses the few codes the site answers.
package metrics

import (
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Namespace prefixes every metric of the site.
const Namespace = "horizons"

// NoRoute is the route label of requests answered before routing (limits,
// redirects to the canonical path) or matching no route.
const NoRoute = "none"

// Metrics is one process's registry. The zero value is not usable: New.
type Metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	search   prometheus.Histogram
	routes   sync.Map // route pattern → *Route
	handler  http.Handler
}

// latencyBuckets reach from a cached page (tens of microseconds) to a
// slow render or search (a second).
var latencyBuckets = []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1}

// New returns a registry with the request metrics and the Go runtime's
// and process's own.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: Namespace, Name: "http_requests_total",
			Help: "HTTP requests answered, by route pattern and status code.",
		}, []string{"route", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: Namespace, Name: "http_request_duration_seconds",
			Help:    "Time to answer a request, from its headers read to its answer handed to the connection, by route pattern.",
			Buckets: latencyBuckets,
		}, []string{"route"}),
		search: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: Namespace, Name: "search_duration_seconds",
			Help:    "Time the store took to rank and read one page of search results.",
			Buckets: latencyBuckets,
		}),
	}
	m.reg.MustRegister(m.requests, m.latency, m.search,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.handler = promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
	return m
}

// Register adds the collectors of a part of the site (the page cache,
// ingest, purges, image workers…). Names must start with Namespace.
func (m *Metrics) Register(cs ...prometheus.Collector) { m.reg.MustRegister(cs...) }

// Handler serves the metrics in the Prometheus text format. Whoever mounts
// it decides who may see it.
func (m *Metrics) Handler() http.Handler { return m.handler }

// ObserveSearch records the duration of one search.
func (m *Metrics) ObserveSearch(d time.Duration) { m.search.Observe(d.Seconds()) }

// Route is the metrics of one route pattern, looked up once: a cached
// page keeps its Route, so that counting a hit is two atomic additions.
type Route struct {
	m       *Metrics
	pattern string
	latency prometheus.Observer
	ok      prometheus.Counter // 200
	notMod  prometheus.Counter // 304
}

// Route returns the metrics of pattern ("" is NoRoute).
func (m *Metrics) Route(pattern string) *Route {
	if pattern == "" {
		pattern = NoRoute
	}
	if r, ok := m.routes.Load(pattern); ok {
		return r.(*Route)
	}
	r := &Route{m: m, pattern: pattern, latency: m.latency.WithLabelValues(pattern),
		ok: m.requests.WithLabelValues(pattern, "200"), notMod: m.requests.WithLabelValues(pattern, "304")}
	actual, _ := m.routes.LoadOrStore(pattern, r)
	return actual.(*Route)
}

// Pattern is the route pattern that r counts under.
func (r *Route) Pattern() string { return r.pattern }

// Observe counts one answer of status that took d.
func (r *Route) Observe(status int, d time.Duration) {
	switch status {
	case http.StatusOK:
		r.ok.Inc()
	case http.StatusNotModified:
		r.notMod.Inc()
	default:
		r.m.requests.WithLabelValues(r.pattern, strconv.Itoa(status)).Inc()
	}
	r.latency.Observe(d.Seconds())
}
