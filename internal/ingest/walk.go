package ingest

import (
	"errors"
	"io/fs"
	"maps"
	"time"

	"github.com/horizons-expat/site/internal/content"
	"github.com/horizons-expat/site/internal/store"
)

// maxWalks bounds the walks of one pass while files keep moving: past it,
// the pass goes on with the last walk, and the next pass, which the
// watcher's events bring, sees the rest.
const maxWalks = 4

// folderWalk is what one walk of the content folder found.
type folderWalk struct {
	began time.Time // by fileClock
	seen  map[string]seenFile
	ids   map[string]fileID // of the files seen whose identity is known
	// failed are the files (or folders) listed that could not be looked
	// at, with why.
	failed map[string]error
	// media are the image files, in path order.
	media []string
}

// settledWalk walks the content folder until two walks in a row find the
// same files under the same names. One walk is not a snapshot: a file
// renamed while the folder is listed can show under both names, under its
// old one gone by the time it is looked at, or under neither (moved from a
// folder listed after to one listed before). A pass that believed such a
// walk kept the old name's last good version online beside the new name,
// or took the rename for a deletion and an addition and lost the former
// address's redirect. Most passes, edits and additions among them, can
// trust their first walk (see trusted).
func (s *Syncer) settledWalk() (folderWalk, error) {
	w, err := s.walkFolder()
	if err != nil || w.trusted(s.files, s.ids) {
		return w, err
	}
	for range maxWalks - 1 {
		again, err := s.walkFolder()
		if err != nil {
			return folderWalk{}, err
		}
		if again.sameFiles(w) {
			return again, nil
		}
		w = again
	}
	s.log.Warn("files kept moving while the content folder was read: the next pass takes the rest", "walks", maxWalks)
	return w, nil
}

// walkFolder walks the content folder once.
func (s *Syncer) walkFolder() (folderWalk, error) {
	w := folderWalk{began: fileClock(), seen: map[string]seenFile{}, ids: map[string]fileID{}, failed: map[string]error{}}
	err := content.Walk(s.fsys, func(name string, kind content.Kind, d fs.DirEntry, err error) {
		if kind == content.KindMedia {
			w.media = append(w.media, name)
			return
		}
		var info fs.FileInfo
		if err == nil {
			info, err = d.Info()
		}
		if err != nil {
			// Seen all the same, so that its last good version stays
			// online.
			w.seen[name] = seenFile{kind: content.Classify(name)}
			w.failed[name] = err
			return
		}
		w.seen[name] = seenFile{kind: kind, info: info}
		if id, ok := fileIDOf(info); ok {
			w.ids[name] = id
		}
	})
	return w, err
}

// trusted reports whether a pass may take w for the folder as it is
// without a second look: every stored file was found, none was gone when
// looked at, and no file was found under two names but a hard link that
// the last pass found so too (known: its identities by name). A file
// under two names may be one renamed during the walk, seen before under
// its old name and after under its new one, even over another stored file.
func (w folderWalk) trusted(stored map[string]store.FileRecord, known map[string]fileID) bool {
	for name := range stored {
		if _, ok := w.seen[name]; !ok {
			return false
		}
	}
	for _, err := range w.failed {
		if errors.Is(err, fs.ErrNotExist) {
			return false
		}
	}
	first := make(map[fileID]string, len(w.ids)) // a name of each identity
	for name, id := range w.ids {
		other, twice := first[id]
		if !twice {
			first[id] = name
			continue
		}
		if known[name] != id || known[other] != id {
			return false
		}
	}
	return true
}

// sameFiles reports whether w and other found the same files under the
// same names, and failed on the same ones.
func (w folderWalk) sameFiles(other folderWalk) bool {
	if len(w.seen) != len(other.seen) || !maps.Equal(w.ids, other.ids) {
		return false
	}
	for name := range w.seen {
		if _, ok := other.seen[name]; !ok {
			return false
		}
		_, failed := w.failed[name]
		if _, otherFailed := other.failed[name]; failed != otherFailed {
			return false
		}
	}
	return true
}
