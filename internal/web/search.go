package web

import (
	"encoding/xml"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/horizons-expat/site/internal/search"
	"github.com/horizons-expat/site/internal/store"
	"github.com/horizons-expat/site/templates"
)

// searchPath is the address of the search page; its query is in q, its
// page number in page.
const searchPath = "/recherche"

// snippetWords is the length of a result's passage, in words.
const snippetWords = 30

// search answers /recherche?q=…: whatever q holds, the page answers 200,
// with the reader's text taken as words, never as query syntax.
func (s *Server) search(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := search.Parse(queryParam(r.URL.RawQuery, "q"))
	n := 1
	if p, err := strconv.Atoi(queryParam(r.URL.RawQuery, "page")); err == nil && p > 1 {
		n = min(p, math.MaxInt/perPage) // past the end anyway; (n-1)*perPage must not wrap
	}
	rq, err := s.begin(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// Results change with any article, which ingest purges under this key.
	rq.key(store.KeySearch)
	var list []store.Article
	total := 0
	if !q.Empty() {
		list, total, err = s.store.Search(ctx, rq.view, q, perPage, (n-1)*perPage)
		if err == nil && n > lastPage(total) {
			// A page past the end, from an old link: show the last one.
			n = lastPage(total)
			list, total, err = s.store.Search(ctx, rq.view, q, perPage, (n-1)*perPage)
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
	}
	pager := templates.Pager{Current: n, Last: lastPage(total), URL: searchURL(q.Text)}
	title := "Rechercher"
	if q.Text != "" {
		title = "Recherche «\u00a0" + q.Text + "\u00a0»"
		if n > 1 {
			title += " – page " + itoa(n)
		}
	}
	l := rq.layout(pager.URL(n), title, "Rechercher parmi les articles du site "+rq.site.Title+".", "")
	l.Noindex = true // result pages are endless and thin: not for search engines
	l.Query = q.Text
	page := templates.SearchPage{
		Layout: l,
		First:  (n-1)*perPage + 1,
		Pager:  pager,
	}
	if q.Text != "" {
		page.Count = resultCount(total, q.Text)
		if pager.Last > 1 {
			page.Count += " — page " + itoa(n) + " sur " + itoa(pager.Last)
		}
	}
	h := q.Highlighter()
	for _, a := range list {
		page.Results = append(page.Results, templates.SearchResult{
			Card:    rq.card(a),
			Title:   marked(h.Highlight(a.Title)),
			Snippet: marked(snippet(h, a)),
		})
	}
	if q.Text != "" && total == 0 {
		page.Suggestions = l.Menu // every rubrique, none current
	}
	s.render(w, r, http.StatusOK, rq, templates.Search(page))
}

// snippet is the passage that best shows why a matched: from its body
// when the body holds more of the reader's words than its summary, else
// its summary.
func snippet(h *search.Highlighter, a store.Article) []search.Segment {
	summary, inSummary := h.Snippet(a.Summary, 2*snippetWords)
	body, inBody := h.Snippet(a.BodyText, snippetWords)
	if inBody > inSummary || len(summary) == 0 {
		return body
	}
	return summary
}

func marked(segs []search.Segment) []templates.Marked {
	out := make([]templates.Marked, len(segs))
	for i, s := range segs {
		out[i] = templates.Marked{Text: s.Text, Mark: s.Mark}
	}
	return out
}

// resultCount is "1 résultat pour « retraite »", "1 234 résultats…", or
// "Aucun résultat…", with non-breaking spaces where French wants them.
func resultCount(total int, query string) string {
	var b strings.Builder
	switch total {
	case 0:
		b.WriteString("Aucun résultat")
	case 1:
		b.WriteString("1 résultat")
	default:
		b.WriteString(groupThousands(total) + " résultats")
	}
	b.WriteString(" pour «\u00a0" + query + "\u00a0»")
	return b.String()
}

// groupThousands writes n with its digits in groups of three, separated by
// non-breaking spaces: 12345 → "12 345".
func groupThousands(n int) string {
	s := strconv.Itoa(n)
	var b strings.Builder
	for i, d := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteRune('\u00a0')
		}
		b.WriteRune(d)
	}
	return b.String()
}

// searchURL returns the URL of page n of the results for query.
func searchURL(query string) func(int) string {
	return func(n int) string {
		if query == "" {
			return searchPath
		}
		u := searchPath + "?q=" + url.QueryEscape(query)
		if n > 1 {
			u += "&page=" + itoa(n)
		}
		return u
	}
}

// queryParam returns the first value of name in a raw query string. Unlike
// url.ParseQuery, which drops a pair it cannot decode, it keeps what a
// reader typed: a "%" that starts no escape is a percent sign.
func queryParam(rawQuery, name string) string {
	for pair := range strings.SplitSeq(rawQuery, "&") {
		key, value, _ := strings.Cut(pair, "=")
		if unescapeLoose(key) == name {
			return unescapeLoose(value)
		}
	}
	return ""
}

// unescapeLoose decodes a query component, "+" as a space, leaving any
// malformed escape as it is.
func unescapeLoose(s string) string {
	if v, err := url.QueryUnescape(s); err == nil {
		return v
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '+':
			b.WriteByte(' ')
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			v, _ := strconv.ParseUint(s[i+1:i+3], 16, 8)
			b.WriteByte(byte(v))
			i += 2
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// openSearch is /opensearch.xml, which lets browsers add the site's
// search to theirs.
func (s *Server) openSearch(w http.ResponseWriter, r *http.Request) {
	rq, err := s.begin(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	type urlTemplate struct {
		Type     string `xml:"type,attr"`
		Method   string `xml:"method,attr,omitempty"`
		Rel      string `xml:"rel,attr,omitempty"`
		Template string `xml:"template,attr"`
	}
	type image struct {
		Width  int    `xml:"width,attr"`
		Height int    `xml:"height,attr"`
		Type   string `xml:"type,attr"`
		URL    string `xml:",chardata"`
	}
	doc := struct {
		XMLName       xml.Name      `xml:"http://a9.com/-/spec/opensearch/1.1/ OpenSearchDescription"`
		ShortName     string        `xml:"ShortName"`
		Description   string        `xml:"Description"`
		InputEncoding string        `xml:"InputEncoding"`
		Language      string        `xml:"Language"`
		Image         image         `xml:"Image"`
		URLs          []urlTemplate `xml:"Url"`
	}{
		ShortName:     shortName(rq.site.Title),
		Description:   "Rechercher parmi les articles du site " + rq.site.Title,
		InputEncoding: "UTF-8",
		Language:      "fr-FR",
		Image:         image{Width: 64, Height: 64, Type: "image/svg+xml", URL: rq.abs(s.assets.URL("logo.svg"))},
		URLs: []urlTemplate{
			{Type: "text/html", Method: "get", Template: rq.abs(searchPath) + "?q={searchTerms}"},
			{Type: "application/opensearchdescription+xml", Rel: "self", Template: rq.abs("/opensearch.xml")},
		},
	}
	body, err := xml.MarshalIndent(doc, "", "  ")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.send(w, r, rq.response("application/opensearchdescription+xml; charset=utf-8",
		append([]byte(xml.Header), append(body, '\n')...)))
}

// shortName fits the site's name in OpenSearch's 16 characters.
func shortName(title string) string {
	r := []rune(title)
	if len(r) > 16 {
		r = r[:16]
	}
	return strings.TrimSpace(string(r))
}
