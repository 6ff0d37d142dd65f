package web

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/horizons-expat/site/internal/content"
	"github.com/horizons-expat/site/internal/store"
	"github.com/horizons-expat/site/templates"
)

// tag lists the articles with a tag, newest first, a page at a time.
func (s *Server) tag(w http.ResponseWriter, r *http.Request, rq *request) error {
	ctx := r.Context()
	n, ok := pageNumber(r)
	if !ok && !firstPage(r) {
		return store.ErrNotFound
	}
	slug := chi.URLParam(r, "tag")
	label, err := s.store.Tag(ctx, rq.view, slug)
	if err != nil {
		return err
	}
	if firstPage(r) {
		movedTo(w, r, content.TagPath(slug))
		return nil
	}
	rq.key(tagKey(slug))
	list, total, err := s.store.WithTag(ctx, rq.view, slug, perPage, (n-1)*perPage)
	if err != nil {
		return err
	}
	if n > lastPage(total) {
		return store.ErrNotFound
	}
	pager := templates.Pager{Current: n, Last: lastPage(total), URL: pageURL(content.TagPath(slug))}
	heading := "Mot-clé\u00a0: " + label
	title := heading
	if n > 1 {
		title += " – page " + itoa(n)
	}
	page := templates.ListPage{
		Layout:  rq.layout(pager.URL(n), title, "Tous les articles sur le thème « "+label+" », du plus récent au plus ancien.", ""),
		Crumbs:  []templates.Crumb{{Title: "Accueil", URL: "/"}, {Title: "Mots-clés", URL: "/tags"}, {Title: label}},
		Heading: heading,
		Total:   total,
		Cards:   rq.cards(list),
		Pager:   pager,
	}
	page.Meta.Feeds = append(page.Meta.Feeds, templates.FeedLink{Title: rq.site.Title + " – " + label + " (Atom)", URL: rq.abs(tagAtomPath(slug)), Type: typeAtom})
	return s.render(w, r, http.StatusOK, rq, templates.List(page))
}

// tags lists every tag in use.
func (s *Server) tags(w http.ResponseWriter, r *http.Request, rq *request) error {
	ctx := r.Context()
	rq.key(keyTags)
	list, err := s.store.Tags(ctx, rq.view)
	if err != nil {
		return err
	}
	page := templates.TagsPage{Layout: rq.layout("/tags", "Tous les mots-clés", "Les thèmes abordés par le site, avec le nombre d’articles de chacun.", "")}
	for _, t := range list {
		page.Tags = append(page.Tags, templates.TagCount{Label: t.Label, URL: content.TagPath(t.Slug), Count: t.Count})
	}
	return s.render(w, r, http.StatusOK, rq, templates.Tags(page))
}
