package web_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/horizons-expat/site/internal/sitetest"
)

// TestHTTPEveryURLKind checks, on one URL of every kind the site serves,
// what search engines and feed readers rely on: a Content-Type with its
// charset (text, XML), validators answered with 304, gzip with Vary for
// text, HEAD like GET without a body.
func TestHTTPEveryURLKind(t *testing.T) {
	site := sitetest.Start(t, sitetest.Options{})
	css := stylesheetURL(t, site)
	tests := []struct {
		name, path  string
		contentType string
		gzip        bool // large enough text to be compressed
		lastMod     bool // answers If-Modified-Since
	}{
		{"home", "/", "text/html; charset=utf-8", true, true},
		{"category", "/monde", "text/html; charset=utf-8", true, true},
		{"category page", "/monde/page/2", "text/html; charset=utf-8", true, true},
		{"article", "/pratique/retraite", "text/html; charset=utf-8", true, true},
		{"tag index", "/tags", "text/html; charset=utf-8", true, true},
		{"tag", "/tags/retraite", "text/html; charset=utf-8", true, true},
		{"tag page", "/tags/monde/page/2", "text/html; charset=utf-8", true, true},
		{"sitemap", "/sitemap.xml", "application/xml; charset=utf-8", true, true},
		// The news sitemap exists only while there is news: TestNewsSitemap.
		{"robots.txt", "/robots.txt", "text/plain; charset=utf-8", false, true},
		{"site feed", "/rss.xml", "application/rss+xml; charset=utf-8", true, true},
		{"category feed", "/monde/rss.xml", "application/rss+xml; charset=utf-8", true, true},
		{"search results", "/recherche?q=retraite", "text/html; charset=utf-8", true, true},
		{"OpenSearch description", "/opensearch.xml", "application/opensearchdescription+xml; charset=utf-8", true, true},
		{"media image", "/media/retraite.png", "image/png", false, true},
		{"stylesheet", css, "text/css; charset=utf-8", true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			get := site.Do(t, http.MethodGet, tt.path, http.Header{"Accept-Encoding": {"identity"}})
			if get.StatusCode != http.StatusOK {
				t.Fatalf("GET %s = %d", tt.path, get.StatusCode)
			}
			if ct := get.Header.Get("Content-Type"); ct != tt.contentType {
				t.Errorf("Content-Type %q, want %q", ct, tt.contentType)
			}
			if get.Header.Get("Cache-Control") == "" {
				t.Error("no Cache-Control")
			}
			etag := get.Header.Get("ETag")
			if etag == "" {
				t.Fatal("no ETag")
			}

			// The tag names the identity bytes: ask for them again.
			r := site.Do(t, http.MethodGet, tt.path, http.Header{"If-None-Match": {etag}, "Accept-Encoding": {"identity"}})
			if r.StatusCode != http.StatusNotModified || r.Body != "" {
				t.Errorf("If-None-Match: %d with %d bytes, want 304 without a body", r.StatusCode, len(r.Body))
			}
			if lm := get.Header.Get("Last-Modified"); tt.lastMod {
				if lm == "" {
					t.Fatal("no Last-Modified")
				}
				r := site.Do(t, http.MethodGet, tt.path, http.Header{"If-Modified-Since": {lm}})
				if r.StatusCode != http.StatusNotModified {
					t.Errorf("If-Modified-Since: %d, want 304", r.StatusCode)
				}
				r = site.Do(t, http.MethodGet, tt.path, http.Header{"If-Modified-Since": {"Mon, 01 Jan 2001 00:00:00 GMT"}})
				if r.StatusCode != http.StatusOK {
					t.Errorf("If-Modified-Since long ago: %d, want 200", r.StatusCode)
				}
			}
			if r := site.Do(t, http.MethodGet, tt.path, http.Header{"If-None-Match": {`"autre"`}}); r.StatusCode != http.StatusOK {
				t.Errorf("If-None-Match of another version: %d, want 200", r.StatusCode)
			}

			gz := site.Do(t, http.MethodGet, tt.path, http.Header{"Accept-Encoding": {"gzip, br"}})
			if tt.gzip {
				if gz.Header.Get("Content-Encoding") != "gzip" || !strings.Contains(gz.Header.Get("Vary"), "Accept-Encoding") {
					t.Errorf("Accept-Encoding gzip: Content-Encoding %q, Vary %q", gz.Header.Get("Content-Encoding"), gz.Header.Get("Vary"))
				} else if body := gunzipString(t, gz.Body); body != get.Body {
					t.Errorf("the gzipped body differs from the plain one")
				}
				if gz.Header.Get("ETag") == etag {
					t.Error("the gzipped variant has the same ETag as the plain one")
				}
			} else if enc := gz.Header.Get("Content-Encoding"); enc != "" {
				t.Errorf("Content-Encoding %q for a body not worth compressing", enc)
			}

			head := site.Do(t, http.MethodHead, tt.path, http.Header{"Accept-Encoding": {"identity"}})
			if head.StatusCode != http.StatusOK || head.Body != "" {
				t.Errorf("HEAD: %d with %d bytes, want 200 without a body", head.StatusCode, len(head.Body))
			}
			for _, h := range []string{"Content-Type", "ETag", "Cache-Control", "Content-Length"} {
				if head.Header.Get(h) != get.Header.Get(h) {
					t.Errorf("HEAD %s %q, GET gives %q", h, head.Header.Get(h), get.Header.Get(h))
				}
			}
		})
	}

	// Error pages: the right status, text with charset, never cached long.
	for _, path := range []string{"/nulle-part", "/monde/page/9", "/nulle-part/rss.xml", "/media/absente.png", "/sitemap-2.xml"} {
		r := site.Get(t, path)
		if r.StatusCode != http.StatusNotFound || r.Header.Get("Content-Type") != "text/html; charset=utf-8" {
			t.Errorf("GET %s = %d %q, want 404 text/html; charset=utf-8", path, r.StatusCode, r.Header.Get("Content-Type"))
		}
		if cc := r.Header.Get("Cache-Control"); strings.Contains(cc, "max-age") && !strings.Contains(cc, "max-age=0") {
			t.Errorf("GET %s: Cache-Control %q on an error", path, cc)
		}
	}
}

func stylesheetURL(t *testing.T, site *sitetest.Site) string {
	t.Helper()
	p := parsePage(t, "/", site.Get(t, "/").Body)
	for _, l := range p.all("link", has("rel", "stylesheet")) {
		href, _ := attrOf(l, "href")
		return href
	}
	t.Fatal("no stylesheet")
	return ""
}

func gunzipString(t *testing.T, s string) string {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader([]byte(s)))
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
