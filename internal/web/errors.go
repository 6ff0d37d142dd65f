package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/horizons-expat/site/internal/store"
	"github.com/horizons-expat/site/templates"
)

func itoa(n int) string { return strconv.Itoa(n) }

// notFound answers a path that no page has: a redirect when it is an old
// address of a live article or another spelling of a page (respell), 410
// when its article was deleted, 404 else.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	rq, err := s.begin(ctx)
	if err != nil {
		s.log.Error("error page", "err", err)
		s.serverError(w, r)
		return
	}
	p := r.URL.Path
	if respellable(p) {
		p = s.traits.canonical(strings.ToLower(p)) // aliases are kept in lower case
	}
	if target, err := s.store.Redirect(ctx, rq.view, p); err == nil {
		http.Redirect(w, r, target, http.StatusMovedPermanently)
		return
	}
	if gone, err := s.store.Gone(ctx, rq.view, p); err == nil && gone {
		s.errorPage(w, r, rq, http.StatusGone, "Article retiré",
			"Cet article a été retiré du site et n’est plus disponible. Vous trouverez nos autres articles dans les rubriques ci-dessous.")
		return
	}
	// Only reads are sent on to another spelling, as in canonicalPaths.
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		switch target, gone := s.formerAddress(ctx, rq.view, p); {
		case target != "":
			http.Redirect(w, r, target, http.StatusMovedPermanently)
			return
		case gone:
			s.errorPage(w, r, rq, http.StatusGone, "Flux retiré",
				"Ce flux était celui des commentaires de l’ancien site. Ce site n’a pas de commentaires\u00a0: vous trouverez nos articles dans les rubriques ci-dessous.")
			return
		}
		if target := s.respell(ctx, rq, p); target != "" {
			movedTo(w, r, target)
			return
		}
	}
	s.errorPage(w, r, rq, http.StatusNotFound, "Page introuvable",
		"La page demandée n’existe pas ou a changé d’adresse. Vérifiez l’adresse, ou parcourez nos rubriques.")
}

func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, rq *request, status int, heading, message string) {
	l := rq.layout(r.URL.Path, heading, message, "")
	l.Noindex = true
	// The menu, with no rubrique current, lists every rubrique.
	page := templates.ErrorPage{Layout: l, Heading: heading, Message: message, Suggestions: l.Menu}
	if err := s.render(w, r, status, rq, templates.Error(page)); err != nil {
		s.broken(w, r, err)
	}
}

// serverError is the French 500 page. It needs nothing from the database,
// which may be what failed.
func (s *Server) serverError(w http.ResponseWriter, r *http.Request) {
	s.staticError(w, r, http.StatusInternalServerError, "Erreur du serveur",
		"Une erreur inattendue nous empêche d’afficher cette page. Nous en sommes informés\u00a0; réessayez dans quelques instants.")
}

// staticError answers with a French error page built without the database:
// for failures, refusals and overload, where asking the database would be
// wrong or too costly.
func (s *Server) staticError(w http.ResponseWriter, r *http.Request, status int, heading, message string) {
	l := templates.Layout{
		SiteTitle: "Erreur", Title: heading, Noindex: true,
		CSS: s.assets.URL("style.css"), Icon: s.assets.URL("logo.svg"), Logo: s.assets.URL("logo.svg"),
	}
	page := templates.ErrorPage{Layout: l, Heading: heading, Message: message}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_ = templates.Error(page).Render(r.Context(), w)
	}
}

// respell returns the page that p means when its segments are folded to
// slugs, as the site derives addresses from file names and tags: a reader
// who types the file name "Mon Article Été" or the tag « sécurité » gets
// there. It returns "" when the folded path is no page either, so that a
// redirect never leads to a 404.
func (s *Server) respell(ctx context.Context, rq *request, p string) string {
	folded, ok := s.traits.slugPath(p)
	if !ok || folded == p {
		return ""
	}
	if target, err := s.store.Redirect(ctx, rq.view, folded); err == nil {
		return target
	}
	seg := strings.Split(strings.TrimPrefix(folded, "/"), "/")
	var err error
	switch {
	case len(seg) >= 2 && seg[0] == "tags" && (len(seg) == 2 || len(seg) == 4 && seg[2] == "page"):
		_, err = s.store.Tag(ctx, rq.view, seg[1])
	case len(seg) == 1 || len(seg) == 3 && seg[1] == "page":
		_, err = rq.category(seg[0])
	case len(seg) == 2:
		_, err = s.store.Article(ctx, rq.view, seg[0], seg[1])
	default:
		return ""
	}
	if err != nil {
		return ""
	}
	return folded
}

// pageFunc is a page handler that returns what went wrong rather than
// answering it: store.ErrNotFound when the address names nothing. It has
// written nothing when it returns an error.
type pageFunc func(w http.ResponseWriter, r *http.Request, rq *request) error

// page makes h a handler: it begins the request (clock, settings, view),
// runs h, and maps the error h returns to its status page in one place
// (fail: 404 and its redirects for store.ErrNotFound, nothing for a client
// gone, else the logged 500).
func (s *Server) page(h pageFunc) http.HandlerFunc {
	return s.file(func(w http.ResponseWriter, r *http.Request) error {
		rq, err := s.begin(r.Context())
		if err != nil {
			return err
		}
		return h(w, r, rq)
	})
}

// fileFunc is a handler of files (assets, media, variants), which need
// nothing of the site's settings: it returns errors as a pageFunc does.
type fileFunc func(w http.ResponseWriter, r *http.Request) error

// file makes h a handler, its errors mapped by fail as page's are.
func (s *Server) file(h fileFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.fail(w, r, err)
		}
	}
}

// errNoFile is what a file handler returns for a name that no file
// answers: the site's 404 page, as for any address that names nothing.
var errNoFile = fmt.Errorf("no such file: %w", store.ErrNotFound)
