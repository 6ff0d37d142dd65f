package browsertest

import (
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/horizons-expat/site/internal/sitetest"
)

// bundledNow is when the bundled content is looked at: a few days after
// its newest article, so that relative dates read naturally.
var bundledNow = time.Date(2024, 11, 27, 10, 0, 0, 0, time.UTC)

// pageKind is one kind of page of the site, at one address.
type pageKind struct {
	name   string
	site   string // "bundled", "fixture" or "problems"
	path   string
	status int64
}

// pageKinds are the pages every browser check runs on. The fixture has
// enough articles in one rubrique for a second page.
var pageKinds = []pageKind{
	{"home", "bundled", "/", http.StatusOK},
	{"article", "bundled", "/actualites-internationales/cleiss-convention-objectifs-gestion-2021-2024", http.StatusOK},
	{"article-table", "bundled", "/actualites-internationales/conseils-aux-voyageurs-les-derniers-conseils-du-quai-d-orsay", http.StatusOK},
	{"category", "bundled", "/actualites-internationales", http.StatusOK},
	{"category-page-2", "fixture", "/monde/page/2", http.StatusOK},
	{"tag", "bundled", "/tags/cog-2021-2024", http.StatusOK},
	{"tags", "bundled", "/tags", http.StatusOK},
	{"not-found", "bundled", "/cette-page-n-existe-pas", http.StatusNotFound},
	{"search-results", "bundled", "/recherche?q=retraite", http.StatusOK},
	{"search-no-results", "bundled", "/recherche?q=zygomorphe", http.StatusOK},
	{"status", "problems", "/_status", http.StatusOK},
	{"guide", "fixture", "/pratique/retraite", http.StatusOK},
	{"author", "fixture", "/auteurs/camille-martin", http.StatusOK},
	{"author-newsroom", "bundled", "/auteurs/la-redaction", http.StatusOK},
	{"archives", "bundled", "/archives", http.StatusOK},
	{"archive-month", "bundled", "/archives/2024/11", http.StatusOK},
}

// sites starts the bundled content, the fixture, and the fixture with
// problems for the editors' status page to list.
func sites(t *testing.T) map[string]string {
	t.Helper()
	return map[string]string{
		"bundled":  sitetest.Start(t, sitetest.Options{Content: sitetest.Bundled(), Now: bundledNow}).URL,
		"fixture":  sitetest.Start(t, sitetest.Options{}).URL,
		"problems": withProblems(t).URL,
	}
}

// withProblems is the fixture with an error and a warning whose file
// names and messages are long, as real ones are: the status page must stay
// readable on a phone.
func withProblems(t *testing.T) *sitetest.Site {
	t.Helper()
	site := sitetest.Start(t, sitetest.Options{})
	site.Write(t, "pratique/demarches-consulaires-renouvellement-passeport-etranger.md",
		"---\ntitle: Renouveler son passeport\ndate: le 13 novembre\n---\n\nTexte.\n")
	site.Write(t, "monde/entretien.md",
		"---\ntitle: Entretien\ndate: 2024-11-20\n---\n\n<div class=\"encadre\">Un encadré écrit en HTML</div>\n")
	// The fixture has warnings of its own (articles without sources): wait
	// for these two by name.
	site.WaitForStatus(t, "Erreurs (1)", "pratique/demarches-consulaires-renouvellement-passeport-etranger.md", "monde/entretien.md")
	return site
}

// structure reports what is wrong with the page's markup for the design
// rules that axe-core does not enforce as WCAG A/AA: one h1, no skipped
// heading level, no inline style or script (the CSP forbids them), a
// single stylesheet and no render-blocking script, alt on every image,
// and, at phone width, no horizontal scrolling.
const structure = `(() => {
  const problems = [];
  const hs = [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map(h => +h.tagName[1]);
  const h1s = hs.filter(l => l === 1).length;
  if (h1s !== 1) problems.push(h1s + ' h1 elements, want 1');
  if (hs[0] !== 1) problems.push('the first heading is h' + hs[0] + ', not the h1');
  for (let i = 1; i < hs.length; i++) {
    if (hs[i] > hs[i-1] + 1) problems.push('heading level skipped: h' + hs[i-1] + ' then h' + hs[i]);
  }
  if (document.querySelector('[style]')) problems.push('inline style attribute on ' + document.querySelector('[style]').outerHTML.slice(0, 80));
  if (document.querySelector('style')) problems.push('<style> element');
  for (const s of document.scripts) {
    if (s.type !== 'application/ld+json' && (!s.src || !(s.defer || s.async || s.type === 'module'))) problems.push('blocking or inline script: ' + s.outerHTML.slice(0, 80));
  }
  const sheets = document.querySelectorAll('link[rel~="stylesheet"]');
  if (sheets.length !== 1) problems.push(sheets.length + ' stylesheets, want 1');
  for (const l of document.querySelectorAll('link[rel~="stylesheet"], link[rel~="icon"], link[rel~="preload"], img[src], script[src]')) {
    const u = new URL(l.href || l.src, location.href);
    if (u.origin !== location.origin) problems.push('resource from another host: ' + u.href);
  }
  for (const img of document.images) if (!img.hasAttribute('alt')) problems.push('image without alt: ' + img.src);
  if (!document.querySelector('main#contenu')) problems.push('no <main id="contenu">');
  const skip = document.querySelector('body > a.skip-link');
  if (!skip || skip !== document.body.firstElementChild || skip.getAttribute('href') !== '#contenu') problems.push('the first element is not the skip link to #contenu');
  if (innerWidth < 600 && document.documentElement.scrollWidth > innerWidth) problems.push('horizontal scroll: page is ' + document.documentElement.scrollWidth + ' px wide in a ' + innerWidth + ' px window');
  // A definition squeezed beside a long term reads one word a line.
  for (const dd of document.querySelectorAll('dd')) {
    const w = dd.getBoundingClientRect().width, main = document.querySelector('main').getBoundingClientRect().width;
    if (w < main / 2) problems.push('definition ' + Math.round(w) + ' px wide in a ' + Math.round(main) + ' px column: ' + dd.textContent.trim().slice(0, 40));
  }
  return problems;
})()`

// TestPageKinds loads every page kind at phone and desktop sizes in both
// colour schemes: no console error, no CSP violation, no axe-core
// violation of WCAG 2 A/AA, sound structure, and a screenshot for people
// to look at.
func TestPageKinds(t *testing.T) {
	urls := sites(t)
	ctx := browser(t)
	tb := newTab(t, ctx)
	for _, k := range pageKinds {
		for _, v := range []viewport{phone, desktop} {
			for _, s := range []string{"light", "dark"} {
				name := k.name + "-" + v.name + "-" + s
				t.Run(name, func(t *testing.T) {
					tb.t = t
					tb.emulate(v, scheme(s))
					tb.open(urls[k.site]+k.path, k.status)
					for _, p := range eval[[]string](tb, structure) {
						t.Errorf("%s: %s", k.path, p)
					}
					for _, v := range tb.axe() {
						t.Errorf("%s: axe-core: %s", k.path, v)
					}
					tb.screenshot(name)
					tb.checkClean(k.path)
				})
			}
		}
	}
	tb.t = t
	shots, _ := filepath.Glob(filepath.Join(screenshotsDir, "*.jpg"))
	t.Logf("%d screenshots in %s", len(shots), screenshotsDir)
}
