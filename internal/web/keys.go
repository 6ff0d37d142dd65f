package web

import (
	"slices"
	"strconv"

	"github.com/horizons-expat/site/internal/ingest"
)

// Surrogate keys name what a page shows, so that a cache (the page cache,
// a shared one in front of the site) can drop exactly the pages that a
// content change affects. Pages carry them in the Surrogate-Key header;
// ChangeKeys maps what a pass changed (ingest reports it as facts of the
// content) to the keys of the pages it altered. This file owns every key
// name and that mapping: a new kind of page adds its key here and names it
// in its handler, and nothing outside web knows of it.
const (
	keySite    = "site"    // every page: the menu shows the site settings and categories
	keyHome    = "home"    // the home page
	keyLatest  = "latest"  // pages listing the newest articles of the whole site
	keyFeeds   = "feeds"   // RSS feeds
	keySitemap = "sitemap" // sitemaps
	keyTags    = "tags"    // the tag index
	keySearch  = "search"  // search results
)

// AllPagesKey is the key that every page carries: a purge too large to
// list its keys bans it instead (see internal/purge).
const AllPagesKey = keySite

// articleKey is the key of pages showing article id: its own page, and
// every page with its card.
func articleKey(id int64) string { return "a" + strconv.FormatInt(id, 10) }

// categoryKey is the key of pages listing rubrique slug.
func categoryKey(slug string) string { return "c-" + slug }

// tagKey is the key of pages listing tag slug.
func tagKey(slug string) string { return "t-" + slug }

// authorKey is the key of pages listing the articles of author slug.
func authorKey(slug string) string { return "u-" + slug }

// ChangeKeys names every page that change c may have altered, sorted, each
// once; none when readers see no difference.
//
// The articles that moved in lists name the pages that listed them before
// (a moved article's former rubrique, tags and authors) and those that list
// them now, and every list of newest articles: the home page, archives,
// feeds, sitemaps, the tag index (its counts) and search results. An
// article edited in place names only the pages that show it, its authors'
// before and after, and the feeds, sitemaps and search results, which show
// more of it than its card. Site settings and rubriques show on every page.
// An author's file shows on their own pages and feeds only.
func ChangeKeys(c ingest.Change) []string {
	var keys []string
	listed := slices.Concat(c.Listed.Before, c.Listed.After)
	for _, a := range listed {
		keys = append(keys, articleKey(a.ID), categoryKey(a.Category))
		for _, t := range a.Tags {
			keys = append(keys, tagKey(t))
		}
		for _, u := range a.Authors {
			keys = append(keys, authorKey(u))
		}
	}
	edited := slices.Concat(c.Edited.Before, c.Edited.After)
	for _, a := range edited {
		// Its rubrique and tags are the same on both sides, and their
		// lists show its card, which carries its key.
		keys = append(keys, articleKey(a.ID))
		for _, u := range a.Authors {
			keys = append(keys, authorKey(u))
		}
	}
	switch {
	case len(listed) > 0:
		keys = append(keys, keyHome, keyLatest, keyFeeds, keySitemap, keyTags, keySearch)
	case len(edited) > 0:
		keys = append(keys, keyFeeds, keySitemap, keySearch)
	}
	if c.Site {
		keys = append(keys, keySite)
	}
	for _, u := range c.Authors {
		keys = append(keys, authorKey(u))
	}
	slices.Sort(keys)
	return slices.Compact(keys)
}

// ImagesReadyKeys names the pages that show the images of the given
// articles, whose variants were just made: those pages named the originals
// and now name the variants. Cards on the home page, listings and related
// articles carry the key of the article they show, so the article keys name
// them all; feeds name a cover's variant too (media:content). None without
// articles.
func ImagesReadyKeys(articles []int64) []string {
	if len(articles) == 0 {
		return nil
	}
	keys := make([]string, 0, len(articles)+1)
	for _, id := range articles {
		keys = append(keys, articleKey(id))
	}
	return append(keys, keyFeeds)
}
