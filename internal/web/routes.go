package web

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/horizons-expat/site/internal/content"
	"github.com/horizons-expat/site/internal/images"
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
		s.canonicalPaths,
		s.limitSearches(s.cfg.SearchesPerMinute),
		// A cached page needs no database snapshot: it skips the rest.
		s.cachePages,
		s.snapshot,
		middleware.GetHead,
	)
	r.NotFound(s.notFound)
	r.MethodNotAllowed(methodNotAllowed)

	for _, rt := range s.routeTable() {
		r.Get(rt.pattern, rt.handler)
	}
	// Cached pages are answered ahead of all of it.
	return s.fastPath(r, slots)
}

// route is one address pattern of the site (chi's syntax), its handler,
// and what the layers ahead of the router must know of its addresses: the
// fast path, the page cache and the canonical-path redirects read it from
// here (routeTraits), so that none of them names paths of its own.
type route struct {
	pattern string
	handler http.HandlerFunc
	traits  traits
	// names, when set, narrows traits to the paths whose last segment it
	// accepts: /{category}/{slug}/{file} is a bundle's file only when
	// file is an image's name (any other is no page, a 404).
	names func(string) bool
}

// traits say how the layers ahead of the router treat a route's addresses.
type traits uint8

const (
	// uncached: the page cache never keeps the answer. Files have their
	// own caching (fingerprinted assets and variants) or are read from
	// disk at each request so that a replaced image shows at once;
	// health, status and metrics must be live; previews are for their
	// link's holders only.
	uncached traits = 1 << iota
	// exactNames: the path ends in a file's name, served as spelled: no
	// case folding, no respelling to a slug.
	exactNames
	// readsQuery: the answer depends on the query string, which is then
	// part of its cache key and never read as an imported site's old
	// address. Such pages take the long way, with their rate limit.
	readsQuery
)

// files are the traits of the routes that serve files.
const files = uncached | exactNames

// routeTable is every route of the site: the URL scheme in one place.
// The router, ReservedSegments and routeTraits all read it.
func (s *Server) routeTable() []route {
	return []route{
		// Answered by answerHealthz, ahead of the in-flight limit;
		// listed for its traits and its reserved segment.
		{pattern: healthzPath, handler: s.healthz, traits: uncached},
		{pattern: "/_status", handler: s.privateOnly(s.page(s.status)), traits: uncached},
		{pattern: "/metrics", handler: s.privateOnly(s.metricsPage), traits: uncached},
		{pattern: staticPrefix + "*", handler: s.file(s.static), traits: files},
		{pattern: content.MediaPrefix + "*", handler: s.file(s.media), traits: files},
		{pattern: variantPrefix + "{name}", handler: s.file(s.variant), traits: files},

		{pattern: "/robots.txt", handler: s.page(s.robots)},
		{pattern: "/sitemap.xml", handler: s.page(s.sitemap)},
		{pattern: "/sitemap-{n}.xml", handler: s.page(s.sitemapChild)},
		{pattern: "/sitemap-news.xml", handler: s.page(s.newsSitemap)},
		{pattern: siteFeedPath, handler: s.page(s.rss)},
		{pattern: siteAtomPath, handler: s.page(s.atom)},
		{pattern: siteJSONPath, handler: s.page(s.jsonFeed)},
		{pattern: "/{category}/rss.xml", handler: s.page(s.rss)},
		{pattern: "/{category}/atom.xml", handler: s.page(s.atom)},
		{pattern: "/tags/{tag}/atom.xml", handler: s.page(s.atom)},
		{pattern: "/auteurs/{author}/rss.xml", handler: s.page(s.rss)},
		{pattern: "/auteurs/{author}/atom.xml", handler: s.page(s.atom)},

		{pattern: searchPath, handler: s.page(s.search), traits: readsQuery},
		{pattern: suggestionsPath, handler: s.page(s.suggestions), traits: readsQuery},
		{pattern: "/opensearch.xml", handler: s.page(s.openSearch)},
		{pattern: "/", handler: s.page(s.home)},
		{pattern: "/tags", handler: s.page(s.tags)},
		{pattern: "/tags/{tag}", handler: s.page(s.tag)},
		{pattern: "/tags/{tag}/page/{page}", handler: s.page(s.tag)},
		{pattern: "/auteurs/{author}", handler: s.page(s.author)},
		{pattern: "/auteurs/{author}/page/{page}", handler: s.page(s.author)},
		{pattern: "/archives", handler: s.page(s.archives)},
		{pattern: "/archives/{year}/{month}", handler: s.page(s.month)},
		{pattern: "/archives/{year}/{month}/page/{page}", handler: s.page(s.month)},
		{pattern: previewPrefix + "{token}", handler: s.page(s.preview), traits: uncached},
		{pattern: "/{category}", handler: s.page(s.category)},
		{pattern: "/{category}/page/{page}", handler: s.page(s.category)},
		{pattern: "/{category}/{slug}", handler: s.page(s.article)},
		{pattern: "/{category}/{slug}/{file}", handler: s.file(s.bundleMedia), traits: files, names: images.Supported},
	}
}

// ownSegments are first path segments reserved beyond the route table:
// "page" is the pagination segment of every list, and rss, sitemap and
// feeds are where readers' tools and crawlers look for feeds and sitemaps.
var ownSegments = []string{"page", "rss", "sitemap", "feeds"}

// ReservedSegments are the first path segments that the site's own pages
// take, read from the route table: a rubrique there would be hidden by a
// page of the site, and an alias never reached. The content package gets
// them as data (content.WithReserved), from whoever wires the two.
func ReservedSegments() content.Reserved {
	out := content.Reserved{}
	for _, seg := range ownSegments {
		out[seg] = true
	}
	// A server that serves nothing: only its routes' patterns are read.
	for _, rt := range (&Server{}).routeTable() {
		if first, ok := literalFirst(rt.pattern); ok {
			out[first] = true
		}
	}
	return out
}

// literalFirst returns the first segment of pattern when it is plain text
// (not "/" itself, nor a parameter such as {category} or sitemap-{n}.xml).
func literalFirst(pattern string) (string, bool) {
	first, _, _ := strings.Cut(strings.TrimPrefix(pattern, "/"), "/")
	return first, first != "" && !strings.ContainsAny(first, "{*")
}

// routeTraits is the route table as the layers ahead of the router read
// it, on the path of a request that is not routed yet. A route whose first
// segment is plain text owns that segment: the site gives out no other
// address beneath it, so its traits hold for the whole subtree (/static/…,
// /img/…, /recherche/…; what no route matches there is a 404 anyway). A
// route that starts with a parameter (the rubriques' addresses) has its
// traits on its own shape only: the same number of segments, its plain
// segments equal, its names.
type routeTraits struct {
	// segments are the plain first segments that have traits: a handful,
	// which a scan compares faster than a map hashes one.
	segments []segmentTraits
	shapes   []shape // the routes that start with a parameter and have traits
}

type segmentTraits struct {
	segment string
	traits  traits
}

// shape is such a route: its segments, "" for a parameter.
type shape struct {
	segments []string
	params   bool // every segment is a parameter
	traits   traits
	names    func(string) bool
}

// newRouteTraits compiles the table. The table is code: a route it cannot
// express (two routes of one segment disagreeing, a parameter inside a
// segment) is a programming error, caught by any test that builds a
// server.
func newRouteTraits(table []route) *routeTraits {
	rt := &routeTraits{}
	owner := map[string]route{} // by first segment, the first route there
	for _, r := range table {
		if first, ok := literalFirst(r.pattern); ok {
			if r.names != nil {
				panic(fmt.Sprintf("route %s: names narrow only routes that start with a parameter", r.pattern))
			}
			if o, seen := owner[first]; seen {
				if o.traits != r.traits {
					panic(fmt.Sprintf("routes %s and %s share their first segment but not their traits", o.pattern, r.pattern))
				}
				continue
			}
			owner[first] = r
			if r.traits != 0 {
				rt.segments = append(rt.segments, segmentTraits{first, r.traits})
			}
			continue
		}
		if r.traits == 0 {
			continue
		}
		if r.pattern == "/" {
			panic("route /: the home page cannot have traits, which would hold for every path")
		}
		sh := shape{traits: r.traits, names: r.names, params: true}
		for seg := range strings.SplitSeq(strings.TrimPrefix(r.pattern, "/"), "/") {
			param := strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") && strings.Count(seg, "{") == 1
			if !param && strings.ContainsAny(seg, "{}*") {
				panic(fmt.Sprintf("route %s: traits need whole-segment parameters", r.pattern))
			}
			if param {
				seg = ""
			}
			sh.params = sh.params && param
			sh.segments = append(sh.segments, seg)
		}
		rt.shapes = append(rt.shapes, sh)
	}
	return rt
}

// of returns the traits of the addresses that path p may be. It runs on
// every request, and allocates nothing.
func (rt *routeTraits) of(p string) traits {
	if len(p) < 2 || p[0] != '/' {
		return 0
	}
	first := p[1:]
	if i := strings.IndexByte(first, '/'); i >= 0 {
		first = first[:i]
	}
	var t traits
	for _, s := range rt.segments {
		if s.segment == first {
			t = s.traits
			break
		}
	}
	for i := range rt.shapes {
		if rt.shapes[i].match(p) {
			t |= rt.shapes[i].traits
		}
	}
	return t
}

// match reports whether p, which starts with a slash, has this shape.
func (sh *shape) match(p string) bool {
	if strings.Count(p, "/") != len(sh.segments) {
		return false // the common case, found at the speed of a byte count
	}
	if sh.params {
		return sh.names == nil || sh.names(p[strings.LastIndexByte(p, '/')+1:])
	}
	rest := p[1:]
	for i, lit := range sh.segments {
		seg := rest
		if j := strings.IndexByte(rest, '/'); j >= 0 {
			seg, rest = rest[:j], rest[j+1:]
		}
		if (lit != "" && seg != lit) || (i == len(sh.segments)-1 && sh.names != nil && !sh.names(seg)) {
			return false
		}
	}
	return true
}

// cachedPage reports whether p may be a page that the page cache holds
// under p itself: one that the cache keeps, that reads no query, spelled
// canonically.
func (rt *routeTraits) cachedPage(p string) bool {
	t := rt.of(p)
	return t&(uncached|readsQuery) == 0 && canonicalPath(p, rt.of) == p
}

// canonical returns the canonical spelling of p (see canonicalPath).
func (rt *routeTraits) canonical(p string) string { return canonicalPath(p, rt.of) }
