package web

import (
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"
)

// pageNumber reads the {page} URL parameter. Page 1 has no number in its
// URL, so "/page/1" and anything that is not a plain number above 1 is not
// a page: ok is false.
func pageNumber(r *http.Request) (n int, ok bool) {
	p := chi.URLParam(r, "page")
	if p == "" {
		return 1, true
	}
	n, err := strconv.Atoi(p)
	if err != nil || n < 2 || strconv.Itoa(n) != p {
		return 0, false
	}
	return n, true
}

// firstPage reports whether r names page 1 of a listing by its number:
// that page is the listing itself, and its address is the listing's.
func firstPage(r *http.Request) bool { return chi.URLParam(r, "page") == "1" }

// lastPage is the number of pages that total articles fill.
func lastPage(total int) int {
	return max(1, (total+perPage-1)/perPage)
}

// pageURL returns the URL of page n of the listing at base.
func pageURL(base string) func(int) string {
	return func(n int) string {
		if n == 1 {
			return base
		}
		return base + "/page/" + strconv.Itoa(n)
	}
}
