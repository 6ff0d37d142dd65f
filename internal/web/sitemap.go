package web

import (
	"context"
	"encoding/xml"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/horizons-expat/site/internal/content"
	"github.com/horizons-expat/site/internal/store"
)

// The sitemaps.org protocol's limits for one sitemap file.
const (
	SitemapMaxURLs  = 50_000
	SitemapMaxBytes = 50 * 1000 * 1000
)

const (
	sitemapNS = "http://www.sitemaps.org/schemas/sitemap/0.9"
	newsNS    = "http://www.google.com/schemas/sitemap-news/0.9"
	// newsWindow is how old an article may be to be in the news sitemap.
	newsWindow = 48 * time.Hour
	// newsMaxURLs is Google News's limit for one news sitemap.
	newsMaxURLs = 1000
)

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

type urlSet struct {
	XMLName xml.Name     `xml:"urlset"`
	XMLNS   string       `xml:"xmlns,attr"`
	URLs    []sitemapURL `xml:"url"`
}

type sitemapIndex struct {
	XMLName  xml.Name     `xml:"sitemapindex"`
	XMLNS    string       `xml:"xmlns,attr"`
	Sitemaps []sitemapURL `xml:"sitemap"`
}

// sitemapPart is the URL of child n (from 1) of a split sitemap.
func sitemapPart(n int) string { return "/sitemap-" + strconv.Itoa(n) + ".xml" }

// entry is one page of the sitemap.
type entry struct {
	path     string
	modified time.Time
}

// sitemapEntries lists every indexable page: the home page, the rubriques,
// tags, authors and months with each page of their listings, the archives,
// and every visible article.
// Drafts, scheduled and expired articles, redirects, search results and
// the status page are never in it.
func (s *Server) sitemapEntries(r *http.Request, rq *request) ([]entry, error) {
	ctx := r.Context()
	articles, err := s.store.PublishedArticles(ctx, rq.view)
	if err != nil {
		return nil, err
	}
	tags, err := s.store.TagsActivity(ctx, rq.view)
	if err != nil {
		return nil, err
	}
	authors, err := s.store.AuthorsActivity(ctx, rq.view)
	if err != nil {
		return nil, err
	}
	var newest time.Time
	type listing struct {
		count    int
		modified time.Time
	}
	byCategory := map[string]*listing{}
	var months []string // newest first, as the articles
	byMonth := map[string]*listing{}
	for _, a := range articles {
		y, mo, _ := a.Date.In(rq.site.Location).Date()
		mp := content.MonthPath(y, mo)
		ml := byMonth[mp]
		if ml == nil {
			ml = &listing{}
			byMonth[mp] = ml
			months = append(months, mp)
		}
		ml.count++
		if m := a.Modified(); m.After(ml.modified) {
			ml.modified = m
		}
		m := a.Modified()
		if m.After(newest) {
			newest = m
		}
		l := byCategory[a.Category]
		if l == nil {
			l = &listing{}
			byCategory[a.Category] = l
		}
		l.count++
		if m.After(l.modified) {
			l.modified = m
		}
	}
	pages := func(base string, count int, modified time.Time) []entry {
		var out []entry
		url := pageURL(base)
		for n := 1; n <= lastPage(count); n++ {
			out = append(out, entry{url(n), modified})
		}
		return out
	}
	out := []entry{{"/", newest}}
	for _, c := range rq.categories {
		l := byCategory[c.Slug]
		if l == nil {
			l = &listing{} // an empty rubrique still has its page
		}
		out = append(out, pages(content.CategoryPath(c.Slug), l.count, l.modified)...)
	}
	if len(tags) > 0 {
		out = append(out, entry{"/tags", newest})
	}
	for _, t := range tags {
		out = append(out, pages(content.TagPath(t.Slug), t.Count, t.Modified)...)
	}
	for _, au := range authors {
		out = append(out, pages(content.AuthorPath(au.Slug), au.Count, au.Modified)...)
	}
	if len(months) > 0 {
		out = append(out, entry{content.ArchivesPath, newest})
	}
	for _, mp := range months {
		out = append(out, pages(mp, byMonth[mp].count, byMonth[mp].modified)...)
	}
	for _, a := range articles {
		out = append(out, entry{content.ArticlePath(a.Category, a.Slug), a.Modified()})
	}
	return out, nil
}

// sitemapURLs turns entries into absolute sitemap URLs.
func (rq *request) sitemapURLs(entries []entry) []sitemapURL {
	out := make([]sitemapURL, len(entries))
	for i, e := range entries {
		out[i] = sitemapURL{Loc: rq.abs(e.path)}
		if !e.modified.IsZero() {
			out[i].LastMod = rq.iso(e.modified)
		}
	}
	return out
}

// splitSitemap cuts urls into sitemaps of at most maxURLs URLs and about
// maxBytes bytes each (counting each URL's encoded size plus the envelope).
func splitSitemap(urls []sitemapURL, maxURLs, maxBytes int) [][]sitemapURL {
	const envelope = len(xml.Header) + len(`<urlset xmlns="`+sitemapNS+`"></urlset>`) + 1
	var parts [][]sitemapURL
	start, size := 0, envelope
	for i, u := range urls {
		n := urlSize(u)
		if i > start && (i-start >= maxURLs || size+n > maxBytes) {
			parts = append(parts, urls[start:i])
			start, size = i, envelope
		}
		size += n
	}
	return append(parts, urls[start:])
}

// urlSize is the encoded size of one <url> element.
func urlSize(u sitemapURL) int {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(u.Loc))
	n := len("<url><loc></loc></url>") + b.Len()
	if u.LastMod != "" {
		n += len("<lastmod></lastmod>") + len(u.LastMod)
	}
	return n
}

// sitemap is /sitemap.xml: the sitemap itself, or, when the site has
// outgrown one file, the index of its parts /sitemap-N.xml.
func (s *Server) sitemap(w http.ResponseWriter, r *http.Request, rq *request) error {
	return s.sitemapDoc(w, r, rq, 0)
}

// sitemapChild is /sitemap-{n}.xml, a part of a split sitemap.
func (s *Server) sitemapChild(w http.ResponseWriter, r *http.Request, rq *request) error {
	p := chi.URLParam(r, "n")
	n, err := strconv.Atoi(p)
	if err != nil || n < 1 || strconv.Itoa(n) != p {
		return store.ErrNotFound
	}
	return s.sitemapDoc(w, r, rq, n)
}

// sitemapDoc answers the index (part 0) or a part of the sitemap.
func (s *Server) sitemapDoc(w http.ResponseWriter, r *http.Request, rq *request, part int) error {
	rq.key(keySitemap)
	entries, err := s.sitemapEntries(r, rq)
	if err != nil {
		return err
	}
	urls := rq.sitemapURLs(entries)
	parts := splitSitemap(urls, s.sitemapMaxURLs(), s.sitemapMaxBytes())
	const contentType = "application/xml; charset=utf-8"
	switch {
	case part == 0 && len(parts) == 1:
		return s.sendXML(w, r, rq, contentType, urlSet{XMLNS: sitemapNS, URLs: parts[0]})
	case part == 0:
		idx := sitemapIndex{XMLNS: sitemapNS}
		for i, p := range parts {
			child := sitemapURL{Loc: rq.abs(sitemapPart(i + 1))}
			var last string
			for _, u := range p {
				if u.LastMod > last { // same zone and format: text order is time order
					last = u.LastMod
				}
			}
			child.LastMod = last
			idx.Sitemaps = append(idx.Sitemaps, child)
		}
		return s.sendXML(w, r, rq, contentType, idx)
	case len(parts) > 1 && part <= len(parts):
		return s.sendXML(w, r, rq, contentType, urlSet{XMLNS: sitemapNS, URLs: parts[part-1]})
	}
	return fmt.Errorf("sitemap part %d of %d: %w", part, len(parts), store.ErrNotFound)
}

func (s *Server) sitemapMaxURLs() int {
	if s.cfg.SitemapMaxURLs > 0 {
		return min(s.cfg.SitemapMaxURLs, SitemapMaxURLs)
	}
	return SitemapMaxURLs
}

func (s *Server) sitemapMaxBytes() int {
	if s.cfg.SitemapMaxBytes > 0 {
		return min(s.cfg.SitemapMaxBytes, SitemapMaxBytes)
	}
	return SitemapMaxBytes
}

// Google News sitemap (https://developers.google.com/search/docs/crawling-indexing/sitemaps/news-sitemap).
type newsURLSet struct {
	XMLName   xml.Name  `xml:"urlset"`
	XMLNS     string    `xml:"xmlns,attr"`
	XMLNSNews string    `xml:"xmlns:news,attr"`
	URLs      []newsURL `xml:"url"`
}

type newsURL struct {
	Loc  string   `xml:"loc"`
	News newsNews `xml:"news:news"`
}

type newsNews struct {
	Publication     newsPublication `xml:"news:publication"`
	PublicationDate string          `xml:"news:publication_date"`
	Title           string          `xml:"news:title"`
}

type newsPublication struct {
	Name     string `xml:"news:name"`
	Language string `xml:"news:language"`
}

// newsSitemap is /sitemap-news.xml: the articles of the last two days.
// With none, there is no news sitemap: a <urlset> needs at least one <url>,
// so an empty one is invalid; robots.txt stops naming it meanwhile.
func (s *Server) newsSitemap(w http.ResponseWriter, r *http.Request, rq *request) error {
	rq.key(keySitemap)
	articles, err := s.newsArticles(r.Context(), rq)
	if err != nil {
		return err
	}
	if len(articles) == 0 {
		// The same rq: the answer changes when an article is published,
		// which purges KeySitemap or reaches rq's validity.
		s.errorPage(w, r, rq, http.StatusNotFound, "Page introuvable",
			"Aucun article n’a paru ces deux derniers jours : le plan des actualités est vide pour l’instant.")
		return nil
	}
	doc := newsURLSet{XMLNS: sitemapNS, XMLNSNews: newsNS}
	lang := rq.site.Language
	if lang == "" {
		lang = "fr"
	}
	for _, a := range articles {
		// The sitemap changes when this article grows too old for it.
		rq.until(a.Date.Add(newsWindow))
		doc.URLs = append(doc.URLs, newsURL{
			Loc: rq.abs(content.ArticlePath(a.Category, a.Slug)),
			News: newsNews{
				Publication:     newsPublication{Name: rq.site.Title, Language: lang},
				PublicationDate: rq.iso(a.Date),
				Title:           a.Title,
			},
		})
	}
	return s.sendXML(w, r, rq, "application/xml; charset=utf-8", doc)
}

// newsArticles are the articles of the news sitemap, newest first.
func (s *Server) newsArticles(ctx context.Context, rq *request) ([]store.Published, error) {
	articles, err := s.store.PublishedArticles(ctx, rq.view)
	if err != nil {
		return nil, err
	}
	return recent(articles, rq.now), nil
}

// recent keeps the articles published within newsWindow before now, at
// most newsMaxURLs; articles come newest first.
func recent(articles []store.Published, now time.Time) []store.Published {
	var out []store.Published
	for _, a := range articles {
		if now.Sub(a.Date) > newsWindow || len(out) == newsMaxURLs {
			break
		}
		out = append(out, a)
	}
	return out
}
