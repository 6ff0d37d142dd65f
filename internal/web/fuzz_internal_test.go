package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"
)

func FuzzCanonicalPath(f *testing.F) {
	for _, seed := range []string{
		"/", "", "/Monde/", "/monde//", "/monde/index.html", "/monde/index.htmlindex.html",
		"/INDEX.HTML", "/static/Style.ABC.css", "/STATIC/x", "/media/Photo.PNG", "/\xff\xfe",
		"/İstanbul", "/K", "//", "/index.html/", "/static/", "/a/b/c/", "/ÉTÉ",
		"//evil.example", "//Evil.example/", "///x", "/static//x", "/\\evil.example", "//0A",
		"/monde/nouvelle-14", "/a/index.html", "/a_b.c/d", "/monde/", "/a//b",
	} {
		f.Add(seed)
	}
	paths := siteTraits()
	f.Fuzz(func(t *testing.T, p string) {
		c := paths.canonical(p)
		if again := paths.canonical(c); again != c {
			t.Fatalf("not idempotent, a redirect would lead to another: %q → %q → %q", p, c, again)
		}
		if alreadyCanonical(p) {
			if long := respelled(p, paths.of); long != p {
				t.Fatalf("%q taken as canonical, but its canonical spelling is %q", p, long)
			}
		}
		if !utf8.ValidString(p) {
			if c != p {
				t.Errorf("invalid UTF-8 %q changed to %q", p, c)
			}
			return
		}
		if strings.HasPrefix(p, "/") && !strings.HasPrefix(c, "/") {
			t.Errorf("%q → %q lost its leading slash", p, c)
		}
		if len(c) > 1 && strings.HasSuffix(c, "/") {
			t.Errorf("%q → %q keeps a trailing slash", p, c)
		}
		if strings.Contains(c, "//") {
			t.Errorf("%q → %q: a doubled slash, which a redirect would send off the site", p, c)
		}
		if strings.HasSuffix(c, "index.html") {
			t.Errorf("%q → %q keeps index.html", p, c)
		}
	})
}

func FuzzPageNumber(f *testing.F) {
	for _, seed := range []string{"", "1", "2", "02", "+2", "-2", "2 ", "99999999999999999999", "٢", "0x10", "1e3"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, p string) {
		rctx := chi.NewRouteContext()
		rctx.URLParams.Add("page", p)
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r = r.WithContext(context.WithValue(r.Context(), chi.RouteCtxKey, rctx))
		n, ok := pageNumber(r)
		switch {
		case p == "":
			if !ok || n != 1 {
				t.Errorf("no page parameter: (%d, %v), want (1, true)", n, ok)
			}
		case ok:
			// One spelling per page: the plain decimal number, from 2.
			if n < 2 || strconv.Itoa(n) != p {
				t.Errorf("pageNumber(%q) = %d accepted", p, n)
			}
		default:
			if v, err := strconv.Atoi(p); err == nil && v >= 2 && strconv.Itoa(v) == p {
				t.Errorf("pageNumber(%q) refused a plain page number", p)
			}
		}
	})
}

func FuzzSlugPath(f *testing.F) {
	for _, seed := range []string{
		"/vie-pratique/Mon Article Été", "/tags/sécurité sociale", "/Prâtique", "/a/b_c/d", "/rss.xml",
		"/static/Été.css", "/media/Été.jpg", "/monde/page/2\x00", "/\xff", "/œuvre", "/'", "/tags/ß", "//x", "",
	} {
		f.Add(seed)
	}
	paths := siteTraits()
	f.Fuzz(func(t *testing.T, p string) {
		folded, ok := paths.slugPath(p)
		if !ok {
			return
		}
		if again, ok := paths.slugPath(folded); !ok || again != folded {
			t.Fatalf("not a fixed point, a redirect could lead to another: %q → %q → %q (%v)", p, folded, again, ok)
		}
		if respellable(folded) {
			t.Errorf("%q → %q holds what no address holds", p, folded)
		}
		if strings.Count(folded, "/") != strings.Count(p, "/") {
			t.Errorf("%q → %q changed the segments", p, folded)
		}
	})
}

// FuzzCanonicalRedirect checks that canonicalPaths sends every spelling to
// a canonical one in one step: following its redirect never meets another.
func FuzzCanonicalRedirect(f *testing.F) {
	for _, seed := range []string{
		"/%6Donde", "/%4Donde/", "/pr%61tique/retraite?x=1", "/monde%2fx", "/%ff%fe", "/%C3%A9t%C3%A9",
		"/Mon%20Article", "/%7E", "/%2e%2e/", "/a%2520b", "/MONDE//", "/static/%61.css", "/media/%41.png",
	} {
		f.Add(seed)
	}
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) })
	h := (&Server{traits: siteTraits()}).canonicalPaths(ok)
	f.Fuzz(func(t *testing.T, target string) {
		u, err := url.ParseRequestURI(target)
		if err != nil || !strings.HasPrefix(target, "/") || strings.HasPrefix(target, "//") {
			return // not a request target a server receives
		}
		req := &http.Request{Method: http.MethodGet, URL: u, RequestURI: target, Header: http.Header{}}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusMovedPermanently {
			return
		}
		loc := rec.Header().Get("Location")
		next, err := url.ParseRequestURI(loc)
		if err != nil || !strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "//") {
			t.Fatalf("%q → Location %q: not a path of this site (%v)", target, loc, err)
		}
		rec = httptest.NewRecorder()
		h.ServeHTTP(rec, &http.Request{Method: http.MethodGet, URL: next, RequestURI: loc, Header: http.Header{}})
		if rec.Code == http.StatusMovedPermanently {
			t.Errorf("%q → %q → %q: a chain of redirects", target, loc, rec.Header().Get("Location"))
		}
	})
}
