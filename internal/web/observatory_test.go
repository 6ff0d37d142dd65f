package web_test

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/horizons-expat/site/internal/sitetest"
)

// TestObservatoryRules checks, on the real server's answers, each header
// that Mozilla's HTTP Observatory scores, by the rules it states for its
// best marks (the scan itself needs the network, which tests do not
// have): a Content-Security-Policy without 'unsafe-inline' nor
// 'unsafe-eval' that sets default-src, object-src (or default-src 'none'),
// frame-ancestors, base-uri and form-action; HSTS of six months at least
// with includeSubDomains; X-Content-Type-Options; a Referrer-Policy that
// does not leak paths to other sites; framing refused; cookies, if any,
// Secure, HttpOnly and SameSite; no CORS opening to every origin with
// credentials; valid COOP and CORP when set; and no page loading anything
// over plain HTTP. TestObservatoryDeployRedirects covers the redirection
// to HTTPS in the shipped proxy configurations.
func TestObservatoryRules(t *testing.T) {
	site := sitetest.Start(t, sitetest.Options{BaseURL: "https://horizons.example"})
	home := site.Get(t, "/")
	css := regexp.MustCompile(`/static/style\.[^"]+\.css`).FindString(home.Body)
	paths := []string{
		"/", "/monde", "/monde/page/2", "/pratique/retraite", "/tags", "/tags/retraite",
		"/auteurs/camille-martin", "/archives", "/archives/2024/11", "/recherche?q=retraite",
		"/rss.xml", "/atom.xml", "/feed.json", "/sitemap.xml", "/robots.txt", "/opensearch.xml",
		"/media/retraite.png", css, "/nulle-part", "/monde/", "/healthz",
	}
	for _, p := range paths {
		t.Run(p, func(t *testing.T) {
			r := site.Get(t, p)
			if r.StatusCode >= 500 {
				t.Fatalf("GET %s = %d", p, r.StatusCode)
			}
			for _, pr := range append(cspProblems(r.Header.Get("Content-Security-Policy")), hstsProblems(r.Header.Get("Strict-Transport-Security"))...) {
				t.Error(pr)
			}
			if got := r.Header.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("X-Content-Type-Options = %q, want nosniff", got)
			}
			switch rp := r.Header.Get("Referrer-Policy"); rp {
			case "no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin":
			default:
				t.Errorf("Referrer-Policy = %q: the Observatory wants one that keeps paths from other sites", rp)
			}
			if xfo := strings.ToUpper(r.Header.Get("X-Frame-Options")); xfo != "DENY" && xfo != "SAMEORIGIN" {
				t.Errorf("X-Frame-Options = %q, want DENY or SAMEORIGIN (frame-ancestors is checked too)", xfo)
			}
			for _, c := range r.Cookies() {
				if !c.Secure || !c.HttpOnly || c.SameSite == http.SameSiteDefaultMode || c.SameSite == http.SameSiteNoneMode {
					t.Errorf("cookie %s lacks Secure, HttpOnly or SameSite: %v", c.Name, c)
				}
			}
			if r.Header.Get("Access-Control-Allow-Origin") == "*" && strings.EqualFold(r.Header.Get("Access-Control-Allow-Credentials"), "true") {
				t.Errorf("CORS opens to every origin with credentials")
			}
			switch coop := r.Header.Get("Cross-Origin-Opener-Policy"); coop {
			case "", "same-origin", "same-origin-allow-popups", "noopener-allow-popups":
			default:
				t.Errorf("Cross-Origin-Opener-Policy = %q, not a valid value", coop)
			}
			switch corp := r.Header.Get("Cross-Origin-Resource-Policy"); corp {
			case "", "same-origin", "same-site", "cross-origin":
			default:
				t.Errorf("Cross-Origin-Resource-Policy = %q, not a valid value", corp)
			}
			if strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
				checkNoMixedContent(t, r.Body)
			}
		})
	}
}

// cspProblems applies the Observatory's policy rules to csp.
func cspProblems(csp string) []string {
	var out []string
	errorf := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	if csp == "" {
		return []string{"no Content-Security-Policy"}
	}
	dirs := map[string][]string{}
	for d := range strings.SplitSeq(csp, ";") {
		f := strings.Fields(d)
		if len(f) > 0 {
			dirs[strings.ToLower(f[0])] = f[1:]
		}
	}
	// What a fetch directive falls back to when absent.
	effective := func(name string) []string {
		if v, ok := dirs[name]; ok {
			return v
		}
		return dirs["default-src"]
	}
	if _, ok := dirs["default-src"]; !ok {
		errorf("CSP %q sets no default-src", csp)
	}
	for name, sources := range dirs {
		for _, s := range sources {
			switch ls := strings.ToLower(s); {
			case ls == "'unsafe-inline'" || ls == "'unsafe-eval'" || ls == "'unsafe-hashes'" || ls == "'wasm-unsafe-eval'":
				errorf("CSP %s allows %s", name, s)
			case name != "img-src" && (ls == "*" || ls == "http:" || ls == "https:" || ls == "data:" || strings.HasPrefix(ls, "http://")):
				errorf("CSP %s allows %s: any site, or plain HTTP", name, s)
			}
		}
	}
	for _, name := range []string{"script-src", "style-src"} {
		if src := effective(name); len(src) == 0 {
			errorf("CSP leaves %s open", name)
		}
	}
	if obj := effective("object-src"); len(obj) != 1 || obj[0] != "'none'" {
		errorf("CSP object-src (or default-src) = %q, want 'none'", obj)
	}
	for name, allowed := range map[string][]string{
		"frame-ancestors": {"'none'", "'self'"},
		"base-uri":        {"'none'", "'self'"},
		"form-action":     {"'none'", "'self'"},
	} {
		v, ok := dirs[name]
		if !ok || len(v) != 1 || !slicesContains(allowed, v[0]) {
			errorf("CSP %s = %q, want one of %q", name, v, allowed)
		}
	}
	return out
}

func slicesContains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// hstsProblems wants HSTS of six months at least, for subdomains too.
func hstsProblems(hsts string) []string {
	maxAge := -1
	sub := false
	for p := range strings.SplitSeq(hsts, ";") {
		p = strings.TrimSpace(p)
		if v, ok := strings.CutPrefix(strings.ToLower(p), "max-age="); ok {
			maxAge, _ = strconv.Atoi(strings.Trim(v, `"`))
		}
		if strings.EqualFold(p, "includeSubDomains") {
			sub = true
		}
	}
	if maxAge < 15552000 || !sub {
		return []string{fmt.Sprintf("Strict-Transport-Security = %q, want max-age of six months (15552000) at least and includeSubDomains", hsts)}
	}
	return nil
}

// mixedContent is what a page would load over plain HTTP: sources of
// images, scripts, frames, media and forms, and linked style sheets or
// icons. Plain links to other sites (<a href="http://…">) load nothing.
var mixedContent = []*regexp.Regexp{
	regexp.MustCompile(`\s(?:src|srcset|poster|data|action|formaction)="[^"]*http://`),
	regexp.MustCompile(`<link[^>]+href="http://`),
	regexp.MustCompile(`url\(\s*['"]?http://`),
}

func checkNoMixedContent(t *testing.T, body string) {
	t.Helper()
	for _, re := range mixedContent {
		if m := re.FindString(body); m != "" {
			t.Errorf("page loads over plain HTTP: %q", m)
		}
	}
}

// TestObservatoryDeployRedirects checks what the Observatory asks of the
// way in: plain HTTP answers a permanent redirect to HTTPS on the same host
// before anything else, in both shipped setups (nginx; Varnish behind
// hitch), and TLS is only 1.2 and 1.3. TestNginxConfig and
// TestVarnishConfig (internal/cluster) run the same files for real.
func TestObservatoryDeployRedirects(t *testing.T) {
	read := func(rel string) string {
		b, err := os.ReadFile(filepath.Join("..", "..", "deploy", rel))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	nginx := read("nginx/horizons.conf")
	plain := regexp.MustCompile(`(?s)server\s*\{\s*listen 80;.*?\n\}`).FindString(nginx)
	if plain == "" {
		t.Fatal("nginx: no server block on port 80")
	}
	if !strings.Contains(plain, "return 301 https://$host$request_uri;") {
		t.Errorf("nginx: port 80 does not answer 301 to https on the same host:\n%s", plain)
	}
	if strings.Contains(plain, "proxy_pass") {
		t.Errorf("nginx: port 80 serves pages instead of moving readers to HTTPS")
	}
	if !regexp.MustCompile(`listen 443 ssl`).MatchString(nginx) || !strings.Contains(nginx, "ssl_protocols TLSv1.2 TLSv1.3;") {
		t.Errorf("nginx: no HTTPS server limited to TLS 1.2 and 1.3")
	}
	if strings.Contains(nginx, "proxy_hide_header Strict-Transport-Security") || strings.Contains(nginx, "proxy_hide_header Content-Security-Policy") {
		t.Errorf("nginx hides the site's security headers")
	}

	vcl := read("varnish/default.vcl")
	if !regexp.MustCompile(`(?s)if \(local\.socket == "http"\) \{.*?return \(synth\(750`).MatchString(vcl) ||
		!strings.Contains(vcl, `set resp.status = 301;`) || !strings.Contains(vcl, `"https://" + regsub(req.http.Host`) {
		t.Errorf("varnish: the plain HTTP listener does not answer 301 to https on the same host")
	}
	if hitch := read("varnish/hitch.conf"); !strings.Contains(hitch, "tls-protos = TLSv1.2 TLSv1.3") {
		t.Errorf("hitch: TLS not limited to 1.2 and 1.3")
	}
}

// TestObservatoryRulesCatch checks that the rules above fail what the
// Observatory marks down.
func TestObservatoryRulesCatch(t *testing.T) {
	good := "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'self'; frame-ancestors 'none'"
	if pr := cspProblems(good); len(pr) > 0 {
		t.Errorf("the site's kind of policy fails: %q", pr)
	}
	for _, bad := range []string{
		"",
		"default-src 'none'; script-src 'self' 'unsafe-inline'; form-action 'self'; base-uri 'self'; frame-ancestors 'none'",
		"default-src 'none'; script-src 'self' 'unsafe-eval'; form-action 'self'; base-uri 'self'; frame-ancestors 'none'",
		"default-src 'self'; form-action 'self'; base-uri 'self'; frame-ancestors 'none'", // object-src not 'none'
		"default-src 'none'; script-src https:; form-action 'self'; base-uri 'self'; frame-ancestors 'none'",
		"default-src 'none'; script-src 'self'; base-uri 'self'; frame-ancestors 'none'",                    // no form-action
		"default-src 'none'; script-src 'self'; form-action 'self'; frame-ancestors 'none'",                 // no base-uri
		"default-src 'none'; script-src 'self'; form-action 'self'; base-uri 'self'",                        // no frame-ancestors
		"script-src 'self'; object-src 'none'; form-action 'self'; base-uri 'self'; frame-ancestors 'none'", // no default-src
	} {
		if len(cspProblems(bad)) == 0 {
			t.Errorf("CSP %q passes", bad)
		}
	}
	for hsts, ok := range map[string]bool{
		"max-age=63072000; includeSubDomains":          true,
		"max-age=15552000; includeSubDomains; preload": true,
		"max-age=15551999; includeSubDomains":          false,
		"max-age=63072000":                             false,
		"":                                             false,
	} {
		if got := len(hstsProblems(hsts)) == 0; got != ok {
			t.Errorf("HSTS %q accepted: %v, want %v", hsts, got, ok)
		}
	}
	for body, clean := range map[string]bool{
		`<img src="http://autre.example/a.png">`:                    false,
		`<a href="http://autre.example/">lien</a>`:                  true,
		`<link rel="stylesheet" href="http://autre.example/s.css">`: false,
		`<img srcset="/a.png 1x, http://x.example/b.png 2x">`:       false,
	} {
		found := false
		for _, re := range mixedContent {
			found = found || re.MatchString(body)
		}
		if found == clean {
			t.Errorf("%s: mixed content found %v, want %v", body, found, !clean)
		}
	}
}
