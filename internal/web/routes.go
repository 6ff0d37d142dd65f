package web

import (
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/horizons-expat/site/internal/content"
)

// Handler returns the whole site: every route in one place.
func (s *Server) Handler() http.Handler {
	r := chi.NewRouter()
	maxInFlight := s.cfg.MaxInFlight
	if maxInFlight <= 0 {
		maxInFlight = DefaultMaxInFlight
	}
	slots := make(chan struct{}, maxInFlight)
	r.Use(
		clientAddresses(s.cfg.TrustedProxies),
		s.securityHeaders,
		s.logRequests,
		s.recoverPanics,
		// Probes are answered even when pages are shed: an overloaded
		// replica is not a dead one.
		s.answerHealthz,
		s.limitInFlightWith(slots),
		s.refuseLongURIs,
		s.refuseBodies,
		s.oldAddresses,
		canonicalPaths,
		s.limitSearches(s.cfg.SearchesPerMinute),
		// A cached page needs no database snapshot: it skips the rest.
		s.cachePages,
		s.snapshot,
		middleware.GetHead,
	)
	r.NotFound(s.notFound)
	r.MethodNotAllowed(methodNotAllowed)

	s.routes(r)
	// Cached pages are answered ahead of all of it.
	return s.fastPath(r, slots)
}

// routes registers every page of the site on r: the URL scheme in one
// place (ReservedSegments reads it too).
func (s *Server) routes(r chi.Router) {
	r.Get("/_status", s.privateOnly(s.page(s.status)))
	r.Get("/metrics", s.privateOnly(s.metricsPage))
	r.Get("/static/*", s.static)
	r.Get("/media/*", s.media)
	r.Get(variantPrefix+"{name}", s.variant)

	r.Get("/robots.txt", s.page(s.robots))
	r.Get("/sitemap.xml", s.page(s.sitemap))
	r.Get("/sitemap-{n}.xml", s.page(s.sitemapChild))
	r.Get("/sitemap-news.xml", s.page(s.newsSitemap))
	r.Get(siteFeedPath, s.page(s.rss))
	r.Get(siteAtomPath, s.page(s.atom))
	r.Get(siteJSONPath, s.page(s.jsonFeed))
	r.Get("/{category}/rss.xml", s.page(s.rss))
	r.Get("/{category}/atom.xml", s.page(s.atom))
	r.Get("/tags/{tag}/atom.xml", s.page(s.atom))
	r.Get("/auteurs/{author}/rss.xml", s.page(s.rss))
	r.Get("/auteurs/{author}/atom.xml", s.page(s.atom))

	r.Get(searchPath, s.search)
	r.Get(suggestionsPath, s.suggestions)
	r.Get("/opensearch.xml", s.openSearch)
	r.Get("/", s.page(s.home))
	r.Get("/tags", s.page(s.tags))
	r.Get("/tags/{tag}", s.page(s.tag))
	r.Get("/tags/{tag}/page/{page}", s.page(s.tag))
	r.Get("/auteurs/{author}", s.page(s.author))
	r.Get("/auteurs/{author}/page/{page}", s.page(s.author))
	r.Get("/archives", s.page(s.archives))
	r.Get("/archives/{year}/{month}", s.page(s.month))
	r.Get("/archives/{year}/{month}/page/{page}", s.page(s.month))
	r.Get("/apercu/{token}", s.preview)
	r.Get("/{category}", s.page(s.category))
	r.Get("/{category}/page/{page}", s.page(s.category))
	r.Get("/{category}/{slug}", s.page(s.article))
	r.Get("/{category}/{slug}/{file}", s.bundleMedia)
}

// ownSegments are first path segments reserved beyond the route table:
// /healthz is answered by middleware ahead of the routes, "page" is the
// pagination segment of every list, and rss, sitemap and feeds are where
// readers' tools and crawlers look for feeds and sitemaps.
var ownSegments = []string{"healthz", "page", "rss", "sitemap", "feeds"}

// ReservedSegments are the first path segments that the site's own pages
// take, read from the route table: a rubrique there would be hidden by a
// page of the site, and an alias never reached. The content package gets
// them as data (content.WithReserved), from whoever wires the two.
func ReservedSegments() content.Reserved {
	r := chi.NewRouter()
	// A server that serves nothing: only its routes' patterns are read.
	(&Server{}).routes(r)
	out := content.Reserved{}
	for _, seg := range ownSegments {
		out[seg] = true
	}
	// Walk fails only when its function does, and this one does not.
	_ = chi.Walk(r, func(_, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		first, _, _ := strings.Cut(strings.TrimPrefix(route, "/"), "/")
		if first != "" && !strings.ContainsAny(first, "{*") {
			out[first] = true
		}
		return nil
	})
	return out
}
