package web

import (
	"strconv"
	"time"
)

// The site's cache policy: every lifetime that a response gives browsers
// and shared caches, or that the page cache keeps a page for, is written
// here and nowhere else. (Which pages a content change purges is said by
// their surrogate keys, named in keys.go with the mapping from a change.)

// maxAge bounds how long a browser may keep a page without asking again.
const maxAge = 5 * time.Minute

// sharedMaxAge bounds how long a shared cache keeps a page between two
// requests to the site: the site purges it on content changes (see
// internal/purge), but a proxy without purges (nginx) still shows an edit
// that late at most.
const sharedMaxAge = 10 * time.Minute

// maxStaleWhileRevalidate and maxStaleIfError bound how long a shared
// cache may serve a page past its s-maxage, while it asks the site again
// or while the site fails; never past the page's next change either.
const (
	maxStaleWhileRevalidate = time.Minute
	maxStaleIfError         = 24 * time.Hour
)

// maxValidity bounds how long a rendered page is kept when nothing in it is
// due to change: a day, so that even a forgotten case heals by itself.
const maxValidity = 24 * time.Hour

// mediaMaxAge is how long a browser may keep an original image or file of
// media/ without asking again: an editor may replace the file under the
// same name.
const mediaMaxAge = time.Hour

var mediaCacheControl = "public, max-age=" + strconv.Itoa(int(mediaMaxAge/time.Second))

// immutableCacheControl is for bytes that never change under their name:
// image variants (named by the hash of their source and processing) and
// fingerprinted assets.
const immutableCacheControl = "public, max-age=31536000, immutable"

// cacheControl says how browsers and shared caches may keep a page whose
// text changes in ttl (a relative date moving on, a scheduled article
// appearing): browsers for at most maxAge, shared caches for at most
// sharedMaxAge, and a shared cache may serve it stale, while it revalidates
// or while the site fails, for what is left of ttl. No lifetime, stale ones
// included, ever reaches past ttl.
func cacheControl(ttl time.Duration) string {
	ttl = max(0, ttl)
	shared := min(ttl, sharedMaxAge)
	stale := ttl - shared
	b := make([]byte, 0, 96)
	b = append(b, "public, max-age="...)
	b = strconv.AppendInt(b, int64(min(ttl, maxAge)/time.Second), 10)
	b = append(b, ", s-maxage="...)
	b = strconv.AppendInt(b, int64(shared/time.Second), 10)
	b = append(b, ", stale-while-revalidate="...)
	b = strconv.AppendInt(b, int64(min(stale, maxStaleWhileRevalidate)/time.Second), 10)
	b = append(b, ", stale-if-error="...)
	b = strconv.AppendInt(b, int64(min(stale, maxStaleIfError)/time.Second), 10)
	return string(b)
}
