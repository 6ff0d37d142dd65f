package web

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

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
}

// NewAssets fingerprints every file of fsys, compressing text ones once.
func NewAssets(fsys fs.FS) (*Assets, error) {
	a := &Assets{urls: map[string]string{}, files: map[string]*asset{}}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(p) == ".go" {
			return err
		}
		body, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		hash := hex.EncodeToString(sum[:])[:10]
		ext := path.Ext(p)
		name := strings.TrimSuffix(p, ext) + "." + hash + ext
		f := &asset{body: body, etag: `"` + hash + `"`, contentType: mime.TypeByExtension(ext)}
		if ext == ".css" || ext == ".svg" || ext == ".js" {
			f.gzipped = compress(body)
		}
		a.files[name] = f
		a.urls[p] = "/static/" + name
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load static files: %w", err)
	}
	return a, nil
}

// URL returns the fingerprinted URL of a static file.
func (a *Assets) URL(name string) string { return a.urls[name] }

// ServeHTTP serves /static/<fingerprinted name>.
func (a *Assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f, ok := a.files[strings.TrimPrefix(r.URL.Path, "/static/")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", f.contentType)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("Vary", "Accept-Encoding")
	gz := f.gzipped != nil && acceptsGzip(r)
	// The gzipped bytes are another representation: they get their own
	// strong tag, and either tag revalidates (the file is the same).
	if gz {
		h.Set("ETag", strings.TrimSuffix(f.etag, `"`)+`-gz"`)
	} else {
		h.Set("ETag", f.etag)
	}
	if match := r.Header.Get("If-None-Match"); match != "" && strings.Contains(match, strings.Trim(f.etag, `"`)) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body := f.body
	if gz {
		h.Set("Content-Encoding", "gzip")
		body = f.gzipped
	}
	h.Set("Content-Length", itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
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
