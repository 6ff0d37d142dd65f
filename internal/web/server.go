// Package web serves the site over HTTP: it turns store results into view
// models, renders them with the templates, and owns every HTTP concern
// (routes, status codes, caching headers, error pages).
package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"

	"github.com/horizons-expat/site/internal/content"
	"github.com/horizons-expat/site/internal/frdate"
	"github.com/horizons-expat/site/internal/images"
	"github.com/horizons-expat/site/internal/metrics"
	"github.com/horizons-expat/site/internal/store"
	"github.com/horizons-expat/site/templates"
)

// Config is what the operator chooses.
type Config struct {
	BaseURL string // overrides site.yaml's base_url when not empty
	Drafts  bool   // show drafts and scheduled articles (an editor's preview)
	// SitemapMaxURLs and SitemapMaxBytes lower the size of one sitemap file
	// below the protocol's limits (0: the limits), so that tests can make
	// a sitemap index appear.
	SitemapMaxURLs, SitemapMaxBytes int
	// Media is the content folder, whose media/ images the site serves.
	Media fs.FS
	// Images, when set, has the variants of the content's images; without
	// it pages name the originals.
	Images *images.Library
	// TrustedProxies are the CIDR prefixes of the reverse proxies whose
	// X-Forwarded-For is believed; empty means the socket peer is the client.
	TrustedProxies []string
	// MaxInFlight bounds the requests served at once (DefaultMaxInFlight
	// when zero); beyond it requests are shed with 503.
	MaxInFlight int
	// SearchesPerMinute bounds one client's searches
	// (DefaultSearchesPerMinute when zero); beyond it, 429.
	SearchesPerMinute int
	// StatusToken opens the editors' status page to requests carrying it
	// in the X-Status-Token header; without it only loopback clients that
	// are not trusted proxies see the page.
	StatusToken string
	// ContentStatus reports the content loader's state for the editors'
	// status page; nil leaves the page out.
	ContentStatus func() ContentStatus
	// CacheBytes bounds the memory of the rendered-page cache; 0 means
	// DefaultCacheBytes.
	CacheBytes uint64
	// PreviewSecret signs the preview links of unpublished articles
	// (see PreviewToken); without it there are no preview links.
	PreviewSecret []byte
	// Metrics is where the server counts requests and registers its
	// page cache's figures, served at /metrics to those who may see the
	// status page; nil: a registry of its own.
	Metrics *metrics.Metrics
}

// Server answers the site's HTTP requests.
type Server struct {
	store  *store.Store
	assets *Assets
	cfg    Config
	now    func() time.Time
	log    *slog.Logger
	ready  func() bool
	scheme baseScheme
	// traits are what the route table says of each path, for the layers
	// ahead of the router.
	traits  *routeTraits
	cache   *pageCache
	metrics *metrics.Metrics
	ids     *requestIDs
	// private guards the operators' pages.
	private privateGuard
	// previews are the preview tokens of the stored articles.
	previews previewTokens
	images   *images.Library
	// queryAliases tell the fast path which queries it may ignore.
	queryAliases atomic.Pointer[queryAliases]
}

// New returns a Server. ready tells whether content is loaded, for /healthz.
func New(st *store.Store, assets *Assets, cfg Config, now func() time.Time, log *slog.Logger, ready func() bool) *Server {
	if cfg.CacheBytes == 0 {
		cfg.CacheBytes = DefaultCacheBytes
	}
	if cfg.Metrics == nil {
		cfg.Metrics = metrics.New()
	}
	var gen uint64
	if st != nil { // middleware tests run without a database
		gen = st.Generation()
	}
	s := &Server{store: st, assets: assets, cfg: cfg, now: now, log: log, ready: ready,
		cache: newPageCache(cfg.CacheBytes, st.Generation, gen), metrics: cfg.Metrics, ids: newRequestIDs(),
		private: newPrivateGuard(cfg.StatusToken, cfg.TrustedProxies), images: cfg.Images}
	s.traits = newRouteTraits(s.routeTable())
	if lib := cfg.Images; lib != nil {
		s.cache.images = lib.Generation
	}
	s.cache.register(cfg.Metrics)
	if st != nil {
		s.loadQueryAliases(context.Background())
	}
	return s
}

// perPage is the number of articles on a listing page.
const perPage = 12

// request is what every page handler starts from: the instant it answers
// for, the site settings and the menu.
type request struct {
	now        time.Time
	view       store.View
	site       content.Site
	categories []content.Category
	assets     *Assets
	// validUntil is the first instant at which the page's text would
	// change: a relative date moving on, a scheduled article appearing.
	validUntil time.Time
	// keys are the surrogate keys of what the page shows (keySite…),
	// for shared caches to purge exactly the pages a change affects.
	keys []string
	// private marks an editors' page, see response.private.
	private bool
	// images has the variants of the content's images; nil without.
	images *images.Library
}

func (s *Server) begin(ctx context.Context) (*request, error) {
	now := s.now()
	rq := &request{now: now, view: store.View{Now: now, Unpublished: s.cfg.Drafts}, validUntil: now.Add(maxValidity), assets: s.assets,
		keys: []string{keySite}, images: s.images}
	var err error
	if rq.site, err = s.store.Site(ctx); err != nil {
		return nil, err
	}
	if s.cfg.BaseURL != "" {
		rq.site.BaseURL = s.cfg.BaseURL
	}
	if rq.categories, err = s.store.Categories(ctx); err != nil {
		return nil, err
	}
	next, err := s.store.NextEvent(ctx, rq.view)
	if err != nil {
		return nil, err
	}
	rq.until(next)
	return rq, nil
}

// category is the category with slug among those begin loaded, so that a
// page needs no second query and sees the same snapshot as its menu.
func (rq *request) category(slug string) (content.Category, error) {
	for _, c := range rq.categories {
		if c.Slug == slug {
			return c, nil
		}
	}
	return content.Category{}, fmt.Errorf("category %s: %w", slug, store.ErrNotFound)
}

// until shortens the page's validity to t, when t is set.
func (rq *request) until(t time.Time) {
	if !t.IsZero() && t.Before(rq.validUntil) {
		rq.validUntil = t
	}
}

// key notes surrogate keys of what the page shows.
func (rq *request) key(keys ...string) { rq.keys = append(rq.keys, keys...) }

// response is body as the answer to this request, valid as long as the
// page's text and carrying its surrogate keys.
func (rq *request) response(contentType string, body []byte) *response {
	return &response{status: http.StatusOK, contentType: contentType, body: body, validUntil: rq.validUntil, now: rq.now,
		keys: rq.keys, private: rq.private}
}

// date converts an instant for display, noting when its relative text
// will change.
func (rq *request) date(t time.Time) templates.Date {
	rq.until(frdate.NextChange(t, rq.now))
	return templates.Date{
		ISO:      t.In(rq.site.Location).Format(time.RFC3339),
		Relative: frdate.Relative(t, rq.now),
		Absolute: frdate.Absolute(t, rq.site.Location),
	}
}

func (rq *request) card(a store.Article) templates.Card {
	rq.key(articleKey(a.ID))
	return templates.Card{
		URL:         a.URLPath(),
		Title:       a.Title,
		Summary:     a.Summary,
		Category:    a.CategoryTitle,
		CategoryURL: content.CategoryPath(a.Category),
		Date:        rq.date(a.Date),
		Badge:       rq.unpublished(a),
		Picture:     rq.coverPicture(a, sizesCard, false),
	}
}

// unpublished names why readers cannot see a, which only an editor's
// preview shows: "Brouillon", "Programmé" or "Expiré"; "" when published.
func (rq *request) unpublished(a store.Article) string {
	switch {
	case a.Draft:
		return "Brouillon"
	case a.Date.After(rq.now):
		return "Programmé"
	case !a.Expires.IsZero() && !a.Expires.After(rq.now):
		return "Expiré"
	}
	return ""
}

func (rq *request) cards(list []store.Article) []templates.Card {
	out := make([]templates.Card, len(list))
	for i, a := range list {
		out[i] = rq.card(a)
	}
	return out
}

// layout fills the frame of a page at path titled title ("" for the home
// page), with currentCategory highlighted in the menu.
func (rq *request) layout(path, title, description, currentCategory string) templates.Layout {
	full := rq.site.Title
	if title != "" {
		full = title + " – " + rq.site.Title
	}
	if description == "" {
		description = rq.site.Description
	}
	// The copyright year in the footer changes on New Year's Day.
	y := rq.now.In(rq.site.Location).Year()
	rq.until(time.Date(y+1, time.January, 1, 0, 0, 0, 0, rq.site.Location))
	l := templates.Layout{
		SiteTitle:   rq.site.Title,
		Tagline:     rq.site.Tagline,
		Title:       full,
		Description: description,
		Canonical:   rq.site.BaseURL + path,
		Year:        rq.now.In(rq.site.Location).Year(),
		CSS:         rq.assets.URL("style.css"),
		Icon:        rq.assets.URL("logo.svg"),
		Logo:        rq.assets.URL("logo.svg"),
		Script:      rq.assets.URL("suggest.js"),
		Noindex:     rq.view.Unpublished, // an editor's preview is not for search engines
		Meta:        rq.meta(title),
	}
	for _, c := range rq.categories {
		l.Menu = append(l.Menu, templates.MenuItem{Title: c.Title, URL: content.CategoryPath(c.Slug), Current: c.Slug == currentCategory})
	}
	return l
}

// response is a whole answer, ready to send: every page and document of
// the site goes through send, the one place that sets caching headers.
type response struct {
	status      int
	contentType string
	body        []byte
	// validUntil is when the body may first differ for the same request;
	// caches must not keep it longer.
	validUntil time.Time
	now        time.Time
	// private is for editors' eyes only: never stored by a cache, never
	// indexed.
	private bool
	keys    []string // surrogate keys, see request.keys
}

// render renders a page into memory, so that a template failure still gets
// a clean 500 instead of half a page, then sends it. An error is the
// template's, before anything is written.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, rq *request, page templ.Component) error {
	var buf bytes.Buffer
	if err := page.Render(r.Context(), &buf); err != nil {
		return fmt.Errorf("render %s: %w", r.URL.Path, err)
	}
	resp := rq.response("text/html; charset=utf-8", buf.Bytes())
	resp.status = status
	s.send(w, r, resp)
	return nil
}

// send writes resp with its caching headers, compressed when the client
// takes gzip, answering 304 to a request whose validators match. A 200
// answer to a GET or HEAD is kept in the page cache until resp.validUntil
// or the next content change.
func (s *Server) send(w http.ResponseWriter, r *http.Request, resp *response) {
	s.cache.renders.Add(1)
	if f, ok := r.Context().Value(fillKey{}).(*fill); ok && cacheable(w, resp) {
		e := newPrepared(resp, true)
		e.generation, e.imageGeneration = f.generation, f.imageGeneration
		pattern := ""
		if rc := chi.RouteContext(r.Context()); rc != nil {
			pattern = rc.RoutePattern()
		}
		e.route = s.metrics.Route(pattern)
		s.cache.put(f.key, e)
		if f.cached != nil {
			f.cached()
		}
		e.serve(w, r, resp.now)
		return
	}
	newPrepared(resp, false).serve(w, r, resp.now)
}

// fail answers a request that could not be served, for the wrappers that
// run handlers (page, file): a missing thing is a 404 (or a redirect or
// 410 when the database remembers it), anything else is broken.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r)
		return
	}
	s.broken(w, r, err)
}

// broken answers a request that failed: nothing to a client gone, else a
// 500 with the details in the log only. The 404 page itself ends here when
// it fails, since it cannot be not found.
func (s *Server) broken(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, context.Canceled) {
		return // the client went away
	}
	s.log.Error("request failed", "path", r.URL.Path, "err", err)
	s.serverError(w, r)
}
