// Package importer brings another system's archive into the content
// folder: a WordPress export (WXR) or a Hugo site's content/. It writes
// ordinary content files, as an editor would, and reports every item it
// could not convert cleanly. It never touches a file an editor changed
// since it wrote it.
package importer

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// MaxExportSize bounds the export read: a WXR file holds text only (the
// media stay in wp-content/uploads), and the largest archives weigh a few
// hundred megabytes.
const MaxExportSize = 1 << 30

// Export is what a WordPress export (WXR 1.0 to 1.2) holds that we use.
type Export struct {
	Title       string
	Link        string // the site's address
	Description string
	Language    string
	BaseSiteURL string
	BaseBlogURL string
	Authors     []Author
	Categories  []Term
	Tags        []Term
	Items       []Item
}

// Author is a WordPress user.
type Author struct {
	ID          string `xml:"author_id"`
	Login       string `xml:"author_login"`
	DisplayName string `xml:"author_display_name"`
}

// Term is a WordPress category or tag.
type Term struct {
	ID          string
	Slug        string // nicename, as in its URL (may be percent-encoded)
	Parent      string // slug of the parent category
	Name        string
	Description string
}

// Item is a post, a page, an attachment or anything else WordPress stores.
type Item struct {
	Title         string
	Link          string
	GUID          string
	Creator       string // the author's login
	Content       string
	Excerpt       string
	ID            string
	Date          string // post_date, wall clock of the site
	DateGMT       string // post_date_gmt; 0000-00-00 00:00:00 for drafts
	Name          string // post_name, the slug
	Status        string
	Parent        string
	Type          string
	AttachmentURL string
	Password      string // post_password: readers had to give it
	Categories    []ItemTerm
	Meta          map[string]string
}

// ItemTerm is a category or tag of an item.
type ItemTerm struct {
	Domain string // category, post_tag, nav_menu, post_format, …
	Slug   string
	Name   string
}

type xmlTerm struct {
	ID          string `xml:"term_id"`
	CatSlug     string `xml:"category_nicename"`
	CatParent   string `xml:"category_parent"`
	CatName     string `xml:"cat_name"`
	CatDesc     string `xml:"category_description"`
	TagSlug     string `xml:"tag_slug"`
	TagName     string `xml:"tag_name"`
	TagDesc     string `xml:"tag_description"`
	Taxonomy    string `xml:"term_taxonomy"`
	TermSlug    string `xml:"term_slug"`
	TermParent  string `xml:"term_parent"`
	TermName    string `xml:"term_name"`
	TermDesc    string `xml:"term_description"`
	Description string `xml:"description"`
}

type xmlText struct {
	XMLName xml.Name
	Text    string `xml:",chardata"`
}

type xmlItem struct {
	Title         string    `xml:"title"`
	Link          string    `xml:"link"`
	GUID          string    `xml:"guid"`
	Creator       string    `xml:"creator"`
	Encoded       []xmlText `xml:"encoded"`
	ID            string    `xml:"post_id"`
	Date          string    `xml:"post_date"`
	DateGMT       string    `xml:"post_date_gmt"`
	Name          string    `xml:"post_name"`
	Status        string    `xml:"status"`
	Parent        string    `xml:"post_parent"`
	Type          string    `xml:"post_type"`
	AttachmentURL string    `xml:"attachment_url"`
	Password      string    `xml:"post_password"`
	Categories    []struct {
		Domain   string `xml:"domain,attr"`
		Nicename string `xml:"nicename,attr"`
		Name     string `xml:",chardata"`
	} `xml:"category"`
	Meta []struct {
		Key   string `xml:"meta_key"`
		Value string `xml:"meta_value"`
	} `xml:"postmeta"`
}

// ReadWXR reads a WordPress export. Elements are matched by their local
// name: WordPress has written its namespace with several URLs over the
// years. Content and excerpt share the name "encoded" and are told apart by
// their namespace.
func ReadWXR(r io.Reader) (*Export, error) {
	dec := xml.NewDecoder(io.LimitReader(r, MaxExportSize))
	dec.Strict = false // exports from old plugins carry stray entities
	dec.Entity = xml.HTMLEntity
	exp := &Export{}
	sawChannel := false
	depth := 0
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("read export: %w", err)
		}
		switch t := tok.(type) {
		case xml.EndElement:
			depth--
		case xml.StartElement:
			depth++
			if t.Name.Local == "channel" {
				sawChannel = true
				continue
			}
			// Only the channel's own children: an item's title is not the site's.
			if !sawChannel || depth != 3 {
				continue
			}
			if err := exp.element(dec, t); err != nil {
				return nil, err
			}
			depth--
		}
	}
	if !sawChannel {
		return nil, errors.New("read export: no <channel>: not a WordPress export (WXR)")
	}
	return exp, nil
}

// element reads one child of the channel, start already consumed.
func (exp *Export) element(dec *xml.Decoder, start xml.StartElement) error {
	text := func() (string, error) {
		var s string
		err := dec.DecodeElement(&s, &start)
		return strings.TrimSpace(s), err
	}
	var err error
	switch start.Name.Local {
	case "title":
		exp.Title, err = text()
	case "link":
		exp.Link, err = text()
	case "description":
		exp.Description, err = text()
	case "language":
		exp.Language, err = text()
	case "base_site_url":
		exp.BaseSiteURL, err = text()
	case "base_blog_url":
		exp.BaseBlogURL, err = text()
	case "author":
		var a Author
		err = dec.DecodeElement(&a, &start)
		a.ID, a.Login, a.DisplayName = strings.TrimSpace(a.ID), strings.TrimSpace(a.Login), strings.TrimSpace(a.DisplayName)
		exp.Authors = append(exp.Authors, a)
	case "category", "tag", "term":
		var x xmlTerm
		if err = dec.DecodeElement(&x, &start); err != nil {
			break
		}
		exp.term(start.Name.Local, x)
	case "item":
		var x xmlItem
		if err = dec.DecodeElement(&x, &start); err != nil {
			break
		}
		exp.Items = append(exp.Items, x.item())
	default:
		err = dec.Skip()
	}
	if err != nil {
		return fmt.Errorf("read export: <%s>: %w", start.Name.Local, err)
	}
	return nil
}

func (exp *Export) term(kind string, x xmlTerm) {
	trim := strings.TrimSpace
	switch {
	case kind == "category" || (kind == "term" && x.Taxonomy == "category"):
		t := Term{ID: trim(x.ID), Slug: trim(x.CatSlug), Parent: trim(x.CatParent), Name: trim(x.CatName), Description: trim(x.CatDesc)}
		if kind == "term" {
			t = Term{ID: trim(x.ID), Slug: trim(x.TermSlug), Parent: trim(x.TermParent), Name: trim(x.TermName), Description: trim(x.TermDesc)}
		}
		if t.Slug != "" {
			exp.Categories = append(exp.Categories, t)
		}
	case kind == "tag" || (kind == "term" && x.Taxonomy == "post_tag"):
		t := Term{ID: trim(x.ID), Slug: trim(x.TagSlug), Name: trim(x.TagName), Description: trim(x.TagDesc)}
		if kind == "term" {
			t = Term{ID: trim(x.ID), Slug: trim(x.TermSlug), Name: trim(x.TermName), Description: trim(x.TermDesc)}
		}
		if t.Slug != "" {
			exp.Tags = append(exp.Tags, t)
		}
	}
}

func (x xmlItem) item() Item {
	trim := strings.TrimSpace
	it := Item{Title: trim(x.Title), Link: trim(x.Link), GUID: trim(x.GUID), Creator: trim(x.Creator),
		ID: trim(x.ID), Date: trim(x.Date), DateGMT: trim(x.DateGMT), Name: trim(x.Name), Status: trim(x.Status),
		Parent: trim(x.Parent), Type: trim(x.Type), AttachmentURL: trim(x.AttachmentURL), Password: x.Password,
		Meta: map[string]string{}}
	for _, e := range x.Encoded {
		if strings.Contains(e.XMLName.Space, "excerpt") {
			it.Excerpt = e.Text
		} else {
			it.Content = e.Text
		}
	}
	for _, c := range x.Categories {
		it.Categories = append(it.Categories, ItemTerm{Domain: trim(c.Domain), Slug: trim(c.Nicename), Name: trim(c.Name)})
	}
	for _, m := range x.Meta {
		if _, seen := it.Meta[trim(m.Key)]; !seen {
			it.Meta[trim(m.Key)] = m.Value
		}
	}
	return it
}
