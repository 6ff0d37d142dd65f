package web

import (
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
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

	r.Get("/_status", s.privateOnly(s.status))
	r.Get("/metrics", s.privateOnly(s.metricsPage))
	r.Get("/static/*", s.static)
	r.Get("/media/*", s.media)
	r.Get(variantPrefix+"{name}", s.variant)

	r.Get("/robots.txt", s.robots)
	r.Get("/sitemap.xml", s.sitemap)
	r.Get("/sitemap-{n}.xml", s.sitemapChild)
	r.Get("/sitemap-news.xml", s.newsSitemap)
	r.Get(siteFeedPath, s.rss)
	r.Get(siteAtomPath, s.atom)
	r.Get(siteJSONPath, s.jsonFeed)
	r.Get("/{category}/rss.xml", s.rss)
	r.Get("/{category}/atom.xml", s.atom)
	r.Get("/tags/{tag}/atom.xml", s.atom)
	r.Get("/auteurs/{author}/rss.xml", s.rss)
	r.Get("/auteurs/{author}/atom.xml", s.atom)

	r.Get(searchPath, s.search)
	r.Get(suggestionsPath, s.suggestions)
	r.Get("/opensearch.xml", s.openSearch)
	r.Get("/", s.home)
	r.Get("/tags", s.tags)
	r.Get("/tags/{tag}", s.tag)
	r.Get("/tags/{tag}/page/{page}", s.tag)
	r.Get("/auteurs/{author}", s.author)
	r.Get("/auteurs/{author}/page/{page}", s.author)
	r.Get("/archives", s.archives)
	r.Get("/archives/{year}/{month}", s.month)
	r.Get("/archives/{year}/{month}/page/{page}", s.month)
	r.Get("/apercu/{token}", s.preview)
	r.Get("/{category}", s.category)
	r.Get("/{category}/page/{page}", s.category)
	r.Get("/{category}/{slug}", s.article)
	r.Get("/{category}/{slug}/{file}", s.bundleMedia)
	// Cached pages are answered ahead of all of it.
	return s.fastPath(r, slots)
}
