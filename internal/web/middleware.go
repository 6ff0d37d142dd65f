package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/horizons-expat/site/internal/content"
	"github.com/horizons-expat/site/internal/store"
)

// logRequests writes one structured log line per request, and counts it
// in the metrics under the route pattern that served it.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		next.ServeHTTP(ww, r)
		d := time.Since(start)
		status := ww.Status()
		if status == 0 { // nothing written: net/http sends 200
			status = http.StatusOK
		}
		pattern := ""
		if rc := chi.RouteContext(r.Context()); rc != nil {
			pattern = rc.RoutePattern()
		}
		if pattern == "" && r.URL.Path == healthzPath { // answered before routing
			pattern = healthzPath
		}
		s.metrics.Route(pattern).Observe(status, d)
		s.logRequest(r, middleware.GetClientIPAddr(r.Context()), status, ww.BytesWritten(), d)
	})
}

// recoverPanics turns a panic into the French 500 page, with the stack in
// the log.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if rec := recover(); rec != nil {
				s.recovered(w, r, rec)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// canonicalPaths sends every other spelling of a page's path to its one
// canonical URL: no trailing slash, no index.html, no doubled slash, lower
// case, no percent-encoded letter ("/%6Donde" is "/monde"). Spellings that
// only the database can resolve (a file name's accents and spaces) are
// left to notFound.
func (s *Server) canonicalPaths(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		c := s.traits.canonical(p)
		if (c != p || encodedOtherwise(r.URL)) && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
			movedTo(w, r, c)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// oldAddresses sends an old address imported from another system that is
// an alias (/2024/11/13/slug/ with its slash, /?p=123) straight to its
// page in one redirect, before canonicalPaths would send it to its
// canonical spelling first. It costs a query only for such requests: a
// canonical path without a query goes on at once (the router's own
// redirect lookup answers it), and so do the pages that read their query
// (searches), whose query is theirs.
func (s *Server) oldAddresses(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := s.traits.canonical(r.URL.Path)
		moved := c != r.URL.Path || encodedOtherwise(r.URL)
		get := r.Method == http.MethodGet || r.Method == http.MethodHead
		if get && (moved || r.URL.RawQuery != "") && s.traits.of(c)&readsQuery == 0 {
			if target, ok := s.oldAddress(r, c, moved); ok {
				http.Redirect(w, r, target, http.StatusMovedPermanently)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// movedTo answers 301 to path, keeping r's query.
func movedTo(w http.ResponseWriter, r *http.Request, path string) {
	u := *r.URL
	u.Path, u.RawPath = path, ""
	http.Redirect(w, r, u.RequestURI(), http.StatusMovedPermanently)
}

// encodedOtherwise reports whether u's path was sent with a percent-encoded
// unreserved character ("/%6Donde" for "/monde"): RFC 3986 (6.2.2.2) makes
// it the same path, which would otherwise answer as a duplicate page.
// Other encodings are left as they came: an encoded slash would change the
// path's segments if decoded, and the case of hexadecimal digits or the
// encoding of "[" changes no address that the site gives out.
func encodedOtherwise(u *url.URL) bool {
	raw := u.RawPath // empty when the path came encoded the default way
	for i := 0; i+2 < len(raw); i++ {
		if raw[i] != '%' {
			continue
		}
		if c, err := strconv.ParseUint(raw[i+1:i+3], 16, 8); err == nil && unreserved(byte(c)) {
			return true
		}
	}
	return false
}

// unreserved reports whether c may appear in a URL without encoding.
func unreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~'
}

// oldAddress returns where the alias c (a canonical path), with the
// request's query if any, leads. Without a query, only a path that was
// spelled otherwise (moved) needs the lookup.
func (s *Server) oldAddress(r *http.Request, c string, moved bool) (string, bool) {
	v := store.View{Now: s.now(), Unpublished: s.cfg.Drafts}
	if r.URL.RawQuery != "" {
		if q := content.CanonicalQuery(r.URL.RawQuery); q != "" {
			if target, err := s.store.Redirect(r.Context(), v, c+"?"+q); err == nil {
				return target, true
			}
		}
		if c == "/" {
			if target := s.formerQuery(r.Context(), v, r.URL.Query()); target != "" {
				return target, true
			}
		}
	}
	if !moved {
		return "", false
	}
	if target, err := s.store.Redirect(r.Context(), v, c); err == nil {
		return target, true
	}
	// WordPress's listings and feeds, written with its trailing slash.
	target, _ := s.formerAddress(r.Context(), v, c)
	return target, target != ""
}

// canonicalPath returns the canonical spelling of p, of giving the traits
// of a path. It is idempotent, so a redirect never leads to another. A path
// that is not valid UTF-8 is left alone: no page has such an address, and
// lowering it would invent one.
func canonicalPath(p string, of func(string) traits) string {
	if alreadyCanonical(p) {
		return p // most requests: one pass over the bytes
	}
	return respelled(p, of)
}

// alreadyCanonical reports whether p is its own canonical spelling
// whatever its traits: lower-case ASCII of the characters addresses use,
// no doubled or trailing slash, no index.html. FuzzCanonicalPath holds it
// to respelled.
func alreadyCanonical(p string) bool {
	if p == "/" {
		return true
	}
	if p == "" || p[0] != '/' || p[len(p)-1] == '/' || strings.HasSuffix(p, "index.html") {
		return false
	}
	for i := 1; i < len(p); i++ {
		switch c := p[i]; {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '-', c == '.', c == '_':
		case c == '/' && p[i-1] != '/':
		default:
			return false
		}
	}
	return true
}

// respelled is canonicalPath the long way. Whether the case is kept
// depends on the traits of the path once its slashes are collapsed, which
// are not always those of the path as asked ("///.PNG" has the shape of a
// bundle's image, "/.PNG" does not).
func respelled(p string, of func(string) traits) string {
	if !utf8.ValidString(p) {
		return p
	}
	for {
		c := collapsed(p)
		if of(c)&exactNames == 0 && !respellable(c) {
			c = strings.ToLower(c) // file names are exact
		}
		if c == p {
			return c
		}
		p = c
	}
}

// collapsed is p with its runs of slashes made one ("//host" in a Location
// header would send the reader to another site), without index.html nor a
// trailing slash.
func collapsed(p string) string {
	for {
		c := strings.ReplaceAll(p, "//", "/")
		c = strings.TrimSuffix(c, "index.html")
		if len(c) > 1 {
			c = strings.TrimRight(c, "/")
			if c == "" {
				c = "/"
			}
		}
		if c == p {
			return c
		}
		p = c
	}
}

// respellable reports whether p holds something that no address of a page
// holds, such as a space, an accent or an apostrophe: a reader's spelling
// of a file name or a tag, which notFound folds to a slug in one redirect
// (lowering it here first would make two).
func respellable(p string) bool {
	for i := 0; i < len(p); i++ {
		switch c := p[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-', c == '.', c == '/', c == '_':
		default:
			return true
		}
	}
	return false
}

// slugPath folds p to the address a reader meant: each segment that is not
// in the form of an address already becomes its slug, as file names and
// tags do ("/vie-pratique/Mon Article Été" → "/vie-pratique/mon-article-ete").
// It reports false when a segment has no slug at all, or p is a file's.
func (rt *routeTraits) slugPath(p string) (string, bool) {
	if rt.of(p)&exactNames != 0 || !utf8.ValidString(p) {
		return "", false
	}
	if strings.ContainsFunc(p, unicode.IsControl) {
		return "", false // no file name or tag has one
	}
	segments := strings.Split(p, "/")
	for i, seg := range segments {
		lower := strings.ToLower(seg)
		if lower == "" || strings.Trim(lower, "abcdefghijklmnopqrstuvwxyz0123456789-.") == "" {
			segments[i] = lower
			continue
		}
		if segments[i] = content.Slugify(seg); segments[i] == "" {
			return "", false
		}
	}
	return strings.Join(segments, "/"), true
}

func methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Allow", "GET, HEAD")
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusMethodNotAllowed)
	fmt.Fprintln(w, "Méthode non autorisée.")
}

// healthzPath is where probes ask whether the server is ready.
const healthzPath = "/healthz"

// answerHealthz answers /healthz itself, ahead of the in-flight limit and
// of the page cache.
func (s *Server) answerHealthz(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == healthzPath {
			switch r.Method {
			case http.MethodGet, http.MethodHead:
				s.healthz(w, r)
			default:
				methodNotAllowed(w, r)
			}
			return
		}
		next.ServeHTTP(w, r)
	})
}

// healthz answers 200 once content is loaded.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if !s.ready() {
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintln(w, "loading")
		return
	}
	fmt.Fprintln(w, "ok")
}
