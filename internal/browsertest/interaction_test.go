package browsertest

import (
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/horizons-expat/site/internal/sitetest"
)

const cogArticle = "/actualites-internationales/cleiss-convention-objectifs-gestion-2021-2024"

// focused describes the element that has the keyboard focus.
type focused struct {
	Tag, Text, ID string
	Menu, Search  bool // inside the rubriques menu, the search box itself
	Main          bool // inside <main>
	OutlineStyle  string
	OutlineWidth  float64
	Visible       bool // its box is on screen
}

const describeFocus = `(() => {
  const e = document.activeElement;
  const cs = getComputedStyle(e);
  const r = e.getBoundingClientRect();
  return {
    tag: e.tagName.toLowerCase(), text: (e.textContent || '').trim().slice(0, 60), id: e.id,
    menu: !!e.closest('nav.menu'), search: e.id === 'recherche-q', main: !!e.closest('main'),
    outlineStyle: cs.outlineStyle, outlineWidth: parseFloat(cs.outlineWidth) || 0,
    visible: r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 && r.left < innerWidth,
  };
})()`

// TestKeyboard: from the top of the page, Tab reaches the skip link
// first, then the menu, the search box and the content, each with a
// visible focus ring; the skip link moves the focus to the content.
func TestKeyboard(t *testing.T) {
	site := sitetest.Start(t, sitetest.Options{Content: sitetest.Bundled(), Now: bundledNow})
	tb := newTab(t, browser(t))
	for _, v := range []viewport{phone, desktop} {
		t.Run(v.name, func(t *testing.T) {
			tb.t = t
			tb.emulate(v, scheme("light"))
			tb.open(site.URL+cogArticle, 200)
			var order []focused
			firstMenu, firstSearch, firstMain := -1, -1, -1
			for i := 0; i < 40 && firstMain < 0; i++ {
				tb.press("\t")
				f := eval[focused](tb, describeFocus)
				order = append(order, f)
				if f.Tag != "body" && (f.OutlineStyle == "none" || f.OutlineWidth < 2) {
					t.Errorf("Tab %d: %s %q has no visible focus ring (outline %s %.0fpx)", i+1, f.Tag, f.Text, f.OutlineStyle, f.OutlineWidth)
				}
				if !f.Visible {
					t.Errorf("Tab %d: focused %s %q is not on screen", i+1, f.Tag, f.Text)
				}
				switch {
				case f.Menu && firstMenu < 0:
					firstMenu = i
				case f.Search && firstSearch < 0:
					firstSearch = i
				case f.Main && firstMain < 0:
					firstMain = i
				}
			}
			if len(order) == 0 || order[0].Text != "Aller au contenu" {
				t.Fatalf("first Tab focuses %+v, want the skip link « Aller au contenu »", order[0])
			}
			if !(firstMenu > 0 && firstSearch > firstMenu && firstMain > firstSearch) {
				t.Errorf("Tab order: menu at %d, search at %d, content at %d; want skip link < menu < search < content\n%+v", firstMenu, firstSearch, firstMain, order)
			}

			// The skip link takes the focus to the content.
			tb.open(site.URL+cogArticle, 200)
			tb.press("\t")
			tb.press("\r")
			if id := eval[string](tb, `document.activeElement.id`); id != "contenu" {
				t.Errorf("after the skip link, the focus is on #%s, want #contenu", id)
			}
		})
	}
}

// menuState is what the reader of a page can see of the rubriques menu.
const menuState = `(() => {
  const links = [...document.querySelectorAll('nav.menu a')];
  const summary = document.querySelector('nav.menu summary');
  const shown = e => { const r = e.getBoundingClientRect(); return e.checkVisibility({contentVisibilityAuto: true, visibilityProperty: true}) && r.width > 0 && r.height > 0 && r.left >= 0 && r.right <= innerWidth; };
  return {
    links: links.length,
    visibleLinks: links.filter(shown).length,
    summaryShown: !!summary && shown(summary),
    current: links.filter(a => a.getAttribute('aria-current') === 'page').map(a => a.textContent),
  };
})()`

type menu struct {
	Links, VisibleLinks int
	SummaryShown        bool
	Current             []string
}

// TestMenuAndSearch: the rubriques menu is reachable at both sizes (it
// folds behind « Rubriques » on a phone and opens without any script),
// marks the current rubrique, and the search box submits a GET to
// /recherche with the query in q, which lists results linking to
// articles, marks the reader's words, counts them and keeps the query;
// a query matching nothing says so and suggests the rubriques.
func TestMenuAndSearch(t *testing.T) {
	site := sitetest.Start(t, sitetest.Options{Content: sitetest.Bundled(), Now: bundledNow})
	ctx := browser(t)
	tb := newTab(t, ctx)

	t.Run("phone menu folds and opens", func(t *testing.T) {
		tb.t = t
		tb.emulate(phone)
		tb.open(site.URL+cogArticle, 200)
		m := eval[menu](tb, menuState)
		if !m.SummaryShown || m.VisibleLinks != 0 || m.Links < 5 {
			t.Fatalf("folded menu: %+v, want the « Rubriques » button shown and %d links hidden", m, m.Links)
		}
		if err := chromedp.Do(tb.ctx, chromedp.Click(chromedp.CSS("nav.menu summary"))); err != nil {
			t.Fatal(err)
		}
		m = eval[menu](tb, menuState)
		if m.VisibleLinks != m.Links {
			t.Errorf("opened menu shows %d of %d links", m.VisibleLinks, m.Links)
		}
		if strings.Join(m.Current, ",") != "Actualités internationales" {
			t.Errorf("aria-current on %q, want the article's rubrique", m.Current)
		}
		tb.screenshot("menu-open-390x844-light")
		tb.checkClean("menu")
	})

	t.Run("desktop menu unfolded", func(t *testing.T) {
		tb.t = t
		tb.emulate(desktop)
		tb.open(site.URL+"/vie-pratique", 200)
		m := eval[menu](tb, menuState)
		if m.SummaryShown || m.VisibleLinks != m.Links || m.Links < 5 {
			t.Errorf("desktop menu: %+v, want every link shown and no « Rubriques » button", m)
		}
		if strings.Join(m.Current, ",") != "Vie pratique" {
			t.Errorf("aria-current on %q, want « Vie pratique »", m.Current)
		}
	})

	for _, v := range []viewport{phone, desktop} {
		t.Run("search submits at "+v.name, func(t *testing.T) {
			tb.t = t
			tb.emulate(v)
			tb.open(site.URL+"/", 200)
			label := eval[string](tb, `document.querySelector('label[for="recherche-q"]').textContent`)
			if label == "" {
				t.Error("the search box has no label")
			}
			_, err := chromedp.RunResponse(tb.ctx,
				chromedp.SendKeys(chromedp.ID("recherche-q"), "retraite"),
				chromedp.Submit(chromedp.ID("recherche-q")))
			if err != nil {
				t.Fatalf("submit the search: %v", err)
			}
			loc, err := chromedp.Run(tb.ctx, chromedp.Location())
			if err != nil {
				t.Fatal(err)
			}
			u, _ := url.Parse(loc)
			if u.Path != "/recherche" || u.Query().Get("q") != "retraite" {
				t.Fatalf("search went to %s, want /recherche?q=retraite", loc)
			}
			r := eval[results](tb, resultsState)
			t.Logf("%s: %d results listed, %d words marked, first %s", r.Count, r.Results, len(r.Marked), r.FirstLink)
			checkResults(t, r, "retraite")
			if r.Results == 0 {
				return
			}
			if len(r.Marked) > 0 && !strings.Contains(strings.ToLower(strings.Join(r.Marked, " ")), "retrait") {
				t.Errorf("marked words %q, want forms of « retraite »", r.Marked)
			}
			if !strings.HasSuffix(r.Count, " résultats pour «\u00a0retraite\u00a0»") && !strings.HasSuffix(r.Count, " résultat pour «\u00a0retraite\u00a0»") {
				t.Errorf("count text %q, want « N résultats pour « retraite » »", r.Count)
			}
			tb.screenshot("search-submitted-" + v.name + "-light")
			tb.checkClean("search results")

			// The first result opens its article.
			tb.open(site.URL+r.FirstLink, 200)
			if eval[int](tb, `document.querySelectorAll('main article.article .prose').length`) != 1 {
				t.Errorf("the first result, %s, does not open an article", r.FirstLink)
			}
		})
	}

	t.Run("search page form, no result", func(t *testing.T) {
		tb.t = t
		tb.emulate(phone)
		tb.open(site.URL+"/recherche?q=retraite", 200)
		eval[chromedp.Void](tb, `document.getElementById('recherche-page-q').value = ''`)
		_, err := chromedp.RunResponse(tb.ctx,
			chromedp.SendKeys(chromedp.ID("recherche-page-q"), "zygomorphe"),
			chromedp.Submit(chromedp.ID("recherche-page-q")))
		if err != nil {
			t.Fatalf("submit the search page's form: %v", err)
		}
		r := eval[results](tb, resultsState)
		if r.Results != 0 || r.Count != "Aucun résultat pour «\u00a0zygomorphe\u00a0»" {
			t.Errorf("search for an unknown word: %d results, count %q; want none and « Aucun résultat pour « zygomorphe » »", r.Results, r.Count)
		}
		if r.SearchBoxes != 1 || r.PageQuery != "zygomorphe" {
			t.Errorf("%d search boxes, the page's holds %q; want one, with the query", r.SearchBoxes, r.PageQuery)
		}
		if r.Suggestions < 5 {
			t.Errorf("%d rubriques suggested after no result, want every rubrique", r.Suggestions)
		}
		tb.checkClean("search without results")
	})
}

// results is what the reader of a search page sees of its results.
type results struct {
	Results, ArticleLinks, Suggestions int
	FirstLink, Count                   string
	Marked                             []string
	PageQuery                          string
	SearchBoxes                        int // the header's is left out: the page has its own
}

const resultsState = `(() => {
  const items = [...document.querySelectorAll('main ol.search-results > li')];
  const links = items.map(li => li.querySelector('h2 a')).filter(a => a && /^\/[a-z0-9-]+\/[a-z0-9-]+$/.test(new URL(a.href).pathname) && new URL(a.href).origin === location.origin);
  const count = document.querySelector('main p.count[role="status"]');
  return {
    results: items.length,
    articleLinks: links.length,
    suggestions: document.querySelectorAll('main .suggestions a').length,
    firstLink: links.length ? new URL(links[0].href).pathname : '',
    count: count ? count.textContent.trim() : '',
    marked: [...document.querySelectorAll('main ol.search-results mark')].map(m => m.textContent),
    searchBoxes: document.querySelectorAll('input[type="search"]').length,
    pageQuery: document.getElementById('recherche-page-q').value,
  };
})()`

// checkResults fails the test unless the page lists results for query,
// each linking to an article, with its words marked, a count the page
// announces, and the query kept in the page's search box, its only one.
func checkResults(t *testing.T, r results, query string) {
	t.Helper()
	if r.Results == 0 {
		t.Errorf("no result listed for « %s »", query)
		return
	}
	if r.ArticleLinks != r.Results {
		t.Errorf("%d of %d results link to an article", r.ArticleLinks, r.Results)
	}
	if len(r.Marked) == 0 {
		t.Errorf("no word marked with <mark> in the results for « %s »", query)
	}
	if r.Count == "" {
		t.Error("no result count announced (role=status)")
	}
	if r.SearchBoxes != 1 || r.PageQuery != query {
		t.Errorf("%d search boxes, the page's holds %q; want one, holding %q", r.SearchBoxes, r.PageQuery, query)
	}
}

// TestReadingAndMedia: the article's measure, the print stylesheet, the
// reduced-motion preference and the dark scheme.
func TestReadingAndMedia(t *testing.T) {
	site := sitetest.Start(t, sitetest.Options{Content: sitetest.Bundled(), Now: bundledNow})
	tb := newTab(t, browser(t))
	tb.emulate(desktop)
	tb.open(site.URL+cogArticle, 200)

	// Characters per line of the article's paragraphs, from their width
	// and the average width of their own characters.
	cpl := eval[float64](tb, `(() => {
	  const p = [...document.querySelectorAll('.prose p')].sort((a, b) => b.textContent.length - a.textContent.length)[0];
	  const cs = getComputedStyle(p);
	  const ctx = document.createElement('canvas').getContext('2d');
	  ctx.font = cs.fontStyle + ' ' + cs.fontWeight + ' ' + cs.fontSize + ' ' + cs.fontFamily;
	  const avg = ctx.measureText(p.textContent).width / p.textContent.length;
	  return p.clientWidth / avg;
	})()`)
	if cpl < 65 || cpl > 75 {
		t.Errorf("article measure: %.0f characters per line, want about 65-75", cpl)
	}
	t.Logf("article measure at 1280 px: %.0f characters per line", cpl)
	if got := eval[string](tb, `document.querySelector('.reading-time').textContent`); !strings.HasPrefix(got, "Lecture\u00a0: ") || !strings.HasSuffix(got, " min") {
		t.Errorf("reading time %q, want « Lecture : N min »", got)
	}
	if got := eval[string](tb, `document.querySelector('.prose a[href^="https://www.cleiss.fr"]').textContent`); !strings.Contains(got, "convention") || !strings.Contains(got, "Cleiss") {
		t.Errorf("link to the convention's text reads %q: it must say what it opens", got)
	}

	t.Run("print", func(t *testing.T) {
		tb.t = t
		if _, err := chromedp.Call(tb.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
			t.Fatal(err)
		}
		if d := eval[string](tb, `getComputedStyle(document.querySelector('.navbar')).display`); d != "none" {
			t.Errorf("printed menu and search: display %s, want none", d)
		}
		after := eval[string](tb, `getComputedStyle(document.querySelector('.prose a[href^="https:"]'), '::after').content`)
		if !strings.Contains(after, "https://www.cleiss.fr/") {
			t.Errorf("printed link shows %s after it, want its URL", after)
		}
	})
	t.Run("reduced motion", func(t *testing.T) {
		tb.t = t
		for _, c := range []struct{ pref, want string }{{"no-preference", "smooth"}, {"reduce", "auto"}} {
			tb.emulate(desktop, &emulation.MediaFeature{Name: "prefers-reduced-motion", Value: c.pref})
			if got := eval[string](tb, `getComputedStyle(document.documentElement).scrollBehavior`); got != c.want {
				t.Errorf("prefers-reduced-motion: %s: scroll-behavior %s, want %s", c.pref, got, c.want)
			}
		}
	})
	t.Run("dark scheme", func(t *testing.T) {
		tb.t = t
		bg := map[string]string{}
		for _, s := range []string{"light", "dark"} {
			tb.emulate(desktop, scheme(s))
			bg[s] = eval[string](tb, `getComputedStyle(document.body).backgroundColor`)
		}
		if bg["light"] != "rgb(255, 255, 255)" || bg["dark"] == bg["light"] {
			t.Errorf("page background: light %s, dark %s; want white then a dark colour", bg["light"], bg["dark"])
		}
	})
}

// TestArticleWeight: the article page, with an empty cache, transfers
// less than 50 KB in all (HTML, CSS and logo, compressed as sent).
func TestArticleWeight(t *testing.T) {
	site := sitetest.Start(t, sitetest.Options{Content: sitetest.Bundled(), Now: bundledNow})
	ctx := browser(t)
	tb := newTab(t, ctx)
	tb.emulate(desktop)
	var (
		mu    sync.Mutex
		urls  = map[network.RequestID]string{}
		sizes = map[string]float64{}
	)
	err := chromedp.Listen(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch ev := ev.(type) {
		case *network.EventRequestWillBeSent:
			urls[ev.RequestID] = ev.Request.URL
		case *network.EventLoadingFinished:
			sizes[urls[ev.RequestID]] += ev.EncodedDataLength
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	tb.open(site.URL+cogArticle, 200)
	// Let the favicon, which loads after the page, arrive.
	time.Sleep(300 * time.Millisecond)
	mu.Lock()
	total := 0.0
	for u, n := range sizes {
		total += n
		t.Logf("%6.0f B  %s", n, strings.TrimPrefix(u, site.URL))
	}
	mu.Unlock()
	t.Logf("article page: %.1f KB transferred in %d requests", total/1024, len(sizes))
	if total == 0 || total >= 50*1024 {
		t.Errorf("article page transfers %.1f KB, want less than 50 KB", total/1024)
	}
}

// TestAxeCatchesViolations guards the accessibility checks against
// passing vacuously: a page with an unlabelled field must fail axe-core.
func TestAxeCatchesViolations(t *testing.T) {
	site := sitetest.Start(t, sitetest.Options{})
	tb := newTab(t, browser(t))
	tb.emulate(desktop)
	tb.open(site.URL+"/", 200)
	eval[chromedp.Void](tb, `document.querySelector('main').append(Object.assign(document.createElement('input'), {type: 'text'}))`)
	ids := map[string]bool{}
	for _, v := range tb.axe() {
		ids[v.ID] = true
	}
	if !ids["label"] {
		t.Errorf("axe-core did not report the unlabelled field; got %v", ids)
	}
}
