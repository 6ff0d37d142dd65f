package browsertest

import (
	"net/url"
	"testing"

	"github.com/horizons-expat/site/internal/content"
	"github.com/horizons-expat/site/internal/ingest"
	"github.com/horizons-expat/site/internal/sitetest"
)

// lineEnds returns, for every heading and card title of the page, the text
// of each line the browser laid it out on whose first character is one of
// : ; ! ? » … or whose last is «: a French title never breaks there (the
// non-breaking space before a mark must hold, whatever the CSS wrapping).
// Lines are told apart by the vertical position of each character's box.
const lineEnds = `(() => {
  const bad = [];
  for (const el of document.querySelectorAll('h1, h2, h3, h4, .card-title')) {
    const lines = [];
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      for (let i = 0; i < n.data.length; i++) {
        const r = document.createRange();
        r.setStart(n, i); r.setEnd(n, i + 1);
        const box = [...r.getClientRects()].find(b => b.width > 0);
        if (!box) continue;
        const last = lines[lines.length - 1];
        if (!last || box.top >= last.bottom - 2) lines.push({text: '', bottom: box.bottom});
        const line = lines[lines.length - 1];
        line.text += n.data[i];
        line.bottom = Math.max(line.bottom, box.bottom);
      }
    }
    for (const l of lines) {
      const t = l.text.replace(/^[\s\u00a0\u202f]+|[\s\u00a0\u202f]+$/g, '');
      if (t && (':;!?»…'.includes(t[0]) || t[t.length - 1] === '«')) {
        bad.push(el.tagName.toLowerCase() + ' « ' + el.textContent.trim() + ' »: line « ' + t + ' »');
      }
    }
  }
  return bad;
})()`

// TestNoLineStartsWithAMark lays out every article, rubrique and search
// page of the bundled content at 320, 390 and 1280 px and checks that no
// line of a heading or card title starts with a closing mark or ends with
// an opening guillemet.
func TestNoLineStartsWithAMark(t *testing.T) {
	set, err := ingest.CheckDir(sitetest.Bundled(), nil)
	if err != nil {
		t.Fatal(err)
	}
	paths := []string{"/", "/tags", "/recherche?q=" + url.QueryEscape("expatriation"), "/recherche?q=cleiss"}
	for _, c := range set.Categories {
		paths = append(paths, content.CategoryPath(c.Slug))
	}
	for _, a := range set.Articles {
		paths = append(paths, a.URLPath())
	}
	site := sitetest.Start(t, sitetest.Options{Content: sitetest.Bundled(), Now: bundledNow})
	tb := newTab(t, browser(t))
	widths := []viewport{{"320x640", 320, 640}, phone, desktop}
	checked := 0
	for _, p := range paths {
		tb.emulate(widths[0])
		tb.open(site.URL+p, 200)
		for _, v := range widths {
			// Resizing lays the page out again (measuring the text forces
			// it); no reload is needed.
			tb.emulate(v)
			if w := eval[int](tb, `document.documentElement.scrollWidth`); v.width < 600 && w > int(v.width) {
				t.Errorf("%s at %s: the page is %d px wide: the lines measured are not those of a %d px screen", p, v.name, w, v.width)
			}
			for _, b := range eval[[]string](tb, lineEnds) {
				t.Errorf("%s at %s: %s", p, v.name, b)
			}
			checked++
		}
	}
	t.Logf("%d pages checked at %d widths", len(paths), len(widths))
	if checked != len(paths)*len(widths) {
		t.Fatalf("checked %d layouts, want %d", checked, len(paths)*len(widths))
	}
}
