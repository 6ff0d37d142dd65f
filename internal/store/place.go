package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/horizons-expat/site/internal/content"
)

// ArticlePlace is where an article shows besides its own page: in the
// lists of its rubrique, of each of its tags and of each of its authors.
// Which pages those are is the web's business; the store only says where
// an article stands.
type ArticlePlace struct {
	ID       int64
	Category string
	Tags     []string // slugs, sorted
	Authors  []string // slugs, sorted
}

// Places returns the places of the articles stored for the given file
// paths, by id; a path with no stored article gives nothing. Called before
// and after a change, it says where those articles were and are.
func (s *Store) Places(ctx context.Context, paths []string) ([]ArticlePlace, error) {
	if len(paths) == 0 {
		return nil, nil
	}
	var out []ArticlePlace
	// One variable per path, in batches: SQLite refuses a statement with
	// more than 32,766, and a first start or a large pull changes more
	// files than that. (A JSON array expanded by json_each would need one
	// variable, but JSON cannot carry a file name that is not UTF-8.)
	for batch := range slices.Chunk(paths, maxVariables) {
		var err error
		if out, err = s.appendPlaces(ctx, out, batch); err != nil {
			return nil, fmt.Errorf("article places: %w", err)
		}
	}
	// A path given twice (both sides of a move asked at once) finds its
	// article once.
	slices.SortFunc(out, func(a, b ArticlePlace) int { return cmp.Compare(a.ID, b.ID) })
	return slices.CompactFunc(out, func(a, b ArticlePlace) bool { return a.ID == b.ID }), nil
}

// maxVariables is how many values one statement binds at most: well below
// SQLite's limit (32,766), so that a batch leaves room for other ones.
const maxVariables = 1000

func (s *Store) appendPlaces(ctx context.Context, out []ArticlePlace, paths []string) ([]ArticlePlace, error) {
	args := make([]any, len(paths))
	for i, p := range paths {
		args[i] = p
	}
	// Two plain joins, put together here by id.
	first := len(out)
	at := map[int64]int{}
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
		i, ok := at[id]
		if !ok {
			i = len(out)
			at[id] = i
			out = append(out, ArticlePlace{ID: id, Category: category})
		}
		if tag.Valid {
			out[i].Tags = append(out[i].Tags, tag.String)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	authors, err := s.r.QueryContext(ctx, `
		SELECT t.article_id, t.author FROM articles a JOIN article_authors t ON t.article_id = a.id
		WHERE a.path IN (`+placeholders(len(paths))+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer authors.Close()
	for authors.Next() {
		var id int64
		var slug string
		if err := authors.Scan(&id, &slug); err != nil {
			return nil, err
		}
		if i, ok := at[id]; ok {
			out[i].Authors = append(out[i].Authors, slug)
		}
	}
	if err := authors.Err(); err != nil {
		return nil, err
	}
	for i := first; i < len(out); i++ {
		slices.Sort(out[i].Tags)
		slices.Sort(out[i].Authors)
	}
	return out, nil
}

// InPlace returns, among arts, the articles whose stored version sits in
// the same place on the site: same address, rubrique, title, date,
// visibility and tags. Such an edit changes what the article's own page
// and its cards show (and feeds, sitemaps and search results, which show
// more of it), but no list it is in, nor their order, nor another
// article's page beyond its card. It maps their paths to their ids; an
// article not stored yet, or stored elsewhere (a rename), is not in it.
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
