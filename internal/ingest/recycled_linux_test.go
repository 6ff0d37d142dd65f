package ingest_test

import (
	"context"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/horizons-expat/site/internal/sitetest"
	"github.com/horizons-expat/site/internal/store"
)

// recyclingFolder shows the file at name with the identity of another,
// gone, file: the inode that a file system hands to a new file once the
// old one is deleted (ext4 does so at once; the test must not depend on it).
type recyclingFolder struct {
	fs.FS
	name string
	as   *syscall.Stat_t
}

func (r *recyclingFolder) ReadDir(dir string) ([]fs.DirEntry, error) {
	list, err := fs.ReadDir(r.FS, dir)
	for i, d := range list {
		if path.Join(dir, d.Name()) == r.name {
			list[i] = recycledEntry{d, r.as}
		}
	}
	return list, err
}

type recycledEntry struct {
	fs.DirEntry
	as *syscall.Stat_t
}

func (e recycledEntry) Info() (fs.FileInfo, error) {
	info, err := e.DirEntry.Info()
	if err != nil {
		return nil, err
	}
	return recycledInfo{info, e.as}, nil
}

type recycledInfo struct {
	fs.FileInfo
	as *syscall.Stat_t
}

func (i recycledInfo) Sys() any {
	st := *i.FileInfo.Sys().(*syscall.Stat_t)
	st.Dev, st.Ino = i.as.Dev, i.as.Ino
	return &st
}

// TestRenamedThenDeletedIsNotANewFileWithItsInode: an article renamed then
// deleted before the next pass is gone, even when a new file takes its
// inode, and though the watcher saw the rename: the new file, born after
// the last pass, is not it (the soak test saw an article's last good
// version served under the name of another article's new, still broken,
// file).
func TestRenamedThenDeletedIsNotANewFileWithItsInode(t *testing.T) {
	for _, tc := range []struct {
		name, text, title string
	}{
		{"new file broken", "---\ntitle: Nouvelle\ndate: le 2024-11-24\n---\n\nTexte.\n", ""},
		{"new file good", "---\ntitle: Nouvelle\ndate: 2024-11-24 08:00\n---\n\nTexte.\n", "Nouvelle"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			info, err := os.Lstat(filepath.Join(f.dir, "monde", "nouvelle-01.md"))
			if err != nil {
				t.Fatal(err)
			}
			var stx unix.Statx_t
			if err := unix.Statx(unix.AT_FDCWD, filepath.Join(f.dir, "monde", "nouvelle-01.md"), 0, unix.STATX_BTIME, &stx); err != nil || stx.Mask&unix.STATX_BTIME == 0 {
				// Then only the watcher's event tells, as documented.
				t.Skipf("the file system of %s keeps no birth time", f.dir)
			}
			folder := &recyclingFolder{name: "pratique/nouvelle.md", as: info.Sys().(*syscall.Stat_t)}
			f.folder = func(fsys fs.FS) fs.FS { folder.FS = fsys; return folder }
			f.open()
			f.sync()
			id := entryID(t, f.store, "monde/nouvelle-01.md")

			f.rename("monde/nouvelle-01.md", "monde/deplacee.md")
			f.syncer.MovedAway("monde/nouvelle-01.md")
			f.notice("monde/deplacee.md")
			f.remove("monde/deplacee.md")
			f.write("pratique/nouvelle.md", tc.text)
			recycled, err := os.Lstat(filepath.Join(f.dir, "pratique", "nouvelle.md"))
			if err != nil {
				t.Fatal(err)
			}
			f.syncer.Noticed("pratique/nouvelle.md", recycledInfo{recycled, folder.as})
			f.sync()

			if got := f.title("pratique", "nouvelle"); got != tc.title {
				t.Errorf("/pratique/nouvelle serves %q, want %q; problems:\n%s", got, tc.title, f.problems())
			}
			if tc.title != "" {
				if got := entryID(t, f.store, "pratique/nouvelle.md"); got == id {
					t.Errorf("the new file is article %d, the deleted one's", got)
				}
			}
			gone, err := f.store.Gone(context.Background(), store.View{Now: sitetest.FixtureNow}, "/monde/nouvelle-01")
			if err != nil || !gone {
				t.Errorf("deleted article: gone %v, %v; redirect %q", gone, err, f.redirect("/monde/nouvelle-01"))
			}
		})
	}
}
