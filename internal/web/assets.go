package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"
)

// staticPrefix is where the static files are served.
const staticPrefix = "/static/"

// Assets serves the static files under fingerprinted URLs
// ("/static/style.1a2b3c4d.css"), so that browsers and caches may keep them
// for a year: a changed file gets a new URL.
type Assets struct {
	urls  map[string]string // logical name → URL
	files map[string]*asset // fingerprinted name → file
}

type asset struct {
	body, gzipped []byte
	contentType   string
	etag          string
	modified      time.Time
}

// NewAssets fingerprints every file of fsys, compressing text ones once.
// Files that carry no modification time (an embedded file system) are
// dated modified: the build's commit time, say, the same on every replica.
func NewAssets(fsys fs.FS, modified time.Time) (*Assets, error) {
	a := &Assets{urls: map[string]string{}, files: map[string]*asset{}}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(p) == ".go" {
			return err
		}
		body, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		hash := hex.EncodeToString(sum[:])[:10]
		ext := path.Ext(p)
		name := strings.TrimSuffix(p, ext) + "." + hash + ext
		f := &asset{body: body, etag: `"` + hash + `"`, contentType: mime.TypeByExtension(ext), modified: info.ModTime()}
		if f.modified.IsZero() {
			f.modified = modified
		}
		if ext == ".css" || ext == ".svg" || ext == ".js" {
			f.gzipped = compress(body)
		}
		a.files[name] = f
		a.urls[p] = staticPrefix + name
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load static files: %w", err)
	}
	return a, nil
}

// URL returns the fingerprinted URL of a static file.
func (a *Assets) URL(name string) string { return a.urls[name] }

// serve answers a GET or HEAD of /static/<fingerprinted name>, and reports
// false, having written nothing, when no file has that name.
// http.ServeContent does what RFC 9110 asks of conditional and range
// requests: entity-tag lists, "*", If-Modified-Since, If-Range, 412, 416.
func (a *Assets) serve(w http.ResponseWriter, r *http.Request) bool {
	f, ok := a.files[strings.TrimPrefix(r.URL.Path, staticPrefix)]
	if !ok {
		return false
	}
	h := w.Header()
	h.Set("Content-Type", f.contentType)
	h.Set("Cache-Control", immutableCacheControl)
	h.Set("Vary", "Accept-Encoding")
	body := f.body
	// The gzipped bytes are another representation, with their own strong
	// tag: a range or a 304 applies to the bytes that tag names.
	if f.gzipped != nil && acceptsGzip(r) {
		h.Set("ETag", strings.TrimSuffix(f.etag, `"`)+`-gz"`)
		h.Set("Content-Encoding", "gzip")
		body = f.gzipped
	} else {
		h.Set("ETag", f.etag)
	}
	http.ServeContent(w, r, "", f.modified, bytes.NewReader(body))
	return true
}

// static is /static/*: the fingerprinted files, or the site's 404 page.
func (s *Server) static(w http.ResponseWriter, r *http.Request) error {
	if !s.assets.serve(w, r) {
		return errNoFile
	}
	return nil
}

// acceptsGzip reports whether r's Accept-Encoding takes gzip.
func acceptsGzip(r *http.Request) bool { return accepts(r, "gzip") }

// accepts reports whether r's Accept-Encoding takes coding (without
// allocating: it runs on every request).
func accepts(r *http.Request, coding string) bool {
	for part := range strings.SplitSeq(r.Header.Get("Accept-Encoding"), ",") {
		name, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(name), coding) {
			q = strings.TrimSpace(q)
			return !(strings.HasPrefix(q, "q=0") && strings.Trim(q[3:], ".0") == "")
		}
	}
	return false
}
