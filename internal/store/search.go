package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/horizons-expat/site/internal/search"
)

// Search returns a page of the visible articles that match q, best first
// (BM25, with the title weighing most, then the summary and the tags),
// newest first among equal scores, and how many match in all. The
// articles carry their body text, to cut snippets from.
func (s *Store) Search(ctx context.Context, v View, q search.Query, limit, offset int) ([]Article, int, error) {
	if q.Empty() {
		return nil, 0, nil
	}
	match := sql.Named("match", q.Match())
	var total int
	err := s.r.QueryRowContext(ctx, `
		SELECT count(*) FROM article_search s JOIN articles a ON a.id = s.rowid
		WHERE article_search MATCH :match AND `+visible,
		v.args(match)...).Scan(&total)
	if err != nil {
		return nil, 0, fmt.Errorf("count search results for %q: %w", q.Text, err)
	}
	if total == 0 || offset >= total {
		return nil, total, nil
	}
	// Columns: title, summary, body, category, tags.
	rows, err := s.r.QueryContext(ctx, `
		SELECT `+cardColumns+`, a.body_text
		FROM article_search s JOIN articles a ON a.id = s.rowid JOIN categories c ON c.slug = a.category
		WHERE article_search MATCH :match AND `+visible+`
		ORDER BY bm25(article_search, 10.0, 4.0, 1.0, 2.0, 3.0), a.published_at DESC, a.id DESC
		LIMIT :limit OFFSET :offset`,
		v.args(match, sql.Named("limit", limit), sql.Named("offset", offset))...)
	if err != nil {
		return nil, 0, fmt.Errorf("search %q: %w", q.Text, err)
	}
	defer rows.Close()
	var out []Article
	for rows.Next() {
		var body string
		a, err := scanCard(withExtra{rows, &body})
		if err != nil {
			return nil, 0, fmt.Errorf("scan search result: %w", err)
		}
		a.BodyText = body
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("search %q: %w", q.Text, err)
	}
	return out, total, nil
}

// withExtra scans the card columns and then more.
type withExtra struct {
	row   interface{ Scan(...any) error }
	extra *string
}

func (w withExtra) Scan(dest ...any) error { return w.row.Scan(append(dest, w.extra)...) }

// searchIndexer keeps the full-text index in step with the articles, in
// the transaction that changes them. It reads the article back from the
// transaction, so the index always reflects what was saved, category
// title and tags included.
type searchIndexer struct {
	tx       *sql.Tx
	analyzer *search.Analyzer
	load     *sql.Stmt
	insert   *sql.Stmt
	remove   *sql.Stmt
}

func newSearchIndexer(ctx context.Context, tx *sql.Tx) (*searchIndexer, error) {
	ix := &searchIndexer{tx: tx, analyzer: search.NewAnalyzer()}
	var err error
	if ix.load, err = tx.PrepareContext(ctx, `
		SELECT a.title, a.summary, a.body_text, coalesce(c.title, ''),
			coalesce((SELECT group_concat(t.label, ' ') FROM article_tags t WHERE t.article_id = a.id), '')
		FROM articles a LEFT JOIN categories c ON c.slug = a.category
		WHERE a.id = ?`); err != nil {
		return nil, fmt.Errorf("prepare search index: %w", err)
	}
	if ix.insert, err = tx.PrepareContext(ctx, `
		INSERT INTO article_search (rowid, title, summary, body, category, tags) VALUES (?, ?, ?, ?, ?, ?)`); err != nil {
		ix.Close()
		return nil, fmt.Errorf("prepare search index: %w", err)
	}
	if ix.remove, err = tx.PrepareContext(ctx, `DELETE FROM article_search WHERE rowid = ?`); err != nil {
		ix.Close()
		return nil, fmt.Errorf("prepare search index: %w", err)
	}
	return ix, nil
}

// Close releases the prepared statements.
func (ix *searchIndexer) Close() {
	for _, st := range []*sql.Stmt{ix.load, ix.insert, ix.remove} {
		if st != nil {
			st.Close()
		}
	}
}

// index (re)writes the index row of the article with id.
func (ix *searchIndexer) index(ctx context.Context, id int64) error {
	var title, summary, body, category, tags string
	if err := ix.load.QueryRowContext(ctx, id).Scan(&title, &summary, &body, &category, &tags); err != nil {
		return fmt.Errorf("index article %d for search: %w", id, err)
	}
	if err := ix.unindex(ctx, id); err != nil {
		return err
	}
	a := ix.analyzer
	if _, err := ix.insert.ExecContext(ctx, id, a.Terms(title), a.Terms(summary), a.Terms(body),
		a.Terms(category), a.Terms(tags)); err != nil {
		return fmt.Errorf("index article %d for search: %w", id, err)
	}
	return nil
}

// unindex removes the article with id from the index.
func (ix *searchIndexer) unindex(ctx context.Context, id int64) error {
	if _, err := ix.remove.ExecContext(ctx, id); err != nil {
		return fmt.Errorf("remove article %d from search: %w", id, err)
	}
	return nil
}

// renamed reports whether saving c changes the title of an existing
// category, which its articles' index rows contain. Call it before saving.
func (ix *searchIndexer) renamed(ctx context.Context, slug, title string) (bool, error) {
	var old string
	err := ix.tx.QueryRowContext(ctx, `SELECT title FROM categories WHERE slug = ?`, slug).Scan(&old)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("category %s: %w", slug, err)
	}
	return old != title, nil
}

// indexWhere reindexes the articles that cond (on articles a) selects.
func (ix *searchIndexer) indexWhere(ctx context.Context, cond string, args ...any) error {
	rows, err := ix.tx.QueryContext(ctx, `SELECT a.id FROM articles a WHERE `+cond, args...)
	if err != nil {
		return fmt.Errorf("list articles to index: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return fmt.Errorf("list articles to index: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("list articles to index: %w", err)
	}
	for _, id := range ids {
		if err := ix.index(ctx, id); err != nil {
			return err
		}
	}
	return nil
}

// syncSearchIndex rebuilds the index when it was built by another
// analysis than the current one, or never: after the migration that
// creates it, or an upgrade that changes how words are stemmed.
func (s *Store) syncSearchIndex(ctx context.Context) error {
	var version string
	err := s.w.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'search_index'`).Scan(&version)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("search index version: %w", err)
	}
	if version == search.Version {
		return nil
	}
	return s.RebuildSearchIndex(ctx)
}

// RebuildSearchIndex indexes every article anew, in one transaction.
func (s *Store) RebuildSearchIndex(ctx context.Context) (err error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer func() {
		if err != nil {
			err = errors.Join(err, tx.Rollback())
		}
	}()
	if _, err := tx.ExecContext(ctx, `INSERT INTO article_search (article_search) VALUES ('delete-all')`); err != nil {
		return fmt.Errorf("empty search index: %w", err)
	}
	ix, err := newSearchIndexer(ctx, tx)
	if err != nil {
		return err
	}
	defer ix.Close()
	if err := ix.indexWhere(ctx, `1`); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO meta (key, value) VALUES ('search_index', ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, search.Version); err != nil {
		return fmt.Errorf("save search index version: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}
