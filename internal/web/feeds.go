package web

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/horizons-expat/site/internal/content"
	"github.com/horizons-expat/site/internal/store"
	"github.com/horizons-expat/site/templates"
)

// The site's feeds besides RSS: Atom 1.0 (RFC 4287) and JSON Feed 1.1
// (https://jsonfeed.org/version/1.1), each for the whole site and, for
// Atom, per rubrique, tag and author. They carry the same articles as the
// RSS feeds, with their whole text.
const (
	siteAtomPath = "/atom.xml"
	siteJSONPath = "/feed.json"

	typeRSS  = "application/rss+xml"
	typeAtom = "application/atom+xml"
	typeJSON = "application/feed+json"
)

func categoryAtomPath(category string) string { return "/" + category + "/atom.xml" }
func tagAtomPath(tag string) string           { return content.TagPath(tag) + "/atom.xml" }
func authorFeedPath(author string) string     { return content.AuthorPath(author) + "/rss.xml" }
func authorAtomPath(author string) string     { return content.AuthorPath(author) + "/atom.xml" }

// feedScope is what one feed carries and how it presents itself.
type feedScope struct {
	store.FeedScope
	title, description string
	link               string // the page the feed follows
	keys               []string
}

// scope resolves the feed of r's route, or fails with ErrNotFound.
func (s *Server) scope(r *http.Request, rq *request) (feedScope, error) {
	sc := feedScope{title: rq.site.Title, description: rq.site.Description, link: "/"}
	if slug := chi.URLParam(r, "category"); slug != "" {
		c, err := rq.category(slug)
		if err != nil {
			return sc, err
		}
		sc.Category, sc.title, sc.link = c.Slug, rq.site.Title+" – "+c.Title, content.CategoryPath(c.Slug)
		if c.Description != "" {
			sc.description = c.Description
		}
		sc.keys = append(sc.keys, categoryKey(c.Slug))
	}
	if slug := chi.URLParam(r, "tag"); slug != "" {
		label, err := s.store.Tag(r.Context(), rq.view, slug)
		if err != nil {
			return sc, err
		}
		sc.Tag, sc.title, sc.link = slug, rq.site.Title+" – "+label, content.TagPath(slug)
		sc.description = "Les articles sur le thème « " + label + " »."
		sc.keys = append(sc.keys, tagKey(slug))
	}
	if slug := chi.URLParam(r, "author"); slug != "" {
		au, err := s.store.Author(r.Context(), rq.view, slug)
		if err != nil {
			return sc, err
		}
		sc.Author, sc.title, sc.link = slug, rq.site.Title+" – "+au.Name, content.AuthorPath(slug)
		sc.description = "Les articles de " + au.Name + "."
		sc.keys = append(sc.keys, authorKey(slug))
	}
	return sc, nil
}

// Atom 1.0 documents.
type atomFeed struct {
	XMLName  xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang     string      `xml:"xml:lang,attr"`
	ID       string      `xml:"id"`
	Title    string      `xml:"title"`
	Subtitle string      `xml:"subtitle,omitempty"`
	Updated  string      `xml:"updated"`
	Links    []atomHref  `xml:"link"`
	Author   *atomPerson `xml:"author,omitempty"`
	Icon     string      `xml:"icon,omitempty"`
	Entries  []atomEntry `xml:"entry"`
}

type atomHref struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
}

type atomPerson struct {
	Name string `xml:"name"`
	URI  string `xml:"uri,omitempty"`
}

type atomText struct {
	Type  string `xml:"type,attr"`
	Value string `xml:",chardata"`
}

type atomCategory struct {
	Term   string `xml:"term,attr"`
	Scheme string `xml:"scheme,attr,omitempty"`
	Label  string `xml:"label,attr,omitempty"`
}

type atomEntry struct {
	ID         string         `xml:"id"`
	Title      string         `xml:"title"`
	Links      []atomHref     `xml:"link"`
	Published  string         `xml:"published"`
	Updated    string         `xml:"updated"`
	Authors    []atomPerson   `xml:"author"`
	Categories []atomCategory `xml:"category"`
	Summary    string         `xml:"summary,omitempty"`
	Content    atomText       `xml:"content"`
}

// atom serves the Atom feed of the route's scope.
func (s *Server) atom(w http.ResponseWriter, r *http.Request, rq *request) error {
	sc, list, err := s.feedArticles(r, rq)
	if err != nil {
		return err
	}
	f := atomFeed{
		Lang:     rq.site.Language,
		ID:       rq.abs(sc.link),
		Title:    sc.title,
		Subtitle: sc.description,
		Links: []atomHref{
			{Href: rq.abs(r.URL.Path), Rel: "self", Type: typeAtom},
			{Href: rq.abs(sc.link), Rel: "alternate", Type: "text/html"},
		},
		// RFC 4287 wants an author for every entry; the site is the
		// author of those that name none.
		Author: &atomPerson{Name: rq.site.Title, URI: rq.abs("/")},
		Icon:   rq.abs(rq.assets.URL(logoImage)),
	}
	last := time.Unix(0, 0)
	for _, a := range list {
		link := rq.abs(a.URLPath())
		e := atomEntry{
			// The canonical URL is the article's permanent address, as
			// for the RSS guid.
			ID:         link,
			Title:      a.Title,
			Links:      []atomHref{{Href: link, Rel: "alternate", Type: "text/html"}},
			Published:  rq.iso(a.Date),
			Updated:    rq.iso(modified(a.Article)),
			Categories: []atomCategory{{Term: a.Category, Scheme: rq.abs("/"), Label: a.CategoryTitle}},
			Summary:    a.Description(),
			Content:    atomText{Type: "html", Value: absoluteLinks(a.BodyHTML, rq.site.BaseURL, link)},
		}
		for _, name := range a.Authors {
			e.Authors = append(e.Authors, atomPerson{Name: name, URI: rq.abs(content.AuthorPath(content.AuthorSlug(name)))})
		}
		for _, t := range a.Tags {
			e.Categories = append(e.Categories, atomCategory{Term: t.Slug, Scheme: rq.abs("/tags/"), Label: t.Label})
		}
		if m := modified(a.Article); m.After(last) {
			last = m
		}
		f.Entries = append(f.Entries, e)
	}
	f.Updated = rq.iso(last)
	return s.sendXML(w, r, rq, typeAtom+"; charset=utf-8", f)
}

// JSON Feed 1.1 documents.
type jsonFeed struct {
	Version     string       `json:"version"`
	Title       string       `json:"title"`
	HomePageURL string       `json:"home_page_url"`
	FeedURL     string       `json:"feed_url"`
	Description string       `json:"description,omitempty"`
	Icon        string       `json:"icon,omitempty"`
	Language    string       `json:"language,omitempty"`
	Authors     []jsonAuthor `json:"authors,omitempty"`
	Items       []jsonItem   `json:"items"`
}

type jsonAuthor struct {
	Name string `json:"name"`
	URL  string `json:"url,omitempty"`
}

type jsonItem struct {
	ID            string       `json:"id"`
	URL           string       `json:"url"`
	Title         string       `json:"title"`
	ContentHTML   string       `json:"content_html"`
	Summary       string       `json:"summary,omitempty"`
	Image         string       `json:"image,omitempty"`
	DatePublished string       `json:"date_published"`
	DateModified  string       `json:"date_modified,omitempty"`
	Authors       []jsonAuthor `json:"authors,omitempty"`
	Tags          []string     `json:"tags,omitempty"`
}

// jsonFeed serves the JSON Feed of the route's scope.
func (s *Server) jsonFeed(w http.ResponseWriter, r *http.Request, rq *request) error {
	sc, list, err := s.feedArticles(r, rq)
	if err != nil {
		return err
	}
	f := jsonFeed{
		Version:     "https://jsonfeed.org/version/1.1",
		Title:       sc.title,
		HomePageURL: rq.abs(sc.link),
		FeedURL:     rq.abs(r.URL.Path),
		Description: sc.description,
		Icon:        rq.abs(rq.assets.URL(logoImage)),
		Language:    rq.site.Language,
		Authors:     []jsonAuthor{{Name: rq.site.Title, URL: rq.abs("/")}},
		Items:       []jsonItem{},
	}
	for _, a := range list {
		link := rq.abs(a.URLPath())
		it := jsonItem{
			ID: link, URL: link, Title: a.Title,
			ContentHTML:   absoluteLinks(a.BodyHTML, rq.site.BaseURL, link),
			Summary:       a.Description(),
			Image:         rq.abs(a.Image),
			DatePublished: rq.iso(a.Date),
			DateModified:  rq.iso(modified(a.Article)),
		}
		for _, name := range a.Authors {
			it.Authors = append(it.Authors, jsonAuthor{Name: name, URL: rq.abs(content.AuthorPath(content.AuthorSlug(name)))})
		}
		for _, t := range a.Tags {
			it.Tags = append(it.Tags, t.Label)
		}
		f.Items = append(f.Items, it)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(f); err != nil {
		return err
	}
	s.send(w, r, rq.response(typeJSON+"; charset=utf-8", buf.Bytes()))
	return nil
}

// feedArticles starts a feed's answer: its scope and its articles.
func (s *Server) feedArticles(r *http.Request, rq *request) (sc feedScope, list []store.Article, err error) {
	if sc, err = s.scope(r, rq); err != nil {
		return sc, nil, err
	}
	rq.key(keyFeeds)
	rq.key(sc.keys...)
	list, err = s.store.FeedArticles(r.Context(), rq.view, sc.FeedScope, feedItems)
	return sc, list, err
}

// feedLinks are the feeds a page announces in its head for the scope at
// path (a listing, or "/" for the whole site): RSS and Atom, and the JSON
// Feed for the whole site.
func (rq *request) feedLinks(title, rss, atom string) []templates.FeedLink {
	return []templates.FeedLink{
		{Title: title + " (RSS)", URL: rq.abs(rss), Type: typeRSS},
		{Title: title + " (Atom)", URL: rq.abs(atom), Type: typeAtom},
	}
}

// fragmentLink reports whether href points into the page itself (#note-1).
func fragmentLink(href string) bool { return strings.HasPrefix(href, "#") }
