package web

import (
	"net/http"
	"strings"
	"testing"

	"github.com/horizons-expat/site/internal/content"
	"github.com/horizons-expat/site/internal/images"
)

// TestReservedSegments: the first segments of the route table are refused
// as rubriques and as aliases, those of the earlier hand-written list
// among them, and the pages that would hide a rubrique too (/img, /metrics).
func TestReservedSegments(t *testing.T) {
	reserved := ReservedSegments()
	prs := content.NewParser(content.WithReserved(reserved))
	for _, seg := range []string{
		"tags", "recherche", "static", "page", "healthz", "rss", "sitemap", "feeds",
		"media", content.AuthorsDir, "archives", "apercu", "img", "metrics",
	} {
		if !reserved.Has(seg) {
			t.Errorf("%q is not reserved, but the site routes it", seg)
			continue
		}
		_, problems := prs.CategoryFile(seg+"/_index.md", []byte("---\ntitle: Essai\n---\n"))
		if len(problems) != 1 || !strings.Contains(problems[0].Message, "adresse réservée du site") {
			t.Errorf("rubrique %q: problems %v, want it refused as reserved", seg, problems)
		}
		rejected, problems := prs.Validate(map[string]bool{"monde": true}, []content.Entry{
			{Path: "monde/a.md", Category: "monde", Slug: "a", Aliases: []string{"/" + seg + "/ancien"}},
		})
		if rejected["monde/a.md"] || len(problems) != 1 || !strings.Contains(problems[0].Message, "est une adresse du site") {
			t.Errorf("alias /%s/ancien: problems %v, want it refused", seg, problems)
		}
	}
	for _, seg := range []string{"monde", "vie-pratique", "{category}", ""} {
		if reserved.Has(seg) {
			t.Errorf("%q is reserved, but no route takes it", seg)
		}
	}
}

// siteTraits is what the route table says of paths, as a server has it.
func siteTraits() *routeTraits { return newRouteTraits((&Server{}).routeTable()) }

// TestRouteTraits: what the layers ahead of the router know of a path
// comes from the route table, for the whole subtree of a plain first
// segment and for the shape of a route that starts with a parameter.
func TestRouteTraits(t *testing.T) {
	paths := siteTraits()
	for _, tt := range []struct {
		name, path string
		want       traits
	}{
		{"home", "/", 0},
		{"rubrique", "/monde", 0},
		{"article", "/monde/nouvelle-14", 0},
		{"rubrique page", "/monde/page/2", 0},
		{"tag feed", "/tags/retraite/atom.xml", 0},
		{"month", "/archives/2024/11", 0},
		{"asset", "/static/style.1a2b3c4d.css", files},
		{"asset in a folder", "/static/dossier/Style.css", files},
		{"media", "/media/Photo.PNG", files},
		{"variant", "/img/0123abcd.webp", files},
		{"deeper under a file route", "/img/a/b", files},
		{"bundle image", "/monde/mon-article/Photo.JPG", files},
		{"bundle file that is no image", "/monde/mon-article/notes.txt", 0},
		{"image one segment deeper", "/monde/mon-article/x/photo.jpg", 0},
		{"image at a rubrique's place", "/monde/photo.jpg", 0},
		{"health", "/healthz", uncached},
		{"status", "/_status", uncached},
		{"metrics", "/metrics", uncached},
		{"preview", "/apercu/0123456789abcdef", uncached},
		{"search", "/recherche", readsQuery},
		{"suggestions", "/recherche/suggestions", readsQuery},
		{"under the search page", "/recherche/autre", readsQuery},
		{"segment spelled otherwise", "/Static/style.css", 0},
		{"segment prefix only", "/staticx/a", 0},
		{"doubled slash", "//static/x", 0},
		{"empty", "", 0},
		{"no leading slash", "static/x", 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := paths.of(tt.path); got != tt.want {
				t.Errorf("traits of %q = %b, want %b", tt.path, got, tt.want)
			}
		})
	}
}

// TestRouteTraitsRefuse: a table whose traits the prefilter could not
// honour is refused when the server is built, not discovered in
// production.
func TestRouteTraitsRefuse(t *testing.T) {
	h := func(http.ResponseWriter, *http.Request) {}
	for _, tt := range []struct {
		name  string
		table []route
	}{
		{"one segment, two traits", []route{{pattern: "/recherche", handler: h, traits: readsQuery}, {pattern: "/recherche/x", handler: h}}},
		{"names on a plain segment", []route{{pattern: "/static/*", handler: h, traits: files, names: images.Supported}}},
		{"traits on the home page", []route{{pattern: "/", handler: h, traits: uncached}}},
		{"parameter inside a segment", []route{{pattern: "/{category}/photo-{n}.jpg", handler: h, traits: files}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("the table was accepted")
				}
			}()
			newRouteTraits(tt.table)
		})
	}
}
