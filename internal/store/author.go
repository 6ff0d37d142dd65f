package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/horizons-expat/site/internal/content"
)

// withTagsAndAuthors fills the tags and authors of list, in two queries
// however many articles it holds.
func (s *Store) withTagsAndAuthors(ctx context.Context, list []Article) error {
	ids := make([]int64, len(list))
	for i, a := range list {
		ids[i] = a.ID
	}
	tags, err := s.articleTags(ctx, ids...)
	if err != nil {
		return err
	}
	authors, err := s.articleAuthors(ctx, ids...)
	if err != nil {
		return err
	}
	for i := range list {
		list[i].Tags = tags[list[i].ID]
		list[i].Authors = authors[list[i].ID]
	}
	return nil
}

// articleAuthors returns the names of the authors of the articles ids, each
// in its article's order.
func (s *Store) articleAuthors(ctx context.Context, ids ...int64) (map[int64][]string, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := s.r.QueryContext(ctx, `
		SELECT article_id, name FROM article_authors
		WHERE article_id IN (`+placeholders(len(ids))+`)
		ORDER BY article_id, position`, args...)
	if err != nil {
		return nil, fmt.Errorf("article authors: %w", err)
	}
	defer rows.Close()
	out := make(map[int64][]string, len(ids))
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, fmt.Errorf("article authors: %w", err)
		}
		out[id] = append(out[id], name)
	}
	return out, rows.Err()
}

// Author returns what the site knows of the author with slug: their file
// when there is one, and else the name the newest of their visible
// articles gives. An author without file nor visible article is not found.
func (s *Store) Author(ctx context.Context, v View, slug string) (content.Author, error) {
	au, err := s.AuthorFile(ctx, slug)
	if !errors.Is(err, ErrNotFound) {
		return au, err
	}
	// Every article of the author is a candidate: the query reads them
	// all, which an article page, whose own spelling of the name wins,
	// does not need (it asks AuthorFile).
	err = s.r.QueryRowContext(ctx, `
		SELECT t.name FROM article_authors t JOIN articles a ON a.id = t.article_id
		WHERE t.author = :author AND `+visible+` ORDER BY a.published_at DESC, a.id DESC LIMIT 1`,
		v.args(sql.Named("author", slug))...).Scan(&au.Name)
	if errors.Is(err, sql.ErrNoRows) {
		return au, fmt.Errorf("author %s: %w", slug, ErrNotFound)
	}
	if err != nil {
		return au, fmt.Errorf("author %s: %w", slug, err)
	}
	au.Slug = slug
	au.Organization = slug == content.EditorialTeam
	return au, nil
}

// AuthorFile returns the author described by the file of slug under
// auteurs/, or ErrNotFound.
func (s *Store) AuthorFile(ctx context.Context, slug string) (content.Author, error) {
	var au content.Author
	err := s.r.QueryRowContext(ctx, `
		SELECT slug, name, role, bio_html, photo, organization, path, hash FROM authors WHERE slug = ?`, slug).
		Scan(&au.Slug, &au.Name, &au.Role, &au.BioHTML, &au.Photo, &au.Organization, &au.Path, &au.Hash)
	if errors.Is(err, sql.ErrNoRows) {
		return content.Author{}, fmt.Errorf("author %s: %w", slug, ErrNotFound)
	}
	if err != nil {
		return content.Author{}, fmt.Errorf("author %s: %w", slug, err)
	}
	return au, nil
}

// Authors returns the authors that have a file, whatever their articles:
// their pages describe them even before they publish.
func (s *Store) Authors(ctx context.Context) ([]content.Author, error) {
	rows, err := s.r.QueryContext(ctx, `
		SELECT slug, name, role, bio_html, photo, organization, path, hash FROM authors ORDER BY slug`)
	if err != nil {
		return nil, fmt.Errorf("list authors: %w", err)
	}
	defer rows.Close()
	var out []content.Author
	for rows.Next() {
		var au content.Author
		if err := rows.Scan(&au.Slug, &au.Name, &au.Role, &au.BioHTML, &au.Photo, &au.Organization, &au.Path, &au.Hash); err != nil {
			return nil, fmt.Errorf("scan author: %w", err)
		}
		out = append(out, au)
	}
	return out, rows.Err()
}

// ByAuthor returns a page of the visible articles of an author, newest
// first, and how many there are in all.
func (s *Store) ByAuthor(ctx context.Context, v View, author string, limit, offset int) ([]Article, int, error) {
	var total int
	err := s.r.QueryRowContext(ctx, `
		SELECT count(*) FROM article_authors t JOIN articles a ON a.id = t.article_id
		WHERE t.author = :author AND `+visible,
		v.args(sql.Named("author", author))...).Scan(&total)
	if err != nil {
		return nil, 0, fmt.Errorf("count articles by %s: %w", author, err)
	}
	list, err := s.cards(ctx, `
		SELECT `+cardColumns+`
		FROM article_authors t JOIN articles a ON a.id = t.article_id JOIN categories c ON c.slug = a.category
		WHERE t.author = :author AND `+visible+`
		ORDER BY a.published_at DESC, a.id DESC
		LIMIT :limit OFFSET :offset`,
		v.args(sql.Named("author", author), sql.Named("limit", limit), sql.Named("offset", offset))...)
	return list, total, err
}

func (a applier) author(ctx context.Context, au content.Author) error {
	_, err := a.tx.ExecContext(ctx, `
		INSERT INTO authors (slug, name, role, bio_html, photo, organization, path, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (slug) DO UPDATE SET name = excluded.name, role = excluded.role, bio_html = excluded.bio_html,
			photo = excluded.photo, organization = excluded.organization, path = excluded.path, hash = excluded.hash`,
		au.Slug, au.Name, au.Role, au.BioHTML, au.Photo, au.Organization, au.Path, au.Hash)
	if err != nil {
		return fmt.Errorf("save author %s: %w", au.Slug, err)
	}
	if _, err := a.tx.ExecContext(ctx, `DELETE FROM author_aliases WHERE author = ?`, au.Slug); err != nil {
		return fmt.Errorf("save aliases of author %s: %w", au.Slug, err)
	}
	for _, alias := range au.Aliases {
		if _, err := a.tx.ExecContext(ctx, `
			INSERT INTO author_aliases (path, author) VALUES (?, ?)
			ON CONFLICT (path) DO UPDATE SET author = excluded.author`, alias, au.Slug); err != nil {
			return fmt.Errorf("save aliases of author %s: %w", au.Slug, err)
		}
	}
	return nil
}

func (a applier) deleteAuthor(ctx context.Context, slug string) error {
	if _, err := a.tx.ExecContext(ctx, `DELETE FROM authors WHERE slug = ?`, slug); err != nil {
		return fmt.Errorf("delete author %s: %w", slug, err)
	}
	return nil
}

// AuthorsActivity returns every author of visible articles with their
// number of articles and the last time one of them changed, in slug order.
func (s *Store) AuthorsActivity(ctx context.Context, v View) ([]TagActivity, error) {
	return s.activity(ctx, v, "article_authors", "author")
}
