package web

import (
	"net/http"
	"strings"
	"time"
)

// preconditions evaluates the conditional headers of r against the
// representation the site chose to send (its strong entity tag etag,
// quoted, and its modification time, zero when unknown), in the order RFC
// 9110 (section 13.2.2) sets, and returns the status to answer instead of
// the representation: 304, 412, or 0 to send it. It must be called only
// when the answer without conditions would be a 200: the RFC has every
// other answer ignore them.
//
// It follows what http.ServeContent does for /static and /media (a test
// compares the two), for pages, whose bodies are in memory and prepared
// once for every request.
func preconditions(r *http.Request, etag string, modified time.Time) int {
	if im := headerList(r, "If-Match"); im != "" {
		// Strong comparison: a weak tag never matches, "*" always does
		// (the page exists).
		if !etagMatches(im, etag, true) {
			return http.StatusPreconditionFailed
		}
	} else if t, ok := headerTime(r, "If-Unmodified-Since"); ok && !modified.IsZero() && modified.Truncate(time.Second).After(t) {
		return http.StatusPreconditionFailed
	}
	read := r.Method == http.MethodGet || r.Method == http.MethodHead
	if inm := headerList(r, "If-None-Match"); inm != "" {
		// Weak comparison: the client's copy of these bytes, whatever it
		// calls it.
		if etagMatches(inm, etag, false) {
			if read {
				return http.StatusNotModified
			}
			return http.StatusPreconditionFailed
		}
	} else if t, ok := headerTime(r, "If-Modified-Since"); ok && read && !modified.IsZero() && !modified.Truncate(time.Second).After(t) {
		return http.StatusNotModified
	}
	return 0
}

// headerList joins the lines of a list header: a client may send a list
// over several lines (RFC 9110, 5.3).
func headerList(r *http.Request, name string) string {
	v := r.Header.Values(name)
	switch len(v) {
	case 0:
		return ""
	case 1:
		return v[0]
	}
	return strings.Join(v, ",")
}

// headerTime is the date of header name, ok false when there is none or
// it does not parse (the RFC has an invalid date ignored).
func headerTime(r *http.Request, name string) (time.Time, bool) {
	v := r.Header.Get(name)
	if v == "" {
		return time.Time{}, false
	}
	t, err := http.ParseTime(v)
	return t, err == nil
}

// etagMatches reports whether the list of entity tags (or "*") names
// etag, by strong or weak comparison (RFC 9110, 8.8.3.2). A list that does
// not parse matches nothing from where it stops.
func etagMatches(list, etag string, strong bool) bool {
	for {
		list = strings.TrimLeft(list, " \t,")
		if list == "" {
			return false
		}
		if list[0] == '*' {
			return true
		}
		tag, weak, rest, ok := scanETag(list)
		if !ok {
			return false
		}
		if tag == etag && !(strong && weak) {
			return true
		}
		list = rest
	}
}

// scanETag reads one entity tag at the start of s: [W/]"opaque", returned
// with its quotes and without W/.
func scanETag(s string) (tag string, weak bool, rest string, ok bool) {
	if strings.HasPrefix(s, "W/") {
		weak, s = true, s[2:]
	}
	if len(s) < 2 || s[0] != '"' {
		return "", false, "", false
	}
	for i := 1; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"':
			return s[:i+1], weak, s[i+1:], true
		case c == 0x21 || c >= 0x23 && c <= 0x7E || c >= 0x80:
		default:
			return "", false, "", false
		}
	}
	return "", false, "", false
}
