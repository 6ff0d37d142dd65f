package web

import (
	"net/http"

	"github.com/horizons-expat/site/internal/content"
	"github.com/horizons-expat/site/templates"
)

// home is the front page: the newest article as the lead, the next eight
// (two beside the lead, six in the grid), then the newest of each rubrique
// among those not shown above: an article appears once on the page.
// homeLatest is how many of the newest articles open the page; homeSection
// how many more each rubrique's section shows.
const homeLatest, homeSection = 9, 3

func (s *Server) home(w http.ResponseWriter, r *http.Request, rq *request) error {
	ctx := r.Context()
	latest, err := s.store.Latest(ctx, rq.view, homeLatest, 0)
	if err != nil {
		return err
	}
	rq.key(keyHome, keyLatest)
	page := templates.HomePage{Layout: rq.layout("/", "", "", "")}
	if len(latest) > 0 {
		lead := rq.card(latest[0])
		// The lead's picture is the page's largest above the fold.
		lead.Picture = rq.coverPicture(latest[0], sizesLead, true)
		page.Lead = &lead
		page.Latest = rq.cards(latest[1:])
	}
	shown := make(map[int64]bool, len(latest))
	for _, a := range latest {
		shown[a.ID] = true
	}
	for _, c := range rq.categories {
		// At most homeLatest of the category's newest are above: that
		// many more always leave enough for its section.
		list, _, err := s.store.InCategory(ctx, rq.view, c.Slug, homeSection+homeLatest, 0)
		if err != nil {
			return err
		}
		rq.key(categoryKey(c.Slug))
		var cards []templates.Card
		for _, a := range list {
			if len(cards) == homeSection || shown[a.ID] {
				continue
			}
			card := rq.card(a)
			card.Category = "" // the section's title names it
			cards = append(cards, card)
		}
		if len(cards) > 0 {
			page.Sections = append(page.Sections, templates.Section{Title: c.Title, URL: content.CategoryPath(c.Slug), Cards: cards})
		}
	}
	page.Meta.JSONLD = []any{rq.webSite(), rq.organization()}
	return s.render(w, r, http.StatusOK, rq, templates.Home(page))
}
