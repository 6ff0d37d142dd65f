package web

import (
	"strings"
	"testing"

	"github.com/horizons-expat/site/internal/content"
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
