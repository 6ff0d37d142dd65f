package web

import (
	"bytes"
	"errors"
	"fmt"
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
func (s *Server) media(w http.ResponseWriter, r *http.Request) error {
	return s.serveOriginal(w, r, strings.TrimPrefix(r.URL.Path, "/"))
}

// bundleMedia serves an image beside a bundle's index.md, at
// /<rubrique>/<slug>/<file>.
func (s *Server) bundleMedia(w http.ResponseWriter, r *http.Request) error {
	name := path.Join(chi.URLParam(r, "category"), chi.URLParam(r, "slug"), chi.URLParam(r, "file"))
	if _, err := fs.Stat(s.cfg.Media, path.Join(chi.URLParam(r, "category"), chi.URLParam(r, "slug"), content.BundleFile)); s.cfg.Media == nil || err != nil {
		return errNoFile
	}
	return s.serveOriginal(w, r, name)
}

// serveOriginal serves the image file name of the content folder as it is,
// streamed with http.ServeContent (ranges, If-Range, Last-Modified and
// conditional requests), never held whole in memory.
func (s *Server) serveOriginal(w http.ResponseWriter, r *http.Request, name string) error {
	if s.cfg.Media == nil || !fs.ValidPath(name) || !content.IsMedia(name) || hidden(name) {
		return errNoFile
	}
	f, err := s.cfg.Media.Open(name)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			s.log.Warn("media", "path", name, "err", err)
		}
		return errNoFile
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || st.IsDir() || st.Size() > images.MaxBytes {
		return errNoFile
	}
	rs, ok := f.(io.ReadSeeker)
	if !ok {
		s.log.Warn("media: file cannot seek", "path", name)
		return errNoFile
	}
	h := w.Header()
	format := images.FormatOf(name)
	if format == "svg" {
		// An SVG is text of a few kilobytes: checked at each request, so
		// that one with a script never reaches a reader, named by an
		// article or not (the policy below forbids scripts as well).
		if st.Size() > maxSVGBytes {
			return errNoFile
		}
		src, err := io.ReadAll(io.LimitReader(rs, maxSVGBytes))
		if err == nil {
			_, err = images.Probe(name, src)
		}
		if err != nil {
			return errNoFile
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
	return nil
}

// variant serves an image variant at /img/<name>: immutable once written;
// while it is still being made, a temporary redirect to its original, so
// that a page naming it is never broken.
func (s *Server) variant(w http.ResponseWriter, r *http.Request) error {
	name := chi.URLParam(r, "name")
	if s.images == nil {
		return errNoFile
	}
	file, pending, ok := s.images.Variant(name)
	switch {
	case !ok:
		return errNoFile
	case file == "":
		w.Header().Set("Cache-Control", "no-store")
		http.Redirect(w, r, "/"+pending, http.StatusTemporaryRedirect)
		return nil
	}
	f, err := os.Open(file)
	if err != nil {
		return errNoFile
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("variant %s: %w", name, err)
	}
	h := w.Header()
	h.Set("Content-Type", images.ContentType(images.FormatOf(name)))
	h.Set("Cache-Control", immutableCacheControl)
	// The name is the fingerprint of the bytes: a strong validator.
	h.Set("ETag", `"`+strings.TrimSuffix(name, path.Ext(name))+`"`)
	http.ServeContent(w, r, name, st.ModTime(), f)
	return nil
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
