package web

import (
	"context"
	"net/http"
	"net/http/httptest"
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
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, p string) {
		c := canonicalPath(p)
		if again := canonicalPath(c); again != c {
			t.Fatalf("not idempotent, a redirect would lead to another: %q → %q → %q", p, c, again)
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
	f.Fuzz(func(t *testing.T, p string) {
		folded, ok := slugPath(p)
		if !ok {
			return
		}
		if again, ok := slugPath(folded); !ok || again != folded {
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
