package browsertest

import (
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/horizons-expat/site/internal/sitetest"
)

// guide is the fixture's long article: a contents list, subsections,
// footnotes and a definition list.
const guide = "/pratique/retraite"

// landed tells where a click on an in-page link led: the URL's fragment,
// whether its target is in the window, and the element focus went to.
type landed struct {
	Hash     string
	InView   bool
	TargetID string
}

const whereLanded = `(() => {
  const el = document.getElementById(decodeURIComponent(location.hash.slice(1)));
  const r = el ? el.getBoundingClientRect() : null;
  return {Hash: location.hash, InView: !!r && r.top >= 0 && r.top < innerHeight, TargetID: el ? el.id : ''};
})()`

// TestContentsAndFootnotes follows the contents list to a section, a
// footnote call to its note and the note back to the text, at phone and
// desktop sizes, and checks that every such link has a French accessible
// name; axe-core finds nothing on the page after each move.
func TestContentsAndFootnotes(t *testing.T) {
	site := sitetest.Start(t, sitetest.Options{})
	tb := newTab(t, browser(t))
	// Instant scrolling: a smooth one would still be moving when the
	// position is read.
	noMotion := &emulation.MediaFeature{Name: "prefers-reduced-motion", Value: "reduce"}
	for _, v := range []viewport{phone, desktop} {
		t.Run(v.name, func(t *testing.T) {
			tb.t = t
			tb.emulate(v, noMotion)
			tb.open(site.URL+guide, 200)

			type contents struct {
				Label    string
				Sections []string
				Nested   []string
			}
			c := eval[contents](tb, `(() => {
			  const nav = document.querySelector('nav.contents');
			  if (!nav) return {Label: '', Sections: [], Nested: []};
			  return {
			    Label: document.getElementById(nav.getAttribute('aria-labelledby')).textContent,
			    Sections: [...nav.querySelectorAll(':scope > ol > li > a')].map(a => a.textContent + ' ' + a.getAttribute('href')),
			    Nested: [...nav.querySelectorAll('ol ol a')].map(a => a.textContent + ' ' + a.getAttribute('href')),
			  };
			})()`)
			wantSections := []string{"Avant le départ #avant-le-depart", "Pendant le séjour #pendant-le-sejour", "Au moment de partir en retraite #au-moment-de-partir-en-retraite"}
			if c.Label != "Sommaire" || strings.Join(c.Sections, "|") != strings.Join(wantSections, "|") || strings.Join(c.Nested, "|") != "Les papiers à garder #les-papiers-a-garder" {
				t.Fatalf("contents list %+v, want « Sommaire » with %q and one subsection", c, wantSections)
			}

			steps := []struct {
				name, click, wantHash string
			}{
				{"contents to a section", `nav.contents a[href="#au-moment-de-partir-en-retraite"]`, "#au-moment-de-partir-en-retraite"},
				{"footnote call to its note", `a.footnote-ref[href="#note-2"]`, "#note-2"},
				{"note back to the text", `#note-2 a.footnote-backref`, "#note-ref-2"},
			}
			for _, s := range steps {
				if err := chromedp.Do(tb.ctx, chromedp.Click(chromedp.CSS(s.click))); err != nil {
					t.Fatalf("%s: click %s: %v", s.name, s.click, err)
				}
				got := eval[landed](tb, whereLanded)
				if got.Hash != s.wantHash || !got.InView {
					t.Errorf("%s: landed at %+v, want %s in view", s.name, got, s.wantHash)
				}
				for _, viol := range tb.axe() {
					t.Errorf("%s: axe-core: %s", s.name, viol)
				}
			}

			names := eval[[]string](tb, `[...document.querySelectorAll('.prose a.heading-anchor, .prose a.footnote-ref, .prose a.footnote-backref')].map(a => a.getAttribute('aria-label'))`)
			want := map[string]bool{
				"Lien vers la section «\u00a0Avant le départ\u00a0»": true,
				"Aller à la note 1": true, "Aller à la note 2": true, "Retour au texte": true,
			}
			for _, n := range names {
				delete(want, n)
			}
			if len(want) > 0 {
				t.Errorf("accessible names %q lack %v", names, want)
			}
			tb.screenshot("guide-" + v.name)
			tb.checkClean(guide)
		})
	}
}
