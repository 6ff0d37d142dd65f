package web

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/horizons-expat/site/internal/content"
	"github.com/horizons-expat/site/internal/frdate"
	"github.com/horizons-expat/site/internal/store"
	"github.com/horizons-expat/site/templates"
)

// wordsPerMinute is the reading speed behind "Lecture : N min".
const wordsPerMinute = 230

// article is an article page.
func (s *Server) article(w http.ResponseWriter, r *http.Request, rq *request) error {
	a, err := s.store.Article(r.Context(), rq.view, chi.URLParam(r, "category"), chi.URLParam(r, "slug"))
	if err != nil {
		return err
	}
	return s.showArticle(w, r, rq, a, false)
}

// showArticle renders article a, for readers or, with preview, for whoever
// holds its preview link.
func (s *Server) showArticle(w http.ResponseWriter, r *http.Request, rq *request, a store.Article, preview bool) error {
	ctx := r.Context()
	related, err := s.store.Related(ctx, rq.view, a, 4)
	if err != nil {
		return err
	}
	// The page shows the article and its "À lire aussi" list, which draws
	// on articles of the same category or tags, and else on the newest.
	rq.key(articleKey(a.ID), categoryKey(a.Category))
	for _, t := range a.Tags {
		rq.key(tagKey(t.Slug))
	}
	for _, r := range related {
		if r.Category != a.Category {
			rq.key(keyLatest)
			break
		}
	}
	sameCategory, otherCategory, err := s.store.Namesakes(ctx, rq.view, a)
	if err != nil {
		return err
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
		Layout:         rq.layout(a.URLPath(), title, a.MetaDesc(), a.Category),
		Crumbs:         []templates.Crumb{{Title: "Accueil", URL: "/"}, {Title: a.CategoryTitle, URL: catURL}, {Title: a.Title}},
		Title:          a.Title,
		Summary:        a.Summary,
		Category:       a.CategoryTitle,
		CategoryURL:    catURL,
		Published:      rq.date(a.Date),
		ReadingMinutes: max(1, (a.Words+wordsPerMinute/2)/wordsPerMinute),
		Cover:          rq.coverPicture(a, sizesArticle, true),
		BodyHTML:       rq.bodyPictures(a.BodyHTML),
		Contents:       contents(a.Headings),
		Related:        rq.cards(related),
	}
	authors := make([]content.Author, 0, len(a.Authors))
	for _, name := range a.Authors {
		slug := content.AuthorSlug(name)
		au, err := s.store.AuthorFile(ctx, slug)
		if err != nil {
			// An author without a file (or whose file cannot be read
			// now) still has a name and an address.
			au = content.Author{Slug: slug, Name: name, Organization: slug == content.EditorialTeam}
		}
		au.Name = name // as this article writes it
		authors = append(authors, au)
		rq.key(authorKey(slug))
		page.Authors = append(page.Authors, templates.AuthorLink{Name: name, URL: content.AuthorPath(slug)})
	}
	switch label := rq.unpublished(a); {
	case preview:
		page.Banner = &templates.Banner{Label: "Aperçu — non publié", Message: previewMessage(rq, a)}
	case label == "Brouillon":
		page.Banner = &templates.Banner{Label: label, Message: "cet article n’est pas publié (draft: true) ; seul l’aperçu de la rédaction l’affiche."}
	case label == "Programmé":
		page.Banner = &templates.Banner{Label: label, Message: "cet article paraîtra de lui-même le " + frdate.AbsoluteTime(a.Date, rq.site.Location) + " ; d’ici là, seul l’aperçu de la rédaction l’affiche."}
	case label == "Expiré":
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
	if preview {
		page.Noindex = true
		rq.private = true // never cached, never indexed: for whoever holds the link
	}
	rq.articleMeta(&page.Meta, a)
	page.Meta.JSONLD = []any{
		rq.newsArticle(a, authors, page.Meta, page.Canonical),
		rq.breadcrumbList(page.Crumbs, page.Canonical),
	}
	return s.render(w, r, http.StatusOK, rq, templates.Article(page))
}

// contents turns an article's headings into its « Sommaire »: sections and
// their subsections; nil for an article too short to need one.
func contents(headings []content.Heading) []templates.ContentsItem {
	var out []templates.ContentsItem
	for _, h := range content.Contents(headings) {
		item := templates.ContentsItem{Text: h.Text, URL: "#" + h.ID}
		if h.Level == 3 && len(out) > 0 {
			last := &out[len(out)-1]
			last.Children = append(last.Children, item)
			continue
		}
		// A subsection before the first section stands as a section.
		out = append(out, item)
	}
	return out
}
