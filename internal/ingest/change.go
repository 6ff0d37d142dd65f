package ingest

import (
	"context"
	"maps"
	"slices"

	"github.com/horizons-expat/site/internal/store"
)

// Change is what one pass changed of what readers see, as facts of the
// content: which articles moved in which lists, which were edited where
// they stand, whether the site settings changed. Which pages show those
// facts, and so which cached pages must go, is the web's business (its
// surrogate keys): a new kind of page changes nothing here.
type Change struct {
	// Generation is the store's generation that the pass's transaction
	// made: a cache of pages keyed by generation learns from it which of
	// its pages are still exact.
	Generation uint64
	// Site is true when the site settings or a rubrique were saved or
	// removed: every page's menu shows them.
	Site bool
	// Listed are the articles that the pass added, deleted, moved or
	// changed in a way that moves them in lists or changes their title:
	// Before as the store held them (a moved one under its former path,
	// in its former rubrique), After as it holds them now. A new article
	// is only in After, a deleted one only in Before.
	Listed Places
	// Edited are the articles edited where they stand (see
	// store.InPlace): their own page and their cards change, no list nor
	// its order. Their authors may have changed, hence both sides.
	Edited Places
	// Authors are the slugs of the authors whose file was saved or
	// deleted: articles name authors by name, not by file, so only the
	// author's own pages show it.
	Authors []string
}

// Places are the same articles' places before a pass and after it.
type Places struct {
	Before, After []store.ArticlePlace
}

// OnChange registers fn to be called after every pass that wrote to the
// store, with what it changed (an empty Change when readers see no
// difference: a file touched, a problem noted). fn runs on the pass's
// goroutine, after the change is committed and before any later pass, and
// before the pass gathers its problems (Status still has the last pass's
// while fn runs); it must not call Sync. Register before the first Sync.
func (s *Syncer) OnChange(fn func(Change)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onChange = append(s.onChange, fn)
}

// changeFacts gathers, around the transaction that applies ch, the places
// of the articles it touches.
type changeFacts struct {
	// inPlace are the articles of ch edited in place, by path.
	inPlace map[string]int64
	listed  []string // the paths of the other articles, see listedPaths
	// listedBefore and editedBefore are their places before ch.
	listedBefore, editedBefore []store.ArticlePlace
}

// factsBefore reads what the store holds of ch's articles before ch.
func (s *Syncer) factsBefore(ctx context.Context, ch store.Changes) (*changeFacts, error) {
	inPlace, err := s.store.InPlace(ctx, ch.Articles)
	if err != nil {
		return nil, err
	}
	f := &changeFacts{inPlace: inPlace, listed: listedPaths(ch, inPlace)}
	if f.listedBefore, err = s.store.Places(ctx, f.listed); err != nil {
		return nil, err
	}
	if f.editedBefore, err = s.store.Places(ctx, slices.Sorted(maps.Keys(inPlace))); err != nil {
		return nil, err
	}
	return f, nil
}

// change reads what the store holds of ch's articles once ch is applied,
// and says what ch changed.
func (s *Syncer) change(ctx context.Context, ch store.Changes, generation uint64, f *changeFacts) (Change, error) {
	c := Change{
		Generation: generation,
		Site:       ch.Site != nil || len(ch.Categories)+len(ch.DeletedCategories) > 0,
		Listed:     Places{Before: f.listedBefore},
		Edited:     Places{Before: f.editedBefore},
	}
	var err error
	if c.Listed.After, err = s.store.Places(ctx, f.listed); err != nil {
		return Change{}, err
	}
	if c.Edited.After, err = s.store.Places(ctx, slices.Sorted(maps.Keys(f.inPlace))); err != nil {
		return Change{}, err
	}
	for _, au := range ch.Authors {
		c.Authors = append(c.Authors, au.Slug)
	}
	c.Authors = append(c.Authors, ch.DeletedAuthors...)
	return c, nil
}

// listedPaths are the article files a change saves, moves or deletes, but
// those edited in place, with both sides of each move: before the change
// the stored article is found under its former path only, with its former
// rubrique, whose pages showed it.
func listedPaths(ch store.Changes, inPlace map[string]int64) []string {
	paths := append([]string(nil), ch.DeletedArticles...)
	for _, a := range ch.Articles {
		if _, ok := inPlace[a.Path]; !ok {
			paths = append(paths, a.Path)
		}
	}
	for _, r := range ch.Renames {
		paths = append(paths, r.From, r.To)
	}
	return paths
}
