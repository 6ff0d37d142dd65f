package web_test

import (
	"bufio"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/horizons-expat/site/internal/app"
	"github.com/horizons-expat/site/internal/sitetest"
)

// rawResponse is what the server answered to bytes sent on a bare
// connection; closed is set when it hung up without answering.
type rawResponse struct {
	status int
	header http.Header
	body   string
	closed bool
}

// raw sends request exactly as given, bypassing the Go client's own
// checks and path cleaning, and reads one response.
func raw(t *testing.T, site *sitetest.Site, request string) rawResponse {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(site.URL, "http://"))
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(15 * time.Second))
	if _, err := conn.Write([]byte(request)); err != nil {
		return rawResponse{closed: true}
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return rawResponse{closed: true}
	}
	defer resp.Body.Close()
	var b strings.Builder
	bufio.NewReader(resp.Body).WriteTo(&b)
	return rawResponse{status: resp.StatusCode, header: resp.Header, body: b.String()}
}

func get(target string) string {
	return "GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
}

var cssURL = regexp.MustCompile(`/static/style\.[0-9a-f]+\.css`)

func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	site := sitetest.Start(t, sitetest.Options{})
	css := cssURL.FindString(site.Get(t, "/").Body)
	if css == "" {
		t.Fatal("home page links no style sheet")
	}
	want := map[string]string{
		"Content-Security-Policy":    "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'self'; frame-ancestors 'none'",
		"X-Content-Type-Options":     "nosniff",
		"Referrer-Policy":            "strict-origin-when-cross-origin",
		"Cross-Origin-Opener-Policy": "same-origin",
		"X-Frame-Options":            "DENY",
		// The fixture's site.yaml has an https base_url.
		"Strict-Transport-Security": "max-age=63072000; includeSubDomains",
	}
	tests := []struct {
		name, method, path string
		status             int
	}{
		{"home", "GET", "/", 200},
		{"article", "GET", "/pratique/retraite", 200},
		{"listing", "GET", "/monde/page/2", 200},
		{"tags", "GET", "/tags", 200},
		{"static file", "GET", css, 200},
		{"health", "GET", "/healthz", 200},
		{"head", "HEAD", "/", 200},
		{"not found", "GET", "/nulle-part", 404},
		{"redirect", "GET", "/monde/", 301},
		{"method not allowed", "DELETE", "/", 405},
		{"unknown static", "GET", "/static/nope.css", 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := site.Do(t, tt.method, tt.path, nil)
			if resp.StatusCode != tt.status {
				t.Fatalf("%s %s = %d, want %d", tt.method, tt.path, resp.StatusCode, tt.status)
			}
			for name, v := range want {
				if got := resp.Header.Get(name); got != v {
					t.Errorf("%s = %q, want %q", name, got, v)
				}
			}
			pp := resp.Header.Get("Permissions-Policy")
			for _, feature := range []string{"camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"} {
				if !strings.Contains(pp, feature) {
					t.Errorf("Permissions-Policy %q does not deny %s", pp, feature)
				}
			}
		})
	}
}

// TestPagesNeedNothingTheCSPForbids checks the rendered pages against the
// policy: no inline script or style, no event handler attribute, nothing
// loaded from another origin.
func TestPagesNeedNothingTheCSPForbids(t *testing.T) {
	site := sitetest.Start(t, sitetest.Options{})
	forbidden := []*regexp.Regexp{
		regexp.MustCompile(`<script(?:\s[^>]*)?>`),
		regexp.MustCompile(`<style[\s>]`),
		regexp.MustCompile(`\sstyle=`),
		regexp.MustCompile(`\son[a-z]+=`),
		regexp.MustCompile(`(?:src|href)="javascript:`),
		regexp.MustCompile(`<(?:img|iframe|embed|object|source|audio|video)[^>]+src="(?:https?:)?//`),
		regexp.MustCompile(`<link[^>]+rel="(?:stylesheet|icon|preload|manifest)"[^>]+href="(?:https?:)?//`),
	}
	jsonLD := regexp.MustCompile(`<script type="application/ld\+json">`)
	// The one script of the site, from the site itself, allowed by
	// script-src 'self'.
	ownScript := regexp.MustCompile(`<script src="/static/suggest\.[0-9a-f]+\.js" defer></script>`)
	for _, path := range []string{"/", "/monde", "/monde/page/2", "/pratique/retraite", "/tags", "/tags/retraite", "/nulle-part", "/recherche?q=retrate"} {
		body := site.Get(t, path).Body
		// JSON-LD blocks are data, not scripts: the CSP does not apply.
		body = jsonLD.ReplaceAllString(body, "")
		if !ownScript.MatchString(body) {
			t.Errorf("%s lacks the suggestions script", path)
		}
		body = ownScript.ReplaceAllString(body, "")
		for _, re := range forbidden {
			if m := re.FindString(body); m != "" {
				t.Errorf("%s contains %q, which the CSP blocks", path, m)
			}
		}
	}
}

func TestHSTSOnlyForHTTPSBaseURL(t *testing.T) {
	tests := []struct {
		name, baseURL string
		hsts          bool
	}{
		{"https from site.yaml", "", true},
		{"http from -base-url", "http://127.0.0.1:8080", false},
		{"https from -base-url", "https://horizons.example", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			site := sitetest.Start(t, sitetest.Options{BaseURL: tt.baseURL})
			got := site.Get(t, "/").Header.Get("Strict-Transport-Security")
			if (got != "") != tt.hsts {
				t.Errorf("Strict-Transport-Security = %q, want present: %v", got, tt.hsts)
			}
		})
	}
}

func TestClientAddress(t *testing.T) {
	spoofed := http.Header{"X-Forwarded-For": {"203.0.113.7"}, "X-Real-Ip": {"198.51.100.9"}}
	tests := []struct {
		name    string
		proxies []string
		want    string
	}{
		{"no trusted proxy: the socket peer, headers ignored", nil, "client=127.0.0.1 "},
		{"loopback proxy trusted: X-Forwarded-For", []string{"127.0.0.1/32"}, "client=203.0.113.7 "},
		{"another proxy trusted: the socket peer", []string{"10.0.0.0/8"}, "client=127.0.0.1 "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			site := sitetest.Start(t, sitetest.Options{Configure: func(c *app.Config) { c.TrustedProxies = tt.proxies }})
			site.Do(t, "GET", "/healthz", spoofed)
			logs := site.Logs()
			line := ""
			for _, l := range strings.Split(logs, "\n") {
				if strings.Contains(l, "path=/healthz") {
					line = l
				}
			}
			if !strings.Contains(line, tt.want) {
				t.Errorf("request log %q lacks %q", line, tt.want)
			}
			if strings.Contains(line, "198.51.100.9") {
				t.Errorf("X-Real-IP was believed: %q", line)
			}
		})
	}
}

func TestStaticFilesServeOnlyFingerprintedAssets(t *testing.T) {
	site := sitetest.Start(t, sitetest.Options{})
	css := cssURL.FindString(site.Get(t, "/").Body)
	if resp := raw(t, site, get(css)); resp.status != 200 || !strings.Contains(resp.body, "{") {
		t.Fatalf("control: %s = %d, want the style sheet", css, resp.status)
	}
	// Markers of files that must never be served: the content folder's
	// settings, the module file, the embed source, a dotfile.
	secrets := []string{"base_url:", "module github.com", "package static", "go:embed", "timezone:", "root:x:0:0"}
	// Symbolic links in content/media that lead out of the content folder
	// must not be followed.
	media := filepath.Join(site.ContentDir, "media")
	if err := os.MkdirAll(media, 0o755); err != nil {
		t.Fatal(err)
	}
	for link, target := range map[string]string{"outside.png": "/etc/passwd", "outside-dir": "/etc"} {
		if err := os.Symlink(target, filepath.Join(media, link)); err != nil {
			t.Fatal(err)
		}
	}
	paths := []string{
		"/static/",
		"/static",
		"/static/style.css",
		"/static/embed.go",
		"/static/.gitignore",
		"/static/.",
		"/static/..",
		"/static/../go.mod",
		"/static/../content/site.yaml",
		"/static/%2e%2e/go.mod",
		"/static/%2e%2e%2fgo.mod",
		"/static/%2E%2E%2Fcontent%2Fsite.yaml",
		"/static/..%2f..%2fgo.mod",
		"/static/..%5c..%5cgo.mod",
		`/static/..\..\go.mod`,
		`/static\..\go.mod`,
		"/static/" + strings.TrimPrefix(css, "/static/") + "%00",
		"/static/" + strings.TrimPrefix(css, "/static/") + "%00.go",
		"/static/%00",
		"/static//etc/passwd",
		"/static/....//go.mod",
		"/content/site.yaml",
		"/content/monde/nouvelle-01.md",
		"/monde/nouvelle-01.md",
		"/site.yaml",
		"/.git/config",
		"/.env",
		"/monde/_index.md",
		"/../../etc/passwd",
		"/media/",
		"/media",
		"/media/../site.yaml",
		"/media/%2e%2e/site.yaml",
		"/media/..%2fsite.yaml",
		"/media/..%5csite.yaml",
		`/media/..\site.yaml`,
		"/media/%2e%2e/monde/_index.md",
		"/media/.hidden.png",
		"/media/x.png%00",
		"/media/outside.png",
		"/media/outside-dir/passwd.png",
		"/media//etc/passwd",
		"/%2e%2e/%2e%2e/etc/passwd",
	}
	for _, p := range paths {
		t.Run(p, func(t *testing.T) {
			resp := raw(t, site, get(p))
			if resp.closed {
				return // refused outright: nothing served
			}
			if resp.status == 200 {
				t.Fatalf("%s served with 200", p)
			}
			if resp.status >= 500 {
				t.Fatalf("%s = %d", p, resp.status)
			}
			for _, s := range secrets {
				if strings.Contains(resp.body, s) {
					t.Errorf("%s = %d, and the body contains %q", p, resp.status, s)
				}
			}
			if resp.status == 301 {
				// A redirect must stay a site path, never a file's.
				loc := resp.header.Get("Location")
				for _, seg := range strings.Split(loc, "/") {
					if seg == ".." || strings.EqualFold(seg, "%2e%2e") {
						t.Errorf("%s redirects to %q", p, loc)
					}
				}
				if strings.HasPrefix(loc, "//") {
					t.Errorf("%s redirects off the site, to %q", p, loc)
				}
			}
		})
	}
}

// TestNoOpenRedirect: no spelling of a path makes the site redirect to
// another host (a "//host" Location is another site for browsers).
func TestNoOpenRedirect(t *testing.T) {
	site := sitetest.Start(t, sitetest.Options{})
	for _, p := range []string{
		"//evil.example", "//evil.example/", "///evil.example", "//EVIL.example", "//evil.example/index.html",
		`/\evil.example`, `/\/evil.example/`, "/%2F%2Fevil.example", "/%2f%2fEvil.example/", "/%5C%5Cevil.example/",
		"//evil.example/monde/", "/monde//", "/.//evil.example",
	} {
		t.Run(p, func(t *testing.T) {
			resp := raw(t, site, get(p))
			if resp.closed || resp.status < 300 || resp.status >= 400 {
				return
			}
			loc := resp.header.Get("Location")
			if !strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "//") || strings.HasPrefix(loc, `/\`) {
				t.Errorf("%s redirects to %q", p, loc)
			}
		})
	}
}

func TestSearchRateLimitOnTheRealSite(t *testing.T) {
	site := sitetest.Start(t, sitetest.Options{Configure: func(c *app.Config) { c.SearchesPerMinute = 3 }})
	for i := range 3 {
		// The same query thrice: cached answers count too.
		if resp := site.Get(t, "/recherche?q=retraite"); resp.StatusCode != 200 {
			t.Fatalf("search %d: status %d, want 200", i+1, resp.StatusCode)
		}
	}
	resp := site.Get(t, "/recherche?q=retraite")
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("fourth search in a minute: status %d, want 429", resp.StatusCode)
	}
	if resp.Header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
	if !strings.Contains(resp.Body, "Trop de recherches") || resp.Header.Get("Content-Security-Policy") == "" {
		t.Errorf("429 is not the French page with the site's headers: %s", resp.Body)
	}
	if resp := site.Get(t, "/pratique/retraite"); resp.StatusCode != 200 {
		t.Errorf("other pages limited too: %d", resp.StatusCode)
	}
}
