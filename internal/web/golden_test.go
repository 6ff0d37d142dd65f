package web_test

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/horizons-expat/site/internal/sitetest"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/golden with the pages as served")

// fingerprint matches the content hash in static file URLs: a change of
// the stylesheet must not make every golden file stale.
var fingerprint = regexp.MustCompile(`(/static/[^"./]+)\.[0-9a-f]{10}\.`)

// normalize makes a served page comparable and readable in a diff: one
// tag per line, fingerprints masked.
func normalize(body string) string {
	body = fingerprint.ReplaceAllString(body, "$1.HASH.")
	return strings.ReplaceAll(body, "><", ">\n<") + "\n"
}

// TestGoldenPages compares whole pages of the fixture, with the clock
// frozen at sitetest.FixtureNow, to testdata/golden. After an intended
// change of the templates, run:
//
//	go test ./internal/web -run TestGoldenPages -update
func TestGoldenPages(t *testing.T) {
	site := sitetest.Start(t, sitetest.Options{})
	pages := []struct{ name, path string }{
		{"home", "/"},
		{"category", "/monde"},
		{"category-page-2", "/monde/page/2"},
		{"article", "/pratique/retraite"},
		{"tag", "/tags/retraite"},
		{"not-found", "/nulle-part"},
		{"search-corrected", "/recherche?q=retrate&periode=an"},
	}
	for _, p := range pages {
		t.Run(p.name, func(t *testing.T) {
			got := normalize(site.Get(t, p.path).Body)
			file := filepath.Join("testdata", "golden", p.name+".html")
			if *update {
				if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("GET %s differs from %s (run with -update if the change is intended):\n%s", p.path, file, lineDiff(string(want), got))
			}
		})
	}
}

// lineDiff shows the first lines where want and got part.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(w), len(g)); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			var b strings.Builder
			for j := i; j < min(i+5, max(len(w), len(g))); j++ {
				if j < len(w) {
					b.WriteString("- " + w[j] + "\n")
				}
				if j < len(g) {
					b.WriteString("+ " + g[j] + "\n")
				}
			}
			return "line " + strconv.Itoa(i+1) + ":\n" + b.String()
		}
	}
	return ""
}
