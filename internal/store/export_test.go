package store

import (
	"context"
	"database/sql"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/horizons-expat/site/internal/content"
	"github.com/horizons-expat/site/internal/search"
)

// RelatedByFullScan is Related as it was first written: ranking every
// visible article. Tests check that Related gives the same answer.
func (s *Store) RelatedByFullScan(ctx context.Context, v View, a Article, limit int) ([]Article, error) {
	return s.cards(ctx, `
		SELECT `+cardColumns+`
		FROM articles a JOIN categories c ON c.slug = a.category
		LEFT JOIN (
			SELECT t.article_id, count(*) AS shared
			FROM article_tags t
			WHERE t.tag IN (SELECT tag FROM article_tags WHERE article_id = :id)
			GROUP BY t.article_id
		) r ON r.article_id = a.id
		WHERE a.id != :id AND `+visible+`
		ORDER BY coalesce(r.shared, 0) * 2 + (a.category = :category) DESC, a.published_at DESC, a.id DESC
		LIMIT :limit`,
		v.args(sql.Named("id", a.ID), sql.Named("category", a.Category), sql.Named("limit", limit))...)
}

// SearchByFullScan is Search as FTS5 alone would answer it: ranking every
// visible match of the whole query with bm25() in one SQL query. It
// returns the ids and scores of every match, best first. Tests check that
// Search, which adds up the scores of each phrase, gives the same answer.
func (s *Store) SearchByFullScan(ctx context.Context, v View, q search.Query) ([]int64, []float64, error) {
	rows, err := s.r.QueryContext(ctx, `
		WITH matches AS MATERIALIZED (
			SELECT a.id, a.published_at, `+rankFunction+` AS score
			FROM article_search s JOIN article_search_visibility a ON a.id = s.rowid
			WHERE article_search MATCH :match AND `+visible+`
		)
		SELECT id, score FROM matches ORDER BY score, published_at DESC, id DESC`,
		v.args(sql.Named("match", q.Match()))...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var ids []int64
	var scores []float64
	for rows.Next() {
		var id int64
		var score float64
		if err := rows.Scan(&id, &score); err != nil {
			return nil, nil, err
		}
		ids, scores = append(ids, id), append(scores, score)
	}
	return ids, scores, rows.Err()
}

// SearchScores returns the score of every visible match of q, best first,
// as Search ranks them.
func (s *Store) SearchScores(ctx context.Context, v View, q search.Query) ([]float64, error) {
	ctx, release, err := s.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	version, err := s.Version(ctx)
	if err != nil {
		return nil, err
	}
	got, err := ranking{store: s, version: version, view: v}.rank(ctx, q, false, math.MaxInt, 0)
	var scores []float64
	for _, h := range got.hits {
		scores = append(scores, h.score)
	}
	return scores, err
}

// SetSearchCacheBudget sets how many bytes of phrase scores the store keeps.
func (s *Store) SetSearchCacheBudget(n int) {
	s.scores.mu.Lock()
	s.scores.budget = n
	s.scores.mu.Unlock()
}

// SearchCacheEvictions returns how many phrases the store forgot to stay
// within its budget.
func (s *Store) SearchCacheEvictions() int {
	s.scores.mu.Lock()
	defer s.scores.mu.Unlock()
	return s.scores.evicted
}

// ForgetSearchScores empties the store's cache of phrase scores, as a
// change of content does.
func (s *Store) ForgetSearchScores() {
	s.scores.mu.Lock()
	s.scores.set = nil
	s.scores.mu.Unlock()
}

// VocabularyTable returns the search vocabulary as the database holds it:
// "form/docs" strings, sorted.
func (s *Store) VocabularyTable(ctx context.Context) ([]string, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT form || '/' || docs FROM search_vocabulary ORDER BY form`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var w string
		if err := rows.Scan(&w); err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// VocabularyInMemory returns the vocabulary the store corrects typos
// with, as VocabularyTable does, if loaded.
func (s *Store) VocabularyInMemory() []string {
	s.vocab.mu.Lock()
	defer s.vocab.mu.Unlock()
	if s.vocab.v == nil {
		return nil
	}
	var out []string
	for form, docs := range s.vocab.v.Forms() {
		out = append(out, form+"/"+strconv.Itoa(docs))
	}
	slices.Sort(out)
	return out
}

// ForgetVocabulary drops the vocabulary in memory: the next search that
// needs it loads it again.
func (s *Store) ForgetVocabulary() { s.vocab.replaced(0) }

// ArticleTags exposes articleTags, for the test of long id lists.
func (s *Store) ArticleTags(ctx context.Context, ids ...int64) (map[int64][]content.Tag, error) {
	return s.articleTags(ctx, ids...)
}

// SearchResults exposes searchResults, for the test of long id lists.
func (s *Store) SearchResults(ctx context.Context, ids []int64) ([]Article, error) {
	return s.searchResults(ctx, ids)
}

// SearchIndexDump is every row of the search index, its visibility table
// and its vocabulary, one line each, in a fixed order: tests compare the
// index an Apply builds with the one a rebuild reads back.
func (s *Store) SearchIndexDump(ctx context.Context) ([]string, error) {
	// The index is contentless: its terms are read through fts5vocab, on
	// one connection, where the temporary table lives.
	conn, err := s.w.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_terms USING fts5vocab(main, article_search, instance)`); err != nil {
		return nil, err
	}
	var out []string
	for _, q := range []string{
		`SELECT 'search', doc, col, offset, term, '', '' FROM temp.search_terms ORDER BY doc, col, offset`,
		`SELECT 'visibility', id, draft, published_at, coalesce(expires_at, 'null'), category, words FROM article_search_visibility ORDER BY id`,
		`SELECT 'vocabulary', form, docs, '', '', '', '' FROM search_vocabulary ORDER BY form`,
	} {
		rows, err := conn.QueryContext(ctx, q)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var v [7]string
			if err := rows.Scan(&v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6]); err != nil {
				rows.Close()
				return nil, err
			}
			out = append(out, strings.Join(v[:], " | "))
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
