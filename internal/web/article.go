package web

import (
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/horizons-expat/site/internal/content"
	"github.com/horizons-expat/site/internal/frdate"
	"github.com/horizons-expat/site/internal/store"
	"github.com/horizons-expat/site/templates"
)

// wordsPerMinute is the reading speed behind "Lecture : N min".
const wordsPerMinute = 230

// article is an article page.
func (s *Server) article(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	rq, err := s.begin(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	a, err := s.store.Article(ctx, rq.view, chi.URLParam(r, "category"), chi.URLParam(r, "slug"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	related, err := s.store.Related(ctx, rq.view, a, 4)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// The page shows the article and its "À lire aussi" list, which draws
	// on articles of the same category or tags, and else on the newest.
	rq.key(store.ArticleKey(a.ID), store.CategoryKey(a.Category))
	for _, t := range a.Tags {
		rq.key(store.TagKey(t.Slug))
	}
	for _, r := range related {
		if r.Category != a.Category {
			rq.key(store.KeyLatest)
			break
		}
	}
	sameCategory, otherCategory, err := s.store.Namesakes(ctx, rq.view, a)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// Every page's <title> is unique: namesakes are told apart by their
	// rubrique, then by their date.
	title := a.Title
	if sameCategory || otherCategory {
		title += " – " + a.CategoryTitle
	}
	if sameCategory {
		title += ", " + frdate.Absolute(a.Date, rq.site.Location)
	}
	catURL := content.CategoryPath(a.Category)
	page := templates.ArticlePage{
		Layout:         rq.layout(a.URLPath(), title, a.Description(), a.Category),
		Crumbs:         []templates.Crumb{{Title: "Accueil", URL: "/"}, {Title: a.CategoryTitle, URL: catURL}, {Title: a.Title}},
		Title:          a.Title,
		Summary:        a.Summary,
		Category:       a.CategoryTitle,
		CategoryURL:    catURL,
		Author:         a.Author,
		Published:      rq.date(a.Date),
		ReadingMinutes: max(1, (a.Words+wordsPerMinute/2)/wordsPerMinute),
		BodyHTML:       a.BodyHTML,
		Related:        rq.cards(related),
	}
	switch label := rq.unpublished(a); label {
	case "Brouillon":
		page.Banner = &templates.Banner{Label: label, Message: "cet article n’est pas publié (draft: true) ; seul l’aperçu de la rédaction l’affiche."}
	case "Programmé":
		page.Banner = &templates.Banner{Label: label, Message: "cet article paraîtra de lui-même le " + frdate.AbsoluteTime(a.Date, rq.site.Location) + " ; d’ici là, seul l’aperçu de la rédaction l’affiche."}
	case "Expiré":
		page.Banner = &templates.Banner{Label: label, Message: "cet article est retiré du site depuis le " + frdate.AbsoluteTime(a.Expires, rq.site.Location) + " (expires) ; les lecteurs reçoivent « 410 Gone »."}
	}
	if !a.Updated.IsZero() {
		u := rq.date(a.Updated)
		page.Updated = &u
	}
	for _, t := range a.Tags {
		page.Tags = append(page.Tags, templates.TagLink{Label: t.Label, URL: content.TagPath(t.Slug)})
	}
	for _, src := range a.Sources {
		page.Sources = append(page.Sources, templates.Source{Title: src.Title, URL: src.URL})
	}
	rq.articleMeta(&page.Meta, a)
	if s.cfg.Media != nil && strings.HasPrefix(a.Image, content.MediaPrefix) {
		// Best effort: a missing file was reported to the editor at ingest.
		page.Meta.ImageWidth, page.Meta.ImageHeight, _ = content.ImageSize(s.cfg.Media, a.Image)
	}
	page.Meta.JSONLD = []any{
		rq.newsArticle(a, page.Meta, page.Canonical),
		rq.breadcrumbList(page.Crumbs, page.Canonical),
	}
	s.render(w, r, http.StatusOK, rq, templates.Article(page))
}
