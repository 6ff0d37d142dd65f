package web_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/horizons-expat/site/internal/sitetest"
)

// TestStaticFiles checks /static against RFC 9110: conditional requests
// compare whole entity tags from a list, "*" matches, Last-Modified is
// given and honoured, ranges work, and only GET and HEAD are served.
func TestStaticFiles(t *testing.T) {
	site := sitetest.Start(t, sitetest.Options{})
	css := cssURL.FindString(site.Get(t, "/").Body)
	if css == "" {
		t.Fatal("home page links no style sheet")
	}
	identity := http.Header{"Accept-Encoding": {"identity"}}
	full := site.Do(t, "GET", css, identity)
	if full.StatusCode != http.StatusOK {
		t.Fatalf("GET %s = %d", css, full.StatusCode)
	}
	etag := full.Header.Get("ETag")
	lastModified := full.Header.Get("Last-Modified")
	if !strings.HasPrefix(etag, `"`) || !strings.HasSuffix(etag, `"`) || len(etag) < 4 {
		t.Fatalf("ETag %q is not a strong entity tag", etag)
	}
	if _, err := http.ParseTime(lastModified); err != nil {
		t.Fatalf("Last-Modified %q: %v", lastModified, err)
	}
	gz := site.Do(t, "GET", css, http.Header{"Accept-Encoding": {"gzip"}})
	gzTag := gz.Header.Get("ETag")
	if gz.Header.Get("Content-Encoding") != "gzip" || gzTag == etag || gzTag == "" {
		t.Fatalf("gzipped answer: Content-Encoding %q, ETag %q (identity %q): want gzip with its own tag",
			gz.Header.Get("Content-Encoding"), gzTag, etag)
	}
	inner := strings.Trim(etag, `"`)
	later := time.Now().Add(24 * time.Hour).UTC().Format(http.TimeFormat)
	earlier := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC).Format(http.TimeFormat)

	tests := []struct {
		name   string
		method string
		header http.Header
		status int
		body   string // a prefix of the answer's body, when checked
	}{
		{"plain", "GET", nil, 200, full.Body[:20]},
		{"same tag", "GET", http.Header{"If-None-Match": {etag}}, 304, ""},
		{"weak form of the tag", "GET", http.Header{"If-None-Match": {"W/" + etag}}, 304, ""},
		{"tag in a list", "GET", http.Header{"If-None-Match": {`"other", ` + etag}}, 304, ""},
		{"any tag", "GET", http.Header{"If-None-Match": {"*"}}, 304, ""},
		{"tag inside another", "GET", http.Header{"If-None-Match": {`"xx` + inner + `yy"`}}, 200, full.Body[:20]},
		{"unquoted tag", "GET", http.Header{"If-None-Match": {inner}}, 200, full.Body[:20]},
		{"tag of the gzipped bytes", "GET", http.Header{"If-None-Match": {gzTag}}, 200, full.Body[:20]},
		{"not modified since", "GET", http.Header{"If-Modified-Since": {later}}, 304, ""},
		{"modified since", "GET", http.Header{"If-Modified-Since": {earlier}}, 200, full.Body[:20]},
		{"If-None-Match wins over If-Modified-Since", "GET", http.Header{"If-None-Match": {`"other"`}, "If-Modified-Since": {later}}, 200, ""},
		{"If-Match another tag", "GET", http.Header{"If-Match": {`"other"`}}, 412, ""},
		{"range", "GET", http.Header{"Range": {"bytes=0-9"}}, 206, full.Body[:10]},
		{"range from a later byte", "GET", http.Header{"Range": {"bytes=5-9"}}, 206, full.Body[5:10]},
		{"range past the end", "GET", http.Header{"Range": {"bytes=99999999-"}}, 416, ""},
		{"If-Range with the tag", "GET", http.Header{"Range": {"bytes=0-9"}, "If-Range": {etag}}, 206, full.Body[:10]},
		{"If-Range with another tag", "GET", http.Header{"Range": {"bytes=0-9"}, "If-Range": {`"other"`}}, 200, full.Body[:20]},
		{"head", "HEAD", nil, 200, ""},
		{"post", "POST", nil, 405, ""},
		{"put", "PUT", nil, 405, ""},
		{"delete", "DELETE", nil, 405, ""},
		{"options", "OPTIONS", nil, 405, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{"Accept-Encoding": {"identity"}}
			for k, v := range tt.header {
				h[k] = v
			}
			resp := site.Do(t, tt.method, css, h)
			if resp.StatusCode != tt.status {
				t.Fatalf("%s %s %v = %d, want %d", tt.method, css, tt.header, resp.StatusCode, tt.status)
			}
			if !strings.HasPrefix(resp.Body, tt.body) {
				t.Errorf("body starts %q, want %q", resp.Body[:min(len(resp.Body), 20)], tt.body)
			}
			switch tt.status {
			case 200, 206, 304:
				if got := resp.Header.Get("ETag"); got != etag {
					t.Errorf("ETag %q, want %q", got, etag)
				}
				if cc := resp.Header.Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
					t.Errorf("Cache-Control %q", cc)
				}
			case 405:
				if allow := resp.Header.Get("Allow"); allow != "GET, HEAD" {
					t.Errorf("Allow %q, want GET, HEAD", allow)
				}
			}
			if tt.status == 200 && tt.method == "GET" && len(resp.Body) != len(full.Body) {
				t.Errorf("%d bytes, want the whole file's %d", len(resp.Body), len(full.Body))
			}
			if tt.status == 206 && resp.Header.Get("Accept-Ranges") != "bytes" {
				t.Errorf("Accept-Ranges %q", resp.Header.Get("Accept-Ranges"))
			}
		})
	}

	t.Run("gzipped bytes revalidate with their own tag", func(t *testing.T) {
		resp := site.Do(t, "GET", css, http.Header{"Accept-Encoding": {"gzip"}, "If-None-Match": {gzTag}})
		if resp.StatusCode != http.StatusNotModified || resp.Header.Get("ETag") != gzTag {
			t.Errorf("= %d with ETag %q, want 304 with %q", resp.StatusCode, resp.Header.Get("ETag"), gzTag)
		}
	})

	t.Run("unknown name gets the site's 404 page", func(t *testing.T) {
		for _, p := range []string{"/static/nope.css", "/static/style.css", "/static/dossier/style.css"} {
			resp := site.Get(t, p)
			if resp.StatusCode != http.StatusNotFound {
				t.Errorf("GET %s = %d, want 404", p, resp.StatusCode)
			}
			if !strings.Contains(resp.Body, "Page introuvable") || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
				t.Errorf("GET %s: not the site's 404 page: %.80q", p, resp.Body)
			}
		}
	})
}
