package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/horizons-expat/site/internal/content"
	"github.com/horizons-expat/site/internal/frdate"
	"github.com/horizons-expat/site/internal/store"
	"github.com/horizons-expat/site/templates"
)

// ContentStatus is the content loader's state, as the editors' status page
// shows it.
type ContentStatus struct {
	Problems   []content.Problem
	LastReload time.Time
	Duration   time.Duration // of the last reload
	Articles   int           // stored, drafts and scheduled ones included
	Watching   string        // how changes are noticed
	Reloads    int           // since the server started
}

// milliseconds writes d for editors: "12 ms".
func milliseconds(d time.Duration) string {
	n := strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 1, 64)
	return strings.Replace(n, ".", ",", 1) + "\u00a0ms"
}

// count writes n things in French: 0 and 1 take the singular.
func count(n int, one, many string) string {
	if n > 1 {
		return itoa(n) + " " + many
	}
	return itoa(n) + " " + one
}

// status is the editors' status page: every current content problem, the
// last reload, the number of articles. The route lets only operators in
// (privateOnly).
func (s *Server) status(w http.ResponseWriter, r *http.Request, rq *request) error {
	if s.cfg.ContentStatus == nil {
		return store.ErrNotFound
	}
	ctx := r.Context()
	counts, err := s.store.Count(ctx, rq.view)
	if err != nil {
		return err
	}
	st := s.cfg.ContentStatus()
	l := rq.layout("/_status", "État du contenu", "État du contenu pour la rédaction.", "")
	l.Noindex = true
	page := templates.StatusPage{
		Layout:   l,
		Articles: st.Articles,
		Breakdown: count(counts.Published, "en ligne", "en ligne") + ", " + count(counts.Drafts, "brouillon", "brouillons") + ", " +
			count(counts.Scheduled, "programmé", "programmés") + ", " + count(counts.Expired, "expiré", "expirés"),
		Watching: st.Watching,
		Reloads:  st.Reloads,
		Duration: milliseconds(st.Duration),
	}
	if !st.LastReload.IsZero() {
		t := st.LastReload.In(rq.site.Location)
		page.LastReload = templates.Date{
			ISO:      t.Format(time.RFC3339),
			Absolute: frdate.Absolute(t, rq.site.Location) + " à " + t.Format("15:04:05"),
			Relative: frdate.Relative(t, rq.now),
		}
	}
	for _, p := range st.Problems {
		item := templates.StatusProblem{Where: p.Path, Message: p.Message, Text: p.String()}
		if p.Line > 0 {
			item.Where += ":" + itoa(p.Line)
		}
		if p.Warning {
			page.Warnings = append(page.Warnings, item)
		} else {
			page.Errors = append(page.Errors, item)
		}
	}
	if page.PreviewsOn = len(s.cfg.PreviewSecret) > 0; page.PreviewsOn {
		list, err := s.store.UnpublishedArticles(ctx, rq.view)
		if err != nil {
			return err
		}
		for _, u := range list {
			state := "Programmé"
			if u.Draft {
				state = "Brouillon"
			}
			page.Previews = append(page.Previews, templates.PreviewLink{Title: u.Title, URL: rq.abs(PreviewPath(s.cfg.PreviewSecret, u.Path)), State: state})
		}
	}
	rq.private = true // never cached, never indexed: it is for editors only
	return s.render(w, r, http.StatusOK, rq, templates.Status(page))
}

// metricsPage serves the metrics in the Prometheus text format (the route
// lets through only those who may see the status page).
func (s *Server) metricsPage(w http.ResponseWriter, r *http.Request) {
	w.Header()["Cache-Control"] = hdrNoStore
	s.metrics.Handler().ServeHTTP(w, r)
}
