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
	// The page's articles are chosen first, from the index and the light
	// columns of articles only, and the total counted on the way; only
	// those few are then read whole. Reading every match's row whole
	// would read the bodies of thousands of articles.
	// Columns: title, summary, body, category, tags.
	rows, err := s.r.QueryContext(ctx, `
		WITH matches AS MATERIALIZED (
			SELECT a.id, a.published_at, bm25(article_search, 10.0, 4.0, 1.0, 2.0, 3.0) AS score
			FROM article_search s JOIN article_search_visibility a ON a.id = s.rowid
			WHERE article_search MATCH :match AND `+visible+`
		), hits AS (
			SELECT id, score, count(*) OVER () AS total FROM matches
			ORDER BY score, published_at DESC, id DESC
			LIMIT :limit OFFSET :offset
		)
		SELECT h.total, `+cardColumns+`, a.body_text
		FROM hits h JOIN articles a ON a.id = h.id JOIN categories c ON c.slug = a.category
		ORDER BY h.score, a.published_at DESC, a.id DESC`,
		v.args(sql.Named("match", q.Match()), sql.Named("limit", limit), sql.Named("offset", offset))...)
	if err != nil {
		return nil, 0, fmt.Errorf("search %q: %w", q.Text, err)
	}
	defer rows.Close()
	var out []Article
	total := 0
	for rows.Next() {
		var body string
		a, err := scanCard(withTotalAndBody{rows, &total, &body})
		if err != nil {
			return nil, 0, fmt.Errorf("scan search result: %w", err)
		}
		a.BodyText = body
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("search %q: %w", q.Text, err)
	}
	if len(out) == 0 && offset > 0 {
		// A page past the end: count the matches alone.
		err := s.r.QueryRowContext(ctx, `
			SELECT count(*) FROM article_search s JOIN article_search_visibility a ON a.id = s.rowid
			WHERE article_search MATCH :match AND `+visible,
			v.args(sql.Named("match", q.Match()))...).Scan(&total)
		if err != nil {
			return nil, 0, fmt.Errorf("count search results for %q: %w", q.Text, err)
		}
	}
	return out, total, nil
}

// withTotalAndBody scans the total of a search, then the card columns,
// then the body.
type withTotalAndBody struct {
	row   interface{ Scan(...any) error }
	total *int
	body  *string
}

func (w withTotalAndBody) Scan(dest ...any) error {
	return w.row.Scan(append(append([]any{w.total}, dest...), w.body)...)
}

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
	show     *sql.Stmt // saves an article's visibility
	hide     *sql.Stmt // forgets it
	// empty is set while the index is rebuilt from nothing: rows need not
	// be removed before they are written.
	empty bool
}

func newSearchIndexer(ctx context.Context, tx *sql.Tx) (*searchIndexer, error) {
	ix := &searchIndexer{tx: tx, analyzer: search.NewAnalyzer()}
	var err error
	if ix.load, err = tx.PrepareContext(ctx, `SELECT `+indexColumns+` WHERE a.id = ?`); err != nil {
		return nil, fmt.Errorf("prepare search index: %w", err)
	}
	if ix.insert, err = tx.PrepareContext(ctx, `
		INSERT INTO article_search (rowid, title, summary, body, category, tags) VALUES (?, ?, ?, ?, ?, ?)`); err != nil {
		ix.Close()
		return nil, fmt.Errorf("prepare search index: %w", err)
	}
	if ix.show, err = tx.PrepareContext(ctx, `
		INSERT OR REPLACE INTO article_search_visibility (id, draft, published_at, expires_at)
		SELECT id, draft, published_at, expires_at FROM articles WHERE id = ?`); err != nil {
		ix.Close()
		return nil, fmt.Errorf("prepare search index: %w", err)
	}
	if ix.hide, err = tx.PrepareContext(ctx, `DELETE FROM article_search_visibility WHERE id = ?`); err != nil {
		ix.Close()
		return nil, fmt.Errorf("prepare search index: %w", err)
	}
	// Deleting from the index costs as much as a search: articles not yet
	// indexed are found in the table of document sizes, an ordinary one.
	if ix.remove, err = tx.PrepareContext(ctx, `
		DELETE FROM article_search WHERE rowid = ?1 AND EXISTS (SELECT 1 FROM article_search_docsize WHERE id = ?1)`); err != nil {
		ix.Close()
		return nil, fmt.Errorf("prepare search index: %w", err)
	}
	return ix, nil
}

// Close releases the prepared statements.
func (ix *searchIndexer) Close() {
	for _, st := range []*sql.Stmt{ix.load, ix.insert, ix.remove, ix.show, ix.hide} {
		if st != nil {
			st.Close()
		}
	}
}

// indexColumns are what the index holds of an article, from the articles
// a and their categories c.
const indexColumns = `a.id, a.title, a.summary, a.body_text, coalesce(c.title, ''),
	coalesce((SELECT group_concat(t.label, ' ') FROM article_tags t WHERE t.article_id = a.id), '')
	FROM articles a LEFT JOIN categories c ON c.slug = a.category`

// indexed is an article's text as the index takes it.
type indexed struct {
	id                                   int64
	title, summary, body, category, tags string
}

func (d *indexed) scan(row interface{ Scan(...any) error }) error {
	return row.Scan(&d.id, &d.title, &d.summary, &d.body, &d.category, &d.tags)
}

// index (re)writes the index row of the article with id.
func (ix *searchIndexer) index(ctx context.Context, id int64) error {
	var d indexed
	if err := d.scan(ix.load.QueryRowContext(ctx, id)); err != nil {
		return fmt.Errorf("index article %d for search: %w", id, err)
	}
	if err := ix.unindex(ctx, id); err != nil {
		return err
	}
	return ix.write(ctx, ix.analyze(d))
}

// analyze returns d's row of the index: its id and the terms of each
// column.
func (ix *searchIndexer) analyze(d indexed) []any {
	a := ix.analyzer
	return []any{d.id, a.Terms(d.title), a.Terms(d.summary), a.Terms(d.body), a.Terms(d.category), a.Terms(d.tags)}
}

// write adds a row to the index.
func (ix *searchIndexer) write(ctx context.Context, row []any) error {
	if _, err := ix.insert.ExecContext(ctx, row...); err != nil {
		return fmt.Errorf("index article %d for search: %w", row[0], err)
	}
	if _, err := ix.show.ExecContext(ctx, row[0]); err != nil {
		return fmt.Errorf("index article %d for search: %w", row[0], err)
	}
	return nil
}

// unindex removes the article with id from the index.
func (ix *searchIndexer) unindex(ctx context.Context, id int64) error {
	if _, err := ix.remove.ExecContext(ctx, id); err != nil {
		return fmt.Errorf("remove article %d from search: %w", id, err)
	}
	if _, err := ix.hide.ExecContext(ctx, id); err != nil {
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

// indexWhere reindexes the articles that cond (on articles a) selects,
// reading them a batch at a time.
func (ix *searchIndexer) indexWhere(ctx context.Context, cond string, args ...any) error {
	const batch = 500
	after := int64(-1)
	for {
		docs, err := ix.loadBatch(ctx, `SELECT `+indexColumns+` WHERE a.id > ? AND (`+cond+`) ORDER BY a.id LIMIT ?`,
			append([]any{after}, append(args, batch)...)...)
		if err != nil {
			return err
		}
		if err := ix.writeAll(ctx, docs); err != nil {
			return err
		}
		if len(docs) < batch {
			return nil
		}
		after = docs[len(docs)-1].id
	}
}

// writeAll indexes docs, analysing the text of one on another core while
// SQLite writes the previous one: on a large rebuild each takes about half
// the time.
func (ix *searchIndexer) writeAll(ctx context.Context, docs []indexed) error {
	rows := make(chan []any, 16)
	go func() {
		defer close(rows)
		for _, d := range docs {
			rows <- ix.analyze(d)
		}
	}()
	var err error
	for row := range rows {
		if err != nil {
			continue // let the analysis finish
		}
		if !ix.empty {
			err = ix.unindex(ctx, row[0].(int64))
		}
		if err == nil {
			err = ix.write(ctx, row)
		}
	}
	return err
}

func (ix *searchIndexer) loadBatch(ctx context.Context, query string, args ...any) ([]indexed, error) {
	rows, err := ix.tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("read articles to index: %w", err)
	}
	defer rows.Close()
	var docs []indexed
	for rows.Next() {
		var d indexed
		if err := d.scan(rows); err != nil {
			return nil, fmt.Errorf("read articles to index: %w", err)
		}
		docs = append(docs, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read articles to index: %w", err)
	}
	return docs, nil
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
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO article_search (article_search) VALUES ('delete-all');
		DELETE FROM article_search_visibility;`); err != nil {
		return fmt.Errorf("empty search index: %w", err)
	}
	ix, err := newSearchIndexer(ctx, tx)
	if err != nil {
		return err
	}
	defer ix.Close()
	ix.empty = true
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
