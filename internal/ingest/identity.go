package ingest

import (
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/horizons-expat/site/internal/content"
	"github.com/horizons-expat/site/internal/store"
)

// fileID is a file's identity on its file system.
type fileID struct{ dev, ino uint64 }

// stamp is a file as seen at one instant: its identity, size and
// modification time. A rename keeps all three; a deleted file whose inode
// the file system hands to a new file shares only the identity, so a
// stamp equal to a vanished file's last one is that file under a new name.
type stamp struct {
	id      fileID
	size    int64
	modTime int64 // Unix nanoseconds, as in store.FileRecord
}

func stampOf(info fs.FileInfo) (stamp, bool) {
	id, ok := fileIDOf(info)
	return stamp{id: id, size: info.Size(), modTime: info.ModTime().UnixNano()}, ok
}

// maxNoticed bounds what Noticed keeps of one path between two passes.
const maxNoticed = 4

// hints are what the watcher saw of files between two passes.
type hints struct {
	stamps map[string][]stamp // by Noticed
	away   map[string]bool    // by MovedAway
}

// Noticed records what the file at name (slash-separated, relative to the
// content folder) is at this instant. The watcher calls it for each file
// that appears under a name, so that a file renamed then saved anew (an
// editor's atomic save gives the name a new file) before the next pass is
// still known as the renamed file, whose last good version follows it.
// Safe to call during a pass: what it records serves the next one.
func (s *Syncer) Noticed(name string, info fs.FileInfo) {
	if content.Classify(name) != content.KindArticle {
		return
	}
	st, ok := stampOf(info)
	if !ok {
		return
	}
	s.hintsMu.Lock()
	defer s.hintsMu.Unlock()
	if s.hints.stamps == nil {
		s.hints.stamps = map[string][]stamp{}
	}
	if l := s.hints.stamps[name]; len(l) < maxNoticed {
		s.hints.stamps[name] = append(l, st)
	}
}

// MovedAway records that the file at name was renamed, not deleted: a new
// file of the next pass with its identity is that file, whatever it now
// holds. (Without this, a file system that hands a deleted file's inode to
// a new file would make a new file look like a deleted one.)
func (s *Syncer) MovedAway(name string) {
	if content.Classify(name) != content.KindArticle {
		return
	}
	s.hintsMu.Lock()
	defer s.hintsMu.Unlock()
	if s.hints.away == nil {
		s.hints.away = map[string]bool{}
	}
	s.hints.away[name] = true
}

// takeHints returns what the watcher saw since the last call.
func (s *Syncer) takeHints() hints {
	s.hintsMu.Lock()
	defer s.hintsMu.Unlock()
	h := s.hints
	s.hints = hints{}
	return h
}

// restoreHints gives back to the next pass what a failed pass took.
func (s *Syncer) restoreHints(taken hints) {
	s.hintsMu.Lock()
	defer s.hintsMu.Unlock()
	for name, stamps := range taken.stamps {
		if s.hints.stamps == nil {
			s.hints.stamps = map[string][]stamp{}
		}
		l := append(stamps, s.hints.stamps[name]...)
		s.hints.stamps[name] = l[:min(len(l), maxNoticed)]
	}
	for name := range taken.away {
		if s.hints.away == nil {
			s.hints.away = map[string]bool{}
		}
		s.hints.away[name] = true
	}
}

// renamedFiles pairs the stored articles whose files vanished in this pass
// with the new files that are them under another name. A new file is a
// vanished one when its stamp, now or when the watcher noticed it, is the
// vanished file's last (a rename keeps identity, size and time), or when
// it has the identity of the vanished file and was written to since (see
// writtenSince). It returns new path → former path.
func (s *Syncer) renamedFiles(seen map[string]seenFile, deleted []string, h hints) map[string]string {
	byStamp := map[stamp]string{}
	byID := map[fileID]string{}
	for _, name := range deleted {
		id, ok := s.ids[name]
		if _, stored := s.entries[name]; !ok || !stored {
			continue
		}
		rec := s.files[name]
		byStamp[stamp{id: id, size: rec.Size, modTime: rec.ModTime}] = name
		byID[id] = name
	}
	if len(byStamp) == 0 {
		return nil
	}
	// New article files, in order, so that two copies of one vanished
	// file (hard links) always pair the same way.
	var fresh []string
	for name, f := range seen {
		if _, known := s.files[name]; !known && f.kind == content.KindArticle && f.info != nil {
			fresh = append(fresh, name)
		}
	}
	sort.Strings(fresh)
	moved := map[string]string{}
	taken := map[string]bool{}
	for _, name := range fresh {
		now, ok := stampOf(seen[name].info)
		stamps := h.stamps[name]
		if ok {
			stamps = append(stamps, now)
		}
		for _, st := range stamps {
			if from, ok := byStamp[st]; ok && !taken[from] {
				moved[name], taken[from] = from, true
				break
			}
		}
		if _, done := moved[name]; done || !ok {
			continue
		}
		if from, ok := byID[now.id]; ok && !taken[from] && s.writtenSince(name, from, now.id, h) {
			moved[name], taken[from] = from, true
		}
	}
	return moved
}

// writtenSince reports whether the new file name, which has the identity id
// of the vanished file from but not its last stamp, is that file renamed and
// written to since, rather than a new file that the file system gave the
// deleted file's inode. The file's birth settles it: the last pass saw from
// holding the inode, so a file born no later than that pass's walk began is
// from itself, and a recycled inode is born after. (A file created during
// that walk and then renamed is taken for a new one: the safe side.) Only
// without a birth time does the watcher's rename event of from decide,
// though a file renamed then deleted before the pass leaves the same event
// (the soak test caught an article's last good version served under the
// name of another article's new file so).
func (s *Syncer) writtenSince(name, from string, id fileID, h hints) bool {
	if ino, born, ok := birth(s.fsys, name); ok {
		// Another inode: replaced since the walk, by a save of its own.
		return ino == id.ino && !born.After(s.lastScan)
	}
	return h.away[from]
}

// movedEntry is the stored article e of file from, moved to file to as it
// was: its URL follows the new folder and file name, unless its front
// matter names its slug.
func movedEntry(e content.Entry, from, to string) (content.Entry, bool) {
	slug := e.Slug
	if slug == content.Slugify(strings.TrimSuffix(path.Base(from), ".md")) {
		slug = content.Slugify(strings.TrimSuffix(path.Base(to), ".md"))
	}
	if slug == "" {
		return content.Entry{}, false
	}
	return content.Entry{Path: to, Category: path.Dir(to), Slug: slug, Aliases: e.Aliases}, true
}

// keptRename moves the stored version of an article to its new file.
func keptRename(from string, e content.Entry) store.Rename {
	return store.Rename{From: from, To: e.Path, Category: e.Category, Slug: e.Slug}
}
