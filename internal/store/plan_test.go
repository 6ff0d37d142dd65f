package store_test

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/horizons-expat/site/internal/corpus"
	"github.com/horizons-expat/site/internal/ingest"
	"github.com/horizons-expat/site/internal/store"
)

// TestQueryPlansUseIndexes runs every query that serving a page or a
// content pass makes, on
// a generated corpus, and checks with EXPLAIN QUERY PLAN that none reads a
// whole large table where an index would do.
func TestQueryPlansUseIndexes(t *testing.T) {
	dir := t.TempDir()
	if err := corpus.Generate(filepath.Join(dir, "content"), 200, 1); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	log := slog.New(slog.DiscardHandler)
	st, err := store.Open(ctx, filepath.Join(dir, "site.db"), log)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := func() time.Time { return corpus.Reference }
	sy, err := ingest.New(ctx, os.DirFS(filepath.Join(dir, "content")), st, log, now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sy.Sync(ctx); err != nil {
		t.Fatal(err)
	}

	// Whole-table reads that the page needs by nature: the tag index
	// counts every tag.
	allowed := map[string]string{
		"Tags":                "lists every tag with its count",
		"Months":              "counts every visible article by month",
		"AuthorsActivity":     "lists every author with their count, for the sitemap",
		"ArticlePaths":        "derives the preview token of every article",
		"UnpublishedArticles": "the status page's preview links: drafts are found by their flag",
	}
	v := store.View{Now: corpus.Reference}
	latest, err := st.Latest(ctx, v, 1, 0)
	if err != nil || len(latest) == 0 {
		t.Fatal("no article", err)
	}
	a, err := st.Article(ctx, v, latest[0].Category, latest[0].Slug)
	if err != nil {
		t.Fatal(err)
	}
	calls := []struct {
		name string
		run  func(ctx context.Context) error
	}{
		{"Site", func(ctx context.Context) error { _, err := st.Site(ctx); return err }},
		{"Categories", func(ctx context.Context) error { _, err := st.Categories(ctx); return err }},
		{"NextEvent", func(ctx context.Context) error { _, err := st.NextEvent(ctx, v); return err }},
		{"Article", func(ctx context.Context) error { _, err := st.Article(ctx, v, a.Category, a.Slug); return err }},
		{"Related", func(ctx context.Context) error { _, err := st.Related(ctx, v, a, 4); return err }},
		{"Latest", func(ctx context.Context) error { _, err := st.Latest(ctx, v, 12, 24); return err }},
		{"InCategory", func(ctx context.Context) error { _, _, err := st.InCategory(ctx, v, a.Category, 12, 24); return err }},
		{"WithTag", func(ctx context.Context) error { _, _, err := st.WithTag(ctx, v, "expatriation", 12, 12); return err }},
		{"Tag", func(ctx context.Context) error { _, err := st.Tag(ctx, v, "expatriation"); return err }},
		{"Tags", func(ctx context.Context) error { _, err := st.Tags(ctx, v); return err }},
		{"Redirect", func(ctx context.Context) error {
			_, err := st.Redirect(ctx, v, "/ancien-site/2020/x")
			return ignoreNotFound(err)
		}},
		{"Gone", func(ctx context.Context) error { _, err := st.Gone(ctx, v, "/monde/x"); return err }},
		{"Author", func(ctx context.Context) error {
			_, err := st.Author(ctx, v, "anne-fontaine")
			return ignoreNotFound(err)
		}},
		{"AuthorFile", func(ctx context.Context) error {
			_, err := st.AuthorFile(ctx, "anne-fontaine")
			return ignoreNotFound(err)
		}},
		{"ByAuthor", func(ctx context.Context) error { _, _, err := st.ByAuthor(ctx, v, "anne-fontaine", 12, 12); return err }},
		{"AuthorsActivity", func(ctx context.Context) error { _, err := st.AuthorsActivity(ctx, v); return err }},
		{"Months", func(ctx context.Context) error { _, err := st.Months(ctx, v, time.UTC); return err }},
		{"InMonth", func(ctx context.Context) error {
			from := time.Date(2023, 9, 1, 0, 0, 0, 0, time.UTC)
			_, _, err := st.InMonth(ctx, v, from, from.AddDate(0, 1, 0), 12, 0)
			return err
		}},
		{"ArticleByPath", func(ctx context.Context) error { _, err := st.ArticleByPath(ctx, a.Path); return err }},
		{"ArticlePaths", func(ctx context.Context) error { _, err := st.ArticlePaths(ctx); return err }},
		{"UnpublishedArticles", func(ctx context.Context) error { _, err := st.UnpublishedArticles(ctx, v); return err }},
		{"FeedArticles of a tag", func(ctx context.Context) error {
			_, err := st.FeedArticles(ctx, v, store.FeedScope{Tag: "expatriation"}, 20)
			return err
		}},
		{"FeedArticles of an author", func(ctx context.Context) error {
			_, err := st.FeedArticles(ctx, v, store.FeedScope{Author: "anne-fontaine"}, 20)
			return err
		}},
		{"FeedArticles", func(ctx context.Context) error {
			_, err := st.FeedArticles(ctx, v, store.FeedScope{Category: a.Category}, 20)
			return err
		}},
		// Every content pass tells the image library what is in use.
		{"Covers", func(ctx context.Context) error { _, err := st.Covers(ctx); return err }},
		{"Uncovered", func(ctx context.Context) error {
			_, err := st.Uncovered(ctx, corpus.Reference.AddDate(0, 0, -30), 50)
			return err
		}},
	}
	for _, c := range calls {
		t.Run(c.name, func(t *testing.T) {
			var plans [][]string
			ctx := store.WithQueryPlans(ctx, func(query string, plan []string) {
				plans = append(plans, plan)
				for _, line := range plan {
					if strings.HasPrefix(line, "EXPLAIN failed") {
						t.Errorf("%s\n%s", line, query)
					}
					if fullScan(line) && allowed[c.name] == "" {
						t.Errorf("full scan %q in\n%s\nplan: %s", line, query, strings.Join(plan, " | "))
					}
				}
			})
			if err := c.run(ctx); err != nil {
				t.Fatal(err)
			}
			if len(plans) == 0 {
				t.Fatal("no query seen")
			}
			t.Logf("plans: %q", plans)
		})
	}
}

// fullScan reports whether a plan line reads a large table without an
// index ("SEARCH t" without USING is a scan with a filter). Small tables
// may be scanned: site, categories and meta, the temporary tables in which
// Related gathers its few candidates (shared, k) and Uncovered the recent
// articles (recent), and json_each, which reads the list of ids the query
// was given, not a table.
func fullScan(line string) bool {
	f := strings.Fields(line)
	if len(f) < 2 || (f[0] != "SCAN" && f[0] != "SEARCH") || strings.Contains(line, "USING") ||
		line == "SCAN CONSTANT ROW" || strings.HasPrefix(f[1], "(") {
		return false
	}
	return !slices.Contains([]string{"site", "categories", "c", "meta", "shared", "k", "recent", "json_each"}, f[1])
}

func ignoreNotFound(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	return err
}
