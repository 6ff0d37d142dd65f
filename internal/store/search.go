package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/horizons-expat/site/internal/content"
	"github.com/horizons-expat/site/internal/search"
)

// rankFunction is how search results are ordered: BM25, with the title
// weighing most, then the summary, the tags and the rubrique, the body
// least. Columns: title, summary, body, category, tags.
const rankFunction = `bm25(article_search, 10.0, 4.0, 1.0, 2.0, 3.0)`

// Search returns a page of the visible articles that match q, best first,
// newest first among equal scores, and how many match in all. The articles
// carry their body text, to cut snippets from. It takes q as it is: Find
// also corrects typos and falls back to the articles that match most.
//
// It ranks in Go, from the scores FTS5 gives each phrase of the query
// alone, which the store keeps for the current version of the content
// (see scoreCache): scoring is the costly part of a search, and readers'
// queries share their words.
func (s *Store) Search(ctx context.Context, v View, q search.Query, limit, offset int) ([]Article, int, error) {
	res, err := s.Find(ctx, v, SearchRequest{Query: q, Exact: true, Limit: limit, Offset: offset})
	return res.Articles, res.Total, err
}

// Period narrows a search to the articles published lately.
type Period int

const (
	AllTime   Period = iota
	LastMonth        // the last 30 days
	LastYear         // the last 365 days
)

// window is how far back p reaches, 0 for all time.
func (p Period) window() time.Duration {
	switch p {
	case LastMonth:
		return 30 * 24 * time.Hour
	case LastYear:
		return 365 * 24 * time.Hour
	}
	return 0
}

// SearchRequest is a search as a reader asks it.
type SearchRequest struct {
	Query    search.Query
	Category string // a rubrique's slug: only its articles; "" for all
	Period   Period
	ByDate   bool // newest first, instead of best first
	// Exact takes the query as typed: no typo correction, no fall-back
	// to the articles that match only some of its words.
	Exact bool
	// Top asks only for the page's articles: Total is then how many the
	// page holds, not how many match in all, which spares ranking every
	// match when the best are found first (see ranking.top).
	Top           bool
	Limit, Offset int
}

// SearchResults are what a search found.
type SearchResults struct {
	Articles []Article // the page asked for
	Total    int       // how many match in all
	// Query is what the articles match: the reader's query or, when that
	// found nothing, its correction (Corrected).
	Query     search.Query
	Corrected bool
	// Suggestion, when not empty, is a correction of the reader's query
	// that finds articles too, when the reader's query found some: "did
	// you mean…".
	Suggestion string
	// Partial is set when no article matches every clause of Query: the
	// articles are those that match the most clauses, best first among
	// equals.
	Partial bool
	// ValidUntil, when not zero, is when the first of the articles found
	// leaves the Period: the results may change then.
	ValidUntil time.Time
}

// Find returns a page of the visible articles that match r, and, unless
// r.Exact, corrects the query's typos and falls back to the articles that
// match the most of its words (see SearchResults).
func (s *Store) Find(ctx context.Context, v View, r SearchRequest) (SearchResults, error) {
	res := SearchResults{Query: r.Query}
	if r.Query.Empty() {
		return res, nil
	}
	if _, ok := ctx.Value(snapshotKey{}).(*sql.Tx); !ok {
		// The version, the scores and the vocabulary must be read from
		// the same state.
		var release func()
		var err error
		if ctx, release, err = s.Snapshot(ctx); err != nil {
			return res, fmt.Errorf("search %q: %w", r.Query.Text, err)
		}
		defer release()
	}
	hits, err := s.find(ctx, v, r, &res)
	if err != nil {
		return SearchResults{}, fmt.Errorf("search %q: %w", r.Query.Text, err)
	}
	if res.Articles, err = s.searchResults(ctx, hitIDs(hits)); err != nil {
		return SearchResults{}, fmt.Errorf("search %q: %w", r.Query.Text, err)
	}
	return res, nil
}

// Suggestion is an article the search box offers: its title and address.
type Suggestion struct {
	Title, URL string
}

// Suggest returns the best r.Limit articles for r, as Find ranks them
// (corrections included, unless r.Exact), by title and path only: what
// the search box shows as the reader types, at a fraction of a results
// page's cost.
func (s *Store) Suggest(ctx context.Context, v View, r SearchRequest) ([]Suggestion, error) {
	if r.Query.Empty() {
		return nil, nil
	}
	ctx, release, err := s.Snapshot(ctx)
	if err != nil {
		return nil, fmt.Errorf("suggest %q: %w", r.Query.Text, err)
	}
	defer release()
	r.Top = true
	var res SearchResults
	hits, err := s.find(ctx, v, r, &res)
	if err == nil && len(hits) > 0 {
		var out []Suggestion
		if out, err = s.suggestions(ctx, hitIDs(hits)); err == nil {
			return out, nil
		}
	}
	if err != nil {
		return nil, fmt.Errorf("suggest %q: %w", r.Query.Text, err)
	}
	return nil, nil
}

func hitIDs(hits []hit) []int64 {
	ids := make([]int64, len(hits))
	for i, h := range hits {
		ids[i] = h.id
	}
	return ids
}

// suggestions reads the titles and paths of the articles with ids, in
// that order.
func (s *Store) suggestions(ctx context.Context, ids []int64) ([]Suggestion, error) {
	rows, err := s.r.queryPrepared(ctx, `
		SELECT a.id, a.title, a.category, a.slug FROM articles a WHERE a.id IN (SELECT value FROM json_each(?))`, jsonList(ids))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byID := make(map[int64]Suggestion, len(ids))
	for rows.Next() {
		var id int64
		var title, category, slug string
		if err := rows.Scan(&id, &title, &category, &slug); err != nil {
			return nil, err
		}
		byID[id] = Suggestion{Title: title, URL: content.ArticlePath(category, slug)}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]Suggestion, 0, len(ids))
	for _, id := range ids {
		if sg, ok := byID[id]; ok {
			out = append(out, sg)
		}
	}
	return out, nil
}

// find ranks r's query, its correction and its fall-back as needed, fills
// res and returns the page's hits.
func (s *Store) find(ctx context.Context, v View, r SearchRequest, res *SearchResults) ([]hit, error) {
	version, err := s.Version(ctx)
	if err != nil {
		return nil, err
	}
	limit, offset := max(0, r.Limit), max(0, r.Offset)
	rk := ranking{store: s, version: version, view: v, req: r}
	got, err := rk.rank(ctx, r.Query, false, limit, offset)
	if err != nil {
		return nil, err
	}
	q := r.Query
	if !r.Exact {
		fixed, ok, err := s.correct(ctx, version, q)
		if err != nil {
			return nil, err
		}
		if ok {
			other, err := rk.rank(ctx, fixed, false, limit, offset)
			if err != nil {
				return nil, err
			}
			switch {
			case other.total > 0 && got.total == 0:
				got, q, res.Corrected = other, fixed, true
			case other.total > 0:
				res.Suggestion = fixed.Text
			case got.total == 0:
				q = fixed // for the fall-back: its words are the index's
			}
		}
		if got.total == 0 && len(q.Clauses()) > 1 {
			partial, err := rk.rank(ctx, q, true, limit, offset)
			if err != nil {
				return nil, err
			}
			if partial.total > 0 {
				got, res.Partial = partial, true
				res.Corrected = q.Text != r.Query.Text
			}
		}
	}
	if res.Corrected || res.Partial {
		res.Query = q
	}
	res.Total, res.ValidUntil = got.total, got.validUntil
	return got.hits, nil
}

// rareHits is the most articles a word may match and still be taken for
// a typo, when a close word is in many more (see Vocabulary.Suggest):
// « résidant » typed for « résident ».
const rareHits = 2

// correct returns q with each plain word that the index lacks, or holds
// in very few articles, replaced by the closest word of the vocabulary
// (much more frequent, for a rare one), if any.
func (s *Store) correct(ctx context.Context, version int64, q search.Query) (search.Query, bool, error) {
	missing := make([]bool, len(q.Terms))
	anyMissing := false
	for i, t := range q.Terms {
		if t.Prefix || len(t.Words) != 1 {
			continue
		}
		ps, err := s.phrase(ctx, version, t.Phrases()[0])
		if err != nil {
			return q, false, err
		}
		if len(ps.ids) <= rareHits {
			missing[i], anyMissing = true, true
		}
	}
	if !anyMissing {
		return q, false, nil
	}
	vocab, err := s.vocabulary(ctx, version)
	if err != nil {
		return q, false, err
	}
	fixed, ok := q.Correct(func(i int) bool { return missing[i] }, func(folded string) (string, bool) {
		w, ok := vocab.Suggest(folded)
		return w.Shown(), ok
	})
	return fixed, ok, nil
}

// phrase returns the scores of one FTS5 phrase in version, kept or read.
func (s *Store) phrase(ctx context.Context, version int64, p string) (termScores, error) {
	return s.scores.phrase(ctx, version, p, func(ctx context.Context) (termScores, error) {
		return s.phraseScores(ctx, p)
	})
}

// ranking ranks the queries of one search request.
type ranking struct {
	store   *Store
	version int64
	view    View
	req     SearchRequest
}

// ranked is a page of ranked hits, how many there are in all, and when
// the period filter first changes them.
type ranked struct {
	hits       []hit
	total      int
	validUntil time.Time
}

// termHits are the articles that match a term, by ascending id: those of
// its one phrase, or those of any of a prefix's phrases.
type termHits []int64

// rank ranks the articles that match q from the scores of each phrase, and
// returns the page's hits, in order, and how many match in all. An
// article matches when it matches a term of every clause, or, when
// partial, of at least one: those matching the most clauses come first.
// No article that matches an excluded term matches.
func (rk ranking) rank(ctx context.Context, q search.Query, partial bool, limit, offset int) (ranked, error) {
	s := rk.store
	var phrases []termScores // every phrase of the query, in its order
	var clauseOf []int       // the clause of each phrase
	clauses := q.Clauses()
	for i, c := range clauses {
		for _, t := range c {
			for _, p := range t.Phrases() {
				ps, err := s.phrase(ctx, rk.version, p)
				if err != nil {
					return ranked{}, err
				}
				phrases, clauseOf = append(phrases, ps), append(clauseOf, i)
			}
		}
	}
	var excludedPhrases []termScores
	for _, t := range q.Excluded {
		for _, p := range t.Phrases() {
			ps, err := s.phrase(ctx, rk.version, p)
			if err != nil {
				return ranked{}, err
			}
			excludedPhrases = append(excludedPhrases, ps)
		}
	}
	if len(clauses) == 0 {
		return ranked{}, nil
	}
	if !partial {
		found := make([]bool, len(clauses))
		for i, p := range phrases {
			found[clauseOf[i]] = found[clauseOf[i]] || len(p.ids) > 0
		}
		if slices.Contains(found, false) {
			return ranked{}, nil // a word found nowhere, a typo as often as not
		}
	}
	since := int64(math.MinInt64)
	window := rk.req.Period.window()
	if window > 0 {
		since = rk.view.Now.Add(-window).Unix()
	}
	n := offset + min(limit, math.MaxInt-offset)
	if rk.req.Top && !partial && !rk.req.ByDate && window == 0 && n < sortAllFrom {
		docs, err := s.scores.docs(ctx, rk.version, s.indexedDocs)
		if err != nil {
			return ranked{}, err
		}
		if hits, ok := rk.top(phrases, clauseOf, len(clauses), excludedPhrases, docs, n); ok {
			return ranked{hits: hits[min(offset, len(hits)):], total: len(hits)}, nil
		}
	}
	lists := make([]termHits, len(clauses))
	shortest := 0
	for i, p := range phrases {
		c := clauseOf[i]
		lists[c] = union(lists[c], p.ids)
	}
	for i := range lists {
		if len(lists[i]) < len(lists[shortest]) {
			shortest = i
		}
	}
	var excluded termHits
	for _, p := range excludedPhrases {
		excluded = union(excluded, p.ids)
	}
	candidates, need := lists[shortest], len(lists)
	if partial {
		candidates, need = nil, 1
		for _, l := range lists {
			candidates = union(candidates, l)
		}
	}
	if len(candidates) == 0 {
		return ranked{}, nil // a word found nowhere, a typo as often as not
	}
	docs, err := s.scores.docs(ctx, rk.version, s.indexedDocs)
	if err != nil {
		return ranked{}, err
	}
	best := topHits{n: n, compare: compareHits}
	if rk.req.ByDate {
		best.compare = compareDates
	}
	var out ranked
	oldest := int64(math.MaxInt64)
	atList := make([]int, len(lists))     // where each clause's list is read
	atPhrase := make([]int, len(phrases)) // where each phrase's list is read
	atExcluded := 0
	d := 0 // where docs is read
	for _, id := range candidates {
		matched := 0
		for i, l := range lists {
			atList[i] += advance(l[atList[i]:], id, self)
			if atList[i] < len(l) && l[atList[i]] == id {
				matched++
			}
		}
		if matched < need {
			continue
		}
		atExcluded += advance(excluded[atExcluded:], id, self)
		if atExcluded < len(excluded) && excluded[atExcluded] == id {
			continue
		}
		d += advance(docs[d:], id, docID)
		if d == len(docs) {
			break
		}
		doc := docs[d]
		if doc.id != id || !rk.view.shows(doc) || doc.published < since ||
			rk.req.Category != "" && doc.category != rk.req.Category {
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
		out.total++
		oldest = min(oldest, doc.published)
		best.add(hit{id: id, published: doc.published, score: score, matched: matched})
	}
	if window > 0 && out.total > 0 {
		out.validUntil = time.Unix(oldest, 0).Add(window)
	}
	hits := best.best()
	out.hits = hits[min(offset, len(hits)):]
	return out, nil
}

// maxTopReads is how many articles ranking.top looks at before it gives
// up: filters or views that hide most of the best articles would make it
// look at nearly all, slower than the plain count.
const maxTopReads = 2048

// top returns the best n hits of the query whose phrases are given (and
// the clause of each), without looking at every article that matches: it
// reads each phrase's articles best score first, in step (Fagin's
// threshold algorithm), scores each article met from every phrase, and
// stops once the n-th best found scores better than any article not yet
// met can: at the current depth of each list, an article further down, or
// absent, adds no better than the score there. The hits and their order
// are the full ranking's: the same sums, in the same order. It reports
// false when it gave up (see maxTopReads).
func (rk ranking) top(phrases []termScores, clauseOf []int, clauses int, excluded []termScores, docs []indexedDoc, n int) ([]hit, bool) {
	if n == 0 {
		return nil, true
	}
	orders := make([][]int32, len(phrases))
	for i, p := range phrases {
		orders[i] = p.byScore()
	}
	best := topHits{n: n, compare: compareHits}
	seen := make(map[int64]struct{}, 4*n)
	inClause := make([]bool, clauses)
	for depth := 0; ; depth++ {
		bound, more := 0.0, false
		for i, p := range phrases {
			if depth >= len(orders[i]) {
				continue // an article not yet met is absent: it adds 0
			}
			more = true
			j := orders[i][depth]
			bound += min(p.scores[j], 0)
			id := p.ids[j]
			if _, ok := seen[id]; ok {
				continue
			}
			if len(seen) == maxTopReads {
				return nil, false
			}
			seen[id] = struct{}{}
			if h, ok := rk.scoreOne(id, phrases, clauseOf, inClause, excluded, docs); ok {
				best.add(h)
			}
		}
		// Scores are sums of a few terms: a margin far above their
		// rounding error, far below any real difference.
		if !more || len(best.hits) == n && best.hits[n-1].score < bound-1e-9*math.Abs(bound) {
			return best.best(), true
		}
	}
}

// scoreOne ranks the article with id as rank's loop does, if it matches
// every clause, no exclusion, and the request's view and rubrique.
func (rk ranking) scoreOne(id int64, phrases []termScores, clauseOf []int, inClause []bool, excluded []termScores, docs []indexedDoc) (hit, bool) {
	clear(inClause)
	score := 0.0
	for i, p := range phrases {
		if j, ok := slices.BinarySearch(p.ids, id); ok {
			score += p.scores[j]
			inClause[clauseOf[i]] = true
		}
	}
	if slices.Contains(inClause, false) {
		return hit{}, false
	}
	for _, e := range excluded {
		if _, ok := slices.BinarySearch(e.ids, id); ok {
			return hit{}, false
		}
	}
	d, ok := slices.BinarySearchFunc(docs, id, func(d indexedDoc, id int64) int { return cmp.Compare(d.id, id) })
	if !ok {
		return hit{}, false
	}
	doc := docs[d]
	if !rk.view.shows(doc) || rk.req.Category != "" && doc.category != rk.req.Category {
		return hit{}, false
	}
	return hit{id: id, published: doc.published, score: score, matched: len(inClause)}, true
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
	n       int
	hits    []hit
	compare func(a, b hit) int
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
	if len(t.hits) == t.n && t.compare(h, t.hits[t.n-1]) >= 0 {
		return
	}
	i, _ := slices.BinarySearchFunc(t.hits, h, t.compare)
	if len(t.hits) == t.n {
		t.hits = t.hits[:t.n-1]
	}
	t.hits = slices.Insert(t.hits, i, h)
}

// best returns the n best hits, best first.
func (t *topHits) best() []hit {
	if t.n >= sortAllFrom {
		slices.SortFunc(t.hits, t.compare)
		t.hits = t.hits[:min(t.n, len(t.hits))]
	}
	return t.hits
}

// compareHits orders hits best first: those that match the most clauses
// (which differ only in a fall-back), then by score, then newest first.
func compareHits(a, b hit) int {
	return cmp.Or(cmp.Compare(b.matched, a.matched), cmp.Compare(a.score, b.score), cmp.Compare(b.published, a.published), cmp.Compare(b.id, a.id))
}

// compareDates orders hits newest first, then best first.
func compareDates(a, b hit) int {
	return cmp.Or(cmp.Compare(b.published, a.published), cmp.Compare(b.matched, a.matched), cmp.Compare(a.score, b.score), cmp.Compare(b.id, a.id))
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
	ts := termScores{order: &scoreOrder{}}
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
		SELECT id, published_at, coalesce(expires_at, :never), draft, category FROM article_search_visibility ORDER BY id`,
		sql.Named("never", int64(noExpiry)))
	if err != nil {
		return nil, fmt.Errorf("read indexed articles: %w", err)
	}
	defer rows.Close()
	var docs []indexedDoc
	categories := map[string]string{} // one string a rubrique, not one a doc
	for rows.Next() {
		var d indexedDoc
		if err := rows.Scan(&d.id, &d.published, &d.expires, &d.draft, &d.category); err != nil {
			return nil, fmt.Errorf("read indexed articles: %w", err)
		}
		if c, ok := categories[d.category]; ok {
			d.category = c
		} else {
			categories[d.category] = d.category
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
	matched       int // clauses of the query it matches
}

// searchResults reads the articles with ids whole, in that order.
func (s *Store) searchResults(ctx context.Context, ids []int64) ([]Article, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	rows, err := s.r.queryPrepared(ctx, `
		SELECT `+cardColumns+`, a.body_text
		FROM articles a JOIN categories c ON c.slug = a.category
		WHERE a.id IN (SELECT value FROM json_each(?))`, jsonList(ids))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byID := make(map[int64]Article, len(ids))
	for rows.Next() {
		var body string
		a, err := scanCard(withBody{row: rows, body: &body})
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
// the transaction that changes them. Articles being saved are indexed from
// the values saved (see article), analysed on other cores while SQLite
// writes; those whose row changes by other ways (a rubrique renamed, a
// kept move, a rebuild) are read back from the transaction, category title
// and tags included.
type searchIndexer struct {
	tx       *sql.Tx
	analyzer *search.Analyzer
	load     *sql.Stmt
	insert   *sql.Stmt
	remove   *sql.Stmt
	show     *sql.Stmt // saves an article's visibility
	showNew  *sql.Stmt // the same, for an article that has none (see writeRows)
	hide     *sql.Stmt // forgets it
	words    *sql.Stmt // reads the vocabulary forms of an indexed article
	// empty is set while the index is built from nothing (a rebuild, a
	// first fill): rows need not be removed before they are written, and
	// none is there to replace.
	empty bool
	// vocabulary is how the changes made so far change the counts of the
	// vocabulary's forms, written by flush.
	vocabulary map[string]int
	written    int // rows written to the index
}

func newSearchIndexer(ctx context.Context, tx *sql.Tx) (*searchIndexer, error) {
	ix := &searchIndexer{tx: tx, analyzer: search.NewAnalyzer(), vocabulary: map[string]int{}}
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
		INSERT OR REPLACE INTO article_search_visibility (id, draft, published_at, expires_at, category, words)
		VALUES (?, ?, ?, ?, ?, ?)`); err != nil {
		ix.Close()
		return nil, fmt.Errorf("prepare search index: %w", err)
	}
	if ix.showNew, err = tx.PrepareContext(ctx, `
		INSERT INTO article_search_visibility (id, draft, published_at, expires_at, category, words)
		VALUES (?, ?, ?, ?, ?, ?)`); err != nil {
		ix.Close()
		return nil, fmt.Errorf("prepare search index: %w", err)
	}
	if ix.words, err = tx.PrepareContext(ctx, `SELECT words FROM article_search_visibility WHERE id = ?`); err != nil {
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
	for _, st := range []*sql.Stmt{ix.load, ix.insert, ix.remove, ix.show, ix.showNew, ix.hide, ix.words} {
		if st != nil {
			st.Close()
		}
	}
}

// indexColumns are what the index holds of an article, from the articles
// a and their categories c.
// The tags are in the article's order, as article joins them.
const indexColumns = `a.id, a.title, a.summary, a.body_text, coalesce(c.title, ''),
	coalesce((SELECT group_concat(t.label, ' ' ORDER BY t.position) FROM article_tags t WHERE t.article_id = a.id), ''),
	a.draft, a.published_at, a.expires_at, a.category
	FROM articles a LEFT JOIN categories c ON c.slug = a.category`

// indexed is an article's text as the index takes it, and what a search
// needs to know of its visibility.
type indexed struct {
	id                                   int64
	title, summary, body, category, tags string
	draft                                bool
	published                            int64
	expires                              sql.NullInt64
	slug                                 string // of its rubrique
}

func (d *indexed) scan(row interface{ Scan(...any) error }) error {
	return row.Scan(&d.id, &d.title, &d.summary, &d.body, &d.category, &d.tags, &d.draft, &d.published, &d.expires, &d.slug)
}

// article is what the index takes of art, saved in a rubrique titled
// category: the same as indexColumns reads back from its saved row.
func article(art content.Article, category string) indexed {
	tags := make([]string, len(art.Tags))
	for i, t := range art.Tags {
		tags[i] = t.Label
	}
	return indexed{title: art.Title, summary: art.Summary, body: art.BodyText, category: category,
		tags: strings.Join(tags, " "), draft: art.Draft, published: art.Date.Unix(), expires: toNull(art.Expires), slug: art.Category}
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

// indexRow is an article as the index takes it: the terms of each
// column, and the forms of its vocabulary words.
type indexRow struct {
	id    int64
	terms []any    // id, then the terms of each column
	words []string // sorted
	doc   *indexed
}

// analyze returns d's row of the index.
func (ix *searchIndexer) analyze(d indexed) indexRow {
	return analyze(ix.analyzer, &d)
}

// analyze runs on the analysers' goroutines when many articles are saved
// (analyzeAhead): the writer only writes what it returns, sorted already.
func analyze(a *search.Analyzer, d *indexed) indexRow {
	words := map[string]bool{}
	row := indexRow{
		id: d.id,
		terms: []any{d.id, a.TermsAndWords(d.title, words), a.TermsAndWords(d.summary, words), a.TermsAndWords(d.body, words),
			a.TermsAndWords(d.category, words), a.TermsAndWords(d.tags, words)},
		doc: d,
	}
	row.words = slices.Sorted(maps.Keys(words))
	return row
}

// analysis analyses documents ahead of the goroutine that writes them, on
// the other cores: on a first start the analysis is a third of the
// index's cost, and SQLite writes on one goroutine only.
type analysis struct {
	docs   []indexed
	rows   []chan indexRow
	next   atomic.Int64
	tokens chan struct{} // bounds the rows analysed and not yet taken
	stop   chan struct{}
	wg     sync.WaitGroup
}

// analysisAhead is how many rows may wait for the writer: enough to keep
// the analysers busy, few enough that their terms stay a small part of a
// first start's memory.
const analysisAhead = 2 * writeBatch

// analyzeAhead starts analysing docs. Take their rows with row, in order,
// then call close.
func analyzeAhead(docs []indexed) *analysis {
	an := &analysis{docs: docs, rows: make([]chan indexRow, len(docs)),
		tokens: make(chan struct{}, analysisAhead), stop: make(chan struct{})}
	for i := range an.rows {
		an.rows[i] = make(chan indexRow, 1)
	}
	// One analyser fewer than the cores: the writer needs one.
	for range max(1, min(runtime.GOMAXPROCS(0)-1, len(docs))) {
		an.wg.Go(func() {
			a := search.NewAnalyzer() // its cache is not safe for concurrent use
			for {
				select {
				case <-an.stop:
					return
				default:
				}
				select {
				case an.tokens <- struct{}{}:
				case <-an.stop:
					return
				}
				// Indices are taken in order after a token: the row the
				// writer waits for is always being analysed or next.
				i := int(an.next.Add(1) - 1)
				if i >= len(docs) {
					return
				}
				an.rows[i] <- analyze(a, &an.docs[i])
			}
		})
	}
	return an
}

// row returns the row of docs[i], once analysed. The id is the caller's to
// set when it was not known before.
func (an *analysis) row(i int) indexRow {
	r := <-an.rows[i]
	<-an.tokens
	return r
}

// close stops the analysers, whether every row was taken or not.
func (an *analysis) close() {
	close(an.stop)
	an.wg.Wait()
}

// write adds a row to the index.
func (ix *searchIndexer) write(ctx context.Context, row indexRow) error {
	return ix.writeRows(ctx, []indexRow{row})
}

// writeBatch is how many rows writeRows is given at a time by callers that
// index many articles.
const writeBatch = 256

// writeRows adds rows to the index. The full-text rows are inserted one
// after the other with no other statement in between: FTS5 keeps them in
// memory until a statement that may need to roll back alone (an upsert, an
// INSERT OR REPLACE, any RETURNING) begins, and then writes them out as a
// new segment of the index, which later merges read and write again.
// Writing each article's row between its other statements made one
// segment per article, and merging them was most of the index's cost. An
// index built from nothing avoids such statements altogether (showNew, and
// the plain inserts of a first fill): its rows are written out only when
// FTS5's memory is full.
func (ix *searchIndexer) writeRows(ctx context.Context, rows []indexRow) error {
	show := ix.show
	if ix.empty {
		show = ix.showNew
	}
	for _, row := range rows {
		for _, w := range row.words {
			ix.vocabulary[w]++
		}
		d := row.doc
		if _, err := show.ExecContext(ctx, row.id, d.draft, d.published, d.expires, d.slug, strings.Join(row.words, " ")); err != nil {
			return fmt.Errorf("index article %d for search: %w", row.id, err)
		}
	}
	ix.written += len(rows)
	for _, row := range rows {
		row.terms[0] = row.id
		if _, err := ix.insert.ExecContext(ctx, row.terms...); err != nil {
			return fmt.Errorf("index article %d for search: %w", row.id, err)
		}
	}
	return nil
}

// categoryTitles are the titles of the rubriques by slug, as the
// transaction has them.
func (ix *searchIndexer) categoryTitles(ctx context.Context) (map[string]string, error) {
	rows, err := ix.tx.QueryContext(ctx, `SELECT slug, title FROM categories`)
	if err != nil {
		return nil, fmt.Errorf("read rubriques to index: %w", err)
	}
	defer rows.Close()
	titles := map[string]string{}
	for rows.Next() {
		var slug, title string
		if err := rows.Scan(&slug, &title); err != nil {
			return nil, fmt.Errorf("read rubriques to index: %w", err)
		}
		titles[slug] = title
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read rubriques to index: %w", err)
	}
	return titles, nil
}

// unindex removes the article with id from the index.
func (ix *searchIndexer) unindex(ctx context.Context, id int64) error {
	var words string
	err := ix.words.QueryRowContext(ctx, id).Scan(&words)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("remove article %d from search: %w", id, err)
	}
	for w := range strings.FieldsSeq(words) {
		ix.vocabulary[w]--
	}
	if _, err := ix.remove.ExecContext(ctx, id); err != nil {
		return fmt.Errorf("remove article %d from search: %w", id, err)
	}
	if _, err := ix.hide.ExecContext(ctx, id); err != nil {
		return fmt.Errorf("remove article %d from search: %w", id, err)
	}
	return nil
}

// flush writes the changes of the vocabulary's counts, and returns them.
// An article changed in place counts each of its words down then up
// again: only the forms whose count moved are written.
func (ix *searchIndexer) flush(ctx context.Context) (map[string]int, error) {
	changes := ix.vocabulary
	ix.vocabulary = map[string]int{}
	maps.DeleteFunc(changes, func(_ string, docs int) bool { return docs == 0 })
	if len(changes) == 0 {
		return nil, nil
	}
	up, err := ix.tx.PrepareContext(ctx, `
		INSERT INTO search_vocabulary (form, docs) VALUES (?, ?)
		ON CONFLICT (form) DO UPDATE SET docs = docs + excluded.docs`)
	if err != nil {
		return nil, fmt.Errorf("save search vocabulary: %w", err)
	}
	defer up.Close()
	for form, docs := range changes {
		if _, err := up.ExecContext(ctx, form, docs); err != nil {
			return nil, fmt.Errorf("save search vocabulary: %w", err)
		}
	}
	if _, err := ix.tx.ExecContext(ctx, `DELETE FROM search_vocabulary WHERE docs <= 0`); err != nil {
		return nil, fmt.Errorf("save search vocabulary: %w", err)
	}
	return changes, nil
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
	an := analyzeAhead(docs)
	defer an.close()
	var pending []indexRow
	for i := range docs {
		row := an.row(i)
		if !ix.empty {
			if err := ix.unindex(ctx, row.id); err != nil {
				return err
			}
		}
		if pending = append(pending, row); len(pending) == writeBatch {
			if err := ix.writeRows(ctx, pending); err != nil {
				return err
			}
			pending = pending[:0]
		}
	}
	return ix.writeRows(ctx, pending)
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
		DELETE FROM article_search_visibility;
		DELETE FROM search_vocabulary;`); err != nil {
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
	if _, err := ix.flush(ctx); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO meta (key, value) VALUES ('search_index', ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, search.Version); err != nil {
		return fmt.Errorf("save search index version: %w", err)
	}
	// A new version: scores read from the index being replaced, by a
	// search that began before, must not pass for the new one's.
	version, err := bumpVersion(ctx, tx)
	if err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	s.checkpointSoon(ix.written >= releaseAfterArticles) // the whole index was written again
	s.vocab.replaced(version)
	s.generation.Add(1)
	return nil
}
