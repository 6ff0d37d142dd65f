package web_test

import (
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/horizons-expat/site/internal/sitetest"
)

// TestConditionalRequests checks RFC 9110's conditional requests on every
// kind of answer the site gives: a page, a feed, a sitemap, a medium and a
// static file. Each encoding is a representation with its own tag; a 304
// answers only the tag of the one chosen; If-Match and If-Unmodified-Since
// fail with 412; HEAD has GET's headers.
func TestConditionalRequests(t *testing.T) {
	site := sitetest.Start(t, sitetest.Options{})
	home := site.Get(t, "/")
	css := regexp.MustCompile(`/static/style\.[^"]+\.css`).FindString(home.Body)
	if css == "" {
		t.Fatal("no stylesheet on the home page")
	}
	kinds := []struct {
		name, path   string
		compressible bool
	}{
		{"page", "/monde/nouvelle-14", true},
		{"rubrique", "/monde", true},
		{"feed", "/rss.xml", true},
		{"sitemap", "/sitemap.xml", true},
		{"medium", "/media/retraite.png", false},
		{"static", css, true},
	}
	hdr := func(kv ...string) http.Header {
		h := http.Header{}
		for i := 0; i+1 < len(kv); i += 2 {
			h.Set(kv[i], kv[i+1])
		}
		return h
	}
	for _, k := range kinds {
		t.Run(k.name, func(t *testing.T) {
			plain := site.Do(t, http.MethodGet, k.path, hdr("Accept-Encoding", "identity"))
			zipped := site.Do(t, http.MethodGet, k.path, hdr("Accept-Encoding", "gzip, deflate, br, zstd"))
			if plain.StatusCode != http.StatusOK || zipped.StatusCode != http.StatusOK {
				t.Fatalf("GET %s = %d, %d", k.path, plain.StatusCode, zipped.StatusCode)
			}
			tag, gzTag, lastMod := plain.Header.Get("Etag"), zipped.Header.Get("Etag"), plain.Header.Get("Last-Modified")
			if tag == "" || lastMod == "" {
				t.Fatalf("no validators: %v", plain.Header)
			}
			if k.compressible {
				if zipped.Header.Get("Content-Encoding") != "gzip" || gzTag == tag {
					t.Fatalf("gzip answer: Content-Encoding %q, ETag %s (identity %s)", zipped.Header.Get("Content-Encoding"), gzTag, tag)
				}
				for _, r := range []sitetest.Response{plain, zipped} {
					if r.Header.Get("Vary") != "Accept-Encoding" {
						t.Errorf("Vary = %q, want Accept-Encoding", r.Header.Get("Vary"))
					}
				}
			}
			last, err := http.ParseTime(lastMod)
			if err != nil {
				t.Fatal(err)
			}
			before := last.Add(-time.Hour).Format(http.TimeFormat)
			after := last.Add(time.Hour).Format(http.TimeFormat)
			type row struct {
				name   string
				header http.Header
				want   int
			}
			rows := []row{
				{"its own tag", hdr("Accept-Encoding", "identity", "If-None-Match", tag), 304},
				{"its own tag, weak", hdr("Accept-Encoding", "identity", "If-None-Match", "W/"+tag), 304},
				{"its own tag in a list", hdr("Accept-Encoding", "identity", "If-None-Match", `"autre", `+tag), 304},
				{"star", hdr("Accept-Encoding", "identity", "If-None-Match", "*"), 304},
				{"another tag", hdr("Accept-Encoding", "identity", "If-None-Match", `"autre"`), 200},
				{"same date", hdr("Accept-Encoding", "identity", "If-Modified-Since", lastMod), 304},
				{"older date", hdr("Accept-Encoding", "identity", "If-Modified-Since", before), 200},
				{"If-None-Match before If-Modified-Since", hdr("Accept-Encoding", "identity", "If-None-Match", `"autre"`, "If-Modified-Since", lastMod), 200},
				{"If-Match its tag", hdr("Accept-Encoding", "identity", "If-Match", tag), 200},
				{"If-Match star", hdr("Accept-Encoding", "identity", "If-Match", "*"), 200},
				{"If-Match another tag", hdr("Accept-Encoding", "identity", "If-Match", `"autre"`), 412},
				{"If-Match weak: strong comparison", hdr("Accept-Encoding", "identity", "If-Match", "W/"+tag), 412},
				{"If-Unmodified-Since later", hdr("Accept-Encoding", "identity", "If-Unmodified-Since", after), 200},
				{"If-Unmodified-Since earlier", hdr("Accept-Encoding", "identity", "If-Unmodified-Since", before), 412},
				{"If-Match before If-Unmodified-Since", hdr("Accept-Encoding", "identity", "If-Match", tag, "If-Unmodified-Since", before), 200},
				{"If-Match then If-None-Match", hdr("Accept-Encoding", "identity", "If-Match", tag, "If-None-Match", tag), 304},
			}
			if k.compressible {
				rows = append(rows,
					row{"gzip tag asked with gzip", hdr("Accept-Encoding", "gzip", "If-None-Match", gzTag), 304},
					row{"gzip tag asked without gzip", hdr("Accept-Encoding", "identity", "If-None-Match", gzTag), 200},
					row{"identity tag asked with gzip", hdr("Accept-Encoding", "gzip", "If-None-Match", tag), 200},
					row{"If-Match of the other encoding", hdr("Accept-Encoding", "gzip", "If-Match", tag), 412},
				)
			}
			for _, row := range rows {
				t.Run(row.name, func(t *testing.T) {
					for _, method := range []string{http.MethodGet, http.MethodHead} {
						r := site.Do(t, method, k.path, row.header)
						if r.StatusCode != row.want {
							t.Fatalf("%s with %v = %d, want %d", method, row.header, r.StatusCode, row.want)
						}
						if r.StatusCode != http.StatusOK && r.Body != "" {
							t.Errorf("%s %d with a body: %.80q", method, r.StatusCode, r.Body)
						}
						if r.StatusCode == http.StatusNotModified && (r.Header.Get("Etag") == "" || r.Header.Get("Cache-Control") == "") {
							t.Errorf("304 without ETag or Cache-Control: %v", r.Header)
						}
					}
				})
			}
			// HEAD is GET without the body.
			for _, enc := range []string{"identity", "gzip"} {
				get := site.Do(t, http.MethodGet, k.path, hdr("Accept-Encoding", enc))
				head := site.Do(t, http.MethodHead, k.path, hdr("Accept-Encoding", enc))
				if head.Body != "" {
					t.Errorf("HEAD (%s) sent a body", enc)
				}
				for _, h := range []string{"Content-Type", "Content-Length", "Content-Encoding", "Etag", "Last-Modified", "Cache-Control", "Vary", "Content-Security-Policy"} {
					if get.Header.Get(h) != head.Header.Get(h) {
						t.Errorf("%s (%s): GET %q, HEAD %q", h, enc, get.Header.Get(h), head.Header.Get(h))
					}
				}
			}
		})
	}
}
