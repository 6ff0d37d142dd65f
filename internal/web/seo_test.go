package web_test

import (
	"encoding/xml"
	"image"
	_ "image/png"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/horizons-expat/site/internal/app"
	"github.com/horizons-expat/site/internal/sitetest"
)

const fixtureBase = "https://fixture.example"

type sitemapDoc struct {
	XMLName xml.Name
	URLs    []struct {
		Loc     string `xml:"loc"`
		LastMod string `xml:"lastmod"`
	} `xml:"url"`
	Sitemaps []struct {
		Loc     string `xml:"loc"`
		LastMod string `xml:"lastmod"`
	} `xml:"sitemap"`
}

func getSitemap(t *testing.T, site *sitetest.Site, path string) (sitemapDoc, string) {
	t.Helper()
	resp := site.Get(t, path)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s = %d", path, resp.StatusCode)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/xml; charset=utf-8" {
		t.Errorf("GET %s: Content-Type %q", path, ct)
	}
	if err := validateXML(t, path, resp.Body, "sitemap.xsd"); err != nil {
		t.Fatal(err)
	}
	var doc sitemapDoc
	if err := xml.Unmarshal([]byte(resp.Body), &doc); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if len(resp.Body) > 50*1000*1000 || len(doc.URLs) > 50000 || len(doc.Sitemaps) > 50000 {
		t.Errorf("%s: over the protocol's limits", path)
	}
	return doc, resp.Body
}

// fixtureSitemap is every indexable page of the fixture at FixtureNow.
var fixtureSitemap = func() []string {
	paths := []string{"/", "/monde", "/monde/page/2", "/pratique", "/tags", "/tags/retraite", "/tags/securite-sociale", "/tags/monde", "/tags/monde/page/2", "/pratique/retraite",
		"/archives", "/archives/2024/11", "/archives/2024/11/page/2",
		"/auteurs/camille-martin", "/auteurs/la-redaction", "/auteurs/la-redaction/page/2"}
	for i := 1; i <= 14; i++ {
		n := string(rune('0'+i/10)) + string(rune('0'+i%10))
		paths = append(paths, "/tags/numero-"+n, "/monde/nouvelle-"+n)
	}
	slices.Sort(paths)
	return paths
}()

func TestSitemap(t *testing.T) {
	site := sitetest.Start(t, sitetest.Options{})
	doc, _ := getSitemap(t, site, "/sitemap.xml")
	if doc.XMLName.Local != "urlset" || doc.XMLName.Space != "http://www.sitemaps.org/schemas/sitemap/0.9" {
		t.Fatalf("root %v, want a sitemaps.org urlset", doc.XMLName)
	}
	var got []string
	lastmod := map[string]string{}
	for _, u := range doc.URLs {
		if !strings.HasPrefix(u.Loc, fixtureBase+"/") {
			t.Errorf("loc %q is not an absolute URL of the site", u.Loc)
		}
		p := strings.TrimPrefix(u.Loc, fixtureBase)
		got = append(got, p)
		lastmod[p] = u.LastMod
		if _, err := time.Parse(time.RFC3339, u.LastMod); err != nil {
			t.Errorf("%s: lastmod %q: %v", p, u.LastMod, err)
		}
	}
	slices.Sort(got)
	if !slices.Equal(got, fixtureSitemap) {
		t.Errorf("sitemap lists\n%v\nwant\n%v", got, fixtureSitemap)
	}
	for p, want := range map[string]string{
		"/pratique/retraite":     "2024-11-22T00:00:00+01:00", // updated
		"/monde/nouvelle-01":     "2024-11-01T09:00:00+01:00", // date
		"/":                      "2024-11-22T00:00:00+01:00", // newest change
		"/monde":                 "2024-11-14T09:00:00+01:00",
		"/tags/securite-sociale": "2024-11-22T00:00:00+01:00",
	} {
		if lastmod[p] != want {
			t.Errorf("lastmod of %s = %q, want %q", p, lastmod[p], want)
		}
	}
}

// TestNewsSitemapSchemaRejects makes sure the news schema check is not a
// formality either.
func TestNewsSitemapSchemaRejects(t *testing.T) {
	const head = `<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">`
	item := func(publication, date, title string) string {
		return head + `<url><loc>https://fixture.example/monde/a</loc><news:news><news:publication>` + publication +
			`</news:publication><news:publication_date>` + date + `</news:publication_date><news:title>` + title +
			`</news:title></news:news></url></urlset>`
	}
	const pub = `<news:name>Fixture</news:name><news:language>fr</news:language>`
	if err := validateXML(t, "valid", item(pub, "2024-11-20T10:30:00+01:00", "Un titre"), "sitemap-with-news.xsd"); err != nil {
		t.Fatalf("the schema refuses a valid news sitemap: %v", err)
	}
	tests := []struct{ name, doc string }{
		{"empty urlset", head + `</urlset>`},
		{"no language", item(`<news:name>Fixture</news:name>`, "2024-11-20T10:30:00+01:00", "Un titre")},
		{"language in capitals", item(`<news:name>Fixture</news:name><news:language>FR</news:language>`, "2024-11-20T10:30:00+01:00", "Un titre")},
		{"empty name", item(`<news:name></news:name><news:language>fr</news:language>`, "2024-11-20T10:30:00+01:00", "Un titre")},
		{"not a W3C datetime", item(pub, "20/11/2024", "Un titre")},
		{"empty title", item(pub, "2024-11-20T10:30:00+01:00", "")},
		{"no publication", head + `<url><loc>https://fixture.example/monde/a</loc><news:news><news:publication_date>2024-11-20</news:publication_date><news:title>T</news:title></news:news></url></urlset>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if validateXML(t, tt.name, tt.doc, "sitemap-with-news.xsd") == nil {
				t.Errorf("schema accepts %s", tt.doc)
			}
		})
	}
}

// TestSitemapSchemaRejects makes sure the schema check is not a formality.
func TestSitemapSchemaRejects(t *testing.T) {
	const head = `<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`
	tests := []struct{ name, doc string }{
		{"relative loc", head + `<url><loc>/monde</loc></url></urlset>`},
		{"not a W3C datetime", head + `<url><loc>https://fixture.example/</loc><lastmod>2024-11-22 10:00</lastmod></url></urlset>`},
		{"duplicate loc", head + `<url><loc>https://fixture.example/</loc></url><url><loc>https://fixture.example/</loc></url></urlset>`},
		{"wrong namespace", `<urlset xmlns="http://example.com/"><url><loc>https://fixture.example/</loc></url></urlset>`},
		{"no loc", head + `<url><lastmod>2024-11-22</lastmod></url></urlset>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if validateXML(t, tt.name, tt.doc, "sitemap.xsd") == nil {
				t.Errorf("schema accepts %s", tt.doc)
			}
		})
	}
}

// TestSitemapIndex lowers the size of a sitemap file so that the site
// needs several, by number of URLs and by bytes.
func TestSitemapIndex(t *testing.T) {
	tests := []struct {
		name              string
		maxURLs, maxBytes int
	}{
		{"by URL count", 10, 0},
		{"by size", 0, 1500},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			site := sitetest.Start(t, sitetest.Options{Configure: func(c *app.Config) {
				c.SitemapMaxURLs, c.SitemapMaxBytes = tt.maxURLs, tt.maxBytes
			}})
			idx, _ := getSitemap(t, site, "/sitemap.xml")
			if idx.XMLName.Local != "sitemapindex" || len(idx.Sitemaps) < 2 {
				t.Fatalf("root %s with %d sitemaps, want a sitemapindex of several", idx.XMLName.Local, len(idx.Sitemaps))
			}
			var all []string
			for i, s := range idx.Sitemaps {
				path := strings.TrimPrefix(s.Loc, fixtureBase)
				if want := "/sitemap-" + string(rune('1'+i)) + ".xml"; path != want {
					t.Errorf("sitemap %d at %s, want %s", i+1, path, want)
				}
				child, body := getSitemap(t, site, path)
				if child.XMLName.Local != "urlset" {
					t.Fatalf("%s: root %s", path, child.XMLName.Local)
				}
				if tt.maxURLs > 0 && len(child.URLs) > tt.maxURLs {
					t.Errorf("%s: %d URLs, limit %d", path, len(child.URLs), tt.maxURLs)
				}
				if tt.maxBytes > 0 && len(body) > tt.maxBytes {
					t.Errorf("%s: %d bytes, limit %d", path, len(body), tt.maxBytes)
				}
				newest := ""
				for _, u := range child.URLs {
					all = append(all, strings.TrimPrefix(u.Loc, fixtureBase))
					newest = max(newest, u.LastMod)
				}
				if s.LastMod != newest {
					t.Errorf("%s: lastmod %q in the index, want its newest %q", path, s.LastMod, newest)
				}
			}
			slices.Sort(all)
			if !slices.Equal(all, fixtureSitemap) {
				t.Errorf("the parts list\n%v\nwant\n%v", all, fixtureSitemap)
			}
			for _, p := range []string{"/sitemap-0.xml", "/sitemap-01.xml", "/sitemap-" + string(rune('1'+len(idx.Sitemaps))) + ".xml", "/sitemap-x.xml"} {
				if resp := site.Get(t, p); resp.StatusCode != http.StatusNotFound {
					t.Errorf("GET %s = %d, want 404", p, resp.StatusCode)
				}
			}
		})
	}
	site := sitetest.Start(t, sitetest.Options{})
	if resp := site.Get(t, "/sitemap-1.xml"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET /sitemap-1.xml of an unsplit sitemap = %d, want 404", resp.StatusCode)
	}
}

func TestNewsSitemap(t *testing.T) {
	type news struct {
		URLs []struct {
			Loc  string `xml:"loc"`
			News struct {
				Name     string `xml:"publication>name"`
				Language string `xml:"publication>language"`
				Date     string `xml:"publication_date"`
				Title    string `xml:"title"`
			} `xml:"http://www.google.com/schemas/sitemap-news/0.9 news"`
		} `xml:"url"`
	}
	tests := []struct {
		name   string
		now    time.Time
		titles []string
	}{
		{"the last two days", time.Date(2024, 11, 21, 12, 0, 0, 0, time.UTC), []string{"Préparer sa retraite à l’étranger"}},
		{"two articles", time.Date(2024, 11, 15, 8, 0, 0, 0, time.UTC), []string{"Nouvelle numéro 14", "Nouvelle numéro 13"}},
		{"the last article just within two days", time.Date(2024, 11, 22, 9, 29, 0, 0, time.UTC), []string{"Préparer sa retraite à l’étranger"}},
		// No valid news sitemap lists nothing (a <urlset> needs a <url>):
		// while there is no news, there is no news sitemap, and robots.txt
		// does not name it.
		{"nothing recent", sitetest.FixtureNow, nil},
		{"the last article just over two days old", time.Date(2024, 11, 22, 9, 31, 0, 0, time.UTC), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			site := sitetest.Start(t, sitetest.Options{Now: tt.now})
			resp := site.Get(t, "/sitemap-news.xml")
			robots := site.Get(t, "/robots.txt").Body
			named := strings.Contains(robots, "Sitemap: "+fixtureBase+"/sitemap-news.xml\n")
			if tt.titles == nil {
				if resp.StatusCode != http.StatusNotFound {
					t.Errorf("GET /sitemap-news.xml = %d, want 404 while there is no news:\n%s", resp.StatusCode, resp.Body)
				}
				if named {
					t.Errorf("robots.txt names the news sitemap while there is none:\n%s", robots)
				}
				return
			}
			if !named {
				t.Errorf("robots.txt does not name the news sitemap:\n%s", robots)
			}
			if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/xml; charset=utf-8" {
				t.Fatalf("GET /sitemap-news.xml = %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			if err := validateXML(t, "news sitemap", resp.Body, "sitemap-with-news.xsd"); err != nil {
				t.Fatal(err)
			}
			// The sitemap changes when its last article turns two days old.
			left := int(time.Date(2024, 11, 22, 9, 30, 0, 0, time.UTC).Sub(tt.now).Seconds())
			cc := resp.Header.Get("Cache-Control")
			lifetimes := map[string]int{}
			for _, m := range regexp.MustCompile(`(max-age|s-maxage|stale-while-revalidate|stale-if-error)=(\d+)`).FindAllStringSubmatch(cc, -1) {
				lifetimes[m[1]], _ = strconv.Atoi(m[2])
			}
			if lifetimes["max-age"] > left || lifetimes["s-maxage"]+lifetimes["stale-while-revalidate"] > left {
				t.Errorf("Cache-Control %q outlives the news sitemap's next change %d s away", cc, left)
			}
			etag := resp.Header.Get("ETag")
			if again := site.Do(t, http.MethodGet, "/sitemap-news.xml", http.Header{"If-None-Match": {etag}}); etag == "" || again.StatusCode != http.StatusNotModified {
				t.Errorf("If-None-Match %q: %d, want 304", etag, again.StatusCode)
			}
			if !strings.Contains(resp.Body, `xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"`) {
				t.Errorf("no news namespace: %s", resp.Body)
			}
			var doc news
			if err := xml.Unmarshal([]byte(resp.Body), &doc); err != nil {
				t.Fatal(err)
			}
			var titles []string
			for _, u := range doc.URLs {
				titles = append(titles, u.News.Title)
				if u.News.Name != "Fixture" || u.News.Language != "fr" {
					t.Errorf("%s: publication %q in %q, want Fixture in fr", u.Loc, u.News.Name, u.News.Language)
				}
				d, err := time.Parse(time.RFC3339, u.News.Date)
				if err != nil || tt.now.Sub(d) > 48*time.Hour || d.After(tt.now) {
					t.Errorf("%s: publication date %q (%v) not within two days of %v", u.Loc, u.News.Date, err, tt.now)
				}
				if !strings.HasPrefix(u.Loc, fixtureBase+"/") {
					t.Errorf("loc %q is not absolute", u.Loc)
				}
			}
			if !slices.Equal(titles, tt.titles) {
				t.Errorf("news sitemap lists %q, want %q", titles, tt.titles)
			}
		})
	}
}

func TestRobots(t *testing.T) {
	tests := []struct {
		name   string
		drafts bool
		now    time.Time
		want   string
	}{
		{"public site", false, time.Time{}, "User-agent: *\nAllow: /\nDisallow: /recherche\nDisallow: /_status\n\nSitemap: https://fixture.example/sitemap.xml\n"},
		{"public site with news", false, time.Date(2024, 11, 21, 12, 0, 0, 0, time.UTC), "User-agent: *\nAllow: /\nDisallow: /recherche\nDisallow: /_status\n\nSitemap: https://fixture.example/sitemap.xml\nSitemap: https://fixture.example/sitemap-news.xml\n"},
		// The preview shows the drafts and scheduled articles: news.
		{"editors' preview", true, time.Time{}, "User-agent: *\nDisallow: /\n\nSitemap: https://fixture.example/sitemap.xml\nSitemap: https://fixture.example/sitemap-news.xml\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			site := sitetest.Start(t, sitetest.Options{Drafts: tt.drafts, Now: tt.now})
			resp := site.Get(t, "/robots.txt")
			if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/plain; charset=utf-8" {
				t.Fatalf("GET /robots.txt = %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			if resp.Body != tt.want {
				t.Errorf("robots.txt =\n%s\nwant\n%s", resp.Body, tt.want)
			}
		})
	}
}

func TestFeeds(t *testing.T) {
	site := sitetest.Start(t, sitetest.Options{})
	paris, _ := time.LoadLocation("Europe/Paris")
	tests := []struct {
		path, title, link string
		items             int
		first             string
	}{
		{"/rss.xml", "Fixture", fixtureBase + "/", 15, "Préparer sa retraite à l’étranger"},
		{"/monde/rss.xml", "Fixture – Monde", fixtureBase + "/monde", 14, "Nouvelle numéro 14"},
		{"/pratique/rss.xml", "Fixture – Vie pratique", fixtureBase + "/pratique", 1, "Préparer sa retraite à l’étranger"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			resp := site.Get(t, tt.path)
			if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/rss+xml; charset=utf-8" {
				t.Fatalf("GET %s = %d %s", tt.path, resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			feed, err := gofeed.NewParser().ParseString(resp.Body)
			if err != nil {
				t.Fatalf("gofeed: %v", err)
			}
			if feed.FeedType != "rss" || feed.FeedVersion != "2.0" {
				t.Errorf("feed is %s %s, want rss 2.0", feed.FeedType, feed.FeedVersion)
			}
			checkChannelImage(t, site, resp.Body)
			if feed.Title != tt.title || feed.Link != tt.link || feed.Language != "fr" {
				t.Errorf("channel %q %q %q, want %q %q fr", feed.Title, feed.Link, feed.Language, tt.title, tt.link)
			}
			if feed.FeedLink != fixtureBase+tt.path {
				t.Errorf("self link %q, want %q", feed.FeedLink, fixtureBase+tt.path)
			}
			if len(feed.Items) != tt.items {
				t.Fatalf("%d items, want %d", len(feed.Items), tt.items)
			}
			if feed.Items[0].Title != tt.first {
				t.Errorf("first item %q, want %q", feed.Items[0].Title, tt.first)
			}
			var prev time.Time
			for i, it := range feed.Items {
				if !strings.HasPrefix(it.Link, fixtureBase+"/") || it.GUID != it.Link {
					t.Errorf("item %q: link %q, guid %q", it.Title, it.Link, it.GUID)
				}
				if strings.Contains(it.Link, "brouillon") || strings.Contains(it.Link, "programme") {
					t.Errorf("unpublished article %s in the feed", it.Link)
				}
				pub, err := time.Parse(time.RFC1123Z, it.Published)
				if err != nil || it.PublishedParsed == nil || !it.PublishedParsed.Equal(pub) {
					t.Errorf("item %q: pubDate %q is not RFC 1123Z (%v)", it.Title, it.Published, err)
				}
				if i > 0 && pub.After(prev) {
					t.Errorf("item %q is newer than the one before it", it.Title)
				}
				prev = pub
				if len(it.Categories) == 0 || it.Description == "" || it.Content == "" {
					t.Errorf("item %q: categories %q, description %q, content %d bytes", it.Title, it.Categories, it.Description, len(it.Content))
				}
			}
		})
	}
	t.Run("item content", func(t *testing.T) {
		feed, err := gofeed.NewParser().ParseString(site.Get(t, "/pratique/rss.xml").Body)
		if err != nil {
			t.Fatal(err)
		}
		it := feed.Items[0]
		want := time.Date(2024, 11, 20, 10, 30, 0, 0, paris)
		if !it.PublishedParsed.Equal(want) || !strings.HasSuffix(it.Published, "+0100") {
			t.Errorf("pubDate %q, want %v in Paris time", it.Published, want)
		}
		if it.Link != fixtureBase+"/pratique/retraite" || it.Description != "Les étapes pour garder ses droits." {
			t.Errorf("link %q, description %q", it.Link, it.Description)
		}
		if !slices.Equal(it.Categories, []string{"Vie pratique", "retraite", "Sécurité sociale"}) {
			t.Errorf("categories %q", it.Categories)
		}
		if len(it.Authors) != 1 || it.Authors[0].Name != "Camille Martin, La rédaction" {
			t.Errorf("authors %v, want both names in dc:creator", it.Authors)
		}
		// The cover in Media RSS: its 16:9 crop, 640 wide like the source.
		media := it.Extensions["media"]["content"]
		if len(media) != 1 || media[0].Attrs["medium"] != "image" || media[0].Attrs["type"] != "image/jpeg" ||
			media[0].Attrs["width"] != "640" || media[0].Attrs["height"] != "360" ||
			!regexp.MustCompile(`^`+fixtureBase+`/img/[0-9a-f]{20}-16x9-640x360\.jpg$`).MatchString(media[0].Attrs["url"]) {
			t.Errorf("media:content %+v", media)
		}
		for _, s := range []string{"<strong>retraite</strong>", `href="https://fixture.example/monde/nouvelle-01"`, `src="https://fixture.example/media/retraite.png"`} {
			if !strings.Contains(it.Content, s) {
				t.Errorf("content:encoded lacks %s: %s", s, it.Content)
			}
		}
		monde, err := gofeed.NewParser().ParseString(site.Get(t, "/monde/rss.xml").Body)
		if err != nil {
			t.Fatal(err)
		}
		if a := monde.Items[0].Authors; len(a) != 1 || a[0].Name != "La rédaction" {
			t.Errorf("dc:creator gives %v, want La rédaction", a)
		}
	})
	for _, p := range []string{"/nulle-part/rss.xml", "/tags/rss.xml"} {
		if resp := site.Get(t, p); resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", p, resp.StatusCode)
		}
	}
}

func TestMachineHead(t *testing.T) {
	site := sitetest.Start(t, sitetest.Options{})
	get := func(t *testing.T, path string) (page, []map[string]any) {
		resp := site.Get(t, path)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s = %d", path, resp.StatusCode)
		}
		p := parsePage(t, path, resp.Body)
		return p, p.jsonLD(t, path)
	}
	feeds := func(p page) []string {
		var out []string
		for _, l := range p.all("link", has("rel", "alternate")) {
			if typ, _ := attrOf(l, "type"); typ == "application/rss+xml" || typ == "application/atom+xml" || typ == "application/feed+json" {
				h, _ := attrOf(l, "href")
				out = append(out, h)
			}
		}
		return out
	}

	t.Run("article", func(t *testing.T) {
		p, ld := get(t, "/pratique/retraite")
		want := map[string]string{
			"og:type": "article", "og:title": "Préparer sa retraite à l’étranger",
			"og:url": fixtureBase + "/pratique/retraite", "og:description": "Les étapes pour garder ses droits.",
			"og:image:width": "1200", "og:image:height": "630",
			"og:image:alt": "Un dégradé bleu, comme un horizon", "og:locale": "fr_FR",
			"article:published_time": "2024-11-20T10:30:00+01:00", "article:modified_time": "2024-11-22T00:00:00+01:00",
			"article:section": "Vie pratique", "twitter:card": "summary_large_image",
			"description": "Les étapes pour garder ses droits.",
		}
		// The cover's share crop, enlarged to 1200×630, served (never a 404).
		og := p.meta1("og:image")
		if !regexp.MustCompile(`^`+fixtureBase+`/img/[0-9a-f]{20}-1200x630-1200x630\.jpg$`).MatchString(og) || p.meta1("twitter:image") != og {
			t.Errorf("og:image %q, twitter:image %q", og, p.meta1("twitter:image"))
		}
		if r := site.Get(t, strings.TrimPrefix(og, fixtureBase)); r.StatusCode != http.StatusOK || r.Header.Get("Content-Type") != "image/jpeg" {
			t.Errorf("GET og:image = %d %s", r.StatusCode, r.Header.Get("Content-Type"))
		}
		for k, v := range want {
			if got := p.meta1(k); got != v {
				t.Errorf("%s = %q, want %q", k, got, v)
			}
		}
		if tags := p.meta("article:tag"); !slices.Equal(tags, []string{"retraite", "Sécurité sociale"}) {
			t.Errorf("article:tag %q", tags)
		}
		if f := feeds(p); !slices.Equal(f, []string{fixtureBase + "/rss.xml", fixtureBase + "/atom.xml", fixtureBase + "/feed.json",
			fixtureBase + "/pratique/rss.xml", fixtureBase + "/pratique/atom.xml"}) {
			t.Errorf("feeds %q", f)
		}
		na := ldOfType(ld, "NewsArticle")
		if na == nil {
			t.Fatalf("no NewsArticle in %v", ld)
		}
		// Two authors: a person and the newsroom, each with its page.
		authors, _ := na["author"].([]any)
		if len(authors) != 2 {
			t.Fatalf("author %v, want two", na["author"])
		}
		for i, want := range []map[string]any{
			{"@type": "Person", "name": "Camille Martin", "url": fixtureBase + "/auteurs/camille-martin"},
			{"@type": "Organization", "name": "La rédaction", "url": fixtureBase + "/auteurs/la-redaction"},
		} {
			if got, _ := authors[i].(map[string]any); !maps.Equal(got, want) {
				t.Errorf("author %d = %v, want %v", i, got, want)
			}
		}
		requireKeys(t, "article", na, "headline", "datePublished", "dateModified", "author", "publisher", "image", "articleSection", "inLanguage", "mainEntityOfPage")
		if na["@context"] != "https://schema.org" || na["headline"] != "Préparer sa retraite à l’étranger" || na["inLanguage"] != "fr-FR" || na["articleSection"] != "Vie pratique" {
			t.Errorf("NewsArticle %v", na)
		}
		if na["datePublished"] != "2024-11-20T10:30:00+01:00" || na["dateModified"] != "2024-11-22T00:00:00+01:00" {
			t.Errorf("dates %v %v", na["datePublished"], na["dateModified"])
		}
		// The 16:9, 4:3 and 1:1 crops, as large as the 640×360 source allows.
		img, _ := na["image"].([]any)
		if len(img) != 3 {
			t.Errorf("image %v", na["image"])
		}
		for i, suffix := range []string{"-16x9-640x360.jpg", "-4x3-480x360.jpg", "-1x1-360x360.jpg"} {
			if u, _ := img[min(i, len(img)-1)].(string); !strings.HasPrefix(u, fixtureBase+"/img/") || !strings.HasSuffix(u, suffix) {
				t.Errorf("image %d = %q, want …%s", i, u, suffix)
			}
		}
		pub, _ := na["publisher"].(map[string]any)
		logo, _ := pub["logo"].(map[string]any)
		if pub["@type"] != "Organization" || pub["name"] != "Fixture" || !strings.HasPrefix(logo["url"].(string), fixtureBase+"/static/logo.") || !strings.HasSuffix(logo["url"].(string), ".png") {
			t.Errorf("publisher %v", pub)
		}
		if m, _ := na["mainEntityOfPage"].(map[string]any); m["@id"] != fixtureBase+"/pratique/retraite" {
			t.Errorf("mainEntityOfPage %v", na["mainEntityOfPage"])
		}
		checkBreadcrumbs(t, ld, []string{"Accueil", "Vie pratique", "Préparer sa retraite à l’étranger"},
			[]string{fixtureBase + "/", fixtureBase + "/pratique", fixtureBase + "/pratique/retraite"})
	})

	t.Run("article without image, with an author", func(t *testing.T) {
		p, ld := get(t, "/monde/nouvelle-03")
		// The card drawn from its title and rubrique (issue 13).
		if img := p.meta1("og:image"); !regexp.MustCompile(`^` + fixtureBase + `/img/[0-9a-f]{20}-1200x630-1200x630\.png$`).MatchString(img) {
			t.Errorf("og:image %q, want the article's drawn card", img)
		}
		na := ldOfType(ld, "NewsArticle")
		if na == nil {
			t.Fatal("no NewsArticle")
		}
		// The newsroom is an organization, with its page as its address.
		if a, _ := na["author"].(map[string]any); a["@type"] != "Organization" || a["name"] != "La rédaction" || a["url"] != fixtureBase+"/auteurs/la-redaction" {
			t.Errorf("author %v", na["author"])
		}
		if na["datePublished"] != na["dateModified"] {
			t.Errorf("dateModified %v of a never updated article, want datePublished %v", na["dateModified"], na["datePublished"])
		}
	})

	t.Run("category", func(t *testing.T) {
		for _, path := range []string{"/monde", "/monde/page/2"} {
			p, ld := get(t, path)
			if p.meta1("og:type") != "website" || p.meta1("og:url") != fixtureBase+path {
				t.Errorf("%s: og:type %q og:url %q", path, p.meta1("og:type"), p.meta1("og:url"))
			}
			if f := feeds(p); !slices.Equal(f, []string{fixtureBase + "/rss.xml", fixtureBase + "/atom.xml", fixtureBase + "/feed.json",
				fixtureBase + "/monde/rss.xml", fixtureBase + "/monde/atom.xml"}) {
				t.Errorf("%s: feeds %q", path, f)
			}
			checkBreadcrumbs(t, ld, []string{"Accueil", "Monde"}, []string{fixtureBase + "/", fixtureBase + path})
		}
	})

	t.Run("home", func(t *testing.T) {
		p, ld := get(t, "/")
		if p.meta1("og:type") != "website" || p.meta1("og:title") != "Fixture" {
			t.Errorf("og:type %q og:title %q", p.meta1("og:type"), p.meta1("og:title"))
		}
		ws := ldOfType(ld, "WebSite")
		if ws == nil {
			t.Fatal("no WebSite")
		}
		requireKeys(t, "home", ws, "name", "url", "potentialAction", "inLanguage")
		action, _ := ws["potentialAction"].(map[string]any)
		target, _ := action["target"].(map[string]any)
		if action["@type"] != "SearchAction" || target["urlTemplate"] != fixtureBase+"/recherche?q={search_term_string}" || action["query-input"] != "required name=search_term_string" {
			t.Errorf("SearchAction %v", action)
		}
		org := ldOfType(ld, "Organization")
		if org == nil {
			t.Fatal("no Organization")
		}
		requireKeys(t, "home", org, "name", "url", "logo")
		if f := feeds(p); !slices.Equal(f, []string{fixtureBase + "/rss.xml", fixtureBase + "/atom.xml", fixtureBase + "/feed.json"}) {
			t.Errorf("feeds %q", f)
		}
	})

	t.Run("query strings change nothing", func(t *testing.T) {
		p, _ := get(t, "/monde?utm_source=lettre&x=1")
		if c := p.links("canonical"); len(c) != 1 || c[0] != fixtureBase+"/monde" {
			t.Errorf("canonical %q, want the clean URL", c)
		}
	})
}

func checkBreadcrumbs(t *testing.T, ld []map[string]any, names, items []string) {
	t.Helper()
	bl := ldOfType(ld, "BreadcrumbList")
	if bl == nil {
		t.Fatal("no BreadcrumbList")
	}
	list, _ := bl["itemListElement"].([]any)
	if len(list) != len(names) {
		t.Fatalf("breadcrumb of %d items, want %d", len(list), len(names))
	}
	for i, e := range list {
		m, _ := e.(map[string]any)
		if m["@type"] != "ListItem" || m["position"] != float64(i+1) || m["name"] != names[i] || m["item"] != items[i] {
			t.Errorf("breadcrumb item %d = %v, want %s at %s", i+1, m, names[i], items[i])
		}
	}
}

// TestNoindex checks that error pages and an editor's preview keep out of
// search engines, and that a listing page past the last is a 404.
func TestNoindex(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "content")
	sitetest.CopyDir(t, sitetest.Fixture(), dir)
	expired := "---\ntitle: Article périmé\ndate: 2024-11-02 09:00\nexpires: 2024-11-24 09:00\n---\n\nTexte.\n"
	if err := os.WriteFile(filepath.Join(dir, "monde", "perime.md"), []byte(expired), 0o644); err != nil {
		t.Fatal(err)
	}
	site := sitetest.Start(t, sitetest.Options{Content: dir})
	preview := sitetest.Start(t, sitetest.Options{Drafts: true})
	tests := []struct {
		name   string
		site   *sitetest.Site
		path   string
		status int
	}{
		{"unknown page", site, "/nulle-part", http.StatusNotFound},
		{"past the last page", site, "/monde/page/3", http.StatusNotFound},
		{"past the last tag page", site, "/tags/retraite/page/2", http.StatusNotFound},
		{"expired article", site, "/monde/perime", http.StatusGone},
		{"draft in the preview", preview, "/pratique/brouillon", http.StatusOK},
		{"home in the preview", preview, "/", http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := tt.site.Get(t, tt.path)
			if resp.StatusCode != tt.status {
				t.Fatalf("GET %s = %d, want %d", tt.path, resp.StatusCode, tt.status)
			}
			p := parsePage(t, tt.path, resp.Body)
			if r := p.meta("robots"); len(r) != 1 || r[0] != "noindex" {
				t.Errorf("GET %s: robots meta %q, want noindex", tt.path, r)
			}
		})
	}
	if r := parsePage(t, "/", site.Get(t, "/").Body).meta("robots"); len(r) != 0 {
		t.Errorf("the public home page has robots meta %q", r)
	}
}

// checkChannelImage checks the channel's <image> against RSS 2.0: at most
// 144 pixels wide and 400 high, and when no size is given the reader
// assumes 88×31, so the size is stated, and it is the file's own.
func checkChannelImage(t *testing.T, site *sitetest.Site, feed string) {
	t.Helper()
	var doc struct {
		Image struct {
			URL    string `xml:"url"`
			Title  string `xml:"title"`
			Link   string `xml:"link"`
			Width  int    `xml:"width"`
			Height int    `xml:"height"`
		} `xml:"channel>image"`
	}
	if err := xml.Unmarshal([]byte(feed), &doc); err != nil {
		t.Fatal(err)
	}
	img := doc.Image
	if img.URL == "" || img.Title == "" || img.Link == "" {
		t.Fatalf("channel image %+v lacks url, title or link", img)
	}
	if img.Width < 1 || img.Width > 144 || img.Height < 1 || img.Height > 400 {
		t.Errorf("channel image %d×%d, RSS 2.0 wants a stated size of at most 144×400", img.Width, img.Height)
	}
	resp := site.Get(t, strings.TrimPrefix(img.URL, fixtureBase))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s = %d", img.URL, resp.StatusCode)
	}
	cfg, _, err := image.DecodeConfig(strings.NewReader(resp.Body))
	if err != nil {
		t.Fatalf("%s: %v", img.URL, err)
	}
	if cfg.Width != img.Width || cfg.Height != img.Height {
		t.Errorf("channel image states %d×%d, the file is %d×%d", img.Width, img.Height, cfg.Width, cfg.Height)
	}
}
