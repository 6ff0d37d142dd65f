package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/horizons-expat/site/internal/search"
)

// rankFunction is how search results are ordered: BM25, with the title
// weighing most, then the summary, the tags and the rubrique, the body
// least. Columns: title, summary, body, category, tags.
const rankFunction = `bm25(article_search, 10.0, 4.0, 1.0, 2.0, 3.0)`

// Search returns a page of the visible articles that match q, best first,
// newest first among equal scores, and how many match in all. The articles
// carry their body text, to cut snippets from.
//
// It ranks in Go, from the scores FTS5 gives each phrase of the query
// alone, which the store keeps for the current version of the content
// (see scoreCache): scoring is the costly part of a search, and readers'
// queries share their words.
func (s *Store) Search(ctx context.Context, v View, q search.Query, limit, offset int) ([]Article, int, error) {
	if q.Empty() {
		return nil, 0, nil
	}
	if _, ok := ctx.Value(snapshotKey{}).(*sql.Tx); !ok {
		// The version and the scores must be read from the same state.
		var release func()
		var err error
		if ctx, release, err = s.Snapshot(ctx); err != nil {
			return nil, 0, fmt.Errorf("search %q: %w", q.Text, err)
		}
		defer release()
	}
	hits, total, err := s.rank(ctx, v, q, max(0, limit), max(0, offset))
	if err != nil {
		return nil, 0, fmt.Errorf("search %q: %w", q.Text, err)
	}
	ids := make([]int64, len(hits))
	for i, h := range hits {
		ids[i] = h.id
	}
	list, err := s.searchResults(ctx, ids)
	if err != nil {
		return nil, 0, fmt.Errorf("search %q: %w", q.Text, err)
	}
	return list, total, nil
}

// termHits are the articles that match a term, by ascending id: those of
// its one phrase, or those of any of a prefix's phrases.
type termHits []int64

// rank ranks the articles that match every term of q from the scores of
// each phrase, and returns the page's hits, in order, and how many match
// in all.
func (s *Store) rank(ctx context.Context, v View, q search.Query, limit, offset int) ([]hit, int, error) {
	version, err := s.Version(ctx)
	if err != nil {
		return nil, 0, err
	}
	var phrases []termScores // every phrase of the query, in its order
	terms := make([]termHits, len(q.Terms))
	shortest := 0
	for i, t := range q.Terms {
		for _, p := range t.Phrases() {
			ps, err := s.scores.phrase(ctx, version, p, func(ctx context.Context) (termScores, error) {
				return s.phraseScores(ctx, p)
			})
			if err != nil {
				return nil, 0, err
			}
			phrases = append(phrases, ps)
			terms[i] = union(terms[i], ps.ids)
		}
		if len(terms[i]) < len(terms[shortest]) {
			shortest = i
		}
	}
	if len(terms[shortest]) == 0 {
		return nil, 0, nil // a word found nowhere, a typo as often as not
	}
	docs, err := s.scores.docs(ctx, version, s.indexedDocs)
	if err != nil {
		return nil, 0, err
	}
	best := topHits{n: offset + min(limit, math.MaxInt-offset)}
	total := 0
	atTerm := make([]int, len(terms))     // where each term's list is read
	atPhrase := make([]int, len(phrases)) // where each phrase's list is read
	d := 0                                // where docs is read
next:
	for _, id := range terms[shortest] {
		for i, t := range terms {
			atTerm[i] += advance(t[atTerm[i]:], id, self)
			if atTerm[i] == len(t) {
				break next
			}
			if t[atTerm[i]] != id {
				continue next
			}
		}
		d += advance(docs[d:], id, docID)
		if d == len(docs) {
			break
		}
		if docs[d].id != id || !v.shows(docs[d]) {
			continue
		}
		// Summed phrase by phrase in the query's order, as FTS5 sums
		// them; a phrase the article lacks adds nothing.
		score := 0.0
		for i, p := range phrases {
			atPhrase[i] += advance(p.ids[atPhrase[i]:], id, self)
			if j := atPhrase[i]; j < len(p.ids) && p.ids[j] == id {
				score += p.scores[j]
			}
		}
		total++
		best.add(hit{id: id, published: docs[d].published, score: score})
	}
	hits := best.best()
	return hits[min(offset, len(hits)):], total, nil
}

// union returns the ids in a or in b, both ascending, in a new slice
// unless one is empty.
func union(a, b []int64) []int64 {
	if len(a) == 0 {
		return b
	}
	if len(b) == 0 {
		return a
	}
	out := make([]int64, 0, max(len(a), len(b)))
	for len(a) > 0 && len(b) > 0 {
		switch {
		case a[0] < b[0]:
			out, a = append(out, a[0]), a[1:]
		case b[0] < a[0]:
			out, b = append(out, b[0]), b[1:]
		default:
			out, a, b = append(out, a[0]), a[1:], b[1:]
		}
	}
	return append(append(out, a...), b...)
}

// advance returns how many leading elements of sorted, ascending by key,
// come before id.
func advance[T any](sorted []T, id int64, key func(T) int64) int {
	n := 0
	for n < len(sorted) && key(sorted[n]) < id {
		n++
	}
	return n
}

func self(id int64) int64      { return id }
func docID(d indexedDoc) int64 { return d.id }

// topHits keeps the n best hits it is given, in order.
type topHits struct {
	n    int
	hits []hit
}

// sortAllFrom is the n from which topHits keeps every hit and sorts them
// once at the end: kept sorted as they come, a deep page of a long list
// would cost n moves a hit.
const sortAllFrom = 256

func (t *topHits) add(h hit) {
	if t.n == 0 {
		return
	}
	if t.n >= sortAllFrom {
		t.hits = append(t.hits, h)
		return
	}
	if len(t.hits) == t.n && compareHits(h, t.hits[t.n-1]) >= 0 {
		return
	}
	i, _ := slices.BinarySearchFunc(t.hits, h, compareHits)
	if len(t.hits) == t.n {
		t.hits = t.hits[:t.n-1]
	}
	t.hits = slices.Insert(t.hits, i, h)
}

// best returns the n best hits, best first.
func (t *topHits) best() []hit {
	if t.n >= sortAllFrom {
		slices.SortFunc(t.hits, compareHits)
		t.hits = t.hits[:min(t.n, len(t.hits))]
	}
	return t.hits
}

// compareHits orders hits best first: by score, then newest first.
func compareHits(a, b hit) int {
	return cmp.Or(cmp.Compare(a.score, b.score), cmp.Compare(b.published, a.published), cmp.Compare(b.id, a.id))
}

// phraseScores reads the score of every article that matches phrase alone.
func (s *Store) phraseScores(ctx context.Context, phrase string) (termScores, error) {
	rows, err := s.r.QueryContext(ctx, `
		SELECT rowid, `+rankFunction+` FROM article_search
		WHERE article_search MATCH :match ORDER BY rowid`, sql.Named("match", phrase))
	if err != nil {
		return termScores{}, fmt.Errorf("score %s: %w", phrase, err)
	}
	defer rows.Close()
	var ts termScores
	for rows.Next() {
		var id int64
		var score float64
		if err := rows.Scan(&id, &score); err != nil {
			return termScores{}, fmt.Errorf("score %s: %w", phrase, err)
		}
		ts.ids = append(ts.ids, id)
		ts.scores = append(ts.scores, score)
	}
	if err := rows.Err(); err != nil {
		return termScores{}, fmt.Errorf("score %s: %w", phrase, err)
	}
	return ts, nil
}

// indexedDocs reads what ranking needs of every indexed article.
func (s *Store) indexedDocs(ctx context.Context) ([]indexedDoc, error) {
	rows, err := s.r.QueryContext(ctx, `
		SELECT id, published_at, coalesce(expires_at, :never), draft FROM article_search_visibility ORDER BY id`,
		sql.Named("never", int64(noExpiry)))
	if err != nil {
		return nil, fmt.Errorf("read indexed articles: %w", err)
	}
	defer rows.Close()
	var docs []indexedDoc
	for rows.Next() {
		var d indexedDoc
		if err := rows.Scan(&d.id, &d.published, &d.expires, &d.draft); err != nil {
			return nil, fmt.Errorf("read indexed articles: %w", err)
		}
		docs = append(docs, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read indexed articles: %w", err)
	}
	return docs, nil
}

// hit is a match of a search, as ranked.
type hit struct {
	id, published int64
	score         float64
}

// searchResults reads the articles with ids whole, in that order.
func (s *Store) searchResults(ctx context.Context, ids []int64) ([]Article, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := s.r.QueryContext(ctx, `
		SELECT `+cardColumns+`, a.body_text
		FROM articles a JOIN categories c ON c.slug = a.category
		WHERE a.id IN (`+placeholders(len(ids))+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byID := make(map[int64]Article, len(ids))
	for rows.Next() {
		var body string
		a, err := scanCard(withBody{rows, &body})
		if err != nil {
			return nil, err
		}
		a.BodyText = body
		byID[a.ID] = a
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]Article, 0, len(ids))
	for _, id := range ids {
		if a, ok := byID[id]; ok {
			out = append(out, a)
		}
	}
	return out, nil
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
	// A new version: scores read from the index being replaced, by a
	// search that began before, must not pass for the new one's.
	if err := bumpVersion(ctx, tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	s.generation.Add(1)
	return nil
}
