package web

import (
	"context"
	"errors"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/horizons-expat/site/internal/content"
	"github.com/horizons-expat/site/internal/store"
)

// The addresses a WordPress site gives its listings, feeds and archives,
// which an imported archive's readers, search engines and feed readers
// still ask for. Posts and categories are aliases written by the importer
// (the database answers them); these are families of addresses, each
// understood here once, so that every site imported from WordPress gets
// them without a file per address.
//
//	/tag/x, /tag/x/page/2                → /tags/x (when the tag has articles)
//	/author/login                        → /auteurs/slug (an author file's alias, or the same slug)
//	/2024, /2024/11, /2024/11/05         → /archives, /archives/2024/11 (when they hold articles)
//	…/page/N                             → the listing itself: WordPress's pages hold other articles than ours
//	/feed, /feed/rss2, /feed/atom        → /rss.xml, /atom.xml
//	/category/x/feed, /tag/x/feed, …     → that listing's feed
//	/comments/feed, /<post>/feed         → 410: comment feeds, and the site has no comments
//	/?s=mot, /?feed=rss2, /?tag=x, /?m=202411 → the search, the feed, the tag, the month
//
// Anything else, or a listing with no article, stays a 404, as WordPress
// itself answered.

// formerAddress is where the old address p (canonical: lower case, no
// trailing slash) now is. gone says the site answers 410 for it instead.
func (s *Server) formerAddress(ctx context.Context, v store.View, p string) (target string, gone bool) {
	seg := strings.Split(strings.TrimPrefix(p, "/"), "/")
	if p == "/" || len(seg) == 0 || len(seg) > 6 {
		return "", false
	}
	// A feed: /feed, /feed/rss2, /…/feed, /…/feed/atom.
	n := len(seg)
	atom := false
	switch {
	case n >= 2 && seg[n-2] == "feed" && wordpressFeedKinds[seg[n-1]]:
		atom = seg[n-1] == "atom"
		seg = seg[:n-2]
	case seg[n-1] == "feed":
		seg = seg[:n-1]
	default:
		// A later page of a listing: the listing itself.
		if n >= 2 && seg[n-2] == "page" && isNumber(seg[n-1]) {
			if n == 2 {
				return "/", false
			}
			seg = seg[:n-2]
		}
		return s.formerListing(ctx, v, seg), false
	}
	switch {
	case len(seg) == 0:
		if atom {
			return siteAtomPath, false
		}
		return siteFeedPath, false
	case len(seg) == 1 && seg[0] == "comments":
		return "", true
	}
	base := "/" + strings.Join(seg, "/")
	listing := s.formerListing(ctx, v, seg)
	if listing == "" {
		// The comments feed of a post that moved here.
		if _, err := s.store.Redirect(ctx, v, base); err == nil {
			return "", true
		}
		return "", false
	}
	return feedOf(listing, atom), false
}

// formerQuery is where WordPress's addresses without permalinks lead, for
// those that name no item (which are aliases): /?s=mot (its search),
// /?feed=rss2, /?tag=x, /?m=202411. Others leave the home page as it is.
func (s *Server) formerQuery(ctx context.Context, v store.View, q url.Values) string {
	switch {
	case q.Has("s"):
		return searchPath + "?q=" + url.QueryEscape(q.Get("s"))
	case q.Has("feed"):
		if q.Get("feed") == "atom" {
			return siteAtomPath
		}
		return siteFeedPath
	case q.Get("tag") != "":
		return s.formerTag(ctx, v, q.Get("tag"))
	case len(q.Get("m")) >= 4 && isNumber(q.Get("m")):
		m := q.Get("m")
		seg := []string{m[:4]}
		for i := 4; i+2 <= len(m) && len(seg) < 3; i += 2 {
			seg = append(seg, m[i:i+2])
		}
		return s.formerDate(ctx, v, seg)
	}
	return ""
}

// wordpressFeedKinds are the formats WordPress names after /feed/.
var wordpressFeedKinds = map[string]bool{"rss": true, "rss2": true, "rdf": true, "atom": true}

// feedOf is the feed of one of our listings: RSS where the site has it
// (home, rubrique, author), Atom for tags, which have only that.
func feedOf(listing string, atom bool) string {
	if strings.HasPrefix(listing, content.TagPath("")) {
		return listing + siteAtomPath
	}
	if listing == content.ArchivesPath || strings.HasPrefix(listing, content.ArchivesPath+"/") {
		listing = "" // archives have no feed of their own: the site's has the same articles
	}
	if atom {
		return listing + siteAtomPath
	}
	return listing + siteFeedPath
}

var (
	yearSegment  = regexp.MustCompile(`^[12][0-9]{3}$`)
	monthSegment = regexp.MustCompile(`^(0?[1-9]|1[0-2])$`)
	daySegment   = regexp.MustCompile(`^(0?[1-9]|[12][0-9]|3[01])$`)
)

func isNumber(s string) bool {
	_, err := strconv.Atoi(s)
	return err == nil && s != "" && s[0] != '-' && s[0] != '+'
}

// formerListing is the listing of ours that WordPress's listing seg was
// (a tag, an author, a date archive, or a category the importer made an
// alias of), or "" when there is none with articles.
func (s *Server) formerListing(ctx context.Context, v store.View, seg []string) string {
	if len(seg) == 0 {
		return ""
	}
	switch {
	case len(seg) == 2 && seg[0] == "tag":
		return s.formerTag(ctx, v, seg[1])
	case len(seg) == 2 && seg[0] == "author":
		return s.formerAuthor(ctx, v, seg[1])
	case yearSegment.MatchString(seg[0]) && len(seg) <= 3:
		return s.formerDate(ctx, v, seg)
	}
	// A category (/category/x/y), the importer's alias of a rubrique.
	target, err := s.store.Redirect(ctx, v, "/"+strings.Join(seg, "/"))
	if err != nil || strings.Count(target, "/") != 1 {
		return "" // no alias, or an article's
	}
	return target
}

// wordpressSuffix is the "-2" WordPress adds to a tag's slug that a
// category already has; our tags take their slug from the name, without it.
var wordpressSuffix = regexp.MustCompile(`-[0-9]+$`)

func (s *Server) formerTag(ctx context.Context, v store.View, name string) string {
	slug := content.Slugify(name)
	for _, candidate := range []string{slug, wordpressSuffix.ReplaceAllString(slug, "")} {
		if candidate == "" {
			continue
		}
		if _, err := s.store.Tag(ctx, v, candidate); err == nil {
			return content.TagPath(candidate)
		}
	}
	// An editor's own slug that dropped the hyphens (« Must Read » at
	// /tag/mustread): the one tag that reads the same without them.
	compact := strings.ReplaceAll(slug, "-", "")
	if compact == "" {
		return ""
	}
	tags, err := s.store.Tags(ctx, v)
	if err != nil {
		s.log.Warn("former tag", "tag", name, "err", err)
		return ""
	}
	found := ""
	for _, t := range tags {
		if strings.ReplaceAll(t.Slug, "-", "") == compact {
			if found != "" {
				return "" // two tags would fit: neither is sure
			}
			found = t.Slug
		}
	}
	if found == "" {
		return ""
	}
	return content.TagPath(found)
}

func (s *Server) formerAuthor(ctx context.Context, v store.View, login string) string {
	// The importer writes the author's file with /author/<login> as an alias.
	if target, err := s.store.Redirect(ctx, v, "/author/"+login); err == nil && strings.HasPrefix(target, content.AuthorPath("")) {
		return target
	}
	slug := content.AuthorSlug(login)
	if slug == "" {
		return ""
	}
	if _, err := s.store.Author(ctx, v, slug); err != nil {
		return ""
	}
	return content.AuthorPath(slug)
}

// formerDate is our page for WordPress's date archive /2024, /2024/11 or
// /2024/11/05: the month's page (we have no day pages: the month holds the
// day), or the archives for a year, when that period has an article.
func (s *Server) formerDate(ctx context.Context, v store.View, seg []string) string {
	year, _ := strconv.Atoi(seg[0])
	var month int
	if len(seg) >= 2 {
		if !monthSegment.MatchString(seg[1]) {
			return ""
		}
		month, _ = strconv.Atoi(seg[1])
	}
	if len(seg) == 3 && !daySegment.MatchString(seg[2]) {
		return ""
	}
	site, err := s.store.Site(ctx)
	if err != nil {
		return ""
	}
	from := time.Date(year, time.January, 1, 0, 0, 0, 0, site.Location)
	to := from.AddDate(1, 0, 0)
	if month > 0 {
		from = time.Date(year, time.Month(month), 1, 0, 0, 0, 0, site.Location)
		to = from.AddDate(0, 1, 0)
	}
	if _, total, err := s.store.InMonth(ctx, v, from, to, 1, 0); err != nil || total == 0 {
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			s.log.Warn("former date archive", "path", strings.Join(seg, "/"), "err", err)
		}
		return ""
	}
	if month == 0 {
		return content.ArchivesPath
	}
	return content.MonthPath(year, time.Month(month))
}
