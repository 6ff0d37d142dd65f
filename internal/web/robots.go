package web

import (
	"net/http"
	"strings"
)

// robots is /robots.txt: crawl the whole site but search results and the
// status page, and find every page from the sitemaps. An editor's preview
// (drafts shown) is closed to crawlers altogether.
func (s *Server) robots(w http.ResponseWriter, r *http.Request, rq *request) error {
	var b strings.Builder
	b.WriteString("User-agent: *\n")
	if rq.view.Unpublished {
		b.WriteString("Disallow: /\n")
	} else {
		b.WriteString("Allow: /\nDisallow: /recherche\nDisallow: /_status\n")
	}
	b.WriteString("\nSitemap: " + rq.abs("/sitemap.xml") + "\n")
	// The news sitemap exists while there is news (newsSitemap): the file
	// changes when an article is published or the newest turns two days old.
	rq.key(keySitemap)
	news, err := s.newsArticles(r.Context(), rq)
	if err != nil {
		return err
	}
	if len(news) > 0 {
		rq.until(news[0].Date.Add(newsWindow))
		b.WriteString("Sitemap: " + rq.abs("/sitemap-news.xml") + "\n")
	}
	s.send(w, r, rq.response("text/plain; charset=utf-8", []byte(b.String())))
	return nil
}
