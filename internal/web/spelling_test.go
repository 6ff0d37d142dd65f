package web_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/horizons-expat/site/internal/sitetest"
)

// TestFileNameSpellings checks that every spelling a reader derives from a
// file name or a tag's label (capitals, spaces, accents) reaches its page
// with one 301 to the canonical URL, and that a tag page is headed by the
// tag's label, as /tags shows it.
func TestFileNameSpellings(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "content")
	sitetest.CopyDir(t, sitetest.Fixture(), dir)
	files := map[string]string{
		// Published as /pratique/mon-article-ete and /pratique/reforme-sante.
		"Mon Article Été.md": "---\ntitle: Mon article d'été\ndate: 2024-11-10 09:00\ntags: [été]\n---\n\nLe texte.\n",
		"réforme-santé.md":   "---\ntitle: La réforme de la santé\ndate: 2024-11-11 09:00\n---\n\nLe texte.\n",
		// Newer than retraite.md, with the tag written as its slug: the tag
		// page must still show the label « Sécurité sociale ».
		"cotisations.md": "---\ntitle: Les cotisations\ndate: 2024-11-21 09:00\ntags: [securite-sociale]\n---\n\nLe texte.\n",
	}
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(dir, "pratique", name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	site := sitetest.Start(t, sitetest.Options{Content: dir})

	tests := []struct{ from, to string }{
		{"/pratique/Mon%20Article%20%C3%89t%C3%A9", "/pratique/mon-article-ete"},
		{"/pratique/mon%20article%20%C3%A9t%C3%A9", "/pratique/mon-article-ete"},
		{"/pratique/Mon%20Article%20Ete", "/pratique/mon-article-ete"},
		{"/pratique/r%C3%A9forme-sant%C3%A9", "/pratique/reforme-sante"},
		{"/pratique/R%C3%A9forme-Sant%C3%A9", "/pratique/reforme-sante"},
		{"/pratique/r%C3%A9forme%20sant%C3%A9?x=1", "/pratique/reforme-sante?x=1"},
		{"/tags/%C3%A9t%C3%A9", "/tags/ete"},
		{"/tags/s%C3%A9curit%C3%A9%20sociale", "/tags/securite-sociale"},
		{"/tags/S%C3%A9curit%C3%A9-Sociale", "/tags/securite-sociale"},
		{"/Pr%C3%A0tique", "/pratique"},
		// An alias or a former address reached through another spelling
		// goes straight to the article.
		{"/anci%C3%A8nne/retraite", "/pratique/retraite"},
	}
	for _, tt := range tests {
		t.Run(tt.from, func(t *testing.T) {
			for _, method := range []string{http.MethodGet, http.MethodHead} {
				r := site.Do(t, method, tt.from, nil)
				if r.StatusCode != http.StatusMovedPermanently || r.Header.Get("Location") != tt.to {
					t.Errorf("%s %s = %d → %q, want 301 → %q", method, tt.from, r.StatusCode, r.Header.Get("Location"), tt.to)
				}
			}
			to := strings.SplitN(tt.to, "?", 2)[0]
			if r := site.Get(t, to); r.StatusCode != http.StatusOK {
				t.Errorf("GET %s = %d, want 200", to, r.StatusCode)
			}
		})
	}

	// Spellings of nothing stay 404: no redirect to a page that does not
	// exist either.
	for _, p := range []string{"/pratique/r%C3%A9forme-inconnue", "/tags/inconnu%C3%A9", "/%C3%A9t%C3%A9", "/pratique/Inconnu%20Ici"} {
		r := site.Get(t, p)
		if r.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s = %d → %q, want 404", p, r.StatusCode, r.Header.Get("Location"))
		}
	}

	t.Run("tag page heading is the label", func(t *testing.T) {
		r := site.Get(t, "/tags/securite-sociale")
		if r.StatusCode != http.StatusOK {
			t.Fatalf("GET /tags/securite-sociale = %d", r.StatusCode)
		}
		if !strings.Contains(r.Body, "Mot-clé\u00a0: Sécurité sociale</h1>") {
			t.Errorf("heading is not « Mot-clé : Sécurité sociale »: %s", headline(r.Body))
		}
		if tags := site.Get(t, "/tags").Body; !strings.Contains(tags, "Sécurité sociale") {
			t.Errorf("/tags does not show the label « Sécurité sociale »")
		}
	})
}

// headline is the page's h1, for error messages.
func headline(body string) string {
	start := strings.Index(body, "<h1")
	if start < 0 {
		return "(no h1)"
	}
	end := strings.Index(body[start:], "</h1>")
	if end < 0 {
		return body[start:]
	}
	return body[start : start+end+5]
}
