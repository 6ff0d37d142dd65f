package ingest

import (
	"context"
	"fmt"
	"io/fs"
	"os"

	"github.com/horizons-expat/site/internal/content"
	"github.com/horizons-expat/site/internal/store"
)

// Check judges the content folder fsys as a server starting on an empty
// database would, for `site check`: the same read, plan and problems as
// Sync, without a store to write. moves are the moves the server's database
// remembers, if any: their articles get an alias suggested, and links to
// their former URLs are warnings rather than broken links. It fails only
// when the folder cannot be read.
func Check(fsys fs.FS, moves []store.Move, opts ...Option) (*content.Set, error) {
	s := &Syncer{fsys: fsys, parser: parserFor(fsys, opts), state: newState()}
	var rep Report
	in, seen, err := s.read(context.Background(), hints{}, &rep)
	if err != nil {
		return nil, err
	}
	ch, cross := s.plan(in)
	s.commit(ch)
	set := &content.Set{Site: s.site, Categories: ch.Categories, Articles: ch.Articles, Authors: ch.Authors, Media: seen.media}
	content.SortCategories(set.Categories)
	set.Problems = s.problems(cross, moves, s.mediaExists)
	return set, nil
}

// CheckDir is Check of the folder dir, which symbolic links cannot leave.
func CheckDir(dir string, moves []store.Move, opts ...Option) (*content.Set, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("open content folder: %w", err)
	}
	defer root.Close()
	return Check(root.FS(), moves, opts...)
}

// mediaExists tells whether the file name of the content folder exists.
func (s *Syncer) mediaExists(name string) bool {
	_, err := fs.Stat(s.fsys, name)
	return err == nil
}
