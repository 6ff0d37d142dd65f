package web

import (
	"fmt"
	"net/http"
	"runtime/debug"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-chi/chi/v5/middleware"

	"github.com/horizons-expat/site/internal/content"
)

// logRequests writes one structured log line per request.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		next.ServeHTTP(ww, r)
		s.log.Info("request",
			"method", r.Method,
			"path", r.URL.Path,
			"status", ww.Status(),
			"bytes", ww.BytesWritten(),
			"duration", time.Since(start),
			"client", middleware.GetClientIP(r.Context()),
			"request_id", middleware.GetReqID(r.Context()),
		)
	})
}

// recoverPanics turns a panic into the French 500 page, with the stack in
// the log.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			rec := recover()
			if rec == nil {
				return
			}
			if rec == http.ErrAbortHandler {
				panic(rec) // the server's own way to abort a response
			}
			s.log.Error("panic", "path", r.URL.Path, "panic", fmt.Sprint(rec), "stack", string(debug.Stack()))
			s.serverError(w, r)
		}()
		next.ServeHTTP(w, r)
	})
}

// canonicalPaths sends every other spelling of a page's path to its one
// canonical URL: no trailing slash, no index.html, no doubled slash, lower
// case.
func canonicalPaths(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		c := canonicalPath(p)
		if c != p && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
			u := *r.URL
			u.Path, u.RawPath = c, ""
			http.Redirect(w, r, u.RequestURI(), http.StatusMovedPermanently)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// canonicalPath returns the canonical spelling of p. It is idempotent, so a
// redirect never leads to another. A path that is not valid UTF-8 is left
// alone: no page has such an address, and lowering it would invent one.
func canonicalPath(p string) string {
	if !utf8.ValidString(p) {
		return p
	}
	if !strings.HasPrefix(p, "/static/") && !strings.HasPrefix(p, content.MediaPrefix) {
		p = strings.ToLower(p) // file names are exact
	}
	for {
		// Runs of slashes become one: "//host" in a Location header would
		// send the reader to another site.
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

func methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Allow", "GET, HEAD")
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusMethodNotAllowed)
	fmt.Fprintln(w, "Méthode non autorisée.")
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
