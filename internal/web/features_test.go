package web_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
	"golang.org/x/net/html"

	"github.com/horizons-expat/site/internal/sitetest"
)

// hrefs are the links of the card titles and of the lead of a page, in order.
func hrefs(t *testing.T, body string) []string {
	t.Helper()
	var out []string
	for _, n := range findAll(parseHTML(t, body), func(n *html.Node) bool {
		return byClass("", "card-title")(n) || byClass("", "lead-title")(n)
	}) {
		for _, a := range findAll(n, byTag("a")) {
			out = append(out, attr(a, "href"))
		}
	}
	return out
}

func TestHomeWithoutRepeats(t *testing.T) {
	for _, tt := range []struct {
		name string
		opts sitetest.Options
	}{
		{"fixture", sitetest.Options{}},
		{"bundled content", sitetest.Options{Content: sitetest.Bundled(), Now: time.Date(2024, 11, 27, 10, 0, 0, 0, time.UTC)}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			site := sitetest.Start(t, tt.opts)
			body := site.Get(t, "/").Body
			links := hrefs(t, body)
			seen := map[string]bool{}
			for _, h := range links {
				if seen[h] {
					t.Errorf("%s appears twice on the home page", h)
				}
				seen[h] = true
			}
			if len(links) < 9 {
				t.Errorf("%d articles on the home page, want at least the 9 newest", len(links))
			}
			// A rubrique's section does not repeat its name on its cards.
			for _, sec := range findAll(parseHTML(t, body), byClass("section", "rubrique")) {
				if k := findAll(sec, byClass("a", "category")); len(k) > 0 {
					t.Errorf("section card labelled %q inside its own rubrique's section", text(k[0]))
				}
			}
		})
	}
}

func TestAuthorPages(t *testing.T) {
	site := sitetest.Start(t, sitetest.Options{})
	tests := []struct {
		name, path string
		status     int
		want       []string
		cards      int
	}{
		{"an author with a file", "/auteurs/camille-martin", http.StatusOK,
			[]string{"<h1>Camille Martin</h1>", "Journaliste, vie pratique", "suit les démarches", "1 article", `href="/auteurs/camille-martin/rss.xml"`,
				`{"@context":"https://schema.org","@type":"ProfilePage","mainEntity":{"@type":"Person","name":"Camille Martin","url":"https://fixture.example/auteurs/camille-martin","jobTitle":"Journaliste, vie pratique"}}`}, 1},
		{"the newsroom, without a file", "/auteurs/la-redaction", http.StatusOK, []string{"<h1>La rédaction</h1>", "15 articles", "page 1 sur 2",
			`"mainEntity":{"@type":"Organization","name":"La rédaction","url":"https://fixture.example/auteurs/la-redaction"}`}, 12},
		{"the newsroom, page 2", "/auteurs/la-redaction/page/2", http.StatusOK, []string{"page 2 sur 2"}, 3},
		{"past the last page", "/auteurs/camille-martin/page/2", http.StatusNotFound, nil, 0},
		{"nobody", "/auteurs/personne", http.StatusNotFound, []string{"Page introuvable"}, 0},
		// The draft's author would be revealed by a page.
		{"only drafts", "/auteurs/auteur-secret", http.StatusNotFound, nil, 0},
	}
	site.Write(t, "pratique/brouillon-signe.md", article("Signé", "2024-11-02", "draft: true", "author: Auteur secret"))
	site.WaitForStatus(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := site.Get(t, tt.path)
			if r.StatusCode != tt.status {
				t.Fatalf("GET %s = %d, want %d", tt.path, r.StatusCode, tt.status)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.Body, w) {
					t.Errorf("%s lacks %q", tt.path, w)
				}
			}
			if tt.status != http.StatusOK {
				return
			}
			if n := len(cards(t, r.Body)); n != tt.cards {
				t.Errorf("%d cards, want %d", n, tt.cards)
			}
			if keys := r.Header.Get("Surrogate-Key"); !strings.Contains(keys, "u-"+strings.Split(tt.path, "/")[2]) {
				t.Errorf("Surrogate-Key %q lacks the author's key", keys)
			}
		})
	}
	t.Run("article links to its authors", func(t *testing.T) {
		body := site.Get(t, "/pratique/retraite").Body
		for _, w := range []string{`<a href="/auteurs/camille-martin" rel="author">Camille Martin</a>`, `<a href="/auteurs/la-redaction" rel="author">La rédaction</a>`} {
			if !strings.Contains(body, w) {
				t.Errorf("article lacks %s", w)
			}
		}
	})
	t.Run("an author file changes the page", func(t *testing.T) {
		site.Write(t, "auteurs/camille-martin.md", "---\nname: Camille Martin\nrole: Correspondante à Madrid\n---\n")
		site.WaitFor(t, "/auteurs/camille-martin", http.StatusOK, "Correspondante à Madrid")
		site.Remove(t, "auteurs/camille-martin.md")
		// Without its file the author keeps a page, with the name their
		// articles give.
		var r sitetest.Response
		sitetest.Eventually(t, "the deleted file's role leaves the page", func() bool {
			r = site.Get(t, "/auteurs/camille-martin")
			return !strings.Contains(r.Body, "Correspondante")
		})
		if r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "<h1>Camille Martin</h1>") {
			t.Errorf("GET /auteurs/camille-martin = %d without its file, want 200 with the name", r.StatusCode)
		}
	})
}

func TestArchives(t *testing.T) {
	var c clock
	c.set(sitetest.FixtureNow)
	site := startAt(t, &c)

	r := site.Get(t, "/archives")
	if r.StatusCode != http.StatusOK {
		t.Fatalf("GET /archives = %d", r.StatusCode)
	}
	months := texts(findAll(parseHTML(t, r.Body), byClass("ul", "archive-months")))
	if len(months) != 1 || !strings.Contains(months[0], "novembre 2024") || !strings.Contains(months[0], "(15 articles)") {
		t.Errorf("months %q, want novembre 2024 with its 15 published articles", months)
	}
	if !strings.Contains(site.Get(t, "/").Body, `<a href="/archives">Archives</a>`) {
		t.Error("the footer does not link to the archives")
	}

	for _, tt := range []struct {
		path   string
		status int
		cards  int
	}{
		{"/archives/2024/11", http.StatusOK, 12},
		{"/archives/2024/11/page/2", http.StatusOK, 3},
		{"/archives/2024/11/page/3", http.StatusNotFound, 0},
		{"/archives/2024/12", http.StatusNotFound, 0}, // only the scheduled article
		{"/archives/2024/10", http.StatusNotFound, 0}, // only the draft's date is near
		{"/archives/2024/1", http.StatusNotFound, 0},
		{"/archives/2024/13", http.StatusNotFound, 0},
		{"/archives/24/11", http.StatusNotFound, 0},
	} {
		t.Run(tt.path, func(t *testing.T) {
			r := site.Get(t, tt.path)
			if r.StatusCode != tt.status {
				t.Fatalf("GET %s = %d, want %d", tt.path, r.StatusCode, tt.status)
			}
			if tt.status == http.StatusOK {
				if n := len(cards(t, r.Body)); n != tt.cards {
					t.Errorf("%d cards, want %d", n, tt.cards)
				}
				if !strings.Contains(r.Body, "Archives\u00a0: novembre 2024") {
					t.Error("heading « Archives : novembre 2024 » missing")
				}
			}
		})
	}
	t.Run("a scheduled article appears from its date", func(t *testing.T) {
		c.set(time.Date(2024, 12, 1, 8, 0, 0, 0, paris))
		r := site.Get(t, "/archives/2024/12")
		if r.StatusCode != http.StatusOK || !slices.Equal(hrefs(t, r.Body), []string{"/pratique/programme"}) {
			t.Errorf("GET /archives/2024/12 = %d with %q, want the article just published", r.StatusCode, hrefs(t, r.Body))
		}
		if !strings.Contains(site.Get(t, "/archives").Body, "décembre 2024") {
			t.Error("the archives do not list décembre 2024")
		}
	})
}

func TestAtomAndJSONFeeds(t *testing.T) {
	site := sitetest.Start(t, sitetest.Options{})
	tests := []struct {
		path, contentType, feedType string
		items                       int
		title                       string
	}{
		{"/atom.xml", "application/atom+xml; charset=utf-8", "atom", 15, "Fixture"},
		{"/feed.json", "application/feed+json; charset=utf-8", "json", 15, "Fixture"},
		{"/pratique/atom.xml", "application/atom+xml; charset=utf-8", "atom", 1, "Fixture – Vie pratique"},
		{"/tags/retraite/atom.xml", "application/atom+xml; charset=utf-8", "atom", 1, "Fixture – retraite"},
		{"/auteurs/camille-martin/atom.xml", "application/atom+xml; charset=utf-8", "atom", 1, "Fixture – Camille Martin"},
		{"/auteurs/camille-martin/rss.xml", "application/rss+xml; charset=utf-8", "rss", 1, "Fixture – Camille Martin"},
		{"/auteurs/la-redaction/atom.xml", "application/atom+xml; charset=utf-8", "atom", 15, "Fixture – La rédaction"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			r := site.Get(t, tt.path)
			if r.StatusCode != http.StatusOK || r.Header.Get("Content-Type") != tt.contentType {
				t.Fatalf("GET %s = %d %q, want 200 %q", tt.path, r.StatusCode, r.Header.Get("Content-Type"), tt.contentType)
			}
			feed, err := gofeed.NewParser().ParseString(r.Body)
			if err != nil {
				t.Fatalf("gofeed: %v", err)
			}
			if feed.FeedType != tt.feedType || feed.Title != tt.title || len(feed.Items) != tt.items {
				t.Fatalf("%s feed %q with %d items, want %s %q with %d", feed.FeedType, feed.Title, len(feed.Items), tt.feedType, tt.title, tt.items)
			}
			if feed.FeedLink != fixtureBase+tt.path {
				t.Errorf("self link %q", feed.FeedLink)
			}
			for _, it := range feed.Items {
				if it.Link == "" || it.Content == "" || it.PublishedParsed == nil || it.UpdatedParsed == nil && tt.feedType != "rss" {
					t.Errorf("item %q: link %q, %d bytes of content, published %v", it.Title, it.Link, len(it.Content), it.PublishedParsed)
				}
				if strings.Contains(it.Link, "brouillon") || strings.Contains(it.Link, "programme") {
					t.Errorf("unpublished article %s in the feed", it.Link)
				}
			}
			if keys := r.Header.Get("Surrogate-Key"); !strings.Contains(keys, "feeds") {
				t.Errorf("Surrogate-Key %q lacks feeds", keys)
			}
			etag := r.Header.Get("Etag")
			if etag == "" || r.Header.Get("Last-Modified") == "" {
				t.Fatalf("no validators: ETag %q, Last-Modified %q", etag, r.Header.Get("Last-Modified"))
			}
			if again := site.Do(t, http.MethodGet, tt.path, http.Header{"If-None-Match": {etag}}); again.StatusCode != http.StatusNotModified {
				t.Errorf("conditional GET = %d, want 304", again.StatusCode)
			}
		})
	}
	t.Run("full content with links that work away from the site", func(t *testing.T) {
		feed, err := gofeed.NewParser().ParseString(site.Get(t, "/pratique/atom.xml").Body)
		if err != nil {
			t.Fatal(err)
		}
		it := feed.Items[0]
		for _, w := range []string{
			`href="https://fixture.example/monde/nouvelle-01"`,
			`src="https://fixture.example/media/retraite.png"`,
			`href="https://fixture.example/pratique/retraite#note-1"`,
			"<dt>Bulletins de salaire</dt>",
		} {
			if !strings.Contains(it.Content, w) {
				t.Errorf("content lacks %s", w)
			}
		}
		if strings.Contains(it.Content, "heading-anchor") || !strings.Contains(it.Content, "<h2 id=\"avant-le-depart\">Avant le départ </h2>") {
			t.Errorf("the headings' share links are in the feed, or the headings are gone:\n%s", it.Content)
		}
		var names []string
		for _, a := range it.Authors {
			names = append(names, a.Name)
		}
		if !slices.Equal(names, []string{"Camille Martin", "La rédaction"}) {
			t.Errorf("authors %q", names)
		}
		if !slices.Contains(it.Categories, "retraite") {
			t.Errorf("categories %q lack the tag", it.Categories)
		}
	})
	t.Run("JSON Feed 1.1 fields", func(t *testing.T) {
		var doc struct {
			Version string `json:"version"`
			Items   []struct {
				ID, URL, ContentHTML string `json:"-"`
				Authors              []struct {
					Name, URL string
				} `json:"authors"`
			} `json:"items"`
		}
		if err := json.Unmarshal([]byte(site.Get(t, "/feed.json").Body), &doc); err != nil {
			t.Fatal(err)
		}
		if doc.Version != "https://jsonfeed.org/version/1.1" {
			t.Errorf("version %q", doc.Version)
		}
		if a := doc.Items[0].Authors; len(a) != 2 || a[0].URL != fixtureBase+"/auteurs/camille-martin" {
			t.Errorf("first item's authors %+v, want two with their pages", a)
		}
	})
	t.Run("unknown scopes", func(t *testing.T) {
		for _, p := range []string{"/nulle-part/atom.xml", "/tags/inconnu/atom.xml", "/auteurs/personne/atom.xml", "/auteurs/personne/rss.xml"} {
			if r := site.Get(t, p); r.StatusCode != http.StatusNotFound {
				t.Errorf("GET %s = %d, want 404", p, r.StatusCode)
			}
		}
	})
	t.Run("announced in the head", func(t *testing.T) {
		body := site.Get(t, "/tags/retraite").Body
		for _, w := range []string{
			`<link rel="alternate" type="application/atom+xml" title="Fixture – tous les articles (Atom)" href="https://fixture.example/atom.xml">`,
			`<link rel="alternate" type="application/feed+json" title="Fixture – tous les articles (JSON Feed)" href="https://fixture.example/feed.json">`,
			`href="https://fixture.example/tags/retraite/atom.xml"`,
		} {
			if !strings.Contains(body, w) {
				t.Errorf("head lacks %s", w)
			}
		}
		if body := site.Get(t, "/auteurs/camille-martin").Body; !strings.Contains(body, `type="application/atom+xml" title="Fixture – Camille Martin (Atom)" href="https://fixture.example/auteurs/camille-martin/atom.xml"`) {
			t.Error("author page does not announce its feed")
		}
	})
}

// TestBundledTagsAreWords: the bundled tags read as French words, at the
// URLs they always had.
func TestBundledTagsAreWords(t *testing.T) {
	site := sitetest.Start(t, sitetest.Options{Content: sitetest.Bundled(), Now: time.Date(2024, 11, 27, 10, 0, 0, 0, time.UTC)})
	r := site.Get(t, "/tags")
	links := map[string]string{} // label → URL
	for _, a := range findAll(parseHTML(t, r.Body), byTag("a")) {
		if u := attr(a, "href"); strings.HasPrefix(u, "/tags/") {
			label, _, _ := strings.Cut(text(a), " (")
			links[label] = u
		}
	}
	for label, u := range map[string]string{"Sécurité": "/tags/securite", "Santé": "/tags/sante", "États-Unis": "/tags/etats-unis",
		"Sécurité sociale": "/tags/securite-sociale", "Union européenne": "/tags/union-europeenne", "COG 2021-2024": "/tags/cog-2021-2024"} {
		if links[label] != u {
			t.Errorf("tag « %s » links to %q, want %s", label, links[label], u)
		}
		if resp := site.Get(t, u); resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s = %d", u, resp.StatusCode)
		}
	}
	for label, u := range links {
		if "/tags/"+label == u {
			t.Errorf("tag %q is shown as its slug", label)
		}
	}
}
