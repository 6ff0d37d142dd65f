package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/horizons-expat/site/internal/content"
)

// Surrogate keys name what a page shows, so that a shared cache can drop
// exactly the pages a content change affects. Pages carry them in the
// Surrogate-Key header; a reload purges the keys of what it changed.
const (
	KeySite    = "site"    // every page: the menu shows the site settings and categories
	KeyHome    = "home"    // the home page
	KeyLatest  = "latest"  // pages listing the newest articles of the whole site
	KeyFeeds   = "feeds"   // RSS feeds
	KeySitemap = "sitemap" // sitemaps
	KeyTags    = "tags"    // the tag index
	KeySearch  = "search"  // search results
)

// ArticleKey is the key of pages showing article id.
func ArticleKey(id int64) string { return "a" + strconv.FormatInt(id, 10) }

// CategoryKey is the key of pages listing category slug.
func CategoryKey(slug string) string { return "c-" + slug }

// TagKey is the key of pages listing tag slug.
func TagKey(slug string) string { return "t-" + slug }

// AuthorKey is the key of pages listing the articles of author slug.
func AuthorKey(slug string) string { return "u-" + slug }

// SurrogateKeys returns the keys of the articles stored for the given file
// paths: each article, its category, its tags and its authors. Called before and after a
// change, it names every page that showed or will show those articles.
func (s *Store) SurrogateKeys(ctx context.Context, paths []string) ([]string, error) {
	if len(paths) == 0 {
		return nil, nil
	}
	var keys []string
	// One variable per path, in batches: SQLite refuses a statement with
	// more than 32,766, and a first start or a large pull changes more
	// files than that. (A JSON array expanded by json_each would need one
	// variable, but JSON cannot carry a file name that is not UTF-8.)
	for batch := range slices.Chunk(paths, maxVariables) {
		var err error
		if keys, err = s.appendSurrogateKeys(ctx, keys, batch); err != nil {
			return nil, fmt.Errorf("surrogate keys: %w", err)
		}
	}
	// An article with several tags comes once per tag, and articles
	// share categories and tags: each key is named once, in order.
	slices.Sort(keys)
	return slices.Compact(keys), nil
}

// maxVariables is how many values one statement binds at most: well below
// SQLite's limit (32,766), so that a batch leaves room for other ones.
const maxVariables = 1000

func (s *Store) appendSurrogateKeys(ctx context.Context, keys, paths []string) ([]string, error) {
	args := make([]any, len(paths))
	for i, p := range paths {
		args[i] = p
	}
	// The keys are built here by the functions pages use, so the two
	// cannot disagree; the queries only find the articles, their tags and
	// their authors.
	rows, err := s.r.QueryContext(ctx, `
		SELECT a.id, a.category, t.tag
		FROM articles a LEFT JOIN article_tags t ON t.article_id = a.id
		WHERE a.path IN (`+placeholders(len(paths))+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var category string
		var tag sql.NullString
		if err := rows.Scan(&id, &category, &tag); err != nil {
			return nil, err
		}
		keys = append(keys, ArticleKey(id), CategoryKey(category))
		if tag.Valid {
			keys = append(keys, TagKey(tag.String))
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	authors, err := s.r.QueryContext(ctx, `
		SELECT DISTINCT t.author FROM articles a JOIN article_authors t ON t.article_id = a.id
		WHERE a.path IN (`+placeholders(len(paths))+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer authors.Close()
	for authors.Next() {
		var slug string
		if err := authors.Scan(&slug); err != nil {
			return nil, err
		}
		keys = append(keys, AuthorKey(slug))
	}
	return keys, authors.Err()
}

// InPlace returns, among arts, the articles whose stored version sits in
// the same place on the site: same address, rubrique, title, date,
// visibility and tags. Such an edit changes what the article's own page
// and its cards show, but no list it is in, nor their order, nor another
// article's page beyond its card: their pages carry the article's key, so
// that key alone names them (plus feeds, sitemaps and search results, which
// show more of it). It maps their paths to their ids; an article not
// stored yet, or stored elsewhere (a rename), is not in it.
func (s *Store) InPlace(ctx context.Context, arts []content.Article) (map[string]int64, error) {
	byPath := make(map[string]*content.Article, len(arts))
	paths := make([]string, 0, len(arts))
	for i := range arts {
		byPath[arts[i].Path] = &arts[i]
		paths = append(paths, arts[i].Path)
	}
	out := map[string]int64{}
	for batch := range slices.Chunk(paths, maxVariables) {
		if err := s.inPlace(ctx, batch, byPath, out); err != nil {
			return nil, fmt.Errorf("articles in place: %w", err)
		}
	}
	return out, nil
}

func (s *Store) inPlace(ctx context.Context, paths []string, byPath map[string]*content.Article, out map[string]int64) error {
	args := make([]any, len(paths))
	for i, p := range paths {
		args[i] = p
	}
	// Tags as "slug US label RS slug US label…", in their order.
	rows, err := s.r.QueryContext(ctx, `
		SELECT a.path, a.id, a.slug, a.category, a.title, a.published_at, coalesce(a.expires_at, 0), a.draft,
			coalesce((SELECT group_concat(t.tag || char(31) || t.label, char(30))
				FROM (SELECT tag, label FROM article_tags WHERE article_id = a.id ORDER BY position) t), '')
		FROM articles a WHERE a.path IN (`+placeholders(len(paths))+`)`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var path, slug, category, title, tags string
		var id, published, expires int64
		var draft bool
		if err := rows.Scan(&path, &id, &slug, &category, &title, &published, &expires, &draft, &tags); err != nil {
			return err
		}
		a := byPath[path]
		var exp int64
		if !a.Expires.IsZero() {
			exp = a.Expires.Unix()
		}
		if a.Slug == slug && a.Category == category && a.Title == title && a.Date.Unix() == published &&
			exp == expires && a.Draft == draft && tagList(a.Tags) == tags {
			out[path] = id
		}
	}
	return rows.Err()
}

// tagList is tags as InPlace's query writes them.
func tagList(tags []content.Tag) string {
	var b strings.Builder
	for i, t := range tags {
		if i > 0 {
			b.WriteByte(30)
		}
		b.WriteString(t.Slug)
		b.WriteByte(31)
		b.WriteString(t.Label)
	}
	return b.String()
}
