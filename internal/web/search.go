package web

import (
	"encoding/xml"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/horizons-expat/site/internal/content"
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
// with the reader's text taken as words and the few operators of the help
// text (quotes, *, OR, -), never as FTS5 syntax. The filters (rubrique,
// periode, tri) are plain links and hidden fields of the form, so that
// every results page is a GET that caches can keep.
func (s *Server) search(w http.ResponseWriter, r *http.Request, rq *request) error {
	ctx := r.Context()
	sp := readSearchParams(r.URL.RawQuery, rq.categories)
	q := search.Parse(sp.q)
	n := 1
	if p, err := strconv.Atoi(queryParam(r.URL.RawQuery, "page")); err == nil && p > 1 {
		n = min(p, math.MaxInt/perPage) // past the end anyway; (n-1)*perPage must not wrap
	}
	// Results change with any article, which ingest purges under this key.
	rq.key(keySearch)
	var res store.SearchResults
	var err error
	if !q.Empty() {
		req := sp.request(q)
		req.Limit, req.Offset = perPage, (n-1)*perPage
		start := time.Now()
		res, err = s.store.Find(ctx, rq.view, req)
		s.metrics.ObserveSearch(time.Since(start))
		if err == nil && n > lastPage(res.Total) {
			// A page past the end, from an old link: show the last one.
			n = lastPage(res.Total)
			req.Offset = (n - 1) * perPage
			res, err = s.store.Find(ctx, rq.view, req)
		}
		if err != nil {
			return err
		}
		if !res.ValidUntil.IsZero() {
			rq.until(res.ValidUntil) // an article leaves the period
		}
	}
	sp.q = q.Text
	pager := templates.Pager{Current: n, Last: lastPage(res.Total), URL: sp.url}
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
	l.SearchPage = true
	page := templates.SearchPage{
		Layout:  l,
		First:   (n-1)*perPage + 1,
		Pager:   pager,
		Filters: sp.filters(rq.categories),
	}
	if q.Text != "" {
		page.Count = resultCount(res.Total, res.Query.Text)
		if pager.Last > 1 {
			page.Count += " — page " + itoa(n) + " sur " + itoa(pager.Last)
		}
		page.Notice = searchNotice(sp, res)
	}
	h := res.Query.Highlighter()
	for _, a := range res.Articles {
		page.Results = append(page.Results, templates.SearchResult{
			Card:    rq.card(a),
			Title:   marked(h.Highlight(a.Title)),
			Snippet: marked(snippet(h, a)),
		})
	}
	if q.Text != "" && res.Total == 0 {
		page.Suggestions = l.Menu // every rubrique, none current
	}
	return s.render(w, r, http.StatusOK, rq, templates.Search(page))
}

// searchNotice is what the page says of a corrected or widened search:
// the messages and their links.
func searchNotice(sp searchParams, res store.SearchResults) templates.SearchNotice {
	var n templates.SearchNotice
	switch {
	case res.Corrected:
		exact := sp
		exact.exact = true
		n.ResultsFor, n.Instead, n.InsteadURL = res.Query.Text, sp.q, exact.url(1)
	case res.Suggestion != "":
		other := sp
		other.q = res.Suggestion
		n.DidYouMean, n.DidYouMeanURL = res.Suggestion, other.url(1)
	}
	n.Partial = res.Partial
	return n
}

// searchParams are the parameters of a results page, as its links carry
// them. Unknown values are ignored: a stale link still shows results.
type searchParams struct {
	q        string
	category string // a rubrique's slug, or ""
	period   string // "mois", "an" or ""
	byDate   bool   // tri=date
	exact    bool   // exact=1: no correction, no fall-back
}

// Search parameter values, as URLs spell them.
const (
	periodMonth = "mois"
	periodYear  = "an"
	sortDate    = "date"
)

func readSearchParams(rawQuery string, categories []content.Category) searchParams {
	sp := searchParams{q: queryParam(rawQuery, "q")}
	if c := queryParam(rawQuery, "rubrique"); slices.ContainsFunc(categories, func(k content.Category) bool { return k.Slug == c }) {
		sp.category = c
	}
	if p := queryParam(rawQuery, "periode"); p == periodMonth || p == periodYear {
		sp.period = p
	}
	sp.byDate = queryParam(rawQuery, "tri") == sortDate
	sp.exact = queryParam(rawQuery, "exact") == "1"
	return sp
}

// request is the store's search for q with these parameters.
func (sp searchParams) request(q search.Query) store.SearchRequest {
	req := store.SearchRequest{Query: q, Category: sp.category, ByDate: sp.byDate, Exact: sp.exact}
	switch sp.period {
	case periodMonth:
		req.Period = store.LastMonth
	case periodYear:
		req.Period = store.LastYear
	}
	return req
}

// url returns the URL of page n of these results, parameters in a fixed
// order so that one page has one URL (one cache entry).
func (sp searchParams) url(n int) string {
	if sp.q == "" && sp.category == "" && sp.period == "" && !sp.byDate {
		return searchPath
	}
	var b strings.Builder
	b.WriteString(searchPath + "?q=" + url.QueryEscape(sp.q))
	add := func(k, val string) {
		if val != "" {
			b.WriteString("&" + k + "=" + url.QueryEscape(val))
		}
	}
	add("rubrique", sp.category)
	add("periode", sp.period)
	if sp.byDate {
		add("tri", sortDate)
	}
	if sp.exact {
		add("exact", "1")
	}
	if n > 1 {
		add("page", itoa(n))
	}
	return b.String()
}

// filters are the ways to narrow or order the results: links, each to
// page 1 of the same query with one parameter changed, and the menus of
// the page's form, which a new query keeps.
func (sp searchParams) filters(categories []content.Category) []templates.FilterGroup {
	option := func(label, value string, current bool, change func(*searchParams)) templates.FilterOption {
		next := sp
		next.exact = false
		change(&next)
		return templates.FilterOption{Label: label, Value: value, URL: next.url(1), Current: current}
	}
	rubriques := templates.FilterGroup{Label: "Rubrique", Name: "rubrique", Options: []templates.FilterOption{
		option("Toutes", "", sp.category == "", func(p *searchParams) { p.category = "" }),
	}}
	for _, c := range categories {
		rubriques.Options = append(rubriques.Options, option(c.Title, c.Slug, sp.category == c.Slug, func(p *searchParams) { p.category = c.Slug }))
	}
	periods := templates.FilterGroup{Label: "Période", Name: "periode", Options: []templates.FilterOption{
		option("Toutes les dates", "", sp.period == "", func(p *searchParams) { p.period = "" }),
		option("Le dernier mois", periodMonth, sp.period == periodMonth, func(p *searchParams) { p.period = periodMonth }),
		option("La dernière année", periodYear, sp.period == periodYear, func(p *searchParams) { p.period = periodYear }),
	}}
	order := templates.FilterGroup{Label: "Ordre", Name: "tri", Options: []templates.FilterOption{
		option("Les plus pertinents", "", !sp.byDate, func(p *searchParams) { p.byDate = false }),
		option("Les plus récents", sortDate, sp.byDate, func(p *searchParams) { p.byDate = true }),
	}}
	return []templates.FilterGroup{rubriques, periods, order}
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
func (s *Server) openSearch(w http.ResponseWriter, r *http.Request, rq *request) error {
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
		return fmt.Errorf("encode OpenSearch: %w", err)
	}
	s.send(w, r, rq.response("application/opensearchdescription+xml; charset=utf-8",
		append([]byte(xml.Header), append(body, '\n')...)))
	return nil
}

// shortName fits the site's name in OpenSearch's 16 characters.
func shortName(title string) string {
	r := []rune(title)
	if len(r) > 16 {
		r = r[:16]
	}
	return strings.TrimSpace(string(r))
}
