//go:build unix

package ingest

import (
	"io/fs"
	"syscall"
)

// fileIDOf returns the file system's identity of the file that info
// describes (device and inode), which a rename keeps.
func fileIDOf(info fs.FileInfo) (fileID, bool) {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok || st == nil {
		return fileID{}, false // not a file of the OS (the bundled content)
	}
	return fileID{dev: uint64(st.Dev), ino: uint64(st.Ino)}, true //nolint:unconvert // Dev is not uint64 everywhere
}
