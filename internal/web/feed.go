package web

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"golang.org/x/net/html"

	"github.com/horizons-expat/site/internal/images"
	"github.com/horizons-expat/site/internal/store"
)

// siteFeedPath is the RSS feed of every rubrique.
const siteFeedPath = "/rss.xml"

// categoryFeedPath is the RSS feed of one rubrique.
func categoryFeedPath(category string) string { return "/" + category + "/rss.xml" }

// feedItems is how many of the newest articles a feed carries: enough for
// a reader that polls once a day never to miss one.
const feedItems = 30

// RSS 2.0 (https://www.rssboard.org/rss-specification) with the content
// module for full bodies, Dublin Core for authors (RSS's own <author> must
// be an e-mail address) and Atom's self link.
type rssDoc struct {
	XMLName      xml.Name   `xml:"rss"`
	Version      string     `xml:"version,attr"`
	XMLNSContent string     `xml:"xmlns:content,attr"`
	XMLNSDC      string     `xml:"xmlns:dc,attr"`
	XMLNSAtom    string     `xml:"xmlns:atom,attr"`
	XMLNSMedia   string     `xml:"xmlns:media,attr"`
	Channel      rssChannel `xml:"channel"`
}

type rssChannel struct {
	Title         string    `xml:"title"`
	Link          string    `xml:"link"`
	Description   string    `xml:"description"`
	Language      string    `xml:"language"`
	LastBuildDate string    `xml:"lastBuildDate,omitempty"`
	Self          atomLink  `xml:"atom:link"`
	Image         rssImage  `xml:"image"`
	Items         []rssItem `xml:"item"`
}

type atomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr"`
}

type rssImage struct {
	URL    string `xml:"url"`
	Title  string `xml:"title"`
	Link   string `xml:"link"`
	Width  int    `xml:"width"`
	Height int    `xml:"height"`
}

type rssItem struct {
	Title       string        `xml:"title"`
	Link        string        `xml:"link"`
	GUID        rssGUID       `xml:"guid"`
	PubDate     string        `xml:"pubDate"`
	Creator     string        `xml:"dc:creator,omitempty"`
	Categories  []rssCategory `xml:"category"`
	Description string        `xml:"description"`
	Content     cdata         `xml:"content:encoded"`
	Media       *mediaContent `xml:"media:content,omitempty"`
}

// mediaContent is the cover of an item, in Media RSS
// (https://www.rssboard.org/media-rss), which feed readers show beside it.
type mediaContent struct {
	URL    string `xml:"url,attr"`
	Type   string `xml:"type,attr"`
	Medium string `xml:"medium,attr"`
	Width  int    `xml:"width,attr,omitempty"`
	Height int    `xml:"height,attr,omitempty"`
}

type rssGUID struct {
	IsPermaLink bool   `xml:"isPermaLink,attr"`
	Value       string `xml:",chardata"`
}

type rssCategory struct {
	Domain string `xml:"domain,attr,omitempty"`
	Value  string `xml:",chardata"`
}

type cdata struct {
	Value string `xml:",cdata"`
}

// rss serves the RSS feed of the route's scope: /rss.xml, a rubrique's,
// an author's.
func (s *Server) rss(w http.ResponseWriter, r *http.Request, rq *request) error {
	sc, list, err := s.feedArticles(r, rq)
	if err != nil {
		return err
	}
	ch := rssChannel{
		Title:       sc.title,
		Link:        rq.abs(sc.link),
		Description: sc.description,
		Language:    rq.site.Language,
		Self:        atomLink{Href: rq.abs(r.URL.Path), Rel: "self", Type: typeRSS},
	}
	// Without a size a reader assumes 88×31: say it.
	ch.Image = rssImage{URL: rq.abs(rq.assets.URL(feedLogoImage)), Title: ch.Title, Link: ch.Link,
		Width: feedLogoSize, Height: feedLogoSize}
	var last time.Time
	for _, a := range list {
		ch.Items = append(ch.Items, rq.rssItem(a))
		if m := modified(a.Article); m.After(last) {
			last = m
		}
	}
	if !last.IsZero() {
		ch.LastBuildDate = last.In(rq.site.Location).Format(time.RFC1123Z)
	}
	doc := rssDoc{
		Version: "2.0", Channel: ch,
		XMLNSContent: "http://purl.org/rss/1.0/modules/content/",
		XMLNSDC:      "http://purl.org/dc/elements/1.1/",
		XMLNSAtom:    "http://www.w3.org/2005/Atom",
		XMLNSMedia:   "http://search.yahoo.com/mrss/",
	}
	return s.sendXML(w, r, rq, "application/rss+xml; charset=utf-8", doc)
}

func (rq *request) rssItem(a store.Article) rssItem {
	link := rq.abs(a.URLPath())
	it := rssItem{
		Title: a.Title,
		Link:  link,
		// The canonical URL is the article's permanent address: a move
		// leaves a redirect behind.
		GUID:        rssGUID{IsPermaLink: true, Value: link},
		PubDate:     a.Date.In(rq.site.Location).Format(time.RFC1123Z),
		Creator:     strings.Join(a.Authors, ", "),
		Categories:  []rssCategory{{Domain: rq.abs("/" + a.Category), Value: a.CategoryTitle}},
		Description: a.Description(),
		Content:     cdata{absoluteLinks(a.BodyHTML, rq.site.BaseURL, link)},
	}
	for _, t := range a.Tags {
		it.Categories = append(it.Categories, rssCategory{Value: t.Label})
	}
	it.Media = rq.feedCover(a)
	return it
}

// feedCover is the item's cover: its 1200-wide 16:9 crop once made, the
// original until then; nil without a site-local cover.
func (rq *request) feedCover(a store.Article) *mediaContent {
	pic := rq.coverPicture(a, "", false)
	if pic == nil {
		return nil
	}
	if rq.images != nil {
		file, _ := url.PathUnescape(strings.TrimPrefix(a.Image, "/"))
		if plan, st, ok := rq.images.Lookup(file, images.UseCover, focusOf(a.ImageFocus)); ok && st.Ready {
			if v, ok := plan.ExtraOf(images.CoverRatio); ok {
				return &mediaContent{URL: rq.abs(variantPrefix + v.Name), Type: "image/jpeg", Medium: "image", Width: v.Width, Height: v.Height}
			}
		}
	}
	return &mediaContent{URL: rq.abs(a.Image), Type: images.ContentType(images.FormatOf(a.Image)), Medium: "image", Width: a.ImageWidth, Height: a.ImageHeight}
}

// absoluteLinks rewrites the site-relative href and src attributes of an
// HTML fragment onto base, and links within the page (headings' anchors,
// footnotes) onto the page's URL: a feed reader shows the body away from
// the site. The headings' "#" links are left out: a feed reader shows
// the text, not a page to share a section of.
func absoluteLinks(fragment, base, page string) string {
	z := html.NewTokenizer(strings.NewReader(fragment))
	var b strings.Builder
	skipping := false
	for {
		if z.Next() == html.ErrorToken {
			return b.String() // io.EOF: the fragment is in memory
		}
		t := z.Token()
		if t.Type == html.StartTagToken && t.Data == "a" && hasClass(t, "heading-anchor") {
			skipping = true
			continue
		}
		if skipping {
			skipping = !(t.Type == html.EndTagToken && t.Data == "a")
			continue
		}
		if t.Type == html.StartTagToken || t.Type == html.SelfClosingTagToken {
			for i, at := range t.Attr {
				if (at.Key == "href" || at.Key == "src") && strings.HasPrefix(at.Val, "/") && !strings.HasPrefix(at.Val, "//") {
					t.Attr[i].Val = base + at.Val
				}
				if at.Key == "href" && fragmentLink(at.Val) {
					t.Attr[i].Val = page + at.Val
				}
			}
		}
		b.WriteString(t.String())
	}
}

// hasClass reports whether the tag t has class c.
func hasClass(t html.Token, c string) bool {
	for _, at := range t.Attr {
		if at.Key == "class" && slices.Contains(strings.Fields(at.Val), c) {
			return true
		}
	}
	return false
}

// sendXML encodes doc as an XML document and sends it. An error is the
// encoder's, before anything is written.
func (s *Server) sendXML(w http.ResponseWriter, r *http.Request, rq *request, contentType string, doc any) error {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	if err := xml.NewEncoder(&buf).Encode(doc); err != nil {
		return fmt.Errorf("encode %s: %w", contentType, err)
	}
	buf.WriteByte('\n')
	s.send(w, r, rq.response(contentType, buf.Bytes()))
	return nil
}
