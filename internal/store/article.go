package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/horizons-expat/site/internal/content"
)

// Article is an article as stored, with what pages show beside it.
type Article struct {
	ID            int64
	CategoryTitle string
	content.Article
}

// View says which articles readers can see: those published at Now, or,
// with Unpublished (an editor's preview), drafts and scheduled ones too.
type View struct {
	Now         time.Time
	Unpublished bool
}

func (v View) args(more ...any) []any {
	return append([]any{sql.Named("now", v.Now.Unix()), sql.Named("all", v.Unpublished)}, more...)
}

// visible is the condition for an article a to be shown in a View.
const visible = `(:all OR (a.draft = 0 AND a.published_at <= :now AND (a.expires_at IS NULL OR a.expires_at > :now)))`

// cardColumns are what listings need; the body stays in the database.
const cardColumns = `a.id, a.path, a.category, c.title, a.slug, a.title, a.summary,
	a.image, a.image_alt, a.published_at, a.updated_at, a.expires_at, a.draft, a.first_para, a.words,
	a.description, a.image_caption, a.image_credit, a.image_focus, a.image_width, a.image_height`

func scanCard(row interface{ Scan(...any) error }) (Article, error) {
	var a Article
	var published int64
	var updated, expires sql.NullInt64
	err := row.Scan(&a.ID, &a.Path, &a.Category, &a.CategoryTitle, &a.Slug, &a.Title, &a.Summary,
		&a.Image, &a.ImageAlt, &published, &updated, &expires, &a.Draft, &a.FirstParagraph, &a.Words,
		&a.MetaDescription, &a.ImageCaption, &a.ImageCredit, &a.ImageFocus, &a.ImageWidth, &a.ImageHeight)
	a.Date = time.Unix(published, 0)
	a.Updated = fromNull(updated)
	a.Expires = fromNull(expires)
	return a, err
}

// withBody scans the card columns, then the columns (a body, HTML or
// text, and others) that the query selects after them, so the card columns
// stay listed in one place.
type withBody struct {
	row  interface{ Scan(...any) error }
	body *string
	more *string // the headings' JSON, when the query selects it
}

func (w withBody) Scan(dest ...any) error {
	dest = append(dest, w.body)
	if w.more != nil {
		dest = append(dest, w.more)
	}
	return w.row.Scan(dest...)
}

func fromNull(n sql.NullInt64) time.Time {
	if !n.Valid {
		return time.Time{}
	}
	return time.Unix(n.Int64, 0)
}

func toNull(t time.Time) sql.NullInt64 {
	if t.IsZero() {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: t.Unix(), Valid: true}
}

func (s *Store) cards(ctx context.Context, query string, args ...any) ([]Article, error) {
	// Every listing's query is of constant text: parsed once per
	// connection (parsing Related's took an eighth of an article page).
	rows, err := s.r.queryPrepared(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list articles: %w", err)
	}
	defer rows.Close()
	var out []Article
	for rows.Next() {
		a, err := scanCard(rows)
		if err != nil {
			return nil, fmt.Errorf("scan article: %w", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list articles: %w", err)
	}
	return out, nil
}

// Article returns the visible article at category/slug, with its body, tags and sources.
func (s *Store) Article(ctx context.Context, v View, category, slug string) (Article, error) {
	row := s.r.QueryRowContext(ctx, `
		SELECT `+cardColumns+`, a.body_html, a.headings
		FROM articles a JOIN categories c ON c.slug = a.category
		WHERE a.category = :category AND a.slug = :slug AND `+visible,
		v.args(sql.Named("category", category), sql.Named("slug", slug))...)
	var body, headings string
	a, err := scanCard(withBody{row, &body, &headings})
	if errors.Is(err, sql.ErrNoRows) {
		return Article{}, fmt.Errorf("article %s/%s: %w", category, slug, ErrNotFound)
	}
	if err != nil {
		return Article{}, fmt.Errorf("article %s/%s: %w", category, slug, err)
	}
	if a.Headings, err = decodeHeadings(headings); err != nil {
		return Article{}, fmt.Errorf("headings of %s/%s: %w", category, slug, err)
	}
	a.BodyHTML = body
	one := []Article{a}
	if err := s.withTagsAndAuthors(ctx, one); err != nil {
		return Article{}, err
	}
	a = one[0]
	if a.Sources, err = s.articleSources(ctx, a.ID); err != nil {
		return Article{}, err
	}
	return a, nil
}

// articleSources returns the sources of the article id, in its order.
func (s *Store) articleSources(ctx context.Context, id int64) ([]content.Source, error) {
	rows, err := s.r.QueryContext(ctx, `
		SELECT title, url FROM article_sources WHERE article_id = ? ORDER BY position`, id)
	if err != nil {
		return nil, fmt.Errorf("article sources: %w", err)
	}
	defer rows.Close()
	var out []content.Source
	for rows.Next() {
		var src content.Source
		if err := rows.Scan(&src.Title, &src.URL); err != nil {
			return nil, fmt.Errorf("article sources: %w", err)
		}
		out = append(out, src)
	}
	return out, rows.Err()
}

// articleTags returns the tags of the articles ids, each in its article's
// order, in one query however many articles a page shows.
func (s *Store) articleTags(ctx context.Context, ids ...int64) (map[int64][]content.Tag, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	rows, err := s.r.QueryContext(ctx, `
		SELECT article_id, tag, label FROM article_tags
		WHERE article_id IN (SELECT value FROM json_each(?))
		ORDER BY article_id, position`, jsonList(ids))
	if err != nil {
		return nil, fmt.Errorf("article tags: %w", err)
	}
	defer rows.Close()
	tags := make(map[int64][]content.Tag, len(ids))
	for rows.Next() {
		var id int64
		var t content.Tag
		if err := rows.Scan(&id, &t.Slug, &t.Label); err != nil {
			return nil, fmt.Errorf("article tags: %w", err)
		}
		tags[id] = append(tags[id], t)
	}
	return tags, rows.Err()
}

// Latest returns visible articles, newest first.
func (s *Store) Latest(ctx context.Context, v View, limit, offset int) ([]Article, error) {
	return s.cards(ctx, `
		SELECT `+cardColumns+`
		FROM articles a JOIN categories c ON c.slug = a.category
		WHERE `+visible+`
		ORDER BY a.published_at DESC, a.id DESC
		LIMIT :limit OFFSET :offset`,
		v.args(sql.Named("limit", limit), sql.Named("offset", offset))...)
}

// InCategory returns a page of the visible articles of a category, newest
// first, and how many there are in all.
func (s *Store) InCategory(ctx context.Context, v View, category string, limit, offset int) ([]Article, int, error) {
	var total int
	err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM articles a WHERE a.category = :category AND `+visible,
		v.args(sql.Named("category", category))...).Scan(&total)
	if err != nil {
		return nil, 0, fmt.Errorf("count articles of %s: %w", category, err)
	}
	list, err := s.cards(ctx, `
		SELECT `+cardColumns+`
		FROM articles a JOIN categories c ON c.slug = a.category
		WHERE a.category = :category AND `+visible+`
		ORDER BY a.published_at DESC, a.id DESC
		LIMIT :limit OFFSET :offset`,
		v.args(sql.Named("category", category), sql.Named("limit", limit), sql.Named("offset", offset))...)
	return list, total, err
}

// WithTag returns a page of the visible articles with a tag, newest first,
// and how many there are in all.
func (s *Store) WithTag(ctx context.Context, v View, tag string, limit, offset int) ([]Article, int, error) {
	var total int
	err := s.r.QueryRowContext(ctx, `
		SELECT count(*) FROM article_tags t JOIN articles a ON a.id = t.article_id
		WHERE t.tag = :tag AND `+visible,
		v.args(sql.Named("tag", tag))...).Scan(&total)
	if err != nil {
		return nil, 0, fmt.Errorf("count articles tagged %s: %w", tag, err)
	}
	list, err := s.cards(ctx, `
		SELECT `+cardColumns+`
		FROM article_tags t JOIN articles a ON a.id = t.article_id JOIN categories c ON c.slug = a.category
		WHERE t.tag = :tag AND `+visible+`
		ORDER BY a.published_at DESC, a.id DESC
		LIMIT :limit OFFSET :offset`,
		v.args(sql.Named("tag", tag), sql.Named("limit", limit), sql.Named("offset", offset))...)
	return list, total, err
}

// Related returns up to limit visible articles to read after a: those
// sharing most of its tags first, then those of its category, then the
// newest.
//
// Only three small sets can hold them, each read through an index: the
// articles sharing a tag, the newest of the category and the newest of
// all. An article of the category without a shared tag that makes the
// list has fewer than limit articles of the category above it, so it is
// among the category's newest limit; likewise for the newest of all.
// Ranking those candidates gives what ranking every article would, at a
// cost that does not grow with the site.
func (s *Store) Related(ctx context.Context, v View, a Article, limit int) ([]Article, error) {
	// The candidates are ranked from the articles_rank index, which holds
	// what ranking needs; only the rows of those shown are read.
	return s.cards(ctx, `
		WITH shared AS (
			SELECT t.article_id AS id, count(*) AS n
			FROM article_tags t
			WHERE t.tag IN (SELECT tag FROM article_tags WHERE article_id = :id) AND t.article_id != :id
			GROUP BY t.article_id
		), candidates AS (
			SELECT id FROM shared
			UNION
			SELECT id FROM (
				SELECT a.id FROM articles a
				WHERE a.category = :category AND a.id != :id AND `+visible+`
				ORDER BY a.published_at DESC, a.id DESC LIMIT :limit)
			UNION
			SELECT id FROM (
				SELECT a.id FROM articles a
				WHERE a.id != :id AND `+visible+`
				ORDER BY a.published_at DESC, a.id DESC LIMIT :limit)
		), top AS (
			SELECT a.id, coalesce(r.n, 0) * 2 + (a.category = :category) AS score, a.published_at AS published
			FROM candidates k JOIN articles a INDEXED BY articles_rank ON a.id = k.id
			LEFT JOIN shared r ON r.id = a.id
			WHERE `+visible+`
			ORDER BY score DESC, published DESC, a.id DESC
			LIMIT :limit
		)
		SELECT `+cardColumns+`
		FROM top k JOIN articles a ON a.id = k.id
		JOIN categories c ON c.slug = a.category
		ORDER BY k.score DESC, k.published DESC, a.id DESC`,
		v.args(sql.Named("id", a.ID), sql.Named("category", a.Category), sql.Named("limit", limit))...)
}

// Redirect returns the current path of the article visible in v that used
// to live at path (an alias, or its URL before a move), or else of the
// rubrique that path is an alias of, or ErrNotFound: a redirect must never
// reveal a draft or lead to a page that is not there.
func (s *Store) Redirect(ctx context.Context, v View, path string) (string, error) {
	var category, slug string
	err := s.r.QueryRowContext(ctx, `
		SELECT a.category, a.slug FROM (
			SELECT article_id FROM article_aliases WHERE path = :path
			UNION ALL
			SELECT article_id FROM redirects WHERE path = :path
		) x JOIN articles a ON a.id = x.article_id
		WHERE `+visible+`
		LIMIT 1`, v.args(sql.Named("path", path))...).Scan(&category, &slug)
	if errors.Is(err, sql.ErrNoRows) {
		// A rubrique's old address (WordPress's /category/slug).
		// or an author's (WordPress's /author/login).
		var kind string
		err = s.r.QueryRowContext(ctx, `
			SELECT 'category', category FROM category_aliases WHERE path = :path
			UNION ALL
			SELECT 'author', author FROM author_aliases WHERE path = :path
			LIMIT 1`, sql.Named("path", path)).Scan(&kind, &category)
		if errors.Is(err, sql.ErrNoRows) {
			return "", fmt.Errorf("redirect %s: %w", path, ErrNotFound)
		}
		if err == nil && kind == "author" {
			return content.AuthorPath(category), nil
		}
		if err != nil {
			return "", fmt.Errorf("redirect %s: %w", path, err)
		}
		return content.CategoryPath(category), nil
	}
	if err != nil {
		return "", fmt.Errorf("redirect %s: %w", path, err)
	}
	return content.ArticlePath(category, slug), nil
}

// QueryAliasPaths returns the paths of the old addresses that carry a
// query (WordPress's /?p=123 has "/"): the only paths where a query can
// lead somewhere else than the page the path names, whether or not the
// article behind the alias is visible.
func (s *Store) QueryAliasPaths(ctx context.Context) ([]string, error) {
	rows, err := s.r.QueryContext(ctx, `
		SELECT DISTINCT substr(path, 1, instr(path, '?') - 1) FROM (
			SELECT path FROM article_aliases
			UNION ALL SELECT path FROM redirects
			UNION ALL SELECT path FROM category_aliases
			UNION ALL SELECT path FROM author_aliases
		) WHERE instr(path, '?') > 0`)
	if err != nil {
		return nil, fmt.Errorf("query alias paths: %w", err)
	}
	defer rows.Close()
	var paths []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return nil, fmt.Errorf("query alias paths: %w", err)
		}
		paths = append(paths, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("query alias paths: %w", err)
	}
	return paths, nil
}

// Gone reports whether path is the URL of an article that no longer exists:
// deleted, or expired at the instant v.Now (its URL, an alias or a former
// URL of it).
func (s *Store) Gone(ctx context.Context, v View, path string) (bool, error) {
	category, slug, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	var n int
	err := s.r.QueryRowContext(ctx, `
		SELECT (SELECT count(*) FROM gone WHERE path = :path)
		     + (SELECT count(*) FROM articles a
		        WHERE a.draft = 0 AND a.expires_at IS NOT NULL AND a.expires_at <= :now
		          AND ((a.category = :category AND a.slug = :slug)
		            OR a.id IN (SELECT article_id FROM article_aliases WHERE path = :path
		                        UNION ALL SELECT article_id FROM redirects WHERE path = :path)))`,
		v.args(sql.Named("path", path), sql.Named("category", category), sql.Named("slug", slug))...).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("gone %s: %w", path, err)
	}
	return n > 0, nil
}

// NextEvent returns the first instant after v.Now at which an article is
// scheduled to appear or to expire, or the zero time when there is none.
func (s *Store) NextEvent(ctx context.Context, v View) (time.Time, error) {
	var next sql.NullInt64
	err := s.r.QueryRowContext(ctx, `
		SELECT min(t) FROM (
			SELECT min(published_at) AS t FROM articles WHERE draft = 0 AND published_at > :now
			UNION ALL
			SELECT min(expires_at) FROM articles WHERE draft = 0 AND expires_at > :now
		)`, v.args()...).Scan(&next)
	if err != nil {
		return time.Time{}, fmt.Errorf("next scheduled event: %w", err)
	}
	return fromNull(next), nil
}

// decodeHeadings reads the headings column; an article without headings
// has none (nil), as its parsed value.
func decodeHeadings(s string) ([]content.Heading, error) {
	var hs []content.Heading
	if err := json.Unmarshal([]byte(s), &hs); err != nil || len(hs) == 0 {
		return nil, err
	}
	return hs, nil
}
