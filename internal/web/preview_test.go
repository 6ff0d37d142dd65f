package web_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/horizons-expat/site/internal/app"
	"github.com/horizons-expat/site/internal/sitetest"
	"github.com/horizons-expat/site/internal/web"
)

func TestPreviewLinks(t *testing.T) {
	var c clock
	c.set(sitetest.FixtureNow)
	site := startAt(t, &c)
	draft := site.App.PreviewPath("pratique/brouillon.md")
	scheduled := site.App.PreviewPath("pratique/programme.md")
	published := site.App.PreviewPath("pratique/retraite.md")
	if !strings.HasPrefix(draft, "/apercu/") || len(draft) != len("/apercu/")+32 {
		t.Fatalf("preview path %q, want /apercu/ and a 128-bit token", draft)
	}
	unknown := site.Get(t, "/nulle-part")

	for _, tt := range []struct {
		name, path string
		want       []string
	}{
		{"draft", draft, []string{"Un brouillon secret", "Aperçu — non publié", "ce brouillon n’est visible que par les personnes qui ont ce lien"}},
		{"scheduled", scheduled, []string{"Article programmé", "Aperçu — non publié", "paraîtra le 1er décembre 2024"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := site.Get(t, tt.path)
			if r.StatusCode != http.StatusOK {
				t.Fatalf("GET %s = %d", tt.path, r.StatusCode)
			}
			for _, w := range append(tt.want, `<meta name="robots" content="noindex">`) {
				if !strings.Contains(r.Body, w) {
					t.Errorf("preview lacks %q", w)
				}
			}
			for h, want := range map[string]string{"Cache-Control": "private, no-store", "X-Robots-Tag": "noindex, nofollow", "Surrogate-Key": ""} {
				if got := r.Header.Get(h); got != want {
					t.Errorf("%s = %q, want %q", h, got, want)
				}
			}
		})
	}
	t.Run("a wrong token is an unknown page", func(t *testing.T) {
		wrong := []string{
			draft[:len(draft)-1] + map[bool]string{true: "1", false: "0"}[draft[len(draft)-1] == '0'], // one character off
			"/apercu/" + strings.Repeat("0", 32),
			"/apercu/pas-un-jeton",
			"/apercu/" + web.PreviewToken([]byte("un autre secret, d'un autre site"), "pratique/brouillon.md"),
		}
		for _, p := range wrong {
			r := site.Get(t, p)
			if r.StatusCode != http.StatusNotFound || strings.Contains(r.Body, "brouillon") {
				t.Errorf("GET %s = %d, want the ordinary 404", p, r.StatusCode)
			}
			// The same page, but for the address it names as canonical.
			if strings.ReplaceAll(r.Body, p, "/nulle-part") != unknown.Body {
				t.Errorf("GET %s: not the same 404 page as an unknown address", p)
			}
		}
	})
	t.Run("published: the link leads to the article", func(t *testing.T) {
		r := site.Get(t, published)
		if r.StatusCode != http.StatusMovedPermanently || r.Header.Get("Location") != "/pratique/retraite" {
			t.Errorf("GET %s = %d to %q, want 301 to the article", published, r.StatusCode, r.Header.Get("Location"))
		}
		c.set(time.Date(2024, 12, 1, 8, 0, 0, 0, paris))
		r = site.Get(t, scheduled)
		if r.StatusCode != http.StatusMovedPermanently || r.Header.Get("Location") != "/pratique/programme" || r.Header.Get("Cache-Control") != "private, no-store" {
			t.Errorf("GET %s once published = %d to %q (%s), want an uncached 301 to the article", scheduled, r.StatusCode, r.Header.Get("Location"), r.Header.Get("Cache-Control"))
		}
		c.set(sitetest.FixtureNow)
	})
	t.Run("never listed", func(t *testing.T) {
		for _, p := range []string{"/", "/pratique", "/sitemap.xml", "/rss.xml", "/atom.xml", "/feed.json", "/archives", "/auteurs/la-redaction"} {
			if body := site.Get(t, p).Body; strings.Contains(body, "/apercu/") || strings.Contains(body, "Un brouillon secret") {
				t.Errorf("%s shows a preview link or the draft", p)
			}
		}
	})
	t.Run("listed on the status page", func(t *testing.T) {
		r := site.Get(t, "/_status")
		for _, w := range []string{"Liens d’aperçu (2)", fixtureBase + draft, fixtureBase + scheduled, "Un brouillon secret"} {
			if !strings.Contains(r.Body, w) {
				t.Errorf("status page lacks %q", w)
			}
		}
	})
}

func TestPreviewSecret(t *testing.T) {
	dir := t.TempDir()
	first, err := app.PreviewSecret("", dir, true)
	if err != nil || len(first) < 32 {
		t.Fatalf("created secret %q, %v", first, err)
	}
	again, err := app.PreviewSecret("", dir, true)
	if err != nil || string(again) != string(first) {
		t.Errorf("second start read %q, %v; want the secret created at first start", again, err)
	}
	if given, err := app.PreviewSecret("un secret assez long pour signer", dir, true); err != nil || string(given) != "un secret assez long pour signer" {
		t.Errorf("configured secret %q, %v", given, err)
	}
	if _, err := app.PreviewSecret("court", dir, true); err == nil {
		t.Error("a short configured secret was accepted")
	}
	if _, err := app.PreviewSecret("", t.TempDir(), false); err == nil {
		t.Error("a missing secret file was not reported without create")
	}
}
