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
// requests to the search page and to its suggestions: a cached result is
// cheap, but a client's searches are limited all the same. Suggestions
// have their own budget, suggestionsFactor times larger: one search typed
// letter by letter asks for several.
func (s *Server) limitSearches(perMinute int) func(http.Handler) http.Handler {
	if perMinute <= 0 {
		perMinute = DefaultSearchesPerMinute
	}
	limit := s.searchLimiter(perMinute)
	limitSuggestions := s.searchLimiter(perMinute * suggestionsFactor)
	return func(next http.Handler) http.Handler {
		limited, limitedSuggestions := limit(next), limitSuggestions(next)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch r.URL.Path {
			case searchPath:
				limited.ServeHTTP(w, r)
			case suggestionsPath:
				limitedSuggestions.ServeHTTP(w, r)
			default:
				next.ServeHTTP(w, r)
			}
		})
	}
}

// suggestionsFactor is how many suggestions a client may ask for per
// search it may run: the script asks once a pause in the typing, not at
// every key, so a word or two of a query costs a few.
const suggestionsFactor = 5

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
