// Package content reads the editors' Markdown files and site settings into
// plain domain types and validates them. It knows nothing of HTTP or SQL:
// every problem it finds is a Problem that names the file and line.
package content

import (
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode"
)

// Site holds the site-wide settings of content/site.yaml.
type Site struct {
	Title       string
	Tagline     string
	Description string
	BaseURL     string // absolute, without a trailing slash
	Language    string
	TimeZone    string
	Location    *time.Location
}

// Category is one rubrique: a folder of content/ with its _index.md.
type Category struct {
	Slug        string // the folder name, also its URL
	Title       string
	Description string
	Weight      int // menu order, smallest first
	IntroHTML   string
	Aliases     []string // old addresses of the rubrique, redirected to it
	Path        string
	Hash        string
}

// Article is one published (or draft, or scheduled) news item.
type Article struct {
	Path     string // slash-separated, relative to content/: "vie-pratique/retraite.md"
	Hash     string // of the file's bytes, to skip unchanged files on reload
	Category string // slug of the folder it sits in
	Slug     string

	Title   string
	Summary string
	// MetaDescription is Hugo's description: what search engines show,
	// distinct from the summary that lists show. Empty when not given.
	MetaDescription string
	Authors         []string // names, in the order given; see AuthorSlug
	Image           string   // URL of the cover: /media/x.jpg, a bundle's /<rubrique>/<slug>/x.jpg, or https://…
	ImageAlt        string
	ImageCaption    string // shown under the cover
	ImageCredit     string // who made the picture: every press picture carries one
	// ImageFocus is the point a crop keeps ("top", "30% 40%"), "" for the centre.
	ImageFocus string
	// ImageWidth and ImageHeight are the cover's displayed size, read at
	// ingest; 0 for a remote cover.
	ImageWidth, ImageHeight int
	Date                    time.Time
	Updated                 time.Time // zero when not given
	Expires                 time.Time // zero when not given
	Draft                   bool
	Tags                    []Tag
	Aliases                 []string
	Sources                 []Source // the pages the article rests on, in the editor's order

	BodyHTML       string
	BodyText       string // the body without markup, for search and descriptions
	FirstParagraph string
	Words          int
	Links          []Link    // site-internal links of the body
	Headings       []Heading // every heading of the body, in order
	// Images are the site-local images of the body, by their path in the
	// content folder ("media/x.jpg"), once each.
	Images []string
}

// Source is a page an article rests on: listed under the article and given
// to search engines as a citation.
type Source struct {
	Title string
	URL   string // absolute http(s)
}

// Tag is a keyword as the editor wrote it and the slug of its URL.
type Tag struct {
	Slug  string
	Label string
}

// Link is a link of an article body to a path of this site.
type Link struct {
	Target string
	Line   int
	Later  bool // its paragraph says it was added by an update (« mis à jour le … »)
}

// URLPath is the article's canonical path on the site.
func (a *Article) URLPath() string { return ArticlePath(a.Category, a.Slug) }

// ArticlePath is the canonical path of the article slug in category.
func ArticlePath(category, slug string) string { return "/" + category + "/" + slug }

// CategoryPath is the canonical path of a category listing.
func CategoryPath(category string) string { return "/" + category }

// TagPath is the canonical path of a tag listing.
func TagPath(tag string) string { return "/tags/" + tag }

// AuthorsDir is the folder of content/ where authors' pages live:
// auteurs/<slug>.md describes the author whose name has that slug.
const AuthorsDir = "auteurs"

// AuthorPath is the canonical path of an author's page.
func AuthorPath(slug string) string { return "/" + AuthorsDir + "/" + slug }

// AuthorSlug is the slug of an author's name: « La rédaction » → la-redaction.
func AuthorSlug(name string) string { return Slugify(name) }

// EditorialTeam is the slug of the newsroom as an author: the
// organization, not a person.
const EditorialTeam = "la-redaction"

// ArchivesPath is the index of months.
const ArchivesPath = "/archives"

// MonthPath is the canonical path of the list of a month's articles.
func MonthPath(year int, month time.Month) string {
	return fmt.Sprintf("%s/%04d/%02d", ArchivesPath, year, int(month))
}

// Description is what describes the article in meta tags and feeds: its
// summary, or else its first paragraph cut at a word boundary.
func (a *Article) Description() string {
	if a.Summary != "" {
		return a.Summary
	}
	return Truncate(a.FirstParagraph, 160)
}

// MetaDesc is the page's meta description: the description the editor
// wrote for search engines, or else the article's Description.
func (a *Article) MetaDesc() string {
	if a.MetaDescription != "" {
		return a.MetaDescription
	}
	return a.Description()
}

// Truncate cuts s to at most about max characters at a word boundary and
// marks the cut with an ellipsis.
func Truncate(s string, max int) string {
	// Fold breaking white space only: the no-break spaces of French
	// typography must survive into descriptions.
	s = strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) && r != '\u00a0' && r != '\u202f'
	}), " ")
	r := []rune(s)
	if len(r) <= max {
		return s
	}
	cut := string(r[:max])
	if i := strings.LastIndexByte(cut, ' '); i > max/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " \u00a0,;:.!?-–") + "…"
}

// Problem is something wrong in a content file. Errors leave the file out of
// the site; warnings do not.
type Problem struct {
	Path    string
	Line    int // 0 when no line can be named
	Message string
	Warning bool
	// Image is the content-folder path of the image file the site refused
	// here, "" otherwise: that file is named, even if no page shows it.
	Image string `json:",omitempty"`
}

func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.Path)
	if p.Line > 0 {
		fmt.Fprintf(&b, ":%d", p.Line)
	}
	b.WriteString(": ")
	if p.Warning {
		b.WriteString("avertissement : ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// Error makes a Problem usable as an error.
func (p Problem) Error() string { return p.String() }

func problemf(path string, line int, format string, args ...any) Problem {
	return Problem{Path: path, Line: line, Message: fmt.Sprintf(format, args...)}
}

func warningf(path string, line int, format string, args ...any) Problem {
	p := problemf(path, line, format, args...)
	p.Warning = true
	return p
}

// HasErrors reports whether any of ps is an error rather than a warning.
func HasErrors(ps []Problem) bool {
	for _, p := range ps {
		if !p.Warning {
			return true
		}
	}
	return false
}

// validBaseURL reports whether s is an absolute http(s) URL without query.
func validBaseURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.RawQuery == "" && u.Fragment == ""
}
