package web

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/horizons-expat/site/internal/content"
	"github.com/horizons-expat/site/internal/store"
	"github.com/horizons-expat/site/templates"
)

// author is an author's page: what their file says of them, then their
// articles, newest first, a page at a time.
func (s *Server) author(w http.ResponseWriter, r *http.Request, rq *request) error {
	ctx := r.Context()
	n, ok := pageNumber(r)
	if !ok {
		return store.ErrNotFound
	}
	slug := chi.URLParam(r, "author")
	au, err := s.store.Author(ctx, rq.view, slug)
	if err != nil {
		return err
	}
	rq.key(authorKey(slug))
	list, total, err := s.store.ByAuthor(ctx, rq.view, slug, perPage, (n-1)*perPage)
	if err != nil {
		return err
	}
	if n > lastPage(total) && !(n == 1 && total == 0) {
		return store.ErrNotFound
	}
	pager := templates.Pager{Current: n, Last: lastPage(total), URL: pageURL(content.AuthorPath(slug))}
	title := au.Name
	if n > 1 {
		title += " – page " + itoa(n)
	}
	description := "Les articles de " + au.Name + ", du plus récent au plus ancien."
	if au.Role != "" {
		description = au.Name + ", " + au.Role + " : ses articles, du plus récent au plus ancien."
	}
	page := templates.AuthorPage{
		Layout:  rq.layout(pager.URL(n), title, description, ""),
		Crumbs:  []templates.Crumb{{Title: "Accueil", URL: "/"}, {Title: au.Name}},
		Name:    au.Name,
		Role:    au.Role,
		BioHTML: au.BioHTML,
		Photo:   au.Photo,
		Total:   total,
		Cards:   rq.cards(list),
		Pager:   pager,
		FeedURL: authorFeedPath(slug),
		AtomURL: authorAtomPath(slug),
	}
	page.Meta.Type = "profile"
	page.Meta.Feeds = append(page.Meta.Feeds, rq.feedLinks(rq.site.Title+" – "+au.Name, authorFeedPath(slug), authorAtomPath(slug))...)
	page.Meta.JSONLD = []any{rq.profilePage(au), rq.breadcrumbList(page.Crumbs, page.Canonical)}
	return s.render(w, r, http.StatusOK, rq, templates.Author(page))
}
