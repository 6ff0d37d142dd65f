package web

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestSearchRateLimitPerClient(t *testing.T) {
	var logs bytes.Buffer
	s := bareServer(t, &logs)
	const limit = 5
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) })
	tests := []struct {
		name    string
		proxies []string
	}{
		{"direct clients", nil},
		{"behind a trusted proxy", []string{"10.0.0.0/8"}},
	}
	// Other pages are not counted.
	h := clientAddresses(nil)(s.limitSearches(limit)(ok))
	for range 3 * limit {
		r := httptest.NewRequest(http.MethodGet, "/monde", nil)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		if rec.Code != http.StatusOK {
			t.Fatalf("page other than search: status %d, want 200", rec.Code)
		}
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := clientAddresses(tt.proxies)(s.limitSearches(limit)(ok))
			search := func(remote, xff string) *httptest.ResponseRecorder {
				r := httptest.NewRequest(http.MethodGet, "/recherche?q=retraite", nil)
				r.RemoteAddr = remote + ":40000"
				if xff != "" {
					r.Header.Set("X-Forwarded-For", xff)
				}
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, r)
				return rec
			}
			// Client A: directly, or through the proxy.
			remote, xff := "192.0.2.10", ""
			if tt.proxies != nil {
				remote, xff = "10.0.0.1", "192.0.2.10"
			}
			for i := range limit {
				// A forged X-Forwarded-For changes nothing for a direct client.
				forged := xff
				if tt.proxies == nil {
					forged = "203.0.113." + string(rune('1'+i))
				}
				if rec := search(remote, forged); rec.Code != http.StatusOK {
					t.Fatalf("search %d: status %d, want 200", i+1, rec.Code)
				}
			}
			rec := search(remote, xff)
			if rec.Code != http.StatusTooManyRequests {
				t.Fatalf("search over the limit: status %d, want 429", rec.Code)
			}
			if rec.Header().Get("Retry-After") == "" {
				t.Error("429 without Retry-After")
			}
			body := rec.Body.String()
			if !strings.Contains(body, `<html lang="fr">`) || !strings.Contains(body, "Trop de recherches") {
				t.Errorf("429 page is not the French one: %s", body)
			}
			// Another client is not affected.
			other, otherXFF := "192.0.2.20", ""
			if tt.proxies != nil {
				other, otherXFF = "10.0.0.1", "192.0.2.20"
			}
			if rec := search(other, otherXFF); rec.Code != http.StatusOK {
				t.Errorf("another client: status %d, want 200", rec.Code)
			}
		})
	}
}
