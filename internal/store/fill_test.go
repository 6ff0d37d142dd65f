package store_test

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/horizons-expat/site/internal/content"
	"github.com/horizons-expat/site/internal/search"
	"github.com/horizons-expat/site/internal/store"
)

// indexes lists the indexes of the database at path, with their
// definitions, as another connection reads them.
func indexes(t *testing.T, path string) []string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT name || ': ' || coalesce(sql, '') FROM sqlite_schema WHERE type = 'index' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var list []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		list = append(list, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return list
}

// TestFirstFillKeepsTheIndexes: a change saving articles into an empty
// store builds the indexes after the rows (see firstFill); the schema it
// leaves is the one it found, and the lists read from them are right.
func TestFirstFillKeepsTheIndexes(t *testing.T) {
	ctx, v := context.Background(), store.View{Now: at(30, 0)}
	path := dbPath(t)
	st := open(t, path)
	before := indexes(t, path)
	if len(before) < 10 {
		t.Fatalf("only %d indexes before the fill: %q", len(before), before)
	}
	a := art("monde", "a", at(1, 9), "Visa", "Retraite")
	a.Authors = []string{"Claire Martin"}
	a.Aliases = []string{"/ancien/a"}
	a.Sources = []content.Source{{Title: "Source", URL: "https://example.org/a"}}
	apply(t, st, store.Changes{Site: &site, Categories: categories, Articles: []content.Article{
		a, art("monde", "b", at(2, 9), "Visa"), art("pratique", "c", at(3, 9)),
	}})
	if after := indexes(t, path); !slices.Equal(after, before) {
		t.Errorf("indexes after the first fill:\n%q\nwant\n%q", after, before)
	}
	if list, total, err := st.WithTag(ctx, v, "visa", 10, 0); err != nil || total != 2 || slugs(list) != "b a" {
		t.Errorf("articles tagged visa: %q (%d), %v; want b a", slugs(list), total, err)
	}
	if target, err := st.Redirect(ctx, v, "/ancien/a"); err != nil || target != "/monde/a" {
		t.Errorf("alias: %q, %v", target, err)
	}
	if list, total, err := st.Search(ctx, v, search.Parse("corps"), 10, 0); err != nil || total != 3 {
		t.Errorf("search after the first fill: %q (%d), %v; want the 3 articles", slugs(list), total, err)
	}
	// A second change is not a first fill: the indexes are kept as they are.
	apply(t, st, store.Changes{Articles: []content.Article{art("monde", "d", at(4, 9), "Visa")}})
	if after := indexes(t, path); !slices.Equal(after, before) {
		t.Errorf("indexes after a second change:\n%q\nwant\n%q", after, before)
	}
	if list, total, err := st.WithTag(ctx, v, "visa", 10, 0); err != nil || total != 3 || slugs(list) != "d b a" {
		t.Errorf("articles tagged visa: %q (%d), %v; want d b a", slugs(list), total, err)
	}
}

// TestRefillAtAGoneURL: when every article was deleted, the next change
// saves into an empty table, but the deleted URLs are remembered; one
// published again at such a URL is live, not gone.
func TestRefillAtAGoneURL(t *testing.T) {
	ctx, v := context.Background(), store.View{Now: at(30, 0)}
	a := art("monde", "a", at(1, 9))
	st := seeded(t, a)
	apply(t, st, store.Changes{DeletedArticles: []string{a.Path}})
	if gone, err := st.Gone(ctx, v, "/monde/a"); err != nil || !gone {
		t.Fatalf("Gone after deletion = %v, %v; want true", gone, err)
	}
	apply(t, st, store.Changes{Articles: []content.Article{a}})
	if gone, err := st.Gone(ctx, v, "/monde/a"); err != nil || gone {
		t.Errorf("Gone after publishing again = %v, %v; want false", gone, err)
	}
	if _, err := st.Article(ctx, v, "monde", "a"); err != nil {
		t.Errorf("article published again: %v", err)
	}
}

// TestCheckpointsAfterAChange: the writer does not copy the log into the
// database file as it commits; the store's checkpoints do it soon after,
// without Close.
func TestCheckpointsAfterAChange(t *testing.T) {
	path := dbPath(t)
	st := open(t, path)
	size := func() int64 {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	var list []content.Article
	for i := range 300 {
		a := art("monde", "article-"+strconv.Itoa(i), at(1, 9))
		a.BodyText = strings.Repeat("texte ", 700)
		list = append(list, a)
	}
	apply(t, st, store.Changes{Site: &site, Categories: categories, Articles: list})
	// The schema alone takes about 170 kB.
	for deadline := time.Now().Add(10 * time.Second); size() < 1<<20; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("database file still %d bytes 10 s after a change of 1.2 MB", size())
		}
	}
}

// endsAfter is a context that ends once its Err has been asked n times:
// the driver never asks it (Apply's statements run without its end), so
// the change ends between two articles, at a point the test chooses.
type endsAfter struct {
	context.Context
	n int
}

func (c *endsAfter) Err() error {
	if c.n--; c.n < 0 {
		return context.Canceled
	}
	return nil
}

// TestApplyStopsWhenItsContextEnds: a change whose context ends while it
// saves its articles saves none of them, and the store takes the next
// change.
func TestApplyStopsWhenItsContextEnds(t *testing.T) {
	ctx, v := context.Background(), store.View{Now: at(30, 0)}
	st := open(t, dbPath(t))
	var list []content.Article
	for i := range 300 {
		list = append(list, art("monde", "a"+strconv.Itoa(i), at(1, 9), "Visa"))
	}
	err := st.Apply(&endsAfter{Context: ctx, n: 100}, store.Changes{Site: &site, Categories: categories, Articles: list, Now: at(30, 0)})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Apply with a context that ends: %v, want context.Canceled", err)
	}
	if got, err := st.Latest(ctx, v, 10, 0); err != nil || len(got) != 0 {
		t.Fatalf("after the ended change: %q, %v; want no article", slugs(got), err)
	}
	apply(t, st, store.Changes{Site: &site, Categories: categories, Articles: list[:2]})
	if got, err := st.Latest(ctx, v, 10, 0); err != nil || len(got) != 2 {
		t.Errorf("after the next change: %q, %v; want 2 articles", slugs(got), err)
	}
}

// messages counts the log records of each message, from any goroutine.
type messages struct {
	mu    sync.Mutex
	count map[string]int
}

func (m *messages) Enabled(context.Context, slog.Level) bool { return true }
func (m *messages) WithAttrs([]slog.Attr) slog.Handler       { return m }
func (m *messages) WithGroup(string) slog.Handler            { return m }
func (m *messages) Handle(_ context.Context, r slog.Record) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.count[r.Message]++
	return nil
}

func (m *messages) of(msg string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.count[msg]
}

// TestFreesTheWriterCacheAfterALargeChange: a change saving a thousand
// articles or more leaves the writer's page cache full of what it wrote;
// the store frees it soon after, and not after a small change.
func TestFreesTheWriterCacheAfterALargeChange(t *testing.T) {
	const freed = "writer's page cache freed"
	logs := &messages{count: map[string]int{}}
	st, err := store.Open(context.Background(), dbPath(t), slog.New(logs))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	apply(t, st, store.Changes{Site: &site, Categories: categories, Articles: []content.Article{art("monde", "seul", at(1, 9))}})
	var list []content.Article
	for i := range 1000 {
		list = append(list, art("pratique", "a"+strconv.Itoa(i), at(1, 9)))
	}
	apply(t, st, store.Changes{Articles: list})
	for deadline := time.Now().Add(10 * time.Second); logs.of(freed) == 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("writer's cache not freed 10 s after a change of 1,000 articles")
		}
	}
	// Checkpoints follow the changes in order: one for the small change
	// would have come first.
	if n := logs.of(freed); n != 1 {
		t.Errorf("writer's cache freed %d times, want once (after the large change only)", n)
	}
	if n := logs.of("free the writer's page cache"); n != 0 {
		t.Errorf("%d failures to free the writer's cache", n)
	}
}
