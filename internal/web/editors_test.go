package web_test

import (
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/horizons-expat/site/internal/app"
	"github.com/horizons-expat/site/internal/sitetest"
)

func article(title, date string, frontMatter ...string) string {
	return fmt.Sprintf("---\ntitle: %q\ndate: %s\n%s---\n\nLe texte de %s.\n", title, date, strings.Join(append(frontMatter, ""), "\n"), title)
}

func TestStatusPageOnlyForEditors(t *testing.T) {
	site := sitetest.Start(t, sitetest.Options{Configure: func(c *app.Config) { c.StatusToken = "s3cret-token" }})
	site.Write(t, "monde/casse.md", "---\ntitle: [cassé\n---\n")
	site.WaitForStatus(t, "monde/casse.md:2: en-tête YAML invalide")

	proxied := http.Header{"X-Forwarded-For": {"203.0.113.7"}}
	tests := []struct {
		name   string
		path   string
		header http.Header
		status int
	}{
		{"loopback client", "/_status", nil, http.StatusOK},
		{"relayed by a proxy on this machine", "/_status", proxied, http.StatusNotFound},
		{"relayed, token in the header", "/_status", http.Header{"X-Forwarded-For": {"203.0.113.7"}, "X-Status-Token": {"s3cret-token"}}, http.StatusOK},
		// A token in the address ends up in proxies' and access logs.
		{"relayed, token in the query", "/_status?token=s3cret-token", proxied, http.StatusNotFound},
		{"relayed, wrong token", "/_status", http.Header{"X-Forwarded-For": {"203.0.113.7"}, "X-Status-Token": {"guess"}}, http.StatusNotFound},
		{"relayed, Forwarded header", "/_status", http.Header{"Forwarded": {"for=203.0.113.7"}}, http.StatusNotFound},
	}
	// A proxy on this machine, configured as trusted, relays other
	// people's requests: without X-Forwarded-For (a proxy that does not
	// add it) the request still needs the token.
	behindProxy := sitetest.Start(t, sitetest.Options{Configure: func(c *app.Config) {
		c.StatusToken = "s3cret-token"
		c.TrustedProxies = []string{"127.0.0.1/32", "::1/128"}
	}})
	for _, tt := range []struct {
		name   string
		header http.Header
		status int
	}{
		{"trusted local proxy, no X-Forwarded-For", nil, http.StatusNotFound},
		{"trusted local proxy, a local client", http.Header{"X-Forwarded-For": {"127.0.0.1"}}, http.StatusNotFound},
		{"trusted local proxy, token in the header", http.Header{"X-Status-Token": {"s3cret-token"}}, http.StatusOK},
	} {
		if r := behindProxy.Do(t, http.MethodGet, "/_status", tt.header); r.StatusCode != tt.status {
			t.Errorf("%s: GET /_status = %d, want %d", tt.name, r.StatusCode, tt.status)
		}
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := site.Do(t, http.MethodGet, tt.path, tt.header)
			if r.StatusCode != tt.status {
				t.Fatalf("GET %s = %d, want %d", tt.path, r.StatusCode, tt.status)
			}
			if tt.status == http.StatusNotFound {
				if !strings.Contains(r.Body, "Page introuvable") || strings.Contains(r.Body, "casse.md") {
					t.Errorf("a reader sees more than the ordinary 404:\n%s", r.Body)
				}
				return
			}
			for _, want := range []string{"État du contenu", `<meta name="robots" content="noindex">`, "monde/casse.md:2",
				"en-tête YAML invalide", "Erreurs (1)", "Dernier rechargement", "17 en base\u00a0: 15 en ligne, 1 brouillon, 1 programmé, 0 expiré"} {
				if !strings.Contains(r.Body, want) {
					t.Errorf("status page lacks %q", want)
				}
			}
			if got := r.Header.Get("Cache-Control"); got != "private, no-store" {
				t.Errorf("Cache-Control = %q, want private, no-store", got)
			}
			if got := r.Header.Get("X-Robots-Tag"); !strings.Contains(got, "noindex") {
				t.Errorf("X-Robots-Tag = %q, want noindex", got)
			}
		})
	}
}

func TestDraftsPreview(t *testing.T) {
	site := sitetest.Start(t, sitetest.Options{Drafts: true})
	tests := []struct {
		path string
		want []string
	}{
		{"/pratique/brouillon", []string{`class="preview-banner"`, "<strong>Brouillon</strong>", "draft: true"}},
		{"/pratique/programme", []string{`class="preview-banner"`, "<strong>Programmé</strong>", "paraîtra de lui-même le 1er décembre 2024 à 8\u00a0h\u00a000"}},
		{"/pratique", []string{`<span class="preview-badge">Brouillon</span>`, `<span class="preview-badge">Programmé</span>`}},
		{"/pratique/retraite", nil},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			r := site.Get(t, tt.path)
			if r.StatusCode != http.StatusOK {
				t.Fatalf("GET %s = %d", tt.path, r.StatusCode)
			}
			// A preview is never indexed, published pages included.
			if !strings.Contains(r.Body, `<meta name="robots" content="noindex">`) {
				t.Errorf("GET %s: no noindex in a preview", tt.path)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.Body, w) {
					t.Errorf("GET %s lacks %q", tt.path, w)
				}
			}
		})
	}
	if r := site.Get(t, "/pratique/retraite"); strings.Contains(r.Body, "preview-banner") {
		t.Error("a published article has a preview banner")
	}
}

func TestScheduledExpiredAndRedirects(t *testing.T) {
	site := sitetest.Start(t, sitetest.Options{})
	// sitetest.FixtureNow is 2024-11-25 13:00 in Paris.
	site.Write(t, "monde/perime.md", article("Périmé", "2024-11-20", "expires: 2024-11-25 12:59", "aliases: [/vieux/perime]"))
	site.Write(t, "monde/bientot-perime.md", article("Bientôt périmé", "2024-11-20", "expires: 2024-11-25 13:30"))
	site.Write(t, "monde/secret.md", article("Secret", "2024-11-20", "draft: true", "aliases: [/vieux/secret]"))
	site.Write(t, "monde/boucle-a.md", article("Boucle A", "2024-11-20", "aliases: [/monde/boucle-b]"))
	site.Write(t, "monde/boucle-b.md", article("Boucle B", "2024-11-20", "aliases: [/monde/boucle-a]"))
	site.Write(t, "monde/majuscules.md", article("Alias en majuscules", "2024-11-20", "aliases: [/Vieux/MAJUSCULES/]"))
	site.WaitFor(t, "/monde/bientot-perime", http.StatusOK, "Bientôt périmé")
	site.WaitForStatus(t, "boucle de redirection", "/monde/boucle-b")

	tests := []struct {
		name, path string
		status     int
		location   string
	}{
		{"expired article", "/monde/perime", http.StatusGone, ""},
		{"alias of an expired article", "/vieux/perime", http.StatusGone, ""},
		{"alias of a draft reveals nothing", "/vieux/secret", http.StatusNotFound, ""},
		{"draft", "/monde/secret", http.StatusNotFound, ""},
		{"alias of the fixture", "/ancienne/retraite", http.StatusMovedPermanently, "/pratique/retraite"},
		{"alias written in capitals", "/vieux/majuscules", http.StatusMovedPermanently, "/monde/majuscules"},
		// An alias in another spelling goes to its article in one redirect.
		{"alias in capitals, as requested", "/Vieux/MAJUSCULES", http.StatusMovedPermanently, "/monde/majuscules"},
		{"each article of a loop keeps its own URL", "/monde/boucle-a", http.StatusOK, ""},
		{"the other one too", "/monde/boucle-b", http.StatusOK, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := site.Get(t, tt.path)
			if r.StatusCode != tt.status || r.Header.Get("Location") != tt.location {
				t.Fatalf("GET %s = %d to %q, want %d to %q", tt.path, r.StatusCode, r.Header.Get("Location"), tt.status, tt.location)
			}
		})
	}

	// A page must not be cached past the instant its article expires.
	// Every lifetime counts, the stale ones of shared caches included.
	r := site.Get(t, "/monde/bientot-perime")
	cc := r.Header.Get("Cache-Control")
	lifetimes := map[string]int{}
	for _, m := range regexp.MustCompile(`(max-age|s-maxage|stale-while-revalidate|stale-if-error)=(\d+)`).FindAllStringSubmatch(cc, -1) {
		lifetimes[m[1]], _ = strconv.Atoi(m[2])
	}
	const left = 30 * 60 // seconds before the article expires
	if len(lifetimes) != 4 || lifetimes["max-age"] > left ||
		lifetimes["s-maxage"]+lifetimes["stale-while-revalidate"] > left ||
		lifetimes["s-maxage"]+lifetimes["stale-if-error"] > left {
		t.Errorf("Cache-Control %q: want the four lifetimes, none reaching past the expiry %d s away", cc, left)
	}
	if r := site.Get(t, "/monde"); strings.Contains(r.Body, "Périmé") || !strings.Contains(r.Body, "Bientôt périmé") {
		t.Error("listing: want the live article and not the expired one")
	}
	if r := site.Get(t, "/pratique/retraite"); !strings.Contains(r.Body, "Mis à jour le <time datetime=\"2024-11-22T00:00:00+01:00\">22 novembre 2024</time>") {
		t.Errorf("updated date not shown:\n%s", r.Body)
	}
}
