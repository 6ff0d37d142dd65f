package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/horizons-expat/site/internal/content"
	"github.com/horizons-expat/site/internal/frdate"
	"github.com/horizons-expat/site/internal/store"
	"github.com/horizons-expat/site/templates"
)

// archives lists the months that have articles, newest first, by year.
func (s *Server) archives(w http.ResponseWriter, r *http.Request, rq *request) error {
	ctx := r.Context()
	// Any article change may change a month's count: the page is one of
	// those that list the newest articles of the whole site.
	rq.key(keyLatest)
	months, err := s.store.Months(ctx, rq.view, rq.site.Location)
	if err != nil {
		return err
	}
	page := templates.ArchivesPage{
		Layout: rq.layout(content.ArchivesPath, "Archives", "Tous les articles du site, mois par mois.", ""),
		Crumbs: []templates.Crumb{{Title: "Accueil", URL: "/"}, {Title: "Archives"}},
	}
	for _, m := range months {
		y := strconv.Itoa(m.Year)
		if len(page.Years) == 0 || page.Years[len(page.Years)-1].Year != y {
			page.Years = append(page.Years, templates.ArchiveYear{Year: y})
		}
		last := &page.Years[len(page.Years)-1]
		last.Months = append(last.Months, templates.ArchiveMonth{Label: frdate.MonthYear(m.Year, m.Month), URL: content.MonthPath(m.Year, m.Month), Count: m.Count})
	}
	page.Meta.JSONLD = []any{rq.breadcrumbList(page.Crumbs, page.Canonical)}
	return s.render(w, r, http.StatusOK, rq, templates.Archives(page))
}

// monthParams reads /archives/{year}/{month} in its one canonical
// spelling (four digits, then two), or ok is false.
func monthParams(r *http.Request) (year int, month time.Month, ok bool) {
	ys, ms := chi.URLParam(r, "year"), chi.URLParam(r, "month")
	y, err1 := strconv.Atoi(ys)
	m, err2 := strconv.Atoi(ms)
	if err1 != nil || err2 != nil || len(ys) != 4 || len(ms) != 2 || y < 1000 || m < 1 || m > 12 {
		return 0, 0, false
	}
	return y, time.Month(m), true
}

// month lists the articles published in a month, newest first, a page at
// a time. A month without articles is not a page.
func (s *Server) month(w http.ResponseWriter, r *http.Request, rq *request) error {
	ctx := r.Context()
	n, ok := pageNumber(r)
	year, month, okMonth := monthParams(r)
	if !ok || !okMonth {
		return store.ErrNotFound
	}
	rq.key(keyLatest)
	from := time.Date(year, month, 1, 0, 0, 0, 0, rq.site.Location)
	list, total, err := s.store.InMonth(ctx, rq.view, from, from.AddDate(0, 1, 0), perPage, (n-1)*perPage)
	if err != nil {
		return err
	}
	if total == 0 || n > lastPage(total) {
		return store.ErrNotFound
	}
	label := frdate.MonthYear(year, month)
	pager := templates.Pager{Current: n, Last: lastPage(total), URL: pageURL(content.MonthPath(year, month))}
	heading := "Archives\u00a0: " + label
	title := heading
	if n > 1 {
		title += " – page " + itoa(n)
	}
	page := templates.ListPage{
		Layout:  rq.layout(pager.URL(n), title, "Les articles publiés en "+label+", du plus récent au plus ancien.", ""),
		Crumbs:  []templates.Crumb{{Title: "Accueil", URL: "/"}, {Title: "Archives", URL: content.ArchivesPath}, {Title: label}},
		Heading: heading,
		Total:   total,
		Cards:   rq.cards(list),
		Pager:   pager,
	}
	page.Meta.JSONLD = []any{rq.breadcrumbList(page.Crumbs, page.Canonical)}
	return s.render(w, r, http.StatusOK, rq, templates.List(page))
}
