package web_test

import (
	"golang.org/x/net/html"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/horizons-expat/site/internal/app"
	"github.com/horizons-expat/site/internal/frdate"
	"github.com/horizons-expat/site/internal/sitetest"
)

var paris = mustLoad("Europe/Paris")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

func TestPagesStatusAndLanguage(t *testing.T) {
	site := sitetest.Start(t, sitetest.Options{})
	tests := []struct {
		name, path string
		status     int
		contains   string
	}{
		{"home", "/", http.StatusOK, "Nouvelle numéro 14"},
		{"category page 1", "/monde", http.StatusOK, "Nouvelle numéro 14"},
		{"category page 2", "/monde/page/2", http.StatusOK, "Nouvelle numéro 02"},
		{"past the last page", "/monde/page/3", http.StatusNotFound, "Page introuvable"},
		{"page 0", "/monde/page/0", http.StatusNotFound, "Page introuvable"},
		{"page with a leading zero", "/monde/page/02", http.StatusNotFound, "Page introuvable"},
		{"page not a number", "/monde/page/deux", http.StatusNotFound, "Page introuvable"},
		{"article", "/pratique/retraite", http.StatusOK, "Préparer sa retraite à l’étranger"},
		{"tag", "/tags/retraite", http.StatusOK, "Préparer sa retraite"},
		{"tag with an accent in its label", "/tags/securite-sociale", http.StatusOK, "Sécurité sociale"},
		{"tag index", "/tags", http.StatusOK, "Sécurité sociale"},
		{"unknown tag", "/tags/inconnu", http.StatusNotFound, "Page introuvable"},
		{"tag of a scheduled article only", "/tags/numero-99", http.StatusNotFound, "Page introuvable"},
		{"draft hidden", "/pratique/brouillon", http.StatusNotFound, "Page introuvable"},
		{"scheduled hidden", "/pratique/programme", http.StatusNotFound, "Page introuvable"},
		{"unknown category", "/nulle-part", http.StatusNotFound, "Page introuvable"},
		{"article in the wrong category", "/monde/retraite", http.StatusNotFound, "Page introuvable"},
		{"unknown article", "/monde/nouvelle-99", http.StatusNotFound, "Page introuvable"},
		{"too deep", "/monde/nouvelle-01/plus", http.StatusNotFound, "Page introuvable"},
		{"alias", "/ancienne/retraite", http.StatusMovedPermanently, ""},
		{"health", "/healthz", http.StatusOK, "ok"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := site.Get(t, tt.path)
			if resp.StatusCode != tt.status {
				t.Fatalf("GET %s = %d, want %d", tt.path, resp.StatusCode, tt.status)
			}
			if !strings.Contains(resp.Body, tt.contains) {
				t.Errorf("GET %s: body lacks %q", tt.path, tt.contains)
			}
			if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") && resp.StatusCode != http.StatusMovedPermanently {
				if !strings.Contains(resp.Body, `<html lang="fr">`) {
					t.Errorf("GET %s: page is not lang=fr", tt.path)
				}
			}
		})
	}
}

// TestPageStructure checks every kind of page for what the issue asks of
// all of them: French, one h1, the semantic frame, a title of its own.
func TestPageStructure(t *testing.T) {
	site := sitetest.Start(t, sitetest.Options{})
	paths := []string{"/", "/monde", "/monde/page/2", "/pratique", "/pratique/retraite", "/monde/nouvelle-01",
		"/tags", "/tags/retraite", "/tags/securite-sociale", "/nulle-part"}
	titles := map[string]string{}
	for _, p := range paths {
		t.Run(p, func(t *testing.T) {
			resp := site.Get(t, p)
			doc := parseHTML(t, resp.Body)
			htmlEl := findAll(doc, byTag("html"))
			if len(htmlEl) != 1 || attr(htmlEl[0], "lang") != "fr" {
				t.Errorf("html element lacks lang=fr")
			}
			if h1 := findAll(doc, byTag("h1")); len(h1) != 1 {
				t.Errorf("%d h1 elements, want exactly 1: %q", len(h1), texts(h1))
			} else if text(h1[0]) == "" {
				t.Error("empty h1")
			}
			for _, tag := range []string{"main", "title"} {
				if n := len(findAll(doc, byTag(tag))); n != 1 {
					t.Errorf("%d <%s> elements, want 1", n, tag)
				}
			}
			for _, class := range []string{"site-header", "site-footer"} {
				if n := len(findAll(doc, byClass("", class))); n != 1 {
					t.Errorf("%d .%s, want 1", n, class)
				}
			}
			if len(findAll(doc, byClass("header", "site-header"))) != 1 || len(findAll(doc, byClass("footer", "site-footer"))) != 1 {
				t.Error("site header and footer are not <header> and <footer>")
			}
			if len(findAll(doc, func(n *html.Node) bool { return n.Data == "nav" && attr(n, "aria-label") == "Rubriques" })) != 1 {
				t.Error("no <nav> menu of the rubriques")
			}
			title := text(findAll(doc, byTag("title"))[0])
			if title == "" {
				t.Fatal("empty <title>")
			}
			if other, dup := titles[title]; dup {
				t.Errorf("<title> %q is also the title of %s", title, other)
			}
			titles[title] = p
			for _, tm := range findAll(doc, byTag("time")) {
				if _, err := time.Parse(time.RFC3339, attr(tm, "datetime")); err != nil {
					t.Errorf("<time> %q has no RFC 3339 datetime: %v", text(tm), err)
				}
			}
		})
	}
}

// card is what a listing shows of an article.
type card struct {
	title, href string
	date        time.Time
	relative    string
}

// cards returns the article cards of a listing page, in page order.
func cards(t *testing.T, body string) []card {
	t.Helper()
	var out []card
	for _, n := range findAll(parseHTML(t, body), byClass("article", "card")) {
		links := findAll(n, byClass("", "card-title"))
		times := findAll(n, byTag("time"))
		if len(links) != 1 || len(times) != 1 {
			t.Fatalf("card without one title and one <time>: %q", text(n))
		}
		a := findAll(links[0], byTag("a"))
		d, err := time.Parse(time.RFC3339, attr(times[0], "datetime"))
		if err != nil {
			t.Fatalf("card %q: %v", text(n), err)
		}
		out = append(out, card{title: text(links[0]), href: attr(a[0], "href"), date: d, relative: text(times[0])})
	}
	return out
}

func titlesOf(cs []card) []string {
	var out []string
	for _, c := range cs {
		out = append(out, strings.TrimPrefix(c.title, "Nouvelle numéro "))
	}
	return out
}

func TestListingOrderAndPagination(t *testing.T) {
	site := sitetest.Start(t, sitetest.Options{})
	tests := []struct {
		path       string
		titles     string
		prev, next string
		numbers    []string // text of the numbered links, the current page marked with *
	}{
		{"/monde", "14 13 12 11 10 09 08 07 06 05 04 03", "", "/monde/page/2", []string{"1*", "2"}},
		{"/monde/page/2", "02 01", "/monde", "", []string{"1", "2*"}},
		{"/pratique", "Préparer sa retraite à l’étranger", "", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			resp := site.Get(t, tt.path)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d", resp.StatusCode)
			}
			cs := cards(t, resp.Body)
			if got := strings.Join(titlesOf(cs), " "); got != tt.titles {
				t.Errorf("titles = %q, want %q", got, tt.titles)
			}
			for i := 1; i < len(cs); i++ {
				if cs[i].date.After(cs[i-1].date) {
					t.Errorf("%q is newer than %q before it", cs[i].title, cs[i-1].title)
				}
			}
			doc := parseHTML(t, resp.Body)
			rel := func(r string) string {
				ns := findAll(doc, func(n *html.Node) bool { return n.Data == "a" && attr(n, "rel") == r })
				if len(ns) > 1 {
					t.Errorf("%d links rel=%s", len(ns), r)
				}
				if len(ns) == 0 {
					return ""
				}
				return attr(ns[0], "href")
			}
			if got := rel("prev"); got != tt.prev {
				t.Errorf("rel=prev → %q, want %q", got, tt.prev)
			}
			if got := rel("next"); got != tt.next {
				t.Errorf("rel=next → %q, want %q", got, tt.next)
			}
			var numbers []string
			for _, nav := range findAll(doc, byClass("nav", "pagination")) {
				for _, a := range findAll(nav, byTag("a")) {
					if hasAttr(a, "rel") {
						continue
					}
					s := text(a)
					if attr(a, "aria-current") == "page" {
						s += "*"
					}
					numbers = append(numbers, s)
				}
			}
			if !slices.Equal(numbers, tt.numbers) {
				t.Errorf("numbered links = %q, want %q", numbers, tt.numbers)
			}
		})
	}
}

// clock is a clock that a test moves.
type clock struct{ ns atomic.Int64 }

func (c *clock) set(t time.Time) { c.ns.Store(t.UnixNano()) }
func (c *clock) now() time.Time  { return time.Unix(0, c.ns.Load()) }
func startAt(t *testing.T, c *clock) *sitetest.Site {
	return sitetest.Start(t, sitetest.Options{Configure: func(cfg *app.Config) { cfg.NowFunc = c.now }})
}

// TestScheduledArticleAppearsByItself moves the clock of one running site
// across the scheduled instant of the fixture's article (2024-12-01 08:00
// in Paris): it appears at that very second, without a restart.
func TestScheduledArticleAppearsByItself(t *testing.T) {
	scheduled := time.Date(2024, 12, 1, 8, 0, 0, 0, paris)
	var c clock
	c.set(scheduled.Add(-time.Second))
	site := startAt(t, &c)

	listed := func(path string) bool {
		body := site.Get(t, path).Body
		for _, cd := range cards(t, body) {
			if cd.href == "/pratique/programme" {
				return true
			}
		}
		// The newest article leads the home page, outside the cards.
		for _, n := range findAll(parseHTML(t, body), byClass("", "lead-title")) {
			if a := findAll(n, byTag("a")); len(a) == 1 && attr(a[0], "href") == "/pratique/programme" {
				return true
			}
		}
		return false
	}
	for _, step := range []struct {
		name    string
		now     time.Time
		visible bool
	}{
		{"one second before", scheduled.Add(-time.Second), false},
		{"at the minute", scheduled, true},
		{"later", scheduled.Add(time.Hour), true},
	} {
		t.Run(step.name, func(t *testing.T) {
			c.set(step.now)
			resp := site.Get(t, "/pratique/programme")
			if got := resp.StatusCode == http.StatusOK; got != step.visible {
				t.Errorf("article page status %d, visible = %v, want %v", resp.StatusCode, got, step.visible)
			}
			for _, p := range []string{"/", "/pratique", "/tags/retraite"} {
				if got := listed(p); got != step.visible {
					t.Errorf("listed on %s = %v, want %v", p, got, step.visible)
				}
			}
			if step.visible {
				if cs := cards(t, site.Get(t, "/pratique").Body); cs[0].href != "/pratique/programme" {
					t.Errorf("newest article of /pratique is %s, want the one just published", cs[0].href)
				}
			} else if maxAge := cacheMaxAge(t, site.Get(t, "/pratique")); maxAge > 1 {
				t.Errorf("/pratique may be cached %ds, past the scheduled instant 1 s away", maxAge)
			}
		})
	}

	// A site started after the instant shows it from the start.
	after := sitetest.Start(t, sitetest.Options{Now: scheduled})
	if r := after.Get(t, "/pratique/programme"); r.StatusCode != http.StatusOK {
		t.Errorf("site started at the scheduled instant: %d", r.StatusCode)
	}
}

// cacheMaxAge reads max-age from a response's Cache-Control, -1 if none.
func cacheMaxAge(t *testing.T, r sitetest.Response) int {
	for _, part := range strings.Split(r.Header.Get("Cache-Control"), ",") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(part), "max-age="); ok {
			n := 0
			for _, ch := range v {
				n = n*10 + int(ch-'0')
			}
			return n
		}
	}
	return -1
}

func TestDraftsNeverServed(t *testing.T) {
	site := sitetest.Start(t, sitetest.Options{Now: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)})
	if r := site.Get(t, "/pratique/brouillon"); r.StatusCode != http.StatusNotFound {
		t.Errorf("draft served: %d", r.StatusCode)
	}
	for _, p := range []string{"/", "/pratique", "/tags"} {
		if body := site.Get(t, p).Body; strings.Contains(body, "brouillon") || strings.Contains(body, "Un brouillon secret") {
			t.Errorf("%s shows the draft", p)
		}
	}
}

// TestRelativeDates checks that every date of a listing is a <time>
// whose text is the exact relative date at the site's clock, at instants
// that straddle the table's boundaries.
func TestRelativeDates(t *testing.T) {
	// nouvelle-14 is dated 2024-11-14 09:00 in Paris.
	pub := time.Date(2024, 11, 14, 9, 0, 0, 0, paris)
	var c clock
	c.set(pub)
	site := startAt(t, &c)
	tests := []struct {
		elapsed time.Duration
		want    string
	}{
		{0, "à l'instant"},
		{59 * time.Second, "à l'instant"},
		{time.Minute, "il y a 1 minute"},
		{time.Hour - time.Second, "il y a 59 minutes"},
		{time.Hour, "il y a 1 heure"},
		{24*time.Hour - time.Second, "il y a 23 heures"},
		{24 * time.Hour, "il y a 1 jour"},
		{7*24*time.Hour - time.Second, "il y a 6 jours"},
		{7 * 24 * time.Hour, "il y a 1 semaine"},
		{30*24*time.Hour - time.Second, "il y a 4 semaines"},
		{30 * 24 * time.Hour, "il y a 1 mois"},
		{365*24*time.Hour - time.Second, "il y a 12 mois"},
		{365 * 24 * time.Hour, "il y a 1 an"},
		{2 * 365 * 24 * time.Hour, "il y a 2 ans"},
	}
	for _, tt := range tests {
		t.Run(tt.want+" after "+tt.elapsed.String(), func(t *testing.T) {
			now := pub.Add(tt.elapsed)
			c.set(now)
			cs := cards(t, site.Get(t, "/monde").Body)
			if cs[0].href != "/monde/nouvelle-14" || !cs[0].date.Equal(pub) {
				t.Fatalf("first card %s at %v, want nouvelle-14 at %v", cs[0].href, cs[0].date, pub)
			}
			if cs[0].relative != tt.want {
				t.Errorf("relative date = %q, want %q", cs[0].relative, tt.want)
			}
			for _, cd := range cs {
				if want := frdate.Relative(cd.date, now); cd.relative != want {
					t.Errorf("%s: %q, want %q", cd.href, cd.relative, want)
				}
			}
		})
	}
}

func TestNotFoundPage(t *testing.T) {
	site := sitetest.Start(t, sitetest.Options{})
	for _, method := range []string{http.MethodGet, http.MethodHead} {
		r := site.Do(t, method, "/nulle-part", nil)
		if r.StatusCode != http.StatusNotFound {
			t.Fatalf("%s status = %d, want 404", method, r.StatusCode)
		}
		if ct := r.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
			t.Errorf("%s Content-Type = %q", method, ct)
		}
		if method == http.MethodHead {
			if r.Body != "" {
				t.Errorf("HEAD has a body")
			}
			continue
		}
		doc := parseHTML(t, r.Body)
		if h1 := texts(findAll(doc, byTag("h1"))); !slices.Equal(h1, []string{"Page introuvable"}) {
			t.Errorf("h1 = %q", h1)
		}
		for _, want := range []string{`<html lang="fr">`, "La page demandée n’existe pas", `<meta name="robots" content="noindex`, `href="/monde"`} {
			if !strings.Contains(r.Body, want) {
				t.Errorf("404 page lacks %q", want)
			}
		}
		if cc := r.Header.Get("Cache-Control"); strings.Contains(cc, "max-age") && !strings.Contains(cc, "max-age=0") {
			t.Errorf("404 may be cached: %q", cc)
		}
	}
}

func TestHead(t *testing.T) {
	site := sitetest.Start(t, sitetest.Options{})
	for _, p := range []string{"/", "/monde", "/pratique/retraite", "/tags/retraite"} {
		get := site.Get(t, p)
		head := site.Do(t, http.MethodHead, p, nil)
		if head.StatusCode != http.StatusOK || head.Body != "" {
			t.Errorf("HEAD %s = %d with %d bytes, want 200 without a body", p, head.StatusCode, len(head.Body))
		}
		for _, h := range []string{"Content-Type", "Cache-Control"} {
			if head.Header.Get(h) != get.Header.Get(h) {
				t.Errorf("HEAD %s %s = %q, GET gives %q", p, h, head.Header.Get(h), get.Header.Get(h))
			}
		}
	}
}

func TestCanonicalRedirects(t *testing.T) {
	site := sitetest.Start(t, sitetest.Options{})
	tests := []struct{ from, to string }{
		{"/monde/", "/monde"},
		{"/pratique/retraite/", "/pratique/retraite"},
		{"/monde/page/2/", "/monde/page/2"},
		{"/tags/", "/tags"},
		{"/MONDE", "/monde"},
		{"/Pratique/Retraite", "/pratique/retraite"},
		{"/monde/?page=2", "/monde?page=2"},
		{"/index.html", "/"},
		{"/ancienne/retraite", "/pratique/retraite"},
		// A percent-encoded letter is another spelling of the same path.
		{"/%6Donde", "/monde"},
		{"/pratique/%72etraite", "/pratique/retraite"},
		{"/pr%61tique/retraite?x=1", "/pratique/retraite?x=1"},
		{"/%4Donde/", "/monde"},
		// Page 1 of a listing is the listing.
		{"/monde/page/1", "/monde"},
		{"/tags/monde/page/1", "/tags/monde"},
		{"/monde/page/1?x=1", "/monde?x=1"},
	}
	for _, tt := range tests {
		for _, method := range []string{http.MethodGet, http.MethodHead} {
			r := site.Do(t, method, tt.from, nil)
			if r.StatusCode != http.StatusMovedPermanently || r.Header.Get("Location") != tt.to {
				t.Errorf("%s %s = %d → %q, want 301 → %q", method, tt.from, r.StatusCode, r.Header.Get("Location"), tt.to)
			}
		}
	}
}
