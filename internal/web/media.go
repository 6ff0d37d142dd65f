package web

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/horizons-expat/site/internal/content"
	"github.com/horizons-expat/site/internal/images"
)

// maxSVGBytes bounds an SVG the site serves: a drawing, not a data dump.
const maxSVGBytes = 2 << 20

// svgPolicy is the Content-Security-Policy of an SVG opened on its own:
// its inline styles apply, nothing else loads and no script runs.
const svgPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox"

// media serves the images of content/media/ at /media/…
func (s *Server) media(w http.ResponseWriter, r *http.Request) {
	s.serveOriginal(w, r, strings.TrimPrefix(r.URL.Path, "/"))
}

// bundleMedia serves an image beside a bundle's index.md, at
// /<rubrique>/<slug>/<file>.
func (s *Server) bundleMedia(w http.ResponseWriter, r *http.Request) {
	name := path.Join(chi.URLParam(r, "category"), chi.URLParam(r, "slug"), chi.URLParam(r, "file"))
	if _, err := fs.Stat(s.cfg.Media, path.Join(chi.URLParam(r, "category"), chi.URLParam(r, "slug"), content.BundleFile)); s.cfg.Media == nil || err != nil {
		s.notFound(w, r)
		return
	}
	s.serveOriginal(w, r, name)
}

// serveOriginal serves the image file name of the content folder as it is,
// streamed with http.ServeContent (ranges, If-Range, Last-Modified and
// conditional requests), never held whole in memory.
func (s *Server) serveOriginal(w http.ResponseWriter, r *http.Request, name string) {
	if s.cfg.Media == nil || !fs.ValidPath(name) || !content.IsMedia(name) || hidden(name) {
		s.notFound(w, r)
		return
	}
	f, err := s.cfg.Media.Open(name)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			s.log.Warn("media", "path", name, "err", err)
		}
		s.notFound(w, r)
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || st.IsDir() || st.Size() > images.MaxBytes {
		s.notFound(w, r)
		return
	}
	rs, ok := f.(io.ReadSeeker)
	if !ok {
		s.log.Warn("media: file cannot seek", "path", name)
		s.notFound(w, r)
		return
	}
	h := w.Header()
	format := images.FormatOf(name)
	if format == "svg" {
		// An SVG is text of a few kilobytes: checked at each request, so
		// that one with a script never reaches a reader, named by an
		// article or not (the policy below forbids scripts as well).
		if st.Size() > maxSVGBytes {
			s.notFound(w, r)
			return
		}
		src, err := io.ReadAll(io.LimitReader(rs, maxSVGBytes))
		if err == nil {
			_, err = images.Probe(name, src)
		}
		if err != nil {
			s.notFound(w, r)
			return
		}
		rs = bytes.NewReader(src)
	}
	if s.images != nil {
		src, err, known := s.images.Source(name)
		if known && err == nil && src.Size == st.Size() && src.ModTime.Equal(st.ModTime()) {
			// The hash the library read at the last pass, still these bytes.
			h.Set("ETag", `"`+src.Hash+`"`)
		}
	}
	h.Set("Content-Type", images.ContentType(format))
	h.Set("Cache-Control", mediaCacheControl)
	if format == "svg" {
		h.Set("Content-Security-Policy", svgPolicy)
	}
	http.ServeContent(w, r, name, st.ModTime(), rs)
}

// variant serves an image variant at /img/<name>: immutable once written;
// while it is still being made, a temporary redirect to its original, so
// that a page naming it is never broken.
func (s *Server) variant(w http.ResponseWriter, r *http.Request) {
	name := chi.URLParam(r, "name")
	if s.images == nil {
		s.notFound(w, r)
		return
	}
	file, pending, ok := s.images.Variant(name)
	switch {
	case !ok:
		s.notFound(w, r)
		return
	case file == "":
		w.Header().Set("Cache-Control", "no-store")
		http.Redirect(w, r, "/"+pending, http.StatusTemporaryRedirect)
		return
	}
	f, err := os.Open(file)
	if err != nil {
		s.notFound(w, r)
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", images.ContentType(images.FormatOf(name)))
	h.Set("Cache-Control", immutableCacheControl)
	// The name is the fingerprint of the bytes: a strong validator.
	h.Set("ETag", `"`+strings.TrimSuffix(name, path.Ext(name))+`"`)
	http.ServeContent(w, r, name, st.ModTime(), f)
}

// hidden reports whether a path goes through a name that editors' tools
// leave behind or that is hidden on purpose.
func hidden(name string) bool {
	for _, seg := range strings.Split(name, "/") {
		if content.IgnoredName(seg) {
			return true
		}
	}
	return false
}
