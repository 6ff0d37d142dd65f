package web_test

import (
	"encoding/xml"
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/horizons-expat/site/internal/corpus"
	"github.com/horizons-expat/site/internal/sitetest"
)

// crawlBase is the base URL the crawled sites are started with: absolute
// links on it are links of the site.
const crawlBase = "https://horizons.example"

// TestCrawl visits the whole site from / and checks every internal link of
// every page (anchors, stylesheets, icons, images, canonical and feed
// links) answers 200, or 301 to a page that does; that every HTML page
// has one h1, one canonical URL (its own), a unique title, a description
// and its Open Graph tags; and that the pages found are exactly those of
// the sitemap. Over the test fixture, the bundled content, and a generated
// corpus of 1,000 articles (100 under the race detector, which makes the
// crawl ten minutes long: rubriques of several pages all the same; `make
// test` also runs it without).
func TestCrawl(t *testing.T) {
	articles := 1000
	if sitetest.Race {
		articles = 100
	}
	corpusDir := filepath.Join(t.TempDir(), "corpus")
	if err := corpus.Generate(corpusDir, articles, 1); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, content string
		minPages      int
	}{
		{"fixture", sitetest.Fixture(), 20},
		{"bundled content", sitetest.Bundled(), 40},
		{"generated corpus", corpusDir, articles},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			site := sitetest.Start(t, sitetest.Options{Content: tt.content, BaseURL: crawlBase})
			c := newCrawler(t, site.URL)
			c.visit("/", "(start)")
			c.visit("/robots.txt", "(start)")
			c.visit("/sitemap.xml", "(start)")
			c.wait()

			if len(c.html) < tt.minPages {
				t.Errorf("crawl found %d HTML pages, want at least %d", len(c.html), tt.minPages)
			}
			for title, paths := range c.titles {
				if len(paths) > 1 {
					t.Errorf("title %q is shared by %v", title, paths)
				}
			}
			inSitemap := sitemapLocs(t, c)
			for loc := range inSitemap {
				if !c.html[loc] {
					t.Errorf("sitemap URL %s is not a crawlable HTML page (status %d)", loc, c.status[loc])
				}
			}
			for p := range c.html {
				if !inSitemap[p] && !c.noindex[p] && !strings.Contains(p, "?") {
					t.Errorf("page %s (linked from %s) is missing from the sitemap", p, c.from[p])
				}
			}
			t.Logf("%d URLs, %d HTML pages, %d redirects", len(c.status), len(c.html), c.redirects)
		})
	}
}

type crawler struct {
	t      *testing.T
	server string
	client *http.Client
	sem    chan struct{}
	wg     sync.WaitGroup

	mu        sync.Mutex
	from      map[string]string // path → page that first linked it
	status    map[string]int
	html      map[string]bool // 200 HTML pages
	noindex   map[string]bool
	titles    map[string][]string
	bodies    map[string]string // XML documents, for the sitemap check
	redirects int
}

func newCrawler(t *testing.T, server string) *crawler {
	return &crawler{
		t: t, server: server,
		client: &http.Client{
			Timeout:       30 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		sem:  make(chan struct{}, 6),
		from: map[string]string{}, status: map[string]int{}, html: map[string]bool{},
		noindex: map[string]bool{}, titles: map[string][]string{}, bodies: map[string]string{},
	}
}

func (c *crawler) visit(path, from string) {
	c.mu.Lock()
	if _, ok := c.from[path]; ok {
		c.mu.Unlock()
		return
	}
	c.from[path] = from
	c.mu.Unlock()
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		c.sem <- struct{}{}
		defer func() { <-c.sem }()
		c.fetch(path, from)
	}()
}

func (c *crawler) wait() { c.wg.Wait() }

func (c *crawler) fetch(path, from string) {
	resp, err := c.client.Get(c.server + path)
	if err != nil {
		c.t.Errorf("GET %s (linked from %s): %v", path, from, err)
		return
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		c.t.Errorf("GET %s: %v", path, err)
		return
	}
	c.mu.Lock()
	c.status[path] = resp.StatusCode
	c.mu.Unlock()
	switch resp.StatusCode {
	case http.StatusOK:
	case http.StatusMovedPermanently:
		target := localPath(resp.Header.Get("Location"), crawlBase)
		if target == "" {
			c.t.Errorf("GET %s (linked from %s): 301 to a foreign URL %q", path, from, resp.Header.Get("Location"))
			return
		}
		c.mu.Lock()
		c.redirects++
		c.mu.Unlock()
		c.visit(target, path+" (301)")
		return
	default:
		c.t.Errorf("GET %s (linked from %s) = %d, want 200 or 301", path, from, resp.StatusCode)
		return
	}
	ct := resp.Header.Get("Content-Type")
	switch {
	case strings.HasPrefix(ct, "text/html"):
		c.page(path, string(body))
	case strings.Contains(ct, "xml"):
		c.mu.Lock()
		c.bodies[path] = string(body)
		c.mu.Unlock()
		c.xmlLinks(path, body)
	}
}

// xmlLinks follows the URLs of sitemaps and feeds.
func (c *crawler) xmlLinks(path string, body []byte) {
	d := xml.NewDecoder(strings.NewReader(string(body)))
	var inLink bool
	for {
		tok, err := d.Token()
		if err != nil {
			return
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			inLink = tok.Name.Local == "loc" || tok.Name.Local == "link" || tok.Name.Local == "url" || tok.Name.Local == "guid"
			for _, a := range tok.Attr {
				if a.Name.Local == "href" || a.Name.Local == "domain" {
					if p := localPath(a.Value, crawlBase); p != "" {
						c.visit(p, path)
					}
				}
			}
		case xml.CharData:
			if inLink {
				if p := localPath(strings.TrimSpace(string(tok)), crawlBase); p != "" {
					c.visit(p, path)
				}
			}
		case xml.EndElement:
			inLink = false
		}
	}
}

// page checks an HTML page and follows its links.
func (c *crawler) page(path, body string) {
	t := c.t
	p := parsePage(t, path, body)
	clean, _, _ := strings.Cut(path, "?")
	if hs := p.all("h1", nil); len(hs) != 1 {
		t.Errorf("%s: %d h1, want 1", path, len(hs))
	}
	canon := p.links("canonical")
	if len(canon) != 1 || canon[0] != crawlBase+clean {
		t.Errorf("%s: canonical %v, want exactly [%s]", path, canon, crawlBase+clean)
	}
	title := p.title()
	if title == "" {
		t.Errorf("%s: no single non-empty <title>", path)
	}
	if d := p.meta("description"); len(d) != 1 || d[0] == "" {
		t.Errorf("%s: meta description %q, want one", path, d)
	} else if n := len([]rune(d[0])); n > 320 {
		t.Errorf("%s: meta description of %d characters", path, n)
	}
	for _, key := range []string{"og:type", "og:title", "og:description", "og:url", "og:image", "og:locale", "twitter:card", "twitter:title"} {
		if p.meta1(key) == "" {
			t.Errorf("%s: no single %s", path, key)
		}
	}
	if u := p.meta1("og:url"); len(canon) == 1 && u != canon[0] {
		t.Errorf("%s: og:url %q differs from the canonical %q", path, u, canon[0])
	}
	if img := p.meta1("og:image"); !strings.HasPrefix(img, "http") {
		t.Errorf("%s: og:image %q is not absolute", path, img)
	}
	if p.meta1("og:locale") != "fr_FR" {
		t.Errorf("%s: og:locale %q, want fr_FR", path, p.meta1("og:locale"))
	}
	if html := p.all("html", nil); len(html) != 1 {
		t.Errorf("%s: no single <html>", path)
	} else if lang, _ := attrOf(html[0], "lang"); lang != "fr" {
		t.Errorf("%s: lang=%q", path, lang)
	}
	p.jsonLD(t, path) // every document decodes
	priority := 0
	for _, img := range p.all("img", nil) {
		src, _ := attrOf(img, "src")
		if _, ok := attrOf(img, "alt"); !ok {
			t.Errorf("%s: <img src=%q> has no alt", path, src)
		}
		for _, dim := range []string{"width", "height"} {
			v, _ := attrOf(img, dim)
			if n, err := strconv.Atoi(v); err != nil || n <= 0 {
				t.Errorf("%s: <img src=%q> has %s=%q", path, src, dim, v)
			}
		}
		// Only the page's largest picture above the fold loads at once.
		if v, _ := attrOf(img, "fetchpriority"); v == "high" {
			priority++
			if _, lazy := attrOf(img, "loading"); lazy {
				t.Errorf("%s: the priority image %q is lazy", path, src)
			}
		} else if strings.HasPrefix(src, "/media/") || strings.HasPrefix(src, "/img/") {
			if v, _ := attrOf(img, "loading"); v != "lazy" {
				t.Errorf("%s: image %q is not loading=lazy", path, src)
			}
		}
	}
	if priority > 1 {
		t.Errorf("%s: %d images with fetchpriority=high, want one at most", path, priority)
	}
	robots := strings.Join(p.meta("robots"), ",")
	c.mu.Lock()
	c.html[path] = true
	c.noindex[path] = strings.Contains(robots, "noindex")
	c.titles[title] = append(c.titles[title], path)
	c.mu.Unlock()

	follow := func(u string) {
		if lp := localPath(u, crawlBase); lp != "" {
			c.visit(lp, path)
		}
	}
	for _, a := range p.all("a", nil) {
		if href, ok := attrOf(a, "href"); ok {
			follow(href)
		}
	}
	for _, l := range p.all("link", nil) {
		href, _ := attrOf(l, "href")
		follow(href)
	}
	for _, tag := range []string{"img", "script"} {
		for _, n := range p.all(tag, nil) {
			if src, ok := attrOf(n, "src"); ok {
				follow(src)
			}
		}
	}
	for _, key := range []string{"og:image", "og:url", "twitter:image"} {
		for _, v := range p.meta(key) {
			follow(v)
		}
	}
}

// sitemapLocs returns the paths that the sitemap (and its parts) list.
func sitemapLocs(t *testing.T, c *crawler) map[string]bool {
	t.Helper()
	type loc struct {
		Loc string `xml:"loc"`
	}
	var doc struct {
		XMLName  xml.Name
		URLs     []loc `xml:"url"`
		Sitemaps []loc `xml:"sitemap"`
	}
	out := map[string]bool{}
	var read func(path string)
	read = func(path string) {
		body, ok := c.bodies[path]
		if !ok {
			t.Fatalf("sitemap %s was not fetched", path)
		}
		doc.URLs, doc.Sitemaps = nil, nil
		if err := xml.Unmarshal([]byte(body), &doc); err != nil {
			t.Fatalf("sitemap %s: %v", path, err)
		}
		urls, parts := doc.URLs, doc.Sitemaps
		for _, u := range urls {
			out[localPath(u.Loc, crawlBase)] = true
		}
		for _, s := range parts {
			read(localPath(s.Loc, crawlBase))
		}
	}
	read("/sitemap.xml")
	return out
}
