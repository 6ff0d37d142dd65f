package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/horizons-expat/site/internal/content"
)

// Changes is one reload's worth of changes, applied all at once.
type Changes struct {
	Now               time.Time     // when the change happens, for the memory of deleted URLs
	Site              *content.Site // nil: unchanged
	Categories        []content.Category
	DeletedCategories []string // slugs
	Articles          []content.Article
	DeletedArticles   []string // paths of their files
	Renames           []Rename // article files moved; the articles are in Articles under their new path, unless kept
	Authors           []content.Author
	DeletedAuthors    []string // slugs
	Files             []FileRecord
	DeletedFiles      []string
}

// Rename is an article file moved from one path to another.
type Rename struct {
	From, To string
	// Category and Slug, when Slug is set, keep the stored version: the
	// file was renamed and turned bad in one go, so no new version comes
	// in Changes.Articles, and the last good one moves to this URL as it is.
	Category, Slug string
}

// Empty reports whether ch changes nothing.
func (ch *Changes) Empty() bool {
	return ch.Site == nil && len(ch.Categories)+len(ch.DeletedCategories)+len(ch.Articles)+
		len(ch.DeletedArticles)+len(ch.Renames)+len(ch.Files)+len(ch.DeletedFiles)+
		len(ch.Authors)+len(ch.DeletedAuthors) == 0
}

// Apply writes ch in one transaction: readers see the content before it or
// after it, never in between.
func (s *Store) Apply(ctx context.Context, ch Changes) (err error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	// The statements run without ctx's end: the driver watches a
	// cancellable context with a goroutine of its own per statement, and a
	// first start runs a hundred thousand of them, where those goroutines
	// cost a tenth of its time. An end of ctx still stops the change: the
	// transaction, begun with ctx, rolls back, and articles checks done
	// between two articles.
	done := ctx
	ctx = context.WithoutCancel(ctx)
	defer func() {
		if err != nil {
			err = errors.Join(err, tx.Rollback())
		}
	}()
	a := applier{tx: tx, now: ch.Now.Unix()}
	if a.search, err = newSearchIndexer(ctx, tx); err != nil {
		return err
	}
	defer a.search.Close()
	if ch.Site != nil {
		if err := a.site(ctx, *ch.Site); err != nil {
			return err
		}
	}
	for _, c := range ch.Categories {
		if err := a.category(ctx, c); err != nil {
			return err
		}
	}
	for _, slug := range ch.DeletedAuthors {
		if err := a.deleteAuthor(ctx, slug); err != nil {
			return err
		}
	}
	for _, au := range ch.Authors {
		if err := a.author(ctx, au); err != nil {
			return err
		}
	}
	var kept []keptMove
	for _, r := range ch.Renames {
		// The article keeps its row: saving it under its new path below
		// then records its former URL as a redirect.
		if _, err := tx.ExecContext(ctx, `UPDATE articles SET path = ? WHERE path = ?`, r.To, r.From); err != nil {
			return fmt.Errorf("rename article %s to %s: %w", r.From, r.To, err)
		}
		if r.Slug != "" {
			m, err := a.startKeptMove(ctx, r)
			if err != nil {
				return err
			}
			kept = append(kept, m)
		}
	}
	for _, p := range ch.DeletedArticles {
		if err := a.deleteArticle(ctx, p); err != nil {
			return err
		}
	}
	if err := a.articles(ctx, done, ch.Articles); err != nil {
		return err
	}
	for _, m := range kept {
		if err := a.finishKeptMove(ctx, m); err != nil {
			return err
		}
	}
	for _, slug := range ch.DeletedCategories {
		if _, err := tx.ExecContext(ctx, `DELETE FROM categories WHERE slug = ?`, slug); err != nil {
			return fmt.Errorf("delete category %s: %w", slug, err)
		}
	}
	if err := a.files(ctx, ch.Files, ch.DeletedFiles); err != nil {
		return err
	}
	vocabulary, err := a.search.flush(ctx)
	if err != nil {
		return err
	}
	version, err := bumpVersion(ctx, tx)
	if err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	s.checkpointSoon(len(ch.Articles) >= releaseAfterArticles)
	s.vocab.changed(version, vocabulary)
	s.generation.Add(1)
	s.warmSearch()
	return nil
}

// bumpVersion counts a change of content in its transaction, and returns
// the new version: caches of what was derived from an older version, the
// search scores among them, are then stale.
func bumpVersion(ctx context.Context, tx *sql.Tx) (int64, error) {
	var version int64
	if err := tx.QueryRowContext(ctx, `
		INSERT INTO meta (key, value) VALUES ('version', 1)
		ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1
		RETURNING CAST(value AS INTEGER)`).Scan(&version); err != nil {
		return 0, fmt.Errorf("bump version: %w", err)
	}
	return version, nil
}

type applier struct {
	tx     *sql.Tx
	now    int64
	search *searchIndexer
}

func (a applier) site(ctx context.Context, s content.Site) error {
	_, err := a.tx.ExecContext(ctx, `
		INSERT INTO site (id, title, tagline, description, base_url, language, timezone)
		VALUES (1, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET title = excluded.title, tagline = excluded.tagline,
			description = excluded.description, base_url = excluded.base_url,
			language = excluded.language, timezone = excluded.timezone`,
		s.Title, s.Tagline, s.Description, s.BaseURL, s.Language, s.TimeZone)
	if err != nil {
		return fmt.Errorf("save site settings: %w", err)
	}
	return nil
}

func (a applier) category(ctx context.Context, c content.Category) error {
	renamed, err := a.search.renamed(ctx, c.Slug, c.Title)
	if err != nil {
		return err
	}
	_, err = a.tx.ExecContext(ctx, `
		INSERT INTO categories (`+categoryColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (slug) DO UPDATE SET title = excluded.title, description = excluded.description,
			weight = excluded.weight, intro_html = excluded.intro_html, path = excluded.path, hash = excluded.hash`,
		c.Slug, c.Title, c.Description, c.Weight, c.IntroHTML, c.Path, c.Hash)
	if err != nil {
		return fmt.Errorf("save category %s: %w", c.Slug, err)
	}
	if _, err := a.tx.ExecContext(ctx, `DELETE FROM category_aliases WHERE category = ?`, c.Slug); err != nil {
		return fmt.Errorf("save aliases of category %s: %w", c.Slug, err)
	}
	for _, alias := range c.Aliases {
		if _, err := a.tx.ExecContext(ctx, `
			INSERT INTO category_aliases (path, category) VALUES (?, ?)
			ON CONFLICT (path) DO UPDATE SET category = excluded.category`, alias, c.Slug); err != nil {
			return fmt.Errorf("save aliases of category %s: %w", c.Slug, err)
		}
	}
	if renamed {
		return a.search.indexWhere(ctx, `a.category = ?`, c.Slug)
	}
	return nil
}

// deleteArticle removes the article of file p; its URL and former URLs
// answer 410 Gone from then on.
func (a applier) deleteArticle(ctx context.Context, p string) error {
	var id int64
	var category, slug string
	err := a.tx.QueryRowContext(ctx, `SELECT id, category, slug FROM articles WHERE path = ?`, p).Scan(&id, &category, &slug)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("find article %s: %w", p, err)
	}
	_, err = a.tx.ExecContext(ctx, `
		INSERT INTO gone (path, gone_at)
		SELECT ?, ? UNION ALL
		SELECT path, ? FROM article_aliases WHERE article_id = ? UNION ALL
		SELECT path, ? FROM redirects WHERE article_id = ?
		ON CONFLICT (path) DO UPDATE SET gone_at = excluded.gone_at`,
		content.ArticlePath(category, slug), a.now, a.now, id, a.now, id)
	if err != nil {
		return fmt.Errorf("remember deleted article %s: %w", p, err)
	}
	if _, err := a.tx.ExecContext(ctx, `DELETE FROM articles WHERE id = ?`, id); err != nil {
		return fmt.Errorf("delete article %s: %w", p, err)
	}
	return a.search.unindex(ctx, id)
}

func (a applier) articles(ctx, done context.Context, list []content.Article) (err error) {
	if len(list) == 0 {
		return nil
	}
	fill, err := a.firstFill(ctx)
	if err != nil {
		return err
	}
	if fill.noArticles {
		// No article, so no row of the search index either.
		a.search.empty = true
		defer func() { a.search.empty = false }()
		// Built again once the rows are in: one sort per index rather than
		// a walk down each of them per row, which at 100,000 articles
		// outgrows the page cache and writes the same pages again and
		// again. The statements below only use the tables' own keys.
		var indexes []string
		if indexes, err = a.dropIndexes(ctx, fillTables); err != nil {
			return err
		}
		defer func() { // err is the result: a failed build fails the change
			if err == nil {
				err = a.createIndexes(ctx, indexes)
			}
		}()
	}
	// Articles that move get a provisional slug first, so that two articles
	// swapping URLs in one change never collide on the way.
	moves := map[string]string{} // path → former URL
	stored := map[string]bool{}  // paths saved before: they may have an index row
	for _, art := range list {
		if fill.noArticles {
			break // none is stored
		}
		var category, slug string
		err := a.tx.QueryRowContext(ctx, `SELECT category, slug FROM articles WHERE path = ?`, art.Path).Scan(&category, &slug)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		stored[art.Path] = true
		if err != nil {
			return fmt.Errorf("find article %s: %w", art.Path, err)
		}
		if category != art.Category || slug != art.Slug {
			moves[art.Path] = content.ArticlePath(category, slug)
			if _, err := a.tx.ExecContext(ctx, `UPDATE articles SET slug = slug || '#' || id WHERE path = ?`, art.Path); err != nil {
				return fmt.Errorf("move article %s: %w", art.Path, err)
			}
		}
	}
	const insertArticle = `
		INSERT INTO articles (path, hash, category, slug, title, summary, image, image_alt,
			published_at, updated_at, expires_at, draft, body_html, body_text, first_para, words, headings, description,
			image_caption, image_credit, image_focus, image_width, image_height)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	// A first fill inserts: an upsert, or any statement with RETURNING,
	// makes SQLite open a statement savepoint, at which FTS5 writes out
	// the index rows it holds in memory as a segment of their own (see
	// writeRows). The alias upserts alone, one per article that has
	// aliases, took 19.8 s of a 100,000-article cold start's profile; the
	// index now writes a segment when its memory is full.
	save, err := a.tx.PrepareContext(ctx, insertArticle)
	if err != nil {
		return fmt.Errorf("prepare article insert: %w", err)
	}
	defer save.Close()
	upsert, err := a.tx.PrepareContext(ctx, insertArticle+`
		ON CONFLICT (path) DO UPDATE SET hash = excluded.hash, category = excluded.category,
			slug = excluded.slug, title = excluded.title, summary = excluded.summary,
			image = excluded.image, image_alt = excluded.image_alt,
			published_at = excluded.published_at, updated_at = excluded.updated_at,
			expires_at = excluded.expires_at, draft = excluded.draft, body_html = excluded.body_html,
			body_text = excluded.body_text, first_para = excluded.first_para, words = excluded.words,
			headings = excluded.headings, description = excluded.description,
			image_caption = excluded.image_caption, image_credit = excluded.image_credit,
			image_focus = excluded.image_focus, image_width = excluded.image_width, image_height = excluded.image_height
		RETURNING id`)
	if err != nil {
		return fmt.Errorf("prepare article upsert: %w", err)
	}
	defer upsert.Close()
	clearTags, err := a.tx.PrepareContext(ctx, `DELETE FROM article_tags WHERE article_id = ?`)
	if err != nil {
		return fmt.Errorf("prepare: %w", err)
	}
	defer clearTags.Close()
	addTag, err := a.tx.PrepareContext(ctx, `INSERT INTO article_tags (article_id, tag, label, position) VALUES (?, ?, ?, ?)`)
	if err != nil {
		return fmt.Errorf("prepare: %w", err)
	}
	defer addTag.Close()
	clearSources, err := a.tx.PrepareContext(ctx, `DELETE FROM article_sources WHERE article_id = ?`)
	if err != nil {
		return fmt.Errorf("prepare: %w", err)
	}
	defer clearSources.Close()
	addSource, err := a.tx.PrepareContext(ctx, `INSERT INTO article_sources (article_id, position, title, url) VALUES (?, ?, ?, ?)`)
	if err != nil {
		return fmt.Errorf("prepare: %w", err)
	}
	defer addSource.Close()
	clearAuthors, err := a.tx.PrepareContext(ctx, `DELETE FROM article_authors WHERE article_id = ?`)
	if err != nil {
		return fmt.Errorf("prepare: %w", err)
	}
	defer clearAuthors.Close()
	addAuthor, err := a.tx.PrepareContext(ctx, `INSERT INTO article_authors (article_id, author, name, position) VALUES (?, ?, ?, ?)`)
	if err != nil {
		return fmt.Errorf("prepare: %w", err)
	}
	defer addAuthor.Close()
	clearImages, err := a.tx.PrepareContext(ctx, `DELETE FROM article_images WHERE article_id = ?`)
	if err != nil {
		return fmt.Errorf("prepare: %w", err)
	}
	defer clearImages.Close()
	addImage, err := a.tx.PrepareContext(ctx, `INSERT OR IGNORE INTO article_images (article_id, path) VALUES (?, ?)`)
	if err != nil {
		return fmt.Errorf("prepare: %w", err)
	}
	defer addImage.Close()
	clearLinks, err := a.tx.PrepareContext(ctx, `DELETE FROM article_links WHERE article_id = ?`)
	if err != nil {
		return fmt.Errorf("prepare: %w", err)
	}
	defer clearLinks.Close()
	addLink, err := a.tx.PrepareContext(ctx, `INSERT INTO article_links (article_id, position, target, line, later) VALUES (?, ?, ?, ?, ?)`)
	if err != nil {
		return fmt.Errorf("prepare: %w", err)
	}
	defer addLink.Close()
	clearAliases, err := a.tx.PrepareContext(ctx, `DELETE FROM article_aliases WHERE article_id = ?`)
	if err != nil {
		return fmt.Errorf("prepare: %w", err)
	}
	defer clearAliases.Close()
	aliasQuery := `
		INSERT INTO article_aliases (path, article_id) VALUES (?, ?)
		ON CONFLICT (path) DO UPDATE SET article_id = excluded.article_id`
	if fill.noArticles {
		// Not an upsert (see save): no alias is stored, and content.Validate
		// gives each alias to one article at most.
		aliasQuery = `INSERT OR IGNORE INTO article_aliases (path, article_id) VALUES (?, ?)`
	}
	addAlias, err := a.tx.PrepareContext(ctx, aliasQuery)
	if err != nil {
		return fmt.Errorf("prepare: %w", err)
	}
	defer addAlias.Close()
	// A live URL or alias is nobody's former URL any more.
	forget, err := a.tx.PrepareContext(ctx, `
		DELETE FROM gone WHERE path = ?1;
		DELETE FROM redirects WHERE path = ?1;`)
	if err != nil {
		return fmt.Errorf("prepare: %w", err)
	}
	defer forget.Close()
	// The index takes the values being saved, not the rows read back:
	// their text is analysed on other cores while this goroutine writes.
	titles, err := a.search.categoryTitles(ctx)
	if err != nil {
		return err
	}
	docs := make([]indexed, len(list))
	for i, art := range list {
		docs[i] = article(art, titles[art.Category])
	}
	analysis := analyzeAhead(docs)
	defer analysis.close()
	var pending []indexRow // written a batch at a time (see writeRows)

	for i, art := range list {
		if err := done.Err(); err != nil {
			return err
		}
		headings, err := json.Marshal(art.Headings)
		if err != nil {
			return fmt.Errorf("encode headings of %s: %w", art.Path, err)
		}
		if art.Headings == nil {
			headings = []byte("[]")
		}
		values := []any{art.Path, art.Hash, art.Category, art.Slug, art.Title, art.Summary,
			art.Image, art.ImageAlt, art.Date.Unix(), toNull(art.Updated), toNull(art.Expires),
			art.Draft, art.BodyHTML, art.BodyText, art.FirstParagraph, art.Words, string(headings), art.MetaDescription,
			art.ImageCaption, art.ImageCredit, art.ImageFocus, art.ImageWidth, art.ImageHeight}
		var id int64
		if fill.noArticles {
			var res sql.Result
			if res, err = save.ExecContext(ctx, values...); err == nil {
				id, err = res.LastInsertId()
			}
		} else {
			err = upsert.QueryRowContext(ctx, values...).Scan(&id)
		}
		if err != nil {
			return fmt.Errorf("save article %s: %w", art.Path, err)
		}
		// A new version replaces every list of the stored one. A new
		// article has none: a first start, which saves thousands, would
		// run six statements each for nothing.
		if stored[art.Path] {
			for _, clear := range []struct {
				stmt *sql.Stmt
				what string
			}{{clearAuthors, "authors"}, {clearTags, "tags"}, {clearImages, "images"}, {clearSources, "sources"}, {clearLinks, "links"}, {clearAliases, "aliases"}} {
				if _, err := clear.stmt.ExecContext(ctx, id); err != nil {
					return fmt.Errorf("save %s of %s: %w", clear.what, art.Path, err)
				}
			}
		}
		for i, name := range art.Authors {
			if _, err := addAuthor.ExecContext(ctx, id, content.AuthorSlug(name), name, i); err != nil {
				return fmt.Errorf("save authors of %s: %w", art.Path, err)
			}
		}
		for _, img := range art.Images {
			if _, err := addImage.ExecContext(ctx, id, img); err != nil {
				return fmt.Errorf("save images of %s: %w", art.Path, err)
			}
		}
		for i, t := range art.Tags {
			if _, err := addTag.ExecContext(ctx, id, t.Slug, t.Label, i); err != nil {
				return fmt.Errorf("save tags of %s: %w", art.Path, err)
			}
		}
		for i, src := range art.Sources {
			if _, err := addSource.ExecContext(ctx, id, i, src.Title, src.URL); err != nil {
				return fmt.Errorf("save sources of %s: %w", art.Path, err)
			}
		}
		for i, l := range art.Links {
			if _, err := addLink.ExecContext(ctx, id, i, l.Target, l.Line, l.Later); err != nil {
				return fmt.Errorf("save links of %s: %w", art.Path, err)
			}
		}
		for _, alias := range art.Aliases {
			if _, err := addAlias.ExecContext(ctx, alias, id); err != nil {
				return fmt.Errorf("save aliases of %s: %w", art.Path, err)
			}
		}
		for _, p := range append([]string{art.URLPath()}, art.Aliases...) {
			if fill.noFormerURLs {
				break // nobody has one (see firstFill)
			}
			if _, err := forget.ExecContext(ctx, p); err != nil {
				return fmt.Errorf("forget former URL %s: %w", p, err)
			}
		}
		row := analysis.row(i)
		row.id = id
		if stored[art.Path] && !a.search.empty {
			if err := a.search.unindex(ctx, id); err != nil {
				return err
			}
		}
		if pending = append(pending, row); len(pending) == writeBatch {
			if err := a.search.writeRows(ctx, pending); err != nil {
				return err
			}
			pending = pending[:0]
		}
		if old, moved := moves[art.Path]; moved {
			_, err := a.tx.ExecContext(ctx, `
				INSERT INTO redirects (path, article_id) VALUES (?, ?)
				ON CONFLICT (path) DO UPDATE SET article_id = excluded.article_id`, old, id)
			if err != nil {
				return fmt.Errorf("remember former URL of %s: %w", art.Path, err)
			}
		}
	}
	return a.search.writeRows(ctx, pending)
}

// fillMode says what a change saving articles need not do: when no article
// is stored (a first start, or a rebuilt database), none is looked up and
// the indexes are built once the rows are in; when, besides, no former
// URL is remembered, no saved URL can be one. A saved article gets a
// former URL only by moving, which a stored article alone can do.
type fillMode struct {
	noArticles   bool // no article is stored, nor any row of the search index
	noFormerURLs bool // and no former URL either
}

func (a applier) firstFill(ctx context.Context) (fillMode, error) {
	var f fillMode
	err := a.tx.QueryRowContext(ctx, `
		WITH empty (store) AS (
			SELECT NOT EXISTS (SELECT 1 FROM articles) AND NOT EXISTS (SELECT 1 FROM article_search_visibility))
		SELECT store, store AND NOT EXISTS (SELECT 1 FROM gone) AND NOT EXISTS (SELECT 1 FROM redirects) FROM empty`).
		Scan(&f.noArticles, &f.noFormerURLs)
	if err != nil {
		return fillMode{}, fmt.Errorf("count stored articles: %w", err)
	}
	return f, nil
}

// fillTables are the tables that saving articles writes rows to, whose
// indexes a first fill builds at the end.
var fillTables = []string{"articles", "article_tags", "article_authors", "article_aliases", "article_sources", "article_links", "article_images"}

// dropIndexes drops the indexes of tables that are not part of a table's
// definition (its primary key and UNIQUE constraints stay), and returns
// the statements that create them again. They are read from the schema,
// which the migrations alone define.
func (a applier) dropIndexes(ctx context.Context, tables []string) ([]string, error) {
	list, err := json.Marshal(tables)
	if err != nil {
		return nil, err
	}
	rows, err := a.tx.QueryContext(ctx, `
		SELECT name, sql FROM sqlite_schema
		WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (SELECT value FROM json_each(?))
		ORDER BY name`, string(list))
	if err != nil {
		return nil, fmt.Errorf("read indexes: %w", err)
	}
	var names, create []string
	for rows.Next() {
		var name, stmt string
		if err := rows.Scan(&name, &stmt); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read indexes: %w", err)
		}
		names, create = append(names, name), append(create, stmt)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, fmt.Errorf("read indexes: %w", err)
	}
	for _, name := range names {
		if _, err := a.tx.ExecContext(ctx, `DROP INDEX "`+name+`"`); err != nil {
			return nil, fmt.Errorf("drop index %s: %w", name, err)
		}
	}
	return create, nil
}

func (a applier) createIndexes(ctx context.Context, create []string) error {
	for _, stmt := range create {
		if _, err := a.tx.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("build index (%s): %w", stmt, err)
		}
	}
	return nil
}

// keptMove is a stored article moving to a new URL without a new version.
type keptMove struct {
	Rename
	id                   int64
	oldCategory, oldSlug string
}

// startKeptMove gives the article of r a provisional slug, so that the URL
// it leaves can go to another article of the same change and the one it
// takes can be left by one (as articles does for the articles it saves).
func (a applier) startKeptMove(ctx context.Context, r Rename) (keptMove, error) {
	m := keptMove{Rename: r}
	err := a.tx.QueryRowContext(ctx, `SELECT id, category, slug FROM articles WHERE path = ?`, r.To).Scan(&m.id, &m.oldCategory, &m.oldSlug)
	if err != nil {
		return m, fmt.Errorf("find renamed article %s: %w", r.To, err)
	}
	if _, err := a.tx.ExecContext(ctx, `UPDATE articles SET slug = slug || '#' || id WHERE id = ?`, m.id); err != nil {
		return m, fmt.Errorf("move article %s: %w", r.To, err)
	}
	return m, nil
}

// finishKeptMove puts the article of m at its new URL and remembers the
// former one as a redirect.
func (a applier) finishKeptMove(ctx context.Context, m keptMove) error {
	if _, err := a.tx.ExecContext(ctx, `UPDATE articles SET category = ?, slug = ? WHERE id = ?`, m.Category, m.Slug, m.id); err != nil {
		return fmt.Errorf("move article %s: %w", m.To, err)
	}
	newURL := content.ArticlePath(m.Category, m.Slug)
	if _, err := a.tx.ExecContext(ctx, `
		DELETE FROM gone WHERE path = ?1;
		DELETE FROM redirects WHERE path = ?1;`, newURL); err != nil {
		return fmt.Errorf("forget former URL %s: %w", newURL, err)
	}
	if oldURL := content.ArticlePath(m.oldCategory, m.oldSlug); newURL != oldURL {
		// Unless another article of the change now lives there.
		if _, err := a.tx.ExecContext(ctx, `
			INSERT INTO redirects (path, article_id)
			SELECT ?, ? WHERE NOT EXISTS (SELECT 1 FROM articles WHERE category = ? AND slug = ?)
			ON CONFLICT (path) DO UPDATE SET article_id = excluded.article_id`, oldURL, m.id, m.oldCategory, m.oldSlug); err != nil {
			return fmt.Errorf("remember former URL of %s: %w", m.To, err)
		}
	}
	// Its rubrique's title is part of its search row.
	return a.search.index(ctx, m.id)
}

func (a applier) files(ctx context.Context, files []FileRecord, deleted []string) error {
	for _, f := range files {
		problems, err := json.Marshal(f.Problems)
		if err != nil {
			return fmt.Errorf("encode problems of %s: %w", f.Path, err)
		}
		if f.Problems == nil {
			problems = []byte("[]")
		}
		_, err = a.tx.ExecContext(ctx, `
			INSERT INTO files (path, hash, size, mtime_ns, problems) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (path) DO UPDATE SET hash = excluded.hash, size = excluded.size,
				mtime_ns = excluded.mtime_ns, problems = excluded.problems`,
			f.Path, f.Hash, f.Size, f.ModTime, string(problems))
		if err != nil {
			return fmt.Errorf("save file %s: %w", f.Path, err)
		}
	}
	for _, p := range deleted {
		if _, err := a.tx.ExecContext(ctx, `DELETE FROM files WHERE path = ?`, p); err != nil {
			return fmt.Errorf("forget file %s: %w", p, err)
		}
	}
	return nil
}
