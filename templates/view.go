// Package templates renders the site's HTML pages with templ. Its view
// models are plain values that the web package fills in: templates never
// query anything and never look at the clock.
package templates

import "strings"

// Layout is what every page's frame needs.
type Layout struct {
	SiteTitle   string
	Tagline     string
	Title       string // the whole <title>
	Description string
	Canonical   string // absolute URL
	Noindex     bool
	CSS         string // fingerprinted stylesheet URL
	Icon        string // fingerprinted favicon URL
	Logo        string // fingerprinted logo URL
	Menu        []MenuItem
	Year        int
	Query       string // the search box's text, kept on the results page
	// SearchPage leaves out the header's search box: the page has its own.
	SearchPage bool
	// Script is the fingerprinted URL of the suggestions script.
	Script string
	// Meta is what search engines, social networks and feed readers read
	// in the head.
	Meta Meta
}

// Meta describes a page to machines: Open Graph, Twitter card, feeds and
// structured data.
type Meta struct {
	Type        string // og:type: "website" or "article"
	Title       string // the page's own title, without the site name
	Locale      string // og:locale, "fr_FR"
	Image       string // absolute URL
	ImageAlt    string
	ImageWidth  int // 0 when unknown
	ImageHeight int
	// Articles only: RFC 3339 instants, rubrique and tags.
	Published, Modified string
	Section             string
	Tags                []string
	Feeds               []FeedLink // announced with <link rel="alternate">
	JSONLD              []any      // structured data documents, encoded as JSON
}

// FeedLink is a feed that a page announces.
type FeedLink struct {
	Title, URL string
	Type       string // "application/rss+xml", "application/atom+xml", "application/feed+json"
}

// MenuItem is one rubrique of the header menu.
type MenuItem struct {
	Title, URL string
	Current    bool
}

// Date is an instant as pages show it.
type Date struct {
	ISO      string // RFC 3339, for <time datetime>
	Relative string // "il y a 3 jours"
	Absolute string // "20 mai 2021"
}

// Card is an article in a list.
type Card struct {
	URL, Title, Summary   string
	Category, CategoryURL string
	Date                  Date
	Badge                 string   // "Brouillon", "Programmé"…: only in an editor's preview
	Picture               *Picture // the cover, nil without one
}

// Picture is an image with its variants. Until the variants are made, Src
// is the original and the srcsets are empty.
type Picture struct {
	Src           string
	SrcSet        string // of the JPEG or PNG variants: "/img/x-320x180.jpg 320w, …"
	WebPSrcSet    string
	Sizes         string // how wide the layout shows it
	Width, Height int    // of the largest variant: the ratio the page reserves
	Alt           string
	// Priority marks the page's largest image above the fold: loaded at
	// once and first, not lazily.
	Priority bool
	// Cover crops the image to 16:9 (the variants already are).
	Cover bool
	// Placeholder is the class of the average colour, shown while it loads.
	Placeholder     string
	Caption, Credit string
}

// Crumb is one step of a breadcrumb trail; the last has no URL.
type Crumb struct {
	Title, URL string
}

// TagLink is a tag of an article.
type TagLink struct {
	Label, URL string
}

// Source is a page an article rests on.
type Source struct {
	Title, URL string
}

// ArticlePage is an article.
type ArticlePage struct {
	Layout
	Crumbs                []Crumb
	Title                 string
	Summary               string // the standfirst, under the title
	Category, CategoryURL string
	Authors               []AuthorLink
	Published             Date
	Updated               *Date
	ReadingMinutes        int
	Cover                 *Picture       // nil without one
	Contents              []ContentsItem // the « Sommaire »; empty for short articles
	BodyHTML              string
	Tags                  []TagLink
	Sources               []Source // under the article, in the editor's order
	Related               []Card
	Banner                *Banner // only in an editor's preview of an unpublished article
}

// AuthorLink is an author of an article, linked to their page.
type AuthorLink struct {
	Name, URL string
}

// ContentsItem is a section of an article in its contents list, with its
// subsections.
type ContentsItem struct {
	Text, URL string // URL: "#cpam"
	Children  []ContentsItem
}

// Banner tells an editor previewing an article why readers cannot see it.
type Banner struct {
	Label   string // "Brouillon", "Programmé", "Expiré", "Aperçu — non publié"
	Message string
}

// AuthorPage is an author's page: who they are and their articles.
type AuthorPage struct {
	Layout
	Crumbs   []Crumb
	Name     string
	Role     string
	BioHTML  string
	Photo    string // image URL, "" when none
	Total    int
	Cards    []Card
	Pager    Pager
	FeedURL  string
	AtomURL  string
	JSONFeed string
}

// ArchivesPage lists the months that have articles, by year.
type ArchivesPage struct {
	Layout
	Crumbs []Crumb
	Years  []ArchiveYear
}

// ArchiveYear is one year of the archives, its months newest first.
type ArchiveYear struct {
	Year   string
	Months []ArchiveMonth
}

// ArchiveMonth is a month of the archives.
type ArchiveMonth struct {
	Label, URL string // "novembre 2024", "/archives/2024/11"
	Count      int
}

// PreviewLink is an unpublished article's preview URL on the status page.
type PreviewLink struct {
	Title, URL, State string // State: "Brouillon" or "Programmé"
}

// Pager is the numbered pagination of a listing.
type Pager struct {
	Current, Last int
	URL           func(page int) string
}

// pagerWindow is how many page numbers are shown on each side of the
// current one; the first and last pages are always shown.
const pagerWindow = 2

// Numbers returns the page numbers to show, with 0 standing for a gap
// ("…") between two runs of numbers.
func (p Pager) Numbers() []int {
	var out []int
	for n := 1; n <= p.Last; n++ {
		if n == 1 || n == p.Last || (n >= p.Current-pagerWindow && n <= p.Current+pagerWindow) {
			out = append(out, n)
		} else if len(out) > 0 && out[len(out)-1] != 0 {
			out = append(out, 0)
		}
	}
	return out
}

// ListPage is a paginated list of articles: a category or a tag.
type ListPage struct {
	Layout
	Crumbs    []Crumb
	Heading   string
	IntroHTML string
	Intro     string
	Total     int
	Cards     []Card
	Pager     Pager
}

// Section is a rubrique on the home page.
type Section struct {
	Title, URL string
	Cards      []Card
}

// HomePage is the front page.
type HomePage struct {
	Layout
	Lead     *Card
	Latest   []Card
	Sections []Section
}

// TagCount is a tag in the tag index.
type TagCount struct {
	Label, URL string
	Count      int
}

// TagsPage lists every tag.
type TagsPage struct {
	Layout
	Tags []TagCount
}

// ErrorPage is a 404, 410 or 500 page.
type ErrorPage struct {
	Layout
	Heading, Message string
	Suggestions      []MenuItem
}

// StatusPage is the editors' view of the content: problems and reloads.
type StatusPage struct {
	Layout
	LastReload       Date
	Duration         string
	Reloads          int
	Watching         string
	Articles         int
	Breakdown        string // "16 en ligne, 1 brouillon…"
	Errors, Warnings []StatusProblem
	PreviewsOn       bool // the server has a preview secret
	Previews         []PreviewLink
}

// StatusProblem is one content problem.
type StatusProblem struct {
	Where   string // "vie-pratique/retraite.md:3"
	Message string
	Text    string // the whole "path:line: message", as site check prints it
}

// Marked is a piece of text, highlighted when it is a word the reader
// searched for.
type Marked struct {
	Text string
	Mark bool
}

// SearchResult is an article found by a search: its card, its title and
// a passage of its text with the reader's words highlighted.
type SearchResult struct {
	Card
	Title   []Marked
	Snippet []Marked
}

// SearchPage is the search form and, once the reader asked, the results.
type SearchPage struct {
	Layout             // its Query is the reader's text; "" before any search
	Count       string // "12 résultats pour « retraite »", and the page when there are several
	Results     []SearchResult
	First       int // rank of the first result of the page
	Pager       Pager
	Suggestions []MenuItem // the rubriques, when nothing matched
	Notice      SearchNotice
	// Filters narrow or order the results: links once there is a query,
	// and the form's menus, which a new query keeps.
	Filters []FilterGroup
}

// SearchNotice is what a results page says of a search it corrected or
// widened.
type SearchNotice struct {
	// ResultsFor is the corrected query whose results are shown, Instead
	// the reader's, searched as typed at InsteadURL.
	ResultsFor, Instead, InsteadURL string
	// DidYouMean is a correction that finds articles too, at its URL.
	DidYouMean, DidYouMeanURL string
	// Partial: no article holds every word; those shown hold the most.
	Partial bool
}

// FilterGroup is one way to narrow or order results: a parameter of the
// search form (Name), whose options are also links.
type FilterGroup struct {
	Label, Name string
	Options     []FilterOption
}

// FilterOption is one value of a filter: the parameter's Value in the
// form, a link (URL) to the same results filtered that way.
type FilterOption struct {
	Label, Value, URL string
	Current           bool
}

// pictureClass is the classes of a picture's <img>.
func pictureClass(p Picture) string {
	c := p.Placeholder
	if p.Cover {
		c += " cover"
	}
	return strings.TrimSpace(c)
}
