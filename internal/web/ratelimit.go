package web

import (
	"net/http"
	"time"

	"github.com/go-chi/chi/v5/middleware"
	"github.com/go-chi/httprate"
)

// DefaultSearchesPerMinute is how many searches one client may run in a
// minute: far more than a reader types, few enough that a scraper or a
// loop cannot keep the full-text index busy.
const DefaultSearchesPerMinute = 60

// limitSearches rate-limits searches per client, keyed by the address the
// ClientIPFrom* middleware resolved (IPv6 clients by their /64), so that a
// forged X-Forwarded-For cannot dodge the limit. Over the limit the client
// gets the French 429 page with Retry-After.
//
// It sits in the site-wide stack, ahead of the page cache, and counts only
// requests to the search page: a cached result is cheap, but a client's
// searches are limited all the same.
func (s *Server) limitSearches(perMinute int) func(http.Handler) http.Handler {
	if perMinute <= 0 {
		perMinute = DefaultSearchesPerMinute
	}
	limit := s.searchLimiter(perMinute)
	return func(next http.Handler) http.Handler {
		limited := limit(next)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == searchPath {
				limited.ServeHTTP(w, r)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

func (s *Server) searchLimiter(perMinute int) func(http.Handler) http.Handler {
	return httprate.LimitBy(perMinute, time.Minute,
		func(r *http.Request) (string, error) {
			return httprate.CanonicalizeIP(middleware.GetClientIP(r.Context())), nil
		},
		httprate.WithLimitHandler(func(w http.ResponseWriter, r *http.Request) {
			s.staticError(w, r, http.StatusTooManyRequests, "Trop de recherches",
				"Vous avez lancé beaucoup de recherches en peu de temps. Patientez une minute avant de recommencer\u00a0: vos recherches seront de nouveau possibles.")
		}),
	)
}
