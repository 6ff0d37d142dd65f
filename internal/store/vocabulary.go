package store

import (
	"context"
	"fmt"
	"sync"

	"github.com/horizons-expat/site/internal/search"
)

// vocabularyCache holds the search index's vocabulary in memory, for typo
// correction: loaded from search_vocabulary at the first search that needs
// it, then changed by every applied change in step with the table, rather
// than read again (tens of thousands of rows) after each.
type vocabularyCache struct {
	mu      sync.Mutex
	v       *search.Vocabulary // nil until loaded, or after a gap
	version int64              // the content version v is exact for
}

// changed applies to the vocabulary in memory the changes of the content
// version that was just committed. A vocabulary of any version but the one
// before is stale (its load read an older state than the changes since
// assume): it is dropped, and loaded again when needed.
func (c *vocabularyCache) changed(version int64, changes map[string]int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.v == nil || c.version >= version:
		// nothing loaded, or loaded after this change committed
	case c.version == version-1:
		c.v, c.version = c.v.With(changes), version
	default:
		c.v = nil
	}
}

// replaced drops the vocabulary in memory: the index was rebuilt.
func (c *vocabularyCache) replaced(int64) {
	c.mu.Lock()
	c.v = nil
	c.mu.Unlock()
}

// vocabulary returns the vocabulary of the content at version or later,
// loading it when needed from the state that ctx reads (the search's
// snapshot), which is version.
func (s *Store) vocabulary(ctx context.Context, version int64) (*search.Vocabulary, error) {
	c := &s.vocab
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.v != nil && c.version >= version {
		return c.v, nil
	}
	rows, err := s.r.QueryContext(ctx, `SELECT form, docs FROM search_vocabulary`)
	if err != nil {
		return nil, fmt.Errorf("read search vocabulary: %w", err)
	}
	defer rows.Close()
	var words []search.VocabularyForm
	for rows.Next() {
		var w search.VocabularyForm
		if err := rows.Scan(&w.Form, &w.Docs); err != nil {
			return nil, fmt.Errorf("read search vocabulary: %w", err)
		}
		words = append(words, w)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read search vocabulary: %w", err)
	}
	c.v, c.version = search.NewVocabulary(words), version
	return c.v, nil
}

// VocabularyStats are the size of the search vocabulary in memory, for
// operators and benchmarks.
type VocabularyStats struct {
	Words, Bytes int
}

// VocabularyStats loads the search vocabulary if needed and reports its size.
func (s *Store) VocabularyStats(ctx context.Context) (VocabularyStats, error) {
	ctx, release, err := s.Snapshot(ctx)
	if err != nil {
		return VocabularyStats{}, err
	}
	defer release()
	version, err := s.Version(ctx)
	if err != nil {
		return VocabularyStats{}, err
	}
	v, err := s.vocabulary(ctx, version)
	if err != nil {
		return VocabularyStats{}, err
	}
	return VocabularyStats{Words: v.Len(), Bytes: v.Bytes()}, nil
}
