package web

import (
	"net/http"

	"github.com/horizons-expat/site/internal/content"
	"github.com/horizons-expat/site/internal/store"
	"github.com/horizons-expat/site/templates"
)

// home is the front page: the newest article as the lead, the next eight
// (two beside the lead, six in the grid),
// then the newest of each rubrique.
func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	rq, err := s.begin(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	latest, err := s.store.Latest(ctx, rq.view, 9, 0)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rq.key(store.KeyHome, store.KeyLatest)
	page := templates.HomePage{Layout: rq.layout("/", "", "", "")}
	if len(latest) > 0 {
		lead := rq.card(latest[0])
		page.Lead = &lead
		page.Latest = rq.cards(latest[1:])
	}
	for _, c := range rq.categories {
		list, _, err := s.store.InCategory(ctx, rq.view, c.Slug, 3, 0)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		rq.key(store.CategoryKey(c.Slug))
		if len(list) > 0 {
			page.Sections = append(page.Sections, templates.Section{Title: c.Title, URL: content.CategoryPath(c.Slug), Cards: rq.cards(list)})
		}
	}
	page.Meta.JSONLD = []any{rq.webSite(), rq.organization()}
	s.render(w, r, http.StatusOK, rq, templates.Home(page))
}
