package images

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// The source index spares a restart reading and hashing every image in
// use: for each source it keeps what reading it taught (hash, measure, or
// the problem) under the file's size, time and inode. It lives in the
// cache folder and is derived like the variants: a missing or unreadable
// index only means that the sources are read again.

// indexFile is the index's name in the cache folder: at its top, where
// garbage collection, which walks the subfolders, never looks.
const indexFile = "sources.json"

// indexVersion names what Probe measures: a change to Info or to the
// checks must make every entry stale, or a restart would keep old verdicts.
const indexVersion = "2"

type indexEntry struct {
	Size    int64  `json:"size"`
	ModTime int64  `json:"mtime"` // Unix nanoseconds
	Inode   uint64 `json:"inode,omitempty"`
	Hash    string `json:"hash,omitempty"`
	Info    Info   `json:"info"`
	ErrKind Kind   `json:"err_kind,omitempty"`
	ErrMsg  string `json:"err,omitempty"`
}

type indexData struct {
	Version string                `json:"version"`
	Sources map[string]indexEntry `json:"sources"`
}

// matches reports whether st is still the file the entry was read from.
func (e indexEntry) matches(st fs.FileInfo) bool {
	return e.Size == st.Size() && e.ModTime == st.ModTime().UnixNano() && e.Inode == inode(st)
}

func (e indexEntry) source(p string) (Source, error) {
	src := Source{Path: p, Hash: e.Hash, Size: e.Size, ModTime: time.Unix(0, e.ModTime), Info: e.Info}
	if e.ErrMsg != "" {
		return src, &Error{Kind: e.ErrKind, Msg: e.ErrMsg}
	}
	return src, nil
}

// newIndexEntry records what reading the file st taught; false when it
// taught nothing to keep.
func newIndexEntry(st fs.FileInfo, src Source, err error) (indexEntry, bool) {
	e := indexEntry{Size: st.Size(), ModTime: st.ModTime().UnixNano(), Inode: inode(st), Hash: src.Hash, Info: src.Info}
	if err != nil {
		var ie *Error
		if !errors.As(err, &ie) {
			return indexEntry{}, false
		}
		e.ErrKind, e.ErrMsg = ie.Kind, ie.Msg
	}
	return e, true
}

// loadIndex reads the index of the cache folder dir; empty when there is
// none, or one of another version.
func loadIndex(dir string) map[string]indexEntry {
	b, err := os.ReadFile(filepath.Join(dir, indexFile))
	if err != nil {
		return map[string]indexEntry{}
	}
	var d indexData
	if json.Unmarshal(b, &d) != nil || d.Version != indexVersion || d.Sources == nil {
		return map[string]indexEntry{}
	}
	return d.Sources
}

// saveIndex writes the entries of the paths in use or checked, when the
// index changed since it was read or written; l.mu is held.
func (l *Library) saveIndex() {
	for p := range l.known {
		if _, used := l.sources[p]; !used && !l.checked[p] {
			delete(l.known, p)
			l.knownDirty = true
		}
	}
	if !l.knownDirty {
		return
	}
	b, err := json.Marshal(indexData{Version: indexVersion, Sources: l.known})
	if err == nil {
		err = writeFile(filepath.Join(l.dir, indexFile), b)
	}
	if err != nil {
		// The index only saves work: the next start reads the sources.
		l.log.Warn("image source index not written", "err", err)
		return
	}
	l.knownDirty = false
}

// stat reads the source at p through the index: the file is opened only
// when its size, time or inode changed since it was last read.
func (l *Library) stat(fsys fs.FS, p string) (Source, error) {
	st, err := fs.Stat(fsys, p)
	if err != nil {
		return Source{Path: p}, errorf(KindUnreadable, "image introuvable")
	}
	l.mu.Lock()
	e, ok := l.known[p]
	l.mu.Unlock()
	if ok && e.matches(st) {
		return e.source(p)
	}
	l.reads.Add(1)
	b, err := readBounded(fsys, p)
	if err != nil {
		// Missing, unreadable or too heavy: the stat-only answers are
		// cheap to find again, and a failed read is no verdict on bytes.
		return Source{Path: p}, err
	}
	info, err := Probe(p, b)
	src := Source{Path: p, Hash: hashHex(b), Size: int64(len(b)), ModTime: st.ModTime(), Info: info}
	if e, keep := newIndexEntry(st, src, err); keep {
		l.mu.Lock()
		l.known[p] = e
		l.knownDirty = true
		l.mu.Unlock()
	}
	return src, err
}

// Reads counts the source files the library opened to read and hash them
// (the workers' reads for processing are not counted): a restart with
// unchanged files opens none.
func (l *Library) Reads() int64 { return l.reads.Load() }

// Check returns the problems of the image files at paths, which no article
// names: reported to editors, never processed. Unchanged files are not
// read again (see stat).
func (l *Library) Check(fsys fs.FS, paths []string) map[string]error {
	problems := map[string]error{}
	checked := map[string]bool{}
	for _, p := range paths {
		checked[p] = true
		if _, err := l.stat(fsys, p); err != nil {
			problems[p] = err
		}
	}
	l.mu.Lock()
	l.checked = checked
	l.saveIndex()
	l.mu.Unlock()
	return problems
}
