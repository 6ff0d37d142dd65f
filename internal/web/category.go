package web

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/horizons-expat/site/internal/content"
	"github.com/horizons-expat/site/internal/store"
	"github.com/horizons-expat/site/templates"
)

// category lists a rubrique's articles, newest first, a page at a time.
func (s *Server) category(w http.ResponseWriter, r *http.Request, rq *request) error {
	ctx := r.Context()
	n, ok := pageNumber(r)
	if !ok && !firstPage(r) {
		return store.ErrNotFound
	}
	c, err := rq.category(chi.URLParam(r, "category"))
	if err != nil {
		return err
	}
	if firstPage(r) {
		movedTo(w, r, content.CategoryPath(c.Slug))
		return nil
	}
	rq.key(categoryKey(c.Slug))
	list, total, err := s.store.InCategory(ctx, rq.view, c.Slug, perPage, (n-1)*perPage)
	if err != nil {
		return err
	}
	if n > lastPage(total) {
		return store.ErrNotFound
	}
	base := content.CategoryPath(c.Slug)
	pager := templates.Pager{Current: n, Last: lastPage(total), URL: pageURL(base)}
	title := c.Title
	if n > 1 {
		title += " – page " + itoa(n)
	}
	page := templates.ListPage{
		Layout:    rq.layout(pager.URL(n), title, c.Description, c.Slug),
		Crumbs:    []templates.Crumb{{Title: "Accueil", URL: "/"}, {Title: c.Title}},
		Heading:   c.Title,
		IntroHTML: c.IntroHTML,
		Intro:     c.Description,
		Total:     total,
		Cards:     rq.cards(list),
		Pager:     pager,
	}
	page.Meta.Feeds = append(page.Meta.Feeds, rq.categoryFeeds(c.Slug, c.Title)...)
	page.Meta.JSONLD = []any{rq.breadcrumbList(page.Crumbs, page.Canonical)}
	return s.render(w, r, http.StatusOK, rq, templates.List(page))
}
