package web

import (
	"strings"
	"time"

	"github.com/horizons-expat/site/internal/content"
	"github.com/horizons-expat/site/internal/store"
	"github.com/horizons-expat/site/templates"
)

// The raster images drawn from the logo (static/logo.png, logo-flux.png,
// partage.png) and their sizes, which Open Graph, JSON-LD and the feeds
// state. RSS 2.0 bounds a channel's image to 144×400.
const (
	logoImage, logoSize               = "logo.png", 512
	feedLogoImage, feedLogoSize       = "logo-flux.png", 144
	shareImage                        = "partage.png"
	shareImageWidth, shareImageHeight = 1200, 630
)

// abs makes a site path absolute on the base URL; absolute URLs pass as
// they are.
func (rq *request) abs(p string) string {
	if p == "" || strings.HasPrefix(p, "http://") || strings.HasPrefix(p, "https://") {
		return p
	}
	return rq.site.BaseURL + p
}

// locale is the site's language as a region-qualified tag: "fr" gives
// "fr-FR" (JSON-LD) and, with sep "_", "fr_FR" (Open Graph).
func (rq *request) locale(sep string) string {
	lang := rq.site.Language
	if lang == "" {
		lang = "fr"
	}
	if len(lang) == 2 {
		return lang + sep + strings.ToUpper(lang)
	}
	return strings.ReplaceAll(lang, "-", sep)
}

// iso is an instant as machines read it, in the site's zone.
func (rq *request) iso(t time.Time) string { return t.In(rq.site.Location).Format(time.RFC3339) }

// meta is the machine-readable description every page starts from: a
// website page with the site's sharing picture and the site-wide feed.
func (rq *request) meta(title string) templates.Meta {
	if title == "" {
		title = rq.site.Title
	}
	return templates.Meta{
		Type:        "website",
		Title:       title,
		Locale:      rq.locale("_"),
		Image:       rq.abs(rq.assets.URL(shareImage)),
		ImageAlt:    rq.site.Title,
		ImageWidth:  shareImageWidth,
		ImageHeight: shareImageHeight,
		Feeds: append(rq.feedLinks(rq.site.Title+" – tous les articles", siteFeedPath, siteAtomPath),
			templates.FeedLink{Title: rq.site.Title + " – tous les articles (JSON Feed)", URL: rq.abs(siteJSONPath), Type: typeJSON}),
	}
}

// categoryFeeds announce the feeds of a rubrique.
func (rq *request) categoryFeeds(slug, title string) []templates.FeedLink {
	return rq.feedLinks(rq.site.Title+" – "+title, categoryFeedPath(slug), categoryAtomPath(slug))
}

// articleMeta describes an article page.
func (rq *request) articleMeta(m *templates.Meta, a store.Article) {
	m.Type = "article"
	m.Title = a.Title
	// The cover's share crop once made, else the original while it is
	// being made, else the site's picture: never an address that fails.
	switch og, _, ok := rq.shareImages(a); {
	case ok && og.Name != "" && a.ImageWidth > 0:
		m.Image, m.ImageAlt, m.ImageWidth, m.ImageHeight = rq.abs(variantPrefix+og.Name), a.ImageAlt, og.Width, og.Height
	case ok && og.Name != "" && !strings.HasPrefix(a.Image, "https://"):
		// The card drawn from the title: its text is the title.
		m.Image, m.ImageAlt, m.ImageWidth, m.ImageHeight = rq.abs(variantPrefix+og.Name), a.Title, og.Width, og.Height
	case strings.HasPrefix(a.Image, "/") && a.ImageWidth > 0:
		m.Image, m.ImageAlt, m.ImageWidth, m.ImageHeight = rq.abs(a.Image), a.ImageAlt, a.ImageWidth, a.ImageHeight
	case strings.HasPrefix(a.Image, "https://"):
		m.Image, m.ImageAlt, m.ImageWidth, m.ImageHeight = a.Image, a.ImageAlt, 0, 0
	}
	if m.ImageAlt == "" {
		m.ImageAlt = rq.site.Title
	}
	m.Published = rq.iso(a.Date)
	m.Modified = rq.iso(modified(a.Article))
	m.Section = a.CategoryTitle
	for _, t := range a.Tags {
		m.Tags = append(m.Tags, t.Label)
	}
	m.Feeds = append(m.Feeds, rq.categoryFeeds(a.Category, a.CategoryTitle)...)
}

// modified is when an article last changed: its update, or its publication.
func modified(a content.Article) time.Time {
	if a.Updated.After(a.Date) {
		return a.Updated
	}
	return a.Date
}

// JSON-LD documents (https://schema.org). They are encoded by
// encoding/json, which also escapes "<" so that no text can close the
// script element.

type ldImage struct {
	Type   string `json:"@type"`
	URL    string `json:"url"`
	Width  int    `json:"width,omitempty"`
	Height int    `json:"height,omitempty"`
}

type ldOrganization struct {
	Context string   `json:"@context,omitempty"`
	Type    string   `json:"@type"`
	Name    string   `json:"name"`
	URL     string   `json:"url"`
	Logo    *ldImage `json:"logo,omitempty"`
}

type ldPerson struct {
	Type     string `json:"@type"` // "Person", or "Organization" for a newsroom
	Name     string `json:"name"`
	URL      string `json:"url"`
	JobTitle string `json:"jobTitle,omitempty"`
}

type ldWebPage struct {
	Type string `json:"@type"`
	ID   string `json:"@id"`
}

type ldNewsArticle struct {
	Context          string         `json:"@context"`
	Type             string         `json:"@type"`
	Headline         string         `json:"headline"`
	Description      string         `json:"description,omitempty"`
	URL              string         `json:"url"`
	DatePublished    string         `json:"datePublished"`
	DateModified     string         `json:"dateModified"`
	Author           any            `json:"author"`
	Publisher        ldOrganization `json:"publisher"`
	Image            []string       `json:"image"`
	ArticleSection   string         `json:"articleSection"`
	Keywords         []string       `json:"keywords,omitempty"`
	InLanguage       string         `json:"inLanguage"`
	MainEntityOfPage ldWebPage      `json:"mainEntityOfPage"`
	Citation         []ldWork       `json:"citation,omitempty"`
}

// ldWork is a page an article cites: one of its sources.
type ldWork struct {
	Type string `json:"@type"`
	Name string `json:"name"`
	URL  string `json:"url"`
}

type ldListItem struct {
	Type     string `json:"@type"`
	Position int    `json:"position"`
	Name     string `json:"name"`
	Item     string `json:"item"`
}

type ldBreadcrumbList struct {
	Context         string       `json:"@context"`
	Type            string       `json:"@type"`
	ItemListElement []ldListItem `json:"itemListElement"`
}

type ldEntryPoint struct {
	Type        string `json:"@type"`
	URLTemplate string `json:"urlTemplate"`
}

type ldSearchAction struct {
	Type       string       `json:"@type"`
	Target     ldEntryPoint `json:"target"`
	QueryInput string       `json:"query-input"`
}

type ldWebSite struct {
	Context         string         `json:"@context"`
	Type            string         `json:"@type"`
	Name            string         `json:"name"`
	URL             string         `json:"url"`
	Description     string         `json:"description,omitempty"`
	InLanguage      string         `json:"inLanguage"`
	PotentialAction ldSearchAction `json:"potentialAction"`
}

const schemaOrg = "https://schema.org"

// publisher is the site as an organisation, with its raster logo.
func (rq *request) publisher() ldOrganization {
	return ldOrganization{
		Type: "Organization", Name: rq.site.Title, URL: rq.abs("/"),
		Logo: &ldImage{Type: "ImageObject", URL: rq.abs(rq.assets.URL(logoImage)), Width: logoSize, Height: logoSize},
	}
}

// newsArticle is the structured data of an article page; authors are
// those of the article, each with the page that lists their articles.
func (rq *request) newsArticle(a store.Article, authors []content.Author, m templates.Meta, canonical string) ldNewsArticle {
	var author any = rq.publisher()
	var people []ldPerson
	for _, au := range authors {
		p := ldPerson{Type: "Person", Name: au.Name, URL: rq.abs(content.AuthorPath(au.Slug))}
		if au.Organization {
			p.Type = "Organization"
		}
		people = append(people, p)
	}
	switch len(people) {
	case 0:
	case 1:
		author = people[0]
	default:
		author = people
	}
	var citations []ldWork
	for _, src := range a.Sources {
		citations = append(citations, ldWork{Type: "CreativeWork", Name: src.Title, URL: src.URL})
	}
	return ldNewsArticle{
		Context: schemaOrg, Type: "NewsArticle",
		Citation:         citations,
		Headline:         a.Title,
		Description:      a.MetaDesc(),
		URL:              canonical,
		DatePublished:    m.Published,
		DateModified:     m.Modified,
		Author:           author,
		Publisher:        rq.publisher(),
		Image:            rq.ldImages(a, m),
		ArticleSection:   a.CategoryTitle,
		Keywords:         m.Tags,
		InLanguage:       rq.locale("-"),
		MainEntityOfPage: ldWebPage{Type: "WebPage", ID: canonical},
	}
}

type ldProfilePage struct {
	Context    string   `json:"@context"`
	Type       string   `json:"@type"`
	MainEntity ldPerson `json:"mainEntity"`
}

// profilePage is the structured data of an author's page: who the page is
// about, a person or an organization.
func (rq *request) profilePage(au content.Author) ldProfilePage {
	p := ldPerson{Type: "Person", Name: au.Name, URL: rq.abs(content.AuthorPath(au.Slug)), JobTitle: au.Role}
	if au.Organization {
		p.Type, p.JobTitle = "Organization", ""
	}
	return ldProfilePage{Context: schemaOrg, Type: "ProfilePage", MainEntity: p}
}

// breadcrumbList is the structured form of a page's breadcrumb trail; the
// last crumb, the page itself, is at canonical.
func (rq *request) breadcrumbList(crumbs []templates.Crumb, canonical string) ldBreadcrumbList {
	l := ldBreadcrumbList{Context: schemaOrg, Type: "BreadcrumbList"}
	for i, c := range crumbs {
		item := canonical
		if c.URL != "" {
			item = rq.abs(c.URL)
		}
		l.ItemListElement = append(l.ItemListElement, ldListItem{Type: "ListItem", Position: i + 1, Name: c.Title, Item: item})
	}
	return l
}

// webSite and organization describe the site on its home page; the search
// action tells search engines how to search it.
func (rq *request) webSite() ldWebSite {
	return ldWebSite{
		Context: schemaOrg, Type: "WebSite",
		Name: rq.site.Title, URL: rq.abs("/"), Description: rq.site.Description, InLanguage: rq.locale("-"),
		PotentialAction: ldSearchAction{
			Type:       "SearchAction",
			Target:     ldEntryPoint{Type: "EntryPoint", URLTemplate: rq.abs("/recherche") + "?q={search_term_string}"},
			QueryInput: "required name=search_term_string",
		},
	}
}

func (rq *request) organization() ldOrganization {
	o := rq.publisher()
	o.Context = schemaOrg
	return o
}

// ldImages are the article's pictures for structured data: the 1200-wide
// crops in 16:9, 4:3 and 1:1 that Google's article guidelines ask for,
// once made; until then the page's sharing picture.
func (rq *request) ldImages(a store.Article, m templates.Meta) []string {
	if _, ld, ok := rq.shareImages(a); ok && len(ld) > 0 {
		return ld
	}
	return []string{m.Image}
}
