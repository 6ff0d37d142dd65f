package importer_test

import (
	"bytes"
	"image"
	"image/png"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/horizons-expat/site/internal/importer"
	"github.com/horizons-expat/site/internal/ingest"
	"github.com/horizons-expat/site/internal/sitetest"
)

// hugoSite writes a small Hugo site, front matter in its three formats.
func hugoSite(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	var img bytes.Buffer
	if err := png.Encode(&img, image.NewGray(image.Rect(0, 0, 4, 3))); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"hugo.toml":               "baseURL = 'https://exemple.fr/'\n",
		"content/_index.md":       "---\ntitle: Accueil\n---\n",
		"content/posts/_index.md": "+++\ntitle = 'Actualités'\ndescription = 'Les dernières nouvelles.'\nweight = 2\n+++\n\nLe fil.\n",
		"content/posts/premier.md": "---\ntitle: Premier\ndate: 2024-03-01T09:00:00+01:00\nlastmod: 2024-03-02\ncategories: [Monde]\n" +
			"aliases: [vieux-premier]\n---\n\nIntro.\n\n<!--more-->\n\n" +
			"{{< figure src=\"/images/carte.png\" alt=\"Une carte\" caption=\"La carte du monde\" >}}\n\n" +
			"{{< youtube w7Ft2ymGmfc >}}\n\n{{< vimeo id=\"146022717\" >}}\n\n{{< x user=\"SanDiegoZoo\" id=\"1453110110599868418\" >}}\n\n" +
			"{{< instagram CxOWiQNP2MO >}}\n\nVoir [le second]({{< ref \"2024/second.md\" >}}) et [le bundle]({{< relref \"bundle\" >}}).\n\n" +
			"{{< gist user 12345 >}}\n\n{{% notice %}}Attention{{% /notice %}}\n",
		"content/posts/2024/second.md":  "+++\ntitle = 'Second'\ndate = 2024-04-01T10:00:00\nurl = '/blog/second-billet/'\ntags = ['économie']\n+++\n\nLe second.\n",
		"content/posts/bundle/index.md": "{\n  \"title\": \"Un bundle\",\n  \"date\": \"2024-05-01\",\n  \"images\": [\"photo.png\"]\n}\n\n![Une photo](photo.png)\n",
		"content/pages/a-propos.md":     "---\ntitle: À propos\ndate: 2023-01-01\ndraft: true\n---\n\nNous.\n",
	}
	for rel, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []string{"content/posts/bundle/photo.png", "static/images/carte.png"} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, p)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(p)), img.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestHugoImport(t *testing.T) {
	src, dir := hugoSite(t), t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "site.yaml"), []byte("title: Essai\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	report, err := importer.Hugo(src, importer.HugoOptions{Content: dir})
	if err != nil {
		t.Fatal(err)
	}
	if report.Imported != 4 {
		t.Errorf("imported %d pages, want 4", report.Imported)
	}
	tests := []struct {
		file string
		want []string
	}{
		{"posts/_index.md", []string{"title: Actualités", "description: Les dernières nouvelles.", "weight: 2", "Le fil.", "- /posts/2024\n"}},
		{"posts/premier.md", []string{"lastmod: 2024-03-02", "categories: [Monde]",
			"aliases: [/posts/vieux-premier]", // relative to its Hugo folder
			"![Une carte](/media/hugo/images/carte.png)" /* from Hugo's static/ */, "*La carte du monde*",
			"(https://www.youtube.com/watch?v=w7Ft2ymGmfc)", "(https://vimeo.com/146022717)",
			"(https://x.com/SanDiegoZoo/status/1453110110599868418)", "(https://www.instagram.com/p/CxOWiQNP2MO/)",
			"[le second](/posts/second)", "[le bundle](/posts/bundle)", "Attention"}},
		{"posts/second.md", []string{"url: /blog/second-billet/", "- /posts/2024/second"}},
		{"posts/bundle.md", []string{"![Une photo](/media/hugo/posts/bundle/photo.png)", "images:\n  - /media/hugo/posts/bundle/photo.png"}},
		{"pages/a-propos.md", []string{"draft: true"}},
	}
	for _, tt := range tests {
		got := read(t, dir, tt.file)
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s lacks %q:\n%s", tt.file, w, got)
			}
		}
		if strings.Contains(got, "{{") {
			t.Errorf("%s keeps a shortcode:\n%s", tt.file, got)
		}
	}
	all := strings.Join(report.Issues, "\n")
	for _, w := range []string{"posts/2024 : section imbriquée réunie dans la rubrique « posts »",
		"posts/premier.md : shortcode {{< gist >}} non converti", "posts/premier.md : shortcode {{< notice >}} non converti"} {
		if !strings.Contains(all, w) {
			t.Errorf("report lacks %q:\n%s", w, all)
		}
	}

	set, err := ingest.CheckDir(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range set.Problems {
		// Hugo has no key for the cover's description: that warning may stay.
		if !p.Warning || strings.Contains(p.Message, "introuvable") || strings.Contains(p.Message, "hors du site") {
			t.Errorf("imported site fails its check: %s", p)
		}
	}

	site := sitetest.Start(t, sitetest.Options{Content: dir, Now: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)})
	for old, to := range map[string]string{
		"/posts/premier/":       "/posts/premier",
		"/posts/vieux-premier/": "/posts/premier",
		"/posts/2024/second/":   "/posts/second",
		"/blog/second-billet/":  "/posts/second",
		"/posts/2024/":          "/posts",
	} {
		r := site.Get(t, old)
		if r.StatusCode != http.StatusMovedPermanently || r.Header.Get("Location") != to {
			t.Errorf("GET %s = %d to %q, want 301 to %s", old, r.StatusCode, r.Header.Get("Location"), to)
		}
	}
	// The bundle's picture is shown: as the copied original until its
	// variants are ready, then as a <picture> of them.
	if r := site.Get(t, "/posts/bundle"); r.StatusCode != http.StatusOK ||
		!(strings.Contains(r.Body, "/media/hugo/posts/bundle/photo.png") || strings.Contains(r.Body, "<picture>")) {
		t.Errorf("GET /posts/bundle = %d without its picture:\n%s", r.StatusCode, r.Body)
	}

	// A second import changes nothing.
	again, err := importer.Hugo(src, importer.HugoOptions{Content: dir})
	if err != nil {
		t.Fatal(err)
	}
	if n := again.Counted("fichiers écrits") + again.Counted("fichiers mis à jour"); n != 0 {
		t.Errorf("second import wrote %d files", n)
	}
}
