package web

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5/middleware"
)

// logLines decodes the JSON log lines with msg "request".
func logLines(t *testing.T, logs *bytes.Buffer) []map[string]any {
	t.Helper()
	var out []map[string]any
	for line := range strings.SplitSeq(strings.TrimSpace(logs.String()), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		if rec["msg"] == "request" {
			out = append(out, rec)
		}
	}
	logs.Reset()
	return out
}

// TestFastPathKeepsEveryProtection checks that a page answered from the
// cache ahead of the router gets what the full stack gives every answer:
// the security headers, a complete log line, its count in the metrics.
func TestFastPathKeepsEveryProtection(t *testing.T) {
	ts := newTestSite(t, fixture, 0)
	var logs bytes.Buffer
	ts.srv.log = slog.New(slog.NewJSONHandler(&logs, nil))
	h := ts.srv.Handler()
	const path = "/monde/nouvelle-14"
	get := func(header ...string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("GET", path, nil)
		for i := 0; i+1 < len(header); i += 2 {
			r.Header.Set(header[i], header[i+1])
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	miss := get("Accept-Encoding", "gzip")
	hits := ts.srv.CacheStats().Hits
	hit := get("Accept-Encoding", "gzip")
	if ts.srv.CacheStats().Hits != hits+1 {
		t.Fatal("the second request was not a cache hit")
	}
	for _, k := range []string{"Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy",
		"Permissions-Policy", "Cross-Origin-Opener-Policy", "Cache-Control", "Etag", "Surrogate-Key", "Content-Encoding", "Vary"} {
		if got, want := hit.Header().Get(k), miss.Header().Get(k); got == "" || got != want {
			t.Errorf("%s on the hit = %q, on the miss %q", k, got, want)
		}
	}
	lines := logLines(t, &logs)
	if len(lines) != 2 {
		t.Fatalf("%d request log lines, want 2", len(lines))
	}
	for _, field := range []string{"method", "path", "status", "bytes", "duration_ms", "client", "request_id"} {
		if _, ok := lines[1][field]; !ok {
			t.Errorf("the hit's log line lacks %s: %v", field, lines[1])
		}
	}
	if lines[1]["status"] != float64(200) || lines[1]["bytes"] != float64(hit.Body.Len()) || lines[1]["client"] != "192.0.2.1" {
		t.Errorf("the hit's log line: %v", lines[1])
	}
	if lines[0]["request_id"] == lines[1]["request_id"] {
		t.Errorf("two requests share the id %v", lines[0]["request_id"])
	}
	if got := get("Accept-Encoding", "gzip", middleware.RequestIDHeader, "proxy-42"); got.Code != http.StatusOK {
		t.Fatal(got.Code)
	}
	if lines := logLines(t, &logs); lines[0]["request_id"] != "proxy-42" {
		t.Errorf("request id %v, want the proxy's proxy-42", lines[0]["request_id"])
	}
	// 304 on the fast path too, to the tag of the encoding it would send.
	if w := get("Accept-Encoding", "gzip", "If-None-Match", hit.Header().Get("Etag")); w.Code != http.StatusNotModified {
		t.Errorf("revalidation = %d, want 304", w.Code)
	}

	m := httptest.NewRecorder()
	mr := httptest.NewRequest("GET", "/metrics", nil)
	mr.RemoteAddr = "127.0.0.1:4321"
	h.ServeHTTP(m, mr)
	body := m.Body.String()
	for _, want := range []string{
		`horizons_http_requests_total{route="/{category}/{slug}",status="200"} 3`,
		`horizons_http_requests_total{route="/{category}/{slug}",status="304"} 1`,
		`horizons_page_cache_hits_total 3`,
		`horizons_page_cache_renders_total 1`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}

// TestMetricsArePrivate checks that /metrics is shown only where the
// status page is: loopback clients without proxy headers.
func TestMetricsArePrivate(t *testing.T) {
	ts := newTestSite(t, fixture, 0)
	for _, tt := range []struct {
		name, remote string
		header       []string
		want         int
	}{
		{"loopback", "127.0.0.1:1234", nil, http.StatusOK},
		{"outside", "192.0.2.7:1234", nil, http.StatusNotFound},
		{"relayed by a local proxy", "127.0.0.1:1234", []string{"X-Forwarded-For", "192.0.2.7"}, http.StatusNotFound},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/metrics", nil)
			r.RemoteAddr = tt.remote
			for i := 0; i+1 < len(tt.header); i += 2 {
				r.Header.Set(tt.header[i], tt.header[i+1])
			}
			w := httptest.NewRecorder()
			ts.handler.ServeHTTP(w, r)
			if w.Code != tt.want {
				t.Fatalf("status %d, want %d", w.Code, tt.want)
			}
			if tt.want == http.StatusOK && (!strings.Contains(w.Body.String(), "horizons_page_cache_hits_total") ||
				!strings.Contains(w.Body.String(), "go_goroutines") || w.Header().Get("Cache-Control") != "no-store") {
				t.Errorf("metrics page: %s", w.Body.String())
			}
		})
	}
}

// TestFastPathLogsTheSameClient holds clientAddr, which the fast path
// uses, to the answers of chi's middlewares, which the full stack uses.
func TestFastPathLogsTheSameClient(t *testing.T) {
	for _, trusted := range [][]string{nil, {"10.0.0.0/8", "::1/128"}} {
		for _, tt := range []struct {
			remote string
			xff    []string
		}{
			{"192.0.2.1:1234", nil},
			{"192.0.2.1:1234", []string{"203.0.113.9"}},
			{"10.1.2.3:1234", []string{"203.0.113.9"}},
			{"10.1.2.3:1234", []string{"203.0.113.9, 10.4.4.4"}},
			{"10.1.2.3:1234", []string{"198.51.100.1, 203.0.113.9", "10.4.4.4"}},
			{"10.1.2.3:1234", []string{"garbage, 10.4.4.4"}},
			{"10.1.2.3:1234", []string{"10.4.4.4"}},
			{"10.1.2.3:1234", nil},
			{"[::1]:1234", []string{"2001:db8::1"}},
			{"[::ffff:10.1.2.3]:1234", []string{"::ffff:203.0.113.9"}},
			{"[fe80::1%eth0]:1234", nil},
			{"not an address", []string{"203.0.113.9"}},
		} {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tt.remote
			for _, v := range tt.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			var want string
			clientAddresses(trusted)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				want = middleware.GetClientIP(r.Context())
			})).ServeHTTP(httptest.NewRecorder(), r)
			var prefixes []netip.Prefix
			for _, p := range trusted {
				prefixes = append(prefixes, netip.MustParsePrefix(p))
			}
			if got := addrString(clientAddr(r, prefixes)); got != want {
				t.Errorf("trusted %v, peer %s, X-Forwarded-For %q: fast path %q, full stack %q", trusted, tt.remote, tt.xff, got, want)
			}
		}
	}
}

// TestFastPathTakesQueriesThatLeadNowhere checks that a cached page asked
// for with a query that no old address carries (a tracking parameter) is
// answered ahead of the router, while a query that an imported alias
// carries, and any query of the home page (WordPress's /?p=123, /?s=mot),
// takes the long way to its redirect.
func TestFastPathTakesQueriesThatLeadNowhere(t *testing.T) {
	ts := newTestSite(t, fixture, 0)
	ts.write(t, "monde/importe.md", "---\ntitle: Importé\ndate: 2024-11-01 09:00\n"+
		"aliases: [\"/monde/nouvelle-13?id=7\"]\n---\n\nTexte.\n")
	for _, p := range []string{"/", "/monde/nouvelle-13", "/monde/nouvelle-14"} {
		if w := ts.do(t, "GET", p); w.Code != http.StatusOK {
			t.Fatalf("GET %s = %d", p, w.Code)
		}
	}
	slow := 0
	h := ts.srv.fastPath(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		slow++
		ts.handler.ServeHTTP(w, r)
	}), make(chan struct{}, 1))
	for _, tt := range []struct {
		path     string
		slow     bool
		status   int
		location string
	}{
		{"/monde/nouvelle-14?utm_source=lettre", false, http.StatusOK, ""},
		{"/monde/nouvelle-13?fbclid=abc", true, http.StatusOK, ""}, // the path has an alias with a query
		{"/monde/nouvelle-13?id=7", true, http.StatusMovedPermanently, "/monde/importe"},
		{"/?x=1", true, http.StatusOK, ""},
		{"/?s=retraite", true, http.StatusMovedPermanently, "/recherche?q=retraite"},
	} {
		slow = 0
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", tt.path, nil))
		if w.Code != tt.status || w.Header().Get("Location") != tt.location {
			t.Errorf("GET %s = %d to %q, want %d to %q", tt.path, w.Code, w.Header().Get("Location"), tt.status, tt.location)
		}
		if (slow > 0) != tt.slow {
			t.Errorf("GET %s: the long way %v, want %v", tt.path, slow > 0, tt.slow)
		}
	}
	// Once the alias is gone, its path's queries take the fast path too.
	if err := os.Remove(filepath.Join(ts.dir, "content", "monde", "importe.md")); err != nil {
		t.Fatal(err)
	}
	ts.write(t, "monde/autre.md", "---\ntitle: Autre\ndate: 2024-11-02 09:00\n---\n\nTexte.\n")
	ts.do(t, "GET", "/monde/nouvelle-13")
	slow = 0
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/monde/nouvelle-13?fbclid=abc", nil))
	if w.Code != http.StatusOK || slow != 0 {
		t.Errorf("after the alias went: %d, the long way %v", w.Code, slow > 0)
	}
}
