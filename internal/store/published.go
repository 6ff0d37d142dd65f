package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Published is what a sitemap needs of a visible article.
type Published struct {
	Category, Slug, Title string
	Date, Updated         time.Time // Updated is zero when not given
}

// Modified is when the article last changed.
func (p Published) Modified() time.Time {
	if p.Updated.After(p.Date) {
		return p.Updated
	}
	return p.Date
}

// PublishedArticles returns every visible article, newest first, with only
// what sitemaps need, so that tens of thousands stay cheap.
func (s *Store) PublishedArticles(ctx context.Context, v View) ([]Published, error) {
	rows, err := s.r.QueryContext(ctx, `
		SELECT a.category, a.slug, a.title, a.published_at, a.updated_at
		FROM articles a
		WHERE `+visible+`
		ORDER BY a.published_at DESC, a.id DESC`, v.args()...)
	if err != nil {
		return nil, fmt.Errorf("list published articles: %w", err)
	}
	defer rows.Close()
	var out []Published
	for rows.Next() {
		var p Published
		var published int64
		var updated sql.NullInt64
		if err := rows.Scan(&p.Category, &p.Slug, &p.Title, &published, &updated); err != nil {
			return nil, fmt.Errorf("scan published article: %w", err)
		}
		p.Date, p.Updated = time.Unix(published, 0), fromNull(updated)
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list published articles: %w", err)
	}
	return out, nil
}

// TagActivity is a tag with its number of visible articles and the last
// time one of them changed.
type TagActivity struct {
	Slug     string
	Count    int
	Modified time.Time
}

// TagsActivity returns every tag of visible articles, in slug order.
func (s *Store) TagsActivity(ctx context.Context, v View) ([]TagActivity, error) {
	return s.activity(ctx, v, "article_tags", "tag")
}

// activity counts the visible articles of each value of column in table
// (a tag or an author link table) and when one of them last changed, in
// value order. table and column are constants of this package.
func (s *Store) activity(ctx context.Context, v View, table, column string) ([]TagActivity, error) {
	rows, err := s.r.QueryContext(ctx, `
		SELECT t.`+column+`, count(*), max(max(a.published_at, coalesce(a.updated_at, 0)))
		FROM `+table+` t JOIN articles a ON a.id = t.article_id
		WHERE `+visible+` GROUP BY t.`+column+` ORDER BY t.`+column, v.args()...)
	if err != nil {
		return nil, fmt.Errorf("list %s activity: %w", column, err)
	}
	defer rows.Close()
	var out []TagActivity
	for rows.Next() {
		var t TagActivity
		var modified int64
		if err := rows.Scan(&t.Slug, &t.Count, &modified); err != nil {
			return nil, fmt.Errorf("scan %s activity: %w", column, err)
		}
		t.Modified = time.Unix(modified, 0)
		out = append(out, t)
	}
	return out, rows.Err()
}

// FeedScope says which articles a feed carries: those of a category, a
// tag or an author when set, all of them when empty.
type FeedScope struct {
	Category, Tag, Author string
}

// FeedArticles returns the newest limit visible articles of scope, with
// their bodies, tags and authors.
func (s *Store) FeedArticles(ctx context.Context, v View, scope FeedScope, limit int) ([]Article, error) {
	rows, err := s.r.QueryContext(ctx, `
		SELECT `+cardColumns+`, a.body_html
		FROM articles a JOIN categories c ON c.slug = a.category
		WHERE (:category = '' OR a.category = :category)
		  AND (:tag = '' OR a.id IN (SELECT article_id FROM article_tags WHERE tag = :tag))
		  AND (:author = '' OR a.id IN (SELECT article_id FROM article_authors WHERE author = :author))
		  AND `+visible+`
		ORDER BY a.published_at DESC, a.id DESC
		LIMIT :limit`,
		v.args(sql.Named("category", scope.Category), sql.Named("tag", scope.Tag), sql.Named("author", scope.Author),
			sql.Named("limit", limit))...)
	if err != nil {
		return nil, fmt.Errorf("list feed articles: %w", err)
	}
	var out []Article
	for rows.Next() {
		var body string
		a, err := scanCard(withBody{row: rows, body: &body})
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("scan feed article: %w", err)
		}
		a.BodyHTML = body
		out = append(out, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list feed articles: %w", err)
	}
	// Tags are read once the rows are closed, since a reader connection
	// is needed for each query, and for every article in one query.
	if err := s.withTagsAndAuthors(ctx, out); err != nil {
		return nil, err
	}
	return out, nil
}

// Namesakes reports whether other visible articles share a's title, in
// its category and in other ones: their pages need more than the title to
// be told apart.
func (s *Store) Namesakes(ctx context.Context, v View, a Article) (sameCategory, otherCategory bool, err error) {
	err = s.r.QueryRowContext(ctx, `
		SELECT coalesce(max(a.category = :category), 0), coalesce(max(a.category != :category), 0)
		FROM articles a
		WHERE a.title = :title AND a.id != :id AND `+visible,
		v.args(sql.Named("title", a.Title), sql.Named("id", a.ID), sql.Named("category", a.Category))...).
		Scan(&sameCategory, &otherCategory)
	if err != nil {
		return false, false, fmt.Errorf("namesakes of %s: %w", a.Path, err)
	}
	return sameCategory, otherCategory, nil
}
